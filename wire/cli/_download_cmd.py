"""`wire --download`: decide whether to save, save, and report (the command's side).

`_download.download()` does the file work (names, `.part`, atomic rename); this module
decides what a response means for a download and turns failures into messages and exit
statuses.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..client_core import Request, Response
from ._download import DownloadInterrupted, IncompleteDownload, download
from ._env import Environment
from ._exit import (
    ExitStatus,
    describe_error,
    print_error,
    print_status_warning,
    status_for_http,
)
from .output._plan import OutputPlan
from .output._sanitize import sanitize_for_terminal
from .output._writer import write_response

__all__ = ["run_download"]




def run_download(
    env: Environment,
    plan: OutputPlan,
    request: Request,
    response: Response,
    options: Mapping[str, Any],
) -> ExitStatus:
    """Save `response`'s body as a file, or explain why not.

    Args:
        env: the process `Environment` (stderr for progress and messages).
        plan: the `OutputPlan` (theme; how to show an error response).
        request: the ORIGINAL request (its URL names the file; never a redirect target).
        response: the final response, streaming and unread; the caller closes it.
        options: the click values (output).

    Returns:
        SUCCESS; ERROR_HTTP_* for a non-2xx response (nothing is saved); ERROR or the
        transport error's status for a failed transfer (the `.part` file is kept and named).
    """
    if not 200 <= response.status_code < 300:
        # An error page is never saved as if it were the file: show it, and fail.
        write_response(env, plan, response)
        print_status_warning(env, response)
        return status_for_http(response.status_code, check_status=True)
    from .output._progress import DownloadProgress

    output = options.get("output")
    quiet = not env.stderr_isatty
    try:
        with DownloadProgress(env, theme=plan.theme, quiet=quiet) as progress:
            result = download(
                response,
                original_url_path=request.url.path,
                output=Path(output) if output else None,
                progress=progress,
            )
    except IncompleteDownload as exc:
        print_error(env, str(exc))
        return ExitStatus.ERROR
    except DownloadInterrupted as exc:
        cause = exc.__cause__ if exc.__cause__ is not None else exc
        report = describe_error(cause, method=request.method, url=str(request.url))
        print_error(env, f"{report.message}; partial data kept in '{exc.part_path}'")
        return report.status
    except (OSError, ValueError) as exc:
        # Stream errors arrive as DownloadInterrupted: what is left is the local file system
        # (a name taken, no permission, a directory given to -o) or no free name.
        print_error(env, f"cannot write the download: {exc}")
        return ExitStatus.ERROR
    env.stderr.write(f"Saved to {sanitize_for_terminal(str(result.path))}\n")
    env.stderr.flush()
    return ExitStatus.SUCCESS


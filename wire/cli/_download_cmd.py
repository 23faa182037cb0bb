"""`wire --download`: decide whether to save, save, and report (the command's side).

`_download.download()` does the file work (names, `.part`, resume, segments, checksum,
atomic rename); this module reads the options, decides what a response means for a
download, gives `download()` a way to send the Range requests that ``--continue`` and
``--segments`` need, and turns failures into messages and exit statuses.

Resuming happens after the first response: the part file's name may come from that
response's Content-Disposition, so only then is it known whether a ``.part`` exists. Its
ETag/Last-Modified are compared with the saved ones first, which settles a changed file
without another request; otherwise the first response is closed unread and the rest is
asked for with ``Range`` + ``If-Range``. That costs one extra request per resume, and
nothing for a plain download.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..client_core import Client, Request, Response, Timeout
from ._checksum import Checksum, ChecksumMismatch, parse_checksum
from ._download import (
    DownloadCancelled,
    DownloadInterrupted,
    DownloadResult,
    Fetch,
    IncompleteDownload,
    ResumeFailed,
    StreamingResponse,
    download,
)
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

__all__ = ["make_fetch", "run_download"]

# Request headers that belong to one exchange and must not be copied into a Range request.
_PER_REQUEST_HEADERS = frozenset({"range", "if-range", "content-length", "transfer-encoding"})


def make_fetch(client: Client, request: Request) -> Fetch:
    """A `Fetch` that sends ``request`` again through ``client``, plus extra headers.

    Redirects are not followed: ``request`` is the final one (the URL the body came from),
    and a Range request answered by a redirect is an answer `download()` refuses.

    Args:
        client: An open client; it must stay open while the responses are read.
        request: The request whose response started the download (``response.request``).

    Returns:
        A callable: extra headers (str → str) → streaming `Response`, which its caller closes.
    """

    def fetch(extra: Mapping[str, str]) -> Response:
        names = {name.lower() for name in extra} | _PER_REQUEST_HEADERS
        headers = [(k, v) for k, v in request.headers.multi_items() if k.lower() not in names]
        again = Request(request.method, request.url, headers=[*headers, *extra.items()])
        return client.send(again, stream=True, follow_redirects=False)

    return fetch


def _fallback_client(request: Request, options: Mapping[str, Any]) -> Client:
    """A client for Range requests when the caller did not pass its own.

    The request already carries the credentials and cookies it was sent with; what must be
    repeated is the time limits and the TLS verification.
    """
    timeout = request.extensions.get("timeout")
    verify_option = str(options.get("verify") or "yes").strip()
    verify: bool | str = verify_option
    if verify_option.lower() in ("yes", "true", "1", "on"):
        verify = True
    elif verify_option.lower() in ("no", "false", "0", "off"):
        verify = False
    return Client(
        timeout=Timeout(**timeout) if isinstance(timeout, dict) else Timeout(30.0),
        verify=verify,
    )


def _checksum_option(options: Mapping[str, Any]) -> Checksum | None:
    value = options.get("checksum")
    return None if not value else parse_checksum(str(value))


def _check_options(request: Request, options: Mapping[str, Any]) -> None:
    """Refuse option combinations that cannot work (ValueError with the message)."""
    ranged = bool(options.get("continue_")) or int(options.get("segments") or 1) > 1
    if ranged and request.method != "GET":
        # RFC 9110 §14.2: Range is defined for GET only; other methods ignore it.
        raise ValueError("--continue and --segments work with GET requests only")
    if ranged and options.get("decompress"):
        raise ValueError(
            "--decompress cannot be combined with --continue or --segments (ranges count "
            "the bytes as sent, not as decoded)"
        )


def run_download(
    env: Environment,
    plan: OutputPlan,
    request: Request,
    response: Response,
    options: Mapping[str, Any],
    *,
    client: Client | None = None,
) -> ExitStatus:
    """Save `response`'s body as a file, or explain why not.

    Args:
        env: the process `Environment` (stderr for progress and messages).
        plan: the `OutputPlan` (theme; how to show an error response).
        request: the ORIGINAL request (its URL names the file; never a redirect target).
        response: the final response, streaming and unread; the caller closes it.
        options: the click values: output, output_dir, overwrite, continue_, checksum,
            segments, decompress, quiet.
        client: the client that sent ``request``, reused for the Range requests of
            ``--continue`` and ``--segments``; None makes a client with the same time
            limits and TLS verification for them (and only when they are needed).

    Returns:
        SUCCESS; ERROR_HTTP_* for a non-2xx response (nothing is saved); ERROR_CTRL_C after
        Ctrl-C; ERROR or the transport error's status for a failed transfer (the `.part` file
        is kept and named).
    """
    if not 200 <= response.status_code < 300:
        # An error page is never saved as if it were the file: show it, and fail.
        write_response(env, plan, response)
        print_status_warning(env, response)
        return status_for_http(response.status_code, check_status=True)
    try:
        _check_options(request, options)
        checksum = _checksum_option(options)
    except ValueError as exc:
        print_error(env, str(exc))
        return ExitStatus.ERROR
    ranged = bool(options.get("continue_")) or int(options.get("segments") or 1) > 1
    if not ranged:
        return _save(env, plan, request, response, options, checksum, None)
    with _RangeSender(client, response.request, options) as fetch:
        return _save(env, plan, request, response, options, checksum, fetch)


class _RangeSender:
    """A `Fetch` through ``client``, or through a client of its own made at the first call
    (a plain ``--continue`` with nothing to continue sends nothing more)."""

    def __init__(self, client: Client | None, request: Request, options: Mapping[str, Any]):
        self._client = client
        self._request = request
        self._options = options
        self._owned: Client | None = None
        self._fetch: Fetch | None = None

    def __call__(self, extra: Mapping[str, str]) -> StreamingResponse:
        if self._fetch is None:
            if self._client is None:
                self._client = self._owned = _fallback_client(self._request, self._options)
            self._fetch = make_fetch(self._client, self._request)
        return self._fetch(extra)

    def __enter__(self) -> _RangeSender:
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self._owned is not None:
            self._owned.close()


def _save(
    env: Environment,
    plan: OutputPlan,
    request: Request,
    response: Response,
    options: Mapping[str, Any],
    checksum: Checksum | None,
    fetch: Fetch | None,
) -> ExitStatus:
    from .output._progress import DownloadProgress

    output_dir = Path(options.get("output_dir") or ".")
    output = Path(options["output"]) if options.get("output") else None
    if output is not None and not output.is_absolute():
        output = output_dir / output  # as curl's --output-dir: it applies to -o too
    quiet = bool(options.get("quiet")) or not env.stderr_isatty
    try:
        with DownloadProgress(env, theme=plan.theme, quiet=quiet) as progress:
            result = download(
                response,
                original_url_path=request.url.path,
                output=output,
                output_dir=output_dir,
                progress=progress,
                overwrite=bool(options.get("overwrite")),
                resume=bool(options.get("continue_")),
                checksum=checksum,
                decompress=bool(options.get("decompress")),
                segments=int(options.get("segments") or 1),
                fetch=fetch,
                url=str(response.request.url),
                # Like curl and wget, leave the data to the page cache: forcing it to disk
                # would make every download as slow as the disk. Atomicity does not depend
                # on it: the final name only ever appears, complete, by a rename.
                fsync=False,
            )
    except DownloadCancelled as exc:
        print_error(env, f"interrupted; partial data kept in '{exc.part_path}'{_HINT}")
        return ExitStatus.ERROR_CTRL_C
    except IncompleteDownload as exc:
        is_short = exc.expected is None or exc.received < exc.expected
        print_error(env, str(exc) + (_HINT if is_short else ""))
        return ExitStatus.ERROR
    except (ChecksumMismatch, ResumeFailed) as exc:
        print_error(env, str(exc))
        return ExitStatus.ERROR
    except DownloadInterrupted as exc:
        cause = exc.__cause__ if exc.__cause__ is not None else exc
        report = describe_error(cause, method=request.method, url=str(request.url))
        print_error(env, f"{report.message}; partial data kept in '{exc.part_path}'{_HINT}")
        return report.status
    except (OSError, ValueError) as exc:
        # Stream errors arrive as DownloadInterrupted: what is left is the local file system
        # (a name taken, no permission, a directory given to -o) or no free name.
        print_error(env, f"cannot write the download: {exc}")
        return ExitStatus.ERROR
    if not options.get("quiet"):
        env.stderr.write(_saved_line(result))
        env.stderr.flush()
    return ExitStatus.SUCCESS


_HINT = " (run the same command with --continue to resume)"


def _saved_line(result: DownloadResult) -> str:
    from .output._progress import format_size

    line = f"Saved to {sanitize_for_terminal(str(result.path))}"
    if result.resumed_from:
        line += f" (resumed after {format_size(result.resumed_from)})"
    return line + "\n"

"""Run one `wire` invocation: build the request, send it, hand the response to the output.

This is the command line's only network I/O. Every expected error ends here as one line on
stderr and an exit status from `_exit`; a traceback is shown only with --traceback.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping
from typing import IO, Any

from ..client_core import Client, Request
from ._build import BuildError, RequestSpec, build_request_spec
from ._download_cmd import run_download
from ._env import Environment
from ._exit import (
    ExitStatus,
    describe_error,
    print_error,
    print_status_warning,
    status_for_http,
)
from ._request_items import RequestItemError
from ._urlarg import URLArgError
from .output._plan import OutputOptions, plan_output
from .output._writer import write_request, write_response

__all__ = ["run", "run_command"]


def run_command(options: Mapping[str, Any]) -> ExitStatus:
    """Run the command with the click values `options`, in the real process environment."""
    return run(Environment.from_process(), options)


def _prompt_password(prompt: str) -> str:
    import click

    return str(click.prompt(prompt, hide_input=True, default="", show_default=False, err=True))


def _output_options(options: Mapping[str, Any]) -> OutputOptions:
    return OutputOptions(
        print_spec=options.get("print_spec"),
        pretty=options.get("pretty"),
        style=options.get("style") or "auto",
        verbose=1 if options.get("verbose") else 0,
        headers_only=bool(options.get("headers_only")),
        body_only=bool(options.get("body_only")),
        download=bool(options.get("download")),
    )


def run(env: Environment, options: Mapping[str, Any]) -> ExitStatus:
    """Build, send and show one request.

    Args:
        env: the process `Environment` (streams, terminal facts).
        options: the click values by parameter name (see `_command.cli`).

    Returns:
        The `ExitStatus` (see `_exit`).

    Raises:
        Exception: only with --traceback, the original error.
    """
    try:
        spec = build_request_spec(
            options, prompt_password=_prompt_password if env.stdin_isatty else None
        )
        output_options = _output_options(options)
        plan_output(env, output_options, None)  # validates --print early
    except (BuildError, URLArgError, RequestItemError, ValueError) as exc:
        print_error(env, str(exc))
        return ExitStatus.ERROR
    try:
        return _exchange(env, spec, output_options, options)
    except KeyboardInterrupt:
        print_error(env, "interrupted")
        return ExitStatus.ERROR_CTRL_C
    except Exception as exc:
        if options.get("traceback"):
            raise
        report = describe_error(exc, method=spec.method, url=spec.url)
        print_error(env, report.message)
        return report.status


@contextlib.contextmanager
def _open_files(spec: RequestSpec) -> Iterator[list[tuple[str, Any]]]:
    with contextlib.ExitStack() as stack:
        files: list[tuple[str, Any]] = []
        for name, item in spec.files:
            try:
                handle: IO[bytes] = stack.enter_context(open(item.path, "rb"))  # noqa: SIM115
            except OSError as exc:
                raise BuildError(f"cannot read {item.path!r}: {exc.strerror}") from exc
            files.append((name, (item.filename, handle, item.mime_type)))
        yield files


def _build_request(client: Client, spec: RequestSpec, files: list[tuple[str, Any]]) -> Request:
    form: dict[str, list[str]] | None = None
    if spec.form is not None:
        form = {}
        for key, value in spec.form:
            form.setdefault(key, []).append(value)
    request = client.build_request(
        spec.method,
        spec.url,
        params=list(spec.params) or None,
        headers=list(spec.headers),
        content=spec.content,
        data=form or None,
        files=files or None,
    )
    for name in spec.unset_headers:
        if name in request.headers:
            del request.headers[name]
    return request


def _exchange(
    env: Environment, spec: RequestSpec, output_options: OutputOptions, options: Mapping[str, Any]
) -> ExitStatus:
    settings = spec.client
    with Client(
        auth=settings.auth,
        timeout=settings.timeout,
        follow_redirects=settings.follow_redirects,
        max_redirects=settings.max_redirects,
        verify=settings.verify,
    ) as client, _open_files(spec) as files:
        request = _build_request(client, spec, files)
        plan = plan_output(env, output_options, None)
        if plan.show_request_headers or plan.show_request_body:
            write_request(env, plan, request)
        response = client.send(request, stream=True)
        try:
            plan = plan_output(env, output_options, response)
            check_status = bool(options.get("check_status"))
            if output_options.download:
                return run_download(env, plan, request, response, options)
            write_response(env, plan, response)
            status = status_for_http(response.status_code, check_status=check_status)
            if status != ExitStatus.SUCCESS and not env.stdout_isatty:
                print_status_warning(env, response)
            return status
        finally:
            response.close()



"""Run one `wire` invocation: build the request, send it, hand the responses to the output.

This is the command line's only network I/O. Every expected error ends here as one line on
stderr and an exit status from `_exit`; a traceback is shown only with --traceback.

Strategy: the client never follows redirects itself (`follow_redirects=False`); the loop in
`_exchange` does, so that --all can print each hop, --max-redirects counts them, and the
credentials go only to the first origin unless --location-trusted (the client core strips the
Authorization header across origins; wire re-applies it only when trusted). --max-time is one
monotonic deadline over the whole loop: a SIGALRM timer interrupts a blocked read where the
platform has one, and the body iterator checks the clock between chunks everywhere.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from typing import IO, Any

from ..client_core import Client, Request, Response, TooManyRedirects
from ._build import AuthSpec, BuildError, RequestSpec, build_request_spec
from ._env import Environment
from ._exchange import (
    attach_recorder,
    prepare_extras,
    retry_policy_from_options,
    wants_extras,
    write_extras,
)
from ._request_items import RequestItemError
from ._status import ExitStatus, status_for_http
from ._urlarg import URLArgError
from .output._formatters import parse_format_options
from .output._plan import OutputOptions, OutputPlan, plan_output
from .output._writer import meta_text, write_meta, write_request, write_response

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
        verbose=0 if options.get("no_verbose") else int(options.get("verbose") or 0),
        headers_only=bool(options.get("headers_only")),
        body_only=bool(options.get("body_only")),
        download=bool(options.get("download")),
        meta=bool(options.get("meta")),
        quiet=0 if options.get("no_quiet") else int(options.get("quiet") or 0),
        offline=bool(options.get("offline")),
        stream=bool(options.get("stream")),
        format_options=parse_format_options(
            list(options.get("format_options") or ()), options.get("sorted_")
        ),
        response_charset=options.get("response_charset"),
        response_mime=options.get("response_mime"),
    )


def _read_stdin(env: Environment) -> Any:
    from ._stdin import read_stdin_body

    def read(method: str | None) -> bytes | None:
        return read_stdin_body(env.stdin, is_terminal=env.stdin_isatty, method=method)

    return read


def _print_error(env: Environment, message: str) -> None:
    """`_exit.print_error`, imported on first use: `_exit` (messages and statuses for
    errors) is loaded where an error or a failing status is reported, not by every run."""
    from ._exit import print_error as print_exit_error

    print_exit_error(env, message)


def run(env: Environment, options: Mapping[str, Any]) -> ExitStatus:
    """Build, send and show one request.

    Args:
        env: the process `Environment` (streams, terminal facts, variables, clock).
        options: the click values by parameter name (see `_command.cli`).

    Returns:
        The `ExitStatus` (see `_exit`).

    Raises:
        Exception: only with --traceback, the original error.
    """
    from ._themes import ensure_theme, list_themes

    if options.get("style") == "list":
        return list_themes(env)
    try:
        ensure_theme(env, options.get("style") or "auto")
        output_options = _output_options(options)
        plan_output(env, output_options, None)  # validates --print, --pretty, --style early
        spec = build_request_spec(
            options,
            prompt_password=_prompt_password if env.stdin_isatty else None,
            read_stdin=_read_stdin(env),
        )
    except (BuildError, URLArgError, RequestItemError, ValueError, OSError) as exc:
        _print_error(env, str(exc))
        return ExitStatus.ERROR
    try:
        with _deadline(spec.client.max_time):
            return _exchange(env, spec, output_options, options)
    except KeyboardInterrupt:
        _print_error(env, "interrupted")
        return ExitStatus.ERROR_CTRL_C
    except BuildError as exc:
        _print_error(env, str(exc))
        return ExitStatus.ERROR
    except Exception as exc:
        if options.get("traceback"):
            raise
        from ._exit import describe_error

        report = describe_error(exc, method=spec.method, url=spec.url)
        _print_error(env, report.message)
        return report.status


@contextlib.contextmanager
def _deadline(seconds: float | None) -> Iterator[None]:
    """Raise `DeadlineExceeded` in the main thread when `seconds` have passed (SIGALRM)."""
    if seconds is None:
        yield  # no --max-time: `signal` is not even imported (start-up time)
        return
    import signal

    from ._exit import DeadlineExceeded

    usable = (
        hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    )
    if not usable:
        yield
        return

    def expire(signum: int, frame: object) -> None:
        raise DeadlineExceeded(f"no complete response within {seconds:g} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _checked_chunks(
    response: Response, deadline: float | None, env: Environment
) -> Iterator[bytes]:
    for chunk in response.iter_bytes():
        if deadline is not None and env.monotonic() > deadline:
            from ._exit import DeadlineExceeded

            raise DeadlineExceeded("the response body did not end in time")
        yield chunk


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


@dataclass
class _Exchange:
    """The state of one run: the client, the auth in force, and what has been printed."""

    env: Environment
    spec: RequestSpec
    output: OutputOptions
    client: Client
    auth: AuthSpec | None
    needs_separator: bool = False  # a response was printed: a blank line before the next
    start: float = 0.0

    def plan(self, response: Response | None = None) -> OutputPlan:
        return plan_output(self.env, self.output, response)


def _apply_auth(request: Request, exchange: _Exchange) -> Any:
    """Put basic/bearer credentials on the request now (so -v shows them); return the auth
    the client must run (digest answers a challenge), or None."""
    from ._client import make_auth

    auth = make_auth(exchange.auth)
    if auth is None or (exchange.auth is not None and exchange.auth.type == "digest"):
        return auth
    flow = auth.sync_auth_flow(request)
    next(flow)
    flow.close()
    return None


def _send(exchange: _Exchange, request: Request, auth: Any) -> Response:
    from ._echo import send_echoed

    plan = exchange.plan()
    write = None
    if plan.show_request_headers or plan.show_request_body:

        def write(http_version: str) -> None:
            if exchange.needs_separator:
                exchange.env.stdout.write(b"\n")
            write_request(exchange.env, plan, request, http_version)
            exchange.needs_separator = False

    response: Response = send_echoed(
        lambda: exchange.client.send(request, auth=auth, stream=True), request, write
    )
    limit = exchange.spec.client.max_headers
    if limit and len(response.headers.raw) > limit:
        response.close()
        raise BuildError(
            f"the response has {len(response.headers.raw)} headers, more than --max-headers "
            f"{limit} ({request.method} {request.url})"
        )
    return response


def _remote_address(response: Response) -> str | None:
    stream = response.extensions.get("network_stream")
    get_extra_info = getattr(stream, "get_extra_info", None)
    if get_extra_info is None:
        return None
    address = get_extra_info("server_addr")
    if isinstance(address, tuple) and len(address) >= 2:
        return f"{address[0]}:{address[1]}"
    return str(address) if address else None


def _show_intermediate(exchange: _Exchange, response: Response) -> None:
    plan = exchange.plan(response)
    response.read()
    if plan.show_response_headers or plan.show_response_body:
        if exchange.needs_separator:
            exchange.env.stdout.write(b"\n")
        write_response(exchange.env, plan, response)
        exchange.needs_separator = True


def _follow(exchange: _Exchange, request: Request, response: Response) -> Request | None:
    """The next request of a redirect chain, or None when `response` is the final one."""
    settings = exchange.spec.client
    next_request = response.next_request
    if not settings.follow_redirects or next_request is None:
        return None
    from ._client import apply_resolve

    apply_resolve(next_request, settings.resolve)
    if settings.location_trusted and exchange.auth is not None:
        next_request.headers.pop("Authorization", None)
        _apply_auth(next_request, exchange)
    return next_request


def _final_response(exchange: _Exchange, request: Request, show_all: bool) -> Response:
    settings = exchange.spec.client
    auth = _apply_auth(request, exchange)
    hops = 0
    while True:  # bounded by --max-redirects
        response = _send(exchange, request, auth)
        next_request = _follow(exchange, request, response)
        if next_request is None:
            return response
        try:
            if show_all:
                _show_intermediate(exchange, response)
        finally:
            response.close()
        hops += 1
        if hops > settings.max_redirects:
            raise TooManyRedirects(
                f"more than {settings.max_redirects} redirects", request=next_request
            )
        request = next_request
        auth = auth if settings.location_trusted else None


def _exchange(
    env: Environment, spec: RequestSpec, output: OutputOptions, options: Mapping[str, Any]
) -> ExitStatus:
    from ._client import build_request, make_client, netrc_auth

    session = None
    if options.get("session") or options.get("session_read_only"):
        from ._session_use import SessionUse

        session = SessionUse.open(env, spec, options)
    auth = spec.client.auth or (session.auth if session else None)
    if auth is None and spec.client.auth_from_netrc:
        from ..client_core import URL

        url = URL(spec.url)
        if not (url.username or url.password):  # credentials in the URL win over .netrc
            auth = netrc_auth(env.environ, url.host)
    cookies = session.cookie_jar() if session else None
    retry = retry_policy_from_options(env, options)
    with make_client(spec.client, cookies=cookies, retry=retry) as client, _open_files(
        spec
    ) as files:
        request = build_request(client, spec, files)
        if session:
            session.apply_headers(request, spec)
        if options.get("curl"):
            from ._curl import print_curl

            return print_curl(env, request, spec, auth)
        if wants_extras(options):
            attach_recorder(request)
        exchange = _Exchange(env, spec, output, client, auth, start=env.monotonic())
        if output.offline:
            _apply_auth(request, exchange)
            write_request(env, replace(exchange.plan(), show_response_body=False), request)
            return ExitStatus.SUCCESS
        status = _respond(exchange, request, options)
        if session:
            session.save(client, spec)
        return status


def _respond(exchange: _Exchange, request: Request, options: Mapping[str, Any]) -> ExitStatus:
    env, spec = exchange.env, exchange.spec
    response = _final_response(exchange, request, bool(options.get("all_")))
    try:
        plan = exchange.plan(response)
        if wants_extras(options):
            plan = prepare_extras(response, plan, options)
        check_status = options.get("check_status", True) is not False
        if exchange.output.download:
            from ._download_cmd import run_download

            return run_download(env, plan, request, response, options, client=exchange.client)
        remote = _remote_address(response)
        if exchange.needs_separator and (plan.show_response_headers or plan.show_response_body):
            env.stdout.write(b"\n")
        deadline = (
            exchange.start + spec.client.max_time if spec.client.max_time is not None else None
        )
        write_response(env, plan, response, body=_checked_chunks(response, deadline, env))
        if plan.show_meta and not plan.show_response_body:
            response.read()  # the meta's elapsed time covers the whole body
        if plan.show_meta:
            elapsed = env.monotonic() - exchange.start
            shown = plan.show_response_headers or plan.show_response_body
            write_meta(env, plan, meta_text(elapsed, remote), separate=shown)
        if wants_extras(options):
            write_extras(env, response, options)
        status = status_for_http(response.status_code, check_status=check_status)
        if status != ExitStatus.SUCCESS and not env.stdout_isatty and exchange.output.quiet < 2:
            from ._exit import print_status_warning

            print_status_warning(env, response)
        return status
    finally:
        response.close()

"""curl, both ways: `wire curl <curl args>` runs a pasted curl command line, and `--curl`
prints the curl command for a wire request.

    wire curl -sSL -X POST https://example.org/api -H 'Accept: application/json' -d 'a=1'
    wire curl 'curl -u me:secret -k https://example.org/'      # one pasted string works too

Translated curl options: -X/--request, -H/--header, -d/--data/--data-ascii, --data-raw,
--data-binary, --data-urlencode, --json, -F/--form, --form-string, -G/--get, -u/--user,
-k/--insecure, -L/--location, --max-redirs, -I/--head, -i/--include, -v/--verbose,
-b/--cookie (a `name=value` string), -A/--user-agent, -e/--referer, --compressed,
-x/--proxy, -m/--max-time, --connect-timeout, -f/--fail, --http1.1, --http2 (curl's default:
HTTP/2 is offered over TLS), --http2-prior-knowledge, --url and the URL; -s/-S/--silent/
--show-error/--no-progress-meter are accepted and ignored (wire shows no meter). Everything
else is listed on stderr as not translated, and the request is sent without it.

Departures, said once here: `--max-time` bounds each network wait (connect, each read and
write) rather than the transfer as a whole; `-b FILE` (a cookie jar) is not read.

A URL literally named "curl" for the main command is written `http://curl` or `:/curl`.
"""

from __future__ import annotations

import shlex
import sys
import urllib.parse
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import click

from ..client_core import Request
from ._exit import ExitStatus

__all__ = [
    "CurlRequest", "FilePart", "curl_command", "parse_curl_args", "print_curl", "to_curl",
]

# Options that take a value (short and long names), by the attribute they feed.
_VALUE_OPTIONS = {
    "-X": "method", "--request": "method",
    "-H": "header", "--header": "header",
    "-d": "data", "--data": "data", "--data-ascii": "data",
    "--data-raw": "data_raw", "--data-binary": "data_binary",
    "--data-urlencode": "data_urlencode", "--json": "json",
    "-F": "form", "--form": "form", "--form-string": "form_string",
    "-u": "user", "--user": "user",
    "-b": "cookie", "--cookie": "cookie",
    "-A": "user_agent", "--user-agent": "user_agent",
    "-e": "referer", "--referer": "referer",
    "-x": "proxy", "--proxy": "proxy",
    "-m": "max_time", "--max-time": "max_time",
    "--connect-timeout": "connect_timeout",
    "--max-redirs": "max_redirs",
    "--url": "url",
}  # fmt: skip
_FLAG_OPTIONS = {
    "-k": "insecure", "--insecure": "insecure",
    "-L": "location", "--location": "location",
    "-I": "head", "--head": "head",
    "-i": "include", "--include": "include",
    "-v": "verbose", "--verbose": "verbose",
    "-G": "get", "--get": "get",
    "-f": "fail", "--fail": "fail",
    "--compressed": "compressed",
}  # fmt: skip
#: curl's protocol flags → `CurlRequest.http_version` (curl offers HTTP/2 over TLS by default).
_VERSION_FLAGS = {"--http1.1": "1.1", "--http2": "2", "--http2-prior-knowledge": "2-prior"}
_IGNORED_FLAGS = {"-s", "--silent", "-S", "--show-error", "--no-progress-meter", "-#",
                  "--progress-bar"}  # fmt: skip
# Options whose value must be skipped when reported as untranslated.
_UNTRANSLATED_WITH_VALUE = {"-o", "--output", "-w", "--write-out", "-c", "--cookie-jar",
                            "-T", "--upload-file", "-r", "--range", "--cacert", "-E",
                            "--cert", "--key", "--resolve", "--retry", "-K", "--config",
                            "-D", "--dump-header", "--limit-rate", "-C",
                            "--continue-at"}  # fmt: skip


@dataclass(frozen=True)
class FilePart:
    """A `-F name=@path[;type=MIME][;filename=NAME]` file part."""

    path: str
    content_type: str | None = None
    filename: str | None = None


@dataclass
class CurlRequest:
    """What a curl command line asks for, in wire's terms.

    Attributes:
        method: str upper-case, or None for curl's default (GET, POST with data, HEAD with -I).
        url: str as given (a URL without scheme gets http://, as curl does).
        headers: `(name, value)` str pairs in order; a None value removes the header.
        data: the `-d`-family parts (str), joined with "&"; `json` the `--json` parts.
        form: multipart parts `(name, str | FilePart)`.
        auth: `(user, password)` or None. insecure, follow, head, get, fail, compressed: bool.
        include / verbose: bool, print the response headers / the whole exchange.
        proxy: str URL or None. max_time, connect_timeout: float seconds or None.
        max_redirects: int (curl's default 50).
        http_version: "1.1" (--http1.1), "2-prior" (--http2-prior-knowledge), or "2"
            (--http2, and curl's default: HTTP/2 offered over TLS, HTTP/1.1 over plain http).
        untranslated: the options (str, with their values) that wire did not apply.
    """

    method: str | None = None
    url: str | None = None
    headers: list[tuple[str, str | None]] = field(default_factory=list)
    data: list[str] = field(default_factory=list)
    json: list[str] = field(default_factory=list)
    form: list[tuple[str, str | FilePart]] = field(default_factory=list)
    auth: tuple[str, str] | None = None
    insecure: bool = False
    follow: bool = False
    head: bool = False
    get: bool = False
    fail: bool = False
    compressed: bool = False
    include: bool = False
    verbose: bool = False
    proxy: str | None = None
    max_time: float | None = None
    connect_timeout: float | None = None
    max_redirects: int = 50
    http_version: str = "2"
    untranslated: list[str] = field(default_factory=list)

    def effective_method(self) -> str:
        """The method curl would send: -X, else HEAD (-I), GET (-G), POST with a body, GET."""
        if self.method:
            return self.method.upper()
        if self.head:
            return "HEAD"
        if (self.data or self.json or self.form) and not self.get:
            return "POST"
        return "GET"


def _split_short(token: str) -> list[str]:
    """`-sSL` → [-s, -S, -L]; `-XPOST` → [-X, POST]; `-H'A: b'` → [-H, A: b]."""
    out: list[str] = []
    rest = token[1:]
    while rest:
        option = "-" + rest[0]
        rest = rest[1:]
        out.append(option)
        if option in _VALUE_OPTIONS or option in _UNTRANSLATED_WITH_VALUE:
            if rest:
                out.append(rest)
            break
    return out


def _tokens(args: Sequence[str]) -> list[str]:
    if len(args) == 1 and args[0].lstrip().startswith("curl "):
        args = shlex.split(args[0])
    if args and args[0] == "curl":
        args = args[1:]
    tokens: list[str] = []
    for arg in args:
        if arg.startswith("-") and not arg.startswith("--") and len(arg) > 2:
            tokens += _split_short(arg)
        else:
            tokens.append(arg)
    return tokens


def _read_at(value: str, read_file: Callable[[str], bytes], *, strip: bool) -> str:
    """curl's `@file` (or `@-` for stdin); -d strips CR and LF from the file's text."""
    if not value.startswith("@"):
        return value
    text = read_file(value[1:]).decode("utf-8", errors="surrogateescape")
    return text.replace("\r", "").replace("\n", "") if strip else text


def _urlencode_part(value: str, read_file: Callable[[str], bytes]) -> str:
    # curl --data-urlencode forms: content, =content, name=content, @file, name@file.
    name, sep, content = value.partition("=")
    if sep:
        encoded = urllib.parse.quote_plus(content)
        return f"{name}={encoded}" if name else encoded
    name, sep, path = value.partition("@")
    if sep:
        encoded = urllib.parse.quote_plus(read_file(path).decode("utf-8", "surrogateescape"))
        return f"{name}={encoded}" if name else encoded
    return urllib.parse.quote_plus(value)


def _form_part(value: str, *, literal: bool) -> tuple[str, str | FilePart]:
    name, _, rest = value.partition("=")
    if literal or not rest.startswith("@"):
        return name, rest
    path, *params = rest[1:].split(";")
    options = dict(p.split("=", 1) for p in params if "=" in p)
    return name, FilePart(path, options.get("type"), options.get("filename"))


def _apply_value(
    request: CurlRequest, kind: str, value: str, read_file: Callable[[str], bytes]
) -> None:
    if kind == "method":
        request.method = value
    elif kind == "header":
        name, sep, header_value = value.partition(":")
        if sep:
            request.headers.append((name.strip(), header_value.strip() or None))
        elif name.endswith(";"):
            request.headers.append((name[:-1].strip(), ""))
    elif kind == "data":
        request.data.append(_read_at(value, read_file, strip=True))
    elif kind == "data_raw":
        request.data.append(value)
    elif kind == "data_binary":
        request.data.append(_read_at(value, read_file, strip=False))
    elif kind == "data_urlencode":
        request.data.append(_urlencode_part(value, read_file))
    elif kind == "json":
        request.json.append(_read_at(value, read_file, strip=False))
    elif kind in ("form", "form_string"):
        request.form.append(_form_part(value, literal=kind == "form_string"))
    elif kind == "user":
        user, sep, password = value.partition(":")
        request.auth = (user, password)
        if not sep:
            request.untranslated.append(f"-u {value} (no password: curl would prompt; sent empty)")
    elif kind == "cookie":
        if "=" in value:
            request.headers.append(("Cookie", value))
        else:
            request.untranslated.append(f"-b {value} (a cookie file)")
    elif kind == "user_agent":
        request.headers.append(("User-Agent", value))
    elif kind == "referer":
        request.headers.append(("Referer", value.removesuffix(";auto")))
    elif kind == "proxy":
        request.proxy = value if "://" in value else f"http://{value}"
    elif kind == "max_time":
        request.max_time = float(value)
    elif kind == "connect_timeout":
        request.connect_timeout = float(value)
    elif kind == "max_redirs":
        request.max_redirects = int(value)
    elif kind == "url":
        request.url = value


def parse_curl_args(
    args: Sequence[str], *, read_file: Callable[[str], bytes] | None = None
) -> CurlRequest:
    """Translate curl's arguments (one pasted string or the split words) into a `CurlRequest`.

    Args:
        args: the words after `curl` (a leading "curl" is skipped), or one string holding a
            whole `curl ...` line (split with shell rules).
        read_file: reads `@file` values (path str, "-" for stdin) to bytes; None reads disk.

    Returns:
        The `CurlRequest`; what could not be applied is in `.untranslated`.

    Raises:
        ValueError: for an option missing its value, a bad number, or no URL.
    """
    reader = read_file or _read_path
    request = CurlRequest()
    tokens = _tokens(args)
    index = 0
    while index < len(tokens):  # bounded: every branch advances index
        token = tokens[index]
        index += 1
        if token in _VALUE_OPTIONS or token in _UNTRANSLATED_WITH_VALUE:
            if index >= len(tokens):
                raise ValueError(f"curl option {token} needs a value")
            value = tokens[index]
            index += 1
            if token in _VALUE_OPTIONS:
                _apply_value(request, _VALUE_OPTIONS[token], value, reader)
            else:
                request.untranslated.append(f"{token} {value}")
        elif token in _FLAG_OPTIONS:
            attribute = _FLAG_OPTIONS[token]
            setattr(request, "follow" if attribute == "location" else attribute, True)
        elif token in _VERSION_FLAGS:
            request.http_version = _VERSION_FLAGS[token]
        elif token in _IGNORED_FLAGS:
            continue
        elif token.startswith("-") and token != "-":
            request.untranslated.append(token)
        elif request.url is None:
            request.url = token
        else:
            request.untranslated.append(f"{token} (a second URL)")
    if not request.url:
        raise ValueError("no URL in the curl command")
    if "://" not in request.url:
        request.url = "http://" + request.url
    return request


def _read_path(path: str) -> bytes:
    if path == "-":
        return sys.stdin.buffer.read()
    return Path(path).read_bytes()


# --- wire → curl ------------------------------------------------------------------------------

#: Headers curl computes itself, so a printed command leaves them out.
_CURL_COMPUTED = {"host", "content-length", "connection", "transfer-encoding"}


def to_curl(
    request: Request,
    *,
    auth: tuple[str, str] | None = None,
    verify: bool | str = True,
    follow: bool = False,
    max_redirects: int | None = None,
    proxy: str | None = None,
) -> tuple[str, list[str]]:
    """The curl command line equivalent to `request`, quoted for a POSIX shell.

    Args:
        request: the built `Request` (its body is read, so build a fresh one to send).
        auth: Basic credentials `(user, password)`, or None.
        verify: False adds `-k`; a str path adds `--cacert PATH`.
        follow: add `-L` (with `--max-redirs N` when `max_redirects` is given).
        max_redirects: int or None.
        proxy: a proxy URL (str) or None.

    Returns:
        `(command, notes)`: the command (str, one line) and the caveats (str) to show apart,
        e.g. a binary body that a command line cannot carry.
    """
    words = ["curl"]
    notes: list[str] = []
    method = request.method
    body = request.read()
    if method == "HEAD":
        words.append("-I")
    elif method != ("POST" if body else "GET"):
        words += ["-X", method]
    for raw_name, raw_value in request.headers.raw:  # the names as they will be sent
        name, value = raw_name.decode("latin-1"), raw_value.decode("latin-1")
        lowered = name.lower()
        if lowered in _CURL_COMPUTED:
            continue
        if lowered == "accept-encoding":
            if value.strip().lower() != "identity":
                words.append("--compressed")  # curl then decodes the body, as wire does
            continue
        words += ["-H", f"{name}: {value}" if value else f"{name};"]
    if body:
        if b"\x00" in body:
            notes.append(
                f"the body is binary ({len(body)} bytes): send it with --data-binary @FILE"
            )
            words += ["--data-binary", "@FILE"]
        else:
            words += ["--data-binary", body.decode("utf-8", errors="replace")]
    if auth is not None:
        words += ["-u", f"{auth[0]}:{auth[1]}"]
    if verify is False:
        words.append("-k")
    elif isinstance(verify, str):
        words += ["--cacert", verify]
    if follow:
        words.append("-L")
        if max_redirects is not None:
            words += ["--max-redirs", str(max_redirects)]
    if proxy:
        words += ["-x", proxy]
    words.append(str(request.url))
    return shlex.join(words), notes


# --- the `wire curl` command ------------------------------------------------------------------


def _print_spec(curl: CurlRequest) -> str | None:
    if curl.verbose:
        return "HBhb"
    if curl.head:
        return "h"
    if curl.include:
        return "hb"
    return None


def _client_kwargs(curl: CurlRequest) -> dict[str, Any]:
    from ..client_core import Timeout

    timeout: Any = 30.0 if curl.max_time is None else curl.max_time
    if curl.connect_timeout is not None:
        timeout = Timeout(timeout, connect=curl.connect_timeout)
    return {
        "auth": curl.auth,
        "verify": not curl.insecure,
        "follow_redirects": curl.follow,
        "max_redirects": curl.max_redirects,
        "proxy": curl.proxy,
        "timeout": timeout,
        "trust_env": False,
        "http1": curl.http_version != "2-prior",
        "http2": curl.http_version != "1.1",
    }


def _build(client: Any, curl: CurlRequest, stack: Any) -> Request:
    """The `Request` for `curl`, with curl's body rules (urlencoded -d, --json, -F, -G)."""
    url, method = curl.url or "", curl.effective_method()
    content: bytes | None = None
    headers: list[tuple[str, str]] = []
    if curl.get and curl.data:
        url += ("&" if "?" in url else "?") + "&".join(curl.data)
    elif curl.json:
        content = "".join(curl.json).encode()
        headers += [("Content-Type", "application/json"), ("Accept", "application/json")]
    elif curl.data:
        content = "&".join(curl.data).encode("utf-8", errors="surrogateescape")
        headers.append(("Content-Type", "application/x-www-form-urlencoded"))
    data: dict[str, list[str]] = {}
    files: list[tuple[str, Any]] = []
    for name, part in curl.form:
        if isinstance(part, FilePart):
            handle = stack.enter_context(open(part.path, "rb"))  # noqa: SIM115
            files.append((name, (part.filename or Path(part.path).name, handle,
                                 part.content_type)))
        else:
            data.setdefault(name, []).append(part)
    from ._build import USER_AGENT

    headers.append(("User-Agent", USER_AGENT))
    request: Request = client.build_request(
        method, url, content=content, data=data or None, files=files or None, headers=headers
    )
    if not curl.compressed:
        del request.headers["Accept-Encoding"]  # curl asks for no coding unless --compressed
    for name, value in curl.headers:
        if value is None:
            if name in request.headers:
                del request.headers[name]
        else:
            request.headers[name] = value
    return request


def run_curl(env: Any, curl: CurlRequest) -> int:
    """Send `curl`'s request with wire and print the response; return the exit status."""
    import contextlib

    from ..client_core import Client
    from ._echo import send_echoed
    from ._exit import describe_error, print_error, status_for_http
    from .output._plan import OutputOptions, plan_output
    from .output._writer import write_request, write_response

    for item in curl.untranslated:
        env.stderr.write(f"wire: curl: not translated: {item}\n")
    output_options = OutputOptions(print_spec=_print_spec(curl))
    method = curl.effective_method()
    try:
        with contextlib.ExitStack() as stack:
            client = stack.enter_context(Client(**_client_kwargs(curl)))
            request = _build(client, curl, stack)
            request.read()  # files are read now, while open; the body becomes replayable
            plan = plan_output(env, output_options, None)
            write = None
            if plan.show_request_headers or plan.show_request_body:

                def write(http_version: str) -> None:
                    write_request(env, plan, request, http_version)

            response = send_echoed(lambda: client.send(request, stream=True), request, write)
            stack.callback(response.close)
            write_response(env, plan_output(env, output_options, response), response)
            return int(status_for_http(response.status_code, check_status=curl.fail))
    except OSError as exc:
        if not hasattr(exc, "request"):
            print_error(env, f"curl: cannot read {exc.filename!r}: {exc.strerror}")
            return int(ExitStatus.ERROR)
        raise
    except Exception as exc:
        report = describe_error(exc, method=method, url=curl.url or "")
        print_error(env, report.message)
        return int(report.status)


CURL_HELP = """\
Run a curl command line with wire: paste the arguments after 'wire curl' (or the
whole 'curl ...' line as one quoted argument). The response is shown the way wire
shows it; what was not translated is listed on stderr, and the request goes without it.

\b
Translated: -X/--request, -H/--header, -d/--data/--data-ascii, --data-raw,
  --data-binary, --data-urlencode, --json, -F/--form, --form-string, -G/--get,
  -u/--user, -k/--insecure, -L/--location, --max-redirs, -I/--head, -i/--include,
  -v/--verbose, -b/--cookie NAME=VALUE, -A/--user-agent, -e/--referer, --compressed,
  -x/--proxy, -m/--max-time, --connect-timeout, -f/--fail, --http1.1, --http2,
  --http2-prior-knowledge, --url and the URL. As curl, HTTP/2 is offered over TLS.
Ignored: -s/--silent, -S/--show-error, --no-progress-meter.

--max-time bounds each network wait, not the whole transfer. Exit status: 0, or with
-f 3/4/5 for a 3xx/4xx/5xx response, 1 for an error, 2 for a timeout.
"""


@click.command(
    name="curl",
    context_settings={"ignore_unknown_options": True, "help_option_names": ["--help"]},
    help=CURL_HELP,
)
@click.argument("args", nargs=-1, type=click.UNPROCESSED, metavar="CURL_ARGS...")
@click.pass_context
def curl_command(ctx: click.Context, args: tuple[str, ...]) -> None:
    """`wire curl ...`: parse the curl arguments, send, print like wire does."""
    from ._env import Environment
    from ._exit import print_error

    env = ctx.obj if isinstance(ctx.obj, Environment) else Environment.from_process()
    try:
        curl = parse_curl_args(args)
    except (ValueError, OSError) as exc:
        print_error(env, f"curl: {exc}")
        ctx.exit(int(ExitStatus.ERROR))
    ctx.exit(run_curl(env, curl))


def print_curl(env: Any, request: Request, spec: Any, auth: Any = None) -> ExitStatus:
    """`--curl`: write the curl command for the built `request` on stdout; send nothing.

    Args:
        env: the `Environment`.
        request: the built `Request` (headers final; its body is read here).
        spec: the `RequestSpec` (its `client` settings give -k, -L, -x, timeouts).
        auth: the credentials in effect (an `AuthSpec`: type, username, password), or None.

    Returns:
        `ExitStatus.SUCCESS`.
    """
    settings = spec.client
    kind = getattr(auth, "type", "basic")
    if auth is not None and kind == "bearer":
        request.headers["Authorization"] = f"Bearer {auth.username}"
    credentials = (auth.username, auth.password) if auth is not None and kind != "bearer" else None
    proxies = dict(getattr(settings, "proxies", ()) or ())
    proxy = proxies.get(request.url.scheme) or proxies.get("all")
    command, notes = to_curl(
        request,
        auth=credentials,
        verify=settings.verify,
        follow=settings.follow_redirects,
        max_redirects=settings.max_redirects if settings.follow_redirects else None,
        proxy=proxy,
    )
    extra: list[str] = []
    if kind == "digest" and credentials is not None:
        extra.append("--digest")
    for flag, value in (("--max-time", getattr(settings, "max_time", None)),
                        ("--connect-timeout", getattr(settings, "connect_timeout", None)),
                        ("--unix-socket", getattr(settings, "unix_socket", None))):  # fmt: skip
        if value is not None:
            extra += [flag, str(value)]
    if extra:
        head, _, rest = command.partition(" ")
        command = f"{head} {shlex.join(extra)} {rest}"
    env.stdout.write(command.encode("utf-8") + b"\n")
    env.stdout.flush()
    for note in notes:
        env.stderr.write(f"wire: note: {note}\n")
    return ExitStatus.SUCCESS

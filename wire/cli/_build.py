"""Command-line values + request items → what to send, and with which client settings.

Pure: nothing is sent here. Files named by `=@`/`:=@`/`@file` items are read through an
injectable reader, stdin through an injectable callable, and upload files are opened by
`_run`. The decisions, in order:

1. METHOD and URL from the positionals (`_urlarg`, with --default-scheme), the items parsed
   (`_request_items`); a lone `@file` item is the raw body.
2. The body, from the first source present: --raw, `@file`, data/file items, then stdin
   (read only when none of the others is given and not --ignore-stdin, see `_stdin`).
   Data items are JSON by default (`name=value` → string, `name:=json` → raw JSON, numbers
   kept as typed); urlencoded with --form; multipart with a file item or --multipart.
3. The method: as given, else POST when there is a body, else GET.
4. Headers: wire's defaults (User-Agent), the content headers, then the user's `Header:Value`
   items; `Header:` unsets a header, `Header;` sends it empty.
5. Client settings: auth, time limits, redirects, TLS, HTTP version, proxies, socket.

Only one raw source may be given: --raw, `@file` and data items exclude each other.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..__version__ import __version__
from ._request_items import FileItem, RequestItems, parse_request_items
from ._urlarg import default_method, normalise_url, split_method_and_url

__all__ = ["AuthSpec", "BuildError", "ClientSettings", "RequestSpec", "build_request_spec"]

USER_AGENT = f"wire/{__version__}"
JSON_CONTENT_TYPE = "application/json"
JSON_ACCEPT = "application/json, */*;q=0.5"
FORM_CONTENT_TYPE = "application/x-www-form-urlencoded; charset=utf-8"
DEFAULT_TIMEOUT_S = 30.0
#: The URL schemes `--proxy SCHEME:URL` may name (`all` means every scheme).
PROXY_SCHEMES = ("http", "https", "all")


class BuildError(ValueError):
    """A command line that cannot become a request; `str()` is the one-line message."""


@dataclass(frozen=True)
class AuthSpec:
    """Credentials from --auth/--auth-type, a session or .netrc.

    Attributes:
        type: "basic", "digest" or "bearer".
        username: str (the token for bearer).
        password: str ("" for bearer).
    """

    type: str
    username: str
    password: str = ""

    @property
    def raw(self) -> str:
        """The credentials as typed after --auth: `user:pass`, or the token."""
        return self.username if self.type == "bearer" else f"{self.username}:{self.password}"


@dataclass(frozen=True)
class ClientSettings:
    """Client configuration from the options.

    Attributes:
        auth: `AuthSpec`, or None.
        auth_from_netrc: whether .netrc may supply credentials when `auth` is None.
        timeout: float seconds for connect and each read/write; None for no limit.
        connect_timeout: float seconds for the connection alone; None: `timeout`.
        max_time: float seconds for the whole exchange; None for no deadline.
        follow_redirects: bool.
        max_redirects: int, at least 0.
        location_trusted: send credentials to every redirect target.
        verify: True, False, or a CA bundle path (str).
        cert, cert_key, cert_key_pass: client certificate file, key file, passphrase (str
            or None each).
        ssl_version: "tls1.2", "tls1.3" (the lowest accepted) or None.
        ciphers: OpenSSL cipher string, or None.
        http_version: "1.1", "2", "2-prior" or None (offer h2 and http/1.1 over TLS).
        proxies: `(scheme, proxy URL)` pairs; scheme "http", "https" or "all".
        unix_socket: path (str) of a Unix socket to connect through, or None.
        resolve: `(host, port, address)` overrides of name resolution.
        max_headers: int; more response headers than this fail (0: no limit).
    """

    auth: AuthSpec | None = None
    auth_from_netrc: bool = True
    timeout: float | None = DEFAULT_TIMEOUT_S
    connect_timeout: float | None = None
    max_time: float | None = None
    follow_redirects: bool = False
    max_redirects: int = 30
    location_trusted: bool = False
    verify: bool | str = True
    cert: str | None = None
    cert_key: str | None = None
    cert_key_pass: str | None = None
    ssl_version: str | None = None
    ciphers: str | None = None
    http_version: str | None = None
    proxies: tuple[tuple[str, str], ...] = ()
    unix_socket: str | None = None
    resolve: tuple[tuple[str, int, str], ...] = ()
    max_headers: int = 0


@dataclass(frozen=True)
class RequestSpec:
    """One request to send.

    Attributes:
        method: str, upper-case.
        url: str, absolute (scheme added, `:PORT` shorthand expanded).
        params: `(name, value)` query parameters, appended to the URL's own.
        headers: `(name, value)` pairs to send, in order; they replace wire's defaults.
        unset_headers: names (str) of headers to remove from the request altogether.
        content: the raw body (bytes), or None.
        form: `(name, value)` form fields (urlencoded, or multipart), or None.
        files: `(field, FileItem)` upload fields; opened by the caller.
        multipart: encode `form` and `files` as multipart/form-data.
        boundary: the multipart boundary (str), or None for a random one.
        compress: 0 no compression; 1 deflate when smaller; 2 deflate always.
        chunked: send the body with chunked transfer coding.
        path_as_is: the URL path exactly as typed (str, dot segments kept), or None.
        user_headers: the `Header:Value` items as given (kept in a session).
        client: the `ClientSettings`.
    """

    method: str
    url: str
    params: tuple[tuple[str, str], ...] = ()
    headers: tuple[tuple[str, str], ...] = ()
    unset_headers: tuple[str, ...] = ()
    content: bytes | None = None
    form: tuple[tuple[str, str], ...] | None = None
    files: tuple[tuple[str, FileItem], ...] = ()
    multipart: bool = False
    boundary: str | None = None
    compress: int = 0
    chunked: bool = False
    path_as_is: str | None = None
    user_headers: tuple[tuple[str, str], ...] = ()
    client: ClientSettings = field(default_factory=ClientSettings)


def _parse_verify(value: str, exists: Callable[[str], bool]) -> bool | str:
    lowered = value.strip().lower()
    if lowered in ("yes", "true", "1", "on"):
        return True
    if lowered in ("no", "false", "0", "off"):
        return False
    if not exists(value):
        raise BuildError(f"--verify: no such CA bundle file or directory: {value!r}")
    return value


def parse_auth(
    value: str | None, auth_type: str | None, prompt: Callable[[str], str] | None
) -> AuthSpec | None:
    """--auth and --auth-type → an `AuthSpec` (prompting for a missing password).

    Raises:
        BuildError: an empty user name or token, or a missing password with no terminal.
    """
    if value is None:
        return None
    kind = auth_type or "basic"
    if kind == "bearer":
        if not value:
            raise BuildError("--auth: the bearer token is empty")
        return AuthSpec("bearer", value)
    username, sep, password = value.partition(":")
    if not username:
        raise BuildError("--auth: the user name is empty (expected USER[:PASS])")
    if sep:
        return AuthSpec(kind, username, password)
    if prompt is None:
        raise BuildError(
            f"--auth: no password for {username!r}, and stdin is not a terminal to ask for "
            "one (give USER:PASS)"
        )
    return AuthSpec(kind, username, prompt(f"wire: password for {username}: "))


def _content_headers(items: RequestItems, *, form: bool, json_flag: bool) -> tuple[
    bytes | None, tuple[tuple[str, str], ...] | None, list[tuple[str, str]]
]:
    """(content, form fields, content headers) for the items."""
    headers: list[tuple[str, str]] = []
    if form or items.files:
        fields = tuple((key, str(value)) for key, value in items.data)
        if not items.files and form:
            headers.append(("Content-Type", FORM_CONTENT_TYPE))
        return None, fields, headers
    if items.json is not None:
        from ._json_number import dump_json  # lazily: a JSON body is not every request's

        headers += [("Content-Type", JSON_CONTENT_TYPE), ("Accept", JSON_ACCEPT)]
        return dump_json(items.json).encode("utf-8"), None, headers
    if json_flag:
        headers.append(("Accept", JSON_ACCEPT))
    return None, None, headers


def _raw_body_headers(form: bool, mime_type: str | None) -> list[tuple[str, str]]:
    if form:
        return [("Content-Type", FORM_CONTENT_TYPE)]
    if mime_type and mime_type != JSON_CONTENT_TYPE:
        return [("Content-Type", mime_type)]
    return [("Content-Type", JSON_CONTENT_TYPE), ("Accept", JSON_ACCEPT)]


def _merge_headers(
    defaults: list[tuple[str, str]], user: Sequence[tuple[str, str | None]]
) -> tuple[tuple[tuple[str, str], ...], tuple[str, ...]]:
    user_names = {name.lower() for name, _ in user}
    merged = [(n, v) for n, v in defaults if n.lower() not in user_names]
    unset: list[str] = []
    for name, value in user:
        if value is None:
            unset.append(name)
            merged = [(n, v) for n, v in merged if n.lower() != name.lower()]
        else:
            merged.append((name, value))
    return tuple(merged), tuple(unset)


def _split_body_file(items: list[str]) -> tuple[list[str], str | None]:
    """Take a lone `@path` item (the raw body) out of the items."""
    body_files = [item for item in items if item.startswith("@") and len(item) > 1]
    if len(body_files) > 1:
        raise BuildError("only one '@FILE' raw body may be given")
    rest = [item for item in items if item not in body_files]
    return rest, body_files[0][1:] if body_files else None


def _proxies(values: Sequence[str]) -> tuple[tuple[str, str], ...]:
    proxies = []
    for value in values:
        scheme, sep, url = value.partition(":")
        if not sep or scheme.lower() not in PROXY_SCHEMES or "://" not in url:
            raise BuildError(
                f"--proxy: expected SCHEME:URL with SCHEME http, https or all, and a proxy "
                f"URL such as http://host:3128 or socks5://host:1080; got {value!r}"
            )
        proxies.append((scheme.lower(), url))
    return tuple(proxies)


def _resolve(values: Sequence[str]) -> tuple[tuple[str, int, str], ...]:
    entries = []
    for value in values:
        host, _, rest = value.partition(":")
        port, _, address = rest.partition(":")
        if not (host and port.isdigit() and address):
            raise BuildError(f"--resolve: expected HOST:PORT:ADDRESS, got {value!r}")
        entries.append((host.lower(), int(port), address.strip("[]")))
    return tuple(entries)


def _seconds(
    options: Mapping[str, Any], name: str, *, allow_zero: bool = False
) -> float | None:
    """A duration option in seconds: None when not given, else a finite number > 0 (>= 0 with
    ``allow_zero``). click's float type accepts "nan" and "inf", which would turn a deadline
    into "never" (every comparison with NaN is false), so they are refused here."""
    value = options.get(name)
    if value is None:
        return None
    value = float(value)
    if not math.isfinite(value) or value < 0 or (value == 0 and not allow_zero):
        flag = "--" + name.replace("_", "-")
        kind = "0 or more" if allow_zero else "a positive number of"
        raise BuildError(f"{flag} must be {kind} seconds, not {value}")
    return value


#: Options that mean something only with --download: (click parameter name, flag).
_DOWNLOAD_ONLY = (
    ("continue_", "--continue"),
    ("checksum", "--checksum"),
    ("output_dir", "--output-dir"),
    ("overwrite", "--overwrite"),
    ("decompress", "--decompress"),
)


def _check_download_options(options: Mapping[str, Any]) -> None:
    # Silently ignoring them would let a script believe a checksum was verified.
    if options.get("download"):
        return
    for name, flag in _DOWNLOAD_ONLY:
        if options.get(name):
            raise BuildError(f"{flag} only works with --download")
    if int(options.get("segments") or 1) > 1:
        raise BuildError("--segments only works with --download")


def _client_settings(
    options: Mapping[str, Any],
    prompt_password: Callable[[str], str] | None,
    path_exists: Callable[[str], bool],
) -> ClientSettings:
    timeout = _seconds(options, "timeout")
    # Read by the retry loop (_exchange), validated here with the other durations.
    _seconds(options, "retry_max_time", allow_zero=True)
    max_redirects = options.get("max_redirects", 30)
    if max_redirects < 0:
        raise BuildError(f"--max-redirects must be 0 or more, not {max_redirects}")
    if options.get("cert_key") and not options.get("cert"):
        raise BuildError("--cert-key needs --cert")
    if options.get("max_headers", 0) < 0:
        raise BuildError("--max-headers must be 0 or more")
    return ClientSettings(
        auth=parse_auth(options.get("auth"), options.get("auth_type"), prompt_password),
        auth_from_netrc=not options.get("ignore_netrc"),
        timeout=DEFAULT_TIMEOUT_S if timeout is None else timeout,
        connect_timeout=_seconds(options, "connect_timeout"),
        max_time=_seconds(options, "max_time"),
        follow_redirects=bool(options.get("follow")),
        max_redirects=max_redirects,
        location_trusted=bool(options.get("location_trusted")),
        verify=_parse_verify(options.get("verify") or "yes", path_exists),
        cert=options.get("cert"),
        cert_key=options.get("cert_key"),
        cert_key_pass=options.get("cert_key_pass"),
        ssl_version=options.get("ssl_version"),
        ciphers=options.get("ciphers"),
        http_version=options.get("http_version"),
        proxies=_proxies(options.get("proxy") or ()),
        unix_socket=options.get("unix_socket"),
        resolve=_resolve(options.get("resolve") or ()),
        max_headers=int(options.get("max_headers") or 0),
    )


def _typed_path(url: str) -> str:
    """The path of an absolute URL as typed (for --path-as-is)."""
    rest = url.partition("://")[2]
    slash = rest.find("/")
    if slash < 0:
        return "/"
    path = rest[slash:]
    for mark in ("?", "#"):
        path = path.partition(mark)[0]
    return path


def build_request_spec(
    options: Mapping[str, Any],
    *,
    prompt_password: Callable[[str], str] | None = None,
    path_exists: Callable[[str], bool] = os.path.exists,
    read_file: Callable[[str], bytes] | None = None,
    read_stdin: Callable[[str | None], bytes | None] | None = None,
) -> RequestSpec:
    """Turn the parsed command-line values into a `RequestSpec`.

    Args:
        options: the click values by parameter name (see `_command.cli`).
        prompt_password: asks for a password (the prompt text is given); None when stdin is
            not a terminal, which makes a missing password an error.
        path_exists: checks a --verify CA path (injectable for tests).
        read_file: reads `=@`/`:=@`/`@file` files (injectable for tests); None reads from disk.
        read_stdin: called with the METHOD given (or None) when stdin may hold the body;
            returns the body bytes or None. None never reads stdin.

    Returns:
        The `RequestSpec`.

    Raises:
        BuildError: for conflicting or invalid options (one-line message).
        URLArgError: for an invalid URL argument.
        RequestItemError: for an invalid request item.
    """
    form = bool(options.get("form"))
    multipart = bool(options.get("multipart"))
    _check_download_options(options)
    if options.get("json_") and (form or multipart):
        raise BuildError("--json and --form/--multipart cannot be used together")
    method, url_arg, item_args = split_method_and_url(options.get("args") or ())
    try:
        url = normalise_url(url_arg, default_scheme=options.get("default_scheme") or "http")
    except ValueError as exc:
        if type(exc) is not ValueError:
            raise
        raise BuildError(f"--default-scheme: {exc}") from None
    item_args, body_file = _split_body_file(item_args)
    items = parse_request_items(item_args, form=form or multipart, read_file=read_file)
    content, form_fields, content_headers = _choose_body(
        options, items, body_file, method, read_file, read_stdin
    )
    has_body = items.has_body or content is not None or multipart
    method = method or default_method(has_body)
    defaults = [("User-Agent", USER_AGENT), *content_headers]
    if options.get("download") and not options.get("decompress"):
        # Save the bytes exactly as sent, so sizes and resumes are exact (no decoding).
        defaults.append(("Accept-Encoding", "identity"))
    headers, unset = _merge_headers(defaults, items.headers)
    return RequestSpec(
        method=method,
        url=url,
        params=items.params,
        headers=headers,
        unset_headers=unset,
        content=content,
        form=form_fields if (form_fields or multipart or items.files) else None,
        files=items.files,
        multipart=multipart or bool(items.files),
        boundary=options.get("boundary"),
        compress=0 if options.get("no_compress") else int(options.get("compress") or 0),
        chunked=bool(options.get("chunked")),
        path_as_is=_typed_path(url) if options.get("path_as_is") else None,
        user_headers=tuple((n, v) for n, v in items.headers if v is not None),
        client=_client_settings(options, prompt_password, path_exists),
    )


def _choose_body(
    options: Mapping[str, Any],
    items: RequestItems,
    body_file: str | None,
    method: str | None,
    read_file: Callable[[str], bytes] | None,
    read_stdin: Callable[[str | None], bytes | None] | None,
) -> tuple[bytes | None, tuple[tuple[str, str], ...] | None, list[tuple[str, str]]]:
    """(content, form fields, content headers) from the first body source present."""
    form, multipart = bool(options.get("form")), bool(options.get("multipart"))
    content, form_fields, content_headers = _content_headers(
        items, form=form or multipart, json_flag=bool(options.get("json_"))
    )
    if multipart:  # the multipart encoder writes its own Content-Type, with the boundary
        content_headers = [(n, v) for n, v in content_headers if n != "Content-Type"]
    raw = options.get("raw")
    if sum(x is not None for x in (raw, body_file)) + bool(items.data or items.files) > 1:
        raise BuildError("give the body one way: --raw, '@FILE' or data items, not several")
    if raw is not None:
        return raw.encode("utf-8"), None, _raw_body_headers(form, None)
    if body_file is not None:
        content = _read_body_file(body_file, read_file)
        return content, None, _raw_body_headers(form, _guess_mime(body_file))
    if not items.has_body and read_stdin is not None and not options.get("ignore_stdin"):
        stdin_body = read_stdin(method)
        if stdin_body:
            return stdin_body, None, _raw_body_headers(form, None)
    return content, form_fields, content_headers


def _read_body_file(path: str, read_file: Callable[[str], bytes] | None) -> bytes:
    try:
        if read_file is not None:
            return read_file(path)
        with open(os.path.expanduser(path), "rb") as handle:
            return handle.read()
    except OSError as exc:
        raise BuildError(f"cannot read the body file {path!r}: {exc.strerror or exc}") from exc


def _guess_mime(path: str) -> str | None:
    import mimetypes

    return mimetypes.guess_type(path)[0]

"""Command-line values + request items → what to send, and with which client settings.

Pure: nothing is sent and no file is opened here (upload files are opened by `_run`). The
decisions, in order:

1. METHOD and URL from the positionals (`_urlarg`), the items parsed (`_request_items`).
2. The body: JSON by default (`name=value` → string, `name:=json` → raw JSON, numbers kept
   exactly as typed); urlencoded with --form; multipart when there is a file item.
3. The method: as given, else POST when there is a body, else GET.
4. Headers: wire's defaults (User-Agent), the JSON or form content headers, then the user's
   `Header:Value` items; `Header:` unsets a header, `Header;` sends it empty.
5. Client settings: auth, timeout, redirects, TLS verification.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..__version__ import __version__
from ._request_items import FileItem, RequestItems, dump_json, parse_request_items
from ._urlarg import default_method, normalise_url, split_method_and_url

__all__ = ["BuildError", "ClientSettings", "RequestSpec", "build_request_spec"]

USER_AGENT = f"wire/{__version__}"
JSON_CONTENT_TYPE = "application/json"
JSON_ACCEPT = "application/json, */*;q=0.5"
FORM_CONTENT_TYPE = "application/x-www-form-urlencoded; charset=utf-8"
DEFAULT_TIMEOUT_S = 30.0


class BuildError(ValueError):
    """A command line that cannot become a request; `str()` is the one-line message."""


@dataclass(frozen=True)
class ClientSettings:
    """Client configuration from the options.

    Attributes:
        auth: `(username, password)` str tuple, or None.
        timeout: float seconds for connect and each read/write; None for no timeout.
        follow_redirects: bool.
        max_redirects: int, at least 0.
        verify: True, False, or a CA bundle path (str).
    """

    auth: tuple[str, str] | None = None
    timeout: float | None = DEFAULT_TIMEOUT_S
    follow_redirects: bool = False
    max_redirects: int = 30
    verify: bool | str = True


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
        form: `(name, value)` form fields (urlencoded, or multipart with `files`), or None.
        files: `(field, FileItem)` upload fields; opened by the caller.
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


def _parse_auth(value: str | None, prompt: Callable[[str], str] | None) -> tuple[str, str] | None:
    if value is None:
        return None
    username, sep, password = value.partition(":")
    if not username:
        raise BuildError("--auth: the user name is empty (expected USER[:PASS])")
    if sep:
        return (username, password)
    if prompt is None:
        raise BuildError(
            f"--auth: no password for {username!r}, and stdin is not a terminal to ask for "
            "one (give USER:PASS)"
        )
    return (username, prompt(f"http: password for {username}: "))


def _body(items: RequestItems, *, form: bool, json_flag: bool) -> tuple[
    bytes | None, tuple[tuple[str, str], ...] | None, list[tuple[str, str]]
]:
    """(content, form fields, content headers) for the items."""
    headers: list[tuple[str, str]] = []
    if form or items.files:
        fields = tuple((key, str(value)) for key, value in items.data)
        if not items.files:
            headers.append(("Content-Type", FORM_CONTENT_TYPE))
        return None, fields, headers
    if items.json is not None:
        headers += [("Content-Type", JSON_CONTENT_TYPE), ("Accept", JSON_ACCEPT)]
        return dump_json(items.json).encode("utf-8"), None, headers
    if json_flag:
        headers.append(("Accept", JSON_ACCEPT))
    return None, None, headers


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


def build_request_spec(
    options: Mapping[str, Any],
    *,
    prompt_password: Callable[[str], str] | None = None,
    path_exists: Callable[[str], bool] = os.path.exists,
    read_file: Callable[[str], bytes] | None = None,
) -> RequestSpec:
    """Turn the parsed command-line values into a `RequestSpec`.

    Args:
        options: the click values by parameter name: args (tuple of str), json_, form, auth,
            timeout (float seconds or None), follow, max_redirects, verify, download.
        prompt_password: asks for a password (the prompt text is given); None when stdin is
            not a terminal, which makes a missing password an error.
        path_exists: checks a --verify CA path (injectable for tests).
        read_file: reads `=@`/`:=@` files (injectable for tests); None reads from disk.

    Returns:
        The `RequestSpec`.

    Raises:
        BuildError: for conflicting or invalid options (one-line message).
        URLArgError: for an invalid URL argument.
        RequestItemError: for an invalid request item.
    """
    if options.get("json_") and options.get("form"):
        raise BuildError("--json and --form cannot be used together")
    method, url_arg, item_args = split_method_and_url(options.get("args") or ())
    url = normalise_url(url_arg)
    form = bool(options.get("form"))
    items = parse_request_items(item_args, form=form, read_file=read_file)
    content, form_fields, content_headers = _body(
        items, form=form, json_flag=bool(options.get("json_"))
    )
    method = method or default_method(items.has_body)
    defaults = [("User-Agent", USER_AGENT), *content_headers]
    if options.get("download"):
        # Save the bytes exactly as sent, so sizes and resumes are exact (no decoding).
        defaults.append(("Accept-Encoding", "identity"))
    headers, unset = _merge_headers(defaults, items.headers)
    timeout = options.get("timeout")
    if timeout is not None and timeout <= 0:
        raise BuildError(f"--timeout must be a positive number of seconds, not {timeout}")
    max_redirects = options.get("max_redirects", 30)
    if max_redirects < 0:
        raise BuildError(f"--max-redirects must be 0 or more, not {max_redirects}")
    client = ClientSettings(
        auth=_parse_auth(options.get("auth"), prompt_password),
        timeout=DEFAULT_TIMEOUT_S if timeout is None else float(timeout),
        follow_redirects=bool(options.get("follow")),
        max_redirects=max_redirects,
        verify=_parse_verify(options.get("verify") or "yes", path_exists),
    )
    return RequestSpec(
        method=method,
        url=url,
        params=items.params,
        headers=headers,
        unset_headers=unset,
        content=content,
        form=form_fields,
        files=items.files,
        client=client,
    )

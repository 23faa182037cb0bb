"""Sessions (`--session`, `--session-read-only`): headers, auth and cookies kept between runs.

A session is a JSON file a person can read and edit (HTTPie's layout, so HTTPie's files load):

    {
        "__meta__": {"about": "wire session file", "wire": "0.1.0"},
        "auth": {"type": "basic", "raw_auth": "ann:secret"},
        "cookies": [
            {"name": "sid", "value": "1", "domain": "example.org", "path": "/",
             "secure": false, "expires": null}
        ],
        "headers": [{"name": "X-Token", "value": "abc"}]
    }

HTTPie's older layout (`"cookies": {name: {"value": ...}}`, `"headers": {name: value}`,
`"auth": {"type", "username", "password"}`) is read too, and rewritten in the new one.

Cookies keep their domain and path and go back into the client's cookie jar, which sends each
one only where RFC 6265 §5.4 says it belongs. A cookie saved without a domain (HTTPie before
3.1 saved them so, and sent them to every host: CVE-2022-0430) is bound to the host the
session is used with, never sent elsewhere.

`NAME` sessions live in `<config dir>/sessions/<host>_<port>/<NAME>.json`; anything with a
path separator or ending in `.json` is a path.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from http.cookiejar import Cookie, CookieJar
from pathlib import Path
from typing import Any

from ..__version__ import __version__
from ..client_core._cookies import SafeCookiePolicy

__all__ = [
    "Session",
    "SessionError",
    "jar_cookies",
    "load_session",
    "save_session",
    "session_path",
    "session_cookie_jar",
]

_NAME_RE = re.compile(r"[\w.-]+")
#: Request headers that describe one request's body or conditions; never kept (as HTTPie).
_UNKEPT_HEADER_PREFIXES = ("content-", "if-")


class SessionError(ValueError):
    """A session name, path or file that cannot be used; `str()` names the file."""


@dataclass
class Session:
    """The contents of a session file.

    Attributes:
        headers: `(name, value)` str pairs sent with every request, in order.
        auth: `{"type": "basic"|"digest"|"bearer", "raw_auth": str}`, or None.
        cookies: dicts with `name`, `value`, `domain`, `path`, `secure` (bool) and
            `expires` (int Unix time, or None for a session cookie).
    """

    headers: list[tuple[str, str]] = field(default_factory=list)
    auth: dict[str, str] | None = None
    cookies: list[dict[str, Any]] = field(default_factory=list)

    def update_headers(self, sent: list[tuple[str, str]]) -> None:
        """Keep the headers given on the command line (not Content-* or If-*), replacing
        earlier values of the same names."""
        kept = [(n, v) for n, v in sent if not n.lower().startswith(_UNKEPT_HEADER_PREFIXES)]
        names = {n.lower() for n, _ in kept}
        self.headers = [(n, v) for n, v in self.headers if n.lower() not in names] + kept


def session_path(value: str, *, host: str, port: int | None, config_dir: Path | None) -> Path:
    """Where a `--session` value points.

    Args:
        value: the option's value: a NAME (letters, digits, `_`, `-`, `.`) or a PATH.
        host: the request URL's host, naming the folder of NAME sessions.
        port: the URL's port, or None for the scheme's default.
        config_dir: wire's config directory, or None when none is known.

    Returns:
        The session file's path (it may not exist yet).

    Raises:
        SessionError: NAME is not a valid name, or there is no config directory for it.
    """
    if os.sep in value or "/" in value or value.endswith(".json"):
        return Path(os.path.expanduser(value))
    if not _NAME_RE.fullmatch(value) or value in (".", ".."):
        raise SessionError(f"invalid session name {value!r} (letters, digits, _ - . only)")
    if config_dir is None:
        raise SessionError("no config directory for named sessions (set WIRE_CONFIG_DIR)")
    folder = host.replace(":", "_") + (f"_{port}" if port else "")
    return config_dir / "sessions" / folder / f"{value}.json"


def _cookie_list(raw: Any, path: Path) -> list[dict[str, Any]]:
    if isinstance(raw, dict):  # HTTPie < 3.1: {name: {"value": ..., "path": ...}}
        raw = [{"name": name, **(attrs if isinstance(attrs, dict) else {"value": attrs})}
               for name, attrs in raw.items()]
    if not isinstance(raw, list):
        raise SessionError(f"{path}: 'cookies' must be a list")
    cookies = []
    for entry in raw:
        if not isinstance(entry, dict) or "name" not in entry:
            raise SessionError(f"{path}: each cookie needs a name")
        cookies.append({
            "name": str(entry["name"]),
            "value": str(entry.get("value", "")),
            "domain": str(entry.get("domain") or ""),
            "path": str(entry.get("path") or "/"),
            "secure": bool(entry.get("secure", False)),
            "expires": entry.get("expires") if isinstance(entry.get("expires"), int) else None,
        })
    return cookies


def _header_list(raw: Any, path: Path) -> list[tuple[str, str]]:
    if isinstance(raw, dict):  # HTTPie < 3.1
        return [(str(k), str(v)) for k, v in raw.items() if v is not None]
    if not isinstance(raw, list):
        raise SessionError(f"{path}: 'headers' must be a list")
    return [(str(h["name"]), str(h.get("value", ""))) for h in raw if isinstance(h, dict)]


def _auth(raw: Any) -> dict[str, str] | None:
    if not isinstance(raw, dict) or not raw.get("type"):
        return None
    if raw.get("raw_auth"):
        return {"type": str(raw["type"]), "raw_auth": str(raw["raw_auth"])}
    if raw.get("username") is not None:  # HTTPie < 3.1
        raw_auth = f"{raw['username']}:{raw.get('password') or ''}"
        return {"type": str(raw["type"]), "raw_auth": raw_auth}
    return None


def load_session(path: Path) -> Session:
    """Read a session file; a missing file is an empty session.

    Raises:
        SessionError: the file cannot be read or is not a session (invalid JSON, wrong types).
    """
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return Session()
    except (OSError, UnicodeDecodeError) as exc:
        raise SessionError(f"cannot read the session {path}: {exc}") from exc
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise SessionError(f"{path}: not a session file (invalid JSON: {exc})") from exc
    if not isinstance(data, dict):
        raise SessionError(f"{path}: not a session file (expected a JSON object)")
    return Session(
        headers=_header_list(data.get("headers", []), path),
        auth=_auth(data.get("auth")),
        cookies=_cookie_list(data.get("cookies", []), path),
    )


def save_session(path: Path, session: Session) -> None:
    """Write a session file (readable only by its owner: it may hold credentials).

    Raises:
        OSError: the file or its folder cannot be written.
    """
    data: dict[str, Any] = {
        "__meta__": {"about": "wire session file", "wire": __version__},
        "auth": session.auth or {"type": None, "raw_auth": None},
        "cookies": session.cookies,
        "headers": [{"name": n, "value": v} for n, v in session.headers],
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(json.dumps(data, indent=4, ensure_ascii=False) + "\n")
    os.replace(temporary, path)


def session_cookie_jar(session: Session, *, host: str) -> CookieJar:
    """A cookie jar holding the session's cookies.

    Args:
        session: the loaded session.
        host: the request host; cookies saved without a domain are bound to it (host-only).

    Returns:
        A `http.cookiejar.CookieJar` that sends each cookie only to its domain and path.
    """
    # The same policy as a client's own jar: cookies a server sets during the exchange are
    # refused for public suffixes, other IP addresses and control characters.
    jar = CookieJar(policy=SafeCookiePolicy())
    for entry in session.cookies:
        domain = entry["domain"] or host
        jar.set_cookie(Cookie(
            version=0, name=entry["name"], value=entry["value"], port=None,
            port_specified=False, domain=domain, domain_specified=domain.startswith("."),
            domain_initial_dot=domain.startswith("."), path=entry["path"],
            path_specified=True, secure=entry["secure"], expires=entry["expires"],
            discard=entry["expires"] is None, comment=None, comment_url=None, rest={},
        ))
    return jar


def jar_cookies(jar: CookieJar) -> list[dict[str, Any]]:
    """The cookies of a jar as session entries (domain and path kept), sorted for stable
    files."""
    entries = [
        {
            "name": cookie.name, "value": cookie.value or "", "domain": cookie.domain,
            "path": cookie.path, "secure": cookie.secure,
            "expires": int(cookie.expires) if cookie.expires is not None else None,
        }
        for cookie in jar
    ]
    return sorted(entries, key=lambda e: (e["domain"], e["path"], e["name"]))

"""A session in use during one run: what it adds to the request, and what it saves after.

See `_sessions` for the file format and the cookie rules. Headers kept in the session are sent
unless the command line gives the same header; credentials given with --auth replace the
session's; cookies live in the client's jar during the run and are written back with their
domain and path (not with --session-read-only).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from http.cookiejar import CookieJar
from pathlib import Path
from typing import Any

from ..client_core import URL, Client, Request
from ._build import AuthSpec, BuildError, RequestSpec
from ._config import config_dir
from ._env import Environment
from ._sessions import (
    Session,
    SessionError,
    jar_cookies,
    load_session,
    save_session,
    session_cookie_jar,
    session_path,
)

__all__ = ["SessionUse"]

_AUTH_TYPES = ("basic", "digest", "bearer")


@dataclass
class SessionUse:
    """One session file, loaded for this run.

    Attributes:
        path: the session file.
        session: its contents.
        read_only: True for --session-read-only (never written).
        host: the request URL's host (binds domain-less cookies).
    """

    path: Path
    session: Session
    read_only: bool
    host: str

    @classmethod
    def open(
        cls, env: Environment, spec: RequestSpec, options: Mapping[str, Any]
    ) -> SessionUse | None:
        """Load the session named by --session or --session-read-only, if any.

        Raises:
            BuildError: both options given, or the session cannot be located or read.
        """
        writable, read_only = options.get("session"), options.get("session_read_only")
        if writable and read_only:
            raise BuildError("give --session or --session-read-only, not both")
        value = writable or read_only
        if not value:
            return None
        url = URL(spec.url)
        try:
            path = session_path(
                value, host=url.host, port=url.port, config_dir=config_dir(env.environ)
            )
            session = load_session(path)
        except SessionError as exc:
            raise BuildError(str(exc)) from None
        return cls(path, session, bool(read_only), url.host)

    @property
    def auth(self) -> AuthSpec | None:
        """The session's credentials, or None."""
        stored = self.session.auth
        if not stored or stored.get("type") not in _AUTH_TYPES:
            return None
        kind, raw = stored["type"], stored.get("raw_auth") or ""
        if kind == "bearer":
            return AuthSpec("bearer", raw)
        username, _, password = raw.partition(":")
        return AuthSpec(kind, username, password)

    def cookie_jar(self) -> CookieJar:
        """A jar with the session's cookies, each bound to its domain and path."""
        return session_cookie_jar(self.session, host=self.host)

    def apply_headers(self, request: Request, spec: RequestSpec) -> None:
        """Add the session's headers that the command line does not set (or unset) itself."""
        given = {name.lower() for name, _ in spec.user_headers}
        given |= {name.lower() for name in spec.unset_headers}
        for name, value in self.session.headers:
            if name.lower() not in given:
                request.headers[name] = value

    def save(self, client: Client, spec: RequestSpec) -> None:
        """Write back headers, credentials and cookies (nothing with --session-read-only).

        Raises:
            BuildError: the file cannot be written.
        """
        if self.read_only:
            return
        self.session.update_headers(list(spec.user_headers))
        if spec.client.auth is not None:
            self.session.auth = {"type": spec.client.auth.type, "raw_auth": spec.client.auth.raw}
        self.session.cookies = jar_cookies(client.cookies.jar)
        try:
            save_session(self.path, self.session)
        except OSError as exc:
            raise BuildError(f"cannot save the session {self.path}: {exc.strerror}") from exc

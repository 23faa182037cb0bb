"""`Cookies`: a cookie store over `http.cookiejar.CookieJar`, and its adapters.

Strategy: the RFC 6265 rules (domain and path matching, Secure, expiry) are the standard
library's (`DefaultCookiePolicy`); this module only adapts our `Request`/`Response` to the
`urllib.request` shapes that `CookieJar` reads and writes.
"""

from __future__ import annotations

import email.message
import urllib.request
from collections.abc import Iterator, MutableMapping
from http.cookiejar import Cookie, CookieJar
from typing import TYPE_CHECKING

from ._exceptions import CookieConflict
from ._types import CookieTypes

if TYPE_CHECKING:  # pragma: no cover
    from ._models import Request, Response
    from ._urls import URL

__all__ = ["Cookies"]


class Cookies(MutableMapping[str, str]):
    """A cookie store over `http.cookiejar.CookieJar` (the RFC 6265 rules live there).

    As a mapping it reads name -> value; use `get()`/`set()`/`delete()` with `domain`
    and `path` to tell apart cookies that share a name.

    Args:
        cookies: a `Cookies` (copied), a dict or list of (name, value) str pairs (set for
            any domain, path "/"), or a `CookieJar` (used as is, shared). None: empty.

    Example:
        >>> cookies = Cookies({"session": "abc"})
        >>> cookies["session"], cookies
        ('abc', <Cookies[<Cookie session=abc for  />]>)
    """

    def __init__(self, cookies: CookieTypes | None = None) -> None:
        if cookies is None or isinstance(cookies, dict | list | Cookies):
            self.jar = CookieJar()
            if isinstance(cookies, Cookies):
                for cookie in cookies.jar:
                    self.jar.set_cookie(cookie)
            elif isinstance(cookies, dict):
                for key, value in cookies.items():
                    self.set(key, value)
            elif cookies is not None:
                for key, value in cookies:
                    self.set(key, value)
        else:
            self.jar = cookies

    def extract_cookies(self, response: Response) -> None:
        """Store the cookies of `response`'s Set-Cookie headers that the policy accepts for
        `response.request.url` (RFC 6265 §5.3: domain, path, Max-Age/Expires).

        Raises:
            RuntimeError: the response has no request.
        """
        request = response.request
        for entry in response.headers._list:
            if entry[1] == b"set-cookie" or entry[1] == b"set-cookie2":
                break
        else:
            # Nothing to store: skip building the urllib adapters (most responses).
            return
        urllib_request = _CookieCompatRequest(request)
        urllib_response = _CookieCompatResponse(response)
        self.jar.extract_cookies(urllib_response, urllib_request)  # type: ignore[arg-type]

    def set_cookie_header(self, request: Request) -> None:
        """Add a Cookie header to `request` with the unexpired cookies matching its URL
        (RFC 6265 §5.4: domain, path, Secure only over https); a Cookie header already set
        on the request is kept as is."""
        self.jar.add_cookie_header(_CookieCompatRequest(request))

    def set(self, name: str, value: str, domain: str = "", path: str = "/") -> None:
        """Set a session cookie.

        Args:
            name: str cookie name.
            value: str cookie value.
            domain: str; "" (default) matches any host; a leading "." matches subdomains.
            path: str path prefix the cookie applies to; default "/".
        """
        cookie = Cookie(
            version=0,
            name=name,
            value=value,
            port=None,
            port_specified=False,
            domain=domain,
            domain_specified=bool(domain),
            domain_initial_dot=domain.startswith("."),
            path=path,
            path_specified=bool(path),
            secure=False,
            expires=None,
            discard=True,
            comment=None,
            comment_url=None,
            rest={"HttpOnly": None},  # type: ignore[dict-item]  # stdlib stores flags as None
            rfc2109=False,
        )
        self.jar.set_cookie(cookie)

    def get(  # type: ignore[override]
        self,
        name: str,
        default: str | None = None,
        domain: str | None = None,
        path: str | None = None,
    ) -> str | None:
        """The value of cookie `name`, else `default`.

        Args:
            name: str cookie name.
            default: returned when no cookie matches; default None.
            domain: str to match exactly; None (default) matches any.
            path: str to match exactly; None (default) matches any.

        Raises:
            CookieConflict: several cookies match (narrow with `domain`/`path`).
        """
        value: str | None = None
        for cookie in self._matching(name, domain, path):
            if value is not None:
                raise CookieConflict(f"Multiple cookies exist with name={name}")
            value = cookie.value
        return default if value is None else value

    def _matching(self, name: str, domain: str | None, path: str | None) -> list[Cookie]:
        return [
            cookie
            for cookie in self.jar
            if cookie.name == name
            and (domain is None or cookie.domain == domain)
            and (path is None or cookie.path == path)
        ]

    def delete(self, name: str, domain: str | None = None, path: str | None = None) -> None:
        """Remove the cookies named `name` (narrowed by exact `domain`/`path` when given).

        Raises:
            KeyError: `domain` and `path` are both given and no such cookie exists.
        """
        if domain is not None and path is not None:
            self.jar.clear(domain, path, name)
            return
        for cookie in self._matching(name, domain, path):
            self.jar.clear(cookie.domain, cookie.path, cookie.name)

    def clear(self, domain: str | None = None, path: str | None = None) -> None:
        """Remove all cookies, or those of `domain`, or of `domain` and `path`.

        Raises:
            ValueError: `path` given without `domain`.
            KeyError: no cookie has that `domain` (and `path`).
        """
        if path is not None and domain is None:
            raise ValueError("clear(): a path requires a domain.")
        args = [arg for arg in (domain, path) if arg is not None]
        self.jar.clear(*args)

    def update(self, cookies: CookieTypes | None = None) -> None:  # type: ignore[override]
        """Add every cookie of `cookies` (anything `Cookies()` accepts), replacing those with
        the same domain, path and name."""
        for cookie in Cookies(cookies).jar:
            self.jar.set_cookie(cookie)

    def __setitem__(self, name: str, value: str) -> None:
        self.set(name, value)

    def __getitem__(self, name: str) -> str:
        """Raises:
        KeyError: no cookie `name`. CookieConflict: several."""
        value = self.get(name)
        if value is None:
            raise KeyError(name)
        return value

    def __delitem__(self, name: str) -> None:
        self.delete(name)

    def __len__(self) -> int:
        return len(self.jar)

    def __iter__(self) -> Iterator[str]:
        return (cookie.name for cookie in self.jar)

    def __bool__(self) -> bool:
        # CookieJar keeps its cookies in `_cookies` (domain -> path -> name -> Cookie); an
        # empty dict there is a cheap "no cookies" answer, checked on every request.
        if not getattr(self.jar, "_cookies", True):
            return False
        return any(True for _ in self.jar)

    def __repr__(self) -> str:
        shown = ", ".join(
            f"<Cookie {cookie.name}={cookie.value} for {cookie.domain} />" for cookie in self.jar
        )
        return f"<Cookies[{shown}]>"


def _cookiejar_url(url: URL) -> str:
    # http.cookiejar takes the host from the URL's netloc; userinfo would be mistaken for
    # part of the host, so it is left out (RFC 6265 §5.1.3 matches on the host alone).
    if not url.userinfo:
        return str(url)
    return f"{url.scheme}://{url.netloc.decode('ascii')}{url.raw_path.decode('ascii')}"


class _CookieCompatRequest(urllib.request.Request):
    """The `urllib.request.Request` view of a `Request` that `CookieJar` expects; a Cookie
    header the jar adds is written through to the wrapped request."""

    def __init__(self, request: Request) -> None:
        super().__init__(
            url=_cookiejar_url(request.url),
            headers=dict(request.headers),
            method=request.method,
        )
        self.request = request

    def add_unredirected_header(self, key: str, val: str) -> None:
        super().add_unredirected_header(key, val)
        self.request.headers[key] = val


class _CookieCompatResponse:
    """The `info()` view of a `Response` that `CookieJar.extract_cookies` reads."""

    def __init__(self, response: Response) -> None:
        self.response = response

    def info(self) -> email.message.Message:
        info = email.message.Message()
        for key, value in self.response.headers.multi_items():
            # Item assignment on a Message appends: repeated Set-Cookie lines all survive.
            info[key] = value
        return info

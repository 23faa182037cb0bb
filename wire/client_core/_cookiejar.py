"""The `http.cookiejar` side of `Cookies`: the jar, `SafeCookiePolicy`, the urllib adapters.

Strategy (start-up time): `http.cookiejar` imports `urllib.request`, `email` and
`http.client` (about 15 ms), so this module is imported only when a cookie is stored or sent,
or a `Cookies.jar` is asked for (see `_cookies`). `CookieJar` reads and writes the
`urllib.request` shapes; `_CookieCompatRequest` / `_CookieCompatResponse` adapt our
`Request` / `Response` to them.
"""

from __future__ import annotations

import email.message
import urllib.parse
import urllib.request
from http.cookiejar import Cookie, CookieJar, DefaultCookiePolicy
from typing import TYPE_CHECKING

from ._cookies import (
    _SET_ORDER,
    _SET_ORDER_ATTRIBUTE,
    _evict_over_limits,
    _is_ip_address,
    is_public_suffix,
)

if TYPE_CHECKING:  # pragma: no cover
    from ._models import Request, Response
    from ._urls import URL

__all__ = [
    "BoundedCookieJar",
    "SafeCookiePolicy",
    "add_cookie_header",
    "extract_cookies",
    "new_jar",
    "session_cookie",
]

# RFC 6265 §4.1.1: cookie-octets exclude CTLs; browsers refuse all but HTAB (RFC 6265bis §5.6).
_CONTROL_CHARACTERS = frozenset(map(chr, [*range(0x09), *range(0x0A, 0x20), 0x7F]))


class SafeCookiePolicy(DefaultCookiePolicy):
    """`DefaultCookiePolicy` that also refuses what a hostile server could plant.

    Refused on top of the standard library's checks: control characters in a name or value
    (RFC 6265 §4.1.1), a Domain attribute other than the host itself when the host is an
    IP address (RFC 6265 §5.1.3), and a Domain attribute that is a public suffix other
    than the host itself (RFC 6265 §5.3 step 5; see `_cookies.is_public_suffix`).

    Args:
        **kwargs: passed to `DefaultCookiePolicy` (e.g. `blocked_domains`).
    """

    def set_ok(self, cookie: Cookie, request: urllib.request.Request) -> bool:
        """Tell whether the jar may store `cookie`, set by the response to `request`.

        Returns:
            bool: False for a cookie the standard rules or the checks above refuse.
        """
        if any(char in _CONTROL_CHARACTERS for char in cookie.name + (cookie.value or "")):
            return False
        if cookie.domain_specified:
            host = urllib.parse.urlsplit(request.get_full_url()).hostname or ""
            domain = cookie.domain.lstrip(".").lower()
            if domain != host and (_is_ip_address(host) or is_public_suffix(domain)):
                return False
        return bool(super().set_ok(cookie, request))


class BoundedCookieJar(CookieJar):
    """A `CookieJar` that records when each cookie was set, so the oldest can be dropped."""

    def set_cookie(self, cookie: Cookie) -> None:
        setattr(cookie, _SET_ORDER_ATTRIBUTE, next(_SET_ORDER))
        super().set_cookie(cookie)


def new_jar() -> CookieJar:
    """The jar a `Cookies` creates: bounded (see `_cookies.MAX_COOKIES`), `SafeCookiePolicy`."""
    return BoundedCookieJar(policy=SafeCookiePolicy())


def session_cookie(name: str, value: str, domain: str, path: str) -> Cookie:
    """A session cookie (no expiry) `name=value` for `domain` and `path` (see `Cookies.set`)."""
    return Cookie(
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


def extract_cookies(jar: CookieJar, request: Request, response: Response) -> None:
    """Store in `jar` the cookies of `response`'s Set-Cookie headers that its policy accepts
    for `request.url`, then drop the oldest past the caps."""
    jar.extract_cookies(
        _CookieCompatResponse(response),  # type: ignore[arg-type]
        _CookieCompatRequest(request),
    )
    _evict_over_limits(jar)


def add_cookie_header(jar: CookieJar, request: Request) -> None:
    """Add to `request` the Cookie header `jar` builds for its URL (none when no cookie
    matches; a Cookie header already on the request is kept)."""
    jar.add_cookie_header(_CookieCompatRequest(request))


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

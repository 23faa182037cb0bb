"""`Cookies`: a cookie store over `http.cookiejar.CookieJar`, and its adapters.

Strategy: the RFC 6265 rules (domain and path matching, Secure, expiry) are the standard
library's (`DefaultCookiePolicy`); this module adapts our `Request`/`Response` to the
`urllib.request` shapes that `CookieJar` reads and writes, and adds what a hostile server
must not get past (the stricter policy is used by every jar `Cookies` creates; a jar
passed in by the caller keeps its own policy):

* a name or value with a control character is refused (RFC 6265 §4.1.1 cookie-octets);
* a Domain attribute on a host that is an IP address is refused unless it is that address
  (RFC 6265 §5.1.3: IP addresses do not domain-match anything else);
* a Domain attribute that is a public suffix (`co.uk`, `github.io`) is refused unless it
  is the host itself (RFC 6265 §5.3 step 5). The suffixes come from the `publicsuffixlist`
  package when installed (`pip install 'wire[psl]'`, the full list, shipped offline, read
  once on first use); otherwise from a built-in list of the most used multi-label
  suffixes plus the `co.XX`-style rule of thumb: a deliberate approximation, never a
  network fetch;
* at most `MAX_COOKIES_PER_DOMAIN` cookies per domain and `MAX_COOKIES` in all are kept
  (RFC 6265 §6.1 asks for at least 50 and 3000); past them the least recently set cookies
  are dropped, as browsers do (RFC 6265 §5.3 last paragraph), after each response.
"""

from __future__ import annotations

import email.message
import functools
import importlib
import ipaddress
import itertools
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator, MutableMapping
from http.cookiejar import Cookie, CookieJar, DefaultCookiePolicy
from typing import TYPE_CHECKING

from ._exceptions import CookieConflict
from ._types import CookieTypes

if TYPE_CHECKING:  # pragma: no cover
    from ._models import Request, Response
    from ._urls import URL

__all__ = [
    "MAX_COOKIES",
    "MAX_COOKIES_PER_DOMAIN",
    "Cookies",
    "SafeCookiePolicy",
    "is_public_suffix",
]

#: Most cookies kept for one domain (Chrome's figure; RFC 6265 §6.1 asks for at least 50).
MAX_COOKIES_PER_DOMAIN = 180
#: Most cookies kept in one jar (RFC 6265 §6.1's figure).
MAX_COOKIES = 3000


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
            self.jar = _BoundedCookieJar(policy=SafeCookiePolicy())
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
        _evict_over_limits(self.jar)

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


# --- the stricter policy --------------------------------------------------------------------

# RFC 6265 §4.1.1: cookie-octets exclude CTLs; browsers refuse all but HTAB (RFC 6265bis §5.6).
_CONTROL_CHARACTERS = frozenset(map(chr, [*range(0x09), *range(0x0A, 0x20), 0x7F]))

# Multi-label public suffixes seen most often (from the Public Suffix List's ICANN and
# private sections); with the rule of thumb below, the fallback when `publicsuffixlist` is
# not installed. Single labels (com, uk, io) are refused by http.cookiejar already.
_BUILTIN_PUBLIC_SUFFIXES = frozenset(
    """
    co.uk org.uk me.uk ltd.uk plc.uk net.uk sch.uk ac.uk gov.uk nhs.uk police.uk
    com.au net.au org.au edu.au gov.au asn.au id.au co.nz net.nz org.nz ac.nz govt.nz
    co.jp ne.jp or.jp ac.jp go.jp ad.jp ed.jp gr.jp lg.jp co.kr ne.kr or.kr go.kr ac.kr
    com.cn net.cn org.cn gov.cn edu.cn com.hk org.hk net.hk com.tw org.tw net.tw idv.tw
    com.sg org.sg edu.sg com.my com.ph com.vn com.pk com.bd co.th in.th ac.th co.id or.id
    co.in net.in org.in gov.in ac.in firm.in gen.in ind.in com.br net.br org.br gov.br
    com.ar com.mx org.mx com.co com.pe com.uy com.ve co.za org.za gov.za web.za com.ng
    com.eg com.sa com.tr org.tr gen.tr co.il org.il ac.il com.ua kiev.ua com.pl net.pl
    org.pl co.at or.at ac.at gv.at co.hu com.gr com.cy com.mt com.ru org.ru net.ru
    github.io gitlab.io githubusercontent.com herokuapp.com herokussl.com appspot.com
    blogspot.com cloudfront.net amazonaws.com s3.amazonaws.com elasticbeanstalk.com
    azurewebsites.net azurestaticapps.net cloudapp.net azureedge.net trafficmanager.net
    netlify.app vercel.app now.sh pages.dev workers.dev trycloudflare.com web.app
    firebaseapp.com fly.dev onrender.com readthedocs.io glitch.me ngrok.io ngrok-free.app
    ngrok.app repl.co replit.dev surge.sh duckdns.org no-ip.org dyndns.org ddns.net
    myshopify.com wixsite.com wordpress.com tumblr.com fastly.net global.ssl.fastly.net
    """.split()
)

# The rule of thumb of http.cookiejar's strict_domain: `co.XX`, `com.XX`... under a
# two-letter country code are registries, not registrable names.
_GENERIC_SECOND_LEVELS = frozenset(
    "ac co com edu gov govt gob mil net nic nom or org sch".split()
)


@functools.cache
def _full_public_suffix_check() -> Callable[[str], bool] | None:
    """`publicsuffixlist`'s `is_public`, loaded once (about 0.2 s), or None if not installed."""
    try:
        module = importlib.import_module("publicsuffixlist")
    except ImportError:
        return None
    is_public: Callable[[str], bool] = module.PublicSuffixList().is_public
    return is_public


def is_public_suffix(domain: str) -> bool:
    """Tell whether `domain` is a public suffix, under which anyone can register names.

    Args:
        domain: str, a lower-case host name without a leading dot (e.g. "co.uk").

    Returns:
        bool: True for a public suffix. With `publicsuffixlist` installed this follows
        the full Public Suffix List; otherwise the built-in approximation (single labels,
        the most used multi-label suffixes, and `co.XX`-style names), which can miss a
        rarer suffix.

    Example:
        >>> is_public_suffix("co.uk"), is_public_suffix("example.co.uk")
        (True, False)
    """
    full_check = _full_public_suffix_check()
    if full_check is not None:
        return full_check(domain)
    labels = domain.split(".")
    if len(labels) == 1 or domain in _BUILTIN_PUBLIC_SUFFIXES:
        return True
    return len(labels) == 2 and labels[0] in _GENERIC_SECOND_LEVELS and len(labels[1]) == 2


def _is_ip_address(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


class SafeCookiePolicy(DefaultCookiePolicy):
    """`DefaultCookiePolicy` that also refuses what a hostile server could plant.

    Refused on top of the standard library's checks: control characters in a name or value
    (RFC 6265 §4.1.1), a Domain attribute other than the host itself when the host is an
    IP address (RFC 6265 §5.1.3), and a Domain attribute that is a public suffix other
    than the host itself (RFC 6265 §5.3 step 5; see `is_public_suffix`).

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


# --- the caps ----------------------------------------------------------------------------------

# Orders cookies by when they were last set: the attribute a _BoundedCookieJar puts on each.
_SET_ORDER = itertools.count(1)
_SET_ORDER_ATTRIBUTE = "_wire_set_order"


class _BoundedCookieJar(CookieJar):
    """A `CookieJar` that records when each cookie was set, so the oldest can be dropped."""

    def set_cookie(self, cookie: Cookie) -> None:
        setattr(cookie, _SET_ORDER_ATTRIBUTE, next(_SET_ORDER))
        super().set_cookie(cookie)


def _evict_over_limits(
    jar: CookieJar, per_domain: int = MAX_COOKIES_PER_DOMAIN, total: int = MAX_COOKIES
) -> None:
    """Drop the least recently set cookies past `per_domain` for a domain or `total` in all.

    Cookies without a set order (a caller's own jar) count as oldest, in the jar's order.
    """
    cookies = sorted(jar, key=lambda cookie: getattr(cookie, _SET_ORDER_ATTRIBUTE, 0))
    if len(cookies) <= per_domain:
        return
    by_domain: dict[str, list[Cookie]] = {}
    for cookie in cookies:
        by_domain.setdefault(cookie.domain.lstrip(".").lower(), []).append(cookie)
    doomed = [cookie for group in by_domain.values() for cookie in group[:-per_domain]]
    kept = len(cookies) - len(doomed)
    if kept > total:
        doomed_ids = {id(cookie) for cookie in doomed}
        survivors = [cookie for cookie in cookies if id(cookie) not in doomed_ids]
        doomed.extend(survivors[: kept - total])
    for cookie in doomed:
        jar.clear(cookie.domain, cookie.path, cookie.name)


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

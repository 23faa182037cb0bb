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

Strategy (start-up time): `http.cookiejar` pulls in `urllib.request`, `email` and
`http.client` (about 15 ms). A `Cookies` creates its jar on first need, and the
`http.cookiejar` side (the jar, `SafeCookiePolicy`, the `urllib.request` adapters) lives in
`_cookiejar`, imported only when a cookie is stored, sent or the jar is asked for: a client
without cookies talking to servers that set none never imports it.
"""

from __future__ import annotations

import functools
import importlib
import ipaddress
import itertools
import threading
from collections.abc import Callable, Iterable, Iterator, MutableMapping
from typing import TYPE_CHECKING, Any

from ._exceptions import CookieConflict
from ._types import CookieTypes

if TYPE_CHECKING:  # pragma: no cover
    from http.cookiejar import Cookie, CookieJar

    from ._cookiejar import SafeCookiePolicy
    from ._models import Request, Response

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
    and `path` to tell apart cookies that share a name. The jar (`jar`) is created on
    first need, so an unused store costs no `http.cookiejar` import.

    Args:
        cookies: a `Cookies` (copied), a dict or list of (name, value) str pairs (set for
            any domain, path "/"), or a `CookieJar` (used as is, shared). None: empty.

    Example:
        >>> cookies = Cookies({"session": "abc"})
        >>> cookies["session"], cookies
        ('abc', <Cookies[<Cookie session=abc for  />]>)
    """

    def __init__(self, cookies: CookieTypes | None = None) -> None:
        self._jar: CookieJar | None = None
        if isinstance(cookies, Cookies):
            for cookie in cookies._cookies():
                self.jar.set_cookie(cookie)
        elif isinstance(cookies, dict):
            for key, value in cookies.items():
                self.set(key, value)
        elif isinstance(cookies, list):
            for key, value in cookies:
                self.set(key, value)
        elif cookies is not None:
            self._jar = cookies

    @property
    def jar(self) -> CookieJar:
        """The `http.cookiejar.CookieJar` holding the cookies (created on first access)."""
        jar = self._jar
        if jar is None:
            with _JAR_LOCK:  # two threads sharing a client must not each create one
                jar = self._jar
                if jar is None:
                    from ._cookiejar import new_jar

                    jar = self._jar = new_jar()
        return jar

    @jar.setter
    def jar(self, jar: CookieJar) -> None:
        self._jar = jar

    def _cookies(self) -> Iterable[Cookie]:
        """The cookies, without creating a jar when there is none yet."""
        return () if self._jar is None else self._jar

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
            # Nothing to store: skip the jar and the urllib adapters (most responses).
            return
        from ._cookiejar import extract_cookies

        extract_cookies(self.jar, request, response)

    def set_cookie_header(self, request: Request) -> None:
        """Add a Cookie header to `request` with the unexpired cookies matching its URL
        (RFC 6265 §5.4: domain, path, Secure only over https); a Cookie header already set
        on the request is kept as is."""
        if self._jar is None:
            return  # no jar yet: no cookie to send
        from ._cookiejar import add_cookie_header

        add_cookie_header(self._jar, request)

    def set(self, name: str, value: str, domain: str = "", path: str = "/") -> None:
        """Set a session cookie.

        Args:
            name: str cookie name.
            value: str cookie value.
            domain: str; "" (default) matches any host; a leading "." matches subdomains.
            path: str path prefix the cookie applies to; default "/".
        """
        from ._cookiejar import session_cookie

        self.jar.set_cookie(session_cookie(name, value, domain, path))

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
            for cookie in self._cookies()
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
        if domain is None and self._jar is None:
            return  # nothing to clear, and no jar to create for it
        args = [arg for arg in (domain, path) if arg is not None]
        self.jar.clear(*args)

    def update(self, cookies: CookieTypes | None = None) -> None:  # type: ignore[override]
        """Add every cookie of `cookies` (anything `Cookies()` accepts), replacing those with
        the same domain, path and name."""
        for cookie in Cookies(cookies)._cookies():
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
        return 0 if self._jar is None else len(self._jar)

    def __iter__(self) -> Iterator[str]:
        return (cookie.name for cookie in self._cookies())

    def __bool__(self) -> bool:
        jar = self._jar
        # CookieJar keeps its cookies in `_cookies` (domain -> path -> name -> Cookie); an
        # empty dict there is a cheap "no cookies" answer, checked on every request.
        if jar is None or not getattr(jar, "_cookies", True):
            return False
        return any(True for _ in jar)

    def __repr__(self) -> str:
        shown = ", ".join(
            f"<Cookie {cookie.name}={cookie.value} for {cookie.domain} />"
            for cookie in self._cookies()
        )
        return f"<Cookies[{shown}]>"


#: Guards the lazy creation of a `Cookies` jar.
_JAR_LOCK = threading.Lock()


def __getattr__(name: str) -> Any:
    # `SafeCookiePolicy` lives in `_cookiejar` (it subclasses http.cookiejar's policy);
    # importing it from here still works, and loads http.cookiejar only then.
    if name == "SafeCookiePolicy":
        from ._cookiejar import SafeCookiePolicy

        return SafeCookiePolicy
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


# --- public suffixes and IP addresses (the rules `SafeCookiePolicy` adds) ---------------------

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


# --- the caps ----------------------------------------------------------------------------------

# Orders cookies by when they were last set: the attribute `_cookiejar.BoundedCookieJar` puts
# on each.
_SET_ORDER = itertools.count(1)
_SET_ORDER_ATTRIBUTE = "_wire_set_order"


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

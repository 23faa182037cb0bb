"""Pure redirect rules: the next method, URL, headers and body for a 3xx response.

Nothing here does I/O. The send loop in `_async/client.py` asks `build_redirect_request()` for
the next `Request` and sends it.

Rules (RFC 9110 §15.4, as httpx 0.28 applies them):

| status | method change                               | body            |
|--------|---------------------------------------------|-----------------|
| 301    | POST → GET (historic browser behaviour)     | dropped if GET  |
| 302    | any but HEAD → GET (historic behaviour)     | dropped if GET  |
| 303    | any but HEAD → GET (§15.4.4)                | dropped         |
| 307    | unchanged (§15.4.8)                         | resent          |
| 308    | unchanged (§15.4.9)                         | resent          |

Credentials: `Authorization`, `Proxy-Authorization` and `Cookie` are kept on same-origin hops
(same scheme, host and port) and stripped whenever the origin changes, a port change or an
https → http downgrade included (the CVE-2018-1000007 and CVE-2022-27776 classes). The one
exception is httpx's: the http → https upgrade on the default ports keeps `Authorization`.
After a change of origin the client adds cookies from its jar for the new URL only; on a
same-origin hop the kept Cookie header is merged with the jar (`merge_cookie_headers`), so a
cookie set by the 3xx response itself (a login redirect) is sent on the next request.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ._exceptions import RemoteProtocolError, UnsupportedProtocol
from ._status_codes import codes
from ._urls import URL

if TYPE_CHECKING:  # pragma: no cover
    from ._headers import Headers
    from ._models import Request, Response

__all__ = [
    "redirect_headers",
    "redirect_method",
    "redirect_url",
    "is_same_origin",
    "is_https_upgrade",
    "merge_cookie_headers",
]

ALLOWED_REDIRECT_SCHEMES = frozenset({"http", "https"})


def redirect_method(request: Request, response: Response) -> str:
    """The method for the next request after `response` (see the table in the module doc).

    Args:
        request: the request that got the redirect.
        response: the 3xx response.

    Returns:
        The upper-case method, e.g. "GET".
    """
    method = request.method
    if response.status_code == codes.SEE_OTHER and method != "HEAD":
        return "GET"
    if response.status_code == codes.FOUND and method != "HEAD":
        return "GET"
    if response.status_code == codes.MOVED_PERMANENTLY and method == "POST":
        return "GET"
    return method


def redirect_url(request: Request, response: Response) -> URL:
    """The absolute URL named by `response`'s Location header, resolved against the request.

    A fragment on the original URL is kept when the Location has none (RFC 9110 §10.2.2).

    Raises:
        RemoteProtocolError: when the Location header is not a valid URL.
        UnsupportedProtocol: when it names a scheme other than http or https.
    """
    location = response.headers["Location"]
    try:
        url = URL(location)
    except Exception as exc:  # InvalidURL or a TypeError from a broken header value
        raise RemoteProtocolError(
            f"Invalid URL in location header: {exc}.", request=request
        ) from exc
    if url.scheme and url.scheme not in ALLOWED_REDIRECT_SCHEMES:
        raise UnsupportedProtocol(
            f"Refusing to follow a redirect to {url.scheme!r} (only http and https): {location}",
            request=request,
        )
    # Handle malformed 'Location' headers that are "absolute" form but have no host.
    if url.scheme and not url.host:
        url = url.copy_with(host=request.url.host)
    if url.is_relative_url:
        url = request.url.join(url)
    if request.url.fragment and not url.fragment:
        url = url.copy_with(fragment=request.url.fragment)
    return url


def _port_or_default(url: URL) -> int | None:
    if url.port is not None:
        return url.port
    return {"http": 80, "https": 443}.get(url.scheme)


def is_same_origin(url: URL, other: URL) -> bool:
    """True when both URLs have the same scheme, host and (effective) port (RFC 6454)."""
    return (
        url.scheme == other.scheme
        and url.host == other.host
        and _port_or_default(url) == _port_or_default(other)
    )


def is_https_upgrade(url: URL, location: URL) -> bool:
    """True for an http → https hop to the same host on the default ports (80 → 443)."""
    if url.host != location.host:
        return False
    return (
        url.scheme == "http"
        and _port_or_default(url) == 80
        and location.scheme == "https"
        and _port_or_default(location) == 443
    )


def redirect_headers(request: Request, url: URL, method: str) -> Headers:
    """Headers for the redirected request.

    Strips Authorization and Proxy-Authorization on a change of origin (unless an https
    upgrade), Cookie on any change of origin, and the body headers when the method changed
    to GET.

    Args:
        request: the request that got the redirect.
        url: the absolute URL of the next request.
        method: the method of the next request.

    Returns:
        A new `Headers`; the request's own headers are not modified.
    """
    headers = request.headers.copy()
    if not is_same_origin(url, request.url):
        if not is_https_upgrade(request.url, url):
            headers.pop("Authorization", None)
            headers.pop("Proxy-Authorization", None)
        headers.pop("Cookie", None)
        headers["Host"] = url.netloc.decode("ascii")
    if method != request.method and method == "GET":
        headers.pop("Content-Length", None)
        headers.pop("Transfer-Encoding", None)
        headers.pop("Content-Type", None)
    return headers


def merge_cookie_headers(kept: str | None, from_jar: str | None) -> str | None:
    """Merge a request's own Cookie header with the one the client's jar builds.

    A cookie in both keeps its position in `kept` but takes the jar's value, since the jar
    holds what the server set most recently (e.g. on the 3xx itself, RFC 6265 §5.3); jar-only
    cookies follow. Pairs are "; "-separated (RFC 6265 §4.2.1).

    Args:
        kept: the Cookie header value carried over from the previous request, or None.
        from_jar: the Cookie header value the jar gives for the next URL, or None.

    Returns:
        The merged header value (str), or None when neither has a cookie.

    Example:
        assert merge_cookie_headers("a=1; b=2", "b=3; c=4") == "a=1; b=3; c=4"
    """
    pairs: dict[str, str] = {}
    for header in (kept, from_jar):
        for item in (header or "").split(";"):
            item = item.strip()
            if item:
                pairs[item.partition("=")[0].strip()] = item
    return "; ".join(pairs.values()) or None

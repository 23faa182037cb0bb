"""Client logic shared by `Client` and `AsyncClient`, with no I/O.

Holds the client configuration (base URL, headers, cookies, params, auth, timeout, redirect
policy, event hooks), merges it into each request (`build_request`), and builds the next
request of a redirect. The send loops live in `_async/client.py` (and the generated sync twin).
"""

from __future__ import annotations

import enum
import logging
import typing
from collections.abc import Callable, Mapping

from ..__version__ import __version__
from ._auth import Auth, BasicAuth, FunctionAuth
from ._config import DEFAULT_MAX_REDIRECTS, DEFAULT_TIMEOUT_CONFIG, Proxy, Timeout
from ._decoders import SUPPORTED_DECODERS
from ._exceptions import UnsupportedProtocol
from ._headers import Headers
from ._models import Cookies, Request, Response
from ._redirects import (
    merge_cookie_headers,
    redirect_headers,
    redirect_method,
    redirect_url,
)
from ._types import (
    AuthTypes,
    CookieTypes,
    HeaderTypes,
    ProxyTypes,
    QueryParamTypes,
    RequestContent,
    RequestData,
    RequestExtensions,
    RequestFiles,
    TimeoutTypes,
)
from ._urls import URL, QueryParams
from ._utils import URLPattern, get_environment_proxies

__all__ = ["USE_CLIENT_DEFAULT", "BaseClient", "ClientState", "UseClientDefault"]

logger = logging.getLogger("wire")

USER_AGENT = f"python-wire/{__version__}"


class UseClientDefault:
    """Sentinel type for "use the client's own setting" in per-request arguments.

    Distinct from None, which for `timeout=` means "no timeout" and for `auth=` means
    "no authentication".
    """

    def __repr__(self) -> str:
        return "USE_CLIENT_DEFAULT"


USE_CLIENT_DEFAULT = UseClientDefault()


class ClientState(enum.Enum):
    """UNOPENED: not yet used; OPENED: sent a request or entered; CLOSED: closed, unusable."""

    UNOPENED = 1
    OPENED = 2
    CLOSED = 3


def _accept_encoding() -> str:
    # Only the decoders that are installed (br and zstd are extras).
    return ", ".join(name for name in SUPPORTED_DECODERS if name != "identity")


def default_headers() -> Headers:
    """The headers every client sends unless overridden: Accept, Accept-Encoding, ..."""
    return Headers(
        {
            "Accept": "*/*",
            "Accept-Encoding": _accept_encoding(),
            "Connection": "keep-alive",
            "User-Agent": USER_AGENT,
        }
    )


def _enforce_trailing_slash(url: URL) -> URL:
    if url.raw_path.endswith(b"/"):
        return url
    return url.copy_with(raw_path=url.raw_path + b"/")


EventHooks = Mapping[str, list[Callable[..., typing.Any]]]


class BaseClient:
    """Configuration and request building shared by `Client` and `AsyncClient`.

    See `AsyncClient` for the meaning of each argument.
    """

    def __init__(
        self,
        *,
        auth: AuthTypes | None = None,
        params: QueryParamTypes | None = None,
        headers: HeaderTypes | None = None,
        cookies: CookieTypes | None = None,
        timeout: TimeoutTypes = DEFAULT_TIMEOUT_CONFIG,
        follow_redirects: bool = False,
        max_redirects: int = DEFAULT_MAX_REDIRECTS,
        event_hooks: EventHooks | None = None,
        base_url: URL | str = "",
        trust_env: bool = True,
        default_encoding: str | Callable[[bytes], str] = "utf-8",
    ) -> None:
        event_hooks = {} if event_hooks is None else event_hooks
        self._base_url = _enforce_trailing_slash(URL(base_url))
        self._auth = self._build_auth(auth)
        self._params = QueryParams(params)
        self.headers = Headers(headers)
        self._cookies = Cookies(cookies)
        self._timeout = Timeout(timeout)
        self.follow_redirects = follow_redirects
        self.max_redirects = max_redirects
        self._event_hooks: dict[str, list[Callable[..., typing.Any]]] = {
            "request": list(event_hooks.get("request", [])),
            "response": list(event_hooks.get("response", [])),
        }
        self._trust_env = trust_env
        self._default_encoding = default_encoding
        self._state = ClientState.UNOPENED

    @property
    def is_closed(self) -> bool:
        """True once the client has been closed (it cannot send any more)."""
        return self._state == ClientState.CLOSED

    @property
    def trust_env(self) -> bool:
        """Whether environment variables (proxies, SSL_CERT_FILE, netrc) are honoured."""
        return self._trust_env

    @property
    def timeout(self) -> Timeout:
        """The default `Timeout` (float seconds per phase)."""
        return self._timeout

    @timeout.setter
    def timeout(self, timeout: TimeoutTypes) -> None:
        self._timeout = Timeout(timeout)

    @property
    def event_hooks(self) -> dict[str, list[Callable[..., typing.Any]]]:
        """`{"request": [callables], "response": [callables]}`, called on each request/response."""
        return self._event_hooks

    @event_hooks.setter
    def event_hooks(self, event_hooks: EventHooks) -> None:
        self._event_hooks = {
            "request": list(event_hooks.get("request", [])),
            "response": list(event_hooks.get("response", [])),
        }

    @property
    def auth(self) -> Auth | None:
        """The default `Auth`, or None."""
        return self._auth

    @auth.setter
    def auth(self, auth: AuthTypes) -> None:
        self._auth = self._build_auth(auth)

    @property
    def base_url(self) -> URL:
        """The base `URL` relative request URLs are merged with (ends with "/", or empty)."""
        return self._base_url

    @base_url.setter
    def base_url(self, url: URL | str) -> None:
        self._base_url = _enforce_trailing_slash(URL(url))

    @property
    def headers(self) -> Headers:
        """The default `Headers`, sent with every request (the defaults merged with yours)."""
        return self._headers

    @headers.setter
    def headers(self, headers: HeaderTypes) -> None:
        client_headers = default_headers()
        client_headers.update(headers)
        self._headers = client_headers

    @property
    def cookies(self) -> Cookies:
        """The client's cookie jar, updated from every response's Set-Cookie."""
        return self._cookies

    @cookies.setter
    def cookies(self, cookies: CookieTypes) -> None:
        self._cookies = Cookies(cookies)

    @property
    def params(self) -> QueryParams:
        """The default `QueryParams`, merged into every request URL."""
        return self._params

    @params.setter
    def params(self, params: QueryParamTypes) -> None:
        self._params = QueryParams(params)

    def build_request(
        self,
        method: str,
        url: URL | str,
        *,
        content: RequestContent | None = None,
        data: RequestData | None = None,
        files: RequestFiles | None = None,
        json: typing.Any | None = None,
        params: QueryParamTypes | None = None,
        headers: HeaderTypes | None = None,
        cookies: CookieTypes | None = None,
        timeout: TimeoutTypes | UseClientDefault = USE_CLIENT_DEFAULT,
        extensions: RequestExtensions | None = None,
    ) -> Request:
        """Build a `Request` with the client's configuration merged in; nothing is sent.

        Args:
            method: str, e.g. "GET" (upper-cased).
            url: absolute, or relative to `base_url`.
            content / data / files / json: the body (see `Request`).
            params / headers / cookies: merged over the client's defaults.
            timeout: a `Timeout` value for this request, or the client's default.
            extensions: request extensions (e.g. "trace", "sni_hostname").

        Returns:
            The `Request`, with `extensions["timeout"]` set.

        Raises:
            InvalidURL: for a URL that cannot be parsed.
        """
        url = self._merge_url(url)
        headers = self._merge_headers(headers)
        cookies = self._merge_cookies(cookies)
        params = self._merge_queryparams(params)
        extensions = {} if extensions is None else dict(extensions)
        if "timeout" not in extensions:
            timeout = (
                self.timeout if isinstance(timeout, UseClientDefault) else Timeout(timeout)
            )
            extensions["timeout"] = timeout.as_dict()
        return Request(
            method,
            url,
            content=content,
            data=data,
            files=files,
            json=json,
            params=params,
            headers=headers,
            cookies=cookies,
            extensions=extensions,
        )

    def _merge_url(self, url: URL | str) -> URL:
        merge_url = URL(url)
        if merge_url.is_relative_url:
            # Relative URLs extend the base URL's path, rather than replacing it (as httpx).
            merge_raw_path = self.base_url.raw_path + merge_url.raw_path.lstrip(b"/")
            return self.base_url.copy_with(raw_path=merge_raw_path)
        return merge_url

    def _merge_cookies(self, cookies: CookieTypes | None = None) -> CookieTypes | None:
        if cookies or self._cookies:
            merged_cookies = Cookies(self.cookies)
            merged_cookies.update(cookies)
            return merged_cookies
        return cookies

    def _merge_headers(self, headers: HeaderTypes | None = None) -> HeaderTypes | None:
        merged_headers = Headers(self._headers)
        if headers is not None:
            merged_headers.update(headers)
        return merged_headers

    def _merge_queryparams(
        self, params: QueryParamTypes | None = None
    ) -> QueryParamTypes | None:
        if params or self._params:
            return self._params.merge(params)
        return params

    def _build_auth(self, auth: AuthTypes | None) -> Auth | None:
        if auth is None:
            return None
        if isinstance(auth, tuple):
            return BasicAuth(username=auth[0], password=auth[1])
        if isinstance(auth, Auth):
            return auth
        if callable(auth):
            return FunctionAuth(func=auth)
        raise TypeError(f'Invalid "auth" argument: {auth!r}')

    def _build_request_auth(
        self, request: Request, auth: AuthTypes | UseClientDefault | None = USE_CLIENT_DEFAULT
    ) -> Auth:
        auth = self._auth if isinstance(auth, UseClientDefault) else self._build_auth(auth)
        if auth is not None:
            return auth
        if request.url.userinfo:
            # Credentials in the URL (RFC 3986 §3.2.1) become Basic auth, as in httpx.
            return BasicAuth(username=request.url.username, password=request.url.password)
        return Auth()

    def _build_redirect_request(self, request: Request, response: Response) -> Request:
        """The next `Request` of a redirect: method, URL, headers, body and cookies.

        Raises:
            RemoteProtocolError: for an invalid Location header.
            UnsupportedProtocol: for a Location with a scheme other than http or https.
        """
        method = redirect_method(request, response)
        url = redirect_url(request, response)
        headers = redirect_headers(request, url, method)
        # A method changed to GET drops the body; 307/308 resend it (RFC 9110 §15.4).
        stream = None if method != request.method and method == "GET" else request.stream
        # The jar decides which stored cookies go to the new URL, and it already holds any
        # Set-Cookie of the 3xx; a Cookie header kept on a same-origin hop is merged with it.
        kept_cookie = headers.pop("Cookie", None)
        next_request = Request(
            method=method,
            url=url,
            headers=headers,
            cookies=self.cookies,
            stream=stream,
            extensions=request.extensions,
        )
        cookie = merge_cookie_headers(kept_cookie, next_request.headers.get("Cookie"))
        if cookie is not None:
            next_request.headers["Cookie"] = cookie
        return next_request

    def _get_proxy_map(
        self, proxy: ProxyTypes | None, allow_env_proxies: bool
    ) -> dict[str, Proxy | None]:
        if proxy is None:
            if allow_env_proxies:
                return {
                    key: None if url is None else Proxy(url=url)
                    for key, url in get_environment_proxies().items()
                }
            return {}
        proxy = Proxy(url=proxy) if isinstance(proxy, (str, URL)) else proxy
        return {"all://": proxy}

    @staticmethod
    def _sorted_mounts(mounts: Mapping[str, typing.Any]) -> dict[URLPattern, typing.Any]:
        patterns = {URLPattern(key): value for key, value in mounts.items()}
        return dict(sorted(patterns.items()))

    def _log_response(self, request: Request, response: Response) -> None:
        if logger.isEnabledFor(logging.INFO):
            logger.info(
                'HTTP Request: %s %s "%s %d %s"',
                request.method,
                request.url,
                response.http_version,
                response.status_code,
                response.reason_phrase,
            )

    @staticmethod
    def _check_url(url: URL, request: Request | None = None) -> None:
        # httpx reports this from its transport as UnsupportedProtocol, with this message;
        # checking here gives every transport (mounts, mocks) the same answer.
        if not url.scheme:
            raise UnsupportedProtocol(
                "Request URL is missing an 'http://' or 'https://' protocol.", request=request
            )

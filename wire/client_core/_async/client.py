"""`AsyncClient`: the send loops auth → redirects → single request.

This file is the source of truth for both clients: `scripts/unasync.py` generates
`_sync/client.py` (`Client`) from it, and CI checks that the generated file is up to date.
Keep names regular (`Async*` classes, `a*` methods) so the mechanical translation holds.
"""

from __future__ import annotations

import datetime
import time
import typing
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from types import TracebackType

from .._client_base import (
    USE_CLIENT_DEFAULT,
    BaseClient,
    ClientState,
    EventHooks,
    UseClientDefault,
)
from .._config import DEFAULT_LIMITS, DEFAULT_MAX_REDIRECTS, DEFAULT_TIMEOUT_CONFIG, Limits
from .._exceptions import TooManyRedirects, TransportError, request_context
from .._models import Request, Response
from .._ratelimit import RateLimit, RateLimiter
from .._retry import Retry, RetryLoop
from .._transports.base import AsyncBaseTransport
from .._types import (
    AsyncByteStream,
    AuthTypes,
    CertTypes,
    CookieTypes,
    HeaderTypes,
    ProxyTypes,
    QueryParamTypes,
    RequestContent,
    RequestData,
    RequestExtensions,
    RequestFiles,
    TimeoutTypes,
    VerifyTypes,
)
from .._urls import URL

if typing.TYPE_CHECKING:  # pragma: no cover
    from .._auth import Auth
    from .._config import Proxy
    from .._utils import URLPattern

__all__ = ["AsyncClient"]

T = typing.TypeVar("T", bound="AsyncClient")


class BoundAsyncStream(AsyncByteStream):
    """A response stream that records `response.elapsed` (seconds since sending) when closed."""

    def __init__(self, stream: AsyncByteStream, response: Response, start: float) -> None:
        self._stream = stream
        self._response: Response | None = response
        self._start = start

    def __aiter__(self) -> AsyncIterator[bytes]:
        # The wrapped stream's own iterator, not a generator of ours: a generator here would
        # be one more to close when the consumer stops early (trio warns about any left).
        return self._stream.__aiter__()

    async def aclose(self) -> None:
        response, self._response = self._response, None
        if response is not None:
            elapsed = time.perf_counter() - self._start
            response.elapsed = datetime.timedelta(seconds=elapsed)
        # Dropping the response breaks the response <-> stream cycle: once closed, the whole
        # request/response graph is freed by reference counting, not left to the cyclic GC
        # (which at 100 concurrent requests cost a third of the throughput).
        await self._stream.aclose()


class AsyncClient(BaseClient):
    """An HTTP client with connection pooling, cookies, redirects and auth (asyncio or trio).

    Use it as a context manager, or call `aclose()` when done:

        async with wire.AsyncClient(base_url="https://example.org") as client:
            response = await client.get("/items", params={"page": 2})
            response.raise_for_status()

    Args:
        auth: default auth: `(user, password)`, an `Auth`, or a callable `(Request) -> Request`.
        params: default query parameters, merged into each request URL.
        headers: default headers, merged over wire's (Accept, Accept-Encoding, User-Agent...).
        cookies: initial cookies (dict, `Cookies`, or a `http.cookiejar.CookieJar`).
        verify: TLS verification: True (certifi's CA bundle), False, a CA path, or an SSLContext.
        cert: client certificate: a path, `(cert, key)` or `(cert, key, password)`.
        trust_env: honour proxy variables, SSL_CERT_FILE/SSL_CERT_DIR and netrc.
        http1: offer HTTP/1.1. http2: offer HTTP/2 (needs `h2`).
        proxy: a proxy URL or `Proxy` for every request.
        mounts: `{pattern: transport}` for URL-specific transports ("all://", "https://host").
        timeout: default timeout in float seconds, a 4-tuple, or `Timeout` (default 5 s).
        follow_redirects: follow 3xx responses (default False).
        limits: connection pool `Limits` (default: 100 connections, 20 kept alive).
        max_redirects: the most redirects followed before `TooManyRedirects` (default 20).
        event_hooks: `{"request": [...], "response": [...]}` of async callables.
        base_url: prefix for relative request URLs.
        transport: a transport to use instead of the default `AsyncHTTPTransport`.
        default_encoding: charset for text without one, or a callable `(bytes) -> str`.
        retry: a `Retry` policy, an int (that many retries with the default policy), or None
            (default) for a single attempt; a request's `extensions["retry"]` overrides it.
        rate_limit: a `RateLimit` (concurrency and requests per second, per client or per
            host), or None (default) for no limits.

    Raises:
        ImportError: http2=True without the `h2` package, or a SOCKS proxy without `socksio`.
    """

    def __init__(
        self,
        *,
        auth: AuthTypes | None = None,
        params: QueryParamTypes | None = None,
        headers: HeaderTypes | None = None,
        cookies: CookieTypes | None = None,
        verify: VerifyTypes = True,
        cert: CertTypes | None = None,
        http1: bool = True,
        http2: bool = False,
        proxy: ProxyTypes | None = None,
        mounts: Mapping[str, AsyncBaseTransport | None] | None = None,
        timeout: TimeoutTypes = DEFAULT_TIMEOUT_CONFIG,
        follow_redirects: bool = False,
        limits: Limits = DEFAULT_LIMITS,
        max_redirects: int = DEFAULT_MAX_REDIRECTS,
        event_hooks: EventHooks | None = None,
        base_url: URL | str = "",
        transport: AsyncBaseTransport | None = None,
        trust_env: bool = True,
        default_encoding: str | typing.Callable[[bytes], str] = "utf-8",
        retry: Retry | int | None = None,
        rate_limit: RateLimit | None = None,
    ) -> None:
        super().__init__(
            auth=auth,
            params=params,
            headers=headers,
            cookies=cookies,
            timeout=timeout,
            follow_redirects=follow_redirects,
            max_redirects=max_redirects,
            event_hooks=event_hooks,
            base_url=base_url,
            trust_env=trust_env,
            default_encoding=default_encoding,
        )
        if http2:
            import importlib.util

            if importlib.util.find_spec("h2") is None:  # pragma: no cover - h2 is a dependency
                raise ImportError(
                    "Using http2=True, but the 'h2' package is not installed. "
                    "Make sure to install wire's dependencies: pip install wire."
                )
        proxy_map = self._get_proxy_map(proxy, trust_env and transport is None)
        self._transport_options: dict[str, typing.Any] = {
            "verify": verify,
            "cert": cert,
            "trust_env": trust_env,
            "http1": http1,
            "http2": http2,
            "limits": limits,
        }
        self._transport = transport if transport is not None else self._init_transport()
        mount_map: dict[str, AsyncBaseTransport | None] = {
            key: None if value is None else self._init_proxy_transport(value)
            for key, value in proxy_map.items()
        }
        if mounts is not None:
            mount_map.update(mounts)
        self._mounts: dict[URLPattern, AsyncBaseTransport | None] = self._sorted_mounts(
            mount_map
        )
        self._retry = Retry(retries=retry) if isinstance(retry, int) else retry
        self._rate_limiter = RateLimiter(rate_limit)

    def _init_transport(self) -> AsyncBaseTransport:
        from .._transports.default import AsyncHTTPTransport

        return AsyncHTTPTransport(**self._transport_options)

    def _init_proxy_transport(self, proxy: Proxy) -> AsyncBaseTransport:
        from .._transports.default import AsyncHTTPTransport

        return AsyncHTTPTransport(proxy=proxy, **self._transport_options)

    def _transport_for_url(self, url: URL) -> AsyncBaseTransport:
        """The mounted transport whose pattern matches `url`, else the default transport."""
        for pattern, transport in self._mounts.items():
            if pattern.matches(url):
                return self._transport if transport is None else transport
        return self._transport

    async def request(
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
        auth: AuthTypes | UseClientDefault | None = USE_CLIENT_DEFAULT,
        follow_redirects: bool | UseClientDefault = USE_CLIENT_DEFAULT,
        timeout: TimeoutTypes | UseClientDefault = USE_CLIENT_DEFAULT,
        extensions: RequestExtensions | None = None,
    ) -> Response:
        """Build and send a request, and read the whole response body.

        Args:
            method: str, e.g. "GET".
            url: absolute URL, or relative to `base_url`.
            content: raw body: bytes, str (UTF-8), or an (async) iterator of bytes.
            data: form fields (urlencoded, or multipart alongside `files`).
            files: multipart files: `{name: file | (filename, file[, content_type[, headers]])}`.
            json: a JSON-serialisable value, sent compact as UTF-8.
            params / headers / cookies: merged over the client's defaults.
            auth: per-request auth, None for none, or the client's default.
            follow_redirects: per-request override.
            timeout: per-request timeout (seconds / `Timeout`), or the client's default.
            extensions: request extensions.

        Returns:
            The `Response`, its body read and its connection released.

        Raises:
            RequestError: any subclass, e.g. ConnectError, ReadTimeout, TooManyRedirects.
            InvalidURL: for a malformed URL.
            RuntimeError: when the client is closed.
        """
        request = self.build_request(
            method=method,
            url=url,
            content=content,
            data=data,
            files=files,
            json=json,
            params=params,
            headers=headers,
            cookies=cookies,
            timeout=timeout,
            extensions=extensions,
        )
        return await self.send(request, auth=auth, follow_redirects=follow_redirects)

    @asynccontextmanager
    async def stream(
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
        auth: AuthTypes | UseClientDefault | None = USE_CLIENT_DEFAULT,
        follow_redirects: bool | UseClientDefault = USE_CLIENT_DEFAULT,
        timeout: TimeoutTypes | UseClientDefault = USE_CLIENT_DEFAULT,
        extensions: RequestExtensions | None = None,
    ) -> AsyncIterator[Response]:
        """Send a request and yield the response with its body unread (arguments as `request`).

        The body is read through `aiter_bytes()` and friends inside the block; the response
        is closed when the block exits.

        Raises:
            RequestError: as `request`.
        """
        request = self.build_request(
            method=method,
            url=url,
            content=content,
            data=data,
            files=files,
            json=json,
            params=params,
            headers=headers,
            cookies=cookies,
            timeout=timeout,
            extensions=extensions,
        )
        response = await self.send(
            request=request, auth=auth, follow_redirects=follow_redirects, stream=True
        )
        try:
            yield response
        finally:
            await response.aclose()

    async def send(
        self,
        request: Request,
        *,
        stream: bool = False,
        auth: AuthTypes | UseClientDefault | None = USE_CLIENT_DEFAULT,
        follow_redirects: bool | UseClientDefault = USE_CLIENT_DEFAULT,
    ) -> Response:
        """Send a built `Request`, through auth and redirects.

        Args:
            request: from `build_request()` or built by hand.
            stream: when True the body is not read; the caller must `aclose()` the response.
            auth: per-request auth override.
            follow_redirects: per-request override.

        Returns:
            The final `Response` (earlier ones are in `response.history`).

        Raises:
            RequestError: any subclass, e.g. ConnectError, ReadTimeout, TooManyRedirects.
            RuntimeError: when the client is closed.
        """
        if self._state == ClientState.CLOSED:
            raise RuntimeError("Cannot send a request, as the client has been closed.")
        self._state = ClientState.OPENED
        follow_redirects = (
            self.follow_redirects
            if isinstance(follow_redirects, UseClientDefault)
            else follow_redirects
        )
        if "timeout" not in request.extensions:
            request.extensions["timeout"] = self.timeout.as_dict()
        request_auth = self._build_request_auth(request, auth)
        response = await self._send_handling_auth(
            request, auth=request_auth, follow_redirects=follow_redirects, history=[]
        )
        try:
            if not stream:
                await response.aread()
            return response
        except BaseException:
            await response.aclose()
            raise

    async def _send_handling_auth(
        self, request: Request, auth: Auth, follow_redirects: bool, history: list[Response]
    ) -> Response:
        auth_flow = auth.async_auth_flow(request)
        try:
            request = await auth_flow.__anext__()
            while True:
                response = await self._send_handling_redirects(
                    request, follow_redirects=follow_redirects, history=history
                )
                try:
                    try:
                        next_request = await auth_flow.asend(response)
                    except StopAsyncIteration:
                        return response
                    response.history = list(history)
                    await response.aread()
                    request = next_request
                    history.append(response)
                except BaseException:
                    await response.aclose()
                    raise
        finally:
            await auth_flow.aclose()

    async def _send_handling_redirects(
        self, request: Request, follow_redirects: bool, history: list[Response]
    ) -> Response:
        while True:
            if len(history) > self.max_redirects:
                raise TooManyRedirects("Exceeded maximum allowed redirects.", request=request)
            for hook in self._event_hooks["request"]:
                await hook(request)
            response = await self._send_retrying(request)
            try:
                for hook in self._event_hooks["response"]:
                    await hook(response)
                response.history = list(history)
                if not response.has_redirect_location:
                    return response
                request = self._build_redirect_request(request, response)
                history = history + [response]
                if not follow_redirects:
                    response.next_request = request
                    return response
                await response.aread()
            except BaseException:
                await response.aclose()
                raise

    async def _send_retrying(self, request: Request) -> Response:
        """Send one request under the rate limits, again while the `Retry` policy says so."""
        policy = request.extensions.get("retry", self._retry)
        retry_loop = RetryLoop(policy, request)
        async for _ in retry_loop:
            try:
                async with self._rate_limiter.slot(request.url) as slot:
                    response = await self._send_single_request(request)
                    slot.hold_until_closed(response)
            except TransportError as exc:
                if not retry_loop.should_retry_error(exc):
                    raise
                continue
            if not retry_loop.should_retry_response(response):
                return response
            # Read the small refusal so the connection can carry the retry.
            await response.aread()
            await response.aclose()
        raise RuntimeError("the retry loop ended without an outcome")  # pragma: no cover

    async def _send_single_request(self, request: Request) -> Response:
        self._check_url(request.url, request)
        transport = self._transport_for_url(request.url)
        start = time.perf_counter()
        if not isinstance(request.stream, AsyncByteStream):
            raise RuntimeError("Attempted to send a sync request with an AsyncClient instance.")
        with request_context(request=request):
            response = await transport.handle_async_request(request)
        assert isinstance(response.stream, AsyncByteStream)
        response.request = request
        response.stream = BoundAsyncStream(response.stream, response=response, start=start)
        self.cookies.extract_cookies(response)
        response.default_encoding = self._default_encoding
        self._log_response(request, response)
        return response

    async def get(
        self,
        url: URL | str,
        *,
        params: QueryParamTypes | None = None,
        headers: HeaderTypes | None = None,
        cookies: CookieTypes | None = None,
        auth: AuthTypes | UseClientDefault | None = USE_CLIENT_DEFAULT,
        follow_redirects: bool | UseClientDefault = USE_CLIENT_DEFAULT,
        timeout: TimeoutTypes | UseClientDefault = USE_CLIENT_DEFAULT,
        extensions: RequestExtensions | None = None,
    ) -> Response:
        """Send a GET request; arguments and errors as `request()`."""
        return await self.request(
            "GET", url, params=params, headers=headers, cookies=cookies, auth=auth,
            follow_redirects=follow_redirects, timeout=timeout, extensions=extensions,
        )

    async def options(
        self,
        url: URL | str,
        *,
        params: QueryParamTypes | None = None,
        headers: HeaderTypes | None = None,
        cookies: CookieTypes | None = None,
        auth: AuthTypes | UseClientDefault | None = USE_CLIENT_DEFAULT,
        follow_redirects: bool | UseClientDefault = USE_CLIENT_DEFAULT,
        timeout: TimeoutTypes | UseClientDefault = USE_CLIENT_DEFAULT,
        extensions: RequestExtensions | None = None,
    ) -> Response:
        """Send an OPTIONS request; arguments and errors as `request()`."""
        return await self.request(
            "OPTIONS", url, params=params, headers=headers, cookies=cookies, auth=auth,
            follow_redirects=follow_redirects, timeout=timeout, extensions=extensions,
        )

    async def head(
        self,
        url: URL | str,
        *,
        params: QueryParamTypes | None = None,
        headers: HeaderTypes | None = None,
        cookies: CookieTypes | None = None,
        auth: AuthTypes | UseClientDefault | None = USE_CLIENT_DEFAULT,
        follow_redirects: bool | UseClientDefault = USE_CLIENT_DEFAULT,
        timeout: TimeoutTypes | UseClientDefault = USE_CLIENT_DEFAULT,
        extensions: RequestExtensions | None = None,
    ) -> Response:
        """Send a HEAD request; arguments and errors as `request()`."""
        return await self.request(
            "HEAD", url, params=params, headers=headers, cookies=cookies, auth=auth,
            follow_redirects=follow_redirects, timeout=timeout, extensions=extensions,
        )

    async def post(
        self,
        url: URL | str,
        *,
        content: RequestContent | None = None,
        data: RequestData | None = None,
        files: RequestFiles | None = None,
        json: typing.Any | None = None,
        params: QueryParamTypes | None = None,
        headers: HeaderTypes | None = None,
        cookies: CookieTypes | None = None,
        auth: AuthTypes | UseClientDefault | None = USE_CLIENT_DEFAULT,
        follow_redirects: bool | UseClientDefault = USE_CLIENT_DEFAULT,
        timeout: TimeoutTypes | UseClientDefault = USE_CLIENT_DEFAULT,
        extensions: RequestExtensions | None = None,
    ) -> Response:
        """Send a POST request; arguments and errors as `request()`."""
        return await self.request(
            "POST", url, content=content, data=data, files=files, json=json, params=params,
            headers=headers, cookies=cookies, auth=auth, follow_redirects=follow_redirects,
            timeout=timeout, extensions=extensions,
        )

    async def put(
        self,
        url: URL | str,
        *,
        content: RequestContent | None = None,
        data: RequestData | None = None,
        files: RequestFiles | None = None,
        json: typing.Any | None = None,
        params: QueryParamTypes | None = None,
        headers: HeaderTypes | None = None,
        cookies: CookieTypes | None = None,
        auth: AuthTypes | UseClientDefault | None = USE_CLIENT_DEFAULT,
        follow_redirects: bool | UseClientDefault = USE_CLIENT_DEFAULT,
        timeout: TimeoutTypes | UseClientDefault = USE_CLIENT_DEFAULT,
        extensions: RequestExtensions | None = None,
    ) -> Response:
        """Send a PUT request; arguments and errors as `request()`."""
        return await self.request(
            "PUT", url, content=content, data=data, files=files, json=json, params=params,
            headers=headers, cookies=cookies, auth=auth, follow_redirects=follow_redirects,
            timeout=timeout, extensions=extensions,
        )

    async def patch(
        self,
        url: URL | str,
        *,
        content: RequestContent | None = None,
        data: RequestData | None = None,
        files: RequestFiles | None = None,
        json: typing.Any | None = None,
        params: QueryParamTypes | None = None,
        headers: HeaderTypes | None = None,
        cookies: CookieTypes | None = None,
        auth: AuthTypes | UseClientDefault | None = USE_CLIENT_DEFAULT,
        follow_redirects: bool | UseClientDefault = USE_CLIENT_DEFAULT,
        timeout: TimeoutTypes | UseClientDefault = USE_CLIENT_DEFAULT,
        extensions: RequestExtensions | None = None,
    ) -> Response:
        """Send a PATCH request; arguments and errors as `request()`."""
        return await self.request(
            "PATCH", url, content=content, data=data, files=files, json=json, params=params,
            headers=headers, cookies=cookies, auth=auth, follow_redirects=follow_redirects,
            timeout=timeout, extensions=extensions,
        )

    async def delete(
        self,
        url: URL | str,
        *,
        params: QueryParamTypes | None = None,
        headers: HeaderTypes | None = None,
        cookies: CookieTypes | None = None,
        auth: AuthTypes | UseClientDefault | None = USE_CLIENT_DEFAULT,
        follow_redirects: bool | UseClientDefault = USE_CLIENT_DEFAULT,
        timeout: TimeoutTypes | UseClientDefault = USE_CLIENT_DEFAULT,
        extensions: RequestExtensions | None = None,
    ) -> Response:
        """Send a DELETE request; arguments and errors as `request()`."""
        return await self.request(
            "DELETE", url, params=params, headers=headers, cookies=cookies, auth=auth,
            follow_redirects=follow_redirects, timeout=timeout, extensions=extensions,
        )

    async def aclose(self) -> None:
        """Close the transport and every mounted transport; the client cannot send after this."""
        if self._state != ClientState.CLOSED:
            self._state = ClientState.CLOSED
            await self._transport.aclose()
            for transport in self._mounts.values():
                if transport is not None:
                    await transport.aclose()

    async def __aenter__(self: T) -> T:
        if self._state != ClientState.UNOPENED:
            msg = {
                ClientState.OPENED: "Cannot open a client instance more than once.",
                ClientState.CLOSED: "Cannot reopen a client instance, once it has been closed.",
            }[self._state]
            raise RuntimeError(msg)
        self._state = ClientState.OPENED
        await self._transport.__aenter__()
        for proxy in self._mounts.values():
            if proxy is not None:
                await proxy.__aenter__()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None = None,
        exc_value: BaseException | None = None,
        traceback: TracebackType | None = None,
    ) -> None:
        self._state = ClientState.CLOSED
        await self._transport.__aexit__(exc_type, exc_value, traceback)
        for proxy in self._mounts.values():
            if proxy is not None:
                await proxy.__aexit__(exc_type, exc_value, traceback)

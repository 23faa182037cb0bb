"""`HTTPTransport` / `AsyncHTTPTransport`: the network edge, over wire's connection pools.

Direct connections go through wire's own pools (`_async/pool.py`, generated `_sync/pool.py`:
an O(1) pool, httpcore's HTTP/1.1 connection with a lean path, wire's HTTP/2 connection, a
native asyncio network backend); proxied ones through httpcore's proxy pools. Only this
module, `_pool/` and the pool and connection modules in `_async/` and `_sync/` import
httpcore, and this is the one place where httpcore's exceptions become ours
(`_map_httpcore_exceptions`). It is imported lazily by the clients, so that `import wire`
stays cheap.

Strategy (import cost): `import httpcore` eagerly imports h2, anyio, trio and socksio when
they are installed (about 60 ms together), although a plain HTTP/1.1 request needs none of
them. `_load_httpcore()` imports httpcore with those four hidden, then un-hides them:
httpcore's own HTTP/2 connection is used only by its proxy pools (wire's is imported when
h2 is negotiated, see `_http2_class` in `_async/pool.py`), the SOCKS proxy classes are
imported from their own modules when a SOCKS proxy is configured (`_proxy_pool`), and the
async clients hand httpcore the real anyio / trio modules (`_enable_async_backend`) before
their first request.

certifi too (about 5 ms: it loads `importlib.resources`, `tempfile`, `pathlib`) is imported
by httpcore only for `httpcore.default_ssl_context()`, which wire never calls (it hands the
pools its own contexts, see `_config`): while httpcore is imported, `certifi` is a
`_DeferredModule` that imports the real package on its first attribute access.
"""

from __future__ import annotations

import contextlib
import importlib
import sys
import typing
from collections.abc import AsyncIterator, Iterator
from types import ModuleType

from .._config import DEFAULT_LIMITS, Limits, Proxy, ssl_context_for_alpn, transport_ssl_context
from .._exceptions import (
    ConnectError,
    ConnectTimeout,
    LocalProtocolError,
    NetworkError,
    PoolTimeout,
    ProtocolError,
    ProxyError,
    ReadError,
    ReadTimeout,
    RemoteProtocolError,
    TimeoutException,
    TransportError,
    UnsupportedProtocol,
    WriteError,
    WriteTimeout,
)
from .._models import Request, Response
from .._types import AsyncByteStream, CertTypes, ProxyTypes, SyncByteStream, VerifyTypes
from .._urls import URL
from .base import AsyncBaseTransport, BaseTransport

__all__ = ["AsyncHTTPTransport", "HTTPTransport"]

SOCKET_OPTION = (
    tuple[int, int, int] | tuple[int, int, bytes | bytearray] | tuple[int, int, None, int]
)

#: Hidden while httpcore is imported: the libraries, and httpcore's own modules that need
#: them (so that those are not even read, only to fail on their first import line).
_HIDDEN_AT_IMPORT = (
    "h2", "anyio", "trio", "socksio",
    "httpcore._async.http2", "httpcore._sync.http2",
    "httpcore._async.socks_proxy", "httpcore._sync.socks_proxy",
)  # fmt: skip


_DEFERRED_AT_IMPORT = ("certifi",)


class _DeferredModule(ModuleType):
    """Stands in for a module that httpcore imports but wire's requests do not use: the
    real module is imported on the first attribute access (see the module docstring)."""

    def __getattr__(self, attribute: str) -> typing.Any:
        if attribute.startswith("__"):
            raise AttributeError(attribute)
        if sys.modules.get(self.__name__) is self:
            del sys.modules[self.__name__]
        return getattr(importlib.import_module(self.__name__), attribute)


def _load_httpcore() -> ModuleType:
    """Import httpcore without paying for h2, anyio, trio, socksio and certifi (see the
    module docstring)."""
    module = sys.modules.get("httpcore")
    if module is not None:
        return module
    hidden = [name for name in _HIDDEN_AT_IMPORT if name not in sys.modules]
    deferred = [name for name in _DEFERRED_AT_IMPORT if name not in sys.modules]
    for name in hidden:
        sys.modules[name] = None  # type: ignore[assignment]  # makes `import name` fail
    for name in deferred:
        sys.modules[name] = _DeferredModule(name)
    try:
        import httpcore
    finally:
        for name in hidden:
            if sys.modules.get(name, ...) is None:
                del sys.modules[name]
        for name in deferred:
            if isinstance(sys.modules.get(name), _DeferredModule):
                del sys.modules[name]
    return httpcore


def _enable_async_backend() -> None:
    """Give httpcore the async libraries that `_load_httpcore` hid from it."""
    sync_module = sys.modules["httpcore._synchronization"]
    if getattr(sync_module, "anyio", None) is None:
        with contextlib.suppress(ImportError):
            import anyio

            sync_module.anyio = anyio  # type: ignore[attr-defined]
    if getattr(sync_module, "trio", None) is None and "trio" in sys.modules:
        sync_module.trio = sys.modules["trio"]  # type: ignore[attr-defined]


# httpcore exception name → our exception class; the most specific names come first.
_EXCEPTION_MAP: tuple[tuple[str, type[TransportError]], ...] = (
    ("ConnectTimeout", ConnectTimeout),
    ("ReadTimeout", ReadTimeout),
    ("WriteTimeout", WriteTimeout),
    ("PoolTimeout", PoolTimeout),
    ("TimeoutException", TimeoutException),
    ("ConnectError", ConnectError),
    ("ReadError", ReadError),
    ("WriteError", WriteError),
    ("NetworkError", NetworkError),
    ("ProxyError", ProxyError),
    ("UnsupportedProtocol", UnsupportedProtocol),
    ("LocalProtocolError", LocalProtocolError),
    ("RemoteProtocolError", RemoteProtocolError),
    ("ProtocolError", ProtocolError),
)


def _translate(exc: Exception, request: Request | None) -> TransportError | None:
    httpcore = sys.modules["httpcore"]
    for name, ours in _EXCEPTION_MAP:
        if isinstance(exc, getattr(httpcore, name)):
            message = str(exc) or type(exc).__name__
            return ours(message, request=request)
    return None


class _map_httpcore_exceptions:  # noqa: N801 - used like the context manager function it was
    """Within the block, re-raise httpcore's exceptions as ours (`raise Ours from theirs`).

    A class rather than a @contextmanager generator: it runs several times per request.
    """

    __slots__ = ("_request",)

    def __init__(self, request: Request | None = None) -> None:
        self._request = request

    def __enter__(self) -> None:
        return None

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: object
    ) -> None:
        if exc is None or not isinstance(exc, Exception):
            return
        mapped = _translate(exc, self._request)
        if mapped is not None:
            raise mapped from exc


class _SyncResponseStream(SyncByteStream):
    """httpcore's response body as our `SyncByteStream`, with errors translated."""

    def __init__(self, core_stream: typing.Iterable[bytes], request: Request) -> None:
        self._core_stream = core_stream
        self._request = request

    def __iter__(self) -> Iterator[bytes]:
        with _map_httpcore_exceptions(self._request):
            yield from self._core_stream

    def close(self) -> None:
        close = getattr(self._core_stream, "close", None)
        if close is not None:
            with _map_httpcore_exceptions(self._request):
                close()


class _AsyncResponseStream(AsyncByteStream):
    """httpcore's response body as our `AsyncByteStream`, with errors translated.

    Strategy (trio's unclosed-generator warnings): httpcore 1.0.9 reads a body through a chain
    of three async generators and, when the consumer stops early, closes the connection but
    leaves them suspended; trio then warns (ResourceWarning) when the garbage collector finds
    them. We keep httpcore's outer iterator, and on `aclose()` of an HTTP/1.1 body that was
    not read to the end we first close the stream (which closes the connection, RFC 9112
    §9.6: an unread body cannot be skipped), then pull from the iterator once more: the read
    on the closed connection fails at once, so every generator in the chain ends. HTTP/2
    streams share their connection, so that read could block: there we leave them as they are.
    """

    #: Bound on the chunks already buffered by h11 that the final pull may still yield.
    _MAX_DRAIN_CHUNKS = 64

    def __init__(
        self, core_stream: typing.AsyncIterable[bytes], request: Request, http_version: bytes
    ) -> None:
        self._core_stream = core_stream
        self._request = request
        self._http_version = http_version
        self._iterator: typing.AsyncIterator[bytes] | None = None
        self._exhausted = False
        self._closed = False

    async def __aiter__(self) -> AsyncIterator[bytes]:
        self._iterator = self._core_stream.__aiter__()
        with _map_httpcore_exceptions(self._request):
            async for part in self._iterator:
                yield part
        self._exhausted = True

    async def aclose(self) -> None:
        if self._closed:
            return
        self._closed = True
        aclose = getattr(self._core_stream, "aclose", None)
        if aclose is not None:
            with _map_httpcore_exceptions(self._request):
                await aclose()
        if self._iterator is not None and not self._exhausted:
            await self._finish_core_iterator(self._iterator)

    async def _finish_core_iterator(self, iterator: typing.AsyncIterator[bytes]) -> None:
        if self._http_version != b"HTTP/1.1":
            return
        # Bounded: the connection is closed, so only already-buffered chunks can arrive
        # before the read error that ends httpcore's generators.
        with contextlib.suppress(Exception):
            for _ in range(self._MAX_DRAIN_CHUNKS):
                await iterator.__anext__()


def _pool_kwargs(
    verify: VerifyTypes,
    cert: CertTypes | None,
    trust_env: bool,
    http1: bool,
    http2: bool,
    limits: Limits,
) -> dict[str, typing.Any]:
    return {
        # The default context (certifi, SSL_CERT_FILE) is built at the first TLS handshake.
        "ssl_context": transport_ssl_context(verify=verify, cert=cert, trust_env=trust_env),
        "max_connections": limits.max_connections,
        "max_keepalive_connections": limits.max_keepalive_connections,
        "keepalive_expiry": limits.keepalive_expiry,
        "http1": http1,
        "http2": http2,
    }


def _proxy_pool(
    httpcore: ModuleType, proxy: Proxy, kwargs: dict[str, typing.Any], *, is_async: bool
) -> typing.Any:
    prefix = "Async" if is_async else ""
    if proxy.url.scheme in ("http", "https"):
        cls = getattr(httpcore, prefix + "HTTPProxy")
        return cls(
            proxy_url=httpcore.URL(
                scheme=proxy.url.raw_scheme,
                host=proxy.url.raw_host,
                port=proxy.url.port,
                target=proxy.url.raw_path,
            ),
            proxy_auth=proxy.raw_auth,
            proxy_headers=proxy.headers.raw,
            proxy_ssl_context=proxy.ssl_context,
            **kwargs,
        )
    try:
        import socksio  # noqa: F401
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError(
            "Using SOCKS proxy, but the 'socksio' package is not installed. "
            "Install wire with the 'socks' extra: pip install 'wire[socks]'."
        ) from exc
    # From its own module: `httpcore.SOCKSProxy` is httpcore's "not installed" stand-in
    # when socksio was hidden while httpcore was imported (see `_load_httpcore`).
    if is_async:
        from httpcore._async.socks_proxy import AsyncSOCKSProxy as cls
    else:
        from httpcore._sync.socks_proxy import SOCKSProxy as cls
    for unsupported in ("socket_options", "local_address", "uds", "retries"):
        kwargs.pop(unsupported, None)
    return cls(
        proxy_url=httpcore.URL(
            scheme=proxy.url.raw_scheme,
            host=proxy.url.raw_host,
            port=proxy.url.port,
            target=proxy.url.raw_path,
        ),
        proxy_auth=proxy.raw_auth,
        **kwargs,
    )


def _build_pool(
    *,
    is_async: bool,
    verify: VerifyTypes,
    cert: CertTypes | None,
    trust_env: bool,
    http1: bool,
    http2: bool,
    limits: Limits,
    proxy: ProxyTypes | None,
    uds: str | None,
    local_address: str | None,
    retries: int,
    socket_options: typing.Iterable[SOCKET_OPTION] | None,
) -> typing.Any:
    httpcore = _load_httpcore()
    kwargs = _pool_kwargs(verify, cert, trust_env, http1, http2, limits)
    kwargs.update(
        uds=uds, local_address=local_address, retries=retries, socket_options=socket_options
    )
    if proxy is not None:
        proxy = Proxy(url=proxy) if isinstance(proxy, (str, URL)) else proxy
        # httpcore's proxy pools set ALPN on the context they get at every connect: give them
        # the shared sibling for their ALPN list, never the shared default context.
        alpn = ("h2", "http/1.1") if http2 else ("http/1.1",)
        kwargs["ssl_context"] = ssl_context_for_alpn(kwargs["ssl_context"], alpn)
        return _proxy_pool(httpcore, proxy, kwargs, is_async=is_async)
    from .._pool import AsyncConnectionPool, ConnectionPool

    return (AsyncConnectionPool if is_async else ConnectionPool)(**kwargs)


def _core_request(httpcore: ModuleType, request: Request, content: typing.Any) -> typing.Any:
    # Our URL and Headers are already validated and in bytes: fill httpcore's public
    # attributes directly instead of re-checking every header through its constructors
    # (about 10 us a request). h11 still validates what goes on the wire.
    url = request.url
    core_url = object.__new__(httpcore.URL)
    core_url.scheme = url.raw_scheme
    core_url.host = url.raw_host
    core_url.port = url.port
    # The "target" extension overrides the request target, as httpcore's constructor does.
    core_url.target = request.extensions.get("target", url.raw_path)
    core = object.__new__(httpcore.Request)
    core.method = request.method.encode("ascii")
    core.url = core_url
    core.headers = request.headers.raw
    core.stream = content
    core.extensions = request.extensions
    return core


def _response_extensions(core_response: typing.Any) -> dict[str, typing.Any]:
    return dict(core_response.extensions)


class HTTPTransport(BaseTransport):
    """The default synchronous transport: HTTP/1.1 and HTTP/2 over a connection pool.

    Example (the OS trust store, with the `truststore` extra installed):

        import ssl, truststore, wire
        ctx = truststore.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        client = wire.Client(transport=wire.HTTPTransport(verify=ctx, retries=2))

    Args:
        verify: True (certifi's CA bundle, one context shared per process), False, a CA
            bundle path (str, file or hashed directory), or an `ssl.SSLContext` (e.g.
            `truststore.SSLContext` for the OS trust store).
        cert: client certificate: a path, `(cert, key)` or `(cert, key, password)`.
        trust_env: honour SSL_CERT_FILE / SSL_CERT_DIR / SSLKEYLOGFILE.
        http1: offer HTTP/1.1 (default True).
        http2: offer HTTP/2 through ALPN (default False); with http1=False, HTTP/2 with prior
            knowledge (h2c) on http:// URLs. Needs the `h2` package, imported only when used.
        limits: pool `Limits` (connection counts, keep-alive expiry in seconds).
        proxy: a proxy URL (str/`URL`) or `Proxy` (http, https, socks5, socks5h), or None.
        uds: path of a Unix domain socket to connect through, or None.
        local_address: local IP address (str) to bind to, or None.
        retries: how many times to retry a failed connect (not a failed request), with
            exponential backoff: 0, 0.5, 1, 2... seconds.
        socket_options: `(level, option, value)` tuples applied to new sockets.

    Raises:
        OSError: when a CA bundle or certificate path is invalid.
        ImportError: for a SOCKS proxy without the `socksio` package.
    """

    def __init__(
        self,
        verify: VerifyTypes = True,
        cert: CertTypes | None = None,
        trust_env: bool = True,
        http1: bool = True,
        http2: bool = False,
        limits: Limits = DEFAULT_LIMITS,
        proxy: ProxyTypes | None = None,
        uds: str | None = None,
        local_address: str | None = None,
        retries: int = 0,
        socket_options: typing.Iterable[SOCKET_OPTION] | None = None,
    ) -> None:
        self._pool = _build_pool(
            is_async=False, verify=verify, cert=cert, trust_env=trust_env, http1=http1,
            http2=http2, limits=limits, proxy=proxy, uds=uds, local_address=local_address,
            retries=retries, socket_options=socket_options,
        )

    def handle_request(self, request: Request) -> Response:
        """Send `request` through the pool; see `BaseTransport.handle_request`."""
        assert isinstance(request.stream, SyncByteStream)
        httpcore = sys.modules["httpcore"]
        core_request = _core_request(httpcore, request, request.stream)
        with _map_httpcore_exceptions(request):
            core_response = self._pool.handle_request(core_request)
        return Response(
            status_code=core_response.status,
            headers=core_response.headers,
            stream=_SyncResponseStream(core_response.stream, request),
            extensions=_response_extensions(core_response),
        )

    def close(self) -> None:
        """Close every pooled connection."""
        self._pool.close()


class AsyncHTTPTransport(AsyncBaseTransport):
    """The default asynchronous transport (asyncio or trio); arguments as `HTTPTransport`.

    Raises:
        OSError: when a CA bundle or certificate path is invalid.
        ImportError: for a SOCKS proxy without the `socksio` package.
    """

    def __init__(
        self,
        verify: VerifyTypes = True,
        cert: CertTypes | None = None,
        trust_env: bool = True,
        http1: bool = True,
        http2: bool = False,
        limits: Limits = DEFAULT_LIMITS,
        proxy: ProxyTypes | None = None,
        uds: str | None = None,
        local_address: str | None = None,
        retries: int = 0,
        socket_options: typing.Iterable[SOCKET_OPTION] | None = None,
    ) -> None:
        self._pool = _build_pool(
            is_async=True, verify=verify, cert=cert, trust_env=trust_env, http1=http1,
            http2=http2, limits=limits, proxy=proxy, uds=uds, local_address=local_address,
            retries=retries, socket_options=socket_options,
        )
        self._backend_ready = False

    async def handle_async_request(self, request: Request) -> Response:
        """Send `request` through the pool; see `AsyncBaseTransport.handle_async_request`."""
        assert isinstance(request.stream, AsyncByteStream)
        if not self._backend_ready:
            _enable_async_backend()
            self._backend_ready = True
        httpcore = sys.modules["httpcore"]
        core_request = _core_request(httpcore, request, request.stream)
        with _map_httpcore_exceptions(request):
            core_response = await self._pool.handle_async_request(core_request)
        return Response(
            status_code=core_response.status,
            headers=core_response.headers,
            stream=_AsyncResponseStream(
                core_response.stream,
                request,
                http_version=core_response.extensions.get("http_version", b"HTTP/1.1"),
            ),
            extensions=_response_extensions(core_response),
        )

    async def aclose(self) -> None:
        """Close every pooled connection."""
        await self._pool.aclose()

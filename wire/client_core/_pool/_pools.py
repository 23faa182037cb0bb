"""`AsyncConnectionPool` and `ConnectionPool`: httpcore's connections, our assignment rules.

Both speak httpcore's pool interface (`handle_(async_)request(httpcore.Request)` returning an
`httpcore.Response`, and `(a)close()`), so `_transports/default.py` can use either them or
httpcore's proxy pools. The bookkeeping is `PoolState` (see `_state.py` for the strategy);
this module does the waiting and the I/O around it.

A connection goes back to the pool when the response body is closed (`response.stream` is
wrapped); the transport guarantees that close, as httpx's does.

HTTP/2: while a connection that may turn out to be HTTP/2 is being opened for an origin, other
requests for that origin wait for it (as httpcore does) instead of each opening their own; if
it becomes HTTP/2 they share it, otherwise they go on to open HTTP/1.1 connections.
"""

from __future__ import annotations

import contextlib
import ssl
import threading
import time
import typing
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpcore
from httpcore._synchronization import AsyncEvent, AsyncShieldCancellation

from ._connect import (
    ConnectOptions,
    backoff_delays,
    connect_kwargs,
    http_layer,
    key_of,
    tls_kwargs,
    trace,
)
from ._state import NEW_CONNECTION, Key, PoolState, Waiter
from ._sync_net import SyncBackend

__all__ = ["AsyncConnectionPool", "ConnectionPool"]

#: Bound on the attempts to place one request (a connection can vanish between being chosen
#: and being used, e.g. an HTTP/2 connection the server is shutting down): never a busy loop.
MAX_PLACEMENT_ATTEMPTS = 100


def _check_scheme(request: httpcore.Request) -> None:
    scheme = request.url.scheme.decode()
    if scheme == "":
        raise httpcore.UnsupportedProtocol(
            "Request URL is missing an 'http://' or 'https://' protocol."
        )
    if scheme not in ("http", "https", "ws", "wss"):
        raise httpcore.UnsupportedProtocol(f"Request URL has an unsupported protocol '{scheme}://'.")


def _deadline(request: httpcore.Request) -> float | None:
    pool_timeout = request.extensions.get("timeout", {}).get("pool")
    return None if pool_timeout is None else time.monotonic() + pool_timeout


def _remaining(deadline: float | None) -> float | None:
    """Seconds left until `deadline` (None: no limit). Raises PoolTimeout when none are left."""
    if deadline is None:
        return None
    left = deadline - time.monotonic()
    if left <= 0:
        raise httpcore.PoolTimeout("Timed out waiting for a connection from the pool.")
    return left


def _options(
    ssl_context: ssl.SSLContext | None, http1: bool, http2: bool,
    keepalive_expiry: float | None, retries: int, local_address: str | None, uds: str | None,
    socket_options: Any,
) -> ConnectOptions:
    if not (http1 or http2):
        raise ValueError("At least one of http1 or http2 must be enabled.")
    return ConnectOptions(
        ssl_context, http1, http2, keepalive_expiry, retries, local_address, uds, socket_options
    )


def _default_async_backend() -> Any:
    """Our asyncio backend under asyncio, httpcore's (trio) otherwise."""
    import asyncio

    try:
        asyncio.get_running_loop()
    except RuntimeError:
        from httpcore._backends.auto import AutoBackend

        return AutoBackend()
    from ._asyncio_net import AsyncioBackend

    return AsyncioBackend()


class _AsyncPooledBody:
    """A response body that gives its connection back to the pool when closed."""

    def __init__(self, body: Any, pool: AsyncConnectionPool, key: Key, connection: Any) -> None:
        self._body = body
        self._pool = pool
        self._key = key
        self._connection = connection
        self._released = False

    def __aiter__(self) -> AsyncIterator[bytes]:
        # httpcore's own iterator, not a generator of ours (one fewer to close under trio).
        return typing.cast(AsyncIterator[bytes], self._body.__aiter__())

    async def aclose(self) -> None:
        if self._released:
            return
        self._released = True
        try:
            await self._body.aclose()
        finally:
            await self._pool._release(self._key, self._connection)


class AsyncConnectionPool:
    """An async connection pool with O(1) request placement (asyncio or trio).

    Args:
        ssl_context: the `ssl.SSLContext` for https origins; None uses httpcore's default.
            wire's shared default context is never modified (ALPN: see `_connect`).
        max_connections: int, the most connections open at once; None for no limit.
        max_keepalive_connections: int, the most idle connections kept; None for no limit.
        keepalive_expiry: float seconds an idle connection is kept; None keeps it forever.
        http1: offer HTTP/1.1. http2: offer HTTP/2 (ALPN on https, prior knowledge on http
            when http1 is False).
        retries: int, how many times a failed connect (ConnectError/ConnectTimeout) is retried.
        local_address: str IP address to bind outgoing sockets to, or None.
        uds: str path of a Unix domain socket to connect through, or None.
        network_backend: an `httpcore.AsyncNetworkBackend`; None picks asyncio or trio.
        socket_options: `(level, option, value)` tuples applied to new sockets, or None.

    Raises:
        ValueError: when both http1 and http2 are False.
    """

    def __init__(
        self,
        ssl_context: ssl.SSLContext | None = None,
        max_connections: int | None = 10,
        max_keepalive_connections: int | None = None,
        keepalive_expiry: float | None = None,
        http1: bool = True,
        http2: bool = False,
        retries: int = 0,
        local_address: str | None = None,
        uds: str | None = None,
        network_backend: Any = None,
        socket_options: Any = None,
    ) -> None:
        self._ssl_context = ssl_context
        self._options = _options(ssl_context, http1, http2, keepalive_expiry, retries,
                                 local_address, uds, socket_options)
        self._state = PoolState(max_connections, max_keepalive_connections)
        self._backend = network_backend
        self._opening_h2: dict[Key, AsyncEvent] = {}
        #: Origins that answered an HTTP/2 offer with HTTP/1.1: no need to wait on their
        #: connects any more.
        self._known_http11: set[Key] = set()

    @property
    def connections(self) -> list[Any]:
        """The open connections (a snapshot), for inspection and tests."""
        return list(self._state.connections)

    async def handle_async_request(self, request: httpcore.Request) -> httpcore.Response:
        """Send `request` on a pooled connection; its body releases the connection on close.

        Raises:
            httpcore.PoolTimeout: when no connection frees up within the "pool" timeout.
            httpcore.UnsupportedProtocol: for a scheme other than http(s)/ws(s).
            httpcore.ConnectError, ConnectTimeout, ReadTimeout...: from the connection.
        """
        _check_scheme(request)
        key = key_of(request.url)
        deadline = _deadline(request)
        for _ in range(MAX_PLACEMENT_ATTEMPTS):
            connection = await self._place(key, request, deadline)
            try:
                response = await connection.handle_async_request(request)
            except httpcore.ConnectionNotAvailable:
                await self._release(key, connection)
                continue
            except BaseException:
                await self._release(key, connection)
                raise
            response.stream = _AsyncPooledBody(response.stream, self, key, connection)
            return typing.cast(httpcore.Response, response)
        raise httpcore.PoolTimeout("Could not place the request on a connection.")

    async def _place(self, key: Key, request: httpcore.Request, deadline: float | None) -> Any:
        """A connection for the request: reused, handed over by another request, or new."""
        while True:  # bounded by the deadline; each pass waits for an event
            opening = self._opening_h2.get(key)
            if opening is not None:
                await opening.wait(timeout=_remaining(deadline))
                continue
            to_close: list[Any] = []
            grant = self._state.acquire(key, to_close)
            if grant is None:
                await self._close(to_close)
                grant = await self._wait(key, deadline)
            if grant is NEW_CONNECTION:
                # _open marks the origin as opening before its first await, so that requests
                # arriving meanwhile wait for a possible HTTP/2 connection.
                return await self._open(key, request, to_close)
            await self._close(to_close)
            return grant

    async def _wait(self, key: Key, deadline: float | None) -> Any:
        event = AsyncEvent()
        waiter = Waiter(key, event.set)
        self._state.add_waiter(waiter)
        try:
            await event.wait(timeout=_remaining(deadline))
        except BaseException:
            to_close: list[Any] = []
            self._state.abandon(waiter, to_close)
            await self._close(to_close)
            raise
        return waiter.grant

    async def _open(
        self, key: Key, request: httpcore.Request, to_close: list[Any] | None = None
    ) -> Any:
        """Open a connection in the slot `acquire` reserved; the slot is freed on failure.

        `to_close` (connections `acquire` evicted) are closed once the origin is marked.
        """
        opening = None
        if self._may_multiplex(key) and key not in self._opening_h2:
            opening = self._opening_h2[key] = AsyncEvent()
        try:
            if to_close:
                await self._close(to_close)
            stream = await self._connect(key, request)
            connection = http_layer(self._options, key, stream, is_async=True)
        except BaseException:
            freed: list[Any] = []
            self._state.release_slot(freed)
            await self._close(freed)
            raise
        finally:
            if opening is not None:
                if self._opening_h2.get(key) is opening:
                    del self._opening_h2[key]
                opening.set()
        is_http11 = isinstance(connection, httpcore.AsyncHTTP11Connection)
        if is_http11:
            self._known_http11.add(key)
        self._state.add_connection(key, connection, is_shared=not is_http11)
        return connection

    def _may_multiplex(self, key: Key) -> bool:
        return self._options.may_multiplex(key) and key not in self._known_http11

    async def _connect(self, key: Key, request: httpcore.Request) -> Any:
        if self._backend is None:
            self._backend = _default_async_backend()
        timeout = request.extensions.get("timeout", {}).get("connect")
        kwargs = connect_kwargs(self._options, key, timeout)
        delays = backoff_delays()
        for retries_left in range(self._options.retries, -1, -1):
            try:
                if self._options.uds is None:
                    async with trace("connect_tcp", request, kwargs) as traced:
                        stream = await self._backend.connect_tcp(**kwargs)
                        traced.return_value = stream
                else:
                    async with trace("connect_unix_socket", request, kwargs) as traced:
                        stream = await self._backend.connect_unix_socket(**kwargs)
                        traced.return_value = stream
                break
            except (httpcore.ConnectError, httpcore.ConnectTimeout):
                if retries_left == 0:
                    raise
                async with trace("retry", request, kwargs):
                    await self._backend.sleep(next(delays))
        if key[0] in (b"https", b"wss"):
            tls = tls_kwargs(self._options, key, request)
            async with trace("start_tls", request, tls) as traced:
                stream = await stream.start_tls(**tls)
                traced.return_value = stream
        return stream

    async def _release(self, key: Key, connection: Any) -> None:
        to_close: list[Any] = []
        self._state.release(key, connection, to_close)
        await self._close(to_close)

    @staticmethod
    async def _close(connections: list[Any]) -> None:
        if not connections:
            return
        with AsyncShieldCancellation():
            for connection in connections:
                with contextlib.suppress(Exception):
                    await connection.aclose()

    async def aclose(self) -> None:
        """Close every connection, idle or in use."""
        await self._close(self._state.close_all())

    async def __aenter__(self) -> AsyncConnectionPool:
        return self

    async def __aexit__(self, *args: object) -> None:
        await self.aclose()


class _PooledBody:
    """A response body that gives its connection back to the pool when closed."""

    def __init__(self, body: Any, pool: ConnectionPool, key: Key, connection: Any) -> None:
        self._body = body
        self._pool = pool
        self._key = key
        self._connection = connection
        self._released = False

    def __iter__(self) -> Iterator[bytes]:
        return typing.cast(Iterator[bytes], self._body.__iter__())

    def close(self) -> None:
        if self._released:
            return
        self._released = True
        try:
            self._body.close()
        finally:
            self._pool._release(self._key, self._connection)


class ConnectionPool:
    """The synchronous pool: the same design, with a lock and one event per waiting thread.

    Arguments as `AsyncConnectionPool`; `network_backend` is an `httpcore.NetworkBackend`.
    """

    def __init__(
        self,
        ssl_context: ssl.SSLContext | None = None,
        max_connections: int | None = 10,
        max_keepalive_connections: int | None = None,
        keepalive_expiry: float | None = None,
        http1: bool = True,
        http2: bool = False,
        retries: int = 0,
        local_address: str | None = None,
        uds: str | None = None,
        network_backend: Any = None,
        socket_options: Any = None,
    ) -> None:
        self._ssl_context = ssl_context
        self._options = _options(ssl_context, http1, http2, keepalive_expiry, retries,
                                 local_address, uds, socket_options)
        self._state = PoolState(max_connections, max_keepalive_connections)
        self._backend = network_backend if network_backend is not None else SyncBackend()
        self._lock = threading.Lock()
        self._opening_h2: dict[Key, threading.Event] = {}
        self._known_http11: set[Key] = set()

    @property
    def connections(self) -> list[Any]:
        """The open connections (a snapshot), for inspection and tests."""
        with self._lock:
            return list(self._state.connections)

    def handle_request(self, request: httpcore.Request) -> httpcore.Response:
        """Send `request` on a pooled connection; see `AsyncConnectionPool.handle_async_request`.

        Raises:
            httpcore.PoolTimeout: when no connection frees up within the "pool" timeout.
            httpcore.UnsupportedProtocol: for a scheme other than http(s)/ws(s).
        """
        _check_scheme(request)
        key = key_of(request.url)
        deadline = _deadline(request)
        for _ in range(MAX_PLACEMENT_ATTEMPTS):
            connection = self._place(key, request, deadline)
            try:
                response = connection.handle_request(request)
            except httpcore.ConnectionNotAvailable:
                self._release(key, connection)
                continue
            except BaseException:
                self._release(key, connection)
                raise
            response.stream = _PooledBody(response.stream, self, key, connection)
            return typing.cast(httpcore.Response, response)
        raise httpcore.PoolTimeout("Could not place the request on a connection.")

    def _place(self, key: Key, request: httpcore.Request, deadline: float | None) -> Any:
        while True:  # bounded by the deadline; each pass waits for an event
            to_close: list[Any] = []
            mine: threading.Event | None = None  # set when this request marks the origin
            with self._lock:
                opening = self._opening_h2.get(key)
                if opening is None:
                    grant = self._state.acquire(key, to_close)
                    waiter = None
                    if grant is None:
                        event = threading.Event()
                        waiter = Waiter(key, event.set)
                        self._state.add_waiter(waiter)
                    elif grant is NEW_CONNECTION and self._may_multiplex(key):
                        mine = self._opening_h2[key] = threading.Event()
            self._close(to_close)
            if opening is not None:
                if not opening.wait(_remaining(deadline)):
                    _remaining(deadline)
                continue
            if waiter is not None:
                grant = self._wait(waiter, event, deadline)
            if grant is NEW_CONNECTION:
                return self._open(key, request, mine)
            return grant

    def _wait(self, waiter: Waiter, event: threading.Event, deadline: float | None) -> Any:
        try:
            while not event.wait(_remaining(deadline)):
                pass  # the next _remaining() raises PoolTimeout
        except BaseException:
            to_close: list[Any] = []
            with self._lock:
                self._state.abandon(waiter, to_close)
            self._close(to_close)
            raise
        return waiter.grant

    def _open(
        self, key: Key, request: httpcore.Request, opening: threading.Event | None
    ) -> Any:
        try:
            stream = self._connect(key, request)
            connection = http_layer(self._options, key, stream, is_async=False)
        except BaseException:
            to_close: list[Any] = []
            with self._lock:
                self._state.release_slot(to_close)
                self._finish_opening(key, opening)
            self._close(to_close)
            raise
        is_http11 = isinstance(connection, httpcore.HTTP11Connection)
        with self._lock:
            if is_http11:
                self._known_http11.add(key)
            self._state.add_connection(key, connection, is_shared=not is_http11)
            self._finish_opening(key, opening)
        return connection

    def _may_multiplex(self, key: Key) -> bool:
        return self._options.may_multiplex(key) and key not in self._known_http11

    def _finish_opening(self, key: Key, opening: threading.Event | None) -> None:
        """Wake the requests waiting on `opening` (ours, if any) and unmark the origin."""
        if opening is not None:
            if self._opening_h2.get(key) is opening:
                del self._opening_h2[key]
            opening.set()

    def _connect(self, key: Key, request: httpcore.Request) -> Any:
        timeout = request.extensions.get("timeout", {}).get("connect")
        kwargs = connect_kwargs(self._options, key, timeout)
        delays = backoff_delays()
        for retries_left in range(self._options.retries, -1, -1):
            try:
                if self._options.uds is None:
                    with trace("connect_tcp", request, kwargs) as traced:
                        stream = self._backend.connect_tcp(**kwargs)
                        traced.return_value = stream
                else:
                    with trace("connect_unix_socket", request, kwargs) as traced:
                        stream = self._backend.connect_unix_socket(**kwargs)
                        traced.return_value = stream
                break
            except (httpcore.ConnectError, httpcore.ConnectTimeout):
                if retries_left == 0:
                    raise
                with trace("retry", request, kwargs):
                    self._backend.sleep(next(delays))
        if key[0] in (b"https", b"wss"):
            tls = tls_kwargs(self._options, key, request)
            with trace("start_tls", request, tls) as traced:
                stream = stream.start_tls(**tls)
                traced.return_value = stream
        return stream

    def _release(self, key: Key, connection: Any) -> None:
        to_close: list[Any] = []
        with self._lock:
            self._state.release(key, connection, to_close)
        self._close(to_close)

    @staticmethod
    def _close(connections: list[Any]) -> None:
        for connection in connections:
            with contextlib.suppress(Exception):
                connection.close()

    def close(self) -> None:
        """Close every connection, idle or in use."""
        with self._lock:
            everything = self._state.close_all()
        self._close(everything)

    def __enter__(self) -> ConnectionPool:
        return self

    def __exit__(self, *args: object) -> None:
        self.close()

"""`AsyncConnectionPool`: httpcore's connections, our assignment rules.

`_sync/pool.py` is generated from this file by `scripts/unasync.py`. What differs between
the two pools is named once, as twins that the generation swaps (see `_pool/_locks.py` and
`_pool/_backends.py`): the state lock (no lock at all for tasks, which switch only at an
await; a `threading.Lock` around every `PoolState` call for threads, which switch anywhere),
the timed event (one per waiting task or thread) and the default network backend.

The pool speaks httpcore's pool interface (`handle_async_request(httpcore.Request)` returning
an `httpcore.Response`, and `aclose()`), so `_transports/default.py` can use either it or
httpcore's proxy pools. The bookkeeping is `PoolState` (see `_pool/_state.py` for the
strategy); this module does the waiting and the I/O around it.

A connection goes back to the pool when the response body is closed (`response.stream` is
wrapped); the transport guarantees that close, as httpx's does.

HTTP/2: while a connection that may turn out to be HTTP/2 is being opened for an origin, other
requests for that origin wait for it (as httpcore does) instead of each opening their own; if
it becomes HTTP/2 they share it, otherwise they go on to open HTTP/1.1 connections.
"""

from __future__ import annotations

import contextlib
import ssl
import typing
from collections.abc import AsyncIterator
from typing import Any

import httpcore
from httpcore._synchronization import AsyncShieldCancellation

from .._pool._backends import AsyncBackend
from .._pool._connect import (
    MAX_PLACEMENT_ATTEMPTS,
    backoff_delays,
    check_scheme,
    connect_kwargs,
    connect_options,
    http_layer,
    key_of,
    pool_deadline,
    time_left,
    tls_kwargs,
    trace,
)
from .._pool._locks import AsyncStateLock, AsyncTimedEvent
from .._pool._state import NEW_CONNECTION, Key, PoolState, Waiter
from .http11 import AsyncHTTP11

__all__ = ["AsyncConnectionPool"]


def _http2_class() -> type[Any]:
    """wire's HTTP/2 connection class (`http2.py`); imports hpack on first use only.

    Flow control (RFC 9113 §6.9.2 starts every window at 65,535 bytes, one window per round
    trip): the connection window is widened by 16 MiB at start-up and each stream's by 16 MiB
    with its request, so downloads are not throttled (see `_h2state.WINDOW_INCREMENT`).
    """
    from .http2 import AsyncHTTP2Connection

    return AsyncHTTP2Connection


class _PooledBody:
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
    """A connection pool with O(1) request placement, for asyncio or trio.

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
        network_backend: an `httpcore.AsyncNetworkBackend`; None: wire's own `AsyncBackend`.
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
        self._options = connect_options(ssl_context, http1, http2, keepalive_expiry, retries,
                                        local_address, uds, socket_options)
        self._state = PoolState(max_connections, max_keepalive_connections)
        self._backend = network_backend if network_backend is not None else AsyncBackend()
        self._lock = AsyncStateLock()
        #: The origins a connection that may become HTTP/2 is being opened for; set when done.
        self._opening_h2: dict[Key, AsyncTimedEvent] = {}
        #: Origins that answered an HTTP/2 offer with HTTP/1.1: no need to wait on their
        #: connects any more.
        self._known_http11: set[Key] = set()

    @property
    def connections(self) -> list[Any]:
        """The open connections (a snapshot), for inspection and tests."""
        with self._lock:
            return list(self._state.connections)

    async def handle_async_request(self, request: httpcore.Request) -> httpcore.Response:
        """Send `request` on a pooled connection; its body releases the connection on close.

        Raises:
            httpcore.PoolTimeout: when no connection frees up within the "pool" timeout.
            httpcore.UnsupportedProtocol: for a scheme other than http(s)/ws(s).
            httpcore.ConnectError, ConnectTimeout, ReadTimeout...: from the connection.
        """
        check_scheme(request)
        key = key_of(request.url)
        deadline = pool_deadline(request)
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
            response.stream = _PooledBody(response.stream, self, key, connection)
            return typing.cast(httpcore.Response, response)
        raise httpcore.PoolTimeout("Could not place the request on a connection.")

    async def _place(self, key: Key, request: httpcore.Request, deadline: float | None) -> Any:
        """A connection for the request: reused, handed over by another request, or new.

        A request granted a new connection marks its origin as opening under the same hold
        of the lock as `acquire`, so that requests arriving meanwhile wait for a possible
        HTTP/2 connection rather than open their own.
        """
        while True:  # bounded by the deadline; each pass waits for an event
            to_close: list[Any] = []
            waiter: Waiter | None = None
            mine: AsyncTimedEvent | None = None  # set when this request marks the origin
            with self._lock:
                opening = self._opening_h2.get(key)
                if opening is None:
                    grant = self._state.acquire(key, to_close)
                    if grant is None:
                        event = AsyncTimedEvent()
                        waiter = Waiter(key, event.set)
                        self._state.add_waiter(waiter)
                    elif grant is NEW_CONNECTION:
                        mine = self._mark_opening(key)
            if opening is not None:  # acquire was not called: nothing to close
                if not await opening.wait(time_left(deadline)):
                    time_left(deadline)  # raises PoolTimeout unless a sliver of time is left
                continue
            if waiter is not None:
                await self._close(to_close)
                to_close = []
                grant = await self._wait(waiter, event, deadline)
                if grant is NEW_CONNECTION:
                    with self._lock:
                        mine = self._mark_opening(key)
            if grant is NEW_CONNECTION:
                return await self._open(key, request, mine, to_close)
            await self._close(to_close)
            return grant

    def _mark_opening(self, key: Key) -> AsyncTimedEvent | None:
        """Mark `key` as opening a connection that may become HTTP/2 (hold the lock).

        Returns:
            The event to set once the connection is open (or failed), or None when the
            origin cannot multiplex or is already being opened by another request.
        """
        if not self._may_multiplex(key) or key in self._opening_h2:
            return None
        event = self._opening_h2[key] = AsyncTimedEvent()
        return event

    async def _wait(self, waiter: Waiter, event: AsyncTimedEvent, deadline: float | None) -> Any:
        try:
            while not await event.wait(time_left(deadline)):
                pass  # the next time_left() raises PoolTimeout
        except BaseException:
            to_close: list[Any] = []
            with self._lock:
                self._state.abandon(waiter, to_close)
            await self._close(to_close)
            raise
        return waiter.grant

    async def _open(
        self,
        key: Key,
        request: httpcore.Request,
        opening: AsyncTimedEvent | None,
        to_close: list[Any],
    ) -> Any:
        """Open a connection in the slot `acquire` reserved; the slot is freed on failure.

        `to_close` (connections `acquire` evicted) are closed inside the `try`, so that a
        cancellation there frees the slot too. `opening` (this request's mark on the origin)
        is set and removed however the connect ends.
        """
        try:
            await self._close(to_close)
            stream = await self._connect(key, request)
            connection = http_layer(self._options, key, stream, AsyncHTTP11, _http2_class)
        except BaseException:
            freed: list[Any] = []
            with self._lock:
                self._state.release_slot(freed)
                self._finish_opening(key, opening)
            await self._close(freed)
            raise
        is_http11 = isinstance(connection, httpcore.AsyncHTTP11Connection)
        with self._lock:
            if is_http11:
                self._known_http11.add(key)
            self._state.add_connection(key, connection, is_shared=not is_http11)
            self._finish_opening(key, opening)
        return connection

    def _may_multiplex(self, key: Key) -> bool:
        return self._options.may_multiplex(key) and key not in self._known_http11

    def _finish_opening(self, key: Key, opening: AsyncTimedEvent | None) -> None:
        """Wake the requests waiting on `opening` (ours, if any) and unmark the origin."""
        if opening is not None:
            if self._opening_h2.get(key) is opening:
                del self._opening_h2[key]
            opening.set()

    async def _connect(self, key: Key, request: httpcore.Request) -> Any:
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
        with self._lock:
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
        with self._lock:
            everything = self._state.close_all()
        await self._close(everything)

    async def __aenter__(self) -> AsyncConnectionPool:
        return self

    async def __aexit__(self, *args: object) -> None:
        await self.aclose()

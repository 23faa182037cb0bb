"""The async HTTP/2 connection (RFC 9113): wire's own, over the sans-I/O `H2State`.

`_sync/http2.py` is generated from this file by `scripts/unasync.py`.

The connection speaks httpcore's connection interface (`handle_async_request` returning an
`httpcore.Response`, `is_available`, `has_expired`, `is_idle`, `is_closed`, `aclose`), so the
pool uses it where it would use httpcore's, and raises httpcore's exceptions, which the
transport maps onto wire's. Trace events keep httpcore's names ("http2.send_request_headers"
and so on) for the `trace` extension.

Concurrency: one reader at a time. Whoever needs something from the server (a stream waiting
for its head or body, a sender waiting for flow-control credit) takes the read lock, checks
whether another reader already brought what it needs, and otherwise reads once and lets
`H2State` file every frame under its stream. Writes take the write lock; a request's HEADERS
are encoded and written under it, so stream identifiers and HPACK state follow wire order.
A read or protocol failure fails the whole connection: every later read raises the same
exception (as httpcore does), while streams that already hold their whole response can still
be read to the end.
"""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator, Callable
from types import TracebackType

import httpcore
from httpcore._synchronization import AsyncEvent, AsyncShieldCancellation
from httpcore._trace import Trace

from .._pool._h2state import MAX_STREAM_ID, H2ConnectionError, H2State, H2Stream
from .._pool._locks import AsyncLock, AsyncStateLock

__all__ = ["AsyncH2ResponseStream", "AsyncHTTP2Connection"]

logger = logging.getLogger("httpcore.http2")

#: Bytes asked of the network per read (TLS hands back at most one 16 KiB record anyway).
READ_NUM_BYTES = 64 * 1024

IDLE, ACTIVE, CLOSED = "IDLE", "ACTIVE", "CLOSED"


def _has_body(request: httpcore.Request) -> bool:
    """True when the request carries a body (it has Content-Length or Transfer-Encoding)."""
    return any(name.lower() in (b"content-length", b"transfer-encoding")
               for name, _ in request.headers)


class AsyncHTTP2Connection:
    """One HTTP/2 connection to an origin, shared by concurrent requests.

    Args:
        origin: the origin (scheme, host, port) this connection serves.
        stream: the connected (TLS-wrapped for https) httpcore network stream.
        keepalive_expiry: seconds an idle connection stays reusable; None: no limit.
    """

    def __init__(
        self,
        origin: httpcore.Origin,
        stream: httpcore.AsyncNetworkStream,
        keepalive_expiry: float | None = None,
    ) -> None:
        self._origin = origin
        self._network_stream = stream
        self._keepalive_expiry = keepalive_expiry
        self._h2 = H2State()
        self._state = IDLE
        self._expire_at: float | None = None
        self._request_count = 0
        self._init_lock = AsyncLock()
        self._read_lock = AsyncLock()
        self._write_lock = AsyncLock()
        self._thread_lock = AsyncStateLock()  # around H2State and counters (sync: threads)
        self._sent_init = False
        self._open_streams = 0
        self._slot_waiters: list[AsyncEvent] = []
        self._error: Exception | None = None  # a read or protocol failure: no more reads
        self._write_error: Exception | None = None

    async def handle_async_request(self, request: httpcore.Request) -> httpcore.Response:
        """Send `request` on a new stream and return the response with its body unread.

        Raises:
            httpcore.ConnectionNotAvailable: the connection is closing or failed (the pool
                then uses another), or a GOAWAY said the request was not processed.
            httpcore.RemoteProtocolError: the server broke the protocol or reset the stream.
            httpcore.ReadTimeout, WriteTimeout, ReadError, WriteError: from the network.
            httpcore.PoolTimeout: no stream became free within the pool timeout.
        """
        if request.url.origin != self._origin:
            raise RuntimeError(
                f"Attempted to send request to {request.url.origin} on connection to "
                f"{self._origin}"
            )
        with self._thread_lock:
            if not self.is_available():
                raise httpcore.ConnectionNotAvailable()
            reused = self._state == IDLE and self._sent_init
            self._request_count += 1
            self._state = ACTIVE
            self._expire_at = None
        stream: H2Stream | None = None
        try:
            if not self._sent_init:
                await self._send_connection_init(request)
            elif reused:
                await self._catch_up(request)
            await self._acquire_slot(request)
        except BaseException:
            with AsyncShieldCancellation():
                await self._finished(request, None, had_slot=False)
            raise
        try:
            async with Trace("send_request_headers", logger, request, {"request": request}):
                has_body = _has_body(request)
                async with self._write_lock:
                    with self._thread_lock:
                        stream, data = self._h2.open_stream(request, end_stream=not has_body)
                    await self._write(request, data)
            kwargs = {"request": request, "stream_id": stream.stream_id}
            async with Trace("send_request_body", logger, request, kwargs):
                if has_body:
                    await self._send_body(request, stream)
            async with Trace("receive_response_headers", logger, request, kwargs) as trace:
                status, headers = await self._receive_head(request, stream)
                trace.return_value = (status, headers)
        except BaseException:
            with AsyncShieldCancellation():
                await self._finished(request, stream, had_slot=True)
            raise
        return httpcore.Response(
            status=status,
            headers=headers,
            content=AsyncH2ResponseStream(self, request, stream),
            extensions={
                "http_version": b"HTTP/2",
                "network_stream": self._network_stream,
                "stream_id": stream.stream_id,
            },
        )

    async def _send_connection_init(self, request: httpcore.Request) -> None:
        """The client preface, once per connection (RFC 9113 §3.4)."""
        async with self._init_lock:
            if self._sent_init:
                return
            try:
                async with Trace("send_connection_init", logger, request, {"request": request}):
                    async with self._write_lock:
                        await self._write(request, self._h2.preface())
            except BaseException:
                with AsyncShieldCancellation():
                    await self.aclose()
                raise
            self._sent_init = True

    async def _catch_up(self, request: httpcore.Request) -> None:
        """Before reusing an idle connection, process what the server sent meanwhile: often
        DATA still in flight for abandoned streams, but maybe a GOAWAY or a close.

        Raises:
            httpcore.ConnectionNotAvailable: the server closed the connection or is going
                away, so the pool opens a new one (the request was not sent).
        """
        def drained() -> bool:
            return not self._network_stream.get_extra_info("is_readable")

        for _ in range(1000):  # each pass processes one read of what is already there
            if drained():
                break
            try:
                await self._read_until(request, drained)
            except Exception as exc:
                raise httpcore.ConnectionNotAvailable() from exc
        if not self.is_available():
            raise httpcore.ConnectionNotAvailable()

    async def _acquire_slot(self, request: httpcore.Request) -> None:
        """Wait until the server allows one more open stream (SETTINGS_MAX_CONCURRENT_STREAMS).

        Raises:
            httpcore.PoolTimeout: none became free within the pool timeout.
            httpcore.ConnectionNotAvailable: the connection failed or is going away meanwhile.
        """
        timeout = request.extensions.get("timeout", {}).get("pool")
        while True:  # each pass waits for a stream to end or for the server's SETTINGS
            with self._thread_lock:
                if not self.is_available():
                    raise httpcore.ConnectionNotAvailable()
                if self._open_streams < self._h2.max_streams:
                    self._open_streams += 1
                    return
                event = AsyncEvent()
                self._slot_waiters.append(event)
            await event.wait(timeout)

    def _wake_waiters(self) -> None:
        with self._thread_lock:
            waiters, self._slot_waiters = self._slot_waiters, []
        for event in waiters:
            event.set()

    async def _send_body(self, request: httpcore.Request, stream: H2Stream) -> None:
        """The request body as DATA frames within the flow-control windows (RFC 9113 §6.9);
        it stops early when the server resets the stream (e.g. it has answered already)."""
        state = self._h2

        def can_send() -> bool:
            return stream.reset or min(state.send_window, stream.send_window) > 0

        async for chunk in request.stream:  # type: ignore[union-attr]
            view = memoryview(chunk)
            while view:  # each pass sends one frame or waits for WINDOW_UPDATE
                if stream.reset:
                    return
                async with self._write_lock:
                    with self._thread_lock:
                        data, size = state.data_frame(stream, view)
                    if size:
                        await self._write(request, data)
                if size:
                    view = view[size:]
                else:
                    await self._read_until(request, can_send)
        if not stream.reset:
            async with self._write_lock:
                await self._write(request, state.end_stream_frame(stream))

    async def _receive_head(
        self, request: httpcore.Request, stream: H2Stream
    ) -> tuple[int, list[tuple[bytes, bytes]]]:
        while stream.head is None:  # each pass reads from the network or fails
            if stream.error is not None:
                raise stream.error
            await self._read_until(request, stream.has_head_event)
        return stream.head

    async def _read_until(self, request: httpcore.Request, ready: Callable[[], bool]) -> None:
        """Read and process once from the network, unless `ready()` already holds.

        Raises:
            the connection's failure (saved, raised to every later reader), or a new one:
            httpcore.RemoteProtocolError (a protocol error or EOF), ReadTimeout, ReadError.
        """
        async with self._read_lock:
            if ready():
                return
            if self._error is not None:
                raise self._error
            timeout = request.extensions.get("timeout", {}).get("read")
            try:
                data = await self._network_stream.read(READ_NUM_BYTES, timeout)
                if not data:
                    raise httpcore.RemoteProtocolError("Server disconnected")
                with self._thread_lock:
                    max_streams, goaway = self._h2.max_streams, self._h2.goaway
                    self._h2.receive(data)
            except H2ConnectionError as exc:
                error = httpcore.RemoteProtocolError(str(exc))
                self._fail(error)
                with AsyncShieldCancellation():
                    await self._send_goaway(request, exc)
                raise error from None
            except Exception as exc:
                self._fail(exc)
                raise
        if self._h2.outgoing:
            await self._flush(request)
        if self._h2.max_streams != max_streams or self._h2.goaway != goaway:
            self._wake_waiters()

    def _fail(self, exc: Exception) -> None:
        """The connection is broken: no new requests, and every later read raises `exc`."""
        self._error = exc
        self._wake_waiters()

    async def _send_goaway(self, request: httpcore.Request, exc: H2ConnectionError) -> None:
        """Best effort: tell the server why the connection ends (RFC 9113 §5.4.1)."""
        try:
            async with self._write_lock:
                await self._write(request, self._h2.goaway_frame(exc.code, str(exc)))
        except Exception:  # noqa: S110 - the connection is failing already
            pass

    async def _flush(self, request: httpcore.Request) -> None:
        """Write the frames `H2State` queued (acknowledgements, WINDOW_UPDATE, RST_STREAM)."""
        async with self._write_lock:
            with self._thread_lock:
                data = self._h2.take_outgoing()
            if data:
                await self._write(request, data)

    async def _write(self, request: httpcore.Request, data: bytes) -> None:
        if self._write_error is not None:
            raise self._write_error
        timeout = request.extensions.get("timeout", {}).get("write")
        try:
            await self._network_stream.write(data, timeout)
        except Exception as exc:
            self._write_error = exc
            self._wake_waiters()
            raise

    async def _finished(
        self, request: httpcore.Request, stream: H2Stream | None, *, had_slot: bool
    ) -> None:
        """A request is over (its response closed, or it failed): free its stream and slot;
        the connection goes idle, or closes if it is failing or going away."""
        with self._thread_lock:
            if stream is not None:
                self._h2.close_stream(stream)
            if had_slot:
                self._open_streams -= 1
            idle = self._open_streams == 0 and not self._h2.streams
            close = idle and not self.is_available()
            if idle and not close and self._state == ACTIVE:
                self._state = IDLE
                if self._keepalive_expiry is not None:
                    self._expire_at = time.monotonic() + self._keepalive_expiry
        self._wake_waiters()
        if close:
            await self.aclose()
        elif self._h2.outgoing and self._error is None and self._write_error is None:
            try:
                await self._flush(request)
            except Exception:  # noqa: S110 - the next read or write reports the failure
                pass

    # --- httpcore's connection interface ------------------------------------------------

    def can_handle_request(self, origin: httpcore.Origin) -> bool:
        """True for requests to this connection's origin."""
        return origin == self._origin

    def is_available(self) -> bool:
        """True while the connection can take another request."""
        return (
            self._state != CLOSED
            and self._error is None
            and self._write_error is None
            and self._h2.goaway is None
            and self._h2.next_stream_id <= MAX_STREAM_ID
        )

    def has_expired(self) -> bool:
        """True when the connection has been idle longer than `keepalive_expiry`."""
        return self._expire_at is not None and time.monotonic() > self._expire_at

    def is_idle(self) -> bool:
        """True when no request is using the connection."""
        return self._state == IDLE

    def is_closed(self) -> bool:
        """True once the connection is closed."""
        return self._state == CLOSED

    def info(self) -> str:
        """A one-line description, as httpcore's connections give."""
        return f"{str(self._origin)!r}, HTTP/2, {self._state}, Request Count: {self._request_count}"

    def __repr__(self) -> str:
        return (f"<{type(self).__name__} [{str(self._origin)!r}, {self._state}, "
                f"Request Count: {self._request_count}]>")

    async def aclose(self) -> None:
        """Close the connection at once (streams still open fail on their next read)."""
        self._state = CLOSED
        if self._error is None:
            self._error = httpcore.ReadError("The HTTP/2 connection was closed")
        self._wake_waiters()
        await self._network_stream.aclose()

    async def __aenter__(self) -> AsyncHTTP2Connection:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None = None,
        exc_value: BaseException | None = None,
        traceback: TracebackType | None = None,
    ) -> None:
        await self.aclose()


class AsyncH2ResponseStream:
    """The body of one HTTP/2 response: an async iterator of bytes, closed with `aclose`.

    Each chunk handed to the reader is given back to the server's flow-control windows (in
    batches), so a slow reader holds at most one window of data in memory.

    Raises (from iteration):
        httpcore.RemoteProtocolError: the server reset the stream, sent a body that does not
            match its Content-Length, broke the protocol, or disconnected.
        httpcore.ReadTimeout / ReadError: from the network.
    """

    def __init__(
        self, connection: AsyncHTTP2Connection, request: httpcore.Request, stream: H2Stream
    ) -> None:
        self._connection = connection
        self._request = request
        self._stream = stream
        self._closed = False
        self._trace: Trace | None = None
        kwargs = {"request": request, "stream_id": stream.stream_id}
        trace = Trace("receive_response_body", logger, request, kwargs)
        self._pending_trace = trace if trace.should_trace else None

    def __aiter__(self) -> AsyncIterator[bytes]:
        return self

    async def __anext__(self) -> bytes:
        stream, connection = self._stream, self._connection
        try:
            if self._pending_trace is not None:  # the first read starts the trace
                self._trace, self._pending_trace = self._pending_trace, None
                await self._trace.__aenter__()
            while True:  # each pass returns a chunk, ends, or reads from the network
                if stream.chunks:
                    data = stream.chunks.popleft()
                    with connection._thread_lock:
                        connection._h2.consumed(stream, len(data))
                    if connection._h2.outgoing:
                        await connection._flush(self._request)
                    return data
                if stream.error is not None:
                    raise stream.error
                if stream.ended:
                    raise StopAsyncIteration
                await connection._read_until(self._request, stream.has_body_event)
        except StopAsyncIteration:
            await self._end_trace(None)
            raise
        except BaseException as exc:
            await self._end_trace(exc)
            with AsyncShieldCancellation():
                await self.aclose()
            raise

    async def _end_trace(self, exc: BaseException | None) -> None:
        trace, self._trace = self._trace, None
        if trace is not None:
            await trace.__aexit__(type(exc) if exc else None, exc,
                                  exc.__traceback__ if exc else None)

    async def aclose(self) -> None:
        """Close the response: cancel the stream if the server is still sending."""
        if not self._closed:
            self._closed = True
            await self._end_trace(None)
            kwargs = {"stream_id": self._stream.stream_id}
            async with Trace("response_closed", logger, self._request, kwargs):
                await self._connection._finished(self._request, self._stream, had_slot=True)

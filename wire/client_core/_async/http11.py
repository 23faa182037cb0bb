"""The async HTTP/1.1 connection: httpcore's, with a lean path for untraced requests.

`_sync/http11.py` is generated from this file by `scripts/unasync.py`; the h11 helpers and
limits both share are in `_pool/_http11.py`.

Strategy (speed without new parsing rules): h11 still parses and validates every message,
exactly as in httpcore, so malformed responses fail the same way with either client. What
the lean path drops is httpcore's per-request scaffolding around h11: a `Trace` object and a
context manager per step, a lock that may wait per state change, and a chain of generators
per body (each one more frame to resume for every chunk). Together they cost about as much
as h11 itself.

Requests that want to be observed (a `trace` extension, or DEBUG logging on "httpcore.http11")
take httpcore's own path, so trace events and logs are unchanged.

Only the pool calls this class, and it never gives one connection to two requests at once;
that is why the state lock is a `StateLock` (see `_pool/_locks.py`): no lock at all for tasks,
a plain `threading.Lock` for threads.
"""

from __future__ import annotations

from typing import Any

import h11
import httpcore
from httpcore._async.http11 import AsyncHTTP11UpgradeStream, HTTPConnectionState
from httpcore._synchronization import AsyncShieldCancellation

from .._pool._http11 import (
    END_EVENTS,
    MAX_INTERIM_RESPONSES,
    head_fields,
    is_final_head,
    new_h11_state,
    remote_error,
    too_many_interim_responses,
    wants_trace,
)
from .._pool._locks import AsyncStateLock

__all__ = ["AsyncHTTP11"]

_REUSABLE = (HTTPConnectionState.NEW, HTTPConnectionState.IDLE)


class AsyncHTTP11(httpcore.AsyncHTTP11Connection):
    """`httpcore.AsyncHTTP11Connection` with the lean path for untraced requests, wire's limits
    on a response head (`_pool/_http11.py`) and its reuse rule (see `_response_closed`).

    Args as `httpcore.AsyncHTTP11Connection`: origin, stream, keepalive_expiry (float seconds
    an idle connection stays reusable; None: no limit).
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._state_lock = AsyncStateLock()  # type: ignore[assignment]
        self._h11_state = new_h11_state()

    async def handle_async_request(self, request: httpcore.Request) -> httpcore.Response:
        """Send `request` and return the response with its body unread.

        Raises:
            httpcore.ConnectionNotAvailable: when the connection is busy or closed.
            httpcore.LocalProtocolError / RemoteProtocolError: for invalid messages.
            httpcore.ReadTimeout, WriteError...: from the network stream.
        """
        if wants_trace(request, "httpcore.http11"):
            return await super().handle_async_request(request)
        async with self._state_lock:
            if self._state not in _REUSABLE:
                raise httpcore.ConnectionNotAvailable()
            self._request_count += 1
            self._state = HTTPConnectionState.ACTIVE
            self._expire_at = None
        timeouts = request.extensions.get("timeout", {})
        try:
            try:
                await self._send(request, timeouts.get("write"))
            except httpcore.WriteError:
                # The server may have answered and closed early (e.g. 413): read that answer.
                pass
            return await self._receive_head(request, timeouts.get("read"))
        except BaseException:
            with AsyncShieldCancellation():
                await self._response_closed()
            raise

    async def _send(self, request: httpcore.Request, timeout: float | None) -> None:
        state = self._h11_state
        write = self._network_stream.write
        try:
            head = state.send(h11.Request(
                method=request.method, target=request.url.target, headers=request.headers
            ))
            if head:
                await write(head, timeout)
            async for chunk in request.stream:  # type: ignore[union-attr]
                data = state.send(h11.Data(data=chunk))
                if data:
                    await write(data, timeout)
            end = state.send(h11.EndOfMessage())
        except h11.LocalProtocolError as exc:
            raise httpcore.LocalProtocolError(str(exc)) from exc
        if end:
            await write(end, timeout)

    async def _receive_event(self, timeout: float | None = None) -> Any:
        """The next h11 event, reading from the network as needed (both paths use this)."""
        state = self._h11_state
        while True:  # ends with an event; each pass reads from the network or fails
            try:
                event = state.next_event()
            except h11.RemoteProtocolError as exc:
                raise remote_error(exc) from exc
            if event is not h11.NEED_DATA:
                return event
            data = await self._network_stream.read(self.READ_NUM_BYTES, timeout)
            if data == b"" and state.their_state == h11.SEND_RESPONSE:
                raise httpcore.RemoteProtocolError(
                    "Server disconnected without sending a response."
                )
            state.receive_data(data)

    async def _receive_response_headers(self, request: httpcore.Request) -> Any:
        """(http_version, status, reason, headers, trailing data) of the final response head.

        Interim (1xx) responses are skipped, at most MAX_INTERIM_RESPONSES of them.
        """
        timeout = request.extensions.get("timeout", {}).get("read")
        for _ in range(MAX_INTERIM_RESPONSES + 1):
            event = await self._receive_event(timeout)
            if is_final_head(event):
                return head_fields(event, self._h11_state)
        raise too_many_interim_responses()

    async def _receive_head(
        self, request: httpcore.Request, timeout: float | None
    ) -> httpcore.Response:
        version, status, reason, headers, trailing = await self._receive_response_headers(
            request
        )
        network_stream = self._network_stream
        if status == 101 or (request.method == b"CONNECT" and 200 <= status < 300):
            network_stream = AsyncHTTP11UpgradeStream(network_stream, trailing)
        return httpcore.Response(
            status=status,
            headers=headers,
            content=_Body(self, timeout),
            extensions={
                "http_version": version,
                "reason_phrase": reason,
                "network_stream": network_stream,
            },
        )

    async def _response_closed(self) -> None:
        await super()._response_closed()
        if self._state == HTTPConnectionState.IDLE and self._h11_state.trailing_data[0]:
            # Bytes after the end of the response (a 204 "with a body", or junk): they are
            # not the next response (RFC 9112 §6.3), so the connection is not reused.
            await self.aclose()


class _Body:
    """The response body: an iterator object (not a generator), so closing it is plain."""

    def __init__(self, connection: AsyncHTTP11, timeout: float | None) -> None:
        self._connection = connection
        self._timeout = timeout
        self._done = False
        self._closed = False

    def __aiter__(self) -> _Body:
        return self

    async def __anext__(self) -> bytes:
        if self._done:
            raise StopAsyncIteration
        try:
            while True:  # skips events that carry no data; ends at the end of the message
                event = await self._connection._receive_event(self._timeout)
                if isinstance(event, h11.Data):
                    return bytes(event.data)
                if isinstance(event, END_EVENTS) or event is h11.PAUSED:
                    self._done = True
                    raise StopAsyncIteration
        except StopAsyncIteration:
            raise
        except BaseException:
            self._done = True
            with AsyncShieldCancellation():
                await self.aclose()
            raise

    async def aclose(self) -> None:
        """Stop reading; the connection goes back to its pool (or closes) as httpcore's would."""
        self._done = True
        if not self._closed:
            self._closed = True
            await self._connection._response_closed()

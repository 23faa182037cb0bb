"""The async HTTP/1.1 connection: httpcore's, with a lean path for untraced requests.

Strategy (speed without new parsing rules): h11 still parses and validates every message,
exactly as in httpcore, so malformed responses fail the same way in `Client` and
`AsyncClient`. What the lean path drops is httpcore's per-request scaffolding around h11: a
`Trace` object and a context manager per step, an async lock per state change, and a chain of
async generators per body (each one more frame to resume for every chunk). Together they cost
about as much as h11 itself.

Requests that want to be observed (a `trace` extension, or DEBUG logging on "httpcore.http11")
take httpcore's own path, so trace events and logs are unchanged.

Only the pool calls this class, and it never gives one connection to two requests at once;
that is why the state lock can be a no-op.
"""

from __future__ import annotations

import logging
from typing import Any

import h11
import httpcore
from httpcore._async.http11 import AsyncHTTP11UpgradeStream, HTTPConnectionState
from httpcore._synchronization import AsyncShieldCancellation

__all__ = ["AsyncHTTP11"]

_logger = logging.getLogger("httpcore.http11")
_REUSABLE = (HTTPConnectionState.NEW, HTTPConnectionState.IDLE)


class _NoLock:
    """An async lock that never waits (see the module docstring)."""

    async def __aenter__(self) -> None:
        return None

    async def __aexit__(self, *args: object) -> None:
        return None


def _remote_error(exc: h11.RemoteProtocolError) -> httpcore.RemoteProtocolError:
    return httpcore.RemoteProtocolError(str(exc))


class AsyncHTTP11(httpcore.AsyncHTTP11Connection):
    """`httpcore.AsyncHTTP11Connection` with the lean path for untraced requests."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._state_lock = _NoLock()  # type: ignore[assignment]

    async def handle_async_request(self, request: httpcore.Request) -> httpcore.Response:
        """Send `request` and return the response with its body unread.

        Raises:
            httpcore.ConnectionNotAvailable: when the connection is busy or closed.
            httpcore.LocalProtocolError / RemoteProtocolError: for invalid messages.
            httpcore.ReadTimeout, WriteError...: from the network stream.
        """
        if request.extensions.get("trace") is not None or _logger.isEnabledFor(logging.DEBUG):
            return await super().handle_async_request(request)
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
        try:
            head = state.send(h11.Request(
                method=request.method, target=request.url.target, headers=request.headers
            ))
        except h11.LocalProtocolError as exc:
            raise httpcore.LocalProtocolError(str(exc)) from exc
        stream = self._network_stream
        if head:
            await stream.write(head, timeout)
        async for chunk in request.stream:  # type: ignore[union-attr]
            try:
                data = state.send(h11.Data(data=chunk))
            except h11.LocalProtocolError as exc:
                raise httpcore.LocalProtocolError(str(exc)) from exc
            if data:
                await stream.write(data, timeout)
        try:
            end = state.send(h11.EndOfMessage())
        except h11.LocalProtocolError as exc:
            raise httpcore.LocalProtocolError(str(exc)) from exc
        if end:
            await stream.write(end, timeout)

    async def _next_event(self, timeout: float | None) -> Any:
        state = self._h11_state
        while True:  # ends with an event; each pass reads from the network or fails
            try:
                event = state.next_event()
            except h11.RemoteProtocolError as exc:
                raise _remote_error(exc) from exc
            if event is not h11.NEED_DATA:
                return event
            data = await self._network_stream.read(self.READ_NUM_BYTES, timeout)
            if data == b"" and state.their_state == h11.SEND_RESPONSE:
                raise httpcore.RemoteProtocolError(
                    "Server disconnected without sending a response."
                )
            state.receive_data(data)

    async def _receive_head(
        self, request: httpcore.Request, timeout: float | None
    ) -> httpcore.Response:
        while True:  # informational (1xx) responses are skipped, as in httpcore
            event = await self._next_event(timeout)
            if isinstance(event, h11.Response):
                break
            if isinstance(event, h11.InformationalResponse) and event.status_code == 101:
                break
        network_stream = self._network_stream
        if event.status_code == 101 or (
            request.method == b"CONNECT" and 200 <= event.status_code < 300
        ):
            trailing_data, _ = self._h11_state.trailing_data
            network_stream = AsyncHTTP11UpgradeStream(network_stream, trailing_data)
        return httpcore.Response(
            status=event.status_code,
            headers=event.headers.raw_items(),
            content=_Body(self, timeout),
            extensions={
                "http_version": b"HTTP/" + event.http_version,
                "reason_phrase": event.reason,
                "network_stream": network_stream,
            },
        )


class _Body:
    """The response body: an async iterator (not a generator) that closes cleanly."""

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
                event = await self._connection._next_event(self._timeout)
                if isinstance(event, h11.Data):
                    return bytes(event.data)
                if isinstance(event, (h11.EndOfMessage, h11.ConnectionClosed)) or event is h11.PAUSED:
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
        if not self._closed:
            self._closed = True
            await self._connection._response_closed()

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
from httpcore._sync.http11 import HTTP11UpgradeStream
from httpcore._sync.http11 import HTTPConnectionState as SyncState
from httpcore._synchronization import AsyncShieldCancellation

__all__ = ["HTTP11", "AsyncHTTP11", "wants_trace"]

_REUSABLE = (HTTPConnectionState.NEW, HTTPConnectionState.IDLE)
_SYNC_REUSABLE = (SyncState.NEW, SyncState.IDLE)
_END_EVENTS = (h11.EndOfMessage, h11.ConnectionClosed)


class _NoLock:
    """An async lock that never waits (see the module docstring)."""

    async def __aenter__(self) -> None:
        return None

    async def __aexit__(self, *args: object) -> None:
        return None


#: The most interim (1xx) responses skipped before the final one (RFC 9110 §15.2 sets no
#: limit; a server sending thousands is hostile, and each arrives too fast for a timeout).
MAX_INTERIM_RESPONSES = 50
#: The most header fields in a response head.
MAX_HEADER_FIELDS = 500
#: The most bytes in a response head (status line and header fields); h11 refuses more.
MAX_HEAD_BYTES = 64 * 1024


def _remote_error(exc: h11.RemoteProtocolError) -> httpcore.RemoteProtocolError:
    message = str(exc)
    if "too long" in message.lower():
        message = f"Response header block too large (over {MAX_HEAD_BYTES // 1024} KiB)"
    return httpcore.RemoteProtocolError(message)


def new_h11_state() -> h11.Connection:
    """A client h11 state machine with our limit on the size of a response head."""
    return h11.Connection(our_role=h11.CLIENT, max_incomplete_event_size=MAX_HEAD_BYTES)


def is_final_head(event: Any) -> bool:
    """True for the response head that ends the interim ones (a final response or a 101)."""
    return isinstance(event, h11.Response) or (
        isinstance(event, h11.InformationalResponse) and event.status_code == 101
    )


def head_fields(event: Any, state: h11.Connection) -> tuple[bytes, int, bytes, Any, bytes]:
    """Check a final head and return httpcore's tuple for it.

    Raises:
        httpcore.RemoteProtocolError: for an HTTP version other than 1.0 / 1.1 (RFC 9112
            §2.3: this parser speaks 1.x only), more than MAX_HEADER_FIELDS fields, or a
            head over MAX_HEAD_BYTES.
    """
    if event.http_version not in (b"1.0", b"1.1"):
        raise httpcore.RemoteProtocolError(
            f"Unsupported HTTP version in the response: HTTP/{event.http_version.decode()}"
        )
    headers = event.headers.raw_items()
    if len(headers) > MAX_HEADER_FIELDS:
        raise httpcore.RemoteProtocolError(
            f"Too many response header fields ({len(headers)}; at most {MAX_HEADER_FIELDS})"
        )
    # h11 enforces the size only while a head is incomplete; one that arrived whole is
    # measured here ("name: value\r\n" per field).
    size = len(event.reason) + sum(len(name) + len(value) + 4 for name, value in headers)
    if size > MAX_HEAD_BYTES:
        raise httpcore.RemoteProtocolError(
            f"Response header block too large (over {MAX_HEAD_BYTES // 1024} KiB)"
        )
    trailing, _ = state.trailing_data
    return b"HTTP/" + event.http_version, event.status_code, event.reason, headers, trailing


def too_many_interim_responses() -> httpcore.RemoteProtocolError:
    return httpcore.RemoteProtocolError(
        f"More than {MAX_INTERIM_RESPONSES} interim (1xx) responses before the final one"
    )


class AsyncHTTP11(httpcore.AsyncHTTP11Connection):
    """`httpcore.AsyncHTTP11Connection` with the lean path for untraced requests."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._state_lock = _NoLock()  # type: ignore[assignment]
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

    async def _receive_event(self, timeout: float | None = None) -> Any:
        """The next h11 event, reading from the network as needed (both paths use this)."""
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
                event = await self._connection._receive_event(self._timeout)
                if isinstance(event, h11.Data):
                    return bytes(event.data)
                if isinstance(event, _END_EVENTS) or event is h11.PAUSED:
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
        self._done = True
        if not self._closed:
            self._closed = True
            await self._connection._response_closed()


_LOGGERS = {"httpcore.http11": logging.getLogger("httpcore.http11")}


def wants_trace(request: httpcore.Request, logger_name: str) -> bool:
    """True when the request is observed: a `trace` extension, or DEBUG logging.

    Args:
        request: the httpcore request.
        logger_name: "httpcore.http11", the logger httpcore would use.
    """
    return request.extensions.get("trace") is not None or _LOGGERS[logger_name].isEnabledFor(
        logging.DEBUG
    )


class HTTP11(httpcore.HTTP11Connection):
    """`httpcore.HTTP11Connection` (sync) with the lean path, limits and reuse rule of
    `AsyncHTTP11` (see the module docstring)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._h11_state = new_h11_state()

    def handle_request(self, request: httpcore.Request) -> httpcore.Response:
        """Send `request` and return the response with its body unread.

        Raises:
            httpcore.ConnectionNotAvailable: when the connection is busy or closed.
            httpcore.LocalProtocolError / RemoteProtocolError: for invalid messages.
            httpcore.ReadTimeout, WriteError...: from the network stream.
        """
        if wants_trace(request, "httpcore.http11"):
            return super().handle_request(request)
        with self._state_lock:
            if self._state not in _SYNC_REUSABLE:
                raise httpcore.ConnectionNotAvailable()
            self._request_count += 1
            self._state = SyncState.ACTIVE
            self._expire_at = None
        timeouts = request.extensions.get("timeout", {})
        try:
            try:
                self._send(request, timeouts.get("write"))
            except httpcore.WriteError:
                # The server may have answered and closed early (e.g. 413): read that answer.
                pass
            return self._receive_head(request, timeouts.get("read"))
        except BaseException:
            self._response_closed()
            raise

    def _send(self, request: httpcore.Request, timeout: float | None) -> None:
        state = self._h11_state
        write = self._network_stream.write
        try:
            head = state.send(h11.Request(
                method=request.method, target=request.url.target, headers=request.headers
            ))
            if head:
                write(head, timeout)
            for chunk in request.stream:  # type: ignore[union-attr]
                data = state.send(h11.Data(data=chunk))
                if data:
                    write(data, timeout)
            end = state.send(h11.EndOfMessage())
        except h11.LocalProtocolError as exc:
            raise httpcore.LocalProtocolError(str(exc)) from exc
        if end:
            write(end, timeout)

    def _receive_event(self, timeout: float | None = None) -> Any:
        """The next h11 event, reading from the network as needed (both paths use this)."""
        state = self._h11_state
        while True:  # ends with an event; each pass reads from the network or fails
            try:
                event = state.next_event()
            except h11.RemoteProtocolError as exc:
                raise _remote_error(exc) from exc
            if event is not h11.NEED_DATA:
                return event
            data = self._network_stream.read(self.READ_NUM_BYTES, timeout)
            if data == b"" and state.their_state == h11.SEND_RESPONSE:
                raise httpcore.RemoteProtocolError(
                    "Server disconnected without sending a response."
                )
            state.receive_data(data)

    def _receive_response_headers(self, request: httpcore.Request) -> Any:
        timeout = request.extensions.get("timeout", {}).get("read")
        for _ in range(MAX_INTERIM_RESPONSES + 1):
            event = self._receive_event(timeout)
            if is_final_head(event):
                return head_fields(event, self._h11_state)
        raise too_many_interim_responses()

    def _receive_head(self, request: httpcore.Request, timeout: float | None) -> httpcore.Response:
        version, status, reason, headers, trailing = self._receive_response_headers(request)
        network_stream = self._network_stream
        if status == 101 or (request.method == b"CONNECT" and 200 <= status < 300):
            network_stream = HTTP11UpgradeStream(network_stream, trailing)
        return httpcore.Response(
            status=status,
            headers=headers,
            content=_SyncBody(self, timeout),
            extensions={
                "http_version": version,
                "reason_phrase": reason,
                "network_stream": network_stream,
            },
        )

    def _response_closed(self) -> None:
        super()._response_closed()
        if self._state == SyncState.IDLE and self._h11_state.trailing_data[0]:
            self.close()  # see AsyncHTTP11._response_closed


class _SyncBody:
    """The sync response body: an iterator (not a generator) that closes cleanly."""

    def __init__(self, connection: HTTP11, timeout: float | None) -> None:
        self._connection = connection
        self._timeout = timeout
        self._done = False
        self._closed = False

    def __iter__(self) -> _SyncBody:
        return self

    def __next__(self) -> bytes:
        if self._done:
            raise StopIteration
        try:
            while True:  # skips events that carry no data; ends at the end of the message
                event = self._connection._receive_event(self._timeout)
                if isinstance(event, h11.Data):
                    return bytes(event.data)
                if isinstance(event, _END_EVENTS) or event is h11.PAUSED:
                    self._done = True
                    raise StopIteration
        except StopIteration:
            raise
        except BaseException:
            self._done = True
            self.close()
            raise

    def close(self) -> None:
        self._done = True
        if not self._closed:
            self._closed = True
            self._connection._response_closed()

"""The client side of HTTP/2 (RFC 9113) without I/O: frames in, stream events and frames out.

`H2State` parses what the server sends, files it under the streams it belongs to and queues
the frames the client owes (SETTINGS and PING acknowledgements, WINDOW_UPDATE, RST_STREAM,
GOAWAY). The connection classes (`_async/http2.py` and the generated `_sync/http2.py`) add the
reading, writing, locking and waiting. Header compression is the `hpack` library's (RFC 7541).

Why our own framing rather than the `h2` library: a download is a long run of DATA frames, and
h2 handles each one in about 23 µs of Python (about 15 µs of which go into formatting the
frame for a trace log that is off), which caps a single stream near 700 MB/s before any
network I/O. DATA frames carry nothing but bytes, an END_STREAM flag and flow control, so
`receive` handles the common one (an open stream, no padding) inline in about 2 µs; every
other frame takes the general path, `_frame`.

Errors follow RFC 9113 §5.4: a connection error raises `H2ConnectionError` (the caller sends
the queued GOAWAY and closes the connection); a stream error sets `stream.error` and queues
RST_STREAM, and the connection carries on.

Limits beyond the RFC, the same as wire's HTTP/1.1 ones: a response header list decodes to at
most 64 KiB (also advertised in SETTINGS_MAX_HEADER_LIST_SIZE), at most 500 fields, and at
most 50 interim (1xx) responses per request.
"""

from __future__ import annotations

import struct
from collections import deque
from typing import Any

import hpack
import httpcore

__all__ = [
    "WINDOW_INCREMENT",
    "H2ConnectionError",
    "H2State",
    "H2Stream",
    "frame",
]

PREFACE = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"

# Frame types (RFC 9113 §6) and flags.
DATA, HEADERS, PRIORITY, RST_STREAM, SETTINGS, PUSH_PROMISE = 0, 1, 2, 3, 4, 5
PING, GOAWAY, WINDOW_UPDATE, CONTINUATION = 6, 7, 8, 9
END_STREAM = ACK = 0x1
END_HEADERS, PADDED, PRIORITY_FLAG = 0x4, 0x8, 0x20

# Error codes (RFC 9113 §7).
NO_ERROR, PROTOCOL_ERROR, INTERNAL_ERROR, FLOW_CONTROL_ERROR = 0x0, 0x1, 0x2, 0x3
STREAM_CLOSED, FRAME_SIZE_ERROR, CANCEL, COMPRESSION_ERROR = 0x5, 0x6, 0x8, 0x9
ERROR_NAMES = {
    0x0: "NO_ERROR", 0x1: "PROTOCOL_ERROR", 0x2: "INTERNAL_ERROR", 0x3: "FLOW_CONTROL_ERROR",
    0x4: "SETTINGS_TIMEOUT", 0x5: "STREAM_CLOSED", 0x6: "FRAME_SIZE_ERROR",
    0x7: "REFUSED_STREAM", 0x8: "CANCEL", 0x9: "COMPRESSION_ERROR", 0xA: "CONNECT_ERROR",
    0xB: "ENHANCE_YOUR_CALM", 0xC: "INADEQUATE_SECURITY", 0xD: "HTTP_1_1_REQUIRED",
}

# Settings (RFC 9113 §6.5.2).
HEADER_TABLE_SIZE, ENABLE_PUSH, MAX_CONCURRENT_STREAMS = 0x1, 0x2, 0x3
INITIAL_WINDOW_SIZE, MAX_FRAME_SIZE, MAX_HEADER_LIST_SIZE = 0x4, 0x5, 0x6

DEFAULT_WINDOW = 65_535
MAX_WINDOW = 2**31 - 1
DEFAULT_FRAME_SIZE = 16_384
MAX_STREAM_ID = 2**31 - 1
#: How far the client opens each stream's window beyond the default, in bytes, with its
#: request, so downloads are not throttled by round trips.
WINDOW_INCREMENT = 16 * 1024 * 1024
#: How far it opens the connection's window at start-up: twice a stream's, so one stream
#: whose reader has stopped reading cannot take all of it from the others.
CONNECTION_WINDOW_INCREMENT = 2 * WINDOW_INCREMENT
#: Consumed bytes are given back (WINDOW_UPDATE) in batches of this many.
WINDOW_UPDATE_BATCH = 1024 * 1024
#: The most concurrent streams the client opens (also SETTINGS_MAX_CONCURRENT_STREAMS).
LOCAL_MAX_STREAMS = 100
#: The largest decoded response header list, in bytes as RFC 9113 §6.5.2 counts them.
MAX_HEADER_LIST = 64 * 1024
MAX_HEADER_FIELDS = 500
MAX_INTERIM_RESPONSES = 50
#: The largest compressed header block (HEADERS plus CONTINUATION frames) collected.
MAX_HEADER_BLOCK = MAX_HEADER_LIST + DEFAULT_FRAME_SIZE

_HEADER = struct.Struct(">HBBBL")  # 24-bit length as 16 + 8 bits, type, flags, stream id
_SETTING = struct.Struct(">HL")
_U32 = struct.Struct(">L")
_U32X2 = struct.Struct(">LL")
#: Hop-by-hop fields a request must not carry over HTTP/2 (RFC 9113 §8.2.2).
_CONNECTION_FIELDS = frozenset(
    (b"connection", b"host", b"keep-alive", b"proxy-connection", b"transfer-encoding", b"upgrade")
)
_NO_CONTENT_STATUS = frozenset((204, 304))
_UNLIMITED = 1 << 62


def frame(ftype: int, flags: int, stream_id: int, payload: bytes = b"") -> bytes:
    """One serialized frame: the 9-byte header (RFC 9113 §4.1) and its payload."""
    n = len(payload)
    return _HEADER.pack(n >> 8, n & 0xFF, ftype, flags, stream_id) + payload


class H2ConnectionError(Exception):
    """A connection error (RFC 9113 §5.4.1): the connection must end with GOAWAY(code)."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = code


class H2Stream:
    """One request/response exchange on the connection.

    Attributes:
        stream_id: the stream identifier (odd: client-initiated).
        head: (status, header fields as (name, value) bytes pairs) once the final response
            head has arrived, else None.
        chunks: body bytes received and not yet taken by the reader.
        ended: the server has ended the stream (END_STREAM).
        error: the exception the reader gets (a stream error, a reset by the server, or
            httpcore.ConnectionNotAvailable when a GOAWAY says the request was not processed).
        send_window: bytes the client may still send on this stream (flow control).
    """

    __slots__ = (
        "chunks", "ended", "error", "expected", "head", "interim", "is_head", "limit",
        "received", "recv_window", "reset", "send_window", "stream_id", "unacked",
    )

    def __init__(self, stream_id: int, send_window: int, is_head: bool) -> None:
        self.stream_id = stream_id
        self.head: tuple[int, list[tuple[bytes, bytes]]] | None = None
        self.chunks: deque[bytes] = deque()
        self.ended = False
        self.error: Exception | None = None
        self.reset = False  # a RST_STREAM went one way or the other: no more frames for it
        self.send_window = send_window
        self.recv_window = DEFAULT_WINDOW + WINDOW_INCREMENT
        self.unacked = 0
        self.received = 0
        self.expected: int | None = None
        self.limit = _UNLIMITED  # Content-Length if known: more body bytes is an error
        self.interim = 0
        self.is_head = is_head

    def has_body_event(self) -> bool:
        """True when the reader has something to take: bytes, the end, or an error."""
        return bool(self.chunks) or self.ended or self.error is not None

    def has_head_event(self) -> bool:
        """True when the response head (or an error, or the end) is there."""
        return self.head is not None or self.error is not None or self.ended


class H2State:
    """The connection's protocol state (see the module docstring).

    Attributes:
        streams: the live streams by identifier.
        outgoing: frames the client owes the server, to be written soon.
        max_streams: how many streams the client may have open at once: 1 until the server's
            first SETTINGS arrive, then its SETTINGS_MAX_CONCURRENT_STREAMS (at most 100).
        goaway: (last stream id, error code) once the server sent GOAWAY, else None.
        send_window / recv_window: the connection's flow-control windows, in bytes.
    """

    def __init__(self) -> None:
        self.streams: dict[int, H2Stream] = {}
        self.next_stream_id = 1
        self.outgoing: list[bytes] = []
        self.encoder = hpack.Encoder()
        self.decoder = hpack.Decoder()
        self.decoder.max_header_list_size = MAX_HEADER_LIST
        self.recv_window = DEFAULT_WINDOW
        self.unacked = 0  # connection-level bytes consumed and not yet given back
        self.send_window = DEFAULT_WINDOW
        self.peer_initial_window = DEFAULT_WINDOW
        self.peer_max_frame = DEFAULT_FRAME_SIZE
        #: Streams the client may have open at once: 1 until the server's SETTINGS arrive.
        self.max_streams = 1
        self.settings_received = False
        self.goaway: tuple[int, int] | None = None  # (last stream id, error code)
        self._buffer = b""
        self._block: bytearray | None = None  # a header block awaiting CONTINUATION
        self._block_stream = 0
        self._block_end_stream = False

    # --- what the client sends ------------------------------------------------------------

    def preface(self) -> bytes:
        """The connection preface: magic, SETTINGS, and the wider connection window."""
        settings = b"".join(_SETTING.pack(ident, value) for ident, value in (
            (ENABLE_PUSH, 0),
            (MAX_CONCURRENT_STREAMS, LOCAL_MAX_STREAMS),
            (MAX_HEADER_LIST_SIZE, MAX_HEADER_LIST),
        ))
        self.recv_window += CONNECTION_WINDOW_INCREMENT
        return (PREFACE + frame(SETTINGS, 0, 0, settings)
                + frame(WINDOW_UPDATE, 0, 0, _U32.pack(CONNECTION_WINDOW_INCREMENT)))

    def open_stream(self, request: httpcore.Request, end_stream: bool) -> tuple[H2Stream, bytes]:
        """A new stream for `request` and the frames that start it (HEADERS, CONTINUATION,
        WINDOW_UPDATE). Call with the write lock held: streams must start in id order and
        HPACK's state follows the order of the frames on the wire (RFC 7541 §2.2).

        Raises:
            httpcore.ConnectionNotAvailable: no stream identifiers are left (RFC 9113 §5.1.1).
            httpcore.LocalProtocolError: the request has no Host header.
        """
        stream_id = self.next_stream_id
        if stream_id > MAX_STREAM_ID:
            raise httpcore.ConnectionNotAvailable()
        block = self.encoder.encode(request_fields(request))
        self.next_stream_id += 2
        stream = H2Stream(stream_id, self.peer_initial_window, request.method == b"HEAD")
        self.streams[stream_id] = stream
        size = self.peer_max_frame
        flags = END_STREAM if end_stream else 0
        if len(block) <= size:
            frames = [frame(HEADERS, flags | END_HEADERS, stream_id, block)]
        else:  # RFC 9113 §6.10: the rest of the block goes in CONTINUATION frames
            parts = [block[i:i + size] for i in range(0, len(block), size)]
            frames = [frame(HEADERS, flags, stream_id, parts[0])]
            frames += [frame(CONTINUATION, 0, stream_id, part) for part in parts[1:-1]]
            frames.append(frame(CONTINUATION, END_HEADERS, stream_id, parts[-1]))
        frames.append(frame(WINDOW_UPDATE, 0, stream_id, _U32.pack(WINDOW_INCREMENT)))
        return stream, b"".join(frames)

    def data_frame(self, stream: H2Stream, data: memoryview) -> tuple[bytes, int]:
        """The next DATA frame of a request body, within both send windows and the server's
        frame size; (b"", 0) when a window is closed (wait for WINDOW_UPDATE).

        Returns:
            (the frame, how many bytes of `data` it carries).
        """
        size = min(len(data), self.send_window, stream.send_window, self.peer_max_frame)
        if size <= 0:
            return b"", 0
        self.send_window -= size
        stream.send_window -= size
        return frame(DATA, 0, stream.stream_id, data[:size].tobytes()), size

    def end_stream_frame(self, stream: H2Stream) -> bytes:
        """An empty DATA frame with END_STREAM: the request body is complete."""
        return frame(DATA, END_STREAM, stream.stream_id)

    def consumed(self, stream: H2Stream, size: int) -> None:
        """The reader took `size` body bytes: give them back to the server in batches."""
        stream.unacked += size
        self.unacked += size
        if stream.unacked >= WINDOW_UPDATE_BATCH and not (stream.ended or stream.reset):
            self._open_window(stream, stream.unacked)
            stream.unacked = 0
        if self.unacked >= WINDOW_UPDATE_BATCH or self.recv_window < WINDOW_UPDATE_BATCH:
            self._give_back()

    def close_stream(self, stream: H2Stream) -> None:
        """The response is closed: forget the stream, cancel it if the server is still
        sending (RFC 9113 §8.1), and give back the connection window its unread bytes hold."""
        if self.streams.pop(stream.stream_id, None) is None:
            return
        if not (stream.ended or stream.reset):
            stream.reset = True
            self.outgoing.append(frame(RST_STREAM, 0, stream.stream_id, _U32.pack(CANCEL)))
        self.consumed_unknown(sum(map(len, stream.chunks)))
        stream.chunks.clear()

    def goaway_frame(self, code: int, message: str = "") -> bytes:
        """GOAWAY naming the last stream the server started (none: client-only) and `code`."""
        return frame(GOAWAY, 0, 0, _U32X2.pack(0, code) + message.encode("utf-8", "replace"))

    def take_outgoing(self) -> bytes:
        """The queued frames, as one buffer, emptying the queue."""
        data = b"".join(self.outgoing)
        self.outgoing.clear()
        return data

    def _open_window(self, stream: H2Stream | None, size: int) -> None:
        if stream is None:
            self.recv_window += size
            self.outgoing.append(frame(WINDOW_UPDATE, 0, 0, _U32.pack(size)))
        else:
            stream.recv_window += size
            self.outgoing.append(frame(WINDOW_UPDATE, 0, stream.stream_id, _U32.pack(size)))

    # --- what the server sends ------------------------------------------------------------

    def receive(self, data: bytes) -> None:
        """Process `data` from the network: every complete frame in it, in order.

        Raises:
            H2ConnectionError: the server broke the protocol; the connection must end.
        """
        if self._buffer:
            data = self._buffer + data
        end = len(data)
        pos = 0
        unpack = _HEADER.unpack_from
        streams = self.streams
        while end - pos >= 9:
            high, low, ftype, flags, stream_id = unpack(data, pos)
            length = (high << 8) | low
            if length > DEFAULT_FRAME_SIZE:  # the client never raises SETTINGS_MAX_FRAME_SIZE
                raise H2ConnectionError(FRAME_SIZE_ERROR, f"Frame of {length} bytes received "
                                      f"(at most {DEFAULT_FRAME_SIZE})")
            start = pos + 9
            stop = start + length
            if stop > end:
                break
            pos = stop
            stream_id &= MAX_STREAM_ID
            if ftype == DATA and not flags & PADDED and self._block is None:
                # The common case, inline: DATA on a stream whose head has arrived.
                stream = streams.get(stream_id)
                if (stream is not None and stream.head is not None and not stream.ended
                        and not stream.reset and length <= self.recv_window
                        and length <= stream.recv_window):
                    self.recv_window -= length
                    stream.recv_window -= length
                    if length:
                        stream.received += length
                        stream.chunks.append(data[start:stop])
                        if stream.received > stream.limit:
                            self._stream_error(stream, PROTOCOL_ERROR, _length_message(stream))
                    if flags & END_STREAM:
                        self._end_stream(stream)
                    continue
            self._frame(ftype, flags, stream_id, data[start:stop])
        self._buffer = data[pos:] if pos else data

    def _frame(self, ftype: int, flags: int, stream_id: int, payload: bytes) -> None:
        """Any frame but the common DATA one (see `receive`)."""
        if self._block is not None and ftype != CONTINUATION:
            raise H2ConnectionError(PROTOCOL_ERROR, "Expected a CONTINUATION frame")
        if ftype in (DATA, HEADERS, RST_STREAM, PUSH_PROMISE, PRIORITY, CONTINUATION):
            if stream_id == 0:
                raise H2ConnectionError(PROTOCOL_ERROR, f"Frame of type {ftype} on stream 0")
        elif ftype in (SETTINGS, PING, GOAWAY) and stream_id != 0:
            raise H2ConnectionError(PROTOCOL_ERROR, f"Frame of type {ftype} on a stream")
        if ftype == DATA:
            self._data(flags, stream_id, payload)
        elif ftype == HEADERS:
            self._headers(flags, stream_id, payload)
        elif ftype == CONTINUATION:
            self._continuation(flags, stream_id, payload)
        elif ftype == RST_STREAM:
            if len(payload) != 4:
                raise H2ConnectionError(FRAME_SIZE_ERROR, "RST_STREAM frame of the wrong size")
            self._rst_stream(stream_id, _U32.unpack(payload)[0])
        elif ftype == SETTINGS:
            self._settings(flags, payload)
        elif ftype == PING:
            if len(payload) != 8:
                raise H2ConnectionError(FRAME_SIZE_ERROR, "PING frame of the wrong size")
            if not flags & ACK:
                self.outgoing.append(frame(PING, ACK, 0, payload))
        elif ftype == GOAWAY:
            if len(payload) < 8:
                raise H2ConnectionError(FRAME_SIZE_ERROR, "GOAWAY frame too short")
            last, code = _U32X2.unpack_from(payload)
            self._goaway(last & MAX_STREAM_ID, code)
        elif ftype == WINDOW_UPDATE:
            if len(payload) != 4:
                raise H2ConnectionError(FRAME_SIZE_ERROR, "WINDOW_UPDATE frame of the wrong size")
            self._window_update(stream_id, _U32.unpack(payload)[0] & MAX_WINDOW)
        elif ftype == PUSH_PROMISE:  # RFC 9113 §8.4: the client's SETTINGS disabled push
            raise H2ConnectionError(PROTOCOL_ERROR, "PUSH_PROMISE received although push is off")
        elif ftype == PRIORITY and len(payload) != 5:
            raise H2ConnectionError(FRAME_SIZE_ERROR, "PRIORITY frame of the wrong size")
        # PRIORITY is advisory; unknown frame types are ignored (RFC 9113 §5.5).

    def _known_stream(self, stream_id: int) -> H2Stream | None:
        """The live stream `stream_id`, None for one that is over.

        Raises:
            H2ConnectionError: for a stream the client never opened (RFC 9113 §5.1, "idle").
        """
        stream = self.streams.get(stream_id)
        if stream is None and (stream_id % 2 == 0 or stream_id >= self.next_stream_id):
            raise H2ConnectionError(PROTOCOL_ERROR, f"Frame on idle stream {stream_id}")
        return stream

    def _data(self, flags: int, stream_id: int, payload: bytes) -> None:
        size = len(payload)  # flow control counts the padding too (RFC 9113 §6.1)
        if size > self.recv_window:
            raise H2ConnectionError(FLOW_CONTROL_ERROR, "DATA beyond the connection window")
        self.recv_window -= size
        body = _unpad(payload) if flags & PADDED else payload
        stream = self._known_stream(stream_id)
        if stream is None or stream.reset or stream.ended or stream.head is None:
            self.consumed_unknown(size)
            if stream is not None and not stream.reset:
                reason = "DATA after the end of the stream" if stream.ended else (
                    "DATA before the response head")
                self._stream_error(stream, STREAM_CLOSED if stream.ended else PROTOCOL_ERROR,
                                   reason)
            return
        if size > stream.recv_window:
            self.consumed_unknown(size)
            self._stream_error(stream, FLOW_CONTROL_ERROR, "DATA beyond the stream window")
            return
        stream.recv_window -= size
        if size > len(body):  # the padding is consumed at once
            self.consumed(stream, size - len(body))
        if body:
            stream.received += len(body)
            stream.chunks.append(body)
            if stream.received > stream.limit:
                self._stream_error(stream, PROTOCOL_ERROR, _length_message(stream))
                return
        if flags & END_STREAM:
            self._end_stream(stream)

    def consumed_unknown(self, size: int) -> None:
        """Bytes for a stream that is gone: give them back on the connection (batched)."""
        self.unacked += size
        if self.unacked >= WINDOW_UPDATE_BATCH or self.recv_window < WINDOW_UPDATE_BATCH:
            self._give_back()

    def _give_back(self) -> None:
        """Open the connection window by what was consumed: in batches, or at once when the
        window runs low (streams nobody reads hold the rest; the others must still move)."""
        if self.unacked:
            self._open_window(None, self.unacked)
            self.unacked = 0

    def _headers(self, flags: int, stream_id: int, payload: bytes) -> None:
        fragment = _unpad(payload) if flags & PADDED else payload
        if flags & PRIORITY_FLAG:
            if len(fragment) < 5:
                raise H2ConnectionError(FRAME_SIZE_ERROR, "HEADERS frame too short")
            fragment = fragment[5:]
        self._block = bytearray(fragment)
        self._block_stream = stream_id
        self._block_end_stream = bool(flags & END_STREAM)
        if flags & END_HEADERS:
            self._end_block()

    def _continuation(self, flags: int, stream_id: int, payload: bytes) -> None:
        if self._block is None or stream_id != self._block_stream:
            raise H2ConnectionError(PROTOCOL_ERROR, "Unexpected CONTINUATION frame")
        self._block += payload
        if len(self._block) > MAX_HEADER_BLOCK:
            raise H2ConnectionError(PROTOCOL_ERROR, "Response header block too large "
                                  f"(over {MAX_HEADER_LIST // 1024} KiB)")
        if flags & END_HEADERS:
            self._end_block()

    def _end_block(self) -> None:
        assert self._block is not None
        block, self._block = bytes(self._block), None
        stream_id, end_stream = self._block_stream, self._block_end_stream
        try:  # always decoded: HPACK's table must follow every block (RFC 7541 §2.2)
            fields = list(self.decoder.decode(block, raw=True))
        except hpack.OversizedHeaderListError as exc:
            raise H2ConnectionError(PROTOCOL_ERROR, "Response header block too large "
                                  f"(over {MAX_HEADER_LIST // 1024} KiB)") from exc
        except hpack.HPACKError as exc:
            raise H2ConnectionError(COMPRESSION_ERROR, f"Invalid header block: {exc}") from exc
        stream = self._known_stream(stream_id)
        if stream is None or stream.reset or stream.ended:
            return
        if stream.head is not None:  # trailers (RFC 9113 §8.1): read and dropped, as httpx
            if end_stream:
                self._end_stream(stream)
            else:
                self._stream_error(stream, PROTOCOL_ERROR, "Trailers without END_STREAM")
            return
        if len(fields) > MAX_HEADER_FIELDS:
            self._stream_error(stream, PROTOCOL_ERROR, f"Too many response header fields "
                               f"({len(fields)}; at most {MAX_HEADER_FIELDS})")
            return
        self._response_head(stream, fields, end_stream)

    def _response_head(self, stream: H2Stream, fields: list[Any], end_stream: bool) -> None:
        status_values = [value for name, value in fields if name == b":status"]
        raw = status_values[0] if len(status_values) == 1 else b""
        if len(raw) != 3 or not raw.isdigit():
            self._stream_error(stream, PROTOCOL_ERROR,
                               f"Invalid or missing :status in the response: {raw!r}")
            return
        status = int(raw)
        if status < 200:  # interim (RFC 9110 §15.2); 101 is not allowed (RFC 9113 §8.6)
            stream.interim += 1
            if status == 101 or end_stream or stream.interim > MAX_INTERIM_RESPONSES:
                self._stream_error(stream, PROTOCOL_ERROR, f"Invalid interim response "
                                   f"{status} (or more than {MAX_INTERIM_RESPONSES})")
            return
        headers = [(name, value) for name, value in fields if not name.startswith(b":")]
        lengths = {value for name, value in headers if name == b"content-length"}
        if lengths:
            value = lengths.pop()
            if lengths or not value.isdigit():
                self._stream_error(stream, PROTOCOL_ERROR, "Invalid Content-Length")
                return
            if not (stream.is_head or status in _NO_CONTENT_STATUS):
                stream.expected = stream.limit = int(value)
        if stream.is_head or status in _NO_CONTENT_STATUS:
            stream.expected = stream.limit = 0
        stream.head = (status, headers)
        if end_stream:
            self._end_stream(stream)

    def _end_stream(self, stream: H2Stream) -> None:
        stream.ended = True
        if stream.expected is not None and stream.received != stream.expected:
            stream.error = httpcore.RemoteProtocolError(_length_message(stream))

    def _stream_error(self, stream: H2Stream, code: int, message: str) -> None:
        """RFC 9113 §5.4.2: reset the stream; its reader gets a RemoteProtocolError."""
        if stream.error is None:
            stream.error = httpcore.RemoteProtocolError(message)
        if not stream.reset:
            stream.reset = True
            self.outgoing.append(frame(RST_STREAM, 0, stream.stream_id, _U32.pack(code)))

    def _rst_stream(self, stream_id: int, code: int) -> None:
        stream = self._known_stream(stream_id)
        if stream is None:
            return
        stream.reset = True
        if code == NO_ERROR and stream.ended:
            return  # RFC 9113 §8.1: the response is complete; stop sending the request
        if stream.error is None:
            name = ERROR_NAMES.get(code, hex(code))
            stream.error = httpcore.RemoteProtocolError(
                f"The server reset HTTP/2 stream {stream_id} ({name})")

    def _settings(self, flags: int, payload: bytes) -> None:
        if flags & ACK:
            if payload:
                raise H2ConnectionError(FRAME_SIZE_ERROR, "SETTINGS acknowledgement with a body")
            return
        if len(payload) % 6:
            raise H2ConnectionError(FRAME_SIZE_ERROR, "SETTINGS frame of the wrong size")
        max_streams = None if self.settings_received else LOCAL_MAX_STREAMS
        for offset in range(0, len(payload), 6):
            ident, value = _SETTING.unpack_from(payload, offset)
            if ident == HEADER_TABLE_SIZE:
                self.encoder.header_table_size = value
            elif ident == MAX_CONCURRENT_STREAMS:
                max_streams = min(value, LOCAL_MAX_STREAMS)
            elif ident == INITIAL_WINDOW_SIZE:
                self._initial_window(value)
            elif ident == MAX_FRAME_SIZE:
                if not DEFAULT_FRAME_SIZE <= value <= 2**24 - 1:
                    raise H2ConnectionError(PROTOCOL_ERROR, f"Invalid MAX_FRAME_SIZE {value}")
                self.peer_max_frame = value
            elif ident == ENABLE_PUSH and value > 1:
                raise H2ConnectionError(PROTOCOL_ERROR, f"Invalid SETTINGS_ENABLE_PUSH {value}")
        if max_streams is not None:
            self.max_streams = max_streams
        self.settings_received = True
        self.outgoing.append(frame(SETTINGS, ACK, 0))

    def _initial_window(self, value: int) -> None:
        if value > MAX_WINDOW:
            raise H2ConnectionError(FLOW_CONTROL_ERROR, f"Invalid INITIAL_WINDOW_SIZE {value}")
        delta = value - self.peer_initial_window
        self.peer_initial_window = value
        for stream in self.streams.values():  # RFC 9113 §6.9.2
            stream.send_window += delta
            if stream.send_window > MAX_WINDOW:
                raise H2ConnectionError(FLOW_CONTROL_ERROR, "Stream window overflow")

    def _window_update(self, stream_id: int, increment: int) -> None:
        if stream_id == 0:
            if increment == 0:
                raise H2ConnectionError(PROTOCOL_ERROR, "WINDOW_UPDATE of 0 on the connection")
            self.send_window += increment
            if self.send_window > MAX_WINDOW:
                raise H2ConnectionError(FLOW_CONTROL_ERROR, "Connection window overflow")
            return
        stream = self._known_stream(stream_id)
        if stream is None or stream.reset:
            return
        if increment == 0:
            self._stream_error(stream, PROTOCOL_ERROR, "WINDOW_UPDATE of 0 on a stream")
            return
        stream.send_window += increment
        if stream.send_window > MAX_WINDOW:
            self._stream_error(stream, FLOW_CONTROL_ERROR, "Stream window overflow")

    def _goaway(self, last_stream_id: int, code: int) -> None:
        """RFC 9113 §6.8: streams above `last_stream_id` were not processed; they may be
        retried on another connection (httpcore.ConnectionNotAvailable tells the pool)."""
        self.goaway = (last_stream_id, code)
        for stream in self.streams.values():
            if stream.stream_id > last_stream_id and stream.error is None:
                stream.error = httpcore.ConnectionNotAvailable()
                stream.reset = True


def _unpad(payload: bytes) -> bytes:
    """The payload of a PADDED frame without its padding (RFC 9113 §6.1).

    Raises:
        H2ConnectionError: the padding is as long as the frame or longer.
    """
    if not payload or payload[0] >= len(payload):
        raise H2ConnectionError(PROTOCOL_ERROR, "Frame padding longer than the frame")
    return payload[1:len(payload) - payload[0]]


def _length_message(stream: H2Stream) -> str:
    return (f"Response body of {stream.received} bytes does not match its Content-Length "
            f"of {stream.expected}")


def request_fields(request: httpcore.Request) -> list[Any]:
    """The HPACK field list of a request (RFC 9113 §8.3.1): pseudo-header fields first,
    names in lower case, no connection-specific fields (§8.2.2); `te` only as "trailers".

    Credentials and short cookies are never indexed (RFC 7541 §7.1.3), so they can't be
    guessed from the compression state.

    Raises:
        httpcore.LocalProtocolError: the request has no Host header (the :authority source).
    """
    authority = None
    fields: list[Any] = []
    for name, value in request.headers:
        lower = name.lower()
        if lower == b"host":
            authority = value if authority is None else authority
        elif lower in _CONNECTION_FIELDS or (lower == b"te" and value.lower() != b"trailers"):
            continue
        elif lower in (b"authorization", b"proxy-authorization") or (
            lower == b"cookie" and len(value) < 20
        ):
            fields.append(hpack.NeverIndexedHeaderTuple(lower, value))
        else:
            fields.append((lower, value))
    if authority is None:
        raise httpcore.LocalProtocolError("Missing mandatory Host: header")
    url = request.url
    return [(b":method", request.method), (b":authority", authority),
            (b":scheme", url.scheme), (b":path", url.target), *fields]

"""Unit tests of the sans-I/O HTTP/2 client state (`_pool/_h2state.py`, RFC 9113).

Frames are built here by hand (9-byte header + payload) and headers with hpack, as a server
would send them; each test checks what the reader of a stream would get, and which frames the
client owes the server. End-to-end behaviour against real servers is in tests/client_core/http2.
"""

from __future__ import annotations

import struct

import hpack
import httpcore
import pytest

from wire.client_core._pool import _h2state as h2s
from wire.client_core._pool._h2state import H2State, H2Stream

U32 = struct.Struct(">L")


def raw_frame(ftype: int, flags: int, stream_id: int, payload: bytes = b"") -> bytes:
    return struct.pack(">HBBBL", len(payload) >> 8, len(payload) & 0xFF, ftype, flags,
                       stream_id) + payload


def parse_frames(data: bytes) -> list[tuple[int, int, int, bytes]]:
    frames, pos = [], 0
    while pos < len(data):
        high, low, ftype, flags, sid = struct.unpack_from(">HBBBL", data, pos)
        length = (high << 8) | low
        frames.append((ftype, flags, sid, data[pos + 9:pos + 9 + length]))
        pos += 9 + length
    return frames


def make_request(method: bytes = b"GET", body: bool = False,
                 extra: list[tuple[bytes, bytes]] | None = None) -> httpcore.Request:
    headers = [(b"Host", b"example.org"), (b"Accept", b"*/*"), *(extra or [])]
    if body:
        headers.append((b"Content-Length", b"5"))
    return httpcore.Request(method, "https://example.org/path?q=1", headers=headers)


class Server:
    """Builds what a server sends: its SETTINGS, response heads, DATA."""

    def __init__(self) -> None:
        self.encoder = hpack.Encoder()

    def head(self, stream_id: int, status: bytes = b"200", end_stream: bool = False,
             fields: list[tuple[bytes, bytes]] | None = None) -> bytes:
        block = self.encoder.encode([(b":status", status), *(fields or [])])
        flags = h2s.END_HEADERS | (h2s.END_STREAM if end_stream else 0)
        return raw_frame(h2s.HEADERS, flags, stream_id, block)


def open_connection() -> tuple[H2State, H2Stream, Server]:
    state = H2State()
    state.preface()
    stream, _ = state.open_stream(make_request(), end_stream=True)
    server = Server()
    state.receive(raw_frame(h2s.SETTINGS, 0, 0) + server.head(stream.stream_id))
    state.take_outgoing()
    return state, stream, server


def data(stream_id: int, payload: bytes, end: bool = False) -> bytes:
    return raw_frame(h2s.DATA, h2s.END_STREAM if end else 0, stream_id, payload)


def test_request_fields_follow_rfc9113_8_3() -> None:
    request = make_request(extra=[(b"Connection", b"keep-alive"), (b"Transfer-Encoding", b"x"),
                                  (b"TE", b"gzip"), (b"Authorization", b"secret"),
                                  (b"X-Custom", b"Value")])
    fields = h2s.request_fields(request)
    names = [bytes(name) for name, _ in fields]
    assert names == [b":method", b":authority", b":scheme", b":path", b"accept",
                     b"authorization", b"x-custom"]
    assert fields[1][1] == b"example.org" and fields[3][1] == b"/path?q=1"
    # credentials are never indexed by HPACK (RFC 7541 §7.1.3)
    assert isinstance(fields[5], hpack.NeverIndexedHeaderTuple)


def test_request_without_host_is_a_local_error() -> None:
    request = httpcore.Request("GET", "https://example.org/", headers=[])
    with pytest.raises(httpcore.LocalProtocolError, match="Host"):
        h2s.request_fields(request)


def test_preface_and_first_stream_frames() -> None:
    state = H2State()
    preface = state.preface()
    assert preface.startswith(h2s.PREFACE)
    frames = parse_frames(preface[len(h2s.PREFACE):])
    assert [f[0] for f in frames] == [h2s.SETTINGS, h2s.WINDOW_UPDATE]
    settings = dict(struct.iter_unpack(">HL", frames[0][3]))
    assert settings == {h2s.ENABLE_PUSH: 0, h2s.MAX_CONCURRENT_STREAMS: 100,
                        h2s.MAX_HEADER_LIST_SIZE: 65536}
    assert U32.unpack(frames[1][3])[0] == h2s.CONNECTION_WINDOW_INCREMENT
    stream, out = state.open_stream(make_request(), end_stream=True)
    second, _ = state.open_stream(make_request(), end_stream=True)
    assert (stream.stream_id, second.stream_id) == (1, 3)
    (headers, window) = parse_frames(out)
    assert headers[:3] == (h2s.HEADERS, h2s.END_HEADERS | h2s.END_STREAM, 1)
    assert window[:3] == (h2s.WINDOW_UPDATE, 0, 1)


def test_large_header_block_is_split_into_continuation_frames() -> None:
    state = H2State()
    request = make_request(extra=[(b"x-big-%d" % i, b"v" * 1000) for i in range(40)])
    _, out = state.open_stream(request, end_stream=True)
    frames = parse_frames(out)
    types = [f[0] for f in frames]
    assert types[0] == h2s.HEADERS and types[-1] == h2s.WINDOW_UPDATE
    assert set(types[1:-1]) == {h2s.CONTINUATION}
    assert frames[0][1] == h2s.END_STREAM and frames[-2][1] == h2s.END_HEADERS
    block = b"".join(f[3] for f in frames[:-1])
    decoded = hpack.Decoder().decode(block, raw=True)
    assert len(decoded) == 4 + 1 + 40


@pytest.mark.parametrize("split", [1, 7, 9, 10, 16393, 100_000])
def test_frames_split_anywhere_across_reads(split: int) -> None:
    state, stream, _ = open_connection()
    body = bytes(range(256)) * 200
    wire_bytes = b"".join(data(1, body[i:i + 16384]) for i in range(0, len(body), 16384))
    wire_bytes += data(1, b"", end=True)
    for i in range(0, len(wire_bytes), split):
        state.receive(wire_bytes[i:i + split])
    assert b"".join(stream.chunks) == body and stream.ended and stream.error is None


def test_padded_data_is_unpadded_and_padding_counts_as_consumed() -> None:
    state, stream, _ = open_connection()
    window = state.recv_window
    payload = bytes([3]) + b"abc" + b"\0" * 3
    state.receive(raw_frame(h2s.DATA, h2s.PADDED | h2s.END_STREAM, 1, payload))
    assert list(stream.chunks) == [b"abc"] and stream.ended
    assert state.recv_window == window - len(payload)
    assert stream.unacked == 4  # the pad-length byte and the padding


def test_padding_longer_than_frame_is_a_connection_error() -> None:
    state, _, _ = open_connection()
    with pytest.raises(h2s.H2ConnectionError) as info:
        state.receive(raw_frame(h2s.DATA, h2s.PADDED, 1, bytes([5]) + b"ab"))
    assert info.value.code == h2s.PROTOCOL_ERROR


@pytest.mark.parametrize(("declared", "sent"), [(b"10", 5), (b"10", 11), (b"0", 1)])
def test_body_not_matching_content_length_is_a_stream_error(declared: bytes, sent: int) -> None:
    state = H2State()
    stream, _ = state.open_stream(make_request(), end_stream=True)
    server = Server()
    state.receive(server.head(1, fields=[(b"content-length", declared)])
                  + data(1, b"x" * sent, end=True))
    assert isinstance(stream.error, httpcore.RemoteProtocolError)
    assert "Content-Length" in str(stream.error)


@pytest.mark.parametrize(("method", "status"), [(b"HEAD", b"200"), (b"GET", b"304")])
def test_no_body_expected_for_head_and_304(method: bytes, status: bytes) -> None:
    state = H2State()
    stream, _ = state.open_stream(make_request(method), end_stream=True)
    state.receive(Server().head(1, status, end_stream=True,
                                fields=[(b"content-length", b"1234")]))
    assert stream.ended and stream.error is None and stream.head is not None


def test_interim_responses_are_skipped_and_trailers_dropped() -> None:
    state = H2State()
    stream, _ = state.open_stream(make_request(), end_stream=True)
    server = Server()
    state.receive(server.head(1, b"103", fields=[(b"link", b"</a>")]))
    assert stream.head is None and stream.error is None
    state.receive(server.head(1, b"200", fields=[(b"x-a", b"1")]) + data(1, b"body"))
    block = server.encoder.encode([(b"x-trailer", b"t")])
    state.receive(raw_frame(h2s.HEADERS, h2s.END_HEADERS | h2s.END_STREAM, 1, block))
    assert stream.head == (200, [(b"x-a", b"1")])
    assert list(stream.chunks) == [b"body"] and stream.ended and stream.error is None


@pytest.mark.parametrize("status", [b"", b"20", b"abc", b"2000", b"101"])
def test_invalid_status_is_a_stream_error(status: bytes) -> None:
    state = H2State()
    stream, _ = state.open_stream(make_request(), end_stream=True)
    fields = [] if not status else None
    server = Server()
    if fields is None:
        state.receive(server.head(1, status))
    else:
        block = server.encoder.encode([(b"x", b"y")])
        state.receive(raw_frame(h2s.HEADERS, h2s.END_HEADERS, 1, block))
    assert isinstance(stream.error, httpcore.RemoteProtocolError)
    assert parse_frames(state.take_outgoing())[0][:3] == (h2s.RST_STREAM, 0, 1)


def test_too_many_header_fields_is_a_stream_error() -> None:
    state = H2State()
    stream, _ = state.open_stream(make_request(), end_stream=True)
    fields = [(b"x-%d" % i, b"v") for i in range(h2s.MAX_HEADER_FIELDS + 1)]
    state.receive(Server().head(1, fields=fields))
    assert "Too many response header fields" in str(stream.error)


def test_oversized_header_list_is_a_connection_error() -> None:
    state = H2State()
    state.open_stream(make_request(), end_stream=True)
    server = Server()
    block = server.encoder.encode([(b":status", b"200"), (b"x-big", b"v" * 70_000)],
                                  huffman=False)
    parts = [block[i:i + 16384] for i in range(0, len(block), 16384)]
    wire_bytes = raw_frame(h2s.HEADERS, 0, 1, parts[0])
    wire_bytes += b"".join(raw_frame(h2s.CONTINUATION, 0, 1, p) for p in parts[1:-1])
    wire_bytes += raw_frame(h2s.CONTINUATION, h2s.END_HEADERS, 1, parts[-1])
    with pytest.raises(h2s.H2ConnectionError, match="too large"):
        state.receive(wire_bytes)


@pytest.mark.parametrize(
    ("frame_bytes", "code"),
    [
        (raw_frame(h2s.PUSH_PROMISE, h2s.END_HEADERS, 1, b"\0\0\0\2"), h2s.PROTOCOL_ERROR),
        (raw_frame(h2s.DATA, 0, 0, b"x"), h2s.PROTOCOL_ERROR),
        (raw_frame(h2s.DATA, 0, 5, b"x"), h2s.PROTOCOL_ERROR),  # never opened
        (raw_frame(h2s.DATA, 0, 2, b"x"), h2s.PROTOCOL_ERROR),  # server-initiated id
        (raw_frame(h2s.PING, 0, 0, b"1234"), h2s.FRAME_SIZE_ERROR),
        (raw_frame(h2s.SETTINGS, 0, 1, b""), h2s.PROTOCOL_ERROR),
        (raw_frame(h2s.SETTINGS, 0, 0, b"\0\1\0"), h2s.FRAME_SIZE_ERROR),
        (raw_frame(h2s.SETTINGS, 0, 0, struct.pack(">HL", h2s.MAX_FRAME_SIZE, 100)),
         h2s.PROTOCOL_ERROR),
        (raw_frame(h2s.SETTINGS, 0, 0, struct.pack(">HL", h2s.INITIAL_WINDOW_SIZE, 2**31)),
         h2s.FLOW_CONTROL_ERROR),
        (raw_frame(h2s.WINDOW_UPDATE, 0, 0, U32.pack(0)), h2s.PROTOCOL_ERROR),
        (raw_frame(h2s.WINDOW_UPDATE, 0, 0, U32.pack(2**31 - 1)), h2s.FLOW_CONTROL_ERROR),
        (raw_frame(h2s.CONTINUATION, h2s.END_HEADERS, 1, b""), h2s.PROTOCOL_ERROR),
        (raw_frame(h2s.RST_STREAM, 0, 1, b"\0"), h2s.FRAME_SIZE_ERROR),
        (raw_frame(h2s.GOAWAY, 0, 0, b"\0"), h2s.FRAME_SIZE_ERROR),
        (raw_frame(h2s.HEADERS, h2s.END_HEADERS, 1, b"\xff\xff\xff\xff"),
         h2s.COMPRESSION_ERROR),
        (struct.pack(">HBBBL", 256, 0, h2s.DATA, 0, 1), h2s.FRAME_SIZE_ERROR),  # 65,536 B
    ],
    ids=["push", "data-stream0", "data-idle", "data-even", "ping-size", "settings-stream",
         "settings-size", "max-frame", "initial-window", "window-zero", "window-overflow",
         "stray-continuation", "rst-size", "goaway-size", "bad-hpack", "oversized-frame"],
)
def test_connection_errors(frame_bytes: bytes, code: int) -> None:
    state, _, _ = open_connection()
    with pytest.raises(h2s.H2ConnectionError) as info:
        state.receive(frame_bytes)
    assert info.value.code == code


def test_settings_ping_and_unknown_frames() -> None:
    state = H2State()
    stream, _ = state.open_stream(make_request(), end_stream=True)
    assert state.max_streams == 1  # until the server's SETTINGS arrive
    settings = struct.pack(">HLHLHL", h2s.MAX_CONCURRENT_STREAMS, 7, h2s.MAX_FRAME_SIZE, 32768,
                           h2s.INITIAL_WINDOW_SIZE, 1000)
    state.receive(raw_frame(h2s.SETTINGS, 0, 0, settings)
                  + raw_frame(h2s.PING, 0, 0, b"12345678")
                  + raw_frame(0xEE, 0, 0, b"ignored")
                  + raw_frame(h2s.PRIORITY, 0, 1, b"\0\0\0\0\x10"))
    assert (state.max_streams, state.peer_max_frame) == (7, 32768)
    assert stream.send_window == 1000  # RFC 9113 §6.9.2: open streams follow the change
    out = parse_frames(state.take_outgoing())
    assert out == [(h2s.SETTINGS, h2s.ACK, 0, b""), (h2s.PING, h2s.ACK, 0, b"12345678")]
    state.receive(raw_frame(h2s.SETTINGS, 0, 0, b""))  # later SETTINGS keep the limit
    assert state.max_streams == 7


def test_request_body_respects_windows_and_frame_size() -> None:
    state = H2State()
    stream, _ = state.open_stream(make_request(body=True), end_stream=False)
    body = memoryview(b"x" * 100_000)
    sent = []
    while True:
        frame_bytes, size = state.data_frame(stream, body)
        if not size:
            break
        sent.append(size)
        body = body[size:]
    assert sent == [16384] * 3 + [65535 - 3 * 16384]  # the default 65,535-byte window
    state.receive(raw_frame(h2s.WINDOW_UPDATE, 0, 0, U32.pack(10))
                  + raw_frame(h2s.WINDOW_UPDATE, 0, 1, U32.pack(100)))
    assert state.data_frame(stream, body)[1] == 10  # the connection window is the smaller


def test_consumed_bytes_are_given_back_in_batches() -> None:
    state, stream, _ = open_connection()
    chunk = b"x" * 16384
    count = h2s.WINDOW_UPDATE_BATCH // len(chunk)
    state.receive(b"".join(data(1, chunk) for _ in range(count)))
    for n in range(count):
        state.consumed(stream, len(stream.chunks.popleft()))
        if n < count - 1:
            assert not state.outgoing
    frames = parse_frames(state.take_outgoing())
    assert [(f[0], f[2], U32.unpack(f[3])[0]) for f in frames] == [
        (h2s.WINDOW_UPDATE, 1, h2s.WINDOW_UPDATE_BATCH),
        (h2s.WINDOW_UPDATE, 0, h2s.WINDOW_UPDATE_BATCH),
    ]


def test_closing_an_unfinished_stream_cancels_it_and_frees_the_window() -> None:
    state, stream, _ = open_connection()
    state.receive(b"".join(data(1, b"y" * 16384) for _ in range(80)))
    window = state.recv_window
    state.close_stream(stream)
    frames = parse_frames(state.take_outgoing())
    assert frames[0] == (h2s.RST_STREAM, 0, 1, U32.pack(h2s.CANCEL))
    assert frames[1][:3] == (h2s.WINDOW_UPDATE, 0, 0)
    assert state.recv_window == window + 80 * 16384
    # DATA already in flight for the cancelled stream is dropped, its window given back
    state.receive(b"".join(data(1, b"z" * 16384) for _ in range(64)))
    assert state.recv_window == window + 80 * 16384
    assert parse_frames(state.take_outgoing())[0][:3] == (h2s.WINDOW_UPDATE, 0, 0)


def test_reset_by_server_and_no_error_after_a_complete_response() -> None:
    state, stream, server = open_connection()
    state.receive(raw_frame(h2s.RST_STREAM, 0, 1, U32.pack(h2s.INTERNAL_ERROR)))
    assert "INTERNAL_ERROR" in str(stream.error)
    second, _ = state.open_stream(make_request(), end_stream=False)
    state.receive(server.head(3, end_stream=True)
                  + raw_frame(h2s.RST_STREAM, 0, 3, U32.pack(h2s.NO_ERROR)))
    assert second.ended and second.reset and second.error is None


def test_goaway_fails_unprocessed_streams_with_connection_not_available() -> None:
    state, first, server = open_connection()
    second, _ = state.open_stream(make_request(), end_stream=True)
    state.receive(raw_frame(h2s.GOAWAY, 0, 0, struct.pack(">LL", 1, 0)))
    assert state.goaway == (1, 0)
    assert first.error is None
    assert isinstance(second.error, httpcore.ConnectionNotAvailable)


def test_data_before_the_head_is_a_stream_error() -> None:
    state = H2State()
    stream, _ = state.open_stream(make_request(), end_stream=True)
    state.receive(data(1, b"early"))
    assert "before the response head" in str(stream.error)


def test_a_stream_nobody_reads_cannot_starve_the_others() -> None:
    """Stream 1 fills its whole window and is never read; stream 3 takes nearly all the rest
    of the connection window. Once that runs low, every byte stream 3's reader takes goes
    back at once, below the batch size, so stream 3 keeps moving."""
    state, idle, server = open_connection()
    busy, _ = state.open_stream(make_request(), end_stream=True)
    state.receive(server.head(3))
    frame_size = 16384
    stream_window = h2s.DEFAULT_WINDOW + h2s.WINDOW_INCREMENT
    full, rest = divmod(stream_window, frame_size)
    state.receive(b"".join(data(1, b"a" * frame_size) for _ in range(full)) + data(1, b"a" * rest))
    assert idle.recv_window == 0
    assert state.recv_window == h2s.CONNECTION_WINDOW_INCREMENT - h2s.WINDOW_INCREMENT
    frames = (state.recv_window - 100 * 1024) // frame_size
    state.receive(b"".join(data(3, b"b" * frame_size) for _ in range(frames)))
    assert state.recv_window < h2s.WINDOW_UPDATE_BATCH
    state.take_outgoing()
    state.consumed(busy, len(busy.chunks.popleft()))
    assert parse_frames(state.take_outgoing()) == [
        (h2s.WINDOW_UPDATE, 0, 0, U32.pack(frame_size))
    ]

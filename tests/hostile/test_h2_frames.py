"""Property tests (hypothesis) for the HTTP/2 frame parser (`_pool/_h2state.py`): whatever a
server sends, `H2State.receive` files it under a stream, or raises its own `H2ConnectionError`
(the connection then ends with GOAWAY); never any other exception, never a negative window."""

from __future__ import annotations

import struct

import hpack
import httpcore
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wire.client_core._pool import _h2state as h2s

pytestmark = pytest.mark.hostile

BOUNDED = settings(
    max_examples=300,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)

_ENCODER = hpack.Encoder()
#: Payloads that are valid header blocks for a fresh decoder (no dynamic-table references).
HEADER_BLOCKS = [
    hpack.Encoder().encode([(b":status", status), (b"content-length", length)])
    for status, length in ((b"200", b"3"), (b"103", b"0"), (b"204", b"0"), (b"200", b"x"))
]
PAYLOADS = st.one_of(
    st.binary(max_size=40),
    st.sampled_from(HEADER_BLOCKS),
    st.builds(lambda n: struct.pack(">L", n), st.integers(0, 2**32 - 1)),
    st.builds(lambda a, b: struct.pack(">HL", a, b), st.integers(0, 9), st.integers(0, 2**32 - 1)),
)
FRAMES = st.lists(
    st.tuples(
        st.integers(0, 10),  # type, DATA..CONTINUATION and one unknown
        st.sampled_from([0, 1, 4, 5, 8, 0x20, 0x24, 0x2D, 0xFF]),  # flags
        st.sampled_from([0, 1, 2, 3, 5, 2**31 - 1]),  # stream ids: ours, idle, even, 0
        PAYLOADS,
    ),
    max_size=12,
)


def serialize(frames: list[tuple[int, int, int, bytes]]) -> bytes:
    return b"".join(
        struct.pack(">HBBBL", len(p) >> 8, len(p) & 0xFF, t, f, s) + p for t, f, s, p in frames
    )


def new_state() -> h2s.H2State:
    state = h2s.H2State()
    state.preface()
    request = httpcore.Request("GET", "https://example.org/", headers=[(b"Host", b"example.org")])
    state.open_stream(request, end_stream=True)
    state.open_stream(request, end_stream=False)
    return state


@BOUNDED
@given(frames=FRAMES, split=st.integers(1, 64))
def test_any_frames_are_filed_or_a_connection_error(
    frames: list[tuple[int, int, int, bytes]], split: int
) -> None:
    state = new_state()
    data = serialize(frames)
    try:
        for offset in range(0, len(data), split):
            state.receive(data[offset:offset + split])
    except h2s.H2ConnectionError as exc:
        assert exc.code in h2s.ERROR_NAMES
        return
    assert state.recv_window >= 0
    for stream in state.streams.values():
        assert stream.recv_window >= 0
        assert sum(map(len, stream.chunks)) <= stream.received
        assert stream.error is None or isinstance(
            stream.error, (httpcore.RemoteProtocolError, httpcore.ConnectionNotAvailable)
        )
        if stream.head is not None:
            status, headers = stream.head
            assert 200 <= status <= 999 and all(not name.startswith(b":") for name, _ in headers)


@BOUNDED
@given(data=st.binary(max_size=300))
def test_random_bytes_never_crash_the_parser(data: bytes) -> None:
    state = new_state()
    try:
        state.receive(data)
    except h2s.H2ConnectionError:
        pass
    assert state.recv_window >= 0

"""HTTP/2 flow control (RFC 9113 §5.2, §6.9): uploads into small windows, and responses the
client abandons, which must neither leak window nor leave the stream open."""

from __future__ import annotations

import hashlib
import time
import typing

import pytest

from tests.servers.h2script import H2ScriptServer, pattern

from ._support import MIB, h2_async_client, h2_client

backends = pytest.mark.parametrize("anyio_backend", ["asyncio", "trio"], indirect=True)

UPLOAD = pattern(200 * 1024)
#: RFC 9113 §7: the error code a client resets an abandoned stream with.
CANCEL = 0x8


def chunks(data: bytes, size: int) -> typing.Iterator[bytes]:
    for offset in range(0, len(data), size):
        yield data[offset : offset + size]


def assert_upload_arrived(server: H2ScriptServer, answer: dict[str, typing.Any]) -> None:
    assert answer["length"] == len(UPLOAD)
    assert answer["sha256"] == hashlib.sha256(UPLOAD).hexdigest()
    uploads = [record for record in server.streams if record.header(":path") == "/upload"]
    for record in uploads:
        assert bytes(record.body) == UPLOAD
        # RFC 9113 §4.2: no DATA frame larger than the peer's SETTINGS_MAX_FRAME_SIZE.
        assert max(record.data_frames) <= 16_384
    # h2 enforces the windows on the server side: an overrun would show up here.
    assert server.observed("protocol_errors") == []


# --- 10. uploads into a small window ----------------------------------------------------------


@pytest.mark.parametrize("kind", ["bytes", "generator"])
def test_upload_into_a_1000_byte_stream_window(start_h2_server: typing.Any, kind: str) -> None:
    """SETTINGS_INITIAL_WINDOW_SIZE=1000 arrives after the first 65,535 bytes may already be
    on their way, so the client's window can turn negative (RFC 9113 §6.9.2) and must wait."""
    server = start_h2_server(initial_window_size=1000)
    content = UPLOAD if kind == "bytes" else chunks(UPLOAD, 7000)
    started = time.monotonic()
    with h2_client(server) as client:
        response = client.post(server.join("/upload"), content=content)
    assert response.status_code == 200
    assert_upload_arrived(server, response.json())
    assert time.monotonic() - started < 5


def test_two_uploads_on_one_connection_with_small_windows(start_h2_server: typing.Any) -> None:
    server = start_h2_server(initial_window_size=1000)
    with h2_client(server) as client:
        client.get(server.join("/bytes?n=1"))  # the SETTINGS are in force from here on
        answers = [client.post(server.join("/upload"), content=UPLOAD).json() for _ in range(2)]
    for answer in answers:
        assert_upload_arrived(server, answer)
    assert server.connections == 1
    # Once the SETTINGS are acknowledged no DATA frame can exceed the 1000-byte stream window.
    assert max(max(r.data_frames, default=0) for r in server.streams) <= 1000


@backends
@pytest.mark.anyio
async def test_async_upload_into_a_small_window(
    start_h2_server: typing.Any, anyio_backend: str
) -> None:
    async def body() -> typing.AsyncIterator[bytes]:
        for chunk in chunks(UPLOAD, 30_000):
            yield chunk

    server = start_h2_server(initial_window_size=1000)
    async with h2_async_client(server) as client:
        sized = await client.post(server.join("/upload"), content=UPLOAD)
        streamed = await client.post(server.join("/upload"), content=body())
    assert_upload_arrived(server, sized.json())
    assert_upload_arrived(server, streamed.json())


# --- 11. abandoned responses --------------------------------------------------------------------


def test_closing_a_streamed_response_early_resets_the_stream(h2_server: H2ScriptServer) -> None:
    """RFC 9113 §8.1: a client that no longer wants a response resets it (CANCEL)."""
    with h2_client(h2_server) as client:
        with client.stream("GET", h2_server.join(f"/bytes?n={64 * MIB}")) as response:
            first = next(response.iter_raw())
        assert first == pattern(len(first))
        assert_later = client.get(h2_server.join("/bytes?n=1000"))
        assert assert_later.content == pattern(1000)
        assert h2_server.wait_for(lambda: h2_server.streams[0].reset_code == CANCEL)
    assert h2_server.connections == 1


def test_abandoned_responses_do_not_leak_the_connection_window(h2_server: H2ScriptServer) -> None:
    """Data that arrives for a discarded stream still counts against the connection window
    (RFC 9113 §6.9): unless the client gives it back, the connection starves."""
    started = time.monotonic()
    with h2_client(h2_server, timeout=3.0) as client:
        for _ in range(40):
            with client.stream("GET", h2_server.join(f"/bytes?n={64 * MIB}")) as response:
                next(response.iter_raw())
        response = client.get(h2_server.join(f"/bytes?n={MIB}"))
    assert response.content == pattern(MIB)
    assert time.monotonic() - started < 8
    assert h2_server.connections == 1
    assert h2_server.observed("rst_codes") == [CANCEL] * 40


@backends
@pytest.mark.anyio
async def test_async_abandoned_responses(h2_server: H2ScriptServer, anyio_backend: str) -> None:
    async with h2_async_client(h2_server, timeout=3.0) as client:
        for _ in range(10):
            async with client.stream("GET", h2_server.join(f"/bytes?n={64 * MIB}")) as response:
                async for _chunk in response.aiter_raw():
                    break
        response = await client.get(h2_server.join(f"/bytes?n={MIB}"))
    assert response.content == pattern(MIB)
    assert h2_server.connections == 1
    assert h2_server.wait_for(lambda: h2_server.observed("rst_codes") == [CANCEL] * 10)

"""HTTP/2 responses that go wrong: each ends in a wire exception, promptly, and the client
stays usable afterwards (RFC 9113 §5.4, §6.4, §6.6, §6.8, §8.1.1)."""

from __future__ import annotations

import time

import pytest

import wire
from tests.servers.h2script import H2ScriptServer, pattern

from ._support import h2_async_client, h2_client

backends = pytest.mark.parametrize("anyio_backend", ["asyncio", "trio"], indirect=True)


def assert_next_request_works(client: wire.Client, server: H2ScriptServer) -> None:
    response = client.get(server.join("/bytes?n=1000"))
    assert (response.status_code, response.content) == (200, pattern(1000))


# --- 4. Content-Length that does not match the DATA ------------------------------------------


@pytest.mark.parametrize(("declared", "sent"), [(100, 50), (10, 20), (1, 0)])
def test_content_length_mismatch_is_a_remote_protocol_error(
    h2_server: H2ScriptServer, declared: int, sent: int
) -> None:
    """RFC 9113 §8.1.1: a body whose length differs from Content-Length is malformed."""
    with h2_client(h2_server) as client:
        with pytest.raises(wire.RemoteProtocolError):
            client.get(h2_server.join(f"/cl-mismatch?declared={declared}&sent={sent}"))
        assert_next_request_works(client, h2_server)


@backends
@pytest.mark.anyio
async def test_async_content_length_mismatch(h2_server: H2ScriptServer, anyio_backend: str) -> None:
    async with h2_async_client(h2_server) as client:
        with pytest.raises(wire.RemoteProtocolError):
            await client.get(h2_server.join("/cl-mismatch?declared=100&sent=50"))
        assert (await client.get(h2_server.join("/bytes?n=5"))).content == pattern(5)


# --- 5. RST_STREAM from the server -----------------------------------------------------------


def test_rst_stream_mid_body_then_the_connection_is_reused(h2_server: H2ScriptServer) -> None:
    with h2_client(h2_server) as client:
        with pytest.raises(wire.RemoteProtocolError):
            client.get(h2_server.join("/rst-mid-body?n=100000&code=2"))
        with client.stream("GET", h2_server.join("/rst-mid-body?n=100000")) as response:
            assert response.status_code == 200
            with pytest.raises(wire.RemoteProtocolError):
                response.read()
        assert_next_request_works(client, h2_server)
    # Only the stream was reset: the connection carries on (RFC 9113 §6.4).
    assert h2_server.connections == 1


@backends
@pytest.mark.anyio
async def test_async_rst_stream_mid_body(h2_server: H2ScriptServer, anyio_backend: str) -> None:
    async with h2_async_client(h2_server) as client:
        with pytest.raises(wire.RemoteProtocolError):
            await client.get(h2_server.join("/rst-mid-body?code=8"))
        assert (await client.get(h2_server.join("/bytes?n=5"))).content == pattern(5)
    assert h2_server.connections == 1


# --- 6. GOAWAY ---------------------------------------------------------------------------------


def test_goaway_after_a_response_then_a_new_connection(h2_server: H2ScriptServer) -> None:
    with h2_client(h2_server) as client:
        assert client.get(h2_server.join("/goaway-after?close=1")).text == "ok"
        assert_next_request_works(client, h2_server)
    assert h2_server.connections == 2


def test_goaway_after_a_response_with_the_connection_left_open(h2_server: H2ScriptServer) -> None:
    """The server ignores streams above last_stream_id; the client must go elsewhere."""
    with h2_client(h2_server) as client:
        assert client.get(h2_server.join("/goaway-after?close=0")).text == "ok"
        assert_next_request_works(client, h2_server)
    assert h2_server.connections == 2


def test_goaway_naming_the_current_stream_lets_it_finish(h2_server: H2ScriptServer) -> None:
    """RFC 9113 §6.8: streams up to last_stream_id are processed; this one completes."""
    with h2_client(h2_server) as client:
        response = client.get(h2_server.join("/goaway-after?when=before&close=0"))
        assert (response.status_code, response.text) == (200, "ok")
        assert_next_request_works(client, h2_server)
    assert h2_server.connections == 2
    assert h2_server.observed("protocol_errors") == []  # nothing sent on the old connection


def test_goaway_below_an_inflight_stream_retries_or_fails_cleanly(
    h2_server: H2ScriptServer,
) -> None:
    """RFC 9113 §6.8: a stream above last_stream_id was not processed and may be retried.

    httpx raises RemoteProtocolError; a retry on a new connection is better. Either is
    accepted, but nothing else (no hang, no foreign exception).
    """
    url = h2_server.join("/goaway-inflight?key=a")
    with h2_client(h2_server) as client:
        try:
            response = client.get(url)
        except wire.RemoteProtocolError:
            assert client.get(url).text == "ok"  # the server answers the second try
        else:
            assert response.text == "ok"
        assert_next_request_works(client, h2_server)
    assert h2_server.connections == 2


# --- 7. TCP closed mid-body --------------------------------------------------------------------


def test_server_closing_tcp_mid_body(h2_server: H2ScriptServer) -> None:
    started = time.monotonic()
    with h2_client(h2_server) as client:
        with pytest.raises(wire.RemoteProtocolError):
            client.get(h2_server.join("/close-mid-body?n=100000"))
        assert time.monotonic() - started < 2
        assert_next_request_works(client, h2_server)
    assert h2_server.connections == 2


@backends
@pytest.mark.anyio
async def test_async_server_closing_tcp_mid_body(
    h2_server: H2ScriptServer, anyio_backend: str
) -> None:
    async with h2_async_client(h2_server) as client:
        with pytest.raises(wire.RemoteProtocolError):
            await client.get(h2_server.join("/close-mid-body"))
        assert (await client.get(h2_server.join("/bytes?n=5"))).content == pattern(5)


# --- 15. a stalled response ----------------------------------------------------------------------


def test_stall_after_headers_is_a_read_timeout(h2_server: H2ScriptServer) -> None:
    started = time.monotonic()
    with h2_client(h2_server, timeout=0.5) as client:
        with pytest.raises(wire.ReadTimeout):
            client.get(h2_server.join("/stall-after-headers?seconds=3"))
    assert time.monotonic() - started < 2.5


@backends
@pytest.mark.anyio
async def test_async_stall_after_headers_is_a_read_timeout(
    h2_server: H2ScriptServer, anyio_backend: str
) -> None:
    started = time.monotonic()
    async with h2_async_client(h2_server, timeout=0.5) as client:
        with pytest.raises(wire.ReadTimeout):
            await client.get(h2_server.join("/stall-after-headers?seconds=3"))
    assert time.monotonic() - started < 2.5


# --- 16. PUSH_PROMISE although push is disabled -----------------------------------------------


def test_push_promise_when_push_is_disabled(h2_server: H2ScriptServer) -> None:
    """RFC 9113 §6.6: PUSH_PROMISE after SETTINGS_ENABLE_PUSH=0 is a connection error."""
    with h2_client(h2_server) as client:
        with pytest.raises(wire.RemoteProtocolError):
            client.get(h2_server.join("/push-promise"))
        assert_next_request_works(client, h2_server)
    enable_push = 0x2  # the client did turn push off
    assert any(s.get(enable_push) == 0 for s in h2_server.observed("client_settings"))


# --- 17. header blocks past wire's limits ------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        pytest.param("count=200&size=400", id="80KiB-of-fields"),
        pytest.param("count=600&size=8", id="600-fields"),
    ],
)
def test_oversized_response_header_block(h2_server: H2ScriptServer, query: str) -> None:
    """More than 64 KiB or 500 fields (wire's HTTP/1.1 limits) is refused, not buffered."""
    started = time.monotonic()
    with h2_client(h2_server) as client:
        with pytest.raises(wire.RemoteProtocolError):
            client.get(h2_server.join(f"/headers?{query}"))
        assert_next_request_works(client, h2_server)
    assert time.monotonic() - started < 3

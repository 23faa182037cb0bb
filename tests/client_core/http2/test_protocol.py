"""HTTP/2 requests and responses that succeed (RFC 9113): framing, multiplexing, headers.

Every test talks to the scripted server (tests/servers/h2script.py) through wire's public API
and checks both what the user sees and what the server recorded.
"""

from __future__ import annotations

import hashlib
import typing

import anyio
import pytest

import wire
from tests.servers.h2script import H2ScriptServer, pattern

from ._support import MIB, h2_async_client, h2_client

backends = pytest.mark.parametrize("anyio_backend", ["asyncio", "trio"], indirect=True)


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# --- 1. one connection, reused -------------------------------------------------------------


def test_get_over_h2_and_sequential_requests_share_one_connection(
    h2_server: H2ScriptServer,
) -> None:
    with h2_client(h2_server) as client:
        responses = [client.get(h2_server.join(f"/bytes?n={n}")) for n in (10, 1000, 100_000)]
    for n, response in zip((10, 1000, 100_000), responses, strict=True):
        assert response.status_code == 200
        assert response.http_version == "HTTP/2"
        assert response.headers["content-type"] == "application/octet-stream"
        assert response.headers["content-length"] == str(n)
        assert response.content == pattern(n)
    assert h2_server.connections == 1
    assert [s.stream_id for s in h2_server.streams] == [1, 3, 5]


def test_h2c_with_prior_knowledge(start_h2_server: typing.Any) -> None:
    server = start_h2_server(tls=False)
    with h2_client(server) as client:
        first, second = client.get(server.join("/echo")), client.get(server.join("/bytes?n=5"))
    assert (first.http_version, second.content) == ("HTTP/2", pattern(5))
    assert dict(map(tuple, first.json()["headers"]))[":scheme"] == "http"
    assert server.connections == 1


@backends
@pytest.mark.anyio
async def test_async_get_reuses_one_connection(
    h2_server: H2ScriptServer, anyio_backend: str
) -> None:
    async with h2_async_client(h2_server) as client:
        for n in (1, 70_000, 3):
            response = await client.get(h2_server.join(f"/bytes?n={n}"))
            assert (response.http_version, response.content) == ("HTTP/2", pattern(n))
    assert h2_server.connections == 1


# --- 2. concurrency --------------------------------------------------------------------------


async def _gather_get(client: wire.AsyncClient, urls: list[str]) -> list[wire.Response]:
    results: dict[int, wire.Response] = {}

    async def get(i: int) -> None:
        results[i] = await client.get(urls[i])

    async with anyio.create_task_group() as group:
        for i in range(len(urls)):
            group.start_soon(get, i)
    return [results[i] for i in range(len(urls))]


@backends
@pytest.mark.anyio
async def test_concurrent_requests_share_one_connection(
    h2_server: H2ScriptServer, anyio_backend: str
) -> None:
    urls = [h2_server.join(f"/bytes?n={1000 + i}") for i in range(30)]
    async with h2_async_client(h2_server) as client:
        responses = await _gather_get(client, urls)
    assert [r.content for r in responses] == [pattern(1000 + i) for i in range(30)]
    assert {r.http_version for r in responses} == {"HTTP/2"}
    assert h2_server.connections == 1
    assert len(h2_server.streams) == 30


@pytest.mark.parametrize("anyio_backend", ["asyncio"], indirect=True)
@pytest.mark.anyio
async def test_max_concurrent_streams_is_respected(
    start_h2_server: typing.Any, anyio_backend: str
) -> None:
    """RFC 9113 §5.1.2: never more open streams than SETTINGS_MAX_CONCURRENT_STREAMS."""
    server = start_h2_server(max_concurrent_streams=2)
    urls = [server.join(f"/slow?ms=20&i={i}") for i in range(30)]
    async with h2_async_client(server) as client:
        responses = await _gather_get(client, urls)
    assert [r.status_code for r in responses] == [200] * 30
    assert [r.text for r in responses] == ["ok"] * 30
    assert server.observed("max_open_streams") <= 2
    assert server.observed("protocol_errors") == []
    # RFC 9113 §9.1: clients SHOULD NOT open more than one connection per origin.
    assert server.connections == 1


# --- 3. bodies in all kinds of DATA frames -------------------------------------------------


@pytest.mark.parametrize(
    ("query", "size"),
    [
        pytest.param("frame=16384", 8 * MIB, id="8MiB-in-16KiB-frames"),
        pytest.param("frame=small", 64 * 1024, id="1-to-100-byte-frames"),
        pytest.param("frame=16384&pad=cycle", MIB, id="padded-0-to-255"),
        pytest.param("frame=1000&pad=255", 256 * 1024, id="padded-255"),
        pytest.param("frame=4096&empty=1", 100_000, id="empty-frames-between"),
        pytest.param("frame=7&empty=1&cl=0", 1000, id="tiny-frames-no-content-length"),
        pytest.param("frame=100", 0, id="empty-body"),
    ],
)
def test_body_bytes_are_exact_whatever_the_framing(
    h2_server: H2ScriptServer, query: str, size: int
) -> None:
    url = h2_server.join(f"/bytes?n={size}&{query}")
    with h2_client(h2_server) as client:
        whole = client.get(url)
        with client.stream("GET", url) as response:
            chunks = list(response.iter_bytes(chunk_size=12_345))
    assert whole.status_code == 200
    assert sha(whole.content) == sha(pattern(size))
    assert sha(b"".join(chunks)) == sha(pattern(size))
    assert all(len(chunk) == 12_345 for chunk in chunks[:-1])
    assert h2_server.connections == 1


@backends
@pytest.mark.anyio
async def test_async_padded_body_is_exact(h2_server: H2ScriptServer, anyio_backend: str) -> None:
    url = h2_server.join(f"/bytes?n={MIB}&frame=9000&pad=cycle")
    digest = hashlib.sha256()
    async with h2_async_client(h2_server) as client, client.stream("GET", url) as response:
        async for chunk in response.aiter_raw():
            digest.update(chunk)
    assert digest.hexdigest() == sha(pattern(MIB))


# --- 8. trailers and informational responses -------------------------------------------------


def test_trailers_end_the_body_without_error(h2_server: H2ScriptServer) -> None:
    with h2_client(h2_server) as client:
        response = client.get(h2_server.join("/trailers"))
        after = client.get(h2_server.join("/bytes?n=10"))
    assert (response.status_code, response.text) == (200, "body with trailers")
    assert "x-checksum" not in response.headers  # trailers are not merged into the head
    assert after.content == pattern(10)
    assert h2_server.connections == 1


def test_informational_103_before_the_final_response(h2_server: H2ScriptServer) -> None:
    with h2_client(h2_server) as client:
        response = client.get(h2_server.join("/informational"))
    assert (response.status_code, response.text) == (200, "final")
    assert response.headers["content-length"] == "5"


# --- 9. CONTINUATION ---------------------------------------------------------------------------


def test_header_block_split_over_continuation_frames(h2_server: H2ScriptServer) -> None:
    """About 40 KiB of fields: more than one 16 KiB frame, so HEADERS + CONTINUATION."""
    with h2_client(h2_server) as client:
        response = client.get(h2_server.join("/headers?count=100&size=400"))
    assert response.status_code == 200
    extra = {k: v for k, v in response.headers.items() if k.startswith("x-h-")}
    assert len(extra) == 100
    expected = hashlib.sha256(b"42").hexdigest() * 7
    assert extra["x-h-42"] == expected[:400]
    assert sum(len(k) + len(v) for k, v in extra.items()) > 40_000


# --- 12. PING ------------------------------------------------------------------------------------


@pytest.mark.parametrize("payload", ["0102030405060708", "ffffffff00000000"])
def test_ping_is_answered_with_the_same_payload(h2_server: H2ScriptServer, payload: str) -> None:
    with h2_client(h2_server) as client:
        response = client.get(h2_server.join(f"/ping?data={payload}"))
    assert response.text == "ok"
    assert h2_server.wait_for(lambda: bytes.fromhex(payload) in h2_server.observed("ping_acks"))


# --- 13. responses without a body ------------------------------------------------------------


def test_head_with_content_length_and_no_body(h2_server: H2ScriptServer) -> None:
    with h2_client(h2_server) as client:
        response = client.head(h2_server.join("/bytes?n=100"))
        after = client.get(h2_server.join("/bytes?n=3"))
    assert (response.status_code, response.content) == (200, b"")
    assert response.headers["content-length"] == "100"
    assert after.content == pattern(3)
    assert h2_server.connections == 1


@pytest.mark.parametrize("code", [204, 200, 304])
def test_end_stream_on_headers(h2_server: H2ScriptServer, code: int) -> None:
    with h2_client(h2_server) as client:
        response = client.get(h2_server.join(f"/status?code={code}"))
        with client.stream("GET", h2_server.join(f"/status?code={code}")) as streamed:
            chunks = list(streamed.iter_bytes())
    assert (response.status_code, response.content, chunks) == (code, b"", [])


@backends
@pytest.mark.anyio
async def test_async_head_and_204(h2_server: H2ScriptServer, anyio_backend: str) -> None:
    async with h2_async_client(h2_server) as client:
        head = await client.head(h2_server.join("/bytes?n=100"))
        empty = await client.get(h2_server.join("/status?code=204"))
    assert (head.status_code, head.content, empty.status_code) == (200, b"", 204)


# --- 14. request headers as sent -------------------------------------------------------------

#: RFC 9113 §8.2.2: connection-specific fields must not appear in HTTP/2.
CONNECTION_SPECIFIC = {"host", "connection", "transfer-encoding", "keep-alive", "upgrade",
                       "proxy-connection"}  # fmt: skip


def test_request_pseudo_headers_and_field_names(h2_server: H2ScriptServer) -> None:
    with h2_client(h2_server) as client:
        response = client.get(h2_server.join("/echo?x=1&y=a%20b"), headers={"X-Mixed-Case": "v"})
    assert response.status_code == 200
    (record,) = h2_server.streams
    names = [name for name, _ in record.headers]
    assert names[:4] == sorted(names[:4], key=lambda n: not n.startswith(":"))  # pseudo first
    assert record.header(":method") == "GET"
    assert record.header(":scheme") == "https"
    assert record.header(":authority") == f"127.0.0.1:{h2_server.port}"
    assert record.header(":path") == "/echo?x=1&y=a%20b"
    assert record.header("x-mixed-case") == "v"
    assert all(name == name.lower() for name in names)
    assert CONNECTION_SPECIFIC.isdisjoint(names)


def test_host_header_becomes_authority(h2_server: H2ScriptServer) -> None:
    with h2_client(h2_server) as client:
        client.get(h2_server.join("/echo"), headers={"Host": "example.test:8443"})
    (record,) = h2_server.streams
    assert record.header(":authority") == "example.test:8443"
    assert "host" not in [name for name, _ in record.headers]


def test_connection_specific_request_headers_are_not_sent(h2_server: H2ScriptServer) -> None:
    """User-set hop-by-hop fields are dropped rather than sent (RFC 9113 §8.2.2)."""
    headers = {"Connection": "keep-alive", "Keep-Alive": "timeout=5", "Upgrade": "websocket",
               "Proxy-Connection": "keep-alive", "X-Kept": "yes"}  # fmt: skip
    with h2_client(h2_server) as client:
        response = client.get(h2_server.join("/echo"), headers=headers)
    assert response.status_code == 200
    (record,) = h2_server.streams
    names = {name for name, _ in record.headers}
    assert CONNECTION_SPECIFIC.isdisjoint(names)
    assert record.header("x-kept") == "yes"


def test_post_headers_carry_content_length_not_transfer_encoding(
    h2_server: H2ScriptServer,
) -> None:
    def body() -> typing.Iterator[bytes]:
        yield b"abc"
        yield b"def"

    with h2_client(h2_server) as client:
        sized = client.post(h2_server.join("/echo"), content=b"hello")
        streamed = client.post(h2_server.join("/echo"), content=body())
    assert (sized.json()["length"], streamed.json()["length"]) == (5, 6)
    first, second = h2_server.streams
    assert (first.header(":method"), first.header("content-length")) == ("POST", "5")
    assert bytes(second.body) == b"abcdef"
    assert "transfer-encoding" not in {name for name, _ in second.headers}

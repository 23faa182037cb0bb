"""Client and AsyncClient against real local servers: round trips, streaming, decoding,
timeouts, connection errors, TLS, HTTP/2, and asyncio + trio with warnings as errors."""

from __future__ import annotations

import asyncio
import gc
import json
import socket
import typing

import pytest
import trio

import wire
from tests.servers import LocalServer, TLSLocalServer
from tests.servers.asgi_app import COMPRESSED_PAYLOAD, JSON_BODY, stream_line


def closed_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on (bound, then released)."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = typing.cast(int, sock.getsockname()[1])
    sock.close()
    return port


# --- sync round trips -------------------------------------------------------------------------


def test_get_round_trip(server: LocalServer) -> None:
    with wire.Client() as client:
        response = client.get(server.join("/json"))
    assert response.status_code == 200
    assert response.content == JSON_BODY
    assert response.http_version == "HTTP/1.1"
    assert response.reason_phrase == "OK"
    assert response.elapsed.total_seconds() > 0
    assert response.is_closed
    assert response.url == server.join("/json")


def test_post_json_and_form(server: LocalServer) -> None:
    with wire.Client(base_url=server.url) as client:
        echoed = client.post("/echo", json={"a": [1, 2]}, params={"x": "y"}).json()
        form = client.post("/echo", data={"k": "v w"}).json()
    assert echoed["method"] == "POST"
    assert echoed["query"] == "x=y"
    assert json.loads(echoed["body"]) == {"a": [1, 2]}
    assert ["content-type", "application/json"] in echoed["headers"]
    assert form["body"] == "k=v+w"


def test_top_level_api(server: LocalServer) -> None:
    assert wire.get(server.join("/")).text == "Hello, world!"
    assert wire.post(server.join("/echo_body"), content=b"raw").content == b"raw"
    assert wire.request("PUT", server.join("/echo")).json()["method"] == "PUT"
    with wire.stream("GET", server.join("/stream/3")) as response:
        assert list(response.iter_lines()) == [stream_line(i).decode().strip() for i in range(3)]


def test_cookies_from_server_persist(server: LocalServer) -> None:
    with wire.Client(base_url=server.url) as client:
        client.get("/cookies/set", params={"flavour": "oat"})
        assert client.get("/cookies").json() == {"cookies": {"flavour": "oat"}}


def test_streaming_iter_bytes_and_lines(server: LocalServer) -> None:
    with wire.Client() as client:
        with client.stream("GET", server.join("/stream/5")) as response:
            assert response.headers["Transfer-Encoding"] == "chunked"
            lines = list(response.iter_lines())
        with client.stream("GET", server.join("/bytes/100000")) as response:
            chunks = list(response.iter_bytes(chunk_size=4096))
            assert response.num_bytes_downloaded == 100000
    assert lines == [json.dumps({"id": i, "message": f"line {i}"}) for i in range(5)]
    assert all(len(chunk) == 4096 for chunk in chunks[:-1])
    assert sum(map(len, chunks)) == 100000


def test_stream_break_early_then_reuse_client(server: LocalServer) -> None:
    with wire.Client() as client:
        with client.stream("GET", server.join("/slow_body?delay=5")) as response:
            first = next(response.iter_raw())
        assert first == b"first half|"
        assert response.is_closed
        # The connection was discarded, not left half-read: the next request works at once.
        assert client.get(server.join("/"), timeout=2).text == "Hello, world!"


@pytest.mark.parametrize("encoding", ["gzip", "deflate", "deflate_raw", "br", "zstd"])
def test_content_decoding(server: LocalServer, encoding: str) -> None:
    with wire.Client() as client:
        response = client.get(server.join(f"/{encoding}"))
    assert response.status_code == 200
    assert response.content == COMPRESSED_PAYLOAD
    assert response.json()["compressed"] is True


def test_read_timeout(server: LocalServer) -> None:
    with wire.Client(timeout=0.2) as client:
        with pytest.raises(wire.ReadTimeout) as info:
            client.get(server.join("/slow?delay=3"))
    assert info.value.request.url == server.join("/slow?delay=3")
    assert isinstance(info.value, wire.TimeoutException)


def test_connect_error_on_closed_port() -> None:
    url = f"http://127.0.0.1:{closed_port()}/"
    with wire.Client() as client:
        with pytest.raises(wire.ConnectError) as info:
            client.get(url)
    assert info.value.request.url == url


def test_unsupported_protocol() -> None:
    with wire.Client() as client, pytest.raises(wire.UnsupportedProtocol):
        client.get("ftp://127.0.0.1/")


def test_remote_protocol_error_on_short_body(server: LocalServer) -> None:
    with wire.Client() as client, pytest.raises(wire.RemoteProtocolError):
        client.get(server.join("/short"))


# --- TLS and HTTP/2 --------------------------------------------------------------------------


def test_tls_with_ca_bundle(https_server: TLSLocalServer) -> None:
    with wire.Client(verify=https_server.ca_cert_path) as client:
        response = client.get(https_server.join("/json"))
    assert response.content == JSON_BODY
    assert response.http_version == "HTTP/1.1"


def test_tls_default_verify_fails(https_server: TLSLocalServer) -> None:
    with wire.Client() as client:
        with pytest.raises(wire.ConnectError, match="certificate verify failed"):
            client.get(https_server.join("/"))


def test_tls_verify_false(https_server: TLSLocalServer) -> None:
    with wire.Client(verify=False) as client:
        assert client.get(https_server.join("/")).text == "Hello, world!"


def test_http2(https_server: TLSLocalServer) -> None:
    with wire.Client(verify=https_server.ca_cert_path, http2=True) as client:
        response = client.get(https_server.join("/echo"))
        with client.stream("GET", https_server.join("/stream/3")) as streamed:
            lines = list(streamed.iter_lines())
    assert response.http_version == "HTTP/2"
    assert response.json()["http_version"] == "2"
    assert len(lines) == 3


def test_default_ssl_context_is_shared() -> None:
    assert wire.create_ssl_context() is wire.create_ssl_context()
    first, second = wire.Client(), wire.Client()
    assert first._transport._pool._ssl_context is second._transport._pool._ssl_context  # type: ignore[attr-defined]
    first.close()
    second.close()


def test_custom_ca_context_is_its_own_and_shared_per_ca_file(https_server: TLSLocalServer) -> None:
    custom = wire.create_ssl_context(verify=https_server.ca_cert_path)
    assert custom is not wire.create_ssl_context()
    # Loading a CA file costs milliseconds: one context per CA file, shared (not mutated).
    assert custom is wire.create_ssl_context(verify=https_server.ca_cert_path)
    assert wire.create_ssl_context(verify=custom) is custom


# --- AsyncClient under asyncio and trio -------------------------------------------------------


async def async_scenario(server: LocalServer, tls: TLSLocalServer) -> dict[str, typing.Any]:
    """Everything an async user does; returns what they would observe."""
    seen: dict[str, typing.Any] = {}
    async with wire.AsyncClient(base_url=server.url) as client:
        response = await client.get("/json")
        seen["json"] = response.content
        seen["elapsed"] = response.elapsed.total_seconds()
        posted = await client.post("/echo_body", content=b"async body")
        seen["echo"] = posted.content
        async with client.stream("GET", "/stream/50") as streamed:
            async for line in streamed.aiter_lines():
                seen["first_line"] = line
                break  # early: every generator must still be closed, no warning
        async with client.stream("GET", "/bytes/3000") as streamed:
            seen["bytes"] = b"".join([c async for c in streamed.aiter_bytes(chunk_size=1000)])
        async with client.stream("GET", "/slow_body?delay=5") as streamed:
            async for chunk in streamed.aiter_raw():
                seen["half"] = chunk
                break
        async with client.stream("GET", "/gzip") as streamed:
            seen["gzip_text"] = "".join([t async for t in streamed.aiter_text()])
        try:
            await client.get("/slow?delay=3", timeout=0.2)
        except wire.ReadTimeout:
            seen["timeout"] = True
        try:
            await client.get(f"http://127.0.0.1:{closed_port()}/")
        except wire.ConnectError:
            seen["connect_error"] = True
    async with wire.AsyncClient(verify=tls.ca_cert_path, http2=True) as client:
        response = await client.get(tls.join("/"))
        seen["h2"] = response.http_version
        async with client.stream("GET", tls.join("/stream/50")) as streamed:
            async for line in streamed.aiter_lines():
                seen["h2_first_line"] = line
                break
    # Collect now, while the event loop runs: an async generator left suspended anywhere in
    # the chain would be finalised here, and trio would warn (an error in this suite).
    gc.collect()
    return seen


def check_scenario(seen: dict[str, typing.Any]) -> None:
    first_line = json.dumps({"id": 0, "message": "line 0"})
    assert seen["json"] == JSON_BODY
    assert seen["elapsed"] > 0
    assert seen["echo"] == b"async body"
    assert seen["first_line"] == first_line
    assert len(seen["bytes"]) == 3000
    assert seen["half"] == b"first half|"
    assert json.loads(seen["gzip_text"]) == json.loads(COMPRESSED_PAYLOAD)
    assert seen["timeout"] and seen["connect_error"]
    assert seen["h2"] == "HTTP/2"
    assert seen["h2_first_line"] == first_line


def test_async_client_asyncio(server: LocalServer, https_server: TLSLocalServer) -> None:
    check_scenario(asyncio.run(async_scenario(server, https_server)))


def test_async_client_trio(server: LocalServer, https_server: TLSLocalServer) -> None:
    check_scenario(trio.run(async_scenario, server, https_server))


def test_async_client_cancellation_releases_the_connection(server: LocalServer) -> None:
    async def main() -> str:
        async with wire.AsyncClient(base_url=server.url) as client:
            with trio.move_on_after(0.2):
                await client.get("/slow?delay=3")
            return (await client.get("/", timeout=2)).text

    assert trio.run(main) == "Hello, world!"


# --- stream edge cases under asyncio and trio (warnings are errors) ---------------------------


async def _upload_parts() -> typing.AsyncIterator[bytes]:
    for part in (b"up", b"load"):
        yield part


async def stream_edges_scenario(server: LocalServer) -> dict[str, typing.Any]:
    """Early exits and misuse of async streams; returns what the user would observe."""
    seen: dict[str, typing.Any] = {}
    async with wire.AsyncClient(base_url=server.url) as client:
        uploaded = await client.post("/echo_body", content=_upload_parts())
        seen["upload"] = (uploaded.content, uploaded.request.headers.get("transfer-encoding"))
        async with client.stream("GET", "/stream/40") as streamed:
            async for text in streamed.aiter_text(chunk_size=7):
                seen["text_chunk"] = text
                break  # early exit from the aiter_text → aiter_bytes → aiter_raw chain
            try:
                await streamed.aread()
            except wire.StreamConsumed:
                seen["read_after_partial"] = "StreamConsumed"
        async with client.stream("GET", "/gzip") as streamed:
            async for chunk in streamed.aiter_bytes(chunk_size=10):
                seen["gzip_chunk"] = len(chunk)
                break
        async with client.stream("GET", "/bytes/100") as streamed:
            await streamed.aclose()
            try:
                async for _ in streamed.aiter_raw():
                    pass
            except wire.StreamClosed:
                seen["after_close"] = "StreamClosed"
        async with client.stream("GET", "/stream/3") as streamed:
            try:
                _ = streamed.content
            except wire.ResponseNotRead:
                seen["unread"] = "ResponseNotRead"
            lines = [line async for line in streamed.aiter_lines()]
            seen["lines"] = len(lines)
            seen["downloaded"] = streamed.num_bytes_downloaded
            seen["replay"] = streamed.is_stream_consumed
        # Abandoned iterators, never started or stopped half-way, closed with the response.
        async with client.stream("GET", "/stream/5") as streamed:
            seen["never_started"] = type(streamed.aiter_lines()).__name__
    gc.collect()
    return seen


def check_stream_edges(seen: dict[str, typing.Any]) -> None:
    assert seen["upload"] == (b"upload", "chunked")
    assert len(seen["text_chunk"]) == 7
    assert seen["read_after_partial"] == "StreamConsumed"
    assert seen["gzip_chunk"] == 10
    assert seen["after_close"] == "StreamClosed"
    assert seen["unread"] == "ResponseNotRead"
    assert seen["lines"] == 3
    assert seen["downloaded"] == sum(len(stream_line(i)) for i in range(3))
    assert seen["replay"] is True
    assert seen["never_started"] == "async_generator"


def test_stream_edges_asyncio(server: LocalServer) -> None:
    check_stream_edges(asyncio.run(stream_edges_scenario(server)))


def test_stream_edges_trio(server: LocalServer) -> None:
    check_stream_edges(trio.run(stream_edges_scenario, server))


# --- the top-level functions pass every option through --------------------------------------


@pytest.mark.parametrize("name", ["get", "options", "delete", "post", "put", "patch"])
def test_top_level_function_sends_its_method_and_options(server: LocalServer, name: str) -> None:
    function = getattr(wire, name)
    kwargs: dict[str, typing.Any] = {
        "params": {"q": "1"},
        "headers": {"X-Test": "yes"},
        "cookies": {"c": "v"},
        "auth": ("user", "pw"),
        "timeout": 5.0,
        "follow_redirects": True,
        "trust_env": False,
        "verify": True,
        "proxy": None,
    }
    if name in ("post", "put", "patch"):
        kwargs["json"] = {"k": 1}
    response = function(server.join("/echo"), **kwargs)
    echoed = response.json()
    headers = {k: v for k, v in echoed["headers"]}
    assert echoed["method"] == name.upper()
    assert echoed["query"] == "q=1"
    assert headers["x-test"] == "yes"
    assert headers["cookie"] == "c=v"
    assert headers["authorization"] == "Basic dXNlcjpwdw=="
    assert echoed["body"] == ('{"k":1}' if "json" in kwargs else "")
    assert response.request.extensions["timeout"]["read"] == 5.0


def test_top_level_head_and_redirects(server: LocalServer) -> None:
    assert wire.head(server.join("/json")).content == b""
    redirected = wire.get(server.join("/redirect/2"), follow_redirects=True)
    assert len(redirected.history) == 2
    assert wire.get(server.join("/redirect/1")).status_code in (301, 302, 303, 307, 308)

"""HTTP/2 against hypercorn: ALPN over TLS, h2c with prior knowledge on plain TCP, many
streams on one connection, large bodies, trace events, and h2 imported only when negotiated."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import socket
import subprocess
import sys
import threading
import time
import typing
import urllib.request
from collections.abc import Iterator

import pytest
import trio

import wire
from tests.servers import LocalServer, TLSLocalServer
from tests.servers.asgi_app import app, deterministic_bytes
from wire.client_core._pool._h2state import WINDOW_INCREMENT, WINDOW_UPDATE_BATCH


@contextlib.contextmanager
def run_hypercorn_plain() -> Iterator[LocalServer]:
    """The test app on hypercorn over plain TCP (HTTP/1.1, and h2c with prior knowledge)."""
    from hypercorn.asyncio import serve
    from hypercorn.config import Config

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = Config()
    config.bind = [f"fd://{sock.detach()}"]
    config.errorlog = logging.getLogger("tests.servers.hypercorn")
    config.accesslog = None
    config.graceful_timeout = 2.0
    state: dict[str, typing.Any] = {}
    ready = threading.Event()

    async def main() -> None:
        state["loop"], state["stop"] = asyncio.get_running_loop(), asyncio.Event()
        ready.set()
        await serve(app, config, shutdown_trigger=state["stop"].wait)  # type: ignore[arg-type]

    thread = threading.Thread(target=asyncio.run, args=(main(),), daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:  # bounded wait for the first answer
            try:
                with urllib.request.urlopen(url + "/", timeout=2):
                    break
            except OSError:
                time.sleep(0.05)
        yield LocalServer(url=url, host="127.0.0.1", port=port)
    finally:
        if ready.wait(10):
            state["loop"].call_soon_threadsafe(state["stop"].set)
        thread.join(10)


@pytest.fixture(scope="module")
def h2c_server() -> Iterator[LocalServer]:
    with run_hypercorn_plain() as running:
        yield running


# --- negotiation ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("http1", "http2", "expected"),
    [(True, True, "HTTP/2"), (True, False, "HTTP/1.1"), (False, True, "HTTP/2")],
)
def test_alpn_negotiation(
    https_server: TLSLocalServer, http1: bool, http2: bool, expected: str
) -> None:
    with wire.Client(verify=https_server.ca_cert_path, http1=http1, http2=http2) as client:
        response = client.get(https_server.join("/echo"))
    assert response.http_version == expected
    assert response.extensions["http_version"] == expected.encode()
    assert response.json()["http_version"] == expected.removeprefix("HTTP/")


def test_neither_http1_nor_http2_is_an_error() -> None:
    with pytest.raises(ValueError, match="http1 or http2"):
        wire.Client(http1=False, http2=False)


def test_h2c_with_prior_knowledge(h2c_server: LocalServer) -> None:
    with wire.Client(http1=False, http2=True) as client:
        response = client.get(h2c_server.join("/echo"))
    assert (response.http_version, response.json()["http_version"]) == ("HTTP/2", "2")


def test_http2_offer_on_plain_http_stays_http1(h2c_server: LocalServer) -> None:
    """Without TLS there is no ALPN: http2=True alone keeps HTTP/1.1 (no Upgrade: h2c)."""
    with wire.Client(http2=True) as client:
        assert client.get(h2c_server.join("/")).http_version == "HTTP/1.1"


@pytest.mark.parametrize("backend", ["asyncio", "trio"])
def test_async_h2c_and_many_streams_on_one_connection(
    h2c_server: LocalServer, backend: str
) -> None:
    async def main() -> tuple[set[str], int]:
        async with wire.AsyncClient(http1=False, http2=True) as client:
            versions: list[str] = []

            async def get(i: int) -> None:
                response = await client.get(h2c_server.join(f"/bytes/{1000 + i}"))
                assert response.content == deterministic_bytes(1000 + i)
                versions.append(response.http_version)

            if backend == "asyncio":
                await asyncio.gather(*(get(i) for i in range(30)))
            else:
                async with trio.open_nursery() as nursery:
                    for i in range(30):
                        nursery.start_soon(get, i)
            pool = client._transport._pool  # type: ignore[attr-defined]
            return set(versions), len(pool.connections)

    result = asyncio.run(main()) if backend == "asyncio" else trio.run(main)
    assert result == ({"HTTP/2"}, 1)


def test_large_body_over_http2_with_wide_windows(https_server: TLSLocalServer) -> None:
    size = 8 * 1024 * 1024
    with wire.Client(verify=https_server.ca_cert_path, http2=True) as client:
        with client.stream("GET", https_server.join(f"/bytes/{size}")) as response:
            digest = hashlib.sha256()
            for chunk in response.iter_raw():
                digest.update(chunk)
            (connection,) = client._transport._pool.connections  # type: ignore[attr-defined]
            window = connection._h2.recv_window
    assert digest.digest() == hashlib.sha256(deterministic_bytes(size)).digest()
    # RFC 9113 §6.9.2 starts windows at 65,535 bytes: the connection's grows by 16 MiB, and
    # what the reader consumed is given back in batches.
    assert window > WINDOW_INCREMENT - WINDOW_UPDATE_BATCH


def test_http2_trace_events(https_server: TLSLocalServer) -> None:
    events: list[str] = []

    def trace(name: str, info: dict[str, typing.Any]) -> None:
        events.append(name)

    with wire.Client(verify=https_server.ca_cert_path, http2=True) as client:
        client.get(https_server.join("/"), extensions={"trace": trace})
    started = [name.removesuffix(".started") for name in events if name.endswith(".started")]
    assert started[:4] == [
        "connection.connect_tcp", "connection.start_tls",
        "http2.send_connection_init", "http2.send_request_headers",
    ]
    assert "http2.receive_response_headers" in started
    assert "http2.response_closed" in started


# --- import cost -------------------------------------------------------------------------------


@pytest.mark.parametrize("negotiated", [False, True])
def test_h2_is_imported_only_when_negotiated(
    server: LocalServer, https_server: TLSLocalServer, negotiated: bool
) -> None:
    """An http2=True client that ends up on HTTP/1.1 never imports hpack; none imports h2
    (wire's HTTP/2 connection is its own, with hpack for header compression)."""
    url = https_server.join("/") if negotiated else server.join("/")
    code = (
        "import sys, wire\n"
        f"with wire.Client(http2=True, verify={https_server.ca_cert_path!r}) as client:\n"
        f"    version = client.get({url!r}).http_version\n"
        "print(version, 'hpack' in sys.modules, 'h2' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60, check=True)
    expected = "HTTP/2 True False" if negotiated else "HTTP/1.1 False False"
    assert done.stdout.strip() == expected


@pytest.mark.parametrize("backend", ["asyncio", "trio"])
def test_cancelled_streams_leave_the_connection_usable(
    h2c_server: LocalServer, backend: str
) -> None:
    """40 streams cancelled at random points (waiting for a stream slot, for the head, in
    the body), then 40 more requests on the same connection all succeed."""
    size = 256 * 1024

    async def main() -> tuple[int, int]:
        async with wire.AsyncClient(http1=False, http2=True, timeout=10.0) as client:

            async def read(i: int) -> None:
                async with client.stream("GET", h2c_server.join(f"/bytes/{size}")) as response:
                    async for _ in response.aiter_raw():
                        if backend == "asyncio":
                            await asyncio.sleep(0)
                        else:
                            await trio.sleep(0)

            async def ok(i: int) -> int:
                response = await client.get(h2c_server.join(f"/bytes/{1000 + i}"))
                assert response.content == deterministic_bytes(1000 + i)
                return 1

            if backend == "asyncio":
                tasks = [asyncio.ensure_future(read(i)) for i in range(40)]
                for delay, task in enumerate(tasks):
                    await asyncio.sleep(0.001 * (delay % 5))
                    task.cancel()
                await asyncio.gather(*tasks, return_exceptions=True)
                done = sum(await asyncio.gather(*(ok(i) for i in range(40))))
            else:
                for i in range(40):
                    with trio.move_on_after(0.001 * (i % 5)):
                        await read(i)
                done = 0
                async with trio.open_nursery() as nursery:
                    results: list[int] = []

                    async def collect(i: int) -> None:
                        results.append(await ok(i))

                    for i in range(40):
                        nursery.start_soon(collect, i)
                done = sum(results)
            pool = client._transport._pool  # type: ignore[attr-defined]
            return done, len(pool.connections)

    result = asyncio.run(main()) if backend == "asyncio" else trio.run(main)
    assert result == (40, 1)


def test_threads_share_one_sync_http2_connection(h2c_server: LocalServer) -> None:
    """8 threads x 25 requests through one `Client`: every body intact, one connection (the
    sync HTTP/2 connection's locks let threads multiplex streams on it)."""
    errors: list[BaseException] = []
    with wire.Client(http1=False, http2=True, timeout=10.0) as client:

        def worker(offset: int) -> None:
            try:
                for i in range(25):
                    size = 1000 + offset * 100 + i
                    response = client.get(h2c_server.join(f"/bytes/{size}"))
                    assert response.content == deterministic_bytes(size)
                    assert response.http_version == "HTTP/2"
            except BaseException as exc:  # noqa: B036 - reported by the main thread
                errors.append(exc)

        threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
        connections = len(client._transport._pool.connections)  # type: ignore[attr-defined]
    assert errors == []
    assert not any(thread.is_alive() for thread in threads)
    assert connections == 1

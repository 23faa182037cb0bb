"""wire's connection pools: reuse, limits, waiting, cancellation, and the bookkeeping alone.

Server tests run on uvicorn (HTTP/1.1) under asyncio and trio; `PoolState` tests use stand-in
connections (pure bookkeeping, no I/O).
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time
import typing
from collections.abc import Awaitable, Callable

import pytest
import trio

import wire
from tests.servers import LocalServer
from wire.client_core._pool._state import NEW_CONNECTION, PoolState, Waiter

Backend = typing.Literal["asyncio", "trio"]


def run(backend: Backend, main: Callable[[], Awaitable[typing.Any]]) -> typing.Any:
    """Run the coroutine function `main` under `backend`."""
    if backend == "asyncio":
        return asyncio.run(main())  # type: ignore[arg-type]
    return trio.run(main)


async def sleep(backend: Backend, seconds: float) -> None:
    await (asyncio.sleep(seconds) if backend == "asyncio" else trio.sleep(seconds))


def pool_of(client: wire.AsyncClient | wire.Client) -> typing.Any:
    return client._transport._pool  # type: ignore[attr-defined]


def connect_counter() -> tuple[list[str], Callable[..., typing.Any]]:
    """An async `trace` extension that records each "connection.connect_tcp.complete"."""
    events: list[str] = []

    async def trace(name: str, info: dict[str, typing.Any]) -> None:
        if name == "connection.connect_tcp.complete":
            events.append(name)

    return events, trace


BACKENDS = pytest.mark.parametrize("backend", ["asyncio", "trio"])


# --- against a real server -------------------------------------------------------------------


@BACKENDS
def test_cancelling_100_in_flight_requests_leaves_the_pool_usable(
    server: LocalServer, backend: Backend
) -> None:
    """100 requests (20 on connections, 80 queued) are cancelled; 100 more then succeed."""

    async def main() -> tuple[list[int], int, int]:
        limits = wire.Limits(max_connections=20, max_keepalive_connections=20)
        async with wire.AsyncClient(base_url=server.url, limits=limits, timeout=10) as client:
            if backend == "asyncio":
                tasks = [asyncio.ensure_future(client.get("/slow?delay=5")) for _ in range(100)]
                await asyncio.sleep(0.3)
                for task in tasks:
                    task.cancel()
                await asyncio.gather(*tasks, return_exceptions=True)
                responses = await asyncio.gather(*(client.get("/") for _ in range(100)))
            else:
                with trio.move_on_after(0.3):
                    async with trio.open_nursery() as nursery:
                        for _ in range(100):
                            nursery.start_soon(client.get, "/slow?delay=5")
                responses = []

                async def get() -> None:
                    responses.append(await client.get("/"))

                async with trio.open_nursery() as nursery:
                    for _ in range(100):
                        nursery.start_soon(get)
            state = pool_of(client)._state
            return [r.status_code for r in responses], state.total, len(state.connections)

    statuses, total, open_connections = run(backend, main)
    assert statuses == [200] * 100
    assert total == open_connections <= 20


@BACKENDS
def test_pool_timeout_when_every_connection_is_busy(server: LocalServer, backend: Backend) -> None:
    async def main() -> tuple[str, int]:
        limits = wire.Limits(max_connections=1)
        async with wire.AsyncClient(base_url=server.url, limits=limits) as client:
            async with client.stream("GET", "/bytes/10"):
                try:
                    await client.get("/", timeout=wire.Timeout(5, pool=0.2))
                except wire.PoolTimeout as exc:
                    error = type(exc).__name__
            # Once the stream is closed, the one connection serves the next request.
            return error, (await client.get("/")).status_code

    assert run(backend, main) == ("PoolTimeout", 200)


@BACKENDS
def test_sequential_requests_reuse_one_connection(server: LocalServer, backend: Backend) -> None:
    events, trace = connect_counter()

    async def main() -> list[int]:
        async with wire.AsyncClient(base_url=server.url) as client:
            return [
                (await client.get("/", extensions={"trace": trace})).status_code
                for _ in range(5)
            ]

    assert run(backend, main) == [200] * 5
    assert len(events) == 1


@BACKENDS
def test_keepalive_limit_and_expiry(server: LocalServer, backend: Backend) -> None:
    events, trace = connect_counter()

    async def main() -> tuple[int, int]:
        limits = wire.Limits(max_connections=10, max_keepalive_connections=3,
                             keepalive_expiry=0.2)
        async with wire.AsyncClient(base_url=server.url, limits=limits) as client:
            async def get() -> None:
                await client.get("/slow?delay=0.1", extensions={"trace": trace})

            if backend == "asyncio":
                await asyncio.gather(*(get() for _ in range(8)))
            else:
                async with trio.open_nursery() as nursery:
                    for _ in range(8):
                        nursery.start_soon(get)
            kept = len(pool_of(client)._state.connections)
            await sleep(backend, 0.4)
            await client.get("/", extensions={"trace": trace})  # the idle ones have expired
            return kept, len(events)

    kept, connects = run(backend, main)
    assert kept == 3
    assert connects == 9


@BACKENDS
def test_waiter_for_another_origin_gets_the_slot(server: LocalServer, backend: Backend) -> None:
    """At max_connections, a request for origin B waits, then replaces A's connection."""
    other = server.url.replace("127.0.0.1", "localhost")

    async def main() -> list[str]:
        order: list[str] = []
        limits = wire.Limits(max_connections=1)
        async with wire.AsyncClient(limits=limits, timeout=5) as client:
            async def get(url: str) -> None:
                response = await client.get(url)
                order.append(f"{response.url.host} {response.status_code}")

            if backend == "asyncio":
                await asyncio.gather(get(server.url + "/slow?delay=0.2"), get(other + "/"))
            else:
                async with trio.open_nursery() as nursery:
                    nursery.start_soon(get, server.url + "/slow?delay=0.2")
                    await trio.sleep(0.05)
                    nursery.start_soon(get, other + "/")
            order.append(str(len(pool_of(client)._state.connections)))
        return order

    assert run(backend, main) == ["127.0.0.1 200", "localhost 200", "1"]


def test_sync_pool_across_threads(server: LocalServer) -> None:
    """20 threads share a pool of 5 connections; every request succeeds."""
    limits = wire.Limits(max_connections=5, max_keepalive_connections=5)
    statuses: list[int] = []
    lock = threading.Lock()
    with wire.Client(base_url=server.url, limits=limits, timeout=10) as client:

        def worker() -> None:
            for _ in range(5):
                status = client.get("/slow?delay=0.01").status_code
                with lock:
                    statuses.append(status)

        threads = [threading.Thread(target=worker) for _ in range(20)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
        open_connections = len(pool_of(client).connections)
    assert statuses == [200] * 100
    assert open_connections <= 5


def test_sync_pool_timeout(server: LocalServer) -> None:
    with wire.Client(base_url=server.url, limits=wire.Limits(max_connections=1)) as client:
        with client.stream("GET", "/bytes/10"):
            started = time.monotonic()
            with pytest.raises(wire.PoolTimeout):
                client.get("/", timeout=wire.Timeout(5, pool=0.2))
            assert 0.15 < time.monotonic() - started < 3
        assert client.get("/").status_code == 200


def test_server_closing_an_idle_connection_is_noticed(server: LocalServer) -> None:
    """A connection the server closed while idle is not reused: a fresh one is opened."""
    events, trace = connect_counter()

    async def main() -> list[int]:
        async with wire.AsyncClient(base_url=server.url) as client:
            first = await client.get("/", extensions={"trace": trace})
            # Close the server side of the idle connection: the next request must not fail.
            (connection,) = pool_of(client)._state.connections
            connection._network_stream.get_extra_info("socket").shutdown(1)  # SHUT_WR
            await asyncio.sleep(0.2)
            second = await client.get("/", extensions={"trace": trace})
            return [first.status_code, second.status_code]

    assert asyncio.run(main()) == [200, 200]
    assert len(events) == 2


# --- PoolState alone ---------------------------------------------------------------------------


class FakeConnection:
    """Stands in for an httpcore connection: only the state the pool reads."""

    def __init__(self, *, idle: bool = True, closed: bool = False, expired: bool = False,
                 shared: bool = False) -> None:
        self.idle, self.closed, self.expired, self.shared = idle, closed, expired, shared

    def is_idle(self) -> bool:
        return self.idle

    def is_closed(self) -> bool:
        return self.closed

    def has_expired(self) -> bool:
        return self.expired

    def is_available(self) -> bool:
        return self.shared and not self.closed


A = (b"http", b"a.example", 80)
B = (b"http", b"b.example", 80)


def opened(state: PoolState, key: tuple[bytes, bytes, int], **kwargs: bool) -> FakeConnection:
    assert state.acquire(key, []) is NEW_CONNECTION
    connection = FakeConnection(**kwargs)
    state.add_connection(key, connection, is_shared=connection.shared)
    return connection


def test_state_reuses_the_most_recent_idle_connection() -> None:
    state = PoolState(max_connections=10, max_keepalive_connections=10)
    first, second = opened(state, A), opened(state, A)
    state.release(A, first, [])
    state.release(A, second, [])
    assert state.acquire(A, []) is second
    assert state.acquire(A, []) is first
    assert state.acquire(A, []) is NEW_CONNECTION


def test_state_skips_and_closes_an_expired_idle_connection() -> None:
    state = PoolState(max_connections=1, max_keepalive_connections=1)
    connection = opened(state, A)
    state.release(A, connection, [])
    connection.expired = True
    to_close: list[typing.Any] = []
    assert state.acquire(A, to_close) is NEW_CONNECTION
    assert to_close == [connection] and state.total == 1


@pytest.mark.parametrize(
    ("max_keepalive", "closed", "kept_idle"),
    [(1, False, True), (0, False, False), (5, True, False)],
)
def test_state_release_keeps_or_closes(max_keepalive: int, closed: bool, kept_idle: bool) -> None:
    state = PoolState(max_connections=5, max_keepalive_connections=max_keepalive)
    connection = opened(state, A)
    connection.closed = closed
    to_close: list[typing.Any] = []
    state.release(A, connection, to_close)
    assert (connection in state.idle_order) is kept_idle
    assert state.total == (1 if kept_idle else 0)


def test_state_full_pool_evicts_the_oldest_idle_connection_of_another_origin() -> None:
    state = PoolState(max_connections=2, max_keepalive_connections=2)
    old, newer = opened(state, A), opened(state, A)
    state.release(A, old, [])
    state.release(A, newer, [])
    to_close: list[typing.Any] = []
    assert state.acquire(B, to_close) is NEW_CONNECTION
    assert to_close == [old] and state.total == 2


def test_state_waiters_are_served_first_in_first_out() -> None:
    state = PoolState(max_connections=1, max_keepalive_connections=1)
    busy = opened(state, A)
    woken: list[str] = []
    first, second = Waiter(A, lambda: woken.append("first")), Waiter(A, lambda: woken.append("2"))
    assert state.acquire(A, []) is None
    state.add_waiter(first)
    state.add_waiter(second)
    state.release(A, busy, [])
    assert woken == ["first"] and first.grant is busy and second.is_pending


def test_state_cancelled_waiter_gives_back_its_grant() -> None:
    state = PoolState(max_connections=1, max_keepalive_connections=1)
    busy = opened(state, A)
    gone, next_in_line = Waiter(A, lambda: None), Waiter(B, lambda: None)
    state.add_waiter(gone)
    state.add_waiter(next_in_line)
    state.release(A, busy, [])
    assert gone.grant is busy
    to_close: list[typing.Any] = []
    state.abandon(gone, to_close)  # cancelled after being granted, before running
    # The connection is A's, the next waiter wants B: it is closed and B gets the slot.
    assert to_close == [busy] and next_in_line.grant is NEW_CONNECTION and state.total == 1


def test_state_failed_connect_passes_the_slot_on() -> None:
    state = PoolState(max_connections=1, max_keepalive_connections=1)
    assert state.acquire(A, []) is NEW_CONNECTION
    waiter = Waiter(B, lambda: None)
    state.add_waiter(waiter)
    state.release_slot([])  # the connect failed
    assert waiter.grant is NEW_CONNECTION and state.total == 1


def test_state_shared_connection_serves_many() -> None:
    state = PoolState(max_connections=1, max_keepalive_connections=1)
    h2 = opened(state, A, shared=True)
    assert state.acquire(A, []) is h2
    assert state.acquire(A, []) is h2
    h2.closed = True
    to_close: list[typing.Any] = []
    state.release(A, h2, to_close)
    assert to_close == [h2] and state.total == 0


# --- transport options and extensions, on every I/O path -----------------------------------------

MODES = pytest.mark.parametrize("mode", ["sync", "asyncio", "trio"])


def fetch(mode: str, url: str, transport: dict[str, typing.Any] | None = None,
          probe: Callable[[wire.Response], typing.Any] = lambda response: response,
          **request: typing.Any) -> typing.Any:
    """GET `url` with a client whose transport takes `transport` options.

    Returns `probe(response)`, called while the client (and its connection) is still open.
    """
    options = transport or {}
    if mode == "sync":
        with wire.Client(transport=wire.HTTPTransport(**options)) as client:
            return probe(client.get(url, **request))

    async def main() -> typing.Any:
        async with wire.AsyncClient(transport=wire.AsyncHTTPTransport(**options)) as client:
            return probe(await client.get(url, **request))

    return run(typing.cast(Backend, mode), main)


def recorder(mode: str) -> tuple[list[str], typing.Any]:
    """A `trace` extension for `mode` (sync or async) recording event names."""
    names: list[str] = []
    if mode == "sync":
        return names, lambda name, info: names.append(name)

    async def trace(name: str, info: dict[str, typing.Any]) -> None:
        names.append(name)

    return names, trace


@MODES
def test_response_extensions(server: LocalServer, mode: str) -> None:
    def probe(response: wire.Response) -> tuple[typing.Any, ...]:
        stream = response.extensions["network_stream"]
        return (response.extensions["http_version"], response.extensions["reason_phrase"],
                response.reason_phrase, stream.get_extra_info("server_addr")[1])

    assert fetch(mode, server.join("/"), probe=probe) == (b"HTTP/1.1", b"OK", "OK", server.port)


@MODES
def test_local_address_and_socket_options(server: LocalServer, mode: str) -> None:
    import socket

    options = {
        "local_address": "127.0.0.2",  # all of 127.0.0.0/8 is loopback on Linux
        "socket_options": [(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)],
    }

    def probe(response: wire.Response) -> tuple[str, int]:
        stream = response.extensions["network_stream"]
        sock = stream.get_extra_info("socket")
        return stream.get_extra_info("client_addr")[0], sock.getsockopt(
            socket.SOL_SOCKET, socket.SO_KEEPALIVE)

    assert fetch(mode, server.join("/"), options, probe=probe) == ("127.0.0.2", 1)


@MODES
def test_connect_retries(mode: str) -> None:
    import socket

    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    names, trace = recorder(mode)
    with pytest.raises(wire.ConnectError):
        fetch(mode, f"http://127.0.0.1:{port}/", {"retries": 2}, extensions={"trace": trace})
    assert names.count("connection.retry.started") == 2
    assert names.count("connection.connect_tcp.started") == 3


@MODES
def test_trace_events_for_http11(server: LocalServer, mode: str) -> None:
    names, trace = recorder(mode)
    fetch(mode, server.join("/"), extensions={"trace": trace})
    started = [name.removesuffix(".started") for name in names if name.endswith(".started")]
    assert started == [
        "connection.connect_tcp", "http11.send_request_headers", "http11.send_request_body",
        "http11.receive_response_headers", "http11.receive_response_body",
        "http11.response_closed",
    ]


@MODES
def test_timeout_extension(server: LocalServer, mode: str) -> None:
    timeout = {"connect": 5.0, "read": 0.2, "write": 5.0, "pool": 5.0}
    with pytest.raises(wire.ReadTimeout):
        fetch(mode, server.join("/slow?delay=3"), extensions={"timeout": timeout})


@pytest.fixture(scope="module")
def uds_server(tmp_path_factory: pytest.TempPathFactory) -> typing.Iterator[str]:
    """The test app on uvicorn listening on a Unix domain socket; yields the socket path."""
    import uvicorn

    from tests.servers.asgi_app import app

    path = str(tmp_path_factory.mktemp("uds") / "wire.sock")
    config = uvicorn.Config(app, uds=path, http="h11", ws="none", lifespan="off",
                            log_config=None, log_level="warning", access_log=False)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started and time.monotonic() < deadline:  # bounded start-up wait
        time.sleep(0.02)
    try:
        yield path
    finally:
        server.should_exit = True
        thread.join(10)


@MODES
def test_unix_domain_socket(uds_server: str, mode: str) -> None:
    response = fetch(mode, "http://wire.test/echo", {"uds": uds_server})
    assert response.status_code == 200
    assert dict(response.json()["headers"])["host"] == "wire.test"


# --- the async HTTP/1.1 fast path fails exactly like the sync (httpcore) path ----------------


def _outcome_sync(url: str) -> tuple[str, ...]:
    try:
        with wire.Client(timeout=5) as client:
            response = client.get(url)
        return ("ok", str(response.status_code), response.content.hex())
    except wire.TransportError as exc:
        return ("error", type(exc).__name__)


def _outcome_async(url: str, trace: bool) -> tuple[str, ...]:
    async def noop(name: str, info: dict[str, typing.Any]) -> None:
        pass

    async def main() -> tuple[str, ...]:
        extensions = {"trace": noop} if trace else None
        try:
            async with wire.AsyncClient(timeout=5) as client:
                response = await client.get(url, extensions=extensions)
            return ("ok", str(response.status_code), response.content.hex())
        except wire.TransportError as exc:
            return ("error", type(exc).__name__)

    return typing.cast(tuple[str, ...], asyncio.run(main()))


@pytest.mark.parametrize(
    "path",
    ["/ok", "/short", "/until_close", "/chunked_truncated", "/bad_status_line", "/not_http",
     "/empty"],
)
def test_async_fast_path_matches_the_sync_path_on_raw_responses(
    raw_server: typing.Any, path: str
) -> None:
    url = raw_server.url + path
    expected = _outcome_sync(url)
    assert _outcome_async(url, trace=False) == expected  # the lean path
    assert _outcome_async(url, trace=True) == expected  # httpcore's own path


# --- response limits and the reuse rule, on every HTTP/1.1 path ----------------------------------

LIMIT_CASES = {
    "1xx-flood": b"HTTP/1.1 100 Continue\r\n\r\n" * 60 + b"HTTP/1.1 200 OK\r\n\r\n",
    "field-count": b"HTTP/1.1 200 OK\r\n" + b"".join(b"X-H%d: v\r\n" % i for i in range(600))
    + b"Content-Length: 0\r\n\r\n",
    "long-field": b"HTTP/1.1 200 OK\r\nX-Long: " + b"a" * 70_000 + b"\r\n\r\n",
    "http-3": b"HTTP/3.0 200 OK\r\nContent-Length: 0\r\n\r\n",
}
LIMIT_MESSAGES = {
    "1xx-flood": "interim", "field-count": "header fields", "long-field": "header block",
    "http-3": "HTTP version",
}


@pytest.mark.parametrize("case", LIMIT_CASES)
@pytest.mark.parametrize("mode", ["sync", "asyncio", "asyncio-traced", "trio"])
def test_hostile_response_heads_are_refused(raw_server: typing.Any, case: str, mode: str) -> None:
    url = raw_server.set_response(f"/limits/{case}", LIMIT_CASES[case])
    names, trace = recorder("asyncio")
    extensions = {"trace": trace} if mode == "asyncio-traced" else {}
    with pytest.raises(wire.RemoteProtocolError, match=LIMIT_MESSAGES[case]):
        fetch(mode.removesuffix("-traced"), url, extensions=extensions)


def test_a_few_interim_responses_and_big_ordinary_heads_pass(raw_server: typing.Any) -> None:
    head = b"HTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n" * 3 + b"HTTP/1.1 200 OK\r\n"
    head += b"".join(b"X-H%d: %s\r\n" % (i, b"c" * 100) for i in range(100))
    url = raw_server.set_response("/limits/ok", head + b"Content-Length: 2\r\n\r\nok")
    for mode in ("sync", "asyncio"):
        assert fetch(mode, url, probe=lambda r: (r.status_code, r.content)) == (200, b"ok")


@contextlib.contextmanager
def keep_alive_server() -> typing.Iterator[str]:
    """Answers "/junk" with a 204 followed by stray bytes, anything else with "next"; keeps
    each connection open for more requests. Yields the base URL."""
    import socket as socket_module

    listener = socket_module.create_server(("127.0.0.1", 0))
    listener.settimeout(0.2)
    stop = threading.Event()

    def serve(conn: socket_module.socket) -> None:
        with conn:
            buffer = b""
            while not stop.is_set():  # one request per pass; ends when the client closes
                while b"\r\n\r\n" not in buffer:
                    data = conn.recv(65536)
                    if not data:
                        return
                    buffer += data
                head, _, buffer = buffer.partition(b"\r\n\r\n")
                if head.split(b" ")[1] == b"/junk":
                    conn.sendall(b"HTTP/1.1 204 No Content\r\nContent-Length: 7\r\n\r\nsneaky!")
                else:
                    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nnext")

    def accept() -> None:
        while not stop.is_set():  # ends when the test stops the server
            try:
                conn, _ = listener.accept()
            except OSError:
                continue
            conn.settimeout(5)
            threading.Thread(target=serve, args=(conn,), daemon=True).start()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        stop.set()
        thread.join(5)
        listener.close()


@pytest.mark.parametrize("mode", ["sync", "asyncio", "trio"])
def test_stray_bytes_after_a_response_are_never_the_next_one(mode: str) -> None:
    """RFC 9112 §6.3: a 204 ends at its head; bytes after it make the connection unusable."""
    with keep_alive_server() as base:
        if mode == "sync":
            with wire.Client(timeout=5) as client:
                seen = [client.get(base + "/junk").content, client.get(base + "/").content]
        else:

            async def main() -> list[bytes]:
                async with wire.AsyncClient(timeout=5) as client:
                    return [(await client.get(base + path)).content for path in ("/junk", "/")]

            seen = run(typing.cast(Backend, mode), main)
    assert seen == [b"", b"next"]

"""`RateLimit`: the token bucket's arithmetic, and concurrency and rate limits observed against
a real server with Client (threads) and AsyncClient (asyncio and trio)."""

from __future__ import annotations

import asyncio
import threading
import time
import typing

import pytest
import trio

import wire
from tests.servers import LocalServer
from wire.client_core._ratelimit import RateLimit, RateLimiter, _Bucket

# --- pure ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rate", "burst", "arrivals", "waits"),
    [
        (10.0, 1, [0.0, 0.0, 0.0], [0.0, 0.1, 0.2]),
        (10.0, 3, [0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.1]),
        (10.0, 1, [0.0, 0.5, 0.5], [0.0, 0.0, 0.1]),  # an idle spell refills the bucket
        (2.0, 1, [0.0, 0.1], [0.0, 0.4]),
    ],
)
def test_token_bucket_reservations(
    rate: float, burst: int, arrivals: list[float], waits: list[float]
) -> None:
    now = [0.0]
    bucket = _Bucket(rate, burst, clock=lambda: now[0])
    got = []
    for at in arrivals:
        now[0] = at
        got.append(bucket.reserve())
    assert got == pytest.approx(waits)


@pytest.mark.parametrize(
    "kwargs",
    [{"max_concurrency": 0}, {"requests_per_second": 0}, {"requests_per_second": -1.0},
     {"burst": 0}, {"max_concurrency": 1.5}],
)
def test_invalid_limits_are_refused(kwargs: dict[str, typing.Any]) -> None:
    with pytest.raises(ValueError, match="RateLimit"):
        RateLimit(**kwargs)


def test_per_host_keeps_one_gate_per_origin() -> None:
    limiter = RateLimiter(RateLimit(max_concurrency=1, per_host=True))
    a1 = limiter._gate_for(wire.URL("http://a.test/x"))
    a2 = limiter._gate_for(wire.URL("http://a.test/y"))
    b = limiter._gate_for(wire.URL("http://b.test/"))
    assert a1 is a2 and a1 is not b


# --- against a real server ---------------------------------------------------------------------


async def _gather_slow(
    server: LocalServer, hosts: list[str], limit: RateLimit, library: str
) -> float:
    """Send one /slow?delay=0.3 per host entry concurrently; return the wall time."""
    port = server.url.rsplit(":", 1)[1]
    async with wire.AsyncClient(rate_limit=limit, timeout=10.0) as client:

        async def one(host: str) -> None:
            response = await client.get(f"http://{host}:{port}/slow?delay=0.3")
            assert response.status_code == 200

        start = time.monotonic()
        if library == "trio":
            async with trio.open_nursery() as nursery:
                for host in hosts:
                    nursery.start_soon(one, host)
        else:
            await asyncio.gather(*(one(host) for host in hosts))
        return time.monotonic() - start


@pytest.mark.parametrize("library", ["asyncio", "trio"])
def test_async_concurrency_limit(server: LocalServer, library: str) -> None:
    hosts = ["127.0.0.1"] * 4

    def run(limit: RateLimit) -> float:
        if library == "trio":
            return trio.run(_gather_slow, server, hosts, limit, library)
        return asyncio.run(_gather_slow(server, hosts, limit, library))

    limited = run(RateLimit(max_concurrency=2))
    free = run(RateLimit())
    assert 0.55 <= limited < 3.0  # two waves of 0.3 s
    assert free < 0.55  # one wave


def test_per_host_concurrency_is_separate(server: LocalServer) -> None:
    limit = RateLimit(max_concurrency=1, per_host=True)
    two_hosts = asyncio.run(_gather_slow(server, ["127.0.0.1", "localhost"], limit, "asyncio"))
    one_host = asyncio.run(_gather_slow(server, ["127.0.0.1", "127.0.0.1"], limit, "asyncio"))
    assert two_hosts < 0.55
    assert one_host >= 0.55


def test_requests_per_second_paces_the_client(server: LocalServer) -> None:
    with wire.Client(rate_limit=RateLimit(requests_per_second=20.0)) as client:
        start = time.monotonic()
        for _ in range(6):
            assert client.get(server.join("/")).status_code == 200
        elapsed = time.monotonic() - start
    assert elapsed >= 0.25 - 0.01  # five intervals of 50 ms after the first request


def test_sync_concurrency_limit_across_threads(server: LocalServer) -> None:
    in_flight = 0
    peak = 0
    lock = threading.Lock()

    with wire.Client(rate_limit=RateLimit(max_concurrency=2), timeout=10.0) as client:

        def worker() -> None:
            nonlocal in_flight, peak
            with client.stream("GET", server.join("/slow?delay=0.2")) as response:
                with lock:
                    in_flight += 1
                    peak = max(peak, in_flight)
                response.read()
                time.sleep(0.05)
                with lock:
                    in_flight -= 1

        threads = [threading.Thread(target=worker) for _ in range(5)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=20)
    assert peak == 2


def test_a_streamed_response_holds_its_slot_until_closed(server: LocalServer) -> None:
    async def main() -> tuple[bool, int]:
        async with wire.AsyncClient(rate_limit=RateLimit(max_concurrency=1)) as client:
            async with client.stream("GET", server.join("/stream/2")):
                with trio.move_on_after(0.3) as scope:
                    await client.get(server.join("/"))
            blocked = scope.cancelled_caught
            after = await client.get(server.join("/"))
            return blocked, after.status_code

    assert trio.run(main) == (True, 200)


def test_a_failed_request_releases_its_slot() -> None:
    import socket

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    with wire.Client(rate_limit=RateLimit(max_concurrency=1), timeout=2.0) as client:
        for _ in range(3):  # would hang on the second one if the slot leaked
            with pytest.raises(wire.ConnectError):
                client.get(f"http://127.0.0.1:{port}/")

"""`Retry`: the pure rules (backoff, jitter, Retry-After) and the retry loop against a real
server, for Client and AsyncClient (asyncio and trio)."""

from __future__ import annotations

import email.utils
import socket
import time
import typing
import uuid

import pytest
import trio

import wire
from tests.servers import LocalServer
from wire.client_core._retry import Retry, RetryEvent, RetryLoop, parse_retry_after

FAST = Retry(retries=3, backoff_factor=0.01, jitter=False)


def flaky(server: LocalServer, failures: int, query: str = "") -> str:
    """A fresh `/flaky` URL that fails `failures` times before answering 200."""
    return server.join(f"/flaky/{uuid.uuid4().hex}/{failures}{query}")


def closed_port() -> int:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = typing.cast(int, sock.getsockname()[1])
    sock.close()
    return port


# --- pure rules -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("factor", "cap", "attempt", "expected"),
    [
        (0.5, 30.0, 1, 0.5),
        (0.5, 30.0, 2, 1.0),
        (0.5, 30.0, 4, 4.0),
        (0.5, 3.0, 4, 3.0),
        (1.0, 30.0, 200, 30.0),
        (0.0, 30.0, 5, 0.0),
    ],
)
def test_backoff_doubles_up_to_the_cap(
    factor: float, cap: float, attempt: int, expected: float
) -> None:
    policy = Retry(backoff_factor=factor, max_backoff=cap, jitter=False)
    assert policy.backoff(attempt) == expected


@pytest.mark.parametrize(("draw", "expected"), [(0.0, 0.0), (0.25, 1.0), (0.999, 3.996)])
def test_full_jitter_draws_between_zero_and_the_backoff(draw: float, expected: float) -> None:
    policy = Retry(backoff_factor=1.0, max_backoff=30.0, jitter=True)
    assert policy.backoff(3, rng=lambda: draw) == pytest.approx(expected)


def test_retry_after_http_date_is_seconds_from_now() -> None:
    now = 1_700_000_000.0
    date = email.utils.formatdate(now + 42, usegmt=True)
    assert parse_retry_after(date, now=now) == 42.0
    assert parse_retry_after(email.utils.formatdate(now - 60, usegmt=True), now=now) == 0.0


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("0", 0.0), ("7", 7.0), (" 12 ", 12.0), ("-1", None), ("1.5", None), ("soon", None),
        ("", None),
    ],
)
def test_retry_after_seconds(value: str, expected: float | None) -> None:
    assert parse_retry_after(value) == expected


@pytest.mark.parametrize(
    ("method", "methods", "allowed"),
    [
        ("GET", Retry().methods, True),
        ("put", Retry().methods, True),
        ("POST", Retry().methods, False),
        ("PATCH", Retry().methods, False),
        ("POST", None, True),
    ],
)
def test_idempotent_methods_only_unless_asked(
    method: str, methods: frozenset[str] | None, allowed: bool
) -> None:
    assert Retry(methods=methods).allows_method(method) is allowed


@pytest.mark.parametrize(
    "kwargs", [{"retries": -1}, {"backoff_factor": -0.1}, {"max_time": -1.0}, {"max_backoff": "x"}]
)
def test_invalid_policy_is_refused(kwargs: dict[str, typing.Any]) -> None:
    with pytest.raises(ValueError, match="Retry"):
        Retry(**kwargs)


def _response(
    status: int, headers: dict[str, str] | None = None, method: str = "GET"
) -> wire.Response:
    request = wire.Request(method, "http://example.test/")
    return wire.Response(status, headers=headers, request=request)


@pytest.mark.parametrize(
    ("status", "headers", "method", "expected"),
    [
        (503, {}, "GET", 0.01),
        (503, {"Retry-After": "2"}, "GET", 2.0),
        (429, {"Retry-After": "120"}, "GET", None),  # above max_retry_after: give up
        (429, {"Retry-After": "bogus"}, "GET", 0.01),
        (500, {}, "GET", None),
        (200, {}, "GET", None),
        (503, {}, "POST", None),
    ],
)
def test_retry_delay_for_a_response(
    status: int, headers: dict[str, str], method: str, expected: float | None
) -> None:
    policy = Retry(backoff_factor=0.01, jitter=False, max_retry_after=60.0)
    response = _response(status, headers)
    loop = RetryLoop(policy, wire.Request(method, "http://example.test/"))
    assert loop.retry_delay(response) == expected


def test_max_time_stops_a_retry_that_would_end_too_late() -> None:
    now = [0.0]
    loop = RetryLoop(
        Retry(retries=5, backoff_factor=1.0, jitter=False, max_time=2.5),
        wire.Request("GET", "http://example.test/"),
        clock=lambda: now[0],
    )
    assert next(loop) == 0  # the first attempt starts the clock and does not wait
    first = loop.should_retry_response(_response(503))  # wait 1 s: ends at 1 s
    now[0] += 1.0
    second = loop.should_retry_response(_response(503))  # wait 2 s: would end at 3 s
    decisions = [first, second]
    # waits 1 s then 2 s: the second would end at 3 s > 2.5 s.
    assert decisions == [True, False]


# --- against a real server ----------------------------------------------------------------------


def test_client_retries_503_then_succeeds(server: LocalServer) -> None:
    events: list[RetryEvent] = []
    policy = Retry(retries=3, backoff_factor=0.01, jitter=False, on_retry=events.append)
    with wire.Client(retry=policy) as client:
        response = client.get(flaky(server, 2))
    assert response.status_code == 200
    assert response.json() == {"attempts": 3, "method": "GET"}
    assert [(e.attempt, e.delay, e.reason) for e in events] == [
        (1, 0.01, "HTTP 503 Service Unavailable"),
        (2, 0.02, "HTTP 503 Service Unavailable"),
    ]


def test_client_gives_up_after_the_last_retry(server: LocalServer) -> None:
    with wire.Client(retry=Retry(retries=2, backoff_factor=0.0)) as client:
        response = client.get(flaky(server, 5))
    assert response.status_code == 503
    assert response.text == "try again"


def test_post_is_not_retried_unless_asked(server: LocalServer) -> None:
    with wire.Client(retry=FAST) as client:
        refused = client.post(flaky(server, 1), content=b"x")
    assert refused.status_code == 503
    with wire.Client(retry=Retry(retries=2, backoff_factor=0.0, methods=None)) as client:
        accepted = client.post(flaky(server, 1), content=b"x")
    assert accepted.json() == {"attempts": 2, "method": "POST"}


def test_streamed_body_is_never_resent(server: LocalServer) -> None:
    def body() -> typing.Iterator[bytes]:
        yield b"once"

    with wire.Client(retry=Retry(retries=2, backoff_factor=0.0, methods=None)) as client:
        response = client.post(flaky(server, 1), content=body())
    assert response.status_code == 503


def test_retry_after_seconds_is_honoured(server: LocalServer) -> None:
    with wire.Client(retry=Retry(retries=1, backoff_factor=0.0)) as client:
        start = time.monotonic()
        response = client.get(flaky(server, 1, "?status=429&retry_after=1"))
        waited = time.monotonic() - start
    assert response.status_code == 200
    assert 0.9 <= waited < 5


def test_retry_after_above_the_cap_returns_the_response(server: LocalServer) -> None:
    policy = Retry(retries=3, backoff_factor=0.0, max_retry_after=1.0)
    with wire.Client(retry=policy) as client:
        response = client.get(flaky(server, 1, "?status=503&retry_after=3600"))
    assert (response.status_code, response.headers["retry-after"]) == (503, "3600")


def test_request_extension_overrides_the_client_policy(server: LocalServer) -> None:
    with wire.Client(retry=FAST) as client:
        response = client.get(flaky(server, 1), extensions={"retry": None})
    assert response.status_code == 503


def test_connect_errors_are_retried_then_raised() -> None:
    events: list[RetryEvent] = []
    policy = Retry(retries=2, backoff_factor=0.0, on_retry=events.append, methods=())
    url = f"http://127.0.0.1:{closed_port()}/"
    with wire.Client(retry=policy) as client, pytest.raises(wire.ConnectError):
        client.post(url, content=b"x")  # nothing was sent: even POST is safe to retry
    assert [e.attempt for e in events] == [1, 2]
    assert all(e.reason.startswith("ConnectError") for e in events)


def test_int_retry_means_that_many_retries(server: LocalServer) -> None:
    with wire.Client(retry=1) as client:
        assert client.get(flaky(server, 1)).status_code == 200


async def _async_flaky(server: LocalServer) -> tuple[int, int]:
    async with wire.AsyncClient(retry=Retry(retries=2, backoff_factor=0.01)) as client:
        response = await client.get(flaky(server, 2))
        return response.status_code, response.json()["attempts"]


def test_async_client_retries_under_asyncio(server: LocalServer) -> None:
    import asyncio

    assert asyncio.run(_async_flaky(server)) == (200, 3)


def test_async_client_retries_under_trio(server: LocalServer) -> None:
    assert trio.run(_async_flaky, server) == (200, 3)


def test_streamed_retry_releases_the_connection(server: LocalServer) -> None:
    limits = wire.Limits(max_connections=1)
    with wire.Client(retry=FAST, limits=limits, timeout=5.0) as client:
        for _ in range(3):  # one connection: a leaked response would block the next request
            with client.stream("GET", flaky(server, 1)) as response:
                assert response.read() == b'{"attempts": 2, "method": "GET"}'

"""`TimingRecorder`: trace events from real exchanges (HTTP/1.1, TLS, HTTP/2, redirects,
asyncio and trio) turned into a phase breakdown."""

from __future__ import annotations

import asyncio

import pytest
import trio

import wire
from tests.servers import LocalServer, TLSLocalServer
from wire.client_core._timing import (
    PHASE_NAMES,
    Phase,
    Timing,
    TimingRecorder,
    format_address,
    measure_dns,
)


def names(timing: Timing | None) -> list[str]:
    assert timing is not None
    return [phase.name for phase in timing.phases]


def test_plain_http_phases_in_order(server: LocalServer) -> None:
    recorder = TimingRecorder()
    with wire.Client() as client:
        response = client.get(server.join("/slow?delay=0.2"), extensions={"trace": recorder})
    assert response.status_code == 200
    timing = recorder.timing()
    assert names(timing) == ["connect", "send", "wait", "receive"]
    assert timing is not None
    assert timing.remote_address == ("127.0.0.1", server.port)
    assert timing.http_version == "HTTP/1.1"
    assert timing.tls_version is None
    wait = timing.duration("wait")
    assert wait is not None and wait >= 0.18  # the server's delay is time to first byte
    starts = [phase.start for phase in timing.phases]
    assert starts == sorted(starts)
    assert timing.total >= sum(phase.duration for phase in timing.phases) - 1e-6


def test_reused_connection_has_no_connect_phase(server: LocalServer) -> None:
    recorder = TimingRecorder()
    with wire.Client() as client:
        client.get(server.join("/"))
        client.get(server.join("/"), extensions={"trace": recorder})
    assert names(recorder.timing()) == ["send", "wait", "receive"]


@pytest.mark.parametrize(("http2", "version"), [(False, "HTTP/1.1"), (True, "HTTP/2")])
def test_tls_phase_and_versions(https_server: TLSLocalServer, http2: bool, version: str) -> None:
    recorder = TimingRecorder()
    alpn = ("h2", "http/1.1") if http2 else ("http/1.1",)
    with wire.Client(verify=https_server.ssl_context(alpn=alpn), http2=http2) as client:
        response = client.get(https_server.join("/"), extensions={"trace": recorder})
    assert response.http_version == version
    timing = recorder.timing()
    assert names(timing) == ["connect", "tls", "send", "wait", "receive"]
    assert timing is not None
    assert timing.http_version == version
    assert timing.tls_version in ("TLSv1.2", "TLSv1.3")


def test_redirect_hops_are_timed_separately(server: LocalServer) -> None:
    recorder = TimingRecorder()
    with wire.Client(follow_redirects=True) as client:
        client.get(server.join("/redirect/2"), extensions={"trace": recorder})
    timings = recorder.timings()
    assert len(timings) == 3
    assert names(timings[0])[0] == "connect"
    assert "connect" not in names(timings[1])  # keep-alive: the same connection


async def _async_timing(server: LocalServer) -> list[str]:
    recorder = TimingRecorder()
    async with wire.AsyncClient() as client:
        await client.get(server.join("/json"), extensions={"trace": recorder.atrace})
    return names(recorder.timing())


def test_async_recorder_under_asyncio_and_trio(server: LocalServer) -> None:
    expected = ["connect", "send", "wait", "receive"]
    assert asyncio.run(_async_timing(server)) == expected
    assert trio.run(_async_timing, server) == expected


def test_dns_phase_comes_first() -> None:
    now = [10.0]
    recorder = TimingRecorder(clock=lambda: now[0])
    recorder.set_dns(0.5, start=9.0)
    for name, at in [
        ("connection.connect_tcp.started", 9.5),
        ("connection.connect_tcp.complete", 9.6),
        ("http11.send_request_headers.started", 9.6),
        ("http11.send_request_body.complete", 9.7),
        ("http11.receive_response_headers.complete", 10.0),
        ("http11.receive_response_body.started", 10.0),
        ("http11.receive_response_body.complete", 10.5),
    ]:
        now[0] = at
        recorder(name, {})
    timing = recorder.timing()
    assert timing is not None
    assert [(p.name, round(p.start, 3), round(p.duration, 3)) for p in timing.phases] == [
        ("dns", 0.0, 0.5),
        ("connect", 0.5, 0.1),
        ("send", 0.6, 0.1),
        ("wait", 0.7, 0.3),
        ("receive", 1.0, 0.5),
    ]
    assert timing.total == pytest.approx(1.5)
    assert list(timing.as_dict()) == [*PHASE_NAMES, "total", "remote_address", "tls_version",
                                      "http_version"]


def test_no_events_no_timing() -> None:
    assert TimingRecorder().timing() is None


@pytest.mark.parametrize(
    ("host", "is_none"), [("127.0.0.1", True), ("[::1]", True), ("localhost", False)],
)
def test_measure_dns(host: str, is_none: bool) -> None:
    result = measure_dns(host, 80)
    assert (result is None) is is_none
    if result is not None:
        assert result >= 0.0


@pytest.mark.parametrize(
    ("address", "text"), [(("127.0.0.1", 80), "127.0.0.1:80"), (("::1", 8080), "[::1]:8080")]
)
def test_format_address(address: tuple[str, int], text: str) -> None:
    assert format_address(address) == text


def test_phase_is_a_plain_value() -> None:
    assert Phase("tls", 0.1, 0.2) == Phase("tls", 0.1, 0.2)

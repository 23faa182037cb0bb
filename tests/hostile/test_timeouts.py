"""Servers that stall: every stall ends in a timeout (library: `TimeoutException`; command:
exit 2, one line), and a server that drips bytes is stopped by `--max-time`, a total deadline
that per-read timeouts alone cannot enforce.
"""

from __future__ import annotations

import pytest

import wire
from tests.servers.faults import Drip, FaultServer, Send, Sleep

from ._support import assert_clean_failure, run_wire

pytestmark = pytest.mark.hostile

HEAD = b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 100\r\n\r\n"

STALLS = {
    "never-answers": [Sleep(10)],
    "silent-mid-status": [Send(b"HTTP/1.1 20"), Sleep(10)],
    "silent-mid-headers": [Send(b"HTTP/1.1 200 OK\r\nContent-Type: te"), Sleep(10)],
    "silent-mid-body": [Send(HEAD + b"x" * 40), Sleep(10)],
    "silent-mid-chunked": [
        Send(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n"),
        Sleep(10),
    ],
}


@pytest.mark.parametrize("name", STALLS)
def test_library_times_out(fault_server: FaultServer, name: str) -> None:
    url = fault_server.script(f"/t/{name}", *STALLS[name])
    with pytest.raises(wire.TimeoutException):
        wire.get(url, timeout=0.5)


@pytest.mark.parametrize("name", STALLS)
def test_command_times_out_with_exit_2(fault_server: FaultServer, name: str) -> None:
    url = fault_server.script(f"/t/{name}", *STALLS[name])
    outcome = run_wire(["--timeout", "0.5", url])
    assert_clean_failure(outcome, 2, mentions="time")
    assert outcome.seconds < 5


def test_streamed_body_stall_raises_read_timeout(fault_server: FaultServer) -> None:
    url = fault_server.script("/t/stream-stall", Send(HEAD + b"x" * 10), Sleep(10))
    with wire.Client(timeout=0.5) as client, client.stream("GET", url) as reply:
        assert reply.status_code == 200
        with pytest.raises(wire.ReadTimeout):
            reply.read()


DRIPS = {
    # About 4 s of dripping each: long enough to see --max-time 1 act, short if it does not.
    "drip-body": [Send(HEAD), Drip(b"y" * 100, interval=0.04)],
    "drip-headers": [Drip(b"HTTP/1.1 200 OK\r\n" + b"X-Slow: loris\r\n" * 6, interval=0.04)],
}


@pytest.mark.parametrize("name", DRIPS)
def test_max_time_stops_a_dripping_server(fault_server: FaultServer, name: str) -> None:
    # Every byte arrives well within --timeout, so only a total deadline ends this.
    url = fault_server.script(f"/t/{name}", *DRIPS[name])
    outcome = run_wire(["--timeout", "2", "--max-time", "1", url])
    assert_clean_failure(outcome, 2, mentions="time")
    assert outcome.seconds < 3


def test_max_time_also_bounds_a_download(fault_server: FaultServer, tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    url = fault_server.script("/t/drip-download.bin", Send(HEAD), Drip(b"z" * 100, 0.04))
    outcome = run_wire(["--timeout", "2", "--max-time", "1", "--download", url])
    assert_clean_failure(outcome, 2)
    assert not (tmp_path / "drip-download.bin").exists()
    assert outcome.seconds < 3

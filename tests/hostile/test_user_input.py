"""Bad input from the command line (or a script): refused before anything is sent.

Each case ends with exit 1 (or click's usage status 2) and one line naming the problem,
never a traceback; injection attempts never reach the server.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import wire
from tests.servers.faults import FaultServer, response

from ._support import assert_clean_failure, run_wire

pytestmark = pytest.mark.hostile

INJECTIONS = {
    "header-crlf": ["X-A:ok\r\nX-Injected: 1"],
    "header-lf": ["X-A:ok\nX-Injected: 1"],
    "header-cr": ["X-A:ok\rX-Injected: 1"],
    "header-nul": ["X-A:ok\x00evil"],
    "header-name-space": ["X A:1"],
    "header-name-crlf": ["X-A\r\nX-B:1"],
    "query-crlf": ["q==a\r\nX-Injected: 1"],
}


@pytest.mark.parametrize("name", INJECTIONS)
def test_injection_in_items_is_refused_before_sending(fault_server: FaultServer, name: str) -> None:
    url = fault_server.canned(f"/u/{name}", response(body=b"sent!"))
    outcome = run_wire(["--timeout", "5", url, *INJECTIONS[name]])
    if name == "query-crlf":  # a query value is percent-encoded: no injection, a valid request
        assert outcome.code == 0
        assert "\r" not in fault_server.received(f"/u/{name}")[-1].target
        return
    assert_clean_failure(outcome, 1)
    assert fault_server.received(f"/u/{name}") == []


@pytest.mark.parametrize(
    "suffix", ["/a\r\nX-Injected: 1", "/a\nX-Injected: 1", "/a b HTTP/1.1\r\nX: y", "/a\x00b"]
)
def test_injection_in_the_url_is_refused_before_sending(
    fault_server: FaultServer, suffix: str
) -> None:
    url = fault_server.canned("/u/url-injection", response(body=b"sent!"))
    outcome = run_wire(["--timeout", "5", url + suffix])
    requests = [r for r in fault_server.requests if r.path.startswith("/u/url-injection")]
    if outcome.code == 0:  # percent-encoded, so harmless: what was sent holds no raw CR/LF
        assert all("\r" not in r.target and "\n" not in r.target for r in requests)
        assert all(r.header("x-injected") is None for r in requests)
    else:
        assert_clean_failure(outcome, 1)
        assert requests == []


def test_library_refuses_header_injection(fault_server: FaultServer) -> None:
    url = fault_server.canned("/u/lib-header", response(body=b"sent!"))
    with pytest.raises((ValueError, wire.LocalProtocolError)):
        wire.get(url, headers={"X-A": "ok\r\nX-Injected: 1"}, timeout=5)
    assert fault_server.received("/u/lib-header") == []


def test_library_refuses_url_injection(fault_server: FaultServer) -> None:
    url = fault_server.canned("/u/lib-url", response(body=b"sent!"))
    with pytest.raises(wire.InvalidURL):
        wire.get(url + "\r\nX-Injected: 1", timeout=5)
    assert fault_server.received("/u/lib-url") == []


BAD_URLS = [
    "http://",
    "http://[::1",
    "http://127.0.0.1:99999/",
    "http://127.0.0.1:-1/",
    "http://127.0.0.1:port/",
    "http://ho st/",
    "://nohost",
    "http:///path-only",
    "http://a" + "b" * 300 + ".example/",
    "http://xn--/",
    "\x1b[2J",
    "",
]


@pytest.mark.parametrize("url", BAD_URLS)
def test_invalid_urls(url: str) -> None:
    outcome = run_wire(["--timeout", "2", url])
    assert_clean_failure(outcome, outcome.code if outcome.code in (1, 2) else 1)
    assert outcome.seconds < 5


@pytest.mark.parametrize("url", BAD_URLS[:10])
def test_library_invalid_urls(url: str) -> None:
    with pytest.raises((wire.InvalidURL, wire.UnsupportedProtocol, wire.ConnectError)):
        wire.get(url, timeout=2)


BAD_ITEMS = [
    ["n:=notjson"],
    ["n:=[1,"],
    ["n:=" + "[" * 100_000],
    ["a[=1"],
    ["a[b=1"],
    ["a[]b=1"],
    ["a[1000000000]=1"],
    ["a=1", "a[x]=2"],
    ["f@/nonexistent/file.txt"],
    ["f=@/nonexistent/file.txt"],
    ["f:=@/nonexistent/file.json"],
    ["X-H:@/nonexistent/value.txt"],
    ["f@/"],
    ["f=@/"],
    ["f@/dev/null;type=not a mime"],
    ["n:=NaN"],
    ["n:=" + "9" * 5_000],
]


@pytest.mark.parametrize("items", BAD_ITEMS, ids=[f"items{i}" for i in range(len(BAD_ITEMS))])
def test_bad_request_items(fault_server: FaultServer, items: list[str]) -> None:
    url = fault_server.canned("/u/items", response(body=b"sent!"))
    before = len(fault_server.received("/u/items"))
    outcome = run_wire(["--timeout", "2", url, *items])
    if items == ["n:=" + "9" * 5_000]:  # a valid (if long) JSON number: sent exactly
        assert outcome.code == 0
        assert fault_server.received("/u/items")[-1].body == b'{"n": ' + b"9" * 5_000 + b"}"
        return
    assert_clean_failure(outcome, 1)
    assert len(fault_server.received("/u/items")) == before


def test_unreadable_file_item(fault_server: FaultServer, tmp_path: Path) -> None:
    # A FIFO with no writer would block forever on open(); a socket cannot be opened at all.
    url = fault_server.canned("/u/unreadable", response(body=b"sent!"))
    import socket

    path = tmp_path / "sock"
    with socket.socket(socket.AF_UNIX) as server_socket:
        server_socket.bind(str(path))
        outcome = run_wire(["--timeout", "2", url, f"f@{path}"])
    assert_clean_failure(outcome, 1)
    assert fault_server.received("/u/unreadable") == []


CONFLICTS = [
    ["--timeout", "-1"],
    ["--timeout", "abc"],
    ["--timeout", "nan"],
    ["--max-redirects", "-5"],
    ["--pretty", "bogus"],
    ["--print", "xyz"],
    ["--verify", "/nonexistent/ca.pem"],
    ["--auth", ""],
    ["--continue"],
    ["--output", "/nonexistent/dir/file.bin", "--download"],
    ["--form", "--json"],
    ["--max-time", "-1"],
]


@pytest.mark.parametrize("options", CONFLICTS, ids=[" ".join(c) for c in CONFLICTS])
def test_bad_or_conflicting_options(fault_server: FaultServer, options: list[str]) -> None:
    url = fault_server.canned("/u/options", response(body=b"sent!"))
    outcome = run_wire([*options, url])
    assert outcome.code in (1, 2), (outcome.code, outcome.err)
    assert_clean_failure(outcome, outcome.code)

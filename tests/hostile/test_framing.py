"""Framing and protocol faults (RFC 9112 §6, §7; RFC 9110 §15), through the library and the CLI.

Each broken response must end as a clear error (library: a `TransportError`; command: exit 1,
one line, no traceback) or as the exact right body: never a silently short or forged body.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

import wire
from tests.servers.faults import Drip, FaultServer, KeepAlive, Reset, Send, Sleep, Stream, response

from ._support import assert_clean_failure, assert_clean_success, run_wire, terminal

pytestmark = pytest.mark.hostile

OK_HEAD = b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n"

#: path → raw bytes the server sends before closing; every one must be an error.
BROKEN: dict[str, bytes] = {
    "/f/truncated": OK_HEAD + b"Content-Length: 100\r\n\r\n" + b"x" * 50,
    "/f/chunk-size-invalid": OK_HEAD
    + b"Transfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n",
    "/f/chunk-truncated": OK_HEAD + b"Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n5\r\nwo",
    "/f/chunk-no-last": OK_HEAD + b"Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n",
    "/f/chunk-size-overflow": (
        OK_HEAD + b"Transfer-Encoding: chunked\r\n\r\n" + b"F" * 40 + b"\r\nhello\r\n0\r\n\r\n"
    ),
    "/f/chunk-size-negative": OK_HEAD
    + b"Transfer-Encoding: chunked\r\n\r\n-5\r\nhello\r\n0\r\n\r\n",
    "/f/chunk-bad-crlf": OK_HEAD + b"Transfer-Encoding: chunked\r\n\r\n5\r\nhelloXX0\r\n\r\n",
    "/f/chunk-huge-extension": (
        OK_HEAD
        + b"Transfer-Encoding: chunked\r\n\r\n5;ext="
        + b"a" * 300_000
        + b"\r\nhello\r\n0\r\n\r\n"
    ),
    "/f/trailer-flood": (
        OK_HEAD
        + b"Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n"
        + b"X-Trailer: flood\r\n" * 50_000
        + b"\r\n"
    ),
    "/f/cl-conflicting": OK_HEAD + b"Content-Length: 5\r\nContent-Length: 6\r\n\r\nhello!",
    "/f/cl-list-conflicting": OK_HEAD + b"Content-Length: 5, 6\r\n\r\nhello!",
    "/f/cl-negative": OK_HEAD + b"Content-Length: -1\r\n\r\nhello",
    "/f/cl-garbage": OK_HEAD + b"Content-Length: abc\r\n\r\nhello",
    "/f/cl-trailing-garbage": OK_HEAD + b"Content-Length: 5abc\r\n\r\nhello",
    "/f/cl-plus": OK_HEAD + b"Content-Length: +5\r\n\r\nhello",
    "/f/cl-hex": OK_HEAD + b"Content-Length: 0x5\r\n\r\nhello",
    "/f/cl-huge": OK_HEAD + b"Content-Length: 99999999999999999999999999\r\n\r\nhello",
    "/f/http09": b"hello, this is HTTP/0.9\n",
    "/f/status-no-code": b"HTTP/1.1 OK\r\nContent-Length: 0\r\n\r\n",
    "/f/status-four-digits": b"HTTP/1.1 2000 OK\r\nContent-Length: 0\r\n\r\n",
    "/f/status-two-digits": b"HTTP/1.1 20 OK\r\nContent-Length: 0\r\n\r\n",
    "/f/status-negative": b"HTTP/1.1 -20 OK\r\nContent-Length: 0\r\n\r\n",
    "/f/status-bad-protocol": b"HTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n",
    "/f/status-http3": b"HTTP/3.0 200 OK\r\nContent-Length: 0\r\n\r\n",
    "/f/status-lf-only-garbage": b"HTTP/1.1 200 OK\n\x00\x01\x02\r\n\r\n",
    "/f/reason-huge": b"HTTP/1.1 200 " + b"A" * 300_000 + b"\r\nContent-Length: 0\r\n\r\n",
    "/f/empty-reply": b"",
}


@pytest.fixture(scope="module")
def broken(fault_server: FaultServer) -> FaultServer:
    for path, raw in BROKEN.items():
        fault_server.canned(path, raw)
    fault_server.script(
        "/f/reset-mid-body", Send(OK_HEAD + b"Content-Length: 100\r\n\r\n" + b"x" * 50), Reset()
    )
    fault_server.script(
        "/f/chunk-reset",
        Send(OK_HEAD + b"Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n"),
        Reset(),
    )
    return fault_server


BROKEN_PATHS = [*BROKEN, "/f/reset-mid-body", "/f/chunk-reset"]


@pytest.mark.parametrize("path", BROKEN_PATHS)
def test_library_raises_a_transport_error(broken: FaultServer, path: str) -> None:
    with pytest.raises(wire.TransportError) as info:
        wire.get(broken.join(path), timeout=5)
    assert info.value.request.url == wire.URL(broken.join(path))


@pytest.mark.parametrize("path", BROKEN_PATHS)
def test_command_fails_with_one_line(broken: FaultServer, path: str) -> None:
    outcome = run_wire(["--timeout", "5", broken.join(path)])
    assert_clean_failure(outcome, 1)
    assert outcome.seconds < 10


@pytest.mark.parametrize("path", ["/f/truncated", "/f/reset-mid-body", "/f/chunk-truncated"])
def test_command_on_a_terminal_never_presents_a_short_body_as_complete(
    broken: FaultServer, path: str
) -> None:
    outcome = run_wire(["--timeout", "5", broken.join(path)], terminal())
    assert_clean_failure(outcome, 1)


def test_close_delimited_body_is_read_to_the_end(fault_server: FaultServer) -> None:
    # RFC 9112 §6.3 rule 8: no Content-Length, no chunking: the body ends at the close.
    url = fault_server.script(
        "/f/close-delimited", Send(OK_HEAD + b"\r\nuntil "), Sleep(0.1), Send(b"the close")
    )
    assert wire.get(url, timeout=5).content == b"until the close"
    outcome = run_wire(["--timeout", "5", url])
    assert_clean_success(outcome)
    assert outcome.out == b"until the close"


def test_close_delimited_body_cut_by_a_reset_is_an_error(fault_server: FaultServer) -> None:
    url = fault_server.script("/f/close-delimited-reset", Send(OK_HEAD + b"\r\npartial"), Reset())
    with pytest.raises(wire.TransportError):
        wire.get(url, timeout=5)
    assert_clean_failure(run_wire(["--timeout", "5", url]), 1)


CL_AND_TE = (
    OK_HEAD + b"Content-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n"
)


def test_content_length_with_transfer_encoding_never_uses_the_length(
    fault_server: FaultServer,
) -> None:
    # RFC 9112 §6.3 rule 3: Transfer-Encoding overrides Content-Length (or the response is
    # rejected as a smuggling attempt). Reading 3 bytes ("hel") would be a lie.
    url = fault_server.canned("/f/cl-and-te", CL_AND_TE)
    try:
        body = wire.get(url, timeout=5).content
    except wire.TransportError:
        body = None
    assert body in (None, b"hello")
    outcome = run_wire(["--timeout", "5", url])
    assert not outcome.crashed and "Traceback" not in outcome.err
    assert (outcome.code, outcome.out) in ((0, b"hello"), (1, b""))


def test_same_content_length_repeated_is_accepted(fault_server: FaultServer) -> None:
    # RFC 9112 §6.3 rule 5 allows a list of identical values.
    url = fault_server.canned("/f/cl-same", OK_HEAD + b"Content-Length: 5, 5\r\n\r\nhello")
    assert wire.get(url, timeout=5).content == b"hello"


def _forged() -> bytes:
    return response(b"200 OK", [(b"Content-Type", b"text/plain")], b"FORGED")


def test_extra_bytes_after_a_body_are_never_the_next_response(fault_server: FaultServer) -> None:
    first = fault_server.script(
        "/f/ka-extra", Send(response(body=b"ok", close=False) + _forged()), KeepAlive()
    )
    second = fault_server.script(
        "/f/ka-real", Send(response(body=b"real", close=False)), KeepAlive()
    )
    with wire.Client(timeout=5) as client:
        assert client.get(first).content == b"ok"
        try:
            answer = client.get(second).content
        except wire.TransportError:
            answer = None
    assert answer == b"real"


@pytest.mark.parametrize(
    ("name", "head"),
    [
        ("204", b"HTTP/1.1 204 No Content\r\nContent-Length: 7\r\n\r\nsneaky!"),
        ("304", b"HTTP/1.1 304 Not Modified\r\nContent-Length: 7\r\n\r\nsneaky!"),
        (
            "204-chunked",
            b"HTTP/1.1 204 No Content\r\nTransfer-Encoding: chunked\r\n\r\n"
            b"7\r\nsneaky!\r\n0\r\n\r\n",
        ),
    ],
)
def test_bodyless_status_with_a_body(fault_server: FaultServer, name: str, head: bytes) -> None:
    # RFC 9112 §6.3 rule 1: 1xx, 204 and 304 end at the blank line; what follows is not the
    # body, and must not become the next response either.
    first = fault_server.script(f"/f/bodyless-{name}", Send(head), KeepAlive())
    second = fault_server.script(f"/f/bodyless-{name}-next", Send(response(body=b"next")))
    with wire.Client(timeout=5) as client:
        assert client.get(first).content == b""
        assert client.get(second).content == b"next"
    outcome = run_wire(["--timeout", "5", first])
    assert_clean_success(outcome)
    assert outcome.out == b""


def test_head_with_content_length_reads_no_body(fault_server: FaultServer) -> None:
    first = fault_server.script(
        "/f/head-cl", Send(OK_HEAD + b"Content-Length: 1000\r\n\r\n"), KeepAlive()
    )
    second = fault_server.script("/f/head-cl-next", Send(response(body=b"next")))
    with wire.Client(timeout=5) as client:
        head = client.head(first)
        assert (head.status_code, head.content, head.headers["content-length"]) == (
            200,
            b"",
            "1000",
        )
        assert client.get(second).content == b"next"
    outcome = run_wire(["--timeout", "2", "HEAD", first])
    assert_clean_success(outcome)
    assert outcome.seconds < 2


def test_redirect_leftover_bytes_are_never_shown_as_the_target(
    fault_server: FaultServer,
) -> None:
    target = fault_server.script(
        "/f/ka-target", Send(response(body=b"real", close=False)), KeepAlive()
    )
    redirect = response(b"302 Found", [(b"Location", target.encode())], close=False) + _forged()
    start = fault_server.script("/f/ka-redirect", Send(redirect), KeepAlive())
    outcome = run_wire(["--timeout", "5", "--follow", start])
    assert outcome.out in (b"real", b"")
    if outcome.out == b"":
        assert_clean_failure(outcome, 1)


@pytest.mark.parametrize("code", [b"299 Odd", b"599 Weird", b"418 I'm a teapot", b"200 "])
def test_unknown_status_codes_are_shown_as_sent(fault_server: FaultServer, code: bytes) -> None:
    url = fault_server.canned(f"/f/status-{code[:3].decode()}", response(code, body=b"body"))
    reply = wire.get(url, timeout=5)
    assert reply.status_code == int(code[:3])
    assert reply.content == b"body"
    outcome = run_wire(["--timeout", "5", url], terminal(color=None))
    assert not outcome.crashed
    assert outcome.code == {b"2": 0, b"4": 4, b"5": 5}[code[:1]]  # --check-status's classes
    assert outcome.out.startswith(b"HTTP/1.1 " + code.rstrip())
    assert outcome.out.endswith(b"\n\nbody\n")


def test_long_but_reasonable_reason_phrase_is_accepted(fault_server: FaultServer) -> None:
    url = fault_server.canned("/f/reason-1k", response(b"200 " + b"R" * 1000, body=b"ok"))
    assert wire.get(url, timeout=5).reason_phrase == "R" * 1000


def _continue_flood() -> Iterator[bytes]:
    # Interim responses for 4 s (then the server closes): a client with a cap on 1xx
    # responses gives up long before; one without reads them all.
    block = b"HTTP/1.1 100 Continue\r\n\r\n" * 1000
    deadline = time.monotonic() + 4
    while time.monotonic() < deadline:
        yield block


def test_endless_1xx_flood_is_cut_off(fault_server: FaultServer) -> None:
    # Each interim response arrives at once, so no read timeout fires: only a cap on 1xx
    # responses (or on the bytes read before the final head) ends this.
    url = fault_server.script("/f/1xx-endless", Stream(_continue_flood))
    started = time.monotonic()
    with pytest.raises(wire.RemoteProtocolError):
        wire.get(url, timeout=5)
    assert time.monotonic() - started < 2
    outcome = run_wire(["--timeout", "5", url])
    assert_clean_failure(outcome, 1)
    assert outcome.seconds < 2


def test_a_few_1xx_responses_are_skipped(fault_server: FaultServer) -> None:
    interim = b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n"
    url = fault_server.canned("/f/1xx-few", interim + response(body=b"final"))
    reply = wire.get(url, timeout=5)
    assert (reply.status_code, reply.content) == (200, b"final")


def test_unexpected_101_neither_hangs_nor_crashes(fault_server: FaultServer) -> None:
    # RFC 9110 §15.2.2: a server must not switch protocols unasked. Whatever follows the
    # 101 is not HTTP; the client must stop (an error, or the 101 shown with no body).
    raw = (
        b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: evil\r\nConnection: Upgrade\r\n\r\n"
        b"\x00\x01binary junk after the switch"
    )
    url = fault_server.script("/f/101", Send(raw), Sleep(10))
    try:
        reply = wire.get(url, timeout=2)
        assert reply.status_code == 101 and reply.content == b""
    except wire.TransportError:
        pass
    outcome = run_wire(["--timeout", "2", url])
    assert not outcome.crashed and "Traceback" not in outcome.err
    assert outcome.code in (0, 1)
    assert outcome.seconds < 5
    assert b"junk" not in outcome.out


def test_slow_status_line_drip_is_still_parsed(fault_server: FaultServer) -> None:
    url = fault_server.script("/f/drip-status", Drip(response(body=b"ok"), interval=0.001))
    assert wire.get(url, timeout=5).content == b"ok"


# --- the fault server itself does what the tests rely on --------------------------------------


def test_fault_server_reset_is_a_tcp_rst(fault_server: FaultServer) -> None:
    import socket

    fault_server.script("/self/reset", Send(b"HTTP/1.1 200 OK\r\n"), Reset())
    with socket.create_connection((fault_server.host, fault_server.port), timeout=5) as sock:
        sock.sendall(b"GET /self/reset HTTP/1.1\r\nHost: x\r\n\r\n")
        received = b""
        with pytest.raises(ConnectionResetError):
            for _ in range(100):
                chunk = sock.recv(1024)
                if not chunk:
                    break
                received += chunk
    assert received in (b"", b"HTTP/1.1 200 OK\r\n")


def test_fault_server_keep_alive_serves_the_next_request_on_the_same_connection(
    fault_server: FaultServer,
) -> None:
    url = fault_server.script("/self/ka", Send(response(body=b"again", close=False)), KeepAlive())
    with wire.Client(timeout=5) as client:
        assert client.get(url).content == b"again"
        assert client.get(url).content == b"again"
    first, second = fault_server.received("/self/ka")[-2:]
    assert first.connection == second.connection


def test_fault_server_drip_sends_one_byte_at_a_time(fault_server: FaultServer) -> None:
    url = fault_server.script("/self/drip", Drip(response(body=b"slow"), interval=0.005))
    started = time.monotonic()
    assert wire.get(url, timeout=5).content == b"slow"
    assert time.monotonic() - started >= 0.005 * len(response(body=b"slow")) * 0.5

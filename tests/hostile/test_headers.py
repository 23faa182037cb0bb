"""Hostile response headers: size caps with clear errors, invalid bytes, odd syntax, cookies.

Caps asserted (the exact limits are the implementation's; these bound them):
- a head of 5,000 tiny header lines is refused (a count cap well under 5,000), 100 are fine;
- one 90,000-byte header line is refused (a line cap), an 8,000-byte one is fine;
- a 1 MB head is refused (a total cap);
each with an error naming "header", not an internal buffer message.
"""

from __future__ import annotations

import pytest

import wire
from tests.servers.faults import FaultServer, response

from ._support import (
    UNSAFE_FOR_TERMINAL,
    assert_clean_failure,
    assert_clean_success,
    run_wire,
    terminal,
)

pytestmark = pytest.mark.hostile


def _head(lines: list[bytes], body: bytes = b"ok") -> bytes:
    return response(b"200 OK", [tuple(line.split(b": ", 1)) for line in lines], body)  # type: ignore[misc]


OVERSIZED: dict[str, bytes] = {
    "count": _head([b"X-H%d: v" % i for i in range(5_000)]),
    "line": _head([b"X-Long: " + b"a" * 90_000]),
    "total": _head([b"X-H%d: " % i + b"b" * 1_000 for i in range(1_000)]),
}


@pytest.mark.parametrize("kind", OVERSIZED)
def test_oversized_heads_are_refused_with_a_clear_error(
    fault_server: FaultServer, kind: str
) -> None:
    url = fault_server.canned(f"/h/oversized-{kind}", OVERSIZED[kind])
    with pytest.raises(wire.RemoteProtocolError, match="(?i)header"):
        wire.get(url, timeout=5)
    outcome = run_wire(["--timeout", "5", url])
    assert_clean_failure(outcome, 1, mentions="header")


def test_large_but_ordinary_heads_are_accepted(fault_server: FaultServer) -> None:
    lines = [b"X-H%d: " % i + b"c" * 100 for i in range(100)] + [b"X-Big: " + b"d" * 8_000]
    url = fault_server.canned("/h/large-ok", _head(lines))
    reply = wire.get(url, timeout=5)
    assert reply.headers["x-big"] == "d" * 8_000
    assert len(reply.headers) >= 101
    assert_clean_success(run_wire(["--timeout", "5", url]))


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("nul", b"a\x00b"),
        ("bel", b"a\x07b"),
        ("esc", b"\x1b[31mred"),
        ("del", b"a\x7fb"),
        ("bare-cr", b"a\rb"),
    ],
)
def test_control_bytes_in_values_are_rejected_or_neutralised(
    fault_server: FaultServer, name: str, value: bytes
) -> None:
    # RFC 9110 §5.5: CR, LF and NUL must be rejected or replaced with SP; other controls
    # must never reach the user raw.
    url = fault_server.canned(f"/h/ctl-{name}", _head([b"X-Ctl: " + value]))
    try:
        shown = wire.get(url, timeout=5).headers.get("x-ctl", "")
        assert "\x00" not in shown and "\r" not in shown
    except wire.RemoteProtocolError:
        pass
    outcome = run_wire(["--timeout", "5", "--headers", url], terminal())
    assert not outcome.crashed and "Traceback" not in outcome.err
    assert outcome.code in (0, 1)
    text = outcome.out.decode("utf-8", "replace")
    assert not UNSAFE_FOR_TERMINAL.search(text.replace("\x1b[", "")), text  # colours aside
    assert "\x1b[31mred" not in text


def test_obsolete_line_folding_is_unfolded(fault_server: FaultServer) -> None:
    # RFC 9112 §5.2: a user agent replaces each obs-fold with SP (or rejects the message).
    raw = b"HTTP/1.1 200 OK\r\nX-Fold: first\r\n second\r\nContent-Length: 2\r\n\r\nok"
    url = fault_server.canned("/h/obs-fold", raw)
    try:
        assert wire.get(url, timeout=5).headers["x-fold"] in ("first second", "first  second")
    except wire.RemoteProtocolError:
        pass


def test_space_before_colon_never_creates_a_new_name(fault_server: FaultServer) -> None:
    # RFC 9112 §5.1: whitespace between name and colon must be rejected or removed.
    raw = b"HTTP/1.1 200 OK\r\nX-Space : v\r\nContent-Length: 2\r\n\r\nok"
    url = fault_server.canned("/h/space-colon", raw)
    try:
        headers = wire.get(url, timeout=5).headers
        assert "x-space " not in {key.lower() for key in headers}
    except wire.RemoteProtocolError:
        pass
    outcome = run_wire(["--timeout", "5", url])
    assert not outcome.crashed and outcome.code in (0, 1)


def test_non_ascii_values_are_readable(fault_server: FaultServer) -> None:
    # As httpx: the head is decoded as ASCII, else UTF-8, else ISO-8859-1 (each value exact).
    url = fault_server.canned("/h/utf8", _head([b"X-Name: caf\xc3\xa9"]))
    reply = wire.get(url, timeout=5)
    assert reply.headers["x-name"] == "café"
    assert reply.headers.raw[0] == (b"X-Name", b"caf\xc3\xa9")
    outcome = run_wire(["--timeout", "5", "--headers", url], terminal(color=None))
    assert_clean_success(outcome)
    assert "X-Name: café" in outcome.out.decode("utf-8")
    latin = fault_server.canned("/h/latin1", _head([b"X-Latin: caf\xe9"]))
    assert wire.get(latin, timeout=5).headers["x-latin"] == "café"
    assert_clean_success(run_wire(["--timeout", "5", latin], terminal()))


def test_c1_controls_in_header_values_are_escaped_on_a_terminal(
    fault_server: FaultServer,
) -> None:
    # 0x9B is CSI in C1 and legal obs-text in HTTP: latin-1 decoding turns it into U+009B.
    url = fault_server.canned("/h/c1", _head([b"X-C1: \x9b31m\x9d0;title\x9c"]))
    outcome = run_wire(["--timeout", "5", "--headers", url], terminal(color=None))
    assert_clean_success(outcome)
    assert not UNSAFE_FOR_TERMINAL.search(outcome.out.decode("utf-8", "replace"))


# --- cookies ---------------------------------------------------------------------------------


def test_set_cookie_flood_is_capped(fault_server: FaultServer) -> None:
    lines = [b"Set-Cookie: c%d=v; Path=/" % i for i in range(3_000)]
    url = fault_server.canned("/h/cookie-flood", _head(lines))
    with wire.Client(timeout=5) as client:
        try:
            client.get(url)
        except wire.RemoteProtocolError:
            return  # refused as too many header lines: also a cap
        assert 0 < len(client.cookies.jar) <= 1_000


def _store(url: str, set_cookie: str) -> wire.Cookies:
    cookies = wire.Cookies()
    request = wire.Request("GET", url)
    cookies.extract_cookies(
        wire.Response(200, headers=[("Set-Cookie", set_cookie)], request=request)
    )
    return cookies


@pytest.mark.parametrize(
    ("url", "set_cookie"),
    [
        ("http://shop.example.co.uk/", "a=1; Domain=co.uk"),
        ("http://shop.example.com/", "a=1; Domain=com"),
        ("http://evil.github.io/", "a=1; Domain=github.io"),
        ("http://evil.example.org/", "a=1; Domain=example.com"),
        ("http://127.0.0.1/", "a=1; Domain=0.0.1"),
        ("http://example.com/", "a=b\x01c"),
        ("http://example.com/", "a=b\x1b[2Jc"),
        ("http://example.com/", "a\x00=b"),
    ],
)
def test_invalid_cookies_are_not_stored(url: str, set_cookie: str) -> None:
    # RFC 6265 §5.3 step 5 (public suffixes), step 6 (domain-match), §4.1.1 (cookie-octets).
    assert list(_store(url, set_cookie).jar) == []


def test_command_sends_only_valid_cookies_after_a_redirect(fault_server: FaultServer) -> None:
    target = fault_server.canned("/h/cookie-target", response(body=b"done"))
    redirect = response(
        b"302 Found",
        [
            (b"Location", target.encode()),
            (b"Set-Cookie", b"good=1; Path=/"),
            (b"Set-Cookie", b"foreign=1; Domain=example.com; Path=/"),
            (b"Set-Cookie", b"suffix=1; Domain=1; Path=/"),
        ],
    )
    start = fault_server.canned("/h/cookie-start", redirect)
    outcome = run_wire(["--timeout", "5", "--follow", start])
    assert_clean_success(outcome)
    sent = fault_server.received("/h/cookie-target")[-1].header("cookie")
    assert sent == "good=1"

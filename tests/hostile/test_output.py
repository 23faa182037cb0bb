"""What a hostile server's bytes do to the user's terminal, and to a pipe.

On a terminal, escape sequences (CSI, OSC 52 clipboard, OSC 0/2 title, DSR queries, DCS),
C0/C1 controls and bidi overrides are neutralised wherever server text appears: the body,
header values, the reason phrase and the names of downloaded files. Piped, the body is
byte-exact. Pathological JSON and huge lines are shown or refused cleanly, never a crash or
a hang.
"""

from __future__ import annotations

import io
import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.servers.faults import FaultServer, Send, Stream, response
from wire.cli._env import Environment

from ._support import (
    UNSAFE_FOR_TERMINAL,
    assert_clean_failure,
    assert_clean_success,
    piped,
    run_wire,
    terminal,
)

pytestmark = pytest.mark.hostile

SGR = re.compile("\x1b\\[[0-9;]*m")  # our own colours

ATTACKS = {
    "csi-clear": "\x1b[2J\x1b[H",
    "osc52-clipboard": "\x1b]52;c;cm0gLXJmIH4K\x07",
    "osc-title": "\x1b]0;owned\x1b\\",
    "osc8-link": "\x1b]8;;http://evil/\x1b\\click\x1b]8;;\x1b\\",
    "dsr-query": "\x1b[6n",
    "dcs-decrqss": "\x1bP$qm\x1b\\",
    "c1-csi": "\u009b31m",
    "c1-osc": "\u009d0;title\u009c",
    "c0": "\x07\x08\x0b\x0c\x0e\x7f",  # no NUL: that makes the body binary (not shown)
    "bare-cr": "safe\rEVIL",
    "bidi-rlo": "abc\u202edcba\u202c",
    "bidi-isolate": "\u2067hidden\u2069",
}


def _assert_terminal_safe(text: str) -> None:
    # The only escape sequences left may be our own colours.
    stripped = SGR.sub("", text)
    assert not UNSAFE_FOR_TERMINAL.search(stripped), repr(stripped[:400])


def _body_response(payload: bytes, ctype: bytes) -> bytes:
    return response(b"200 OK", [(b"Content-Type", ctype)], payload)


@pytest.mark.parametrize("ctype", [b"text/plain", b"text/html", b"application/xml"])
@pytest.mark.parametrize("color", [None, "256"])
@pytest.mark.parametrize("attack", ATTACKS)
def test_body_escapes_are_neutralised_on_a_terminal(
    fault_server: FaultServer, attack: str, color: str | None, ctype: bytes
) -> None:
    payload = f"before {ATTACKS[attack]} after\n".encode()
    url = fault_server.canned(f"/o/body-{attack}-{ctype.decode()}", _body_response(payload, ctype))
    outcome = run_wire(["--timeout", "5", url], terminal(color))
    assert_clean_success(outcome)
    text = outcome.out.decode("utf-8")
    _assert_terminal_safe(text)
    assert "before" in text and "after" in text


@pytest.mark.parametrize("attack", ["csi-clear", "osc52-clipboard", "c1-csi", "bidi-rlo", "c0"])
def test_json_string_escapes_are_not_decoded_into_controls(
    fault_server: FaultServer, attack: str
) -> None:
    # "\u001b" inside a JSON string is ESC once decoded: a formatter that re-serialises
    # without escaping controls would write it raw.
    import json

    payload = json.dumps({"k": ATTACKS[attack]}).encode()
    url = fault_server.canned(f"/o/json-{attack}", _body_response(payload, b"application/json"))
    for color in (None, "256"):
        outcome = run_wire(["--timeout", "5", url], terminal(color))
        assert_clean_success(outcome)
        _assert_terminal_safe(outcome.out.decode("utf-8"))


def test_headers_and_reason_phrase_are_neutralised(fault_server: FaultServer) -> None:
    raw = (
        b"HTTP/1.1 200 OK \x9b2J \xe2\x80\xae\r\nX-Evil: \x9d52;c;aGk=\x9c\r\n"
        b"X-Bidi: \xe2\x80\xaecod.exe\r\nContent-Length: 2\r\n\r\nok"
    )
    url = fault_server.canned("/o/head-attacks", raw)
    for color in (None, "256"):
        outcome = run_wire(["--timeout", "5", url], terminal(color))
        assert not outcome.crashed and "Traceback" not in outcome.err
        _assert_terminal_safe(outcome.out.decode("utf-8"))
        _assert_terminal_safe(outcome.err)


def test_reason_phrase_in_the_piped_warning_is_neutralised(fault_server: FaultServer) -> None:
    url = fault_server.canned(
        "/o/reason-warning", b"HTTP/1.1 404 Gone \x9b2J\x9d0;t\x9c\r\nContent-Length: 0\r\n\r\n"
    )
    outcome = run_wire(
        ["--timeout", "5", url], Environment.for_testing(stdout_isatty=False, stderr_isatty=True)
    )
    assert not outcome.crashed
    _assert_terminal_safe(outcome.err)


@pytest.mark.parametrize("attack", ATTACKS)
def test_piped_output_is_byte_exact(fault_server: FaultServer, attack: str) -> None:
    payload = f"before {ATTACKS[attack]} after".encode() + b"\xff\x00\r\n"
    url = fault_server.canned(f"/o/piped-{attack}", _body_response(payload, b"text/plain"))
    outcome = run_wire(["--timeout", "5", url], piped())
    assert_clean_success(outcome)
    assert outcome.out == payload


def test_download_name_and_messages_are_neutralised(
    fault_server: FaultServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    raw = response(
        b"200 OK",
        [
            (
                b"Content-Disposition",
                b"attachment; filename*=UTF-8''%1B%5D0%3Bx%07evil%E2%80%AEtxt.exe",
            )
        ],
        b"data",
    )
    url = fault_server.canned("/o/download-name", raw)
    outcome = run_wire(["--timeout", "5", "--download", url], terminal())
    assert_clean_success(outcome)
    # stderr also holds the progress bar's own cursor controls: check the server's text only.
    saved = [line for line in outcome.err.splitlines() if "evil" in line or "txt" in line]
    assert saved, outcome.err
    for line in saved:
        _assert_terminal_safe(
            line.rpartition("\r")[2].replace("\x1b[2K", "").replace("\x1b[1A", "")
        )
    names = [path.name for path in tmp_path.iterdir()]
    assert len(names) == 1
    assert not UNSAFE_FOR_TERMINAL.search(names[0]), names


PATHOLOGICAL = {
    "invalid-utf8": (b"application/json", b'{"a": "\xff\xfe\xc3", "b": "\xed\xa0\x80"}'),
    "nested-100k-arrays": (b"application/json", b"[" * 100_000 + b"]" * 100_000),
    "nested-100k-objects": (b"application/json", b'{"a":' * 100_000 + b"1" + b"}" * 100_000),
    "5000-digit-int": (b"application/json", b'{"n": ' + b"9" * 5_000 + b"}"),
    "5000-digit-float": (b"application/json", b'{"n": 0.' + b"1" * 5_000 + b"e99999}"),
    "nested-100k-xml": (b"application/xml", b"<a>" * 100_000 + b"</a>" * 100_000),
    "xml-billion-laughs": (
        b"application/xml",
        b'<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa">'
        + b"".join(
            b'<!ENTITY %s "%s">' % (bytes([98 + i]), (b"&" + bytes([97 + i]) + b";") * 10)
            for i in range(9)
        )
        + b"]><l>&j;</l>",
    ),
}


@pytest.mark.parametrize("name", PATHOLOGICAL)
@pytest.mark.parametrize("color", [None, "256"])
def test_pathological_bodies_are_shown_or_refused_cleanly(
    fault_server: FaultServer, name: str, color: str | None
) -> None:
    ctype, payload = PATHOLOGICAL[name]
    url = fault_server.canned(f"/o/patho-{name}", _body_response(payload, ctype))
    outcome = run_wire(["--timeout", "5", url], terminal(color))
    assert not outcome.crashed, repr(outcome.exception)
    assert "Traceback" not in outcome.err
    assert outcome.seconds < 10
    if outcome.code != 0:
        assert_clean_failure(outcome, 1)
    text = outcome.out.decode("utf-8")
    _assert_terminal_safe(text)
    assert len(text) < 10 * len(payload) + 10_000  # no entity expansion
    if name.startswith("5000-digit"):
        assert "1" * 5_000 in SGR.sub("", text) or "9" * 5_000 in SGR.sub("", text)


class CountingSink(io.RawIOBase):
    def __init__(self) -> None:
        self.count = 0
        self.tail = b""

    def writable(self) -> bool:
        return True

    def write(self, data: bytes) -> int:  # type: ignore[override]
        self.count += len(data)
        self.tail = (self.tail + bytes(data))[-64:]
        return len(data)

    def getvalue(self) -> bytes:
        return self.tail


def _one_line(size: int) -> Iterator[bytes]:
    yield b"["
    block = b"1," * (512 * 1024)
    for _ in range(size // len(block)):
        yield block
    yield b"1]"


def test_one_100_mb_line_is_shown_on_a_terminal_without_hanging(
    fault_server: FaultServer,
) -> None:
    size = 100 * 1024 * 1024
    head = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\r\n"  # close-delimited
    url = fault_server.script("/o/line-100mb", Send(head), Stream(lambda: _one_line(size)))
    env = terminal(color="256")
    sink = CountingSink()
    env.stdout = sink  # type: ignore[assignment]
    started = time.monotonic()
    outcome = run_wire(["--timeout", "10", url], env)
    assert_clean_success(outcome)
    assert sink.count >= size
    assert time.monotonic() - started < 30


def test_a_large_single_line_json_is_formatted_in_reasonable_time(
    fault_server: FaultServer,
) -> None:
    # Under the 10 MiB format limit, so the formatter and highlighter run on all of it: they
    # must be roughly linear (8 MiB took 46 s when this test was written).
    payload = b"[" + b"1," * (512 * 1024) + b"1]"  # 1 MiB on one line
    url = fault_server.canned("/o/line-8mb", _body_response(payload, b"application/json"))
    env = terminal(color="256")
    env.stdout = CountingSink()  # type: ignore[assignment]
    outcome = run_wire(["--timeout", "10", url], env)
    assert_clean_success(outcome)
    assert outcome.seconds < 3, f"{outcome.seconds:.1f} s to show 1 MiB"

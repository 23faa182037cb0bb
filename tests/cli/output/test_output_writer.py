"""Writing messages per the plan (wire.cli.output._writer), with small httpx-like fakes."""

from __future__ import annotations

import io
import re
import textwrap
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import cast
from urllib.parse import urlsplit

import pytest

from wire.cli._env import Environment
from wire.cli.output import (
    BINARY_SUPPRESSED_NOTICE,
    OutputOptions,
    plan_output,
    write_request,
    write_response,
)
from wire.cli.output._formatters import format_json
from wire.client_core._exceptions import RequestNotRead

ANSI = re.compile(r"\x1b\[[0-9;]*m")


class FakeHeaders:
    def __init__(self, items: Iterable[tuple[str, str]] = ()) -> None:
        self._items = list(items)

    def multi_items(self) -> list[tuple[str, str]]:
        return list(self._items)

    def get(self, name: str, default: str | None = None) -> str | None:
        for key, value in self._items:
            if key.lower() == name.lower():
                return value
        return default


class FakeURL:
    def __init__(self, url: str) -> None:
        self._url = url
        parts = urlsplit(url)
        self.host = parts.hostname or ""
        self.raw_path = ((parts.path or "/") + (f"?{parts.query}" if parts.query else "")).encode()

    def __str__(self) -> str:
        return self._url


@dataclass
class FakeRequest:
    method: str = "GET"
    url: FakeURL = field(default_factory=lambda: FakeURL("http://example.org/"))
    headers: FakeHeaders = field(default_factory=FakeHeaders)
    body: bytes | None = b""

    @property
    def content(self) -> bytes:
        if self.body is None:
            raise RequestNotRead()
        return self.body


@dataclass
class FakeResponse:
    chunks: Iterable[bytes] = ()
    status_code: int = 200
    reason_phrase: str = "OK"
    http_version: str = "HTTP/1.1"
    headers: FakeHeaders = field(default_factory=FakeHeaders)
    encoding: str | None = "utf-8"
    request: FakeRequest = field(default_factory=FakeRequest)

    def iter_bytes(self) -> Iterator[bytes]:
        yield from self.chunks

    def iter_raw(self) -> Iterator[bytes]:
        yield from self.chunks


def _env(tty: bool = True, color: str | None = None) -> Environment:
    return Environment.for_testing(stdout_isatty=tty, color_system=color, width=60)


def _stdout(env: Environment) -> bytes:
    return cast(io.BytesIO, env.stdout).getvalue()


def _run(env: Environment, response: FakeResponse, **options: object) -> bytes:
    plan = plan_output(env, OutputOptions(**options), response)  # type: ignore[arg-type]
    write_response(env, plan, response)
    return _stdout(env)


JSON_RESPONSE_HEADERS = [
    ("Content-Type", "application/json"),
    ("X-B", "2"),
    ("Set-Cookie", "a=1"),
    ("X-A", "1"),
    ("Set-Cookie", "b=2"),
]


def test_piped_output_is_byte_for_byte() -> None:
    body = [b'\x1b]52;c;aGk=\x07{"b": 1.10,', b' "a": "\xc3\xa9"}\x00\xff']
    response = FakeResponse(body, headers=FakeHeaders(JSON_RESPONSE_HEADERS))
    assert _run(_env(tty=False), response) == b"".join(body)


def test_piped_output_streams_each_chunk_before_reading_the_next() -> None:
    env = _env(tty=False)
    seen: list[bytes] = []

    def chunks() -> Iterator[bytes]:
        for index in range(5):
            seen.append(_stdout(env))
            yield f"chunk{index}\n".encode()

    _run(env, FakeResponse(chunks()))
    assert seen == [b"", b"chunk0\n", b"chunk0\nchunk1\n", *seen[3:]]
    assert _stdout(env) == b"".join(f"chunk{i}\n".encode() for i in range(5))


def test_terminal_without_colour_formats_json_and_keeps_header_order() -> None:
    response = FakeResponse(
        [b'{"b": 1.10, "a": "\xc3\xa9", ', b'"big": 123456789012345678901234567890}'],
        headers=FakeHeaders(JSON_RESPONSE_HEADERS),
    )
    assert _run(_env(), response).decode() == textwrap.dedent(
        """\
        HTTP/1.1 200 OK
        Content-Type: application/json
        X-B: 2
        Set-Cookie: a=1
        X-A: 1
        Set-Cookie: b=2

        {
            "b": 1.10,
            "a": "é",
            "big": 123456789012345678901234567890
        }
        """
    )


def test_terminal_with_colour_highlights_head_and_json_body() -> None:
    response = FakeResponse(
        [b'{"key": "value", "n": 1, "ok": true}'],
        headers=FakeHeaders([("Content-Type", "application/json; charset=utf-8")]),
    )
    output = _run(_env(color="standard"), response).decode()
    # auto theme: version blue, 2xx green, header names cyan, keys bold blue, strings green,
    # numbers cyan, constants magenta
    assert output.startswith("\x1b[34mHTTP/1.1\x1b[0m \x1b[32m200 OK\x1b[0m\n")
    assert "\x1b[36mContent-Type\x1b[0m: application/json; charset=utf-8\n" in output
    assert '\x1b[1;34m"key"\x1b[0m: \x1b[32m"value"\x1b[0m' in output
    assert "\x1b[36m1\x1b[0m" in output and "\x1b[35mtrue\x1b[0m" in output
    assert ANSI.sub("", output) == textwrap.dedent(
        """\
        HTTP/1.1 200 OK
        Content-Type: application/json; charset=utf-8

        {
            "key": "value",
            "n": 1,
            "ok": true
        }
        """
    )


@pytest.mark.parametrize(
    ("status", "sgr"),
    [(101, "34"), (204, "32"), (302, "33"), (404, "31"), (503, "1;31")],
)
def test_status_line_is_coloured_by_class(status: int, sgr: str) -> None:
    response = FakeResponse(status_code=status, reason_phrase="Reason")
    output = _run(_env(color="256"), response, headers_only=True).decode()
    assert output == f"\x1b[34mHTTP/1.1\x1b[0m \x1b[{sgr}m{status} Reason\x1b[0m\n"


def test_truecolor_theme_uses_24_bit_colours() -> None:
    output = _run(_env(color="truecolor"), FakeResponse(), style="solarized", headers_only=True)
    assert b"\x1b[38;2;133;153;0m200 OK" in output  # solarized green #859900


def test_terminal_output_is_sanitised_but_piped_raw_is_not() -> None:
    evil = "\x1b]0;title\x07"
    response = FakeResponse(
        [f"body{evil}\u202e\r\n".encode()],
        reason_phrase=f"OK{evil}",
        headers=FakeHeaders([("X-Evil", f"v{evil}"), ("Content-Type", "text/plain")]),
    )
    shown = _run(_env(), response).decode()
    assert shown == (
        "HTTP/1.1 200 OK\\x1b]0;title\\x07\n"
        "X-Evil: v\\x1b]0;title\\x07\n"
        "Content-Type: text/plain\n"
        "\n"
        "body\\x1b]0;title\\x07\\u202e\n"
    )
    coloured = _run(_env(color="truecolor"), response).decode()
    assert "\x1b]" not in coloured and "\x07" not in coloured
    raw = _run(_env(tty=False), response, print_spec="hb").decode()
    assert evil in raw


def test_binary_body_on_terminal_shows_the_notice_and_stops_reading() -> None:
    read: list[int] = []

    def chunks() -> Iterator[bytes]:
        for index in range(3):
            read.append(index)
            yield b"\x89PNG\r\n\x1a\n\x00\x00"

    response = FakeResponse(chunks(), headers=FakeHeaders([("Content-Type", "image/png")]))
    assert _run(_env(), response).decode() == (
        f"HTTP/1.1 200 OK\nContent-Type: image/png\n\n{BINARY_SUPPRESSED_NOTICE}\n"
    )
    assert read == [0]


def test_binary_body_piped_is_written_unchanged() -> None:
    png = b"\x89PNG\r\n\x1a\n\x00\x00"
    assert _run(_env(tty=False), FakeResponse([png])) == png


def test_empty_body_prints_no_blank_line() -> None:
    response = FakeResponse([b""], status_code=204, reason_phrase="No Content")
    assert _run(_env(), response) == b"HTTP/1.1 204 No Content\n"


def test_invalid_json_is_shown_as_sent_with_a_final_newline() -> None:
    response = FakeResponse([b"{not json"], headers=FakeHeaders([("Content-Type", "text/json")]))
    assert _run(_env(), response, body_only=True) == b"{not json\n"


def test_charset_from_the_response_is_used() -> None:
    response = FakeResponse(["caf\u00e9 \u00fcber".encode("latin-1")], encoding="iso-8859-1")
    assert _run(_env(), response, body_only=True).decode() == "caf\u00e9 \u00fcber\n"


def test_body_bigger_than_the_limit_is_streamed_plain_and_sanitised() -> None:
    env = _env()
    response = FakeResponse(
        [b'{"a": ', b'"\x1b[31m", ', b'"b": 2}'],
        headers=FakeHeaders([("Content-Type", "application/json")]),
    )
    plan = plan_output(env, OutputOptions(body_only=True), response)
    write_response(env, plan, response, format_limit=8)
    assert _stdout(env) == b'{"a": "\\x1b[31m", "b": 2}\n'


def test_event_stream_is_written_as_it_arrives() -> None:
    env = _env(color="256")
    seen: list[bytes] = []

    def chunks() -> Iterator[bytes]:
        for index in range(3):
            seen.append(_stdout(env))
            yield f"data: {index}\n\n".encode()

    response = FakeResponse(chunks(), headers=FakeHeaders([("Content-Type", "text/event-stream")]))
    _run(env, response, body_only=True)
    plain = [re.sub(rb"\x1b\[[0-9;]*m", b"", output) for output in seen]
    assert plain == [b"", b"data: 0\n\n", b"data: 0\n\ndata: 1\n\n"]
    # Each event is coloured as it arrives: the field name and the JSON value.
    assert seen[1].startswith(b"\x1b[")
    assert re.sub(rb"\x1b\[[0-9;]*m", b"", _stdout(env)) == b"data: 0\n\ndata: 1\n\ndata: 2\n\n"


def test_multibyte_character_split_across_chunks_in_stream_mode() -> None:
    response = FakeResponse([b"caf\xc3", b"\xa9\r", b"\nend"])
    assert _run(_env(), response, pretty="none", body_only=True).decode() == "caf\u00e9\nend\n"


def test_verbose_prints_request_then_response() -> None:
    env = _env()
    request = FakeRequest(
        "POST",
        FakeURL("http://example.org/post?x=1"),
        FakeHeaders([("Host", "example.org"), ("Content-Type", "application/json")]),
        b'{"hello":"world"}',
    )
    response = FakeResponse(
        [b'{"ok":true}'],
        headers=FakeHeaders([("Content-Type", "application/json")]),
        request=request,
    )
    plan = plan_output(env, OutputOptions(verbose=1), response)
    write_request(env, plan, request)
    write_response(env, plan, response)
    assert _stdout(env).decode() == textwrap.dedent(
        """\
        POST /post?x=1 HTTP/1.1
        Host: example.org
        Content-Type: application/json

        {
            "hello": "world"
        }

        HTTP/1.1 200 OK
        Content-Type: application/json

        {
            "ok": true
        }
        """
    )


def test_request_without_body_and_coloured_request_line() -> None:
    env = _env(color="standard")
    request = FakeRequest(headers=FakeHeaders([("Host", "example.org")]))
    write_request(env, plan_output(env, OutputOptions(print_spec="HB")), request)
    assert _stdout(env).decode() == (
        "\x1b[1;32mGET\x1b[0m \x1b[36m/\x1b[0m \x1b[34mHTTP/1.1\x1b[0m\n"
        "\x1b[36mHost\x1b[0m: example.org\n"
        "\n"
    )


def test_streaming_request_body_is_not_shown() -> None:
    env = _env()
    request = FakeRequest(body=None, headers=FakeHeaders([("Host", "h")]))
    write_request(env, plan_output(env, OutputOptions(verbose=1)), request)
    assert _stdout(env) == b"GET / HTTP/1.1\nHost: h\n\n"


def test_request_body_only_piped_is_raw() -> None:
    env = _env(tty=False)
    request = FakeRequest(body=b"a=1&b=2")
    write_request(env, plan_output(env, OutputOptions(print_spec="B")), request)
    assert _stdout(env) == b"a=1&b=2\n\n"


def test_nothing_requested_writes_nothing() -> None:
    env = _env()
    plan = plan_output(env, OutputOptions(print_spec=""))
    write_request(env, plan, FakeRequest())
    write_response(env, plan, FakeResponse([b"x"]))
    assert _stdout(env) == b""


def test_binary_notice_takes_the_theme_notice_colour() -> None:
    response = FakeResponse([b"\x00\x01"])
    output = _run(_env(color="standard"), response, body_only=True).decode()
    assert (
        output
        == "\n".join(f"\x1b[33m{line}\x1b[0m" for line in BINARY_SUPPRESSED_NOTICE.split("\n"))
        + "\n"
    )


# --- big bodies: bounded memory, highlighting only up to its limit -------------------------

JSON_HEADERS = FakeHeaders([("Content-Type", "application/json")])


def test_one_huge_chunk_is_written_in_bounded_memory() -> None:
    import hashlib
    import tracemalloc

    class DigestSink(io.RawIOBase):
        """A stdout that keeps only a digest of what it was given."""

        def __init__(self) -> None:
            self.digest = hashlib.sha256()

        def writable(self) -> bool:
            return True

        def write(self, data: bytes) -> int:  # type: ignore[override]
            self.digest.update(data)
            return len(data)

    body = b"abcdefg\x1b" * (512 * 1024)  # 4 MiB in one chunk, as an unbounded decoder gives
    expected = hashlib.sha256(b"abcdefg\\x1b" * (512 * 1024) + b"\n").hexdigest()
    env = _env()
    sink = DigestSink()
    env.stdout = sink  # type: ignore[assignment]
    response = FakeResponse([body], headers=JSON_HEADERS)
    plan = plan_output(env, OutputOptions(body_only=True), response)
    tracemalloc.start()
    try:
        write_response(env, plan, response, format_limit=128 * 1024)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert sink.digest.hexdigest() == expected  # all of it, sanitised
    # the 128 KiB format buffer and a few 64 KiB pieces: never a copy of the 4 MiB chunk
    assert peak < 1024 * 1024, peak


def test_body_over_the_highlight_limit_is_formatted_without_colours(monkeypatch) -> None:
    from wire.cli.output import _writer

    monkeypatch.setattr(_writer, "DEFAULT_HIGHLIGHT_LIMIT", 16)
    body = b'{"key": "value", "n": [1, 2]}'
    out = _run(_env(color="256"), FakeResponse([body], headers=JSON_HEADERS))
    head, _, shown = out.partition(b"\n\n")
    assert ANSI.search(head.decode())  # the head is still coloured
    assert shown == b'{\n    "key": "value",\n    "n": [\n        1,\n        2\n    ]\n}\n'
    small = _run(_env(color="256"), FakeResponse([b"[1]"], headers=JSON_HEADERS), body_only=True)
    assert ANSI.sub("", small.decode()) == "[\n    1\n]\n" and ANSI.search(small.decode())


def test_body_that_formats_too_big_to_highlight_is_not_coloured(monkeypatch) -> None:
    from wire.cli.output import _writer

    monkeypatch.setattr(_writer, "_HIGHLIGHT_TEXT_LIMIT", 40)
    body = b"[[[[1, 2, 3]]]]"  # 15 bytes: under the body limit, 100 characters formatted
    out = _run(_env(color="256"), FakeResponse([body], headers=JSON_HEADERS), body_only=True)
    assert not ANSI.search(out.decode())
    assert out.decode() == (format_json(body.decode()) or "") + "\n"


def test_streamed_line_longer_than_the_format_limit_is_written_plain(monkeypatch) -> None:
    from wire.cli.output import _writer

    monkeypatch.setattr(_writer, "DEFAULT_FORMAT_LIMIT", 100)
    headers = FakeHeaders([("Content-Type", "application/x-ndjson")])
    chunks = [b'{"a": 1}\n', b'["\x1b' + b"x" * 60, b"y" * 60, b'"]\n{"b": 2}\n']
    out = _run(_env(color="256"), FakeResponse(chunks, headers=headers), body_only=True)
    first, _, rest = out.decode().partition('["')
    assert ANSI.sub("", first) == '{\n    "a": 1\n}\n' and ANSI.search(first)  # formatted
    rest = '["' + rest
    # from the long line on: as sent, sanitised, uncoloured
    assert rest == '["\\x1b' + "x" * 60 + "y" * 60 + '"]\n{"b": 2}\n'


def test_long_line_in_stream_mode_is_not_highlighted(monkeypatch) -> None:
    from wire.cli.output import _writer

    monkeypatch.setattr(_writer, "DEFAULT_HIGHLIGHT_LIMIT", 10)
    headers = FakeHeaders([("Content-Type", "application/x-ndjson")])
    chunks = [b'[1]\n["a much longer line"]\n']
    out = _run(_env(color="256"), FakeResponse(chunks, headers=headers), body_only=True).decode()
    short, _, long_lines = out.partition('[\n    "a much')
    assert ANSI.sub("", short) == "[\n    1\n]\n" and ANSI.search(short)
    assert long_lines == ' longer line"\n]\n'  # formatted, not coloured

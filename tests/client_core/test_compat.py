"""httpx 0.28 behaviours from its documentation that other test files do not cover:
`main`, the package metadata, `URL.raw`, instance attributes, and the request log line."""

from __future__ import annotations

import asyncio
import logging
import subprocess
import sys

import pytest

import wire


def test_main_runs_wires_command_line() -> None:
    # `wire.main` is httpx's `main` slot: it runs wire's CLI (and exits with its status).
    code = "import sys, wire; sys.argv = ['wire', '--version']; wire.main()"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0
    assert wire.__version__ in result.stdout


def test_main_takes_an_argument_list() -> None:
    with pytest.raises(SystemExit) as info:
        wire.main(["--version"])
    assert info.value.code in (0, None)


def test_metadata() -> None:
    assert wire.__title__ == "wire"
    assert "httpx" in wire.__description__
    assert {"__title__", "__description__", "__version__"} <= set(wire.__all__)


def test_url_raw_is_deprecated_but_works() -> None:
    url = wire.URL("https://user:pw@example.org:8443/a%20b?x=1#f")
    with pytest.warns(UserWarning, match="deprecated"):
        raw = url.raw
    assert raw == (b"https", b"example.org", 8443, b"/a%20b?x=1")
    assert (raw.raw_scheme, raw.port) == (b"https", 8443)


def test_url_shares_its_parse_when_copied() -> None:
    url = wire.URL("https://example.org/a")
    copy = wire.URL(url)
    assert copy == url and copy is not url
    assert wire.URL("https://example.org/a") == url  # parsed once, cached


@pytest.mark.parametrize(
    ("attribute", "expected"),
    [
        ("status_code", 200),
        ("history", []),
        ("next_request", None),
        ("is_closed", True),
        ("is_stream_consumed", True),
        ("default_encoding", "utf-8"),
        ("extensions", {}),
        ("num_bytes_downloaded", 0),
    ],
)
def test_response_instance_attributes(attribute: str, expected: object) -> None:
    response = wire.Response(200, content=b"abc")
    assert getattr(response, attribute) == expected


def test_response_read_counts_raw_bytes_and_closes() -> None:
    response = wire.Response(200, content=iter([b"ab", b"cde"]))
    assert (response.is_stream_consumed, response.is_closed) == (False, False)
    assert response.read() == b"abcde"
    assert (response.num_bytes_downloaded, response.is_closed) == (5, True)
    assert response.is_stream_consumed


def _hop(request: wire.Request) -> wire.Response:
    if request.url.path == "/start":
        return wire.Response(302, headers={"Location": "/end"})
    return wire.Response(200, text="ok")


def test_one_log_line_per_request_including_redirect_hops(
    caplog: pytest.LogCaptureFixture,
) -> None:
    transport = wire.MockTransport(_hop)
    with caplog.at_level(logging.DEBUG, logger="wire"):
        with wire.Client(transport=transport, follow_redirects=True) as client:
            client.get("https://example.org/start")
    lines = [(r.name, r.levelname, r.getMessage()) for r in caplog.records]
    assert lines == [
        ("wire", "INFO", 'HTTP Request: GET https://example.org/start "HTTP/1.1 302 Found"'),
        ("wire", "INFO", 'HTTP Request: GET https://example.org/end "HTTP/1.1 200 OK"'),
    ]


def test_async_client_logs_the_same_line(caplog: pytest.LogCaptureFixture) -> None:
    async def main() -> None:
        async with wire.AsyncClient(transport=wire.MockTransport(_hop)) as client:
            await client.post("https://example.org/end", content=b"x")

    with caplog.at_level(logging.INFO, logger="wire"):
        asyncio.run(main())
    assert [r.getMessage() for r in caplog.records] == [
        'HTTP Request: POST https://example.org/end "HTTP/1.1 200 OK"'
    ]


def test_no_log_record_below_info(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="wire"):
        with wire.Client(transport=wire.MockTransport(_hop)) as client:
            client.get("https://example.org/end")
    assert caplog.records == []


@pytest.mark.parametrize("method", ["iter_bytes", "iter_text", "iter_raw"])
@pytest.mark.parametrize("chunk_size", [0, -3])
@pytest.mark.parametrize("streaming", [False, True])
def test_chunk_size_below_one_is_refused(method: str, chunk_size: int, streaming: bool) -> None:
    content = iter([b"abc"]) if streaming else b"abc"
    response = wire.Response(200, content=content)
    if method == "iter_raw" and not streaming:
        return  # a body given as a value was read already: iter_raw() is StreamConsumed
    with pytest.raises(ValueError, match="chunk_size"):
        list(getattr(response, method)(chunk_size))


@pytest.mark.parametrize(
    ("chunks", "size", "expected"),
    [
        ([b"abcdef"], 4, [b"abcd", b"ef"]),
        ([b"ab", b"cd", b"ef"], 3, [b"abc", b"def"]),
        ([b"a", b"", b"b"], None, [b"a", b"b"]),
        ([], 2, []),
    ],
)
def test_iter_bytes_rechunks(chunks: list[bytes], size: int | None, expected: list[bytes]) -> None:
    assert list(wire.Response(200, content=iter(chunks)).iter_bytes(size)) == expected


def test_iter_bytes_without_chunk_size_does_not_copy() -> None:
    chunk = b"x" * 100_000
    parts = list(wire.Response(200, content=iter([chunk])).iter_bytes())
    assert parts[0] is chunk


def test_read_of_a_one_chunk_body_does_not_copy() -> None:
    chunk = b"y" * 100_000
    assert wire.Response(200, content=iter([chunk])).read() is chunk

"""Request and Response: auto headers, body decoding, text encoding, stream states."""

from __future__ import annotations

import asyncio
import contextlib
import datetime
import gzip
import pickle
import zlib
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import pytest

from wire.client_core._content import ByteStream
from wire.client_core._exceptions import (
    DecodingError,
    HTTPStatusError,
    RequestNotRead,
    ResponseNotRead,
    StreamClosed,
    StreamConsumed,
)
from wire.client_core._models import Request, Response
from wire.client_core._types import AsyncByteStream, SyncByteStream
from wire.client_core._urls import URL as WireURL

URL = "https://example.org/path"


class SyncChunks(SyncByteStream):
    """A transport-like sync stream that records whether it was closed."""

    def __init__(self, chunks: list[bytes]) -> None:
        self.chunks = chunks
        self.close_calls = 0
        self.generator_finished = False

    def __iter__(self) -> Iterator[bytes]:
        try:
            yield from self.chunks
        finally:
            self.generator_finished = True

    def close(self) -> None:
        self.close_calls += 1


class AsyncChunks(AsyncByteStream):
    """A transport-like async stream that records generator finalisation and aclose()."""

    def __init__(self, chunks: list[bytes]) -> None:
        self.chunks = chunks
        self.close_calls = 0
        self.generator_finished = False

    async def __aiter__(self) -> AsyncIterator[bytes]:
        try:
            for chunk in self.chunks:
                yield chunk
        finally:
            self.generator_finished = True

    async def aclose(self) -> None:
        self.close_calls += 1


async def _agen(chunks: list[bytes]) -> AsyncIterator[bytes]:
    for chunk in chunks:
        yield chunk


# --- Request -----------------------------------------------------------------------------


@pytest.mark.parametrize(("method", "expected"), [("get", "GET"), (b"post", "POST")])
def test_request_method_is_upper_cased_str(method: str | bytes, expected: str) -> None:
    assert Request(method, URL).method == expected


@pytest.mark.parametrize(
    ("url", "params", "expected"),
    [
        # httpx 0.28: `params=` replaces the URL's query; an empty value removes it.
        ("https://example.org/?a=1", {"b": "2"}, "https://example.org/?b=2"),
        ("https://example.org/?c=3", {"a": "1", "b": "2"}, "https://example.org/?a=1&b=2"),
        ("https://example.org/?a=1", {}, "https://example.org/"),
        ("https://example.org/?a=1", None, "https://example.org/?a=1"),
    ],
)
def test_request_params_replace_the_query(
    url: str, params: dict[str, str] | None, expected: str
) -> None:
    request = Request("GET", url, params=params)

    assert repr(request) == f"<Request('GET', {expected!r})>"
    assert str(request.url) == expected


def test_merging_params_into_a_query_is_explicit() -> None:
    url = WireURL("https://example.org/?a=1").copy_merge_params({"b": "2"})

    assert Request("GET", url).url == "https://example.org/?a=1&b=2"


@pytest.mark.parametrize(
    ("method", "kwargs", "expected"),
    [
        ("GET", {}, [("host", "example.org")]),
        ("POST", {}, [("host", "example.org"), ("content-length", "0")]),
        ("DELETE", {}, [("host", "example.org")]),
        ("PUT", {"content": b"abc"}, [("host", "example.org"), ("content-length", "3")]),
        ("POST", {"content": "\u00e9"}, [("host", "example.org"), ("content-length", "2")]),
        (
            "POST",
            {"content": iter([b"a", b"b"])},
            [("host", "example.org"), ("transfer-encoding", "chunked")],
        ),
        (
            "POST",
            {"data": {"a": "1 2"}},
            [
                ("host", "example.org"),
                ("content-length", "5"),
                ("content-type", "application/x-www-form-urlencoded"),
            ],
        ),
        (
            "POST",
            {"json": {"a": 1}},
            [
                ("host", "example.org"),
                ("content-length", "7"),
                ("content-type", "application/json"),
            ],
        ),
        (
            "POST",
            {"content": iter([b"ab"]), "headers": {"Content-Length": "2"}},
            [("host", "example.org"), ("content-length", "2")],
        ),
        (
            "POST",
            {"content": b"abc", "headers": {"Host": "other.test"}},
            [("host", "other.test"), ("content-length", "3")],
        ),
        ("GET", {"stream": ByteStream(b"abc")}, []),
    ],
)
def test_request_auto_headers(
    method: str, kwargs: dict[str, Any], expected: list[tuple[str, str]]
) -> None:
    request = Request(method, URL, **kwargs)

    assert request.headers.multi_items() == expected


def test_request_host_header_comes_first_and_keeps_user_casing() -> None:
    request = Request("POST", URL, headers={"X-Trace": "1"}, content=b"x")

    assert request.headers.raw == [
        (b"Host", b"example.org"),
        (b"X-Trace", b"1"),
        (b"Content-Length", b"1"),
    ]


@pytest.mark.parametrize(
    ("url", "host"),
    [
        ("http://example.org:8080/", "example.org:8080"),
        ("https://example.org:443/", "example.org"),
        ("http://example.org:80/", "example.org"),
        ("http://user:secret@example.org/", "example.org"),
        ("http://[::1]:8000/", "[::1]:8000"),
    ],
)
def test_request_host_header_from_netloc(url: str, host: str) -> None:
    assert Request("GET", url).headers["Host"] == host


def test_request_multipart_uses_boundary_of_user_content_type() -> None:
    request = Request(
        "POST",
        URL,
        headers={"Content-Type": "multipart/form-data; boundary=XyZ123"},
        files={"upload": ("a.txt", b"data", "text/plain")},
    )

    body = request.read()
    assert request.headers["Content-Type"] == "multipart/form-data; boundary=XyZ123"
    assert body.startswith(b"--XyZ123\r\n")
    assert body.endswith(b"--XyZ123--\r\n")
    assert request.headers["Content-Length"] == str(len(body))


def test_request_content_of_streaming_body_needs_read() -> None:
    request = Request("POST", URL, content=iter([b"a", b"b"]))

    with pytest.raises(RequestNotRead):
        _ = request.content
    assert request.read() == b"ab"
    assert request.content == b"ab"
    # The one-shot iterator was replaced by a replayable stream.
    assert isinstance(request.stream, ByteStream)
    assert b"".join(request.stream) == b"ab"


def test_request_aread_of_async_body_and_sync_read_refused() -> None:
    request = Request("POST", URL, content=_agen([b"a", b"b"]))

    with pytest.raises(RuntimeError, match="sync read on an async stream"):
        request.read()
    assert asyncio.run(request.aread()) == b"ab"
    assert request.content == b"ab"


def test_request_cookies_become_a_cookie_header() -> None:
    request = Request("GET", URL, cookies={"a": "1", "b": "2"})

    assert request.headers["Cookie"] == "a=1; b=2"


def test_request_pickles_without_its_stream() -> None:
    request = Request("POST", URL, content=b"body", extensions={"timeout": {}})

    copy = pickle.loads(pickle.dumps(request))

    assert (copy.method, str(copy.url), copy.headers, copy.content) == (
        "POST",
        URL,
        request.headers,
        b"body",
    )
    assert copy.extensions == {}
    with pytest.raises(StreamClosed):
        list(copy.stream)


# --- Response metadata -------------------------------------------------------------------


def test_response_basics() -> None:
    response = Response(200, content=b"hello")

    assert repr(response) == "<Response [200 OK]>"
    assert response.content == b"hello"
    assert response.text == "hello"
    assert response.headers["Content-Length"] == "5"
    assert response.http_version == "HTTP/1.1"
    assert response.history == []
    assert response.next_request is None
    assert response.is_closed and response.is_stream_consumed
    assert response.num_bytes_downloaded == 0


def test_response_reason_and_version_from_extensions() -> None:
    response = Response(404, extensions={"reason_phrase": b"Nope", "http_version": b"HTTP/2"})

    assert response.reason_phrase == "Nope"
    assert response.http_version == "HTTP/2"
    assert repr(response) == "<Response [404 Nope]>"


def test_response_request_and_url_need_a_request() -> None:
    response = Response(200)

    with pytest.raises(RuntimeError, match="request instance has not been set"):
        _ = response.request
    with pytest.raises(RuntimeError):
        _ = response.url
    response.request = Request("GET", URL)
    assert str(response.url) == URL


def test_response_elapsed_is_settable_and_raises_before() -> None:
    response = Response(200)

    with pytest.raises(RuntimeError, match="'.elapsed' may only be accessed"):
        _ = response.elapsed
    response.elapsed = datetime.timedelta(seconds=1.5)
    assert response.elapsed.total_seconds() == 1.5


@pytest.mark.parametrize(
    ("status", "flags"),
    [
        (101, "informational"),
        (200, "success"),
        (204, "success"),
        (304, "redirect"),
        (404, "client_error error"),
        (503, "server_error error"),
    ],
)
def test_response_status_predicates(status: int, flags: str) -> None:
    response = Response(status)
    names = ["informational", "success", "redirect", "client_error", "server_error", "error"]

    assert {name for name in names if getattr(response, f"is_{name}")} == set(flags.split())


@pytest.mark.parametrize(
    ("status", "headers", "expected"),
    [
        (301, {"Location": "/x"}, True),
        (302, {"Location": "/x"}, True),
        (303, {"Location": "/x"}, True),
        (307, {"Location": "/x"}, True),
        (308, {"Location": "/x"}, True),
        (302, {}, False),
        (300, {"Location": "/x"}, False),
        (304, {"Location": "/x"}, False),
        (200, {"Location": "/x"}, False),
    ],
)
def test_has_redirect_location(status: int, headers: dict[str, str], expected: bool) -> None:
    assert Response(status, headers=headers).has_redirect_location is expected


@pytest.mark.parametrize(
    ("status", "headers", "message"),
    [
        (
            404,
            {},
            "Client error '404 Not Found' for url 'https://example.org/path'\n"
            "For more information check: "
            "https://developer.mozilla.org/en-US/docs/Web/HTTP/Status/404",
        ),
        (
            503,
            {},
            "Server error '503 Service Unavailable' for url 'https://example.org/path'\n"
            "For more information check: "
            "https://developer.mozilla.org/en-US/docs/Web/HTTP/Status/503",
        ),
        (
            301,
            {"Location": "https://example.org/new"},
            "Redirect response '301 Moved Permanently' for url 'https://example.org/path'\n"
            "Redirect location: 'https://example.org/new'\n"
            "For more information check: "
            "https://developer.mozilla.org/en-US/docs/Web/HTTP/Status/301",
        ),
        (
            101,
            {},
            "Informational response '101 Switching Protocols' for url "
            "'https://example.org/path'\n"
            "For more information check: "
            "https://developer.mozilla.org/en-US/docs/Web/HTTP/Status/101",
        ),
    ],
)
def test_raise_for_status_message(status: int, headers: dict[str, str], message: str) -> None:
    request = Request("GET", URL)
    response = Response(status, headers=headers, request=request)

    with pytest.raises(HTTPStatusError) as info:
        response.raise_for_status()

    assert str(info.value) == message
    assert info.value.request is request
    assert info.value.response is response


def test_raise_for_status_success_returns_self_and_needs_a_request() -> None:
    response = Response(200, request=Request("GET", URL))

    assert response.raise_for_status() is response
    with pytest.raises(RuntimeError, match="Cannot call `raise_for_status`"):
        Response(500).raise_for_status()


def test_links_keyed_by_rel_or_url() -> None:
    link = '<https://e.org/?p=2>; rel="next", <https://e.org/style.css>'
    response = Response(200, headers={"Link": link})

    assert response.links == {
        "next": {"url": "https://e.org/?p=2", "rel": "next"},
        "https://e.org/style.css": {"url": "https://e.org/style.css"},
    }
    assert Response(200).links == {}


def test_response_cookies_from_set_cookie() -> None:
    response = Response(
        200,
        headers=[("Set-Cookie", "a=1; Path=/"), ("Set-Cookie", "b=2")],
        request=Request("GET", URL),
    )

    assert dict(response.cookies) == {"a": "1", "b": "2"}


def test_response_pickles_closed_with_its_content() -> None:
    response = Response(200, content=b"body", request=Request("GET", URL))

    copy = pickle.loads(pickle.dumps(response))

    assert (copy.status_code, copy.content, copy.is_closed) == (200, b"body", True)
    with pytest.raises(StreamConsumed):
        list(copy.iter_raw())


# --- Response body decoding and text -----------------------------------------------------


def _raw_deflate(data: bytes) -> bytes:
    compressor = zlib.compressobj(wbits=-zlib.MAX_WBITS)
    return compressor.compress(data) + compressor.flush()


BODY = b"The quick brown fox. " * 50


@pytest.mark.parametrize(
    ("encoding", "encode"),
    [
        ("gzip", gzip.compress),
        ("GZIP", gzip.compress),
        ("deflate", zlib.compress),
        ("deflate", _raw_deflate),
        ("deflate, gzip", lambda data: gzip.compress(zlib.compress(data))),
        ("gzip, identity", gzip.compress),
        ("unknown-coding", lambda data: data),
        ("identity", lambda data: data),
    ],
)
def test_content_encoding_is_decoded(encoding: str, encode: Callable[[bytes], bytes]) -> None:
    encoded = encode(BODY)
    response = Response(
        200, headers={"Content-Encoding": encoding}, stream=SyncChunks([encoded[:10], encoded[10:]])
    )

    assert response.read() == BODY
    assert response.num_bytes_downloaded == len(encoded)


def test_brotli_is_decoded() -> None:
    brotli = pytest.importorskip("brotli")
    response = Response(200, headers={"Content-Encoding": "br"}, content=brotli.compress(BODY))

    assert response.content == BODY


def test_decoding_error_carries_the_request() -> None:
    request = Request("GET", URL)
    response = Response(
        200, headers={"Content-Encoding": "gzip"}, stream=SyncChunks([b"not gzip"]), request=request
    )

    with pytest.raises(DecodingError) as info:
        response.read()
    assert info.value.request is request


# --- hostile encodings: chain cap, bounded streaming ------------------------------------


def _gzip_layers(body: bytes, layers: int) -> bytes:
    for _ in range(layers):
        body = gzip.compress(body)
    return body


@pytest.mark.parametrize(
    "header",
    [
        ", ".join(["gzip"] * 5),
        "gzip, gzip, gzip, gzip, gzip, identity, br",  # a listed coding counts even if unknown
    ],
    ids=["five-gzip", "seven-mixed"],
)
def test_content_encoding_chain_over_five_is_refused_but_five_is_decoded(header: str) -> None:
    request = Request("GET", URL)
    count = len(header.split(","))
    encoded = _gzip_layers(b"deep", 5)
    response = Response(
        200, headers={"Content-Encoding": header}, stream=SyncChunks([encoded]), request=request
    )
    if count <= 5:
        assert response.read() == b"deep"
        return
    with pytest.raises(DecodingError) as info:
        response.read()
    assert str(info.value) == f"too many Content-Encodings ({count} > 5)"
    assert info.value.request is request


@pytest.mark.parametrize("split_headers", [False, True], ids=["one-header", "six-headers"])
def test_chain_cap_counts_every_content_encoding_header(split_headers: bool) -> None:
    headers = (
        [("Content-Encoding", "identity")] * 6
        if split_headers
        else [("Content-Encoding", ", ".join(["identity"] * 6))]
    )
    response = Response(200, headers=headers, stream=SyncChunks([b"plain"]))
    with pytest.raises(DecodingError, match=r"too many Content-Encodings \(6 > 5\)"):
        list(response.iter_bytes())


BOMB_SIZE = 32 * 1024 * 1024


def _gzip_bomb() -> list[bytes]:
    encoded = gzip.compress(bytes(BOMB_SIZE), compresslevel=9)  # about 32 KiB
    return [encoded[start : start + 16_384] for start in range(0, len(encoded), 16_384)]


def test_iter_bytes_streams_a_bomb_in_pieces_of_at_most_64_kib() -> None:
    response = Response(200, headers={"Content-Encoding": "gzip"}, stream=SyncChunks(_gzip_bomb()))
    sizes = [len(chunk) for chunk in response.iter_bytes()]
    assert sum(sizes) == BOMB_SIZE
    assert max(sizes) <= 64 * 1024


def test_aiter_bytes_streams_a_bomb_in_pieces_of_at_most_64_kib() -> None:
    async def scenario() -> list[int]:
        stream = AsyncChunks(_gzip_bomb())
        response = Response(200, headers={"Content-Encoding": "gzip"}, stream=stream)
        return [len(chunk) async for chunk in response.aiter_bytes()]

    sizes = asyncio.run(scenario())
    assert sum(sizes) == BOMB_SIZE
    assert max(sizes) <= 64 * 1024


@pytest.mark.parametrize(
    ("content_type", "default_encoding", "body", "encoding", "text"),
    [
        ("text/plain; charset=iso-8859-1", "utf-8", b"caf\xe9", "iso-8859-1", "caf\u00e9"),
        ('text/plain; charset="UTF-8"', "latin-1", b"caf\xc3\xa9", "utf-8", "caf\u00e9"),
        ("text/plain", "utf-8", b"caf\xc3\xa9", "utf-8", "caf\u00e9"),
        ("text/plain", "latin-1", b"caf\xe9", "latin-1", "caf\u00e9"),
        ("text/plain; charset=no-such", "utf-8", b"caf\xc3\xa9", "utf-8", "caf\u00e9"),
        (None, "utf-8", b"caf\xe9", "utf-8", "caf\ufffd"),
    ],
)
def test_text_encoding_from_charset_then_default(
    content_type: str | None, default_encoding: str, body: bytes, encoding: str, text: str
) -> None:
    headers = {} if content_type is None else {"Content-Type": content_type}
    response = Response(200, headers=headers, content=body, default_encoding=default_encoding)

    assert response.encoding == encoding
    assert response.text == text


def test_default_encoding_callable_sees_the_body() -> None:
    seen: list[bytes] = []

    def detect(content: bytes) -> str:
        seen.append(content)
        return "cp1252"

    response = Response(200, content=b"\x93hi\x94", default_encoding=detect)

    assert response.text == "\u201chi\u201d"
    assert seen == [b"\x93hi\x94"]
    assert response.charset_encoding is None


def test_encoding_setter_and_its_limit() -> None:
    response = Response(200, content=b"caf\xe9")

    response.encoding = "latin-1"
    assert response.text == "caf\u00e9"
    with pytest.raises(ValueError, match="after `text` has been accessed"):
        response.encoding = "utf-8"


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (b'{"a": [1, 2]}', {"a": [1, 2]}),
        ('{"k": "\u00e9"}'.encode("utf-16"), {"k": "\u00e9"}),
        (b"[]", []),
    ],
)
def test_json(body: bytes, expected: Any) -> None:
    assert Response(200, content=body).json() == expected


def test_json_kwargs_are_passed_on() -> None:
    response = Response(200, content=b'{"n": 1.5}')

    assert response.json(parse_float=str) == {"n": "1.5"}


def test_empty_body_text_is_empty() -> None:
    assert Response(204).text == ""


# --- Sync streaming ----------------------------------------------------------------------


def test_iter_lines_across_chunk_boundaries() -> None:
    stream = SyncChunks([b"a\nb", b"c\r", b"\nd\n", b"e"])
    response = Response(200, stream=stream)

    assert list(response.iter_lines()) == ["a", "bc", "d", "e"]
    assert response.is_closed and stream.close_calls == 1


def test_iter_text_joins_split_multibyte_characters() -> None:
    response = Response(200, stream=SyncChunks([b"caf\xc3", b"\xa9!"]))

    assert "".join(response.iter_text()) == "caf\u00e9!"


def test_iter_text_chunk_size() -> None:
    response = Response(200, stream=SyncChunks([b"abcde", b"fg"]))

    assert list(response.iter_text(chunk_size=3)) == ["abc", "def", "g"]


def test_iter_bytes_rechunks_decoded_content() -> None:
    encoded = gzip.compress(b"0123456789")
    response = Response(200, headers={"Content-Encoding": "gzip"}, stream=SyncChunks([encoded]))

    assert list(response.iter_bytes(chunk_size=4)) == [b"0123", b"4567", b"89"]


def test_iter_bytes_without_chunk_size_yields_chunks_as_they_come() -> None:
    response = Response(200, stream=SyncChunks([b"ab", b"", b"cde"]))

    assert list(response.iter_bytes()) == [b"ab", b"cde"]


def test_iter_bytes_replays_read_content() -> None:
    response = Response(200, content=b"abcde")

    assert list(response.iter_bytes()) == [b"abcde"]
    assert list(response.iter_bytes(chunk_size=2)) == [b"ab", b"cd", b"e"]
    assert list(response.iter_text()) == ["abcde"]


def test_iter_raw_chunk_size_counts_raw_bytes_and_closes_at_end() -> None:
    stream = SyncChunks([b"abc", b"defg"])
    response = Response(200, stream=stream)
    seen: list[tuple[bytes, int]] = []

    for chunk in response.iter_raw(chunk_size=3):
        seen.append((chunk, response.num_bytes_downloaded))

    assert seen == [(b"abc", 3), (b"def", 7), (b"g", 7)]
    assert response.is_closed and stream.close_calls == 1


def test_streaming_response_state_errors() -> None:
    response = Response(200, stream=SyncChunks([b"x"]))

    with pytest.raises(ResponseNotRead):
        _ = response.content
    with pytest.raises(ResponseNotRead):
        _ = response.text
    assert list(response.iter_bytes()) == [b"x"]
    with pytest.raises(StreamConsumed):
        list(response.iter_bytes())
    with pytest.raises(StreamConsumed):
        response.read()


def test_closed_response_cannot_be_read() -> None:
    stream = SyncChunks([b"x"])
    response = Response(200, stream=stream)

    response.close()
    response.close()

    assert stream.close_calls == 1
    with pytest.raises(StreamClosed):
        response.read()


def test_read_response_replays_but_raw_is_consumed() -> None:
    response = Response(200, stream=SyncChunks([b"x"]))

    assert response.read() == b"x"
    assert response.read() == b"x"
    assert list(response.iter_lines()) == ["x"]
    with pytest.raises(StreamConsumed):
        list(response.iter_raw())


def test_early_break_closes_the_stream_iterator() -> None:
    stream = SyncChunks([b"a\n", b"b\n", b"c\n"])
    response = Response(200, stream=stream)

    with contextlib.closing(response.iter_lines()) as lines:
        for _ in lines:
            break

    assert stream.generator_finished
    assert not response.is_closed  # the caller still closes the response itself
    response.close()
    assert stream.close_calls == 1


def test_sync_calls_on_async_stream_raise() -> None:
    response = Response(200, stream=AsyncChunks([b"x"]))

    with pytest.raises(RuntimeError, match="sync iterator on an async stream"):
        response.read()
    with pytest.raises(RuntimeError, match="sync close on an async stream"):
        response.close()


# --- Async streaming ---------------------------------------------------------------------


def test_aread_and_async_state_errors() -> None:
    async def scenario() -> None:
        stream = AsyncChunks([b"ab", b"c"])
        response = Response(200, stream=stream)
        with pytest.raises(ResponseNotRead):
            _ = response.content
        assert await response.aread() == b"abc"
        assert response.content == b"abc"
        assert response.is_closed and stream.close_calls == 1
        assert response.num_bytes_downloaded == 3
        with pytest.raises(StreamConsumed):
            async for _ in response.aiter_raw():
                pass  # pragma: no cover

    asyncio.run(scenario())


def test_aiter_lines_decodes_and_splits() -> None:
    async def scenario() -> list[str]:
        encoded = gzip.compress("caf\u00e9\nline two\r\nend".encode())
        stream = AsyncChunks([encoded[:7], encoded[7:]])
        response = Response(200, headers={"Content-Encoding": "gzip"}, stream=stream)
        return [line async for line in response.aiter_lines()]

    assert asyncio.run(scenario()) == ["caf\u00e9", "line two", "end"]


def test_aiter_text_and_bytes_chunk_sizes() -> None:
    async def scenario() -> tuple[list[str], list[bytes]]:
        text = [t async for t in Response(200, stream=AsyncChunks([b"abcde"])).aiter_text(2)]
        raw = Response(200, stream=AsyncChunks([b"abc", b"de"]))
        return text, [chunk async for chunk in raw.aiter_bytes(chunk_size=4)]

    assert asyncio.run(scenario()) == (["ab", "cd", "e"], [b"abcd", b"e"])


def test_aiter_bytes_replays_read_content() -> None:
    async def scenario() -> list[bytes]:
        response = Response(200, content=b"abc")
        return [chunk async for chunk in response.aiter_bytes(chunk_size=2)]

    assert asyncio.run(scenario()) == [b"ab", b"c"]


def test_async_early_break_closes_every_async_generator() -> None:
    stream = AsyncChunks([b"a\n", b"b\n", b"c\n"])

    async def scenario() -> bool:
        response = Response(200, stream=stream)
        async with contextlib.aclosing(response.aiter_lines()) as lines:
            async for _ in lines:
                break
        # Closed at once by the chain of aclosing blocks, not by garbage collection.
        finished = stream.generator_finished
        await response.aclose()
        return finished

    assert asyncio.run(scenario()) is True
    assert stream.close_calls == 1


def test_async_closed_response_and_sync_stream_errors() -> None:
    async def scenario() -> None:
        response = Response(200, stream=AsyncChunks([b"x"]))
        await response.aclose()
        with pytest.raises(StreamClosed):
            await response.aread()
        sync_response = Response(200, stream=SyncChunks([b"x"]))
        with pytest.raises(RuntimeError, match="async iterator on an sync stream"):
            await sync_response.aread()
        with pytest.raises(RuntimeError, match="async close on an sync stream"):
            await sync_response.aclose()

    asyncio.run(scenario())


def test_async_decoding_error_carries_the_request() -> None:
    request = Request("GET", URL)

    async def scenario() -> None:
        response = Response(
            200,
            headers={"Content-Encoding": "deflate"},
            stream=AsyncChunks([b"\x00\x01garbage"]),
            request=request,
        )
        await response.aread()

    with pytest.raises(DecodingError) as info:
        asyncio.run(scenario())
    assert info.value.request is request

"""Request/response body encoding: streams, framing headers, forms, JSON and multipart."""

from __future__ import annotations

import asyncio
import io
import os
import re
from collections.abc import AsyncIterator, Iterator
from email.message import EmailMessage
from email.parser import BytesParser
from email.policy import HTTP
from pathlib import Path
from typing import Any

import pytest

from wire.client_core._content import (
    AsyncIteratorByteStream,
    ByteStream,
    IteratorByteStream,
    UnattachedStream,
    encode_request,
    encode_response,
)
from wire.client_core._exceptions import StreamClosed, StreamConsumed
from wire.client_core._multipart import (
    DataField,
    FileField,
    MultipartStream,
    get_multipart_boundary_from_content_type,
)
from wire.client_core._types import AsyncByteStream, SyncByteStream

CHUNK = 65_536


def _read(stream: Any) -> bytes:
    assert isinstance(stream, SyncByteStream)
    return b"".join(stream)


def _aread(stream: Any) -> bytes:
    assert isinstance(stream, AsyncByteStream)

    async def collect() -> bytes:
        return b"".join([chunk async for chunk in stream])

    return asyncio.run(collect())


class RecordingFile(io.BytesIO):
    """A BytesIO that records the sizes asked of read(), to prove reads are bounded."""

    def __init__(self, data: bytes, *, is_seekable: bool = True) -> None:
        super().__init__(data)
        self.read_sizes: list[int | None] = []
        self._is_seekable = is_seekable

    def read(self, size: int | None = -1) -> bytes:
        self.read_sizes.append(size)
        return super().read(size)

    def seekable(self) -> bool:
        return self._is_seekable


# -- raw content ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "headers", "body"),
    [
        (b"Hello, world!", {"Content-Length": "13"}, b"Hello, world!"),
        ("Grüße", {"Content-Length": "7"}, "Grüße".encode()),
        (bytearray(b"abc"), {"Content-Length": "3"}, b"abc"),
        (memoryview(b"abcd"), {"Content-Length": "4"}, b"abcd"),
        (b"", {}, b""),  # as httpx: Request adds Content-Length: 0 where a body is expected
        ("", {}, b""),
    ],
)
def test_in_memory_content_has_content_length(
    content: Any, headers: dict[str, str], body: bytes
) -> None:
    got_headers, stream = encode_request(content=content)
    assert got_headers == headers
    assert isinstance(stream, ByteStream)
    assert _read(stream) == body
    assert _read(stream) == body  # replayable, e.g. for a redirect
    assert _aread(stream) == body


def test_iterable_content_is_chunked_and_a_list_may_be_replayed() -> None:
    headers, stream = encode_request(content=[b"Hello", b", ", b"world"])
    assert headers == {"Transfer-Encoding": "chunked"}
    assert isinstance(stream, IteratorByteStream)
    assert list(stream) == [b"Hello", b", ", b"world"]
    assert list(stream) == [b"Hello", b", ", b"world"]


def _generator() -> Iterator[bytes]:
    yield b"Hello"
    yield b", world"


@pytest.mark.parametrize("make", [_generator, lambda: iter([b"Hello", b", world"])])
def test_one_shot_iterator_cannot_be_streamed_twice(make: Any) -> None:
    headers, stream = encode_request(content=make())
    assert headers == {"Transfer-Encoding": "chunked"}
    assert _read(stream) == b"Hello, world"
    with pytest.raises(StreamConsumed, match="already been streamed"):
        _read(stream)


@pytest.mark.parametrize("chunk", ["text", 42, None])
def test_non_bytes_chunk_is_a_type_error_naming_the_type(chunk: Any) -> None:
    _, stream = encode_request(content=[b"ok", chunk])
    with pytest.raises(TypeError, match=f"must yield bytes, got {type(chunk).__name__}"):
        _read(stream)


def test_bytes_like_chunks_are_converted_to_bytes() -> None:
    chunks = list(IteratorByteStream([bytearray(b"ab"), memoryview(b"cd")]))  # type: ignore[list-item]
    assert chunks == [b"ab", b"cd"]
    assert all(type(chunk) is bytes for chunk in chunks)


@pytest.mark.parametrize("content", [{"a": "b"}, 123, 1.5, object()])
def test_unsupported_content_type_is_a_type_error(content: Any) -> None:
    with pytest.raises(TypeError, match="Unexpected type for 'content'"):
        encode_request(content=content)


async def _agen() -> AsyncIterator[bytes]:
    yield b"Hello"
    yield b", world"


class _ReiterableAsync:
    def __aiter__(self) -> AsyncIterator[bytes]:
        return _agen()


class _AsyncReader:
    """An object with `aread(size)`, like an async file."""

    def __init__(self, data: bytes) -> None:
        self._buffer = io.BytesIO(data)
        self.read_sizes: list[int] = []

    async def aread(self, size: int) -> bytes:
        self.read_sizes.append(size)
        return self._buffer.read(size)

    def __aiter__(self) -> AsyncIterator[bytes]:  # pragma: no cover - aread is preferred
        raise AssertionError("aread() must be used")


def test_async_generator_is_chunked_and_one_shot() -> None:
    headers, stream = encode_request(content=_agen())
    assert headers == {"Transfer-Encoding": "chunked"}
    assert isinstance(stream, AsyncIteratorByteStream)
    assert _aread(stream) == b"Hello, world"
    with pytest.raises(StreamConsumed):
        _aread(stream)


def test_async_reiterable_may_be_streamed_twice() -> None:
    _, stream = encode_request(content=_ReiterableAsync())
    assert _aread(stream) == b"Hello, world"
    assert _aread(stream) == b"Hello, world"


def test_async_reader_is_read_in_64_kib_chunks() -> None:
    data = os.urandom(CHUNK * 2 + 10)
    reader = _AsyncReader(data)
    stream = AsyncIteratorByteStream(reader)
    assert _aread(stream) == data
    assert reader.read_sizes == [CHUNK, CHUNK, CHUNK, CHUNK]


def test_async_str_chunk_is_a_type_error() -> None:
    async def strings() -> AsyncIterator[Any]:
        yield "text"

    _, stream = encode_request(content=strings())
    with pytest.raises(TypeError, match="must yield bytes, got str"):
        _aread(stream)


def test_binary_file_has_content_length_and_is_read_in_64_kib_chunks() -> None:
    data = os.urandom(CHUNK * 3 + 123)
    file = RecordingFile(data)
    headers, stream = encode_request(content=file)
    assert headers == {"Content-Length": str(len(data))}
    assert isinstance(stream, SyncByteStream)
    chunks = list(stream)
    assert [len(chunk) for chunk in chunks] == [CHUNK, CHUNK, CHUNK, 123]
    assert b"".join(chunks) == data
    assert set(file.read_sizes) == {CHUNK}


def test_file_is_sent_from_its_current_position_and_rewound_on_replay() -> None:
    file = io.BytesIO(b"skip:payload")
    file.seek(5)
    headers, stream = encode_request(content=file)
    assert headers == {"Content-Length": "7"}
    assert _read(stream) == b"payload"
    assert _read(stream) == b"payload"


def test_real_file_on_disk(tmp_path: Path) -> None:
    path = tmp_path / "upload.bin"
    path.write_bytes(b"x" * 100_000)
    with path.open("rb") as file:
        headers, stream = encode_request(content=file)
        assert headers == {"Content-Length": "100000"}
        assert _read(stream) == b"x" * 100_000


def test_text_mode_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "text.txt"
    path.write_text("hello")
    with path.open("r") as file, pytest.raises(TypeError, match="binary mode"):
        encode_request(content=file)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="binary mode"):
        encode_request(content=io.StringIO("hello"))  # type: ignore[arg-type]


def test_pipe_is_chunked_and_cannot_be_replayed() -> None:
    read_fd, write_fd = os.pipe()
    with os.fdopen(read_fd, "rb") as reader:
        with os.fdopen(write_fd, "wb") as writer:
            writer.write(b"through a pipe")
        headers, stream = encode_request(content=reader)
        # fstat reports 0 bytes for a pipe: its size must not be trusted.
        assert headers == {"Transfer-Encoding": "chunked"}
        assert _read(stream) == b"through a pipe"
        with pytest.raises(StreamConsumed):
            _read(stream)


def test_unseekable_file_object_is_chunked() -> None:
    headers, stream = encode_request(content=RecordingFile(b"data", is_seekable=False))
    assert headers == {"Transfer-Encoding": "chunked"}
    assert _read(stream) == b"data"


def test_unattached_stream_raises_stream_closed_sync_and_async() -> None:
    stream = UnattachedStream()
    with pytest.raises(StreamClosed):
        _read(stream)
    with pytest.raises(StreamClosed):
        _aread(stream)


# -- forms and JSON ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "body"),
    [
        ({"a": "1", "b": "two words"}, b"a=1&b=two+words"),
        ({"list": ["x", "y"], "tuple": ("z",)}, b"list=x&list=y&tuple=z"),
        ({"yes": True, "no": False, "none": None}, b"yes=true&no=false&none="),
        ({"int": 1, "float": 1.5}, b"int=1&float=1.5"),
        ({"unicode": "Grüße"}, b"unicode=Gr%C3%BC%C3%9Fe"),
        ({"symbols": "a&b=c/d?"}, b"symbols=a%26b%3Dc%2Fd%3F"),
        ({"raw": b"\xff bytes"}, b"raw=%FF+bytes"),
        ({"mixed": [1, True, None]}, b"mixed=1&mixed=true&mixed="),
    ],
)
def test_form_data_is_urlencoded_with_length(data: dict[str, Any], body: bytes) -> None:
    headers, stream = encode_request(data=data)
    assert headers == {
        "Content-Length": str(len(body)),
        "Content-Type": "application/x-www-form-urlencoded",
    }
    assert _read(stream) == body
    assert _aread(stream) == body


@pytest.mark.parametrize(
    ("value", "body"),
    [
        ({"a": 1, "b": [1, 2.5, None, True]}, b'{"a":1,"b":[1,2.5,null,true]}'),
        ({"emoji": "✓ Grüße"}, '{"emoji":"✓ Grüße"}'.encode()),
        ("text", b'"text"'),
        ([], b"[]"),
        (0, b"0"),
        (False, b"false"),
    ],
)
def test_json_is_compact_utf8(value: Any, body: bytes) -> None:
    headers, stream = encode_request(json=value)
    assert headers == {"Content-Length": str(len(body)), "Content-Type": "application/json"}
    assert _read(stream) == body


@pytest.mark.parametrize("value", [float("nan"), float("inf"), {"x": float("-inf")}])
def test_json_refuses_nan_and_infinity(value: Any) -> None:
    with pytest.raises(ValueError, match="not JSON compliant"):
        encode_request(json=value)


@pytest.mark.parametrize(
    ("data", "body"),
    [(b"raw bytes", b"raw bytes"), ("raw text", b"raw text")],
)
def test_non_mapping_data_is_deprecated_and_sent_as_content(data: Any, body: bytes) -> None:
    with pytest.warns(DeprecationWarning, match=r"Use 'content=<\.\.\.>'"):
        headers, stream = encode_request(data=data)
    assert headers == {"Content-Length": str(len(body))}
    assert _read(stream) == body


def test_non_mapping_data_iterator_is_deprecated_and_chunked() -> None:
    with pytest.warns(DeprecationWarning):
        headers, stream = encode_request(data=_generator())  # type: ignore[arg-type]
    assert headers == {"Transfer-Encoding": "chunked"}
    assert _read(stream) == b"Hello, world"


@pytest.mark.parametrize(
    ("kwargs", "headers", "body"),
    [
        ({}, {}, b""),
        ({"data": {}, "files": {}}, {}, b""),
        ({"content": b"c", "json": {"j": 1}}, {"Content-Length": "1"}, b"c"),
        ({"data": {"a": "1"}, "json": {"j": 1}}, None, b"a=1"),
        ({"json": None}, {}, b""),
    ],
)
def test_argument_precedence(
    kwargs: dict[str, Any], headers: dict[str, str] | None, body: bytes
) -> None:
    got_headers, stream = encode_request(**kwargs)
    if headers is not None:
        assert got_headers == headers
    assert _read(stream) == body


@pytest.mark.parametrize(
    ("kwargs", "headers", "body"),
    [
        ({}, {}, b""),
        ({"content": b"raw"}, {"Content-Length": "3"}, b"raw"),
        (
            {"text": "Grüße"},
            {"Content-Length": "7", "Content-Type": "text/plain; charset=utf-8"},
            "Grüße".encode(),
        ),
        (
            {"html": "<p>✓</p>"},
            {"Content-Length": "10", "Content-Type": "text/html; charset=utf-8"},
            "<p>✓</p>".encode(),
        ),
        (
            {"json": {"ok": True}},
            {"Content-Length": "11", "Content-Type": "application/json"},
            b'{"ok":true}',
        ),
        ({"content": b"c", "text": "t"}, {"Content-Length": "1"}, b"c"),
    ],
)
def test_encode_response(kwargs: dict[str, Any], headers: dict[str, str], body: bytes) -> None:
    got_headers, stream = encode_response(**kwargs)
    assert got_headers == headers
    assert _read(stream) == body
    assert _aread(stream) == body


def test_encode_response_with_async_content() -> None:
    headers, stream = encode_response(content=_agen())
    assert headers == {"Transfer-Encoding": "chunked"}
    assert _aread(stream) == b"Hello, world"


# -- multipart --------------------------------------------------------------------------


def _parse_multipart(headers: dict[str, str], body: bytes) -> list[EmailMessage]:
    message = BytesParser(policy=HTTP).parsebytes(
        b"Content-Type: " + headers["Content-Type"].encode() + b"\r\n\r\n" + body
    )
    assert isinstance(message, EmailMessage)
    assert message.is_multipart()
    return [part for part in message.iter_parts() if isinstance(part, EmailMessage)]


def test_multipart_exact_bytes_with_fixed_boundary() -> None:
    headers, stream = encode_request(
        data={"name": "value", "multi": ["1", "2"]},
        files={"file": ("hello.txt", b"Hello!\r\n", "text/plain")},
        boundary=b"BOUNDARY",
    )
    expected = (
        b"--BOUNDARY\r\n"
        b'Content-Disposition: form-data; name="name"\r\n\r\n'
        b"value\r\n"
        b"--BOUNDARY\r\n"
        b'Content-Disposition: form-data; name="multi"\r\n\r\n'
        b"1\r\n"
        b"--BOUNDARY\r\n"
        b'Content-Disposition: form-data; name="multi"\r\n\r\n'
        b"2\r\n"
        b"--BOUNDARY\r\n"
        b'Content-Disposition: form-data; name="file"; filename="hello.txt"\r\n'
        b"Content-Type: text/plain\r\n\r\n"
        b"Hello!\r\n\r\n"
        b"--BOUNDARY--\r\n"
    )
    assert headers == {
        "Content-Length": str(len(expected)),
        "Content-Type": "multipart/form-data; boundary=BOUNDARY",
    }
    assert isinstance(stream, MultipartStream)
    assert _read(stream) == expected
    assert _aread(stream) == expected
    assert _read(stream) == expected  # replayable


def test_multipart_parses_back_with_the_email_package(tmp_path: Path) -> None:
    path = tmp_path / "photo.png"
    path.write_bytes(b"\x89PNG" + os.urandom(200_000))
    with path.open("rb") as photo:
        headers, stream = encode_request(
            data={"flag": True, "none": None, "number": 3.25, "bytes": b"\x00\xff"},
            files=[
                ("upload", photo),
                ("upload", ("notes.txt", "Grüße ✓")),
                ("blob", ("data", io.BytesIO(b"raw"), None, {"X-Extra": "1"})),
            ],
        )
        body = _read(stream)
    assert headers["Content-Length"] == str(len(body))
    content_type = headers["Content-Type"]
    boundary = re.fullmatch(r"multipart/form-data; boundary=([0-9a-f]{32})", content_type)
    assert boundary is not None
    parts = _parse_multipart(headers, body)
    summary = [
        (
            part.get_param("name", header="content-disposition"),
            part.get_filename(),
            part.get("Content-Type"),
            part.get_payload(decode=True),
        )
        for part in parts
    ]
    assert summary == [
        ("flag", None, None, b"true"),
        ("none", None, None, b""),
        ("number", None, None, b"3.25"),
        ("bytes", None, None, b"\x00\xff"),
        ("upload", "photo.png", "image/png", path.read_bytes()),
        ("upload", "notes.txt", "text/plain", "Grüße ✓".encode()),
        ("blob", "data", "application/octet-stream", b"raw"),
    ]
    assert parts[-1]["X-Extra"] == "1"


@pytest.mark.parametrize(
    ("value", "disposition", "part_headers"),
    [
        (b"x", 'name="f"; filename="upload"', "Content-Type: application/octet-stream"),
        (("a.json", b"x"), 'name="f"; filename="a.json"', "Content-Type: application/json"),
        (("a.unknownext", b"x"), 'name="f"; filename="a.unknownext"',
         "Content-Type: application/octet-stream"),
        ((None, b"x"), 'name="f"', None),
        (("", b"x"), 'name="f"', None),
        ((None, b"x", "image/gif"), 'name="f"', "Content-Type: image/gif"),
        (("a.txt", b"x", "application/x-custom"), 'name="f"; filename="a.txt"',
         "Content-Type: application/x-custom"),
        (("a.txt", b"x", None, {"X-A": "1"}), 'name="f"; filename="a.txt"',
         "X-A: 1\r\nContent-Type: text/plain"),
        # A Content-Type among the part headers wins over the third item.
        (("a.txt", b"x", "text/html", {"content-type": "text/csv"}),
         'name="f"; filename="a.txt"', "content-type: text/csv"),
        (('quo"te\r\nnew\\line\x00.txt', b"x"),
         'name="f"; filename="quo%22te%0D%0Anew\\\\line%00.txt"', "Content-Type: text/plain"),
        (("naïve ✓.txt", b"x"), 'name="f"; filename="naïve ✓.txt"', "Content-Type: text/plain"),
        (("esc\x1b.txt", b"x"), 'name="f"; filename="esc\x1b.txt"', "Content-Type: text/plain"),
    ],
)
def test_file_part_headers(value: Any, disposition: str, part_headers: str | None) -> None:
    field = FileField("f", value)
    expected = "Content-Disposition: form-data; " + disposition
    if part_headers is not None:
        expected += "\r\n" + part_headers
    assert field.render_headers() == (expected + "\r\n\r\n").encode()


def test_file_field_does_not_change_the_callers_header_mapping() -> None:
    part_headers = {"X-A": "1"}
    FileField("f", ("a.txt", b"x", None, part_headers))
    assert part_headers == {"X-A": "1"}


def test_file_object_named_by_its_basename(tmp_path: Path) -> None:
    path = tmp_path / "report.csv"
    path.write_bytes(b"a,b\n")
    with path.open("rb") as file:
        field = FileField("f", file)
        assert field.filename == "report.csv"
        assert field.headers == {"Content-Type": "text/csv"}
        assert field.get_length() == len(field.render_headers()) + 4


@pytest.mark.parametrize(
    ("name", "escaped"),
    [('a"b', b'name="a%22b"'), ("a\nb", b'name="a%0Ab"'), ("a\rb", b'name="a%0Db"'),
     ("a\\b", b'name="a\\\\b"'), ("ü", 'name="ü"'.encode())],
)
def test_data_field_name_escaping(name: str, escaped: bytes) -> None:
    assert DataField(name, "v").render_headers() == (
        b"Content-Disposition: form-data; " + escaped + b"\r\n\r\n"
    )


@pytest.mark.parametrize(
    ("value", "data"),
    [("text", b"text"), ("ü", "ü".encode()), (b"\xff", b"\xff"), (1, b"1"), (2.5, b"2.5"),
     (True, b"true"), (False, b"false"), (None, b"")],
)
def test_data_field_values(value: Any, data: bytes) -> None:
    field = DataField("k", value)
    assert field.render_data() == data
    assert field.get_length() == len(field.render_headers()) + len(data)


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        (1, "v", "Invalid type for name. Expected str"),
        ("k", {"a": 1}, "Invalid type for value. Expected primitive type"),
        ("k", object(), "Invalid type for value. Expected primitive type"),
    ],
)
def test_data_field_type_errors(name: Any, value: Any, message: str) -> None:
    with pytest.raises(TypeError, match=message):
        DataField(name, value)
    with pytest.raises(TypeError, match=message):
        encode_request(data={name: value}, files={"f": b"x"})


def test_text_mode_files_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "t.txt"
    path.write_text("x")
    with pytest.raises(TypeError, match="io.BytesIO"):
        FileField("f", io.StringIO("x"))  # type: ignore[arg-type]
    with path.open("r") as text_file, pytest.raises(TypeError, match="binary mode"):
        encode_request(files={"f": text_file})  # type: ignore[dict-item]


@pytest.mark.parametrize(
    ("value", "error", "message"),
    [
        (("a.txt", 42), TypeError, "Expected bytes, str or a binary file object"),
        (("a.txt", b"x", None, {"X-Bad": "a\r\nInjected: 1"}), ValueError, "CR and LF"),
        (("a.txt", b"x", None, {"X-Bad\n": "v"}), ValueError, "CR and LF"),
        (("a.txt", b"x", None, {}, "extra"), TypeError, "2, 3 or 4 items"),
    ],
)
def test_file_field_invalid_values(value: Any, error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=message):
        FileField("f", value)


def test_multipart_file_is_streamed_in_64_kib_chunks_and_rewound() -> None:
    data = os.urandom(CHUNK * 2 + 5)
    file = RecordingFile(data)
    file.seek(100)  # a multipart file is always sent whole
    headers, stream = encode_request(files={"f": ("big.bin", file)}, boundary=b"b")
    assert isinstance(stream, SyncByteStream)
    first = list(stream)
    assert [len(chunk) for chunk in first if len(chunk) >= CHUNK] == [CHUNK, CHUNK]
    assert set(file.read_sizes) == {CHUNK}
    body = b"".join(first)
    assert headers["Content-Length"] == str(len(body))
    assert _parse_multipart(headers, body)[0].get_payload(decode=True) == data
    assert _read(stream) == body


def test_multipart_with_unknown_file_size_is_chunked_and_one_shot() -> None:
    file = RecordingFile(b"unseekable", is_seekable=False)
    headers, stream = encode_request(files={"f": ("a.bin", file)}, boundary=b"b")
    assert headers == {
        "Transfer-Encoding": "chunked",
        "Content-Type": "multipart/form-data; boundary=b",
    }
    parts = _parse_multipart(headers, _read(stream))
    assert parts[0].get_payload(decode=True) == b"unseekable"
    with pytest.raises(StreamConsumed):
        _read(stream)


def test_multipart_data_only_fields_via_multipart_stream() -> None:
    stream = MultipartStream(data={"a": "1"}, files={}, boundary=b"xyz")
    assert stream.get_headers() == {
        "Content-Length": str(len(_read(stream))),
        "Content-Type": "multipart/form-data; boundary=xyz",
    }
    assert _read(stream) == (
        b'--xyz\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--xyz--\r\n'
    )


def test_random_boundaries_differ() -> None:
    first = MultipartStream(data={}, files={"f": b"x"})
    second = MultipartStream(data={}, files={"f": b"x"})
    assert re.fullmatch(rb"[0-9a-f]{32}", first.boundary)
    assert first.boundary != second.boundary


@pytest.mark.parametrize(
    ("content_type", "boundary"),
    [
        (None, None),
        (b"", None),
        (b"application/json", None),
        (b"multipart/form-data", None),
        (b"multipart/form-data; charset=utf-8", None),
        (b"multipart/form-data; boundary=abc", b"abc"),
        (b'multipart/form-data; boundary="quoted value"', b"quoted value"),
        (b"multipart/form-data;charset=utf-8;BOUNDARY=Up", b"Up"),
        (b"Multipart/Form-Data; boundary=x1", b"x1"),
        (b"multipart/mixed; boundary=abc", None),
    ],
)
def test_boundary_from_content_type(content_type: bytes | None, boundary: bytes | None) -> None:
    assert get_multipart_boundary_from_content_type(content_type) == boundary


class _TextModeReader:
    """A file-like that is no io.TextIOBase but says it was opened in text mode."""

    mode = "r"

    def read(self, size: int = -1) -> str:  # pragma: no cover - refused before reading
        return "text"

    def __iter__(self) -> Iterator[str]:  # pragma: no cover
        yield "text"


def test_file_like_with_text_mode_attribute_is_refused() -> None:
    with pytest.raises(TypeError, match="binary mode"):
        encode_request(content=_TextModeReader())  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="binary mode"):
        FileField("f", ("a.txt", _TextModeReader()))  # type: ignore[arg-type]


def test_a_byte_stream_given_as_content_is_iterated_not_read() -> None:
    multipart = MultipartStream(data={"a": "1"}, files={}, boundary=b"b")
    headers, stream = encode_request(content=multipart)
    assert headers == {"Transfer-Encoding": "chunked"}
    assert _read(stream) == _read(multipart)


# --- one-shot sources are closed, not left suspended ------------------------------------------


def test_sync_generator_source_closed_when_consumer_stops_early() -> None:
    finished: list[str] = []

    def source() -> Iterator[bytes]:
        try:
            yield b"a"
            yield b"b"
        finally:
            finished.append("closed")

    stream = IteratorByteStream(source())
    iterator = iter(stream)
    assert next(iterator) == b"a"
    iterator.close()  # type: ignore[attr-defined]
    assert finished == ["closed"]


def test_sync_generator_source_closed_by_stream_close() -> None:
    finished: list[str] = []

    def source() -> Iterator[bytes]:
        try:
            yield b"a"
        finally:
            finished.append("closed")

    generator = source()
    next(generator)  # started elsewhere, then handed over
    IteratorByteStream(generator).close()
    assert finished == ["closed"]


def test_async_generator_source_closed_when_consumer_stops_early() -> None:
    finished: list[str] = []

    async def source() -> AsyncIterator[bytes]:
        try:
            yield b"a"
            yield b"b"
        finally:
            finished.append("closed")

    async def main() -> bytes:
        iterator = AsyncIteratorByteStream(source()).__aiter__()
        first = await iterator.__anext__()
        await iterator.aclose()  # type: ignore[attr-defined]
        return first

    assert asyncio.run(main()) == b"a"
    assert finished == ["closed"]


def test_async_stream_aclose_closes_an_unstarted_generator_source() -> None:
    async def source() -> AsyncIterator[bytes]:
        yield b"never"

    generator = source()

    async def main() -> None:
        await AsyncIteratorByteStream(generator).aclose()

    asyncio.run(main())
    assert generator.ag_frame is None  # closed: no frame left to run

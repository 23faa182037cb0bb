"""Request and response bodies → a byte stream plus its framing headers, as httpx 0.28.

`encode_request()` and `encode_response()` return `(headers, stream)`. The headers
frame the body: `Content-Length` whenever its size is known up front (RFC 9110 §8.6),
else `Transfer-Encoding: chunked` (RFC 9112 §7.1), plus a `Content-Type` for form,
multipart, JSON, text and HTML bodies. As in httpx, an empty body gets no framing header
here; `Request` adds `Content-Length: 0` for the methods that expect a body.

| input                            | stream                  | framing headers              |
| -------------------------------- | ----------------------- | ---------------------------- |
| `content=` bytes / str           | ByteStream              | Content-Length (if not empty)|
| `content=` binary file           | IteratorByteStream      | Content-Length if measurable |
| `content=` iterable of bytes     | IteratorByteStream      | Transfer-Encoding: chunked   |
| `content=` async iterable        | AsyncIteratorByteStream | Transfer-Encoding: chunked   |
| `data=` mapping                  | ByteStream (urlencoded) | Content-Length, Content-Type |
| `files=` (+ `data=`)             | MultipartStream         | see `_multipart`             |
| `json=`                          | ByteStream              | Content-Length, Content-Type |
"""

from __future__ import annotations

import warnings
from collections.abc import AsyncIterable, AsyncIterator, Iterable, Iterator, Mapping
from json import dumps as json_dumps
from typing import Any
from urllib.parse import urlencode

from ._exceptions import StreamClosed, StreamConsumed
from ._multipart import (
    MultipartStream,
    is_text_mode_file,
    peek_filelike_length,
    primitive_value_to_str,
)
from ._types import (
    AsyncByteStream,
    RequestContent,
    RequestData,
    RequestFiles,
    ResponseContent,
    SyncByteStream,
)

__all__ = [
    "AsyncIteratorByteStream",
    "ByteStream",
    "IteratorByteStream",
    "UnattachedStream",
    "encode_request",
    "encode_response",
]


class ByteStream(AsyncByteStream, SyncByteStream):
    """A body held in memory: yields its bytes once per iteration, sync or async.

    Args:
        stream: bytes, the whole body (may be empty; it is still yielded, as in httpx).

    It may be iterated any number of times, so a redirect or an auth retry can resend it.

    Example:
        >>> list(ByteStream(b"abc"))
        [b'abc']
    """

    def __init__(self, stream: bytes) -> None:
        self._stream = stream

    def __iter__(self) -> Iterator[bytes]:
        yield self._stream

    async def __aiter__(self) -> AsyncIterator[bytes]:
        yield self._stream


def _check_chunk(chunk: Any) -> bytes:
    """Return `chunk` as bytes; bytearray/memoryview are copied, anything else refused."""
    if isinstance(chunk, bytes):
        return chunk
    if isinstance(chunk, bytearray | memoryview):
        return bytes(chunk)
    raise TypeError(
        f"Request or response content must yield bytes, got {type(chunk).__name__}: "
        f"{chunk!r:.40}. Encode str chunks first, e.g. chunk.encode('utf-8')."
    )


class IteratorByteStream(SyncByteStream):
    """A body from a sync iterable of bytes, or from a binary file.

    Args:
        stream: an iterable of bytes chunks (list, generator...), or a binary file-like
            object with `.read(size)`, read in `CHUNK_SIZE` (64 KiB) chunks.

    A one-shot iterator (a generator, `iter(...)`) can be iterated only once; a
    re-iterable (a list) and a seekable file (rewound to where it was first found) may be
    iterated again. Whoever opened a file closes it.

    Raises:
        StreamConsumed: on iterating a second time a one-shot iterator or a file that
            cannot be rewound.
        TypeError: when iterating, a chunk is not bytes-like (e.g. str).
    """

    CHUNK_SIZE = 65_536

    def __init__(self, stream: Iterable[bytes]) -> None:
        self._stream = stream
        self._is_stream_consumed = False
        self._is_filelike = hasattr(stream, "read") and not isinstance(stream, SyncByteStream)
        # Files are iterators too, but may be rewound, so they are told apart first.
        self._is_one_shot = not self._is_filelike and isinstance(stream, Iterator)
        self._start_offset: int | None = None
        if self._is_filelike:
            self._start_offset = _tell(stream)

    def __iter__(self) -> Iterator[bytes]:
        if self._is_stream_consumed and (self._is_one_shot or self._is_unrewindable_file()):
            raise StreamConsumed()
        self._is_stream_consumed = True
        if self._is_filelike:
            file: Any = self._stream
            if self._start_offset is not None:
                file.seek(self._start_offset)
            chunk = file.read(self.CHUNK_SIZE)
            while chunk:
                yield _check_chunk(chunk)
                chunk = file.read(self.CHUNK_SIZE)
        else:
            iterator = iter(self._stream)
            try:
                for chunk in iterator:
                    yield _check_chunk(chunk)
            finally:
                # A generator abandoned half-way is closed now rather than when collected.
                close = getattr(iterator, "close", None)
                if close is not None:
                    close()

    def close(self) -> None:
        """Close the source when it is a one-shot iterator with `close()` (a generator)."""
        close = getattr(self._stream, "close", None)
        if self._is_one_shot and close is not None:
            close()

    def _is_unrewindable_file(self) -> bool:
        return self._is_filelike and self._start_offset is None


def _tell(stream: Any) -> int | None:
    """Return a seekable stream's position, or None when it cannot be rewound."""
    seekable = getattr(stream, "seekable", None)
    try:
        if callable(seekable) and not seekable():
            return None
        position = stream.tell()
    except (AttributeError, OSError, ValueError):
        return None
    return position if isinstance(position, int) else None


class AsyncIteratorByteStream(AsyncByteStream):
    """A body from an async iterable of bytes, or from an async file with `.aread(size)`.

    Args:
        stream: an async iterable of bytes chunks (an async generator...), or an object
            with `async aread(size)`, read in `CHUNK_SIZE` (64 KiB) chunks.

    Raises:
        StreamConsumed: on iterating a one-shot async iterator a second time.
        TypeError: when iterating, a chunk is not bytes-like (e.g. str).
    """

    CHUNK_SIZE = 65_536

    def __init__(self, stream: AsyncIterable[bytes]) -> None:
        self._stream = stream
        self._is_stream_consumed = False
        self._is_readable = hasattr(stream, "aread") and not isinstance(stream, AsyncByteStream)
        self._is_one_shot = not self._is_readable and isinstance(stream, AsyncIterator)

    async def __aiter__(self) -> AsyncIterator[bytes]:
        if self._is_stream_consumed and self._is_one_shot:
            raise StreamConsumed()
        self._is_stream_consumed = True
        if self._is_readable:
            reader: Any = self._stream
            chunk = await reader.aread(self.CHUNK_SIZE)
            while chunk:
                yield _check_chunk(chunk)
                chunk = await reader.aread(self.CHUNK_SIZE)
        else:
            iterator = aiter(self._stream)
            try:
                async for chunk in iterator:
                    yield _check_chunk(chunk)
            finally:
                # `async for` leaves the source suspended when the consumer stops early;
                # close it here, or trio warns when the garbage collector finds it.
                await _aclose_iterator(iterator)

    async def aclose(self) -> None:
        """Close the source when it is a one-shot async iterator (an async generator)."""
        if self._is_one_shot:
            await _aclose_iterator(self._stream)


async def _aclose_iterator(iterator: object) -> None:
    aclose = getattr(iterator, "aclose", None)
    if aclose is not None:
        await aclose()


class UnattachedStream(AsyncByteStream, SyncByteStream):
    """The stream of a request or response that has no body source any more.

    Used after unpickling a `Request` or `Response`: its bytes were not pickled with it.

    Raises:
        StreamClosed: on any iteration, sync or async.
    """

    def __iter__(self) -> Iterator[bytes]:
        raise StreamClosed()

    async def __aiter__(self) -> AsyncIterator[bytes]:
        raise StreamClosed()
        yield b""  # pragma: no cover - makes this an async generator


def encode_content(
    content: str | bytes | Iterable[bytes] | AsyncIterable[bytes],
) -> tuple[dict[str, str], SyncByteStream | AsyncByteStream]:
    """Frame raw content: bytes/str in memory, files, or (async) iterables of bytes.

    Args:
        content: bytes (or bytearray/memoryview), str (sent UTF-8), a binary file, an
            iterable of bytes, or an async iterable of bytes.

    Returns:
        tuple: `(headers, stream)`; `Content-Length` for a non-empty in-memory body or a
        file of measurable size (from its current position), `Transfer-Encoding: chunked`
        for other iterables, `{}` for an empty body.

    Raises:
        TypeError: `content` is a text-mode file, a dict, or not one of the types above.
    """
    if isinstance(content, bytes | bytearray | memoryview | str):
        body = content.encode("utf-8") if isinstance(content, str) else bytes(content)
        headers = {"Content-Length": str(len(body))} if body else {}
        return headers, ByteStream(body)
    if is_text_mode_file(content):
        raise TypeError(
            "Streaming request content from a file requires the file to be opened in "
            "binary mode, not text mode."
        )
    # A dict is iterable (over its keys) but is surely a mistake for `data=` or `json=`.
    if isinstance(content, Iterable) and not isinstance(content, dict):
        length = peek_filelike_length(content, from_current_position=True)
        if length is None:
            return {"Transfer-Encoding": "chunked"}, IteratorByteStream(content)
        return {"Content-Length": str(length)}, IteratorByteStream(content)
    if isinstance(content, AsyncIterable):
        return {"Transfer-Encoding": "chunked"}, AsyncIteratorByteStream(content)
    raise TypeError(f"Unexpected type for 'content', {type(content)!r}")


def _form_value(value: Any) -> str | bytes:
    # bytes are percent-encoded as they are, not through their repr() ("b'...'").
    return value if isinstance(value, bytes) else primitive_value_to_str(value)


def encode_urlencoded_data(data: RequestData) -> tuple[dict[str, str], ByteStream]:
    """Encode a form as `application/x-www-form-urlencoded` (WHATWG URL, urlencoded).

    Args:
        data: mapping of str key to a value or a list/tuple of values (one pair per
            item); bool → "true"/"false", None → "", numbers → `str()`.

    Returns:
        tuple: `({"Content-Length", "Content-Type"}, ByteStream)`; spaces become `+`.
    """
    pairs: list[tuple[str, str | bytes]] = []
    for key, value in data.items():
        if isinstance(value, list | tuple):
            pairs.extend((key, _form_value(item)) for item in value)
        else:
            pairs.append((key, _form_value(value)))
    body = urlencode(pairs, doseq=True).encode("utf-8")
    return {
        "Content-Length": str(len(body)),
        "Content-Type": "application/x-www-form-urlencoded",
    }, ByteStream(body)


def encode_multipart_data(
    data: RequestData, files: RequestFiles, boundary: bytes | None
) -> tuple[dict[str, str], MultipartStream]:
    """Encode fields and files as `multipart/form-data`; see `MultipartStream`."""
    multipart = MultipartStream(data=data, files=files, boundary=boundary)
    return multipart.get_headers(), multipart


def _encode_text_body(text: str, content_type: str) -> tuple[dict[str, str], ByteStream]:
    body = text.encode("utf-8")
    return {"Content-Length": str(len(body)), "Content-Type": content_type}, ByteStream(body)


def encode_text(text: str) -> tuple[dict[str, str], ByteStream]:
    """Encode str as `text/plain; charset=utf-8`, with its Content-Length."""
    return _encode_text_body(text, "text/plain; charset=utf-8")


def encode_html(html: str) -> tuple[dict[str, str], ByteStream]:
    """Encode str as `text/html; charset=utf-8`, with its Content-Length."""
    return _encode_text_body(html, "text/html; charset=utf-8")


def encode_json(json: Any) -> tuple[dict[str, str], ByteStream]:
    """Encode a value as compact UTF-8 JSON (RFC 8259), `Content-Type: application/json`.

    Args:
        json: any value `json.dumps` accepts. Non-ASCII text is sent as UTF-8, not as
            `\\uXXXX` escapes; separators carry no spaces (`{"a":1}`).

    Returns:
        tuple: `({"Content-Length", "Content-Type"}, ByteStream)`.

    Raises:
        ValueError: the value holds NaN or an infinity (not valid JSON).
        TypeError: the value is not JSON serialisable.
    """
    text = json_dumps(json, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return _encode_text_body(text, "application/json")


def encode_request(
    content: RequestContent | None = None,
    data: RequestData | None = None,
    files: RequestFiles | None = None,
    json: Any | None = None,
    boundary: bytes | None = None,
) -> tuple[dict[str, str], SyncByteStream | AsyncByteStream]:
    """Turn a request's body arguments into framing headers and a stream.

    The first given of `content`, `files` (with `data` as extra fields), `data`, `json`
    is used; none gives an empty body.

    Args:
        content: raw body; see `encode_content`. Default None.
        data: form fields, a mapping (urlencoded, or multipart with `files`). A
            non-mapping (bytes, str, iterator) is sent as `content` with a
            DeprecationWarning, as in httpx. Default None.
        files: multipart files, a mapping or sequence of `(name, file)`; see
            `FileField`. Default None.
        json: a value sent as compact JSON. Default None.
        boundary: bytes, the multipart boundary taken from the user's Content-Type
            header; None draws a random one. Default None.

    Returns:
        tuple: `(headers, stream)`, headers being a dict of str to str to add unless
        the user set them.

    Raises:
        TypeError: from `encode_content`, `DataField` or `FileField` on invalid input.
        ValueError: `json` holds NaN or an infinity.

    Example:
        >>> headers, stream = encode_request(json={"a": 1})
        >>> headers, b"".join(stream)
        ({'Content-Length': '7', 'Content-Type': 'application/json'}, b'{"a":1}')
    """
    if data is not None and not isinstance(data, Mapping):
        # requests accepted raw bytes in `data=`; httpx keeps that working, deprecated.
        warnings.warn(
            "Use 'content=<...>' to upload raw bytes/text content.",
            DeprecationWarning,
            stacklevel=2,
        )
        return encode_content(data)
    if content is not None:
        return encode_content(content)
    if files:
        return encode_multipart_data(data or {}, files, boundary)
    if data:
        return encode_urlencoded_data(data)
    if json is not None:
        return encode_json(json)
    return {}, ByteStream(b"")


def encode_response(
    content: ResponseContent | None = None,
    text: str | None = None,
    html: str | None = None,
    json: Any | None = None,
) -> tuple[dict[str, str], SyncByteStream | AsyncByteStream]:
    """Turn a response's body arguments (for `Response(...)` in tests and mocks) into a stream.

    The first given of `content`, `text`, `html`, `json` is used; none gives an empty body.

    Args:
        content: raw body; see `encode_content`. Default None.
        text: str, sent as `text/plain; charset=utf-8`. Default None.
        html: str, sent as `text/html; charset=utf-8`. Default None.
        json: a value sent as compact `application/json`. Default None.

    Returns:
        tuple: `(headers, stream)`.

    Raises:
        TypeError: from `encode_content` on invalid content.
        ValueError: `json` holds NaN or an infinity.
    """
    if content is not None:
        return encode_content(content)
    if text is not None:
        return encode_text(text)
    if html is not None:
        return encode_html(html)
    if json is not None:
        return encode_json(json)
    return {}, ByteStream(b"")

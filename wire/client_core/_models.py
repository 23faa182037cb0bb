"""The message models: `Response` here, and (httpx 0.28 semantics) `Request` from
`_request.py`, `Headers` from `_headers.py` and `Cookies` from `_cookies.py`, all re-exported
from here, where httpx keeps them.

Strategy: a model holds a byte stream (`SyncByteStream`, `AsyncByteStream`, or a
`ByteStream` that is both) and reads it at most once. Bodies given as values
(`content=b"..."`, `json=...`) are read at construction, so `.content` works at once;
streaming bodies must be read (`read()`/`aread()`) or iterated first.

Response stream states (the errors are raised exactly where httpx raises them):

    state                  iter_raw/iter_bytes...     .content          close()
    unread, open           streams                    ResponseNotRead   closes
    being/been iterated    StreamConsumed             ResponseNotRead*  closes (idempotent)
    closed unread          StreamClosed               ResponseNotRead   no-op
    read()                 replays `.content`         bytes             no-op
    (* until `read()` completes)

Whoever iterates a streaming response must close it: `iter_raw()` closes it when exhausted,
otherwise call `close()`/`aclose()` (the client's `stream()` context manager does).
Content-Encoding is undone by `iter_bytes()` (RFC 9110 §8.4), charset decoding by `iter_text()`.
"""

from __future__ import annotations

import codecs
import contextlib
import datetime
import json as jsonlib
from collections.abc import (
    AsyncGenerator,
    Callable,
    Generator,
    Iterator,
)
from typing import Any, TypeVar, cast

from ._content import ByteStream, UnattachedStream, encode_response
from ._cookies import Cookies
from ._decoders import (
    MAX_CONTENT_ENCODINGS,
    SUPPORTED_DECODERS,
    ByteChunker,
    ContentDecoder,
    IdentityDecoder,
    LineDecoder,
    MultiDecoder,
    TextChunker,
    TextDecoder,
    check_chunk_size,
)
from ._exceptions import (
    DecodingError,
    HTTPStatusError,
    ResponseNotRead,
    StreamClosed,
    StreamConsumed,
    request_context,
)
from ._headers import Headers, parse_content_type_charset, parse_header_links
from ._request import AsyncClosingIterator, ClosingIterator, Request
from ._status_codes import codes
from ._types import (
    AsyncByteStream,
    HeaderTypes,
    ResponseContent,
    ResponseExtensions,
    SyncByteStream,
)
from ._urls import URL

__all__ = ["Cookies", "Headers", "Request", "Response"]

# RFC 9110 §15.4: the 3xx codes that carry a Location to follow (304 and 300 do not).
_REDIRECT_STATUS_CODES = frozenset({301, 302, 303, 307, 308})

_MDN_STATUS_URL = "https://developer.mozilla.org/en-US/docs/Web/HTTP/Status/"

_ERROR_TYPES = {
    1: "Informational response",
    3: "Redirect response",
    4: "Client error",
    5: "Server error",
}


def _is_known_encoding(encoding: str) -> bool:
    try:
        codecs.lookup(encoding)
    except LookupError:
        return False
    return True


_T = TypeVar("_T")


class Response:
    """An HTTP response: status, headers, and a body stream read at most once.

    Args:
        status_code: int, e.g. 200.
        headers: anything `Headers()` accepts; None (default) means none.
        content: body as str, bytes or an (async) iterable of bytes.
        text: body as str, sent as text/plain; charset=utf-8.
        html: body as str, sent as text/html; charset=utf-8.
        json: any JSON-serialisable value, sent as application/json.
        stream: the byte stream received from a transport; no header is added.
        request: the `Request` this answers; None until the client sets it.
        extensions: dict from the transport ("http_version", "reason_phrase" as bytes,
            "network_stream"...); None means {}.
        history: list of the redirect `Response`s that led here; None means [].
        default_encoding: str codec, or a callable (body bytes) -> codec name, used for
            `.text` when Content-Type has no known charset. Default "utf-8".

    Example:
        >>> response = Response(200, json={"ok": True})
        >>> response, response.json(), response.headers["content-type"]
        (<Response [200 OK]>, {'ok': True}, 'application/json')
    """

    def __init__(
        self,
        status_code: int,
        *,
        headers: HeaderTypes | None = None,
        content: ResponseContent | None = None,
        text: str | None = None,
        html: str | None = None,
        json: Any = None,
        stream: SyncByteStream | AsyncByteStream | None = None,
        request: Request | None = None,
        extensions: ResponseExtensions | None = None,
        history: list[Response] | None = None,
        default_encoding: str | Callable[[bytes], str] = "utf-8",
    ) -> None:
        self.status_code = status_code
        self.headers = Headers(headers)
        self._request = request
        #: Set by the client when it does not follow a redirect: the request to send next.
        self.next_request: Request | None = None
        self.extensions: dict[str, Any] = {} if extensions is None else dict(extensions)
        self.history: list[Response] = [] if history is None else list(history)
        self.is_closed = False
        self.is_stream_consumed = False
        self.default_encoding = default_encoding
        self.stream: SyncByteStream | AsyncByteStream
        # The aiter_* generators handed out, closed by aclose(): a consumer that stops early
        # (`break`) leaves its generator suspended, and trio warns about any such generator
        # the garbage collector finds; this reference also keeps it alive until aclose().
        self._async_iterators: list[AsyncGenerator[Any, None]] = []

        if stream is not None:
            # A transport's stream: sent as is, no content header added.
            self.stream = stream
        else:
            body_headers, self.stream = encode_response(content, text, html, json)
            for key, value in body_headers.items():
                # RFC 9112 §6.2: never both; a Content-Length set by the caller wins.
                if key.lower() == "transfer-encoding" and "content-length" in self.headers:
                    continue
                self.headers.setdefault(key, value)
            if isinstance(self.stream, ByteStream):
                self.read()
        # A body given as a value was not downloaded: the counter starts at 0, as in httpx.
        self._num_bytes_downloaded = 0

    # --- metadata ------------------------------------------------------------------------

    @property
    def elapsed(self) -> datetime.timedelta:
        """Time from sending the request to closing the response (set by the client).

        Raises:
            RuntimeError: read before the response was read or closed.
        """
        if not hasattr(self, "_elapsed"):
            raise RuntimeError(
                "'.elapsed' may only be accessed after the response has been read or closed."
            )
        return self._elapsed

    @elapsed.setter
    def elapsed(self, elapsed: datetime.timedelta) -> None:
        self._elapsed = elapsed

    @property
    def request(self) -> Request:
        """The `Request` this response answers.

        Raises:
            RuntimeError: no request was set.
        """
        if self._request is None:
            raise RuntimeError("The request instance has not been set on this response.")
        return self._request

    @request.setter
    def request(self, value: Request) -> None:
        self._request = value

    @property
    def http_version(self) -> str:
        """The protocol, e.g. 'HTTP/1.1' (default when the transport did not say) or 'HTTP/2'."""
        version: bytes | None = self.extensions.get("http_version")
        return "HTTP/1.1" if version is None else version.decode("ascii", errors="ignore")

    @property
    def reason_phrase(self) -> str:
        """The server's reason phrase, else the standard one for the code ('' if unknown)."""
        phrase: bytes | None = self.extensions.get("reason_phrase")
        if phrase is None:
            return codes.get_reason_phrase(self.status_code)
        return phrase.decode("ascii", errors="ignore")

    @property
    def url(self) -> URL:
        """The URL of the request.

        Raises:
            RuntimeError: no request was set.
        """
        return self.request.url

    @property
    def is_informational(self) -> bool:
        """bool: True for an informational status, 100-199 (RFC 9110 §15.2)."""
        return codes.is_informational(self.status_code)

    @property
    def is_success(self) -> bool:
        """bool: True for a successful status, 200-299 (RFC 9110 §15.3)."""
        return codes.is_success(self.status_code)

    @property
    def is_redirect(self) -> bool:
        """True for 3xx (see `has_redirect_location` for one that can be followed)."""
        return codes.is_redirect(self.status_code)

    @property
    def is_client_error(self) -> bool:
        """bool: True for a client error status, 400-499 (RFC 9110 §15.5)."""
        return codes.is_client_error(self.status_code)

    @property
    def is_server_error(self) -> bool:
        """bool: True for a server error status, 500-599 (RFC 9110 §15.6)."""
        return codes.is_server_error(self.status_code)

    @property
    def is_error(self) -> bool:
        """bool: True for a client or server error status, 400-599."""
        return codes.is_error(self.status_code)

    @property
    def has_redirect_location(self) -> bool:
        """True for 301, 302, 303, 307, 308 with a Location header (RFC 9110 §15.4)."""
        return self.status_code in _REDIRECT_STATUS_CODES and "Location" in self.headers

    def raise_for_status(self) -> Response:
        """Return `self` for a 2xx response, else raise.

        Raises:
            RuntimeError: no request was set.
            HTTPStatusError: the status is not 2xx. The message has two lines, e.g.
                "Client error '404 Not Found' for url 'https://example.org/x'" and
                "For more information check: <MDN status page>/404", plus a middle line
                "Redirect location: '...'" for a redirect with a Location.
        """
        request = self._request
        if request is None:
            raise RuntimeError(
                "Cannot call `raise_for_status` as the request instance has not been set on "
                "this response."
            )
        if self.is_success:
            return self
        error_type = _ERROR_TYPES.get(self.status_code // 100, "Invalid status code")
        lines = [f"{error_type} '{self.status_code} {self.reason_phrase}' for url '{self.url}'"]
        if self.has_redirect_location:
            lines.append(f"Redirect location: '{self.headers['location']}'")
        lines.append(f"For more information check: {_MDN_STATUS_URL}{self.status_code}")
        raise HTTPStatusError("\n".join(lines), request=request, response=self)

    @property
    def cookies(self) -> Cookies:
        """The cookies set by this response (Set-Cookie, RFC 6265 §5.2), judged against
        `request.url`.

        Raises:
            RuntimeError: no request was set.
        """
        if not hasattr(self, "_cookies"):
            self._cookies = Cookies()
            self._cookies.extract_cookies(self)
        return self._cookies

    @property
    def links(self) -> dict[str | None, dict[str, str]]:
        """The Link header (RFC 8288) keyed by `rel`, else by url; {} when absent.

        >>> Response(200, headers={"Link": '<https://e.org/2>; rel="next"'}).links
        {'next': {'url': 'https://e.org/2', 'rel': 'next'}}
        """
        header = self.headers.get("link")
        if not header:
            return {}
        return {(link.get("rel") or link.get("url")): link for link in parse_header_links(header)}

    @property
    def num_bytes_downloaded(self) -> int:
        """Raw (still encoded) body bytes received so far by `iter_raw()`/`aiter_raw()`."""
        return self._num_bytes_downloaded

    def __repr__(self) -> str:
        return f"<Response [{self.status_code} {self.reason_phrase}]>"

    def __getstate__(self) -> dict[str, Any]:
        skipped = ("extensions", "stream", "is_closed", "_decoder")
        return {k: v for k, v in self.__dict__.items() if k not in skipped}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self.is_closed = True
        self.extensions = {}
        self.stream = UnattachedStream()

    # --- body as values ------------------------------------------------------------------

    @property
    def content(self) -> bytes:
        """The decoded body (Content-Encoding undone) as bytes.

        Raises:
            ResponseNotRead: a streaming response that was not read (call `read()`).
        """
        if not hasattr(self, "_content"):
            raise ResponseNotRead()
        return self._content

    @property
    def text(self) -> str:
        """The body decoded with `encoding` (undecodable bytes replaced by U+FFFD).

        Raises:
            ResponseNotRead: a streaming response that was not read.
        """
        if not hasattr(self, "_text"):
            content = self.content
            if not content:
                self._text = ""
            else:
                decoder = TextDecoder(encoding=self.encoding or "utf-8")
                self._text = decoder.decode(content) + decoder.flush()
        return self._text

    @property
    def encoding(self) -> str | None:
        """The codec for `text`: the one set here, else a known charset of Content-Type,
        else `default_encoding` (called with the body once it has been read), else 'utf-8'.

        Raises:
            ValueError: on setting, once `text` has been accessed.
        """
        if not hasattr(self, "_encoding"):
            encoding = self.charset_encoding
            if encoding is None or not _is_known_encoding(encoding):
                if isinstance(self.default_encoding, str):
                    encoding = self.default_encoding
                elif hasattr(self, "_content"):
                    encoding = self.default_encoding(self._content)
            self._encoding = encoding or "utf-8"
        return self._encoding

    @encoding.setter
    def encoding(self, value: str) -> None:
        if hasattr(self, "_text"):
            raise ValueError("Setting encoding after `text` has been accessed is not allowed.")
        self._encoding = value

    @property
    def charset_encoding(self) -> str | None:
        """The lower-cased charset parameter of Content-Type, or None (RFC 9110 §8.3.2)."""
        content_type = self.headers.get("Content-Type")
        return None if content_type is None else parse_content_type_charset(content_type)

    def json(self, **kwargs: Any) -> Any:
        """The body parsed as JSON (UTF-8/16/32 detected per RFC 8259 §8.1).

        Args:
            **kwargs: passed to `json.loads`.

        Raises:
            ResponseNotRead: a streaming response that was not read.
            json.JSONDecodeError: the body is not JSON.
        """
        return jsonlib.loads(self.content, **kwargs)

    def _get_content_decoder(self) -> ContentDecoder:
        """The decoder for Content-Encoding, built once.

        Raises:
            DecodingError: more than MAX_CONTENT_ENCODINGS codings are listed.
        """
        # RFC 9110 §8.4: codings are listed in the order applied; MultiDecoder undoes them in
        # reverse. Unknown codings are passed through, as httpx does.
        if not hasattr(self, "_decoder"):
            names: list[str] = []
            # Coding names are ASCII tokens (RFC 9110 §8.4.1): read the raw bytes.
            for _, name, raw_value in self.headers._list:
                if name == b"content-encoding":
                    values = raw_value.decode("latin-1").split(",")
                    names.extend(value.strip().lower() for value in values if value.strip())
            # Each layer multiplies a bomb's expansion, and no real server stacks many:
            # a deliberate limit (RFC 9110 sets none), counting unknown codings too.
            if len(names) > MAX_CONTENT_ENCODINGS:
                raise DecodingError(
                    f"too many Content-Encodings ({len(names)} > {MAX_CONTENT_ENCODINGS})",
                    request=self._request,
                )
            decoders = [SUPPORTED_DECODERS[name]() for name in names if name in SUPPORTED_DECODERS]
            if len(decoders) == 1:
                self._decoder: ContentDecoder = decoders[0]
            elif decoders:
                self._decoder = MultiDecoder(children=decoders)
            else:
                self._decoder = IdentityDecoder()
        return self._decoder

    def _iter_content(self, chunk_size: int | None) -> Iterator[bytes]:
        # Replays an already-read body; the whole body is one chunk when chunk_size is None.
        if chunk_size is None:
            if self._content:
                yield self._content
            return
        step = check_chunk_size(chunk_size)
        assert step is not None
        for start in range(0, len(self._content), step):
            yield self._content[start : start + step]

    # --- sync streaming ------------------------------------------------------------------

    def read(self) -> bytes:
        """Read and return the whole decoded body; later calls reuse it.

        Raises:
            StreamConsumed: the body was already streamed without being stored.
            StreamClosed: the response was closed before being read.
            DecodingError: the Content-Encoding data is invalid (with `.request` set).
        """
        if not hasattr(self, "_content"):
            self._content = self._read_stream()
        return self._content

    def _read_stream(self) -> bytes:
        # `read()` without the iter_bytes → iter_raw generator chain: the same checks,
        # counting, decoding and closing, in one loop (this runs for every response).
        decoder = self._get_content_decoder()
        self._start_raw_stream(is_async=False)
        parts: list[bytes] = []
        with request_context(request=self._request):
            with ClosingIterator(cast(SyncByteStream, self.stream)) as stream:
                for raw_stream_bytes in stream:
                    self._num_bytes_downloaded += len(raw_stream_bytes)
                    parts.extend(decoder.decode_iter(raw_stream_bytes))
            parts.extend(decoder.flush_iter())
        self.close()
        # join() returns a lone bytes chunk as is: no copy for a one-chunk body.
        return b"".join([part for part in parts if part])

    def _start_raw_stream(self, is_async: bool) -> None:
        """Mark the stream consumed, after checking it can be iterated in this mode.

        Raises:
            StreamConsumed: the body was already streamed.
            StreamClosed: the response was closed first.
            RuntimeError: the stream does not support this mode (sync or async).
        """
        if self.is_stream_consumed:
            raise StreamConsumed()
        if self.is_closed:
            raise StreamClosed()
        if is_async and not isinstance(self.stream, AsyncByteStream):
            raise RuntimeError("Attempted to call an async iterator on an sync stream.")
        if not is_async and not isinstance(self.stream, SyncByteStream):
            raise RuntimeError("Attempted to call a sync iterator on an async stream.")
        self.is_stream_consumed = True
        self._num_bytes_downloaded = 0

    def iter_bytes(self, chunk_size: int | None = None) -> Generator[bytes, None, None]:
        """Iterate the decoded body (Content-Encoding undone).

        Args:
            chunk_size: int bytes per chunk (the last may be shorter); None (default) yields
                chunks as they are decoded, without re-chunking or copying.

        Raises:
            StreamConsumed, StreamClosed: see `iter_raw()`.
            DecodingError: the Content-Encoding data is invalid (with `.request` set).
            ValueError: `chunk_size` is below 1.
        """
        if hasattr(self, "_content"):
            yield from self._iter_content(chunk_size)
            return
        decoder = self._get_content_decoder()
        chunker = ByteChunker(chunk_size=chunk_size)
        with request_context(request=self._request):
            with contextlib.closing(self.iter_raw()) as raw:
                # decode_iter() yields bounded pieces: a compression bomb is never whole.
                for raw_bytes in raw:
                    for piece in decoder.decode_iter(raw_bytes):
                        yield from chunker.decode(piece)
            for piece in decoder.flush_iter():
                yield from chunker.decode(piece)
            yield from chunker.flush()

    def iter_text(self, chunk_size: int | None = None) -> Generator[str, None, None]:
        """Iterate the body as str, decoded with `encoding` (multi-byte sequences split
        across chunks are handled).

        Args:
            chunk_size: int characters per chunk; None (default) yields as decoded.

        Raises:
            StreamConsumed, StreamClosed, DecodingError: see `iter_bytes()`.
        """
        decoder = TextDecoder(encoding=self.encoding or "utf-8")
        chunker = TextChunker(chunk_size=chunk_size)
        with request_context(request=self._request):
            with contextlib.closing(self.iter_bytes()) as parts:
                for part in parts:
                    yield from chunker.decode(decoder.decode(part))
            yield from chunker.decode(decoder.flush())
            yield from chunker.flush()

    def iter_lines(self) -> Generator[str, None, None]:
        """Iterate the body's lines (split on \\n, \\r\\n or \\r), without line endings.

        Raises:
            StreamConsumed, StreamClosed, DecodingError: see `iter_bytes()`.
        """
        decoder = LineDecoder()
        with request_context(request=self._request):
            with contextlib.closing(self.iter_text()) as texts:
                for text in texts:
                    yield from decoder.decode(text)
            yield from decoder.flush()

    def iter_raw(self, chunk_size: int | None = None) -> Generator[bytes, None, None]:
        """Iterate the body as received (still content-encoded), counting
        `num_bytes_downloaded`; closes the response once the stream is exhausted.

        Args:
            chunk_size: int bytes per chunk; None (default) yields the stream's own chunks.

        Raises:
            StreamConsumed: the body was already streamed (or read at construction).
            StreamClosed: the response was closed first.
            RuntimeError: the stream is async-only (use `aiter_raw()`).
        """
        self._start_raw_stream(is_async=False)
        chunker = ByteChunker(chunk_size=chunk_size)
        with request_context(request=self._request):
            with ClosingIterator(cast(SyncByteStream, self.stream)) as stream:
                for raw_stream_bytes in stream:
                    self._num_bytes_downloaded += len(raw_stream_bytes)
                    yield from chunker.decode(raw_stream_bytes)
        yield from chunker.flush()
        self.close()

    def close(self) -> None:
        """Close the stream and release the connection; safe to call more than once.

        Raises:
            RuntimeError: the stream is async-only (use `aclose()`).
        """
        if not isinstance(self.stream, SyncByteStream):
            raise RuntimeError("Attempted to call an sync close on an async stream.")
        if not self.is_closed:
            self.is_closed = True
            with request_context(request=self._request):
                self.stream.close()

    # --- async streaming (twins of the above) ----------------------------------------------

    async def aread(self) -> bytes:
        """Read and return the whole decoded body (bytes); later calls reuse it.

        Async twin of `read()`.

        Raises:
            StreamConsumed: the body was already streamed without being stored.
            StreamClosed: the response was closed before being read.
            DecodingError: the Content-Encoding data is invalid (with `.request` set).
            RuntimeError: the stream is sync-only (use `read()`).
        """
        if not hasattr(self, "_content"):
            async with contextlib.aclosing(self.aiter_bytes()) as parts:
                self._content = b"".join([part async for part in parts])
        return self._content

    def aiter_bytes(self, chunk_size: int | None = None) -> AsyncGenerator[bytes, None]:
        """Iterate the decoded body as bytes chunks (async twin of `iter_bytes()`).

        Args:
            chunk_size: int bytes per chunk (the last may be shorter); None (default) yields
                chunks as they are decoded, without re-chunking or copying.

        Raises:
            StreamConsumed, StreamClosed: see `aiter_raw()`.
            DecodingError: the Content-Encoding data is invalid (with `.request` set).
        """
        return self._track(self._aiter_bytes(chunk_size))

    async def _aiter_bytes(self, chunk_size: int | None = None) -> AsyncGenerator[bytes, None]:
        if hasattr(self, "_content"):
            for chunk in self._iter_content(chunk_size):
                yield chunk
            return
        decoder = self._get_content_decoder()
        chunker = ByteChunker(chunk_size=chunk_size)
        with request_context(request=self._request):
            async with contextlib.aclosing(self.aiter_raw()) as raw:
                async for raw_bytes in raw:
                    for piece in decoder.decode_iter(raw_bytes):
                        for chunk in chunker.decode(piece):
                            yield chunk
            for piece in decoder.flush_iter():
                for chunk in chunker.decode(piece):
                    yield chunk
            for chunk in chunker.flush():
                yield chunk

    def aiter_text(self, chunk_size: int | None = None) -> AsyncGenerator[str, None]:
        """Iterate the body as str chunks, decoded with `encoding` (twin of `iter_text()`).

        Args:
            chunk_size: int characters per chunk; None (default) yields as decoded.

        Raises:
            StreamConsumed, StreamClosed, DecodingError: see `aiter_bytes()`.
        """
        return self._track(self._aiter_text(chunk_size))

    async def _aiter_text(self, chunk_size: int | None = None) -> AsyncGenerator[str, None]:
        decoder = TextDecoder(encoding=self.encoding or "utf-8")
        chunker = TextChunker(chunk_size=chunk_size)
        with request_context(request=self._request):
            async with contextlib.aclosing(self.aiter_bytes()) as parts:
                async for part in parts:
                    for chunk in chunker.decode(decoder.decode(part)):
                        yield chunk
            for chunk in [*chunker.decode(decoder.flush()), *chunker.flush()]:
                yield chunk

    def aiter_lines(self) -> AsyncGenerator[str, None]:
        """Iterate the body's lines as str, without line endings (twin of `iter_lines()`).

        Lines end at \\n, \\r\\n or \\r.

        Raises:
            StreamConsumed, StreamClosed, DecodingError: see `aiter_bytes()`.
        """
        return self._track(self._aiter_lines())

    async def _aiter_lines(self) -> AsyncGenerator[str, None]:
        decoder = LineDecoder()
        with request_context(request=self._request):
            async with contextlib.aclosing(self.aiter_text()) as texts:
                async for text in texts:
                    for line in decoder.decode(text):
                        yield line
            for line in decoder.flush():
                yield line

    def aiter_raw(self, chunk_size: int | None = None) -> AsyncGenerator[bytes, None]:
        """Async twin of `iter_raw()`.

        Raises:
            StreamConsumed, StreamClosed: as `iter_raw()`.
            RuntimeError: the stream is sync-only (use `iter_raw()`).
        """
        return self._track(self._aiter_raw(chunk_size))

    async def _aiter_raw(self, chunk_size: int | None = None) -> AsyncGenerator[bytes, None]:
        self._start_raw_stream(is_async=True)
        chunker = ByteChunker(chunk_size=chunk_size)
        with request_context(request=self._request):
            async with AsyncClosingIterator(cast(AsyncByteStream, self.stream)) as stream:
                async for raw_stream_bytes in stream:
                    self._num_bytes_downloaded += len(raw_stream_bytes)
                    for chunk in chunker.decode(raw_stream_bytes):
                        yield chunk
        for chunk in chunker.flush():
            yield chunk
        await self.aclose()

    async def aclose(self) -> None:
        """Async twin of `close()`.

        Raises:
            RuntimeError: the stream is sync-only (use `close()`).
        """
        if not isinstance(self.stream, AsyncByteStream):
            raise RuntimeError("Attempted to call an async close on an sync stream.")
        iterators, self._async_iterators = self._async_iterators, []
        for iterator in iterators:
            # One still running is the chain that reached the end of the body and called
            # us: it finishes on its own.
            if not getattr(iterator, "ag_running", False):
                await iterator.aclose()
        if not self.is_closed:
            self.is_closed = True
            with request_context(request=self._request):
                await self.stream.aclose()

    def _track(self, iterator: AsyncGenerator[_T, None]) -> AsyncGenerator[_T, None]:
        self._async_iterators.append(iterator)
        return iterator

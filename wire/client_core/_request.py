"""`Request`: an HTTP request (httpx 0.28 semantics), and the closing iterator helpers.

Strategy: a request holds a byte stream (`SyncByteStream`, `AsyncByteStream`, or a
`ByteStream` that is both). A body given as a value (`content=b"..."`, `json=...`) is loaded
at construction, so `.content` works at once; a streaming body must be read first
(`read()`/`aread()`), after which it is replayable (redirects, auth retries).
"""

from __future__ import annotations

from collections.abc import AsyncIterable, AsyncIterator, Iterable, Iterator
from types import TracebackType
from typing import Any, cast

from ._content import ByteStream, UnattachedStream, encode_request
from ._cookies import Cookies
from ._exceptions import RequestNotRead
from ._headers import Headers
from ._multipart import get_multipart_boundary_from_content_type
from ._types import (
    AsyncByteStream,
    CookieTypes,
    HeaderTypes,
    QueryParamTypes,
    RequestContent,
    RequestData,
    RequestExtensions,
    RequestFiles,
    SyncByteStream,
)
from ._urls import URL

__all__ = ["AsyncClosingIterator", "ClosingIterator", "Request"]


class ClosingIterator:
    """`with` block over a stream's iterator that closes the iterator on exit, so an
    early `break` by the consumer releases a generator-based stream at once."""

    def __init__(self, iterable: Iterable[bytes]) -> None:
        self.iterator: Iterator[bytes] = iter(iterable)

    def __enter__(self) -> Iterator[bytes]:
        return self.iterator

    def __exit__(self, *exc_info: object) -> None:
        close = getattr(self.iterator, "close", None)
        if close is not None:
            close()


class AsyncClosingIterator:
    """`async with` twin of `ClosingIterator`: never leaves an async generator unclosed."""

    def __init__(self, iterable: AsyncIterable[bytes]) -> None:
        self.iterator: AsyncIterator[bytes] = aiter(iterable)

    async def __aenter__(self) -> AsyncIterator[bytes]:
        return self.iterator

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        aclose = getattr(self.iterator, "aclose", None)
        if aclose is not None:
            await aclose()


class Request:
    """An HTTP request: method, URL, headers and a body stream.

    Args:
        method: str or ASCII bytes; upper-cased ('get' -> 'GET').
        url: `URL` or str.
        params: query parameters (anything `QueryParams()` accepts) that *replace* the
            query of `url`, as in httpx 0.28 (merge with `URL.copy_merge_params` instead);
            an empty value removes the query. None (default) keeps the URL's query.
        headers: anything `Headers()` accepts; None (default) means none.
        cookies: `Cookies`, a dict or (name, value) list, or a `CookieJar`; the cookies
            matching `url` become a Cookie header (unless one is set). None: no cookies.
        content: body as str, bytes, or an (async) iterable of bytes (streamed, chunked).
        data: form fields (urlencoded; multipart when `files` is given).
        files: multipart file fields.
        json: any JSON-serialisable value, sent as application/json.
        stream: a ready byte stream; when given, *no* header is added automatically
            (used when copying requests for redirects, or server side).
        extensions: dict of transport options (e.g. "timeout"); None means {}.

    Unless `stream` is given, framing headers are added as httpx does: `Host` from the URL's
    netloc (RFC 9110 §7.2; default port omitted), `Content-Length` or
    `Transfer-Encoding: chunked` from the body (RFC 9112 §6; not both, and not when the user
    set either), `Content-Length: 0` for a body-less POST/PUT/PATCH, and a multipart body
    reuses the boundary of a user-supplied `Content-Type` (RFC 7578 §4.1).

    Example:
        >>> request = Request("post", "https://example.org/items", json={"a": 1})
        >>> request
        <Request('POST', 'https://example.org/items')>
        >>> request.headers["Content-Length"], request.content
        ('7', b'{"a":1}')
    """

    def __init__(
        self,
        method: str | bytes,
        url: URL | str,
        *,
        params: QueryParamTypes | None = None,
        headers: HeaderTypes | None = None,
        cookies: CookieTypes | None = None,
        content: RequestContent | None = None,
        data: RequestData | None = None,
        files: RequestFiles | None = None,
        json: Any | None = None,
        stream: SyncByteStream | AsyncByteStream | None = None,
        extensions: RequestExtensions | None = None,
    ) -> None:
        self.method = (method.decode("ascii") if isinstance(method, bytes) else method).upper()
        # As httpx 0.28: `params` replace the URL's own query (use URL.copy_merge_params
        # to merge). URL is immutable, so a given URL is shared rather than copied.
        self.url = URL(url) if params is None else URL(url, params=params)
        self.headers = Headers(headers)
        self.extensions: dict[str, Any] = {} if extensions is None else dict(extensions)
        self.stream: SyncByteStream | AsyncByteStream

        if cookies:
            Cookies(cookies).set_cookie_header(self)

        if stream is not None:
            # A given stream is sent as is, with no auto-populated header.
            self.stream = stream
            return
        if content is None and data is None and files is None and json is None:
            # No body (most requests): skip the encoders.
            body_headers: dict[str, str] = {}
            self.stream = ByteStream(b"")
        else:
            boundary = None
            if files:
                content_type: str | None = self.headers.get("content-type")
                boundary = get_multipart_boundary_from_content_type(
                    content_type.encode(self.headers.encoding) if content_type else None
                )
            body_headers, self.stream = encode_request(
                content=content, data=data, files=files, json=json, boundary=boundary
            )
        self._prepare(body_headers)
        if isinstance(self.stream, ByteStream):
            # A body given as a value is replayable: load it so `.content` works at once.
            self._content = self.stream._stream

    def _prepare(self, default_headers: dict[str, str]) -> None:
        headers = self.headers
        for key, value in default_headers.items():
            # RFC 9112 §6.2: a sender must not send both; the user's Content-Length wins.
            if key.lower() == "transfer-encoding" and "Content-Length" in headers:
                continue
            headers.setdefault(key, value)

        names = {entry[1] for entry in headers._list}
        auto_headers: list[tuple[bytes, bytes, bytes]] = []
        if b"host" not in names and self.url._uri_reference.host:
            auto_headers.append((b"Host", b"host", self.url.netloc))
        if (
            b"content-length" not in names
            and b"transfer-encoding" not in names
            and self.method in ("POST", "PUT", "PATCH")
        ):
            # RFC 9110 §8.6: a user agent should send Content-Length for a body-carrying
            # method even when the body is empty.
            auto_headers.append((b"Content-Length", b"content-length", b"0"))
        # Host goes first, as in HTTP/1.1 request messages by convention (RFC 9112 §3.2).
        # A fresh Headers also drops any encoding guessed while reading Content-Type.
        self.headers = Headers._from_list(auto_headers + headers._list)

    @property
    def content(self) -> bytes:
        """The body as bytes.

        Raises:
            RequestNotRead: the body is a stream that was not read yet (call `read()`).
        """
        if not hasattr(self, "_content"):
            raise RequestNotRead()
        return self._content

    def read(self) -> bytes:
        """Read the whole body into memory and return it (bytes); later calls reuse it.

        A consumed one-shot stream is replaced by a replayable in-memory one, so the request
        can be sent again (redirects, auth retries).

        Raises:
            RuntimeError: the body is an async-only stream (use `aread()`).
        """
        if not hasattr(self, "_content"):
            if not isinstance(self.stream, Iterable):
                raise RuntimeError("Attempted to call a sync read on an async stream.")
            self._content = b"".join(cast(Iterable[bytes], self.stream))
            if not isinstance(self.stream, ByteStream):
                self.stream = ByteStream(self._content)
        return self._content

    async def aread(self) -> bytes:
        """Async twin of `read()`.

        Raises:
            RuntimeError: the body is a sync-only stream (use `read()`).
        """
        if not hasattr(self, "_content"):
            if not isinstance(self.stream, AsyncIterable):
                raise RuntimeError("Attempted to call an async read on a sync stream.")
            async with AsyncClosingIterator(self.stream) as parts:
                self._content = b"".join([part async for part in parts])
            if not isinstance(self.stream, ByteStream):
                self.stream = ByteStream(self._content)
        return self._content

    def __repr__(self) -> str:
        return f"<{type(self).__name__}({self.method!r}, {str(self.url)!r})>"

    def __getstate__(self) -> dict[str, Any]:
        # Streams and extensions (which may hold sockets or callbacks) are not picklable.
        return {k: v for k, v in self.__dict__.items() if k not in ("extensions", "stream")}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self.extensions = {}
        self.stream = UnattachedStream()

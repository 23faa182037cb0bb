"""The exception tree of the client core, with httpx 0.28's names and semantics.

```
HTTPError                      -- an error while sending a request or handling a response
├── RequestError               -- anything that went wrong while sending a request (has .request)
│   ├── TransportError         -- raised by a transport
│   │   ├── TimeoutException
│   │   │   ├── ConnectTimeout
│   │   │   ├── ReadTimeout
│   │   │   ├── WriteTimeout
│   │   │   └── PoolTimeout
│   │   ├── NetworkError
│   │   │   ├── ConnectError
│   │   │   ├── ReadError
│   │   │   ├── WriteError
│   │   │   └── CloseError
│   │   ├── ProtocolError
│   │   │   ├── LocalProtocolError   -- we broke the protocol (we are to blame)
│   │   │   └── RemoteProtocolError  -- the server broke the protocol (it is to blame)
│   │   ├── ProxyError
│   │   └── UnsupportedProtocol
│   ├── DecodingError          -- the body could not be decoded (Content-Encoding, charset)
│   └── TooManyRedirects
└── HTTPStatusError            -- raise_for_status() on a 4xx or 5xx (has .request and .response)
InvalidURL                     -- a URL that cannot be parsed or built
CookieConflict                 -- Cookies.get() found several cookies with one name
StreamError                    -- misuse of a request or response stream (a RuntimeError)
├── StreamConsumed
├── StreamClosed
├── ResponseNotRead
└── RequestNotRead
```

`request_context(request=...)` attaches a request to any `RequestError` raised inside it
that has none yet, so low-level code can raise without knowing the request.
"""

from __future__ import annotations

from types import TracebackType
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from ._models import Request, Response

__all__ = [
    "CloseError",
    "ConnectError",
    "ConnectTimeout",
    "CookieConflict",
    "DecodingError",
    "HTTPError",
    "HTTPStatusError",
    "InvalidURL",
    "LocalProtocolError",
    "NetworkError",
    "PoolTimeout",
    "ProtocolError",
    "ProxyError",
    "ReadError",
    "ReadTimeout",
    "RemoteProtocolError",
    "RequestError",
    "RequestNotRead",
    "ResponseNotRead",
    "StreamClosed",
    "StreamConsumed",
    "StreamError",
    "TimeoutException",
    "TooManyRedirects",
    "TransportError",
    "UnsupportedProtocol",
    "WriteError",
    "WriteTimeout",
    "request_context",
]


class HTTPError(Exception):
    """Base class for `RequestError` and `HTTPStatusError`.

    Args:
        message: str, a one-line human-readable description.

    The `.request` property gives the `Request` involved; reading it before one was
    attached raises `RuntimeError`.
    """

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self._request: Request | None = None

    @property
    def request(self) -> Request:
        """The `Request` that was being sent; raises `RuntimeError` if none is attached."""
        if self._request is None:
            raise RuntimeError("The .request property has not been set.")
        return self._request

    @request.setter
    def request(self, request: Request) -> None:
        self._request = request


class RequestError(HTTPError):
    """An error while issuing a request (connecting, sending, receiving, decoding).

    Args:
        message: str, a one-line description.
        request: the `Request`, or None when it is attached later by `request_context`.
    """

    def __init__(self, message: str, *, request: Request | None = None) -> None:
        super().__init__(message)
        self._request = request


class TransportError(RequestError):
    """Base class for every error raised by a transport."""


class TimeoutException(TransportError):
    """A timeout expired (see `Timeout`)."""


class ConnectTimeout(TimeoutException):
    """The connection was not established within the connect timeout (seconds)."""


class ReadTimeout(TimeoutException):
    """No data was received within the read timeout (seconds)."""


class WriteTimeout(TimeoutException):
    """The request could not be sent within the write timeout (seconds)."""


class PoolTimeout(TimeoutException):
    """No connection could be taken from the pool within the pool timeout (seconds)."""


class NetworkError(TransportError):
    """A network-level failure (DNS, refused connection, reset...)."""


class ConnectError(NetworkError):
    """The connection could not be established (DNS failure, refused, TLS failure...)."""


class ReadError(NetworkError):
    """Receiving data from the network failed (connection reset...)."""


class WriteError(NetworkError):
    """Sending data over the network failed."""


class CloseError(NetworkError):
    """Closing a connection failed."""


class ProtocolError(TransportError):
    """The HTTP protocol was violated."""


class LocalProtocolError(ProtocolError):
    """We (the client) violated the protocol, e.g. sent an invalid header."""


class RemoteProtocolError(ProtocolError):
    """The server violated the protocol, e.g. closed before the body's end (RFC 9112 §6.3)."""


class ProxyError(TransportError):
    """The proxy refused or failed to establish the tunnel."""


class UnsupportedProtocol(TransportError):
    """The URL scheme is unsupported or missing (only http and https are)."""


class DecodingError(RequestError):
    """The response body could not be decoded with its Content-Encoding or charset."""


class TooManyRedirects(RequestError):
    """More redirects than `max_redirects` were followed."""


class HTTPStatusError(HTTPError):
    """`Response.raise_for_status()` on a 4xx or 5xx status (or 1xx/3xx when not a success).

    Args:
        message: str.
        request: the `Request`.
        response: the `Response` with the failing status.
    """

    def __init__(self, message: str, *, request: Request, response: Response) -> None:
        super().__init__(message)
        self.request = request
        self.response = response


class InvalidURL(Exception):
    """A URL is malformed, too long, or has invalid characters.

    Args:
        message: str naming what was wrong.
    """

    def __init__(self, message: str) -> None:
        super().__init__(message)


class CookieConflict(Exception):
    """`Cookies.get(name)` found more than one cookie with that name; pass a domain/path.

    Args:
        message: str.
    """

    def __init__(self, message: str) -> None:
        super().__init__(message)


class StreamError(RuntimeError):
    """A request or response stream was used in a way it does not support.

    Not an `HTTPError`: it signals a programming error, not a network condition.
    """

    def __init__(self, message: str) -> None:
        super().__init__(message)


class StreamConsumed(StreamError):
    """The stream was already iterated once and cannot be iterated again."""

    def __init__(self) -> None:
        super().__init__(
            "Attempted to read or stream some content, but the content has already been "
            "streamed. For requests, this could be due to passing a generator as request "
            "content, and then receiving a redirect response or a secondary request as part "
            "of an authentication flow. For responses, this could be due to attempting to "
            "stream the response content more than once."
        )


class StreamClosed(StreamError):
    """The response was closed before its content was read."""

    def __init__(self) -> None:
        super().__init__(
            "Attempted to read or stream content, but the stream has been closed."
        )


class ResponseNotRead(StreamError):
    """`.content` or `.text` was used on a streaming response before `read()`."""

    def __init__(self) -> None:
        super().__init__(
            "Attempted to access streaming response content, without having called `read()`."
        )


class RequestNotRead(StreamError):
    """`.content` was used on a streaming request before `read()`."""

    def __init__(self) -> None:
        super().__init__(
            "Attempted to access streaming request content, without having called `read()`."
        )


class request_context:  # noqa: N801 - used like the function it replaces
    """Attach `request` to any `RequestError` raised inside the block that lacks one.

    A plain class rather than `contextlib.contextmanager`: it wraps every body read, and a
    generator-based context manager costs several times more per use.

    Args:
        request: the `Request` to attach, or None to attach nothing.

    Raises:
        RequestError: re-raised unchanged apart from its `.request`.

    Example:
        >>> request = Request("GET", "https://example.org")  # doctest: +SKIP
        >>> with request_context(request=request):  # doctest: +SKIP
        ...     raise ReadTimeout("timed out")  # error.request is request
    """

    __slots__ = ("request",)

    def __init__(self, request: Request | None = None) -> None:
        self.request = request

    def __enter__(self) -> None:
        return None

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if (
            self.request is not None
            and isinstance(exc, RequestError)
            and exc._request is None
        ):
            exc._request = self.request

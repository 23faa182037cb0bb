"""wire's HTTP client core: the public API, with httpx 0.28's names and semantics.

    import wire

    response = wire.get("https://example.org")
    with wire.Client(timeout=10.0) as client:
        response = client.post("https://example.org/items", json={"name": "wire"})

`HTTPTransport` and `AsyncHTTPTransport` are loaded on first use, so that importing wire
does not import httpcore (nor h2, anyio or trio).
"""

from __future__ import annotations

import typing

from ._api import delete, get, head, main, options, patch, post, put, request, stream
from ._async.client import AsyncClient
from ._auth import Auth, BasicAuth, DigestAuth, NetRCAuth
from ._auth import FunctionAuth as FunctionAuth
from ._client_base import USE_CLIENT_DEFAULT
from ._config import Limits, Proxy, Timeout, create_ssl_context
from ._content import ByteStream
from ._exceptions import (
    CloseError,
    ConnectError,
    ConnectTimeout,
    CookieConflict,
    DecodingError,
    HTTPError,
    HTTPStatusError,
    InvalidURL,
    LocalProtocolError,
    NetworkError,
    PoolTimeout,
    ProtocolError,
    ProxyError,
    ReadError,
    ReadTimeout,
    RemoteProtocolError,
    RequestError,
    RequestNotRead,
    ResponseNotRead,
    StreamClosed,
    StreamConsumed,
    StreamError,
    TimeoutException,
    TooManyRedirects,
    TransportError,
    UnsupportedProtocol,
    WriteError,
    WriteTimeout,
)
from ._headers import Headers
from ._models import Cookies, Request, Response
from ._ratelimit import RateLimit
from ._retry import Retry
from ._status_codes import codes
from ._sync.client import Client
from ._transports.asgi import ASGITransport
from ._transports.base import AsyncBaseTransport, BaseTransport
from ._transports.mock import MockTransport
from ._transports.wsgi import WSGITransport
from ._types import AsyncByteStream, SyncByteStream
from ._urls import URL, QueryParams

if typing.TYPE_CHECKING:  # pragma: no cover
    from ._transports.default import AsyncHTTPTransport, HTTPTransport

#: Package metadata, as httpx exposes it (`__version__` is in `wire.__version__`).
__title__ = "wire"
__description__ = "A command-line HTTP client, and the httpx-compatible client core inside it."

# httpx 0.28's public names, exactly (wire adds `__version__` at the top level).
# FunctionAuth stays importable, but is not public in httpx either.
__all__ = [
    "__description__",
    "__title__",
    "USE_CLIENT_DEFAULT",
    "URL",
    "ASGITransport",
    "AsyncBaseTransport",
    "AsyncByteStream",
    "AsyncClient",
    "AsyncHTTPTransport",
    "Auth",
    "BaseTransport",
    "BasicAuth",
    "ByteStream",
    "Client",
    "CloseError",
    "ConnectError",
    "ConnectTimeout",
    "CookieConflict",
    "Cookies",
    "DecodingError",
    "DigestAuth",
    "HTTPError",
    "HTTPStatusError",
    "HTTPTransport",
    "Headers",
    "InvalidURL",
    "Limits",
    "LocalProtocolError",
    "MockTransport",
    "NetRCAuth",
    "NetworkError",
    "PoolTimeout",
    "ProtocolError",
    "Proxy",
    "ProxyError",
    "RateLimit",
    "QueryParams",
    "ReadError",
    "ReadTimeout",
    "RemoteProtocolError",
    "Request",
    "RequestError",
    "RequestNotRead",
    "Response",
    "ResponseNotRead",
    "Retry",
    "StreamClosed",
    "StreamConsumed",
    "StreamError",
    "SyncByteStream",
    "Timeout",
    "TimeoutException",
    "TooManyRedirects",
    "TransportError",
    "UnsupportedProtocol",
    "WriteError",
    "WSGITransport",
    "WriteTimeout",
    "codes",
    "create_ssl_context",
    "delete",
    "get",
    "head",
    "main",
    "options",
    "patch",
    "post",
    "put",
    "request",
    "stream",
]

_LAZY = {"HTTPTransport", "AsyncHTTPTransport"}


def __getattr__(name: str) -> typing.Any:
    # The default transports import httpcore: load them on first use only.
    if name in _LAZY:
        from ._transports import default

        return getattr(default, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | _LAZY)

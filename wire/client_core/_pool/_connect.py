"""Opening a connection: TCP (or a Unix socket), TLS with ALPN, then the HTTP/1.1 or HTTP/2 layer.

The pools do this themselves rather than through httpcore's `HTTPConnection`, for two reasons:

- ALPN. httpcore sets the ALPN list on the `SSLContext` it is given at every connect. wire
  shares one default context per process, so an HTTP/1.1-only client and an HTTP/2 client
  could each rewrite the other's offer. Here the shared default context is never modified:
  each ALPN set gets its own shared context (`_config.ssl_context_for_alpn`).
- HTTP/2 import cost. wire's HTTP/2 connection (and `hpack`) is imported only when a server
  selects "h2", or for h2c with prior knowledge (see `_h2_class`).

Trace events keep httpcore's names ("connection.connect_tcp", "connection.start_tls",
"connection.retry") so that the `trace` request extension sees what httpx users expect.
"""

from __future__ import annotations

import itertools
import logging
import ssl
import typing
from collections.abc import Iterator
from typing import Any

import httpcore
from httpcore._trace import Trace

from .._config import ssl_context_for_alpn
from ._http11 import HTTP11, AsyncHTTP11
from ._state import Key

__all__ = ["ConnectOptions", "backoff_delays", "connect_kwargs", "http_layer", "key_of"]

_logger = logging.getLogger("httpcore.connection")

#: Seconds before each retry of a failed connect: 0, 0.5, 1, 2, 4... (as httpcore).
RETRY_BACKOFF_FACTOR = 0.5


class ConnectOptions(typing.NamedTuple):
    """What a pool needs to open connections (see `AsyncConnectionPool` for each field)."""

    ssl_context: ssl.SSLContext | None
    http1: bool
    http2: bool
    keepalive_expiry: float | None
    retries: int
    local_address: str | None
    uds: str | None
    socket_options: typing.Any

    @property
    def alpn(self) -> tuple[str, ...]:
        """The ALPN protocol names to offer (RFC 7301), in order of preference."""
        if not self.http2:
            return ("http/1.1",)
        return ("h2", "http/1.1") if self.http1 else ("h2",)

    def may_multiplex(self, key: Key) -> bool:
        """True when a new connection to `key` could turn out to be HTTP/2."""
        return self.http2 and (key[0] in (b"https", b"wss") or not self.http1)


def key_of(url: httpcore.URL) -> Key:
    """The pool key (scheme, host, port) of an httpcore URL."""
    return (url.scheme, url.host, url.port or (443 if url.scheme in (b"https", b"wss") else 80))


def backoff_delays() -> Iterator[float]:
    """Delays (seconds) between connect attempts: 0, then exponential."""
    yield 0.0
    for n in itertools.count():
        yield RETRY_BACKOFF_FACTOR * 2**n


def connect_kwargs(options: ConnectOptions, key: Key, timeout: float | None) -> dict[str, Any]:
    """Keyword arguments for the network backend's connect_tcp / connect_unix_socket."""
    if options.uds is not None:
        return {"path": options.uds, "timeout": timeout, "socket_options": options.socket_options}
    return {
        "host": key[1].decode("ascii"),
        "port": key[2],
        "local_address": options.local_address,
        "timeout": timeout,
        "socket_options": options.socket_options,
    }


def tls_kwargs(options: ConnectOptions, key: Key, request: httpcore.Request) -> dict[str, Any]:
    """Keyword arguments for `start_tls`; the context carries the right ALPN offer."""
    timeout = request.extensions.get("timeout", {}).get("connect")
    context = ssl_context_for_alpn(options.ssl_context, options.alpn)
    sni = request.extensions.get("sni_hostname") or key[1].decode("ascii")
    return {"ssl_context": context, "server_hostname": sni, "timeout": timeout}


def trace(name: str, request: httpcore.Request, kwargs: dict[str, Any]) -> Trace:
    """A `Trace` for a "connection.*" event (the `trace` extension and debug logging)."""
    return Trace(name, _logger, request, kwargs)



def http_layer(options: ConnectOptions, key: Key, stream: Any, *, is_async: bool) -> Any:
    """The HTTP/1.1 or HTTP/2 connection over a connected (and TLS-wrapped) stream.

    HTTP/2 is used when ALPN selected "h2" (RFC 9113 §3.2), or for h2c with prior knowledge
    (http1=False on an http:// origin, RFC 9113 §3.3).
    """
    ssl_object = stream.get_extra_info("ssl_object")
    negotiated = ssl_object.selected_alpn_protocol() if ssl_object is not None else None
    origin = httpcore.Origin(scheme=key[0], host=key[1], port=key[2])
    if negotiated == "h2" or (options.http2 and not options.http1):
        return _h2_class(is_async)(origin=origin, stream=stream,
                                   keepalive_expiry=options.keepalive_expiry)
    cls = AsyncHTTP11 if is_async else HTTP11
    return cls(origin=origin, stream=stream, keepalive_expiry=options.keepalive_expiry)


def _h2_class(is_async: bool) -> type[Any]:
    """wire's HTTP/2 connection class (`_async/http2.py`); imports hpack on first use only.

    Flow control (RFC 9113 §6.9.2 starts every window at 65,535 bytes, one window per round
    trip): the connection window is widened by 16 MiB at start-up and each stream's by 16 MiB
    with its request, so downloads are not throttled (see `_h2state.WINDOW_INCREMENT`).
    """
    if is_async:
        from .._async.http2 import AsyncHTTP2Connection

        return AsyncHTTP2Connection
    from .._sync.http2 import HTTP2Connection

    return HTTP2Connection

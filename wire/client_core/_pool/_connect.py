"""Opening a connection: TCP (or a Unix socket), TLS with ALPN, then the HTTP/1.1 or HTTP/2 layer.

The pools do this themselves rather than through httpcore's `HTTPConnection`, for two reasons:

- ALPN. httpcore sets the ALPN list on the `SSLContext` it is given at every connect. wire
  shares one default context per process, so an HTTP/1.1-only client and an HTTP/2 client
  could each rewrite the other's offer. Here the shared default context is never modified:
  each ALPN set gets its own shared context (`_config.ssl_context_for_alpn`).
- HTTP/2 import cost. wire's HTTP/2 connection (and `hpack`) is imported only when a server
  selects "h2", or for h2c with prior knowledge (see `_http2_class` in `_async/pool.py`).

Both pools (`_async/pool.py` and the generated `_sync/pool.py`) use these helpers, and the
request-level helpers they share (`check_scheme`, `connect_options`, `pool_deadline`,
`time_left`).

Trace events keep httpcore's names ("connection.connect_tcp", "connection.start_tls",
"connection.retry") so that the `trace` request extension sees what httpx users expect.
"""

from __future__ import annotations

import itertools
import logging
import ssl
import time
import typing
from collections.abc import Callable, Iterator
from typing import Any

import httpcore
from httpcore._trace import Trace

from .._config import ssl_context_for_alpn
from ._state import Key

__all__ = [
    "ConnectOptions",
    "backoff_delays",
    "check_scheme",
    "connect_kwargs",
    "connect_options",
    "http_layer",
    "key_of",
    "pool_deadline",
    "time_left",
]

_logger = logging.getLogger("httpcore.connection")

#: Seconds before each retry of a failed connect: 0, 0.5, 1, 2, 4... (as httpcore).
RETRY_BACKOFF_FACTOR = 0.5

#: Bound on the attempts to place one request (a connection can vanish between being chosen
#: and being used, e.g. an HTTP/2 connection the server is shutting down): never a busy loop.
MAX_PLACEMENT_ATTEMPTS = 100


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


def connect_options(
    ssl_context: ssl.SSLContext | None, http1: bool, http2: bool,
    keepalive_expiry: float | None, retries: int, local_address: str | None, uds: str | None,
    socket_options: Any,
) -> ConnectOptions:
    """A pool's `ConnectOptions`, checked (arguments as `AsyncConnectionPool`).

    Raises:
        ValueError: when both http1 and http2 are False.
    """
    if not (http1 or http2):
        raise ValueError("At least one of http1 or http2 must be enabled.")
    return ConnectOptions(
        ssl_context, http1, http2, keepalive_expiry, retries, local_address, uds, socket_options
    )


def check_scheme(request: httpcore.Request) -> None:
    """Refuse a request the pools cannot connect for.

    Raises:
        httpcore.UnsupportedProtocol: for a URL without a scheme, or one other than
            http, https, ws or wss.
    """
    scheme = request.url.scheme.decode()
    if scheme == "":
        raise httpcore.UnsupportedProtocol(
            "Request URL is missing an 'http://' or 'https://' protocol."
        )
    if scheme not in ("http", "https", "ws", "wss"):
        raise httpcore.UnsupportedProtocol(f"Request URL has an unsupported protocol '{scheme}://'.")


def pool_deadline(request: httpcore.Request) -> float | None:
    """When (`time.monotonic()` seconds) the request's "pool" timeout ends; None: never."""
    pool_timeout = request.extensions.get("timeout", {}).get("pool")
    return None if pool_timeout is None else time.monotonic() + pool_timeout


def time_left(deadline: float | None) -> float | None:
    """Seconds left until `deadline` (None: no limit).

    Raises:
        httpcore.PoolTimeout: when none are left.
    """
    if deadline is None:
        return None
    left = deadline - time.monotonic()
    if left <= 0:
        raise httpcore.PoolTimeout("Timed out waiting for a connection from the pool.")
    return left


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


def http_layer(
    options: ConnectOptions,
    key: Key,
    stream: Any,
    http11: type[Any],
    http2: Callable[[], type[Any]],
) -> Any:
    """The HTTP/1.1 or HTTP/2 connection over a connected (and TLS-wrapped) stream.

    HTTP/2 is used when ALPN selected "h2" (RFC 9113 §3.2), or for h2c with prior knowledge
    (http1=False on an http:// origin, RFC 9113 §3.3).

    Args:
        options: the pool's options.
        key: the origin (scheme, host, port) the stream is connected to.
        stream: the connected httpcore network stream (async or sync).
        http11: the HTTP/1.1 connection class of the caller's world.
        http2: returns the HTTP/2 connection class; called only when HTTP/2 is used, so that
            the class (and hpack) is imported on first use.
    """
    ssl_object = stream.get_extra_info("ssl_object")
    negotiated = ssl_object.selected_alpn_protocol() if ssl_object is not None else None
    origin = httpcore.Origin(scheme=key[0], host=key[1], port=key[2])
    if negotiated == "h2" or (options.http2 and not options.http1):
        return http2()(origin=origin, stream=stream, keepalive_expiry=options.keepalive_expiry)
    return http11(origin=origin, stream=stream, keepalive_expiry=options.keepalive_expiry)


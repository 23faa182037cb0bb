"""Opening a connection: TCP (or a Unix socket), TLS with ALPN, then the HTTP/1.1 or HTTP/2 layer.

The pools do this themselves rather than through httpcore's `HTTPConnection`, for two reasons:

- ALPN. httpcore sets the ALPN list on the `SSLContext` it is given at every connect. wire
  shares one default context per process, so an HTTP/1.1-only client and an HTTP/2 client
  could each rewrite the other's offer. Here the shared default context is never modified:
  each ALPN set gets its own shared context (`_config.ssl_context_for_alpn`).
- HTTP/2 import cost and window sizes. `h2` (through httpcore's `http2` modules) is imported
  only when a server selects "h2", or for h2c with prior knowledge, and our HTTP/2
  connection subclass opens large flow-control windows (see `_h2_class`).

Trace events keep httpcore's names ("connection.connect_tcp", "connection.start_tls",
"connection.retry") so that the `trace` request extension sees what httpx users expect.
"""

from __future__ import annotations

import functools
import itertools
import logging
import ssl
import typing
from collections.abc import Iterator
from typing import Any

import httpcore
from httpcore._trace import Trace

from .._config import ssl_context_for_alpn
from ._http11 import AsyncHTTP11
from ._state import Key

__all__ = ["ConnectOptions", "backoff_delays", "connect_kwargs", "http_layer", "key_of"]

_logger = logging.getLogger("httpcore.connection")

#: Seconds before each retry of a failed connect: 0, 0.5, 1, 2, 4... (as httpcore).
RETRY_BACKOFF_FACTOR = 0.5

#: HTTP/2 flow-control window we open, per connection and for each stream, in bytes.
#: RFC 9113 §6.9.2 starts both at 65,535 bytes: one window per round trip caps a download at
#: 64 KiB/RTT. 16 MiB keeps a fast local or long-distance link busy.
H2_WINDOW_BYTES = 16 * 1024 * 1024
#: Bytes asked of the socket per read on an HTTP/2 connection (httpcore reads 64 KiB).
H2_READ_BYTES = 256 * 1024


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
    """The httpcore HTTP/1.1 or HTTP/2 connection over a connected (and TLS-wrapped) stream.

    HTTP/2 is used when ALPN selected "h2" (RFC 9113 §3.2), or for h2c with prior knowledge
    (http1=False on an http:// origin, RFC 9113 §3.3).
    """
    ssl_object = stream.get_extra_info("ssl_object")
    negotiated = ssl_object.selected_alpn_protocol() if ssl_object is not None else None
    origin = httpcore.Origin(scheme=key[0], host=key[1], port=key[2])
    if negotiated == "h2" or (options.http2 and not options.http1):
        return _h2_class(is_async)(origin=origin, stream=stream,
                                   keepalive_expiry=options.keepalive_expiry)
    cls = AsyncHTTP11 if is_async else httpcore.HTTP11Connection
    return cls(origin=origin, stream=stream, keepalive_expiry=options.keepalive_expiry)


def _h2_class(is_async: bool) -> type[Any]:
    """httpcore's HTTP/2 connection with 16 MiB windows; imports h2 on first use only."""
    return _async_h2_class() if is_async else _sync_h2_class()


@functools.cache
def _async_h2_class() -> type[Any]:
    import h2.settings
    from httpcore._async.http2 import AsyncHTTP2Connection

    class _AsyncH2(AsyncHTTP2Connection):
        READ_NUM_BYTES = H2_READ_BYTES

        async def _send_connection_init(self, request: Any) -> None:
            await super()._send_connection_init(request)
            # httpcore already widens the connection window by 16 MiB and each stream's by
            # 16 MiB after its HEADERS; raising SETTINGS_INITIAL_WINDOW_SIZE too lets the
            # server send a full window before that WINDOW_UPDATE arrives (RFC 9113 §6.9.2).
            self._h2_state.update_settings(
                {h2.settings.SettingCodes.INITIAL_WINDOW_SIZE: H2_WINDOW_BYTES}
            )
            await self._write_outgoing_data(request)

    return _AsyncH2


@functools.cache
def _sync_h2_class() -> type[Any]:
    import h2.settings
    from httpcore._sync.http2 import HTTP2Connection

    class _SyncH2(HTTP2Connection):
        READ_NUM_BYTES = H2_READ_BYTES

        def _send_connection_init(self, request: Any) -> None:
            super()._send_connection_init(request)
            self._h2_state.update_settings(
                {h2.settings.SettingCodes.INITIAL_WINDOW_SIZE: H2_WINDOW_BYTES}
            )
            self._write_outgoing_data(request)

    return _SyncH2

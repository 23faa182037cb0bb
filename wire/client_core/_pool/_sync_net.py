"""The sync pool's network backend: httpcore's, minus two costs paid on every read and write.

httpcore's `SyncStream` calls `socket.settimeout()` before each read and write (two `fcntl`
system calls whenever the socket is switched between blocking modes, about 4 µs) and maps
exceptions through a context manager. A download over TLS reads one 16 KiB record per call,
so these cost 10-20 % of its time. Here the timeout is set only when it changes, and errors
are mapped with a plain `try`. Connecting, TLS and everything else are httpcore's.

Errors are httpcore's (ReadTimeout, ReadError, WriteTimeout, WriteError...), which
`_transports/default.py` maps onto wire's.
"""

from __future__ import annotations

import socket
import ssl
from typing import Any

import httpcore
from httpcore._backends.sync import SyncStream as _CoreSyncStream

__all__ = ["SyncBackend", "SyncStream"]

_UNSET: Any = object()


class SyncStream(_CoreSyncStream):
    """A connected socket (TLS-wrapped or not) that remembers its timeout.

    Args:
        sock: the connected socket.
    """

    def __init__(self, sock: socket.socket) -> None:
        super().__init__(sock)
        self._timeout: float | None = _UNSET

    def _armed(self, timeout: float | None) -> socket.socket:
        """The socket, with `timeout` (seconds; None: none) set if it changed."""
        if timeout != self._timeout:
            self._sock.settimeout(timeout)
            self._timeout = timeout
        return self._sock

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        """Up to `max_bytes` bytes; b"" at end of stream.

        Raises:
            httpcore.ReadTimeout: nothing arrived within `timeout` seconds (None: no limit).
            httpcore.ReadError: the connection failed.
        """
        try:
            return self._armed(timeout).recv(max_bytes)
        except TimeoutError as exc:
            raise httpcore.ReadTimeout(exc) from exc
        except OSError as exc:
            raise httpcore.ReadError(exc) from exc

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        """Send all of `buffer`.

        Raises:
            httpcore.WriteTimeout: the socket accepted nothing for `timeout` seconds.
            httpcore.WriteError: the connection failed.
        """
        try:
            sock = self._armed(timeout)
            view = memoryview(buffer)
            while view:  # each pass sends some bytes; the timeout is per send (as httpcore)
                view = view[sock.send(view):]
        except TimeoutError as exc:
            raise httpcore.WriteTimeout(exc) from exc
        except OSError as exc:
            raise httpcore.WriteError(exc) from exc

    def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        """TLS over this stream (httpcore's handshake); the result remembers its timeout too.

        Raises:
            httpcore.ConnectTimeout / ConnectError: the handshake timed out or failed.
        """
        stream = super().start_tls(ssl_context, server_hostname, timeout)
        if type(stream) is _CoreSyncStream:
            return SyncStream(stream.get_extra_info("socket"))
        return stream  # TLS in TLS: httpcore's own stream


class SyncBackend(httpcore.SyncBackend):
    """httpcore's sync backend, handing out `SyncStream`s."""

    def connect_tcp(self, *args: Any, **kwargs: Any) -> httpcore.NetworkStream:
        """As httpcore's `SyncBackend.connect_tcp`.

        Raises:
            httpcore.ConnectTimeout / ConnectError: the connection could not be made.
        """
        return _wrap(super().connect_tcp(*args, **kwargs))

    def connect_unix_socket(self, *args: Any, **kwargs: Any) -> httpcore.NetworkStream:
        """As httpcore's `SyncBackend.connect_unix_socket`.

        Raises:
            httpcore.ConnectTimeout / ConnectError: the connection could not be made.
        """
        return _wrap(super().connect_unix_socket(*args, **kwargs))


def _wrap(stream: httpcore.NetworkStream) -> httpcore.NetworkStream:
    if type(stream) is _CoreSyncStream:
        return SyncStream(stream.get_extra_info("socket"))
    return stream

"""A network backend on asyncio's transports and protocols, for the async pool under asyncio.

Strategy (speed): httpcore's default backend under asyncio goes through anyio's streams, and
every read and write opens an anyio cancel scope for its timeout. At thousands of requests
per second that machinery costs about as much as parsing HTTP. Here a `Protocol` buffers what
arrives; `read()` returns buffered bytes at once, and only when it must wait does it arm a
timer (`loop.call_later`) for the timeout. Writes go to the transport's buffer and wait only
when asyncio asks the protocol to pause (flow control).

Readability (`get_extra_info("is_readable")`), which the pool checks before reusing an idle
connection, costs no system call: the protocol already knows whether bytes or EOF arrived.

Errors are httpcore's (ConnectError, ReadTimeout...), which `_transports/default.py` maps.
Under trio the pool uses httpcore's own backend instead.
"""

from __future__ import annotations

import asyncio
import socket
import ssl
import typing
from typing import Any

import httpcore

__all__ = ["AsyncioBackend"]

#: Bytes buffered from the socket before asyncio is asked to stop reading (flow control).
READ_HIGH_WATER = 1024 * 1024


#: Bytes the transport may put in the receive area per read (one `recv_into`).
RECEIVE_AREA = 64 * 1024


class _StreamProtocol(asyncio.BufferedProtocol):
    """Buffers incoming bytes and wakes the one pending reader or writer.

    A buffered protocol: the transport reads into one reused receive area (`get_buffer`)
    instead of allocating a fresh 256 KiB `bytes` per read, which glibc may serve with an
    mmap/munmap pair each time (measured: 20-40 µs per request).
    """

    def __init__(self) -> None:
        self.buffer = bytearray()
        self._area = memoryview(bytearray(RECEIVE_AREA))
        self.transport: asyncio.Transport | None = None
        self.eof = False
        self.lost: BaseException | None = None
        self.closed = False
        self._reader: asyncio.Future[None] | None = None
        self._writer: asyncio.Future[None] | None = None
        self._reading_paused = False

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = typing.cast(asyncio.Transport, transport)

    def get_buffer(self, sizehint: int) -> memoryview:
        return self._area

    def buffer_updated(self, nbytes: int) -> None:
        self.buffer += self._area[:nbytes]
        if len(self.buffer) > READ_HIGH_WATER and self.transport is not None:
            self.transport.pause_reading()
            self._reading_paused = True
        self._wake_reader()

    def eof_received(self) -> bool:
        self.eof = True
        self._wake_reader()
        return False  # let the transport close itself

    def connection_lost(self, exc: BaseException | None) -> None:
        self.closed = True
        self.eof = True
        self.lost = exc
        self._wake_reader()
        if self._writer is not None and not self._writer.done():
            self._writer.set_result(None)

    def pause_writing(self) -> None:
        if self._writer is None or self._writer.done():
            loop = asyncio.get_running_loop()
            self._writer = loop.create_future()

    def resume_writing(self) -> None:
        if self._writer is not None and not self._writer.done():
            self._writer.set_result(None)

    def take(self, max_bytes: int) -> bytes:
        data = bytes(self.buffer[:max_bytes])
        del self.buffer[:max_bytes]
        if self._reading_paused and len(self.buffer) < READ_HIGH_WATER // 2:
            self._reading_paused = False
            if self.transport is not None and not self.transport.is_closing():
                self.transport.resume_reading()
        return data

    def wait_readable(self) -> asyncio.Future[None]:
        self._reader = asyncio.get_running_loop().create_future()
        return self._reader

    def write_paused(self) -> asyncio.Future[None] | None:
        if self._writer is not None and not self._writer.done():
            return self._writer
        return None

    def _wake_reader(self) -> None:
        if self._reader is not None and not self._reader.done():
            self._reader.set_result(None)


class _Deadline:
    """A lazily re-armed timer for one kind of wait (reads, or writes) on one connection.

    Strategy: arming a timer (`call_later`) and cancelling it for every read costs heap work
    in the event loop, and at 100 connections the cancelled timers pile up until asyncio
    rebuilds its heap. Here a connection keeps one timer per kind of wait. A new wait only
    moves the deadline; the timer, when it fires, checks the current wait and re-arms itself
    for that wait's deadline if it has not passed yet. A timer is created again only when the
    new deadline is earlier than the armed one.
    """

    __slots__ = ("error", "deadline", "future", "timer")

    def __init__(self, error: type[Exception]) -> None:
        self.error = error
        self.deadline = 0.0
        self.future: asyncio.Future[None] | None = None
        self.timer: asyncio.TimerHandle | None = None

    async def wait(self, future: asyncio.Future[None], timeout: float | None) -> None:
        """Await `future`; fail it with `error` when `timeout` seconds pass first."""
        if timeout is None:
            await future
            return
        loop = asyncio.get_running_loop()
        self.deadline = loop.time() + timeout
        if self.timer is not None and self.timer.when() > self.deadline:
            self.timer.cancel()
            self.timer = None
        if self.timer is None:
            self.timer = loop.call_at(self.deadline, self._fire)
        self.future = future
        try:
            await future
        finally:
            self.future = None

    def _fire(self) -> None:
        self.timer = None
        future = self.future
        if future is None or future.done():
            return  # nobody is waiting: the next wait arms a new timer
        loop = asyncio.get_running_loop()
        if loop.time() >= self.deadline:
            future.set_exception(self.error("Timed out"))
        else:
            self.timer = loop.call_at(self.deadline, self._fire)

    def cancel(self) -> None:
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None


class AsyncioStream(httpcore.AsyncNetworkStream):
    """One connection: an asyncio transport (TCP, Unix or TLS) and its `_StreamProtocol`."""

    def __init__(self, transport: asyncio.Transport, protocol: _StreamProtocol) -> None:
        self._transport = transport
        self._protocol = protocol
        self._read_deadline = _Deadline(httpcore.ReadTimeout)
        self._write_deadline = _Deadline(httpcore.WriteTimeout)

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        protocol = self._protocol
        if not protocol.buffer:
            if protocol.eof:
                if protocol.lost is not None:
                    raise httpcore.ReadError(str(protocol.lost) or "connection lost")
                return b""
            await self._read_deadline.wait(protocol.wait_readable(), timeout)
            if not protocol.buffer:
                if protocol.lost is not None:
                    raise httpcore.ReadError(str(protocol.lost) or "connection lost")
                return b""
        return protocol.take(max_bytes)

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        if not buffer:
            return
        if self._protocol.closed or self._transport.is_closing():
            raise httpcore.WriteError("The connection is closed.")
        self._transport.write(buffer)
        paused = self._protocol.write_paused()
        if paused is not None:
            await self._write_deadline.wait(paused, timeout)
            if self._protocol.closed:
                raise httpcore.WriteError(str(self._protocol.lost) or "connection lost")

    async def aclose(self) -> None:
        self._read_deadline.cancel()
        self._write_deadline.cancel()
        if self._transport.get_extra_info("ssl_object") is not None:
            # asyncio's close() of a TLS transport waits for the peer's close_notify (up to
            # 30 s) before closing the socket, and a loop that ends meanwhile leaks it. Like
            # httpcore's streams (anyio, standard_compatible=False) we close at once.
            self._transport.abort()
        else:
            self._transport.close()

    async def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.AsyncNetworkStream:
        loop = asyncio.get_running_loop()
        try:
            transport = await loop.start_tls(
                self._transport, self._protocol, ssl_context,
                server_hostname=server_hostname, ssl_handshake_timeout=timeout,
            )
        except TimeoutError as exc:
            self._transport.close()
            raise httpcore.ConnectTimeout(str(exc) or "TLS handshake timed out") from exc
        except (OSError, ssl.SSLError, ConnectionError) as exc:
            self._transport.close()
            raise httpcore.ConnectError(str(exc)) from exc
        if transport is None:  # pragma: no cover - the connection closed during the handshake
            raise httpcore.ConnectError("The connection closed during the TLS handshake.")
        self._protocol.transport = transport
        return AsyncioStream(transport, self._protocol)

    def get_extra_info(self, info: str) -> Any:
        if info == "is_readable":
            return bool(self._protocol.buffer) or self._protocol.eof
        if info == "client_addr":
            return self._transport.get_extra_info("sockname")
        if info == "server_addr":
            return self._transport.get_extra_info("peername")
        if info in ("ssl_object", "socket"):
            return self._transport.get_extra_info(info)
        return None


def _apply_options(sock: socket.socket, socket_options: Any) -> None:
    for option in socket_options or ():
        sock.setsockopt(*option)


class AsyncioBackend(httpcore.AsyncNetworkBackend):
    """`connect_tcp` / `connect_unix_socket` returning `AsyncioStream`s (asyncio only)."""

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Any = None,
    ) -> httpcore.AsyncNetworkStream:
        loop = asyncio.get_running_loop()
        local = None if local_address is None else (local_address, 0)
        try:
            async with asyncio.timeout(timeout):
                if socket_options:
                    sock = await self._connected_socket(host, port, local, socket_options)
                    transport, protocol = await loop.create_connection(_StreamProtocol, sock=sock)
                else:
                    transport, protocol = await loop.create_connection(
                        _StreamProtocol, host, port, local_addr=local
                    )
        except TimeoutError as exc:
            raise httpcore.ConnectTimeout(str(exc) or "Timed out connecting") from exc
        except OSError as exc:
            raise httpcore.ConnectError(str(exc)) from exc
        return AsyncioStream(transport, protocol)

    @staticmethod
    async def _connected_socket(
        host: str, port: int, local: tuple[str, int] | None, socket_options: Any
    ) -> socket.socket:
        """A connected non-blocking socket with `socket_options` set before connecting."""
        loop = asyncio.get_running_loop()
        infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        last: OSError | None = None
        for family, kind, proto, _, address in infos:
            sock = socket.socket(family, kind, proto)
            try:
                sock.setblocking(False)
                _apply_options(sock, socket_options)
                if local is not None:
                    sock.bind(local)
                await loop.sock_connect(sock, address)
                return sock
            except OSError as exc:
                sock.close()
                last = exc
        raise last or OSError(f"Could not resolve {host!r}")

    async def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Any = None
    ) -> httpcore.AsyncNetworkStream:
        loop = asyncio.get_running_loop()
        try:
            async with asyncio.timeout(timeout):
                if socket_options:
                    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                    sock.setblocking(False)
                    _apply_options(sock, socket_options)
                    await loop.sock_connect(sock, path)
                    transport, protocol = await loop.create_unix_connection(
                        _StreamProtocol, sock=sock
                    )
                else:
                    transport, protocol = await loop.create_unix_connection(
                        _StreamProtocol, path
                    )
        except TimeoutError as exc:
            raise httpcore.ConnectTimeout(str(exc) or "Timed out connecting") from exc
        except OSError as exc:
            raise httpcore.ConnectError(str(exc)) from exc
        return AsyncioStream(transport, protocol)

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)

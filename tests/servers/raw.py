"""A tiny raw-socket HTTP server that answers each path with canned bytes, then closes.

For responses no well-behaved server library will produce: truncated bodies, broken status
lines, bodies delimited only by the connection closing. The request head is read (at most
64 KiB, 5 s), the path is looked up, the bytes are sent as they are, and the connection is
shut down. Unknown paths get a 404. Tests may register their own paths with `set_response`.
"""

from __future__ import annotations

import contextlib
import socket
import socketserver
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field

from .threaded import HOST, STOP_TIMEOUT, LocalServer

_MAX_HEAD = 64 * 1024
_READ_TIMEOUT = 5.0

#: The canned responses every raw server starts with.
DEFAULT_RESPONSES: dict[str, bytes] = {
    "/ok": b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nok",
    # Declares 100 bytes, sends 50, closes: the client must report an incomplete body.
    "/short": (
        b"HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\n"
        b"Content-Length: 100\r\n\r\n" + bytes(range(50))
    ),
    # No Content-Length and no chunking: the body ends when the connection closes
    # (RFC 9112 §6.3, rule 8).
    "/until_close": b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nread until close",
    # A chunked body cut off before its last chunk.
    "/chunked_truncated": (
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n5\r\nwor"
    ),
    "/bad_status_line": b"HTTP/1.1 OK-ish\r\nContent-Length: 0\r\n\r\n",
    "/not_http": b"SSH-2.0-OpenSSH_9.6\r\n",
    "/empty": b"",
}
_NOT_FOUND = b"HTTP/1.1 404 Not Found\r\nContent-Length: 9\r\n\r\nNot Found"


@dataclass(frozen=True)
class RawServer(LocalServer):
    """A running raw server: a `LocalServer` plus its mutable path → bytes table.

    Attributes:
        responses: dict of request path (str, no query) → raw response bytes.
    """

    responses: dict[str, bytes] = field(default_factory=dict, repr=False, compare=False)

    def set_response(self, path: str, raw: bytes) -> str:
        """Serve `raw` (bytes, sent exactly) for requests to `path`; returns its full URL.

        Args:
            path: str request target starting with "/", compared without the query.
            raw: bytes written to the socket before it is shut down.

        Returns:
            str URL of `path` on this server.
        """
        self.responses[path] = raw
        return self.join(path)


def _read_head(conn: socket.socket) -> bytes:
    conn.settimeout(_READ_TIMEOUT)
    data = b""
    while b"\r\n\r\n" not in data and len(data) < _MAX_HEAD:  # bounded by size and timeout
        chunk = conn.recv(4096)
        if not chunk:
            break
        data += chunk
    return data


def _target_path(head: bytes) -> str:
    parts = head.split(b"\r\n", 1)[0].split(b" ")
    target = parts[1].decode("latin-1") if len(parts) >= 2 else "/"
    return target.split("?", 1)[0]


@contextlib.contextmanager
def run_raw_server() -> Iterator[RawServer]:
    """Run a raw server in a daemon thread on 127.0.0.1, port 0.

    Yields:
        The `RawServer` (already listening); it is shut down on exit.
    """
    responses = dict(DEFAULT_RESPONSES)

    class Handler(socketserver.BaseRequestHandler):
        def handle(self) -> None:
            conn: socket.socket = self.request
            try:
                raw = responses.get(_target_path(_read_head(conn)), _NOT_FOUND)
                conn.sendall(raw)
                conn.shutdown(socket.SHUT_WR)
            except OSError:  # the client left early; nothing to report
                pass

    class Server(socketserver.ThreadingTCPServer):
        daemon_threads = True
        allow_reuse_address = True

    server = Server((HOST, 0), Handler)
    port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1})
    thread.daemon = True
    thread.start()
    try:
        yield RawServer(url=f"http://{HOST}:{port}", host=HOST, port=port, responses=responses)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(STOP_TIMEOUT)

"""A fault-injection HTTP server: scripted, deliberately broken behaviour per path.

Modelled on curl's canned-reply test server and urllib3's socket-level tests: a raw socket
server (no HTTP library) that reads each request head, looks its path up, and plays a
*script* of actions on the connection:

    ==========================  ==========================================================
    action                      effect
    ==========================  ==========================================================
    ``Send(data)``              send bytes as they are
    ``Stream(factory)``         send every chunk of ``factory()`` (bodies too big to keep)
    ``Reply(build)``            send ``build(request)``: an answer that depends on the request
    ``Sleep(seconds)``          say nothing for a while (interruptible, capped)
    ``Drip(data, interval)``    send one byte at a time, ``interval`` seconds apart
    ``Reset()``                 abort with a TCP RST (SO_LINGER on, timeout 0), then stop
    ``Close()``                 shut down writing and close, then stop
    ``KeepAlive()``             keep the connection and read the next request on it
    ==========================  ==========================================================

A script that ends without `Reset`, `Close` or `KeepAlive` closes the connection. Every
request head (and its body, by Content-Length, at most `MAX_BODY` bytes) is recorded in
`FaultServer.requests`, so tests can assert what the client sent (credentials, cookies).

Bounds: request heads are read up to `MAX_HEAD` bytes with a `READ_TIMEOUT` per read; one
sleep lasts at most `MAX_SLEEP` seconds; a drip sends at most `MAX_DRIP` bytes; one
connection serves at most `MAX_REQUESTS_PER_CONNECTION` requests. Stopping the server sets
an event that ends every sleep and drip at once, so shutdown never waits on a script.
"""

from __future__ import annotations

import contextlib
import socket
import socketserver
import struct
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from .threaded import HOST, STOP_TIMEOUT, LocalServer

__all__ = [
    "Close",
    "Drip",
    "FaultServer",
    "KeepAlive",
    "RecordedRequest",
    "Reply",
    "Reset",
    "Send",
    "Sleep",
    "Stream",
    "response",
    "run_fault_server",
]

MAX_HEAD = 256 * 1024
MAX_BODY = 16 * 1024 * 1024
READ_TIMEOUT = 5.0
MAX_SLEEP = 30.0
MAX_DRIP = 100_000
MAX_REQUESTS_PER_CONNECTION = 100

_NOT_FOUND = b"HTTP/1.1 404 Not Found\r\nContent-Length: 9\r\nConnection: close\r\n\r\nNot Found"


@dataclass(frozen=True)
class Send:
    """Send `data` (bytes) exactly."""

    data: bytes


@dataclass(frozen=True)
class Stream:
    """Send each chunk (bytes) of `factory()`; stops early when the server stops."""

    factory: Callable[[], Iterable[bytes]]


@dataclass(frozen=True)
class Reply:
    """Send `build(request)`: bytes computed from the `RecordedRequest` (e.g. its Range)."""

    build: Callable[[RecordedRequest], bytes]


@dataclass(frozen=True)
class Sleep:
    """Send nothing for `seconds` (float, capped at `MAX_SLEEP`); ends early on shutdown."""

    seconds: float


@dataclass(frozen=True)
class Drip:
    """Send `data` one byte at a time, `interval` seconds (float) apart."""

    data: bytes
    interval: float = 0.05


@dataclass(frozen=True)
class Reset:
    """Abort the connection with a TCP RST (SO_LINGER on with a zero timeout)."""


@dataclass(frozen=True)
class Close:
    """Shut down writing and close the connection (a clean FIN)."""


@dataclass(frozen=True)
class KeepAlive:
    """Keep the connection open and serve the next request read from it."""


@dataclass(frozen=True)
class RecordedRequest:
    """One request as received.

    Attributes:
        method: str, e.g. "GET".
        target: str request target as sent, query included.
        headers: list of (name, value) str pairs (latin-1 decoded), in order.
        body: bytes read by Content-Length (empty without one).
        connection: int, the server's number for the connection it came on (0, 1, ...).
    """

    method: str
    target: str
    headers: list[tuple[str, str]]
    body: bytes
    connection: int

    @property
    def path(self) -> str:
        """The target without its query."""
        return self.target.split("?", 1)[0]

    def header(self, name: str) -> str | None:
        """The first value of header `name` (case-insensitive), or None."""
        for key, value in self.headers:
            if key.lower() == name.lower():
                return value
        return None


Action = Send | Stream | Reply | Sleep | Drip | Reset | Close | KeepAlive


def response(
    status: bytes = b"200 OK",
    headers: Sequence[tuple[bytes, bytes]] | None = None,
    body: bytes = b"",
    *,
    content_length: bool = True,
    close: bool = True,
) -> bytes:
    """Build well-formed response bytes: "HTTP/1.1 STATUS", the headers, then `body`.

    Args:
        status: bytes such as b"200 OK" (code and reason).
        headers: (name, value) bytes pairs, sent in order; default none.
        body: bytes sent after the head.
        content_length: add "Content-Length: len(body)" (default True).
        close: add "Connection: close" (default True), so a client never races the server's
            close by reusing the connection; False for scripts that end with `KeepAlive`.

    Returns:
        The bytes of the whole response.
    """
    lines = [b"HTTP/1.1 " + status]
    lines += [name + b": " + value for name, value in headers or ()]
    if close:
        lines.append(b"Connection: close")
    if content_length:
        lines.append(b"Content-Length: " + str(len(body)).encode())
    return b"\r\n".join(lines) + b"\r\n\r\n" + body


@dataclass(frozen=True)
class FaultServer(LocalServer):
    """A running fault server: a `LocalServer` plus its scripts and the requests it received.

    Attributes:
        scripts: dict path (str, no query) → list of actions; mutate through `script()`.
        requests: list of `RecordedRequest`, in arrival order (appended by server threads).
    """

    scripts: dict[str, list[Action]] = field(default_factory=dict, repr=False, compare=False)
    requests: list[RecordedRequest] = field(default_factory=list, repr=False, compare=False)

    def script(self, path: str, *actions: Action) -> str:
        """Play `actions` for every request to `path`; returns its full URL.

        Args:
            path: str starting with "/", compared without the query. Use a path unique to
                the test, since the server is shared by the whole session.
            actions: the script (see the module docstring).

        Returns:
            str URL of `path` on this server.
        """
        self.scripts[path] = list(actions)
        return self.join(path)

    def canned(self, path: str, raw: bytes) -> str:
        """Shorthand for `script(path, Send(raw))`: send `raw`, then close."""
        return self.script(path, Send(raw))

    def received(self, path: str) -> list[RecordedRequest]:
        """The requests received for `path` (str, no query), oldest first."""
        return [request for request in list(self.requests) if request.path == path]


def _read_head(conn: socket.socket, buffered: bytes) -> tuple[bytes, bytes] | None:
    """Read up to the blank line; returns (head, bytes after it) or None on EOF/overflow."""
    data = buffered
    while b"\r\n\r\n" not in data:
        if len(data) > MAX_HEAD:
            return None
        chunk = conn.recv(65536)
        if not chunk:
            return None
        data += chunk
    head, _, rest = data.partition(b"\r\n\r\n")
    return head, rest


def _parse_head(head: bytes) -> tuple[str, str, list[tuple[str, str]]]:
    lines = head.decode("latin-1").split("\r\n")
    parts = lines[0].split(" ")
    method = parts[0]
    target = parts[1] if len(parts) > 1 else "/"
    headers = []
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers.append((name.strip(), value.strip()))
    return method, target, headers


def _read_body(
    conn: socket.socket, headers: list[tuple[str, str]], rest: bytes
) -> tuple[bytes, bytes]:
    lengths = [value for name, value in headers if name.lower() == "content-length"]
    chunked = any(
        name.lower() == "transfer-encoding" and "chunked" in value.lower()
        for name, value in headers
    )
    if lengths and lengths[0].isdigit():
        size = min(int(lengths[0]), MAX_BODY)
        while len(rest) < size:
            chunk = conn.recv(65536)
            if not chunk:
                break
            rest += chunk
        return rest[:size], rest[size:]
    if chunked:  # enough for the tests: read up to the last chunk, do not decode
        while b"0\r\n\r\n" not in rest and len(rest) < MAX_BODY:
            chunk = conn.recv(65536)
            if not chunk:
                break
            rest += chunk
        body, marker, after = rest.partition(b"0\r\n\r\n")
        return body + marker, after
    return b"", rest


class _Connection:
    """Plays the scripts on one accepted connection."""

    def __init__(
        self, conn: socket.socket, server: FaultServer, stop: threading.Event, number: int
    ) -> None:
        self.conn = conn
        self.server = server
        self.stop = stop
        self.number = number

    def serve(self) -> None:
        self.conn.settimeout(READ_TIMEOUT)
        buffered = b""
        for _ in range(MAX_REQUESTS_PER_CONNECTION):
            read = _read_head(self.conn, buffered)
            if read is None:
                return
            head, rest = read
            method, target, headers = _parse_head(head)
            body, buffered = _read_body(self.conn, headers, rest)
            recorded = RecordedRequest(method, target, headers, body, self.number)
            self.server.requests.append(recorded)
            actions = self.server.scripts.get(recorded.path, [Send(_NOT_FOUND)])
            if not self._play(actions, recorded):
                return
        self._close()

    def _play(self, actions: Sequence[Action], request: RecordedRequest) -> bool:
        """Run `actions`; True when the connection stays open for another request."""
        for action in actions:
            if self.stop.is_set():
                return False
            if isinstance(action, Send):
                self.conn.sendall(action.data)
            elif isinstance(action, Reply):
                self.conn.sendall(action.build(request))
            elif isinstance(action, Stream):
                self._stream(action.factory())
            elif isinstance(action, Sleep):
                self.stop.wait(min(action.seconds, MAX_SLEEP))
            elif isinstance(action, Drip):
                self._drip(action)
            elif isinstance(action, Reset):
                self._reset()
                return False
            elif isinstance(action, Close):
                self._close()
                return False
            elif isinstance(action, KeepAlive):
                return True
        self._close()
        return False

    def _stream(self, chunks: Iterable[bytes]) -> None:
        for chunk in chunks:
            if self.stop.is_set():
                return
            self.conn.sendall(chunk)

    def _drip(self, action: Drip) -> None:
        for index in range(min(len(action.data), MAX_DRIP)):
            if self.stop.wait(action.interval):
                return
            self.conn.sendall(action.data[index : index + 1])

    def _reset(self) -> None:
        self.conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.conn.close()

    def _close(self) -> None:
        with contextlib.suppress(OSError):
            self.conn.shutdown(socket.SHUT_WR)
        # Drain briefly so the client sees a FIN, not an RST from unread request bytes.
        self.conn.settimeout(0.2)
        with contextlib.suppress(OSError):
            for _ in range(16):
                if not self.conn.recv(65536):
                    break
        self.conn.close()


@contextlib.contextmanager
def run_fault_server() -> Iterator[FaultServer]:
    """Run a fault server in a daemon thread on 127.0.0.1, port 0.

    Yields:
        The `FaultServer`, listening. On exit every running script is interrupted (sleeps and
        drips end), the listener is closed and the thread joined (bounded waits).
    """
    stop = threading.Event()
    counter = iter(range(10**9))
    holder: list[FaultServer] = []
    active: set[socket.socket] = set()
    lock = threading.Lock()

    class Handler(socketserver.BaseRequestHandler):
        def handle(self) -> None:
            conn: socket.socket = self.request
            with lock:
                active.add(conn)
                number = next(counter)
            try:
                _Connection(conn, holder[0], stop, number).serve()
            except OSError:  # the client went away, or a reset was sent: nothing to report
                pass
            finally:
                with lock:
                    active.discard(conn)

    class Server(socketserver.ThreadingTCPServer):
        daemon_threads = True
        allow_reuse_address = True
        request_queue_size = 64

    tcp = Server((HOST, 0), Handler)
    port = tcp.server_address[1]
    holder.append(FaultServer(url=f"http://{HOST}:{port}", host=HOST, port=port))
    thread = threading.Thread(target=tcp.serve_forever, kwargs={"poll_interval": 0.1})
    thread.daemon = True
    thread.start()
    try:
        yield holder[0]
    finally:
        stop.set()
        tcp.shutdown()
        tcp.server_close()
        with lock:
            for conn in list(active):
                with contextlib.suppress(OSError):
                    conn.shutdown(socket.SHUT_RDWR)
        thread.join(STOP_TIMEOUT)
        deadline = time.monotonic() + STOP_TIMEOUT
        while active and time.monotonic() < deadline:  # handler threads notice within 0.2 s
            time.sleep(0.05)

"""A scripted HTTP/2 server (the `h2` library in server mode) that records what the client did.

It answers over TLS with ALPN "h2" (trustme certificates) or, with ``tls=False``, over plain
TCP for h2c with prior knowledge (RFC 9113 §3.3). The behaviour of each stream is chosen by
its ``:path`` (see ROUTES below); server-wide options (`H2Options`) set the initial SETTINGS.

Strategy: one accept thread; per connection one reader thread that owns the socket's read side
and feeds `h2.connection.H2Connection`; per request one handler thread, started once the
request (and its body) has ended, that writes through `StreamIO`. One lock per connection
guards the h2 state, the TLS object (a `ssl.SSLObject` over memory BIOs, so that reads and
writes from two threads never touch OpenSSL at once) and the socket's write side. Handlers
wait for flow-control window (RFC 9113 §6.9) on a condition the reader notifies.

Routes (query parameters in brackets; sizes in bytes):

    =======================================  =====================================================
    path                                     response
    =======================================  =====================================================
    /bytes[?n&frame&pad&empty&cl]            n bytes of `pattern(n)`; DATA frames of `frame`
                                             bytes ("small" cycles 1..100); `pad` a pad length
                                             or "cycle" (0..255); `empty=1` adds an empty DATA
                                             frame after each; `cl=0` drops Content-Length
    /slow[?ms]                               "ok" after ms milliseconds
    /echo, /upload                           JSON: method, headers (pairs), body length/sha256
    /cl-mismatch?declared&sent               Content-Length `declared`, `sent` bytes, END_STREAM
    /rst-mid-body[?n&code]                   half of n bytes, then RST_STREAM(code)
    /close-mid-body[?n]                      half of n bytes, then a TCP close
    /goaway-after[?close&when]               "ok", GOAWAY(NO_ERROR) "before" or "after" END_STREAM;
                                             `close=1` closes TCP after it
    /goaway-inflight?key                     first time per key: GOAWAY with last_stream_id below
                                             this stream, then close; afterwards "ok"
    /trailers                                body then trailers (HEADERS + END_STREAM)
    /informational                           103 Early Hints, then 200
    /headers?count&size                      `count` extra fields of `size`-byte values (split
                                             into HEADERS + CONTINUATION by h2 when large)
    /stall-after-headers[?seconds]           headers, then nothing (interruptible)
    /ping?data                               PING(data, 8 bytes hex), waits for the ACK, "ok"
    /push-promise                            a PUSH_PROMISE frame (even if push is off), then "ok"
    /status?code                             headers only, END_STREAM on HEADERS
    anything else                            404
    =======================================  =====================================================

A HEAD request gets the GET headers with END_STREAM on HEADERS and no body. Every wait is
bounded (`WAIT_LIMIT`), every loop is bounded in count, and `stop()` ends all threads.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import select
import socket
import ssl
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import h2.config
import h2.connection
import h2.events
import h2.exceptions
import h2.settings
import hpack
import hyperframe.frame

from .threaded import HOST, _CertFiles, make_certificates

__all__ = ["H2Options", "H2ScriptServer", "StreamRecord", "pattern", "run_h2_server"]

#: Seconds any single wait (window, PING ACK, stall, client EOF) may last.
WAIT_LIMIT = 5.0
#: Seconds a connection may stay idle before the server drops it.
IDLE_LIMIT = 30.0
MAX_CONNECTIONS = 500
MAX_STREAMS_PER_CONNECTION = 1000
READ_SIZE = 65536
#: Seconds one blocked socket write may last (the client is not reading) before giving up.
SEND_LIMIT = 10.0


def pattern(n: int) -> bytes:
    """The deterministic body of /bytes: bytes 0..250 repeated (251 is prime), `n` bytes long."""
    block = bytes(range(251))
    return (block * (n // 251 + 1))[:n]


@dataclass(frozen=True)
class H2Options:
    """Server-wide behaviour.

    Attributes:
        tls: True for TLS with ALPN "h2"; False for h2c with prior knowledge.
        max_concurrent_streams: SETTINGS_MAX_CONCURRENT_STREAMS in the first SETTINGS frame.
        initial_window_size: SETTINGS_INITIAL_WINDOW_SIZE (bytes) for the client's uploads,
            sent in a second SETTINGS frame so the server enforces it only once acknowledged
            (RFC 9113 §6.9.3); None leaves the default 65,535.
        max_frame_size: SETTINGS_MAX_FRAME_SIZE (bytes) the server accepts; None: 16,384.
    """

    tls: bool = True
    max_concurrent_streams: int = 100
    initial_window_size: int | None = None
    max_frame_size: int | None = None


@dataclass
class StreamRecord:
    """What the server saw on one stream.

    Attributes:
        connection: int, 1-based index of the connection in accept order.
        stream_id: int stream identifier.
        headers: list of (name, value) str pairs exactly as decoded, pseudo-headers included.
        body: bytes received so far (DATA payloads without padding).
        data_frames: list of int flow-controlled lengths of each DATA frame (padding included).
        reset_code: int RST_STREAM error code the client sent, or None.
    """

    connection: int
    stream_id: int
    headers: list[tuple[str, str]]
    body: bytearray = field(default_factory=bytearray)
    data_frames: list[int] = field(default_factory=list)
    reset_code: int | None = None

    def header(self, name: str) -> str | None:
        """The first value of field `name` (str, lowercase), or None."""
        return next((v for k, v in self.headers if k == name), None)


class _Recorder:
    """Thread-safe observations, shared by all connections of one server."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.connections = 0
        self.streams: list[StreamRecord] = []
        self.max_open_streams = 0
        self.rst_codes: list[int] = []
        self.ping_acks: list[bytes] = []
        self.window_updates: list[tuple[int, int, int]] = []
        self.client_settings: list[dict[int, int]] = []
        self.goaways_received: list[int] = []
        self.protocol_errors: list[str] = []
        self.handler_errors: list[str] = []
        self.goaway_keys: set[str] = set()


class _Connection:
    """One accepted connection: TLS over memory BIOs, the h2 state, its reader thread."""

    def __init__(self, server: H2ScriptServer, sock: socket.socket, index: int) -> None:
        self.server, self.sock, self.index = server, sock, index
        self.lock = threading.Lock()
        self.window_changed = threading.Condition(self.lock)
        self.closed = threading.Event()
        self.tls: ssl.SSLObject | None = None
        self.incoming, self.outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
        self.records: dict[int, StreamRecord] = {}
        self.handlers: list[threading.Thread] = []
        self.ping_acks: list[bytes] = []
        #: Set once the server sent GOAWAY: streams above it are ignored (RFC 9113 §6.8).
        self.goaway_last_stream_id: int | None = None
        config = h2.config.H2Configuration(
            client_side=False, header_encoding="utf-8",
            validate_inbound_headers=False, normalize_inbound_headers=False,
            validate_outbound_headers=False, normalize_outbound_headers=False,
        )  # fmt: skip
        self.h2 = h2.connection.H2Connection(config=config)
        options = server.options
        initial = {h2.settings.SettingCodes.MAX_CONCURRENT_STREAMS: options.max_concurrent_streams}
        self.h2.local_settings = h2.settings.Settings(client=False, initial_values=initial)

    # --- I/O (call the writers with `self.lock` held) -----------------------------------------

    def _handshake(self) -> bool:
        assert self.server.ssl_context is not None
        self.tls = self.server.ssl_context.wrap_bio(self.incoming, self.outgoing, server_side=True)
        deadline = time.monotonic() + WAIT_LIMIT
        while time.monotonic() < deadline:
            try:
                self.tls.do_handshake()
                self._flush_tls()
                return self.tls.selected_alpn_protocol() == "h2"
            except ssl.SSLWantReadError:
                self._flush_tls()
                data = self._recv_raw()
                if not data:
                    return False
                self.incoming.write(data)
            except (ssl.SSLError, OSError):
                return False
        return False

    def _recv_raw(self) -> bytes:
        """Raw bytes from the socket; b"" at EOF, on error, or when stopping/idle too long."""
        idle_since = time.monotonic()
        while not self.server.stopping.is_set() and not self.closed.is_set():
            try:
                # Poll, so that stop() is noticed; the socket's own timeout bounds writes.
                if select.select([self.sock], [], [], 0.1)[0]:
                    return self.sock.recv(READ_SIZE)
            except (OSError, ValueError):
                return b""
            if time.monotonic() - idle_since > IDLE_LIMIT:
                return b""
        return b""

    def _flush_tls(self) -> None:
        pending = self.outgoing.read()
        if pending:
            self.sock.sendall(pending)

    def send_raw(self, data: bytes) -> None:
        """Write `data` (HTTP/2 bytes) now, encrypting when over TLS. Lock held."""
        if not data or self.closed.is_set():
            return
        try:
            if self.tls is None:
                self.sock.sendall(data)
            else:
                self.tls.write(data)
                self._flush_tls()
        except (OSError, ssl.SSLError):
            self.closed.set()

    def flush(self) -> None:
        """Send whatever h2 queued. Lock held."""
        self.send_raw(self.h2.data_to_send())

    def close_tcp(self) -> None:
        """Shut the socket down (both ways), waking every waiter."""
        self.closed.set()
        with contextlib.suppress(OSError):
            self.sock.shutdown(socket.SHUT_RDWR)
        with self.window_changed:
            self.window_changed.notify_all()

    # --- reading ------------------------------------------------------------------------------

    def run(self) -> None:
        """The reader loop: bounded by IDLE_LIMIT per read and by the server's stop event."""
        self.sock.settimeout(SEND_LIMIT)
        try:
            if self.server.ssl_context is not None and not self._handshake():
                return
            with self.lock:
                self.h2.initiate_connection()
                self._apply_window_options()
                self.flush()
            for _ in range(1_000_000):  # bounded: each pass consumes one read
                data = self._read_plaintext()
                if not data:
                    break
                with self.lock:
                    self._receive(data)
        finally:
            self.close_tcp()
            for thread in list(self.handlers):
                thread.join(WAIT_LIMIT + 1)
            with contextlib.suppress(OSError):
                self.sock.close()

    def _apply_window_options(self) -> None:
        options, codes = self.server.options, h2.settings.SettingCodes
        changes: dict[h2.settings.SettingCodes | int, int] = {}
        if options.initial_window_size is not None:
            changes[codes.INITIAL_WINDOW_SIZE] = options.initial_window_size
        if options.max_frame_size is not None:
            changes[codes.MAX_FRAME_SIZE] = options.max_frame_size
        if changes:
            self.h2.update_settings(changes)

    def _read_plaintext(self) -> bytes:
        for _ in range(10_000):  # TLS may need several records before any plaintext
            raw = self._recv_raw()
            if not raw or self.tls is None:
                return raw
            with self.lock:
                self.incoming.write(raw)
                chunks = []
                try:
                    while True:
                        chunks.append(self.tls.read(READ_SIZE))
                        if not chunks[-1]:
                            break
                except ssl.SSLWantReadError:
                    pass
                except (ssl.SSLError, OSError):
                    return b""
                with contextlib.suppress(OSError):
                    self._flush_tls()
            data = b"".join(chunks)
            if data or (chunks and not chunks[-1]):
                return data  # b"" here is a TLS close_notify
        return b""

    def _receive(self, data: bytes) -> None:
        recorder = self.server.recorder
        if self.h2.state_machine.state == h2.connection.ConnectionState.CLOSED:
            return  # h2 answered a protocol error with GOAWAY already
        try:
            events = self.h2.receive_data(data)
        except h2.exceptions.ProtocolError as exc:
            with recorder.lock:
                recorder.protocol_errors.append(f"{type(exc).__name__}: {exc}")
            self.flush()
            self.closed.set()
            return
        for event in events:
            self._on_event(event)
        self.flush()
        self.window_changed.notify_all()

    def _on_event(self, event: h2.events.Event) -> None:
        recorder = self.server.recorder
        with recorder.lock:
            if isinstance(event, h2.events.RequestReceived):
                record = StreamRecord(self.index, event.stream_id, _str_pairs(event.headers))
                recorder.streams.append(record)
                last = self.goaway_last_stream_id
                if last is not None and event.stream_id > last:
                    recorder.protocol_errors.append(f"stream {event.stream_id} after GOAWAY")
                    return
                self.records[event.stream_id] = record
                open_now = self.h2.open_inbound_streams
                recorder.max_open_streams = max(recorder.max_open_streams, open_now)
            elif isinstance(event, h2.events.DataReceived):
                record = self.records[event.stream_id]
                record.body += event.data
                record.data_frames.append(event.flow_controlled_length)
                # Reading is what opens the window again (RFC 9113 §6.9).
                self.h2.acknowledge_received_data(event.flow_controlled_length, event.stream_id)
            elif isinstance(event, h2.events.StreamReset):
                recorder.rst_codes.append(int(event.error_code))
                if event.stream_id in self.records:
                    self.records[event.stream_id].reset_code = int(event.error_code)
            elif isinstance(event, h2.events.WindowUpdated):
                recorder.window_updates.append((self.index, event.stream_id, event.delta))
            elif isinstance(event, h2.events.PingAckReceived):
                recorder.ping_acks.append(event.ping_data)
                self.ping_acks.append(event.ping_data)
            elif isinstance(event, h2.events.RemoteSettingsChanged):
                settings = {int(k): v.new_value for k, v in event.changed_settings.items()}
                recorder.client_settings.append(settings)
            elif isinstance(event, h2.events.ConnectionTerminated):
                recorder.goaways_received.append(int(event.error_code or 0))
                self.closed.set()
        if isinstance(event, h2.events.SettingsAcknowledged):
            self._reannounce_windows()
        if isinstance(event, h2.events.StreamEnded) and event.stream_id in self.records:
            self._start_handler(self.records[event.stream_id])

    def _reannounce_windows(self) -> None:
        """Once a smaller SETTINGS_INITIAL_WINDOW_SIZE is acknowledged, a stream's window may
        be negative (RFC 9113 §6.9.2) while h2 still holds back data already read: offer it
        again, or a client that waits for WINDOW_UPDATE would wait forever."""
        for stream_id in list(self.records):
            with contextlib.suppress(h2.exceptions.StreamClosedError, KeyError):
                self.h2.acknowledge_received_data(0, stream_id)

    def _start_handler(self, record: StreamRecord) -> None:
        if len(self.handlers) >= MAX_STREAMS_PER_CONNECTION:
            return
        io = StreamIO(self, record)
        thread = threading.Thread(target=io.run, name=f"h2-stream-{record.stream_id}", daemon=True)
        self.handlers.append(thread)
        thread.start()


class _Aborted(Exception):
    """The stream can no longer be written: reset, connection closed, server stopping."""


class StreamIO:
    """What a route handler may do on its stream; every call is bounded by WAIT_LIMIT.

    Args:
        connection: The owning connection.
        record: The stream's record (request headers and body are complete).
    """

    def __init__(self, connection: _Connection, record: StreamRecord) -> None:
        self.conn, self.record = connection, record
        self.stream_id = record.stream_id
        self.path = record.header(":path") or "/"
        parsed = urllib.parse.urlsplit(self.path)
        self.route = parsed.path
        self.query = dict(urllib.parse.parse_qsl(parsed.query))
        self.method = record.header(":method") or "GET"

    def run(self) -> None:
        """Run the route for this stream; a missing route answers 404."""
        handler = ROUTES.get(self.route, _not_found)
        try:
            handler(self)
        except _Aborted:
            pass
        except Exception as exc:  # recorded for the test to see; the thread must end quietly
            with self.conn.server.recorder.lock:
                self.conn.server.recorder.handler_errors.append(f"{self.path}: {exc!r}")

    def _check(self) -> None:
        if (
            self.conn.closed.is_set()
            or self.conn.server.stopping.is_set()
            or self.record.reset_code is not None
        ):
            raise _Aborted

    def headers(
        self, status: int, fields: Sequence[tuple[str, str]] = (), *, end: bool = False
    ) -> None:
        """Send a HEADERS block: `:status` then `fields`; `end` sets END_STREAM."""
        with self.conn.lock:
            self._check()
            self.conn.h2.send_headers(self.stream_id, [(":status", str(status)), *fields], end)
            self.conn.flush()

    def data(self, payload: bytes, *, end: bool = False, pad: int | None = None) -> None:
        """Send one DATA frame, waiting (bounded) for enough flow-control window."""
        needed = len(payload) + (pad + 1 if pad is not None else 0)
        deadline = time.monotonic() + WAIT_LIMIT
        with self.conn.window_changed:
            while True:
                self._check()
                window = self.conn.h2.local_flow_control_window(self.stream_id)
                if window >= needed:
                    break
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise _Aborted
                self.conn.window_changed.wait(min(remaining, 0.2))
            self.conn.h2.send_data(self.stream_id, payload, end_stream=end, pad_length=pad)
            self.conn.flush()

    def body(self, payload: bytes, frame: int = 16384, *, end: bool = True) -> None:
        """Send `payload` in DATA frames of at most `frame` bytes (and the peer's limit)."""
        step = max(1, min(frame, self.conn.h2.max_outbound_frame_size))
        for offset in range(0, len(payload), step):
            last = offset + step >= len(payload)
            self.data(payload[offset : offset + step], end=end and last)
        if not payload and end:
            self.data(b"", end=True)

    def reset(self, code: int) -> None:
        """Send RST_STREAM with `code` (an RFC 9113 §7 error code)."""
        with self.conn.lock:
            self._check()
            self.conn.h2.reset_stream(self.stream_id, error_code=code)
            self.conn.flush()

    def goaway(self, last_stream_id: int, code: int = 0) -> None:
        """Send GOAWAY(`code`, `last_stream_id`) as a raw frame, so that h2 still lets this
        stream finish; later streams above `last_stream_id` are then ignored (RFC 9113 §6.8)."""
        frame = hyperframe.frame.GoAwayFrame(0)
        frame.last_stream_id, frame.error_code = last_stream_id, code
        with self.conn.lock:
            self.conn.goaway_last_stream_id = last_stream_id
            self.conn.flush()
            self.conn.send_raw(frame.serialize())

    def raw_frame(self, frame: hyperframe.frame.Frame) -> None:
        """Send a frame h2 would refuse to build (e.g. PUSH_PROMISE to a client without push)."""
        with self.conn.lock:
            self._check()
            self.conn.flush()
            self.conn.send_raw(frame.serialize())

    def sleep(self, seconds: float) -> None:
        """Wait `seconds` (capped at WAIT_LIMIT); returns early when the server stops."""
        self.conn.server.stopping.wait(min(seconds, WAIT_LIMIT))
        self._check()


def _str_pairs(headers: Any) -> list[tuple[str, str]]:
    return [(_text(k), _text(v)) for k, v in headers]


def _text(value: str | bytes) -> str:
    return value.decode("latin-1") if isinstance(value, bytes) else value


def _int(io: StreamIO, name: str, default: int) -> int:
    return int(io.query.get(name, default))


# --- routes ----------------------------------------------------------------------------------


def _not_found(io: StreamIO) -> None:
    io.headers(404, [("content-length", "9")])
    io.data(b"not found", end=True)


def _ok(io: StreamIO, body: bytes = b"ok", fields: Sequence[tuple[str, str]] = ()) -> None:
    head = [("content-type", "text/plain"), ("content-length", str(len(body))), *fields]
    io.headers(200, head, end=io.method == "HEAD")
    if io.method != "HEAD":
        io.body(body)


def _frame_sizes(io: StreamIO) -> Iterator[int]:
    frame = io.query.get("frame", "16384")
    if frame == "small":
        for i in range(10**9):
            yield 1 + i % 100
    while True:
        yield int(frame)


def _pads(io: StreamIO) -> Iterator[int | None]:
    pad = io.query.get("pad")
    for i in range(10**9):
        yield None if pad is None else (i % 256 if pad == "cycle" else int(pad))


def route_bytes(io: StreamIO) -> None:
    n = _int(io, "n", 1024)
    fields = [("content-type", "application/octet-stream")]
    if io.query.get("cl", "1") == "1":
        fields.append(("content-length", str(n)))
    io.headers(200, fields, end=io.method == "HEAD")
    if io.method == "HEAD":
        return
    body, offset, empty = pattern(n), 0, io.query.get("empty") == "1"
    limit = io.conn.h2.max_outbound_frame_size
    for size, pad in zip(_frame_sizes(io), _pads(io), strict=False):
        if offset >= n:
            break
        size = min(size, limit - (pad + 1 if pad is not None else 0))
        chunk, offset = body[offset : offset + size], offset + size
        io.data(chunk, pad=pad, end=offset >= n and not empty)
        if empty:
            io.data(b"", end=offset >= n)
    if n == 0:
        io.data(b"", end=True)


def route_slow(io: StreamIO) -> None:
    io.sleep(_int(io, "ms", 20) / 1000)
    _ok(io)


def route_echo(io: StreamIO) -> None:
    body = bytes(io.record.body)
    answer = {
        "method": io.method, "headers": io.record.headers, "length": len(body),
        "sha256": hashlib.sha256(body).hexdigest(),
    }  # fmt: skip
    _ok(io, json.dumps(answer).encode(), [("content-type", "application/json")])


def route_cl_mismatch(io: StreamIO) -> None:
    io.headers(200, [("content-length", io.query.get("declared", "100"))])
    io.body(pattern(_int(io, "sent", 50)))


def route_rst_mid_body(io: StreamIO) -> None:
    n = _int(io, "n", 100_000)
    io.headers(200, [("content-length", str(n))])
    io.body(pattern(n)[: n // 2], end=False)
    io.sleep(0.05)
    io.reset(_int(io, "code", 2))


def route_close_mid_body(io: StreamIO) -> None:
    n = _int(io, "n", 100_000)
    io.headers(200, [("content-length", str(n))])
    io.body(pattern(n)[: n // 2], end=False)
    io.sleep(0.05)
    io.conn.close_tcp()


def route_goaway_after(io: StreamIO) -> None:
    io.headers(200, [("content-length", "2")])
    if io.query.get("when", "after") == "before":
        io.goaway(io.stream_id)
        io.data(b"ok", end=True)
    else:
        io.data(b"ok", end=True)
        io.goaway(io.stream_id)
    if io.query.get("close", "1") == "1":
        io.sleep(0.05)
        io.conn.close_tcp()


def route_goaway_inflight(io: StreamIO) -> None:
    key = io.query.get("key", "")
    with io.conn.server.recorder.lock:
        first = key not in io.conn.server.recorder.goaway_keys
        io.conn.server.recorder.goaway_keys.add(key)
    if not first:
        _ok(io)
        return
    # RFC 9113 §6.8: streams above last_stream_id were not processed; a client may retry them.
    io.goaway(max(0, io.stream_id - 2))
    io.conn.server.stopping.wait(0.1)
    io.conn.close_tcp()


def route_trailers(io: StreamIO) -> None:
    io.headers(200, [("content-type", "text/plain"), ("trailer", "x-checksum")])
    io.body(b"body with trailers", end=False)
    with io.conn.lock:
        io._check()
        io.conn.h2.send_headers(io.stream_id, [("x-checksum", "abc")], end_stream=True)
        io.conn.flush()


def route_informational(io: StreamIO) -> None:
    io.headers(103, [("link", "</style.css>; rel=preload")])
    _ok(io, b"final")


def route_headers(io: StreamIO) -> None:
    count, size = _int(io, "count", 100), _int(io, "size", 400)
    fields = [(f"x-h-{i}", hashlib.sha256(str(i).encode()).hexdigest() * (size // 64 + 1))
              for i in range(count)]
    _ok(io, b"ok", [(name, value[:size]) for name, value in fields])


def route_stall_after_headers(io: StreamIO) -> None:
    io.headers(200, [("content-length", "10")])
    io.sleep(float(io.query.get("seconds", WAIT_LIMIT)))
    io.reset(0)


def route_ping(io: StreamIO) -> None:
    payload = bytes.fromhex(io.query.get("data", "0102030405060708"))
    with io.conn.lock:
        io.conn.h2.ping(payload)
        io.conn.flush()
    _ok(io)  # the client reads this response, and so the PING, and answers it
    deadline = time.monotonic() + WAIT_LIMIT
    with io.conn.window_changed:  # wait (bounded) so the recorder holds the ACK for the test
        while payload not in io.conn.ping_acks and time.monotonic() < deadline:
            io.conn.window_changed.wait(0.1)


def route_push_promise(io: StreamIO) -> None:
    frame = hyperframe.frame.PushPromiseFrame(io.stream_id)
    frame.promised_stream_id = 2
    # Never-indexed literals leave the client's HPACK table as it was (RFC 7541 §6.2.3).
    encoder = hpack.Encoder()
    request = [(":method", "GET"), (":scheme", "https"), (":path", "/pushed"),
               (":authority", "127.0.0.1")]
    frame.data = encoder.encode([hpack.NeverIndexedHeaderTuple(k, v) for k, v in request])
    frame.flags.add("END_HEADERS")
    io.raw_frame(frame)
    _ok(io)


def route_status(io: StreamIO) -> None:
    io.headers(_int(io, "code", 204), [], end=True)


ROUTES: dict[str, Callable[[StreamIO], None]] = {
    "/bytes": route_bytes,
    "/slow": route_slow,
    "/echo": route_echo,
    "/upload": route_echo,
    "/cl-mismatch": route_cl_mismatch,
    "/rst-mid-body": route_rst_mid_body,
    "/close-mid-body": route_close_mid_body,
    "/goaway-after": route_goaway_after,
    "/goaway-inflight": route_goaway_inflight,
    "/trailers": route_trailers,
    "/informational": route_informational,
    "/headers": route_headers,
    "/stall-after-headers": route_stall_after_headers,
    "/ping": route_ping,
    "/push-promise": route_push_promise,
    "/status": route_status,
}


def _certificates(cert_dir: Path) -> _CertFiles:
    """The certificates in `cert_dir`, minted there first unless a previous server did."""
    files = _CertFiles(cert_dir / "ca.pem", cert_dir / "server.pem", cert_dir / "server.key")
    return files if files.ca_cert.exists() else make_certificates(cert_dir)


class H2ScriptServer:
    """The running server: `url`, `ca_cert_path`, and what it recorded.

    Args:
        options: Server-wide behaviour (`H2Options`).
        cert_dir: Directory holding (or to receive) the trustme CA and server certificate;
            unused when `options.tls` is False.
    """

    def __init__(self, options: H2Options, cert_dir: Path) -> None:
        self.options = options
        self.recorder = _Recorder()
        self.stopping = threading.Event()
        self.ssl_context: ssl.SSLContext | None = None
        self.ca_cert_path = ""
        if options.tls:
            files = _certificates(cert_dir)
            self.ca_cert_path = str(files.ca_cert)
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(str(files.cert_chain), str(files.key))
            context.set_alpn_protocols(["h2"])
            self.ssl_context = context
        self.listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind((HOST, 0))
        self.listener.listen(64)
        self.listener.settimeout(0.1)
        self.port = self.listener.getsockname()[1]
        self.url = f"{'https' if options.tls else 'http'}://{HOST}:{self.port}"
        self._threads: list[threading.Thread] = []
        self._connections: list[_Connection] = []
        self._acceptor = threading.Thread(target=self._accept_loop, name="h2-accept", daemon=True)

    def join(self, path: str) -> str:
        """`url` + `path` (a str starting with "/", query allowed)."""
        return self.url + path

    # --- observations (all read under the recorder's lock) ------------------------------------

    @property
    def connections(self) -> int:
        """Connections accepted so far (int)."""
        with self.recorder.lock:
            return self.recorder.connections

    @property
    def streams(self) -> list[StreamRecord]:
        """A copy of the list of `StreamRecord`, in the order requests arrived."""
        with self.recorder.lock:
            return list(self.recorder.streams)

    def observed(self, name: str) -> Any:
        """A copy of one recorder list or value: "rst_codes", "ping_acks", "window_updates",
        "client_settings", "goaways_received", "protocol_errors", "handler_errors",
        "max_open_streams"."""
        with self.recorder.lock:
            value = getattr(self.recorder, name)
            return list(value) if isinstance(value, list) else value

    def wait_for(self, predicate: Callable[[], bool], timeout: float = 2.0) -> bool:
        """Poll `predicate` every 10 ms for up to `timeout` seconds; its last result."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if predicate():
                return True
            time.sleep(0.01)
        return predicate()

    # --- lifecycle ----------------------------------------------------------------------------

    def start(self) -> H2ScriptServer:
        """Start accepting; returns self."""
        self._acceptor.start()
        return self

    def _accept_loop(self) -> None:
        while not self.stopping.is_set():
            try:
                sock, _ = self.listener.accept()
            except TimeoutError:
                continue
            except OSError:
                break
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            with self.recorder.lock:
                self.recorder.connections += 1
                index = self.recorder.connections
            if index > MAX_CONNECTIONS:
                sock.close()
                continue
            connection = _Connection(self, sock, index)
            thread = threading.Thread(target=connection.run, name=f"h2-conn-{index}", daemon=True)
            self._connections.append(connection)
            self._threads.append(thread)
            thread.start()

    def stop(self) -> None:
        """Close the listener and every connection, and join every thread (bounded)."""
        self.stopping.set()
        with contextlib.suppress(OSError):
            self.listener.shutdown(socket.SHUT_RDWR)  # wakes accept() at once (Linux)
        self._acceptor.join(5)
        self.listener.close()
        for connection in self._connections:
            connection.close_tcp()
        for thread in self._threads:
            thread.join(WAIT_LIMIT + 2)


@contextlib.contextmanager
def run_h2_server(options: H2Options, cert_dir: Path) -> Iterator[H2ScriptServer]:
    """Start an `H2ScriptServer` with `options`; stop it on exit.

    Args:
        options: Server-wide behaviour.
        cert_dir: An existing directory for the certificates (TLS only).

    Yields:
        The started server.
    """
    server = H2ScriptServer(options, cert_dir).start()
    try:
        yield server
    finally:
        server.stop()

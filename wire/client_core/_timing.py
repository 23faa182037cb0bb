"""Where the time of a request went: DNS, connect, TLS, send, wait (TTFB), receive.

    recorder = TimingRecorder()
    response = client.get(url, extensions={"trace": recorder})          # Client
    response = await client.get(url, extensions={"trace": recorder.atrace})  # AsyncClient
    print(recorder.timing().as_dict())

The numbers come from httpcore's trace events (the "trace" request extension): each step is a
`*.started` / `*.complete` pair, e.g. `connection.connect_tcp`, `connection.start_tls`,
`http11.send_request_headers`, `http11.send_request_body`, `http11.receive_response_headers`,
`http11.receive_response_body` (`http2.*` for HTTP/2).

Strategy (DNS): httpcore resolves the host inside `connect_tcp` (`socket.create_connection`),
so trace events alone cannot separate DNS from the TCP handshake; `connect` then includes the
lookup and `dns` is None. `measure_dns()` times our own `socket.getaddrinfo()` for the host
just before the request; a caller that runs it records the figure with `set_dns()`. The
connection still performs its own lookup inside `connect`, usually answered from the
resolver's cache; the docs of `Timing.dns` say so, so no figure is presented as more exact
than it is.

Phases (float seconds, measured with `time.perf_counter`):

| phase | from | to |
| --- | --- | --- |
| dns | our `getaddrinfo()` call (optional) | its return |
| connect | `connect_tcp.started` | `connect_tcp.complete` |
| tls | `start_tls.started` | `start_tls.complete` |
| send | `send_request_headers.started` | `send_request_body.complete` |
| wait | `send_request_body.complete` | `receive_response_headers.complete` (TTFB) |
| receive | `receive_response_body.started` | `receive_response_body.complete` |
"""

from __future__ import annotations

import contextlib
import datetime
import ipaddress
import socket
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

__all__ = [
    "PHASE_NAMES", "Hop", "Phase", "Timing", "TimingRecorder", "measure_dns", "remote_address",
]

#: The phases in the order they happen.
PHASE_NAMES = ("dns", "connect", "tls", "send", "wait", "receive")

# phase → (event that starts it, event that ends it), event names without the layer prefix.
_SPANS: dict[str, tuple[str, str]] = {
    "connect": ("connect_tcp.started", "connect_tcp.complete"),
    "tls": ("start_tls.started", "start_tls.complete"),
    "send": ("send_request_headers.started", "send_request_body.complete"),
    "wait": ("send_request_body.complete", "receive_response_headers.complete"),
    "receive": ("receive_response_body.started", "receive_response_body.complete"),
}


@dataclass(frozen=True)
class Phase:
    """One bar of the waterfall.

    Attributes:
        name: str, one of `PHASE_NAMES`.
        start: float seconds from the start of the exchange.
        duration: float seconds.
    """

    name: str
    start: float
    duration: float


@dataclass(frozen=True)
class Timing:
    """The timing of one request/response exchange (one hop of a redirect chain).

    Attributes:
        phases: the `Phase`s that happened, in order (a reused connection has no connect or
            tls phase; a plain-HTTP one no tls).
        total: float seconds from the first phase's start to the last one's end.
        remote_address: `(ip, port)` of the server the connection reached, or None.
        tls_version: str such as "TLSv1.3", or None without TLS.
        http_version: str such as "HTTP/1.1" or "HTTP/2", or None when unknown.

    `dns`, when present, is our own lookup of the host just before the request; the
    connection repeats the lookup inside `connect` (usually a cache hit).
    """

    phases: tuple[Phase, ...]
    total: float
    remote_address: tuple[str, int] | None = None
    tls_version: str | None = None
    http_version: str | None = None

    def duration(self, name: str) -> float | None:
        """The float seconds of phase `name`, or None when it did not happen."""
        for phase in self.phases:
            if phase.name == name:
                return phase.duration
        return None

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready dict: each phase name → float seconds (or None), plus `total`,
        `remote_address` ("ip:port" or None), `tls_version` and `http_version`."""
        result: dict[str, Any] = {name: self.duration(name) for name in PHASE_NAMES}
        result["total"] = self.total
        address = self.remote_address
        result["remote_address"] = None if address is None else format_address(address)
        result["tls_version"] = self.tls_version
        result["http_version"] = self.http_version
        return result


def format_address(address: tuple[str, int]) -> str:
    """`("::1", 80)` → `"[::1]:80"`, `("127.0.0.1", 80)` → `"127.0.0.1:80"`."""
    host, port = address[0], address[1]
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def _address_of(stream: Any) -> tuple[str, int] | None:
    get_extra_info = getattr(stream, "get_extra_info", None)
    if get_extra_info is None:
        return None
    with contextlib.suppress(OSError, ValueError, AttributeError):
        address = get_extra_info("server_addr")
        if isinstance(address, tuple) and len(address) >= 2:
            return (str(address[0]), int(address[1]))
    return None


def remote_address(response_extensions: Mapping[str, Any]) -> tuple[str, int] | None:
    """The server's `(ip, port)` from a response's "network_stream" extension, or None.

    Read it before the response is closed: a closed socket no longer knows its peer.
    """
    return _address_of(response_extensions.get("network_stream"))


def measure_dns(host: str, port: int) -> float | None:
    """Time a `socket.getaddrinfo()` of `host` (str) and `port` (int), in float seconds.

    Returns:
        The lookup's duration; None when `host` is an IP literal (nothing to resolve) or the
        lookup fails (the connection will report that error itself).
    """
    with contextlib.suppress(ValueError):
        ipaddress.ip_address(host.strip("[]"))
        return None
    start = time.perf_counter()
    try:
        socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        return None
    return time.perf_counter() - start


@dataclass(frozen=True)
class Hop:
    """What one exchange of a chain was, as the trace saw it (None where unseen).

    Attributes:
        method: str such as "GET". url: str, absolute. status: int.
        location: str, the response's Location header (a redirect's target as sent).
    """

    method: str | None
    url: str | None
    status: int | None
    location: str | None


def _request_facts(request: Any) -> dict[str, Any]:
    facts: dict[str, Any] = {}
    with contextlib.suppress(AttributeError, TypeError, UnicodeDecodeError):
        facts["method"] = request.method.decode("ascii")
        facts["url"] = bytes(request.url).decode("ascii")
    return facts


def _response_facts(value: Any) -> dict[str, Any]:
    # HTTP/1.1 returns (http_version, status, reason, headers); HTTP/2 (status, headers).
    facts: dict[str, Any] = {}
    if not isinstance(value, tuple):
        return facts
    facts["status"] = next((item for item in value if isinstance(item, int)), None)
    headers = value[-1] if value and isinstance(value[-1], list) else []
    for header in headers:
        with contextlib.suppress(ValueError, TypeError, AttributeError):
            name, header_value = header
            if bytes(name).lower() == b"location":
                facts["location"] = bytes(header_value).decode("latin-1")
    return facts


class TimingRecorder:
    """Collects httpcore trace events into `Timing`s: pass it as the "trace" extension.

    Use the recorder itself with `Client` and `recorder.atrace` with `AsyncClient`. Redirect
    hops share the request's extensions, so one recorder sees every hop; `timings()` splits
    them at each `response_closed` event.

    Args:
        clock: float seconds, monotonic (default `time.perf_counter`).
    """

    def __init__(self, clock: Callable[[], float] = time.perf_counter) -> None:
        self._clock = clock
        self.events: list[tuple[str, float, Mapping[str, Any]]] = []
        self._dns: tuple[float, float] | None = None  # (start, duration)
        #: Wall-clock time the exchange started (an aware datetime), when the caller sets it.
        self.started: datetime.datetime | None = None

    def __call__(self, name: str, info: Mapping[str, Any]) -> None:
        """The synchronous trace callback: record `name` (e.g. "http11.send_request_headers.
        started") at the current time, keeping what `info` tells about the connection."""
        kept: dict[str, Any] = {}
        value = info.get("return_value")
        if name.endswith("send_request_headers.started"):
            kept.update(_request_facts(info.get("request")))
        elif name.endswith("receive_response_headers.complete"):
            kept.update(_response_facts(value))
        elif name.endswith("connect_tcp.complete"):
            kept["address"] = _address_of(value)
        elif name.endswith("start_tls.complete"):
            ssl_object: Any = None
            get_extra_info = getattr(value, "get_extra_info", None)
            if get_extra_info is not None:
                with contextlib.suppress(OSError, ValueError, AttributeError):
                    ssl_object = get_extra_info("ssl_object")
            kept["tls_version"] = ssl_object.version() if ssl_object is not None else None
        self.events.append((name, self._clock(), kept))

    async def atrace(self, name: str, info: Mapping[str, Any]) -> None:
        """The asynchronous trace callback (for `AsyncClient`); as `__call__`."""
        self(name, info)

    def set_dns(self, duration: float, *, start: float | None = None) -> None:
        """Record a DNS lookup of `duration` float seconds that ended at `start + duration`
        (default: ended now), shown before the connect phase."""
        end = self._clock() if start is None else start + duration
        self._dns = (end - duration, duration)

    def _segments(self) -> list[list[tuple[str, float, Mapping[str, Any]]]]:
        segments: list[list[tuple[str, float, Mapping[str, Any]]]] = [[]]
        for event in self.events:
            segments[-1].append(event)
            if event[0].endswith("response_closed.complete"):
                segments.append([])
        return [segment for segment in segments if segment]

    def timings(self) -> list[Timing]:
        """One `Timing` per exchange seen so far, oldest first (the DNS figure goes with the
        first exchange, the one whose connection it preceded)."""
        return [
            _timing_of(segment, self._dns if index == 0 else None)
            for index, segment in enumerate(self._segments())
        ]

    def hops(self) -> list[Hop]:
        """One `Hop` per exchange seen so far (a redirect chain, oldest first)."""
        result = []
        for segment in self._segments():
            facts: dict[str, Any] = {}
            for _, _, kept in segment:
                facts.update(kept)
            result.append(
                Hop(
                    method=facts.get("method"),
                    url=facts.get("url"),
                    status=facts.get("status"),
                    location=facts.get("location"),
                )
            )
        return result

    def timing(self) -> Timing | None:
        """The `Timing` of the last exchange, or None when no event was recorded."""
        timings = self.timings()
        return timings[-1] if timings else None


def _timing_of(
    segment: list[tuple[str, float, Mapping[str, Any]]], dns: tuple[float, float] | None
) -> Timing:
    seen: dict[str, float] = {}
    address: tuple[str, int] | None = None
    tls_version: str | None = None
    http_version: str | None = None
    for name, at, kept in segment:
        layer, _, short = name.partition(".")
        seen.setdefault(short, at)
        if "address" in kept:
            address = kept["address"]
        if "tls_version" in kept:
            tls_version = kept["tls_version"]
        if short == "send_request_headers.started":
            http_version = {"http11": "HTTP/1.1", "http2": "HTTP/2"}.get(layer, http_version)
    origin = segment[0][1] if dns is None else min(segment[0][1], dns[0])
    spans: list[Phase] = []
    if dns is not None:
        spans.append(Phase("dns", dns[0] - origin, dns[1]))
    for phase, (start_event, end_event) in _SPANS.items():
        if start_event in seen and end_event in seen:
            start = seen[start_event]
            spans.append(Phase(phase, start - origin, max(0.0, seen[end_event] - start)))
    end = max((at for _, at, _ in segment), default=origin)
    return Timing(
        phases=tuple(spans),
        total=max(0.0, end - origin),
        remote_address=address,
        tls_version=tls_version,
        http_version=http_version,
    )

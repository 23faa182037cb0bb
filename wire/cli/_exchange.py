"""The exchange as data: one JSON object (`--exchange-json`), HTTP Archive 1.2 (`--har FILE`),
the timing waterfall (`--timing`) and retry notices (`--retry N`).

`_run` calls three hooks when one of those options is given: `attach_recorder()` before
sending (a `TimingRecorder` as the "trace" extension, and our own timing of the DNS lookup:
see `client_core._timing` on why), `prepare_extras()` once the final response's head is in,
and `write_extras()` after the usual output.

The JSON object (`wire URL --exchange-json | jq .status`):

    {
      "request": {"method": "GET", "url": "...", "headers": [["Name", "value"], ...]},
      "status": 200, "reason": "OK", "http_version": "HTTP/1.1", "url": "<final URL>",
      "headers": [["Name", "value"], ...],        # in the order received, names as sent
      "body": "...", "body_encoding": "text",     # or the bytes as base64 and "base64"
      "elapsed": 0.0123,                          # float seconds, whole exchange
      "timing": {"dns": ..., "connect": ..., "tls": ..., "send": ..., "wait": ...,
                 "receive": ..., "total": ..., ...},      # float seconds, null when absent
      "redirects": [{"method": "GET", "url": "...", "status": 302, "location": "..."}],
      "remote_address": "127.0.0.1:8000"
    }
"""

from __future__ import annotations

import base64
import datetime
import json
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from ..__version__ import __version__
from ..client_core import Request, Response
from ..client_core._retry import Retry, RetryEvent
from ._env import Environment

if TYPE_CHECKING:  # pragma: no cover
    from ..client_core._timing import Hop, Timing, TimingRecorder

# `client_core._timing` is imported by the functions that run only when one of these options
# is given: a plain run does not pay for it (start-up time).

__all__ = [
    "exchange_to_dict",
    "har_document",
    "attach_recorder",
    "prepare_extras",
    "retry_policy_from_options",
    "wants_extras",
    "write_extras",
]


def _header_pairs(headers: Any) -> list[list[str]]:
    return [[name.decode("latin-1"), value.decode("latin-1")] for name, value in headers.raw]


def body_fields(content: bytes, encoding: str | None) -> tuple[str, str]:
    """`(body, "text")` when `content` (bytes) reads as text in `encoding` (or UTF-8), else
    `(base64 text, "base64")`. A NUL byte always means binary."""
    if b"\x00" not in content:
        try:
            return content.decode(encoding or "utf-8"), "text"
        except (UnicodeDecodeError, LookupError):
            pass
    return base64.b64encode(content).decode("ascii"), "base64"


def _request_dict(request: Request) -> dict[str, Any]:
    return {
        "method": request.method,
        "url": str(request.url),
        "headers": _header_pairs(request.headers),
    }


def _redirects(response: Response, hops: Sequence[Hop]) -> list[dict[str, Any]]:
    if response.history:
        return [
            {
                "method": hop.request.method,
                "url": str(hop.request.url),
                "status": hop.status_code,
                "location": hop.headers.get("Location"),
            }
            for hop in response.history
        ]
    return [
        {"method": hop.method, "url": hop.url, "status": hop.status, "location": hop.location}
        for hop in hops[:-1]
    ]


def exchange_to_dict(
    response: Response, timing: Timing | None, hops: Sequence[Hop] = ()
) -> dict[str, Any]:
    """The exchange that ended in `response` (body read) as a JSON-ready dict (module doc).

    Args:
        response: the final `Response`, its body read.
        timing: the final hop's `Timing`, or None.
        hops: the chain as traced (`TimingRecorder.hops()`), used for the redirects when
            `response.history` is empty (a caller that follows redirects itself).

    Returns:
        dict with str keys, JSON-serialisable.
    """
    from ..client_core._timing import format_address

    body, body_encoding = body_fields(response.content, response.charset_encoding)
    address = timing.remote_address if timing is not None else None
    return {
        "request": _request_dict(response.request),
        "status": response.status_code,
        "reason": response.reason_phrase,
        "http_version": response.http_version,
        "url": str(response.url),
        "headers": _header_pairs(response.headers),
        "body": body,
        "body_encoding": body_encoding,
        "elapsed": response.elapsed.total_seconds(),
        "timing": None if timing is None else timing.as_dict(),
        "redirects": _redirects(response, hops),
        "remote_address": None if address is None else format_address(address),
    }


# --- HAR 1.2 (http://www.softwareishard.com/blog/har-12-spec/) ---------------------------------


def _ms(seconds: float | None) -> float:
    # HAR uses milliseconds, and -1 for "does not apply".
    return -1 if seconds is None else round(seconds * 1000.0, 3)


def _name_values(pairs: Sequence[Sequence[str]]) -> list[dict[str, str]]:
    return [{"name": name, "value": value} for name, value in pairs]


def _har_timings(timing: Timing | None, elapsed: float) -> dict[str, float]:
    if timing is None:
        return {"blocked": -1, "dns": -1, "connect": -1, "ssl": -1, "send": 0,
                "wait": _ms(elapsed), "receive": 0}  # fmt: skip
    tls = timing.duration("tls")
    connect = timing.duration("connect")
    # HAR 1.2: `connect` includes `ssl`, kept apart as well for older readers.
    if connect is not None and tls is not None:
        connect += tls
    return {
        "blocked": -1,
        "dns": _ms(timing.duration("dns")),
        "connect": _ms(connect),
        "ssl": _ms(tls),
        "send": _ms(timing.duration("send") or 0.0),
        "wait": _ms(timing.duration("wait") or 0.0),
        "receive": _ms(timing.duration("receive") or 0.0),
    }


def _har_entry(response: Response, timing: Timing | None, started: datetime.datetime) -> Any:
    request = response.request
    request_body = request.content if hasattr(request, "_content") else b""
    content = response.content
    text, encoding = body_fields(content, response.charset_encoding)
    entry: dict[str, Any] = {
        "startedDateTime": started.isoformat(),
        "time": _ms(timing.total if timing is not None else response.elapsed.total_seconds()),
        "request": {
            "method": request.method,
            "url": str(request.url),
            "httpVersion": response.http_version,
            "cookies": [],
            "headers": _name_values(_header_pairs(request.headers)),
            "queryString": _name_values(list(request.url.params.multi_items())),
            "headersSize": -1,
            "bodySize": len(request_body),
        },
        "response": {
            "status": response.status_code,
            "statusText": response.reason_phrase,
            "httpVersion": response.http_version,
            "cookies": [],
            "headers": _name_values(_header_pairs(response.headers)),
            "content": {
                "size": len(content),
                "mimeType": response.headers.get("Content-Type", "x-unknown"),
                "text": text,
                **({"encoding": "base64"} if encoding == "base64" else {}),
            },
            "redirectURL": response.headers.get("Location", ""),
            "headersSize": -1,
            "bodySize": len(content),
        },
        "cache": {},
        "timings": _har_timings(timing, response.elapsed.total_seconds()),
    }
    if request_body:
        body_text, _ = body_fields(request_body, None)
        entry["request"]["postData"] = {
            "mimeType": request.headers.get("Content-Type", ""),
            "text": body_text,
        }
    if timing is not None and timing.remote_address is not None:
        entry["serverIPAddress"] = timing.remote_address[0]
    return entry


def _har_traced_entry(hop: Hop, timing: Timing | None, started: datetime.datetime) -> Any:
    """An entry for a hop known only from the trace (method, URL, status, Location)."""
    total = timing.total if timing is not None else 0.0
    return {
        "startedDateTime": started.isoformat(),
        "time": _ms(total),
        "request": {
            "method": hop.method or "", "url": hop.url or "", "httpVersion": "",
            "cookies": [], "headers": [], "queryString": [], "headersSize": -1, "bodySize": -1,
        },
        "response": {
            "status": hop.status or 0, "statusText": "", "httpVersion": "", "cookies": [],
            "headers": [], "content": {"size": -1, "mimeType": "x-unknown"},
            "redirectURL": hop.location or "", "headersSize": -1, "bodySize": -1,
        },
        "cache": {},
        "timings": _har_timings(timing, total),
    }  # fmt: skip


def har_document(
    response: Response,
    timings: Sequence[Timing],
    started: datetime.datetime,
    hops: Sequence[Hop] = (),
) -> dict[str, Any]:
    """An HTTP Archive 1.2 `{"log": ...}` with one entry per hop (redirects first).

    Args:
        response: the final `Response`, body read.
        timings: one `Timing` per hop, oldest first (matched from the end when fewer).
        started: when the first request started (an aware datetime).
        hops: the chain as traced; its earlier hops become entries when `response.history`
            is empty (a caller that follows redirects itself).

    Returns:
        The HAR document as a JSON-ready dict.
    """
    from ..client_core._timing import Hop

    chain: list[Response | Hop] = [*response.history, response]
    if not response.history:
        chain = [*hops[:-1], response]
    aligned: list[Timing | None] = [None] * len(chain)
    for offset in range(1, min(len(chain), len(timings)) + 1):
        aligned[-offset] = timings[-offset]
    entries = []
    at = started
    for hop, timing in zip(chain, aligned, strict=True):
        if isinstance(hop, Hop):
            entries.append(_har_traced_entry(hop, timing, at))
            at += datetime.timedelta(seconds=timing.total if timing is not None else 0.0)
        else:
            entries.append(_har_entry(hop, timing, at))
            at += hop.elapsed
    return {
        "log": {
            "version": "1.2",
            "creator": {"name": "wire", "version": __version__},
            "pages": [],
            "entries": entries,
        }
    }


# --- the CLI hook ---------------------------------------------------------------------------------


def wants_extras(options: Mapping[str, Any]) -> bool:
    """Whether `--timing`, `--exchange-json` or `--har` was given."""
    return bool(options.get("timing") or options.get("exchange_json") or options.get("har"))


def retry_policy_from_options(env: Environment, options: Mapping[str, Any]) -> Retry | None:
    """The `Retry` for `--retry N`, `--retry-max-time S` and `--retry-all-methods`.

    Each retry is reported on stderr as `wire: retry 1/3 in 0.5 s: HTTP 503 ... (GET URL)`.

    Returns:
        None when `--retry` is absent or 0.
    """
    retries = int(options.get("retry") or 0)
    if retries <= 0:
        return None

    def report(event: RetryEvent) -> None:
        from .output._sanitize import sanitize_for_terminal

        line = (
            f"wire: retry {event.attempt}/{retries} in {event.delay:.2f} s: {event.reason} "
            f"({event.request.method} {event.request.url})"
        )
        env.stderr.write(sanitize_for_terminal(line) + "\n")
        env.stderr.flush()

    return Retry(
        retries=retries,
        max_time=options.get("retry_max_time"),
        methods=None if options.get("retry_all_methods") else Retry().methods,
        on_retry=report,
    )


def _write_timing(env: Environment, timing: Timing) -> None:
    from .output._timing_chart import render_timing

    env.stderr.write(
        render_timing(timing, width=env.width, color=env.stderr_isatty and env.color_system)
    )
    env.stderr.flush()


def attach_recorder(request: Request) -> TimingRecorder:
    """Attach a `TimingRecorder` to `request` (its "trace" extension, carried to redirect
    requests) and time the DNS lookup of its host; return the recorder."""
    from ..client_core._timing import TimingRecorder, measure_dns

    recorder = TimingRecorder()
    request.extensions = {**request.extensions, "trace": recorder}
    url = request.url
    # A fresh client opens a new connection: time the lookup that precedes it.
    dns = measure_dns(url.host, url.port or (443 if url.scheme == "https" else 80))
    if dns is not None:
        recorder.set_dns(dns)
    recorder.started = datetime.datetime.now(datetime.UTC)
    return recorder


def prepare_extras(response: Response, plan: Any, options: Mapping[str, Any]) -> Any:
    """Read the body (the JSON and HAR hold it) and, with `--exchange-json`, turn off the
    usual response output: stdout gets the JSON object alone. Returns the plan to use."""
    response.read()
    if not options.get("exchange_json"):
        return plan
    import dataclasses

    hidden = {"show_response_headers": False, "show_response_body": False, "show_meta": False}
    names = {item.name for item in dataclasses.fields(plan)}
    return dataclasses.replace(plan, **{k: v for k, v in hidden.items() if k in names})


def write_extras(env: Environment, response: Response, options: Mapping[str, Any]) -> None:
    """Write what `--exchange-json`, `--har FILE` and `--timing` ask for, for `response`
    (its body read by `prepare_extras`, its request carrying the recorder).

    Raises:
        OSError: when the HAR file cannot be written.
    """
    from ..client_core._timing import TimingRecorder

    recorder = response.request.extensions.get("trace")
    if not isinstance(recorder, TimingRecorder):
        recorder = TimingRecorder()
    timings, hops = recorder.timings(), recorder.hops()
    timing = timings[-1] if timings else None
    if options.get("exchange_json"):
        document = exchange_to_dict(response, timing, hops)
        # Indented for a reader on a terminal; one line when piped (to jq, or to a log).
        indent = 2 if env.stdout_isatty else None
        text = json.dumps(document, ensure_ascii=False, indent=indent)
        env.stdout.write(text.encode("utf-8") + b"\n")
        env.stdout.flush()
    har_path = options.get("har")
    if har_path:
        started = getattr(recorder, "started", None) or datetime.datetime.now(datetime.UTC)
        with open(har_path, "w", encoding="utf-8") as handle:
            json.dump(har_document(response, timings, started, hops), handle, indent=2,
                      ensure_ascii=False)
            handle.write("\n")
    if options.get("timing") and timing is not None:
        _write_timing(env, timing)

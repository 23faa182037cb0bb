"""What the async and sync HTTP/1.1 connections share: h11 helpers and the limits on a head.

The connections themselves are `_async/http11.py` (the source, where the strategy is told)
and `_sync/http11.py`, generated from it by `scripts/unasync.py`. Everything here runs
without I/O, so one copy serves both.
"""

from __future__ import annotations

import logging
from typing import Any

import h11
import httpcore

__all__ = [
    "END_EVENTS",
    "MAX_HEADER_FIELDS",
    "MAX_HEAD_BYTES",
    "MAX_INTERIM_RESPONSES",
    "head_fields",
    "is_final_head",
    "new_h11_state",
    "remote_error",
    "too_many_interim_responses",
    "wants_trace",
]

#: The h11 events that end a response body.
END_EVENTS = (h11.EndOfMessage, h11.ConnectionClosed)

#: The most interim (1xx) responses skipped before the final one (RFC 9110 §15.2 sets no
#: limit; a server sending thousands is hostile, and each arrives too fast for a timeout).
MAX_INTERIM_RESPONSES = 50
#: The most header fields in a response head.
MAX_HEADER_FIELDS = 500
#: The most bytes in a response head (status line and header fields); h11 refuses more.
MAX_HEAD_BYTES = 64 * 1024


def remote_error(exc: h11.RemoteProtocolError) -> httpcore.RemoteProtocolError:
    """httpcore's error for a response h11 refused (an oversized head says so plainly)."""
    message = str(exc)
    if "too long" in message.lower():
        message = f"Response header block too large (over {MAX_HEAD_BYTES // 1024} KiB)"
    return httpcore.RemoteProtocolError(message)


def new_h11_state() -> h11.Connection:
    """A client h11 state machine with our limit on the size of a response head."""
    return h11.Connection(our_role=h11.CLIENT, max_incomplete_event_size=MAX_HEAD_BYTES)


def is_final_head(event: Any) -> bool:
    """True for the response head that ends the interim ones (a final response or a 101)."""
    return isinstance(event, h11.Response) or (
        isinstance(event, h11.InformationalResponse) and event.status_code == 101
    )


def head_fields(event: Any, state: h11.Connection) -> tuple[bytes, int, bytes, Any, bytes]:
    """Check a final head and return httpcore's tuple for it.

    Raises:
        httpcore.RemoteProtocolError: for an HTTP version other than 1.0 / 1.1 (RFC 9112
            §2.3: this parser speaks 1.x only), more than MAX_HEADER_FIELDS fields, or a
            head over MAX_HEAD_BYTES.
    """
    if event.http_version not in (b"1.0", b"1.1"):
        raise httpcore.RemoteProtocolError(
            f"Unsupported HTTP version in the response: HTTP/{event.http_version.decode()}"
        )
    headers = event.headers.raw_items()
    if len(headers) > MAX_HEADER_FIELDS:
        raise httpcore.RemoteProtocolError(
            f"Too many response header fields ({len(headers)}; at most {MAX_HEADER_FIELDS})"
        )
    # h11 enforces the size only while a head is incomplete; one that arrived whole is
    # measured here ("name: value\r\n" per field).
    size = len(event.reason) + sum(len(name) + len(value) + 4 for name, value in headers)
    if size > MAX_HEAD_BYTES:
        raise httpcore.RemoteProtocolError(
            f"Response header block too large (over {MAX_HEAD_BYTES // 1024} KiB)"
        )
    trailing, _ = state.trailing_data
    return b"HTTP/" + event.http_version, event.status_code, event.reason, headers, trailing


def too_many_interim_responses() -> httpcore.RemoteProtocolError:
    """The error for a response with more than MAX_INTERIM_RESPONSES interim heads."""
    return httpcore.RemoteProtocolError(
        f"More than {MAX_INTERIM_RESPONSES} interim (1xx) responses before the final one"
    )


_LOGGERS = {"httpcore.http11": logging.getLogger("httpcore.http11")}


def wants_trace(request: httpcore.Request, logger_name: str) -> bool:
    """True when the request is observed: a `trace` extension, or DEBUG logging.

    Args:
        request: the httpcore request.
        logger_name: "httpcore.http11", the logger httpcore would use.
    """
    return request.extensions.get("trace") is not None or _LOGGERS[logger_name].isEnabledFor(
        logging.DEBUG
    )

"""Exit statuses, and the one table that turns an exception into a message and a status.

Exit statuses are HTTPie's (xh uses the same 2 and 6):

| status | meaning                                                       |
|--------|---------------------------------------------------------------|
| 0      | success                                                       |
| 1      | an error: bad input, connection failure, TLS failure, ...     |
| 2      | a timeout                                                     |
| 3      | a 3xx response (not followed)                                 |
| 4      | a 4xx response                                                |
| 5      | a 5xx response                                                |
| 6      | too many redirects                                            |
| 130    | interrupted (Ctrl-C)                                          |

The status check (3/4/5) is on by default; `--no-check-status` turns it off. A failing status
still prints the response, and a piped run also says `wire: warning: HTTP 404 Not Found` on
stderr (silenced by -qq).

Every expected error becomes one line, `wire: error: ...`, naming what failed and, where one
is known, a hint. No traceback reaches the user unless --traceback is given.
"""

from __future__ import annotations

import ssl
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..client_core import _exceptions as exc
from ._status import EXIT_STATUS_DOC, ExitStatus, status_for_http

if TYPE_CHECKING:  # pragma: no cover
    from ..client_core import Response
    from ._env import Environment

__all__ = [
    "EXIT_STATUS_DOC",
    "DeadlineExceeded",
    "ErrorReport",
    "ExitStatus",
    "describe_error",
    "print_error",
    "print_status_warning",
    "status_for_http",
]


class DeadlineExceeded(exc.TimeoutException):
    """The --max-time deadline passed before the exchange ended (exit status 2)."""


@dataclass(frozen=True)
class ErrorReport:
    """What to tell the user: a one-line `message` and the process `status`."""

    message: str
    status: ExitStatus


# (exception class, exit status, what failed, hint). The first matching row wins, so the
# more specific classes come first.
_TABLE: tuple[tuple[type[BaseException], ExitStatus, str, str], ...] = (
    (DeadlineExceeded, ExitStatus.ERROR_TIMEOUT, "the --max-time deadline passed",
     "raise --max-time to wait longer"),
    (exc.ConnectTimeout, ExitStatus.ERROR_TIMEOUT, "connection timed out",
     "is the host reachable? raise --timeout to wait longer"),
    (exc.ReadTimeout, ExitStatus.ERROR_TIMEOUT, "timed out waiting for the response",
     "raise --timeout to wait longer"),
    (exc.WriteTimeout, ExitStatus.ERROR_TIMEOUT, "timed out sending the request",
     "raise --timeout to wait longer"),
    (exc.TimeoutException, ExitStatus.ERROR_TIMEOUT, "timed out", "raise --timeout"),
    (exc.TooManyRedirects, ExitStatus.ERROR_TOO_MANY_REDIRECTS, "too many redirects",
     "raise --max-redirects, or check the server for a redirect loop"),
    (exc.ProxyError, ExitStatus.ERROR, "proxy error", "check the proxy URL and credentials"),
    (exc.UnsupportedProtocol, ExitStatus.ERROR, "unsupported URL",
     "only http:// and https:// URLs are supported"),
    (exc.ConnectError, ExitStatus.ERROR, "cannot connect", ""),
    (exc.ReadError, ExitStatus.ERROR, "connection lost while reading the response", ""),
    (exc.WriteError, ExitStatus.ERROR, "connection lost while sending the request", ""),
    (exc.RemoteProtocolError, ExitStatus.ERROR, "the server broke the HTTP protocol", ""),
    (exc.LocalProtocolError, ExitStatus.ERROR, "invalid request", ""),
    (exc.DecodingError, ExitStatus.ERROR, "cannot decode the response body", ""),
    (exc.InvalidURL, ExitStatus.ERROR, "invalid URL", ""),
    (exc.RequestError, ExitStatus.ERROR, "request failed", ""),
)


def _connect_hint(detail: str) -> str:
    lowered = detail.lower()
    if "certificate" in lowered or "ssl" in lowered or "tls" in lowered:
        return "TLS verification failed; pass --verify CA_PATH, or --verify no to skip it"
    if "name or service not known" in lowered or "nodename nor servname" in lowered or (
        "getaddrinfo" in lowered or "name resolution" in lowered
    ):
        return "the host name could not be resolved (DNS); check its spelling"
    if "refused" in lowered:
        return "is the server running, and is the port right?"
    return ""


def _one_line(text: str) -> str:
    return " ".join(text.split())


def describe_error(error: BaseException, *, method: str, url: str) -> ErrorReport:
    """Map an exception raised while sending to a one-line message and an exit status.

    Args:
        error: the exception.
        method: str, the request method, named in the message.
        url: str, the request URL, named in the message.

    Returns:
        An `ErrorReport`; unknown exceptions get status ERROR and their own text.
    """
    if isinstance(error, KeyboardInterrupt):
        return ErrorReport("interrupted", ExitStatus.ERROR_CTRL_C)
    detail = _one_line(str(error)) or type(error).__name__
    for cls, status, what, hint in _TABLE:
        if isinstance(error, cls):
            if cls is exc.ConnectError:
                hint = _connect_hint(detail)
            message = f"{what}: {detail} ({method} {url})"
            if hint:
                message += f"; hint: {hint}"
            return ErrorReport(message, status)
    if isinstance(error, ssl.SSLError):
        return ErrorReport(f"TLS error: {detail} ({method} {url})", ExitStatus.ERROR)
    if isinstance(error, OSError):
        return ErrorReport(f"{detail} ({method} {url})", ExitStatus.ERROR)
    return ErrorReport(f"{type(error).__name__}: {detail} ({method} {url})", ExitStatus.ERROR)


def print_error(env: Environment, message: str) -> None:
    """Write `wire: error: MESSAGE` as one line on stderr, sanitised for a terminal."""
    from .output._sanitize import sanitize_for_terminal

    line = " ".join(sanitize_for_terminal(message).split())
    env.stderr.write(f"wire: error: {line}\n")
    env.stderr.flush()


def print_status_warning(env: Environment, response: Response) -> None:
    """Write `wire: warning: HTTP 404 Not Found` on stderr (a failing status, piped output)."""
    from .output._sanitize import sanitize_for_terminal

    reason = sanitize_for_terminal(response.reason_phrase)
    env.stderr.write(f"wire: warning: HTTP {response.status_code} {reason}\n")
    env.stderr.flush()

"""Exit statuses: `ExitStatus`, their documentation, and the status of an HTTP response.

Kept apart from `_exit` (which maps exceptions of the client core to messages) so that the
click command, `wire --version` and `wire --help` import no client core; `_exit` re-exports
these names. The table of statuses is in `_exit`'s module docstring.
"""

from __future__ import annotations

import enum

__all__ = ["EXIT_STATUS_DOC", "ExitStatus", "status_for_http"]


class ExitStatus(enum.IntEnum):
    """The process exit status (see the table in `_exit`'s module docstring)."""

    SUCCESS = 0
    ERROR = 1
    ERROR_TIMEOUT = 2
    ERROR_HTTP_3XX = 3
    ERROR_HTTP_4XX = 4
    ERROR_HTTP_5XX = 5
    ERROR_TOO_MANY_REDIRECTS = 6
    ERROR_CTRL_C = 130


EXIT_STATUS_DOC: list[tuple[int, str]] = [
    (0, "Success."),
    (1, "An error: bad arguments or config, a connection or TLS failure, an incomplete "
        "download."),
    (2, "The request timed out (--timeout, --connect-timeout, --max-time)."),
    (3, "The response was a redirect (3xx) that was not followed. The status check is on by "
        "default; --no-check-status turns it off, and the response is printed either way."),
    (4, "The response was a client error (4xx)."),
    (5, "The response was a server error (5xx)."),
    (6, "Too many redirects (see --max-redirects)."),
    (130, "Interrupted by Ctrl-C (SIGINT)."),
]


def status_for_http(status_code: int, *, check_status: bool) -> ExitStatus:
    """The exit status for a final response's status code.

    Args:
        status_code: int, the HTTP status code.
        check_status: the --check-status flag (on by default); off, every response exits 0.

    Returns:
        SUCCESS, or ERROR_HTTP_3XX / 4XX / 5XX when the status is checked. 304 Not Modified
        is a success: it answers a conditional request and is no redirect (RFC 9110
        §15.4.5), so a script revalidating a cached copy must not see it as a failure.
    """
    if not check_status or status_code < 300 or status_code == 304:
        return ExitStatus.SUCCESS
    if status_code < 400:
        return ExitStatus.ERROR_HTTP_3XX
    if status_code < 500:
        return ExitStatus.ERROR_HTTP_4XX
    if status_code < 600:
        return ExitStatus.ERROR_HTTP_5XX
    return ExitStatus.ERROR

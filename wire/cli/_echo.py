"""`-v`: write the request as it goes out, with the protocol the connection negotiated.

A request is written when the transport starts sending its head (the "trace" extension's
"http11.send_request_headers.started" or "http2.send_request_headers.started" event), so its
request line says HTTP/1.1 or HTTP/2 truly. `send_echoed` wraps `client.send` with it.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Mapping
from typing import Any

__all__ = ["RequestEcho", "send_echoed"]


class RequestEcho:
    """A "trace" callback that calls `write(http_version)` once, as the request head is sent.

    Another trace callback already on the request (the --timing recorder) is chained, and put
    back by `finish`. Where no trace event comes (a failed connect, a mock transport),
    `finish` writes the request as HTTP/1.1.

    Args:
        request: the wire `Request`; its `extensions["trace"]` is replaced until `finish`.
        write: writes the request (stdout) given "HTTP/1.1" or "HTTP/2"; an exception it
            raises (e.g. BrokenPipeError) is kept and raised by `finish`, never inside the
            transport.
    """

    def __init__(self, request: Any, write: Callable[[str], None]) -> None:
        self._request, self._write_request = request, write
        inner: Any = request.extensions.get("trace")
        if isinstance(inner, RequestEcho):  # a redirect request built while we traced
            inner = inner.inner
        self.inner: Any = inner
        self._written = False
        self._error: BaseException | None = None
        request.extensions = {**request.extensions, "trace": self}

    def __call__(self, name: str, info: Mapping[str, Any]) -> None:
        if not self._written and name.endswith("send_request_headers.started"):
            self._write("HTTP/2" if name.startswith("http2.") else "HTTP/1.1")
        if self.inner is not None:
            self.inner(name, info)

    def _write(self, http_version: str) -> None:
        self._written = True
        try:
            self._write_request(http_version)
        except BaseException as exc:  # noqa: B036 - finish() raises it, outside the transport
            self._error = exc

    def finish(self) -> None:
        """Write the request if no trace event did; put the chained callback back.

        Raises:
            OSError: writing to stdout failed (e.g. a broken pipe).
        """
        extensions = dict(self._request.extensions)
        if self.inner is None:
            extensions.pop("trace", None)
        else:
            extensions["trace"] = self.inner
        self._request.extensions = extensions
        if not self._written:
            self._write("HTTP/1.1")
        if self._error is not None:
            raise self._error


def send_echoed(
    send: Callable[[], Any], request: Any, write: Callable[[str], None] | None
) -> Any:
    """`send()` the request, writing it with `write` (see `RequestEcho`) unless None.

    Returns:
        The response `send()` returned (closed again if writing the request failed).

    Raises:
        Whatever `send()` raises (the request is written first, if it can be); OSError when
        writing the request failed.
    """
    if write is None:
        return send()
    echo = RequestEcho(request, write)
    try:
        response = send()
    except BaseException:
        with contextlib.suppress(OSError):
            echo.finish()
        raise
    try:
        echo.finish()
    except BaseException:
        response.close()
        raise
    return response

"""`WSGITransport`: send requests straight to a WSGI application (PEP 3333), in process.

No socket is opened: each request becomes a WSGI `environ`, the application is called, and its
status, headers and body iterable become the `Response`. Useful for testing Flask or Django
applications with a `Client`:

    client = wire.Client(transport=wire.WSGITransport(app=app), base_url="http://testserver")
    response = client.get("/")

Strategy: the body iterable is streamed lazily, as the application produces it (a streaming
application is not buffered), and its `close()` is called when the response is closed
(PEP 3333 requires it). The request body is read into memory first: `wsgi.input` must be a
seekable, file-like object.
"""

from __future__ import annotations

import io
import sys
import typing
from collections.abc import Callable, Iterable, Iterator
from types import TracebackType
from urllib.parse import unquote_to_bytes

from .._models import Request, Response
from .._types import SyncByteStream
from .base import BaseTransport

__all__ = ["WSGITransport"]

_ExcInfo = tuple[type[BaseException], BaseException, TracebackType | None]
StartResponse = Callable[..., Callable[[bytes], object]]
WSGIApplication = Callable[[dict[str, typing.Any], StartResponse], Iterable[bytes]]

#: The port a URL without one implies (RFC 9110 §4.2.1, §4.2.2).
_DEFAULT_PORTS = {"http": 80, "https": 443}


class _WSGIByteStream(SyncByteStream):
    """The application's body iterable as a `SyncByteStream`; `close()` closes the iterable.

    Args:
        result: the iterable the application returned (closed by `close()`, PEP 3333).
        chunks: the iterator over `result`, already advanced past `first`.
        first: the first non-empty chunk, pulled to make the application call
            start_response; b"" when the body is empty.
        written: bytes passed to start_response's legacy `write()`, sent first.
    """

    def __init__(
        self, result: Iterable[bytes], chunks: Iterator[bytes], first: bytes, written: list[bytes]
    ) -> None:
        self._result = result
        self._chunks = chunks
        self._first = first
        self._written = written

    def __iter__(self) -> Iterator[bytes]:
        yield from self._written
        if self._first:
            yield self._first
        for part in self._chunks:
            if part:
                yield part

    def close(self) -> None:
        close = getattr(self._result, "close", None)
        if close is not None:
            close()


class WSGITransport(BaseTransport):
    """Call a WSGI application in process for each request (sync `Client` only).

    Args:
        app: the WSGI callable `app(environ, start_response) -> iterable of bytes`.
        raise_app_exceptions: when True (default), an exception the application reports
            through `start_response(..., exc_info)` is raised from `handle_request`; when
            False the error response it sent is returned instead. Exceptions the application
            raises itself always propagate.
        script_name: str, the `SCRIPT_NAME` (mount point) of the application; default "".
        remote_addr: str, the client address as `REMOTE_ADDR`; default "127.0.0.1".
        wsgi_errors: a text stream for `wsgi.errors`; None (default) means `sys.stderr`.

    Example:
        >>> def app(environ, start_response):
        ...     start_response("200 OK", [("Content-Type", "text/plain")])
        ...     return [b"Hello"]
        >>> with Client(transport=WSGITransport(app=app)) as client:  # doctest: +SKIP
        ...     client.get("http://testserver/").text
        'Hello'
    """

    def __init__(
        self,
        app: WSGIApplication,
        raise_app_exceptions: bool = True,
        script_name: str = "",
        remote_addr: str = "127.0.0.1",
        wsgi_errors: typing.TextIO | None = None,
    ) -> None:
        self.app = app
        self.raise_app_exceptions = raise_app_exceptions
        self.script_name = script_name
        self.remote_addr = remote_addr
        self.wsgi_errors = wsgi_errors

    def _environ(self, request: Request, body: bytes) -> dict[str, typing.Any]:
        url = request.url
        port = url.port or _DEFAULT_PORTS.get(url.scheme, 80)
        environ: dict[str, typing.Any] = {
            "wsgi.version": (1, 0),
            "wsgi.url_scheme": url.scheme,
            "wsgi.input": io.BytesIO(body),
            "wsgi.errors": self.wsgi_errors or sys.stderr,
            "wsgi.multithread": True,
            "wsgi.multiprocess": False,
            "wsgi.run_once": False,
            "REQUEST_METHOD": request.method,
            "SCRIPT_NAME": self.script_name,
            # PEP 3333: environ values are bytes decoded as ISO-8859-1, so a UTF-8 path
            # reaches the application as the servers' own "bytes in a str" form.
            "PATH_INFO": unquote_to_bytes(url.raw_path.split(b"?", 1)[0]).decode("latin-1"),
            "QUERY_STRING": url.query.decode("ascii"),
            "SERVER_NAME": url.raw_host.decode("ascii"),
            "SERVER_PORT": str(port),
            "SERVER_PROTOCOL": "HTTP/1.1",
            "REMOTE_ADDR": self.remote_addr,
        }
        for raw_name, raw_value in request.headers.raw:
            key = raw_name.decode("latin-1").upper().replace("-", "_")
            if key not in ("CONTENT_TYPE", "CONTENT_LENGTH"):
                key = "HTTP_" + key
            value = raw_value.decode("latin-1")
            # CGI joins repeated fields with "," (RFC 3875 §4.1.18).
            environ[key] = f"{environ[key]},{value}" if key in environ else value
        return environ

    def handle_request(self, request: Request) -> Response:
        """Call the application with `request` and return its response, body unread.

        Args:
            request: the `Request`; its body is read into `wsgi.input` first.

        Returns:
            A `Response` whose stream iterates the application's body iterable; closing the
            response calls the iterable's `close()`.

        Raises:
            Exception: whatever the application raises, and, when `raise_app_exceptions`
                is True, the exception it passed to `start_response` as `exc_info`.
            RuntimeError: the application returned without calling `start_response`.
        """
        body = request.read()
        status: str | None = None
        response_headers: list[tuple[str, str]] = []
        exc_info: _ExcInfo | None = None
        written: list[bytes] = []

        def start_response(
            status_line: str,
            headers: list[tuple[str, str]],
            error: _ExcInfo | None = None,
        ) -> Callable[[bytes], object]:
            nonlocal status, response_headers, exc_info
            status, response_headers, exc_info = status_line, headers, error
            return written.append

        result = self.app(self._environ(request, body), start_response)
        chunks = iter(result)
        first = b""
        # A generator application only calls start_response once iterated: pull the first
        # non-empty chunk now, so the status is known before returning.
        for chunk in chunks:
            if chunk:
                first = chunk
                break
        stream = _WSGIByteStream(result, chunks, first, written)
        if exc_info is not None and self.raise_app_exceptions:
            stream.close()
            raise exc_info[1]
        if status is None:
            stream.close()
            raise RuntimeError("The WSGI application did not call start_response().")
        return Response(
            status_code=int(status.split(None, 1)[0]),
            headers=[
                (name.encode("latin-1"), value.encode("latin-1"))
                for name, value in response_headers
            ],
            stream=stream,
        )

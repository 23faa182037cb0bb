"""`ASGITransport`: send requests straight to an ASGI application, in process.

No socket is opened: each request becomes an ASGI HTTP connection scope (ASGI 3.0), the
application is awaited, and the messages it sends become the `Response`. Useful for testing
Starlette, FastAPI or any ASGI application with an `AsyncClient`, on asyncio or trio:

    transport = wire.ASGITransport(app=app)
    async with wire.AsyncClient(transport=transport, base_url="http://testserver") as client:
        response = await client.get("/")

Strategy: the application runs to completion inside `handle_async_request`, and the response
body is buffered (as in httpx): an application that streams forever never returns. Once the
request body has been delivered, `receive()` waits until the response is complete and then
reports `http.disconnect`, so an application watching for disconnects ends cleanly. Lifespan
events are not sent.
"""

from __future__ import annotations

import typing
from collections.abc import AsyncIterator, Awaitable, Callable, MutableMapping

from .._models import Request, Response
from .._types import AsyncByteStream
from .base import AsyncBaseTransport

__all__ = ["ASGITransport"]

Scope = MutableMapping[str, typing.Any]
Message = MutableMapping[str, typing.Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


class _Event(typing.Protocol):
    def set(self) -> None: ...  # pragma: no cover

    def is_set(self) -> bool: ...  # pragma: no cover

    async def wait(self) -> typing.Any: ...  # pragma: no cover


def _create_event() -> _Event:
    """An event of the running async library: asyncio's, else trio's."""
    import asyncio

    try:
        asyncio.get_running_loop()
    except RuntimeError:
        import trio  # not running under asyncio: the other backend wire supports

        return typing.cast(_Event, trio.Event())
    return asyncio.Event()


class _ASGIResponseStream(AsyncByteStream):
    """The buffered body parts of an ASGI response."""

    def __init__(self, body_parts: list[bytes]) -> None:
        self._body_parts = body_parts

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for part in self._body_parts:
            yield part


class ASGITransport(AsyncBaseTransport):
    """Call an ASGI 3.0 application in process for each request (`AsyncClient` only).

    Args:
        app: the ASGI callable `await app(scope, receive, send)`.
        raise_app_exceptions: when True (default), an exception raised by the application
            propagates from `handle_async_request`; when False it is swallowed and the
            response is a 500 unless the application had already started one.
        root_path: str, the scope's `root_path` (mount point); default "".
        client: the scope's `client` as a `(host str, port int)` tuple; default
            ("127.0.0.1", 123).

    Example:
        >>> async def app(scope, receive, send):
        ...     await send({"type": "http.response.start", "status": 200, "headers": []})
        ...     await send({"type": "http.response.body", "body": b"Hello"})
        >>> transport = ASGITransport(app=app)
        >>> async with AsyncClient(transport=transport) as client:  # doctest: +SKIP
        ...     (await client.get("http://testserver/")).text
        'Hello'
    """

    def __init__(
        self,
        app: ASGIApp,
        raise_app_exceptions: bool = True,
        root_path: str = "",
        client: tuple[str, int] = ("127.0.0.1", 123),
    ) -> None:
        self.app = app
        self.raise_app_exceptions = raise_app_exceptions
        self.root_path = root_path
        self.client = client

    def _scope(self, request: Request) -> Scope:
        url = request.url
        return {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": request.method,
            # ASGI wants lower-cased header names, as bytes.
            "headers": [(name.lower(), value) for name, value in request.headers.raw],
            "scheme": url.scheme,
            "path": url.path,
            "raw_path": url.raw_path.split(b"?", 1)[0],
            "query_string": url.query,
            "server": (url.host, url.port),
            "client": self.client,
            "root_path": self.root_path,
        }

    async def handle_async_request(self, request: Request) -> Response:
        """Run the application for `request` and return its buffered response.

        Args:
            request: the `Request`; its body is streamed to the application through
                `receive()` as `http.request` messages.

        Returns:
            A `Response` whose body is already complete (a HEAD response has none).

        Raises:
            Exception: whatever the application raises, when `raise_app_exceptions` is True.
            RuntimeError: the application sent messages out of order, or returned without
                completing the response.
        """
        if not isinstance(request.stream, AsyncByteStream):
            raise RuntimeError("ASGITransport needs an async request body (use AsyncClient).")
        exchange = _Exchange(request)
        try:
            await self.app(self._scope(request), exchange.receive, exchange.send)
        except Exception:
            if self.raise_app_exceptions:
                raise
            exchange.response_complete.set()
            if exchange.status_code is None:
                exchange.status_code = 500
        finally:
            await exchange.close_request_body()
        if exchange.status_code is None or not exchange.response_complete.is_set():
            raise RuntimeError("The ASGI application returned without completing a response.")
        return Response(
            status_code=exchange.status_code,
            headers=exchange.headers,
            stream=_ASGIResponseStream(exchange.body_parts),
        )


class _Exchange:
    """The state of one request/response exchange with the application."""

    def __init__(self, request: Request) -> None:
        self.request = request
        self._body = aiter(typing.cast(AsyncByteStream, request.stream))
        self._request_complete = False
        self.status_code: int | None = None
        self.headers: list[tuple[bytes, bytes]] = []
        self.body_parts: list[bytes] = []
        self.response_complete = _create_event()

    async def receive(self) -> Message:
        """The next `http.request` message, then `http.disconnect` once the response is done."""
        if self._request_complete:
            await self.response_complete.wait()
            return {"type": "http.disconnect"}
        try:
            body = await anext(self._body)
        except StopAsyncIteration:
            self._request_complete = True
            return {"type": "http.request", "body": b"", "more_body": False}
        return {"type": "http.request", "body": body, "more_body": True}

    async def send(self, message: Message) -> None:
        """Record `http.response.start` and `http.response.body` messages.

        Raises:
            RuntimeError: a start after the start, or a body before it or after the end.
        """
        if message["type"] == "http.response.start":
            if self.status_code is not None:
                raise RuntimeError("ASGI application sent http.response.start twice.")
            self.status_code = int(message["status"])
            self.headers = [(bytes(k), bytes(v)) for k, v in message.get("headers", [])]
        elif message["type"] == "http.response.body":
            if self.status_code is None or self.response_complete.is_set():
                raise RuntimeError("ASGI application sent a body outside of a response.")
            body = message.get("body", b"")
            # RFC 9110 §9.3.2: a HEAD response has no content, whatever the app sends.
            if body and self.request.method != "HEAD":
                self.body_parts.append(bytes(body))
            if not message.get("more_body", False):
                self.response_complete.set()

    async def close_request_body(self) -> None:
        """Close the request body iterator, so no async generator is left suspended."""
        aclose = getattr(self._body, "aclose", None)
        if aclose is not None:
            await aclose()

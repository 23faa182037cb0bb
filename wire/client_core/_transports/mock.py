"""`MockTransport`: answer requests with a handler function instead of the network.

Example:

    def handler(request: wire.Request) -> wire.Response:
        return wire.Response(200, json={"path": request.url.path})

    client = wire.Client(transport=wire.MockTransport(handler))
    assert client.get("https://example.org/a").json() == {"path": "/a"}
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from .base import AsyncBaseTransport, BaseTransport

if TYPE_CHECKING:  # pragma: no cover
    from .._models import Request, Response

SyncHandler = Callable[["Request"], "Response"]
AsyncHandler = Callable[["Request"], Awaitable["Response"]]

__all__ = ["MockTransport"]


class MockTransport(AsyncBaseTransport, BaseTransport):
    """A transport that calls `handler(request)` for each request.

    Args:
        handler: a callable taking a `Request` and returning a `Response`, or (for
            `AsyncClient` only) a coroutine function returning one. The request body has been
            read before the handler runs, so `request.content` works.

    Raises:
        TypeError: from `handle_request` when the handler is a coroutine function (use it
            with `AsyncClient`).
    """

    def __init__(self, handler: SyncHandler | AsyncHandler) -> None:
        self.handler = handler

    def handle_request(self, request: Request) -> Response:
        """Read the request body, then return `handler(request)`."""
        request.read()
        response = self.handler(request)
        if inspect.isawaitable(response):
            response.close()  # type: ignore[attr-defined]
            raise TypeError("MockTransport with an async handler needs AsyncClient.")
        return response

    async def handle_async_request(self, request: Request) -> Response:
        """Read the request body, then return (or await) `handler(request)`."""
        await request.aread()
        response = self.handler(request)
        if inspect.isawaitable(response):
            response = await response
        return response

"""The transport interface: one method that turns a `Request` into a `Response`.

A transport sends exactly one request: no redirects, no auth, no cookies (the client does
those). The `Response` it returns carries an unread `stream`; whoever reads the response must
close it, which closes the stream and releases the connection.
"""

from __future__ import annotations

from types import TracebackType
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:  # pragma: no cover
    from .._models import Request, Response

__all__ = ["AsyncBaseTransport", "BaseTransport"]

T = TypeVar("T", bound="BaseTransport")
A = TypeVar("A", bound="AsyncBaseTransport")


class BaseTransport:
    """Base class for synchronous transports (`HTTPTransport`, `MockTransport`, ...)."""

    def __enter__(self: T) -> T:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None = None,
        exc_value: BaseException | None = None,
        traceback: TracebackType | None = None,
    ) -> None:
        self.close()

    def handle_request(self, request: Request) -> Response:
        """Send one request and return the response with its body unread.

        Args:
            request: the `Request` to send; its `stream` is iterated once.

        Returns:
            A `Response` whose `stream` is a `SyncByteStream`; the caller must close it.

        Raises:
            TransportError: any of its subclasses, for network, timeout and protocol failures.
        """
        raise NotImplementedError("The 'handle_request' method must be implemented.")

    def close(self) -> None:
        """Release every connection the transport holds. Safe to call more than once."""


class AsyncBaseTransport:
    """Base class for asynchronous transports (`AsyncHTTPTransport`, `MockTransport`, ...)."""

    async def __aenter__(self: A) -> A:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None = None,
        exc_value: BaseException | None = None,
        traceback: TracebackType | None = None,
    ) -> None:
        await self.aclose()

    async def handle_async_request(self, request: Request) -> Response:
        """Send one request and return the response with its body unread.

        Args:
            request: the `Request` to send; its `stream` is iterated once.

        Returns:
            A `Response` whose `stream` is an `AsyncByteStream`; the caller must close it.

        Raises:
            TransportError: any of its subclasses, for network, timeout and protocol failures.
        """
        raise NotImplementedError("The 'handle_async_request' method must be implemented.")

    async def aclose(self) -> None:
        """Release every connection the transport holds. Safe to call more than once."""

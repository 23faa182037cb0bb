"""Type aliases for accepted inputs (`*Types`) and the byte-stream base classes."""

from __future__ import annotations

from collections.abc import AsyncIterable, AsyncIterator, Iterable, Iterator, Mapping, Sequence
from typing import IO, TYPE_CHECKING, Any, Union

if TYPE_CHECKING:  # pragma: no cover
    import ssl

    from ._auth import Auth
    from ._config import Proxy, Timeout
    from ._models import Cookies, Headers
    from ._urls import URL, QueryParams

PrimitiveData = Union[str, int, float, bool, None]

URLTypes = Union["URL", str]
QueryParamTypes = Union[
    "QueryParams",
    Mapping[str, Union[PrimitiveData, Sequence[PrimitiveData]]],
    list[tuple[str, PrimitiveData]],
    tuple[tuple[str, PrimitiveData], ...],
    str,
    bytes,
]
HeaderTypes = Union[
    "Headers",
    Mapping[str, str],
    Mapping[bytes, bytes],
    Sequence[tuple[str, str]],
    Sequence[tuple[bytes, bytes]],
]
CookieTypes = Union["Cookies", Any, dict[str, str], list[tuple[str, str]]]
TimeoutTypes = Union[
    float,
    None,
    tuple[Union[float, None], Union[float, None], Union[float, None], Union[float, None]],
    "Timeout",
]
ProxyTypes = Union["URL", str, "Proxy"]
CertTypes = Union[str, tuple[str, str], tuple[str, str, str]]
VerifyTypes = Union["ssl.SSLContext", str, bool]
AuthTypes = Union[
    tuple[Union[str, bytes], Union[str, bytes]],
    "Auth",
    Any,  # a callable (Request) -> Request, wrapped in FunctionAuth
]
RequestContent = Union[str, bytes, Iterable[bytes], AsyncIterable[bytes]]
ResponseContent = Union[str, bytes, Iterable[bytes], AsyncIterable[bytes]]
RequestData = Mapping[str, Any]
FileContent = Union[IO[bytes], bytes, str]
FileTypes = Union[
    FileContent,
    tuple[Union[str, None], FileContent],
    tuple[Union[str, None], FileContent, Union[str, None]],
    tuple[Union[str, None], FileContent, Union[str, None], Mapping[str, str]],
]
RequestFiles = Union[Mapping[str, FileTypes], Sequence[tuple[str, FileTypes]]]
RequestExtensions = Mapping[str, Any]
ResponseExtensions = Mapping[str, Any]
EventHook = Any  # Callable[[Request | Response], Any]; kept loose for user callables

__all__ = ["AsyncByteStream", "SyncByteStream"]


class SyncByteStream:
    """A synchronous stream of body bytes: iterate for `bytes` chunks, then `close()`.

    Subclasses implement `__iter__`; `close()` releases resources (a connection) and is
    idempotent. Whoever iterates the stream must close it.
    """

    def __iter__(self) -> Iterator[bytes]:
        raise NotImplementedError("The '__iter__' method must be implemented.")  # pragma: no cover
        yield b""  # pragma: no cover

    def close(self) -> None:
        """Release the stream's resources. Safe to call more than once."""


class AsyncByteStream:
    """An asynchronous stream of body bytes: `async for` over `bytes` chunks, then `aclose()`.

    Subclasses implement `__aiter__`; `aclose()` releases resources and is idempotent.
    """

    async def __aiter__(self) -> AsyncIterator[bytes]:
        raise NotImplementedError("The '__aiter__' method must be implemented.")  # pragma: no cover
        yield b""  # pragma: no cover

    async def aclose(self) -> None:
        """Release the stream's resources. Safe to call more than once."""


"""`RateLimit`: at most N requests in flight and R requests per second, per client or per host.

    client = wire.AsyncClient(rate_limit=wire.RateLimit(max_concurrency=10, requests_per_second=50))

Every request the client puts on the wire (each redirect hop and each retry counts) first takes
a concurrency slot, then a token; the slot is held until the response is closed (for
`stream=True`, until the caller closes it), the token is spent.

Strategy:
- Tokens: a token bucket kept as one "theoretical arrival time" (the generic cell rate
  algorithm). A caller *reserves* the next token under a `threading.Lock` (never held across
  a wait), learns how long to wait, then waits outside the lock; so one bucket serves
  threads and tasks alike, and a wait cannot block other callers' bookkeeping.
- Slots: a `threading.BoundedSemaphore` for `Client`; for `AsyncClient` an asyncio or trio
  semaphore, whichever library runs the first request (a client stays with one library).
- The client enters `limiter.slot(url)` with `async with` (the generated sync client: `with`);
  the slot object implements both protocols, so sync and async share this module.
"""

from __future__ import annotations

import threading
import time
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from types import TracebackType
from typing import TYPE_CHECKING, Any

from ._retry import async_sleep
from ._types import AsyncByteStream, SyncByteStream
from ._utils import current_async_library

if TYPE_CHECKING:  # pragma: no cover
    from ._models import Response
    from ._urls import URL

__all__ = ["RateLimit", "RateLimiter", "RateSlot"]


@dataclass(frozen=True)
class RateLimit:
    """Limits on how fast a client sends, for `Client(rate_limit=...)` / `AsyncClient(...)`.

    Args:
        max_concurrency: int >= 1, the most requests in flight at once (from sending the
            request until its response is closed); None for no limit (default).
        requests_per_second: float > 0, the steady rate at which requests may start; None for
            no limit (default).
        burst: int >= 1, how many requests may start back to back after an idle spell before
            the rate applies (the bucket's size; default 1: evenly spaced).
        per_host: bool; True keeps separate limits for each scheme, host and port, False
            (default) one set for the whole client.

    Raises:
        ValueError: for a count below 1 or a rate that is not positive.
    """

    max_concurrency: int | None = None
    requests_per_second: float | None = None
    burst: int = 1
    per_host: bool = False

    def __post_init__(self) -> None:
        if self.max_concurrency is not None and (
            not isinstance(self.max_concurrency, int) or self.max_concurrency < 1
        ):
            raise ValueError(
                f"RateLimit(max_concurrency=...) must be an int >= 1 or None, "
                f"not {self.max_concurrency!r}"
            )
        rate = self.requests_per_second
        if rate is not None and (not isinstance(rate, int | float) or not rate > 0):
            raise ValueError(
                f"RateLimit(requests_per_second=...) must be > 0 or None, not {rate!r}"
            )
        if not isinstance(self.burst, int) or self.burst < 1:
            raise ValueError(f"RateLimit(burst=...) must be an int >= 1, not {self.burst!r}")


class _Bucket:
    """A token bucket as a theoretical arrival time (GCRA); thread-safe, never waits itself."""

    def __init__(self, rate: float, burst: int, clock: Callable[[], float]) -> None:
        self._interval = 1.0 / rate
        self._tolerance = (burst - 1) * self._interval
        self._clock = clock
        self._lock = threading.Lock()
        self._tat = 0.0  # when the bucket is next empty of debt

    def reserve(self) -> float:
        """Take the next token; return the float seconds to wait before using it."""
        with self._lock:
            now = self._clock()
            tat = max(self._tat, now)
            wait = max(0.0, tat - self._tolerance - now)
            self._tat = tat + self._interval
            return wait


class _Gate:
    """The limits of one key (the client, or one host): a semaphore and a bucket."""

    def __init__(self, config: RateLimit, clock: Callable[[], float]) -> None:
        self.limit = config.max_concurrency
        self.bucket = (
            None
            if config.requests_per_second is None
            else _Bucket(config.requests_per_second, config.burst, clock)
        )
        self.sync_semaphore = (
            None if self.limit is None else threading.BoundedSemaphore(self.limit)
        )
        self._async_semaphore: Any = None

    def async_semaphore(self) -> Any:
        """The asyncio or trio semaphore, made on first use under the running library."""
        if self._async_semaphore is None:
            assert self.limit is not None
            if current_async_library() == "trio":
                import trio

                self._async_semaphore = trio.Semaphore(self.limit)
            else:
                import asyncio

                self._async_semaphore = asyncio.Semaphore(self.limit)
        return self._async_semaphore


class _SyncReleasingStream(SyncByteStream):
    def __init__(self, stream: SyncByteStream, release: Callable[[], None]) -> None:
        self._stream = stream
        self._release = release

    def __iter__(self) -> Iterator[bytes]:
        return self._stream.__iter__()

    def close(self) -> None:
        try:
            self._stream.close()
        finally:
            self._release()


class _AsyncReleasingStream(AsyncByteStream):
    def __init__(self, stream: AsyncByteStream, release: Callable[[], None]) -> None:
        self._stream = stream
        self._release = release

    def __aiter__(self) -> AsyncIterator[bytes]:
        return self._stream.__aiter__()

    async def aclose(self) -> None:
        try:
            await self._stream.aclose()
        finally:
            self._release()


class RateSlot:
    """One request's place under the limits: enter it (with or without `async`) to wait.

    On leaving the block the slot is released, unless `hold_until_closed(response)` handed it
    to the response, which then releases it when closed. An error always releases it.
    """

    def __init__(self, gate: _Gate | None) -> None:
        self._gate = gate
        self._acquired: str | None = None  # "sync" / "async" while a semaphore is held
        self._held = False

    def _release(self) -> None:
        gate, kind = self._gate, self._acquired
        self._acquired = None
        if gate is None or kind is None:
            return
        if kind == "sync":
            assert gate.sync_semaphore is not None
            gate.sync_semaphore.release()
        else:
            gate.async_semaphore().release()

    def hold_until_closed(self, response: Response) -> None:
        """Keep the slot until `response` is closed (its stream is wrapped to release it)."""
        if self._acquired is None:
            return
        self._held = True
        stream = response.stream
        if isinstance(stream, AsyncByteStream) and not isinstance(stream, SyncByteStream):
            response.stream = _AsyncReleasingStream(stream, self._release)
        elif isinstance(stream, SyncByteStream):
            response.stream = _SyncReleasingStream(stream, self._release)

    def __enter__(self) -> RateSlot:
        gate = self._gate
        if gate is None:
            return self
        if gate.sync_semaphore is not None:
            gate.sync_semaphore.acquire()
            self._acquired = "sync"
        try:
            wait = 0.0 if gate.bucket is None else gate.bucket.reserve()
            if wait > 0:
                time.sleep(wait)
        except BaseException:
            self._release()
            raise
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc_value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if exc_value is not None or not self._held:
            self._release()

    async def __aenter__(self) -> RateSlot:
        gate = self._gate
        if gate is None:
            return self
        if gate.limit is not None:
            await gate.async_semaphore().acquire()
            self._acquired = "async"
        try:
            wait = 0.0 if gate.bucket is None else gate.bucket.reserve()
            if wait > 0:
                await async_sleep(wait)
        except BaseException:
            self._release()
            raise
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc_value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.__exit__(exc_type, exc_value, traceback)


class RateLimiter:
    """A client's rate-limit state: one gate, or one per host with `per_host`.

    Args:
        config: the `RateLimit`, or None for no limits (slots are then free and instant).
        clock: monotonic clock in float seconds (default `time.monotonic`).
    """

    def __init__(
        self, config: RateLimit | None, *, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.config = config
        self._clock = clock
        self._lock = threading.Lock()
        self._gates: dict[tuple[str, str, int | None], _Gate] = {}
        self._shared = (
            None if config is None or config.per_host else _Gate(config, clock)
        )

    def _gate_for(self, url: URL) -> _Gate | None:
        if self.config is None:
            return None
        if self._shared is not None:
            return self._shared
        key = (url.scheme, url.host, url.port)
        with self._lock:
            gate = self._gates.get(key)
            if gate is None:
                gate = self._gates[key] = _Gate(self.config, self._clock)
            return gate

    def slot(self, url: URL) -> RateSlot:
        """A `RateSlot` for a request to `url` (a `URL`); enter it to wait for the limits."""
        return RateSlot(self._gate_for(url))

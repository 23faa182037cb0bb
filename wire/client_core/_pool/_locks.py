"""Locks and events of the generated connection code, in twins: `AsyncX` (source) and `X`.

`scripts/unasync.py` renames each `AsyncX` to `X`, so the async source of the pool and the
connections (`_async/`) names the async twin and the generated sync code gets the other one.

- `AsyncLock` / `Lock`: the HTTP/2 connection's locks. httpcore's `AsyncLock` goes through
  anyio under asyncio, whose `acquire()` always yields to the event loop once (a checkpoint),
  even when the lock is free. The HTTP/2 connection takes its read lock once per network read,
  so on a download that is one extra trip through the event loop per 64 KiB. `asyncio.Lock`
  returns at once when the lock is free; under trio, `trio.Lock` is used, as trio wants every
  acquire to be a checkpoint.
- `AsyncStateLock` / `StateLock`: held around state changes that never wait (the pool's
  `PoolState` calls, an HTTP/1.1 connection's state). Tasks of one event loop switch only at
  an `await`, so none can interleave there and the async twin is no lock at all; threads can
  switch anywhere, so the sync twin is a `threading.Lock`.
- `AsyncTimedEvent` / `TimedEvent`: what a request waiting for a connection waits on;
  `wait(timeout)` returns False when the timeout passes, as `threading.Event.wait` does.
"""

from __future__ import annotations

import threading
from typing import Any

import httpcore
from httpcore._synchronization import AsyncEvent

from .._utils import current_async_library

__all__ = ["AsyncLock", "AsyncStateLock", "AsyncTimedEvent", "Lock", "StateLock", "TimedEvent"]


class AsyncLock:
    """A lock for one event loop's tasks: asyncio's under asyncio, trio's under trio (chosen at
    the first `async with`)."""

    __slots__ = ("_lock",)

    def __init__(self) -> None:
        self._lock: Any = None

    async def __aenter__(self) -> None:
        lock = self._lock
        if lock is None:
            if current_async_library() == "trio":
                import trio

                lock = trio.Lock()
            else:
                import asyncio  # here: a sync client must not pay for importing asyncio

                lock = asyncio.Lock()
            self._lock = lock
        await lock.acquire()

    async def __aexit__(self, *args: object) -> None:
        self._lock.release()


#: The sync twin of `AsyncLock`: a plain `threading.Lock` (its `with` costs no Python call).
Lock = threading.Lock


class AsyncStateLock:
    """No lock: what async code holds where sync code holds a `StateLock` (see the module
    docstring). Both `with` and `async with` work; httpcore's HTTP/1.1 code uses the latter."""

    __slots__ = ()

    def __enter__(self) -> None:
        return None

    def __exit__(self, *args: object) -> None:
        return None

    async def __aenter__(self) -> None:
        return None

    async def __aexit__(self, *args: object) -> None:
        return None


#: The sync twin of `AsyncStateLock`: a plain `threading.Lock` (its `with` costs no Python call).
StateLock = threading.Lock


class AsyncTimedEvent:
    """An event for one event loop's tasks (httpcore's `AsyncEvent`: anyio's under asyncio,
    trio's under trio) whose `wait` reports a timeout instead of raising."""

    __slots__ = ("_event",)

    def __init__(self) -> None:
        self._event = AsyncEvent()

    def set(self) -> None:
        """Wake every task waiting, now and later."""
        self._event.set()

    async def wait(self, timeout: float | None = None) -> bool:
        """Wait until `set()` has been called.

        Args:
            timeout: float seconds to wait at most; None waits without limit.

        Returns:
            True once the event is set, False when the timeout passed first.
        """
        try:
            await self._event.wait(timeout)
        except httpcore.PoolTimeout:
            return False
        return True


#: The sync twin of `AsyncTimedEvent`.
TimedEvent = threading.Event

"""The locks of the HTTP/2 connection: `AsyncLock` (asyncio's or trio's own) and `Lock`.

httpcore's `AsyncLock` goes through anyio under asyncio, whose `acquire()` always yields to
the event loop once (a checkpoint), even when the lock is free. The HTTP/2 connection takes
its read lock once per network read, so on a download that is one extra trip through the
event loop per 64 KiB. `asyncio.Lock` returns at once when the lock is free; under trio,
`trio.Lock` is used, as trio wants every acquire to be a checkpoint.
"""

from __future__ import annotations

import asyncio
import threading
from typing import Any

from .._utils import current_async_library

__all__ = ["AsyncLock", "Lock"]


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
                lock = asyncio.Lock()
            self._lock = lock
        await lock.acquire()

    async def __aexit__(self, *args: object) -> None:
        self._lock.release()


class Lock:
    """The sync twin of `AsyncLock`: a `threading.Lock` as a context manager."""

    __slots__ = ("_lock",)

    def __init__(self) -> None:
        self._lock = threading.Lock()

    def __enter__(self) -> None:
        self._lock.acquire()

    def __exit__(self, *args: object) -> None:
        self._lock.release()

"""The pool's module layout: generated sync twins, lazy re-exports, and the twin helpers.

The pools and HTTP/1.1 connections live in `_async/` (source) and `_sync/` (generated);
`_pool/` holds what they share. These tests pin what that layout promises: each module
imports on its own (no import cycle through `_pool/__init__`), the classes the transport uses
are the generated ones, and the async/sync twins behave alike.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
import threading
import time

import pytest
import trio

from wire.client_core import _pool
from wire.client_core._async.http11 import AsyncHTTP11
from wire.client_core._async.pool import AsyncConnectionPool
from wire.client_core._pool._locks import AsyncStateLock, AsyncTimedEvent, StateLock, TimedEvent
from wire.client_core._sync.http11 import HTTP11
from wire.client_core._sync.pool import ConnectionPool


@pytest.mark.parametrize(
    "module",
    [
        "wire.client_core._async.pool",
        "wire.client_core._sync.pool",
        "wire.client_core._async.http11",
        "wire.client_core._sync.http11",
        "wire.client_core._pool",
    ],
)
def test_each_module_imports_first_in_a_fresh_interpreter(module: str) -> None:
    done = subprocess.run(
        [sys.executable, "-c", f"import {module}"], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr


def test_the_pool_package_re_exports_the_generated_pools() -> None:
    assert _pool.AsyncConnectionPool is AsyncConnectionPool
    assert _pool.ConnectionPool is ConnectionPool
    with pytest.raises(AttributeError, match="no attribute 'Nope'"):
        _pool.Nope  # noqa: B018


def test_the_connections_keep_httpcore_base_classes() -> None:
    import httpcore

    assert issubclass(AsyncHTTP11, httpcore.AsyncHTTP11Connection)
    assert issubclass(HTTP11, httpcore.HTTP11Connection)


def test_neither_pool_accepts_no_protocol() -> None:
    for pool_class in (AsyncConnectionPool, ConnectionPool):
        with pytest.raises(ValueError, match="http1 or http2"):
            pool_class(http1=False, http2=False)


async def _async_state_lock_round_trip() -> str:
    lock = AsyncStateLock()
    with lock:
        pass
    async with lock:
        return "held"


def test_state_lock_twins() -> None:
    assert asyncio.run(_async_state_lock_round_trip()) == "held"
    lock = StateLock()
    with lock:
        assert lock.locked()
    assert not lock.locked()


@pytest.mark.parametrize("backend", ["asyncio", "trio"])
def test_async_timed_event_reports_set_and_timeout(backend: str) -> None:
    async def main() -> tuple[bool, bool]:
        unset, ready = AsyncTimedEvent(), AsyncTimedEvent()
        ready.set()
        return await unset.wait(0.01), await ready.wait(None)

    result = asyncio.run(main()) if backend == "asyncio" else trio.run(main)
    assert result == (False, True)


def test_timed_event_is_thread_event_alike() -> None:
    event = TimedEvent()
    started = time.monotonic()
    assert event.wait(0.01) is False
    assert time.monotonic() - started >= 0.01
    threading.Timer(0.01, event.set).start()
    assert event.wait(5) is True

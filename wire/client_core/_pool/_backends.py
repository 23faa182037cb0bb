"""The pools' default network backends, in twins: `AsyncBackend` (source) and `SyncBackend`.

`scripts/unasync.py` renames `AsyncBackend` to `SyncBackend`, so the generated sync pool
(`_sync/pool.py`) defaults to `_sync_net.SyncBackend` where the async pool defaults to
`AsyncBackend`, which picks its backend for the event loop it runs under.
"""

from __future__ import annotations

from collections.abc import Iterable

import httpcore

from ._sync_net import SyncBackend

__all__ = ["AsyncBackend", "SyncBackend"]


class AsyncBackend(httpcore.AsyncNetworkBackend):
    """wire's asyncio backend (`_asyncio_net`) under asyncio, httpcore's otherwise (trio).

    The choice is made at the first call, inside the event loop: a pool is often built
    before any loop runs (an `AsyncClient` created at import time), so it cannot be made in
    `__init__`. Every method forwards to the chosen backend.
    """

    def __init__(self) -> None:
        self._backend: httpcore.AsyncNetworkBackend | None = None

    def _chosen(self) -> httpcore.AsyncNetworkBackend:
        backend = self._backend
        if backend is None:
            import asyncio  # here: a sync client must not pay for importing asyncio

            try:
                asyncio.get_running_loop()
            except RuntimeError:
                from httpcore._backends.auto import AutoBackend

                backend = AutoBackend()
            else:
                from ._asyncio_net import AsyncioBackend

                backend = AsyncioBackend()
            self._backend = backend
        return backend

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        """A TCP connection to `host`:`port` (see `httpcore.AsyncNetworkBackend`).

        Raises:
            httpcore.ConnectError / ConnectTimeout: when the connection fails or times out.
        """
        return await self._chosen().connect_tcp(
            host, port, timeout=timeout, local_address=local_address,
            socket_options=socket_options,
        )

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        """A connection to the Unix domain socket at `path`.

        Raises:
            httpcore.ConnectError / ConnectTimeout: when the connection fails or times out.
        """
        return await self._chosen().connect_unix_socket(
            path, timeout=timeout, socket_options=socket_options
        )

    async def sleep(self, seconds: float) -> None:
        """Sleep `seconds` (float) in the event loop (the pause between connect retries)."""
        await self._chosen().sleep(seconds)

"""wire's connection pools over httpcore's connection classes (see `_state.py` for the design).

The pools and the HTTP/1.1 and HTTP/2 connections are in `_async/` (the source) and
`_sync/` (generated from it by `scripts/unasync.py`); this package holds what both share.
`AsyncConnectionPool` and `ConnectionPool` are re-exported here on first access (PEP 562):
they import this package's modules, so importing them eagerly here would be circular.

Imported by `_transports/default.py` only, after httpcore has been loaded.
"""

from __future__ import annotations

import typing

if typing.TYPE_CHECKING:
    from .._async.pool import AsyncConnectionPool
    from .._sync.pool import ConnectionPool

__all__ = ["AsyncConnectionPool", "ConnectionPool"]


def __getattr__(name: str) -> typing.Any:
    if name == "AsyncConnectionPool":
        from .._async.pool import AsyncConnectionPool

        return AsyncConnectionPool
    if name == "ConnectionPool":
        from .._sync.pool import ConnectionPool

        return ConnectionPool
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

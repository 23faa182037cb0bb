"""wire's connection pools over httpcore's connection classes (see `_state.py` for the design).

Imported by `_transports/default.py` only, after httpcore has been loaded.
"""

from __future__ import annotations

from ._pools import AsyncConnectionPool, ConnectionPool

__all__ = ["AsyncConnectionPool", "ConnectionPool"]

"""The connection pool's bookkeeping, with no I/O: which connection serves which request.

Strategy (O(1) assignment): httpcore's pool re-examines every connection for every queued
request whenever anything changes, and asks the operating system whether each idle socket is
readable while doing so; at 100 concurrent requests that work dominates. Here:

- idle HTTP/1.1 connections sit in one stack per origin (`idle`), so a request takes the most
  recently used connection of its origin in O(1) (the warmest, and the least likely to have
  been dropped by the server). Only that one connection is checked for expiry;
- HTTP/2 connections, which serve many requests at once, are listed per origin (`shared`);
- a request that finds neither a connection nor a free slot (`max_connections`) queues in one
  FIFO (`waiters`), also indexed per origin. A released connection goes straight to the oldest
  waiter for its origin; failing that, it is closed and its slot goes to the oldest waiter of
  any origin. A released slot goes to the oldest waiter. Nobody polls;
- cancelled waiters are marked and skipped when met (lazy deletion), so cancelling costs O(1).

Every method runs without awaiting, so the async pool needs no lock (a coroutine cannot be
interrupted between two awaits) and the sync pool holds a `threading.Lock` around each call.
Methods that decide to close connections return them; the caller closes them (the I/O).
"""

from __future__ import annotations

import sys
from collections import deque
from collections.abc import Callable
from typing import Any

__all__ = ["NEW_CONNECTION", "Key", "PoolState", "Waiter"]

#: A pool key: (scheme, host, port), as bytes, bytes, int.
Key = tuple[bytes, bytes, int]


class _NewConnection:
    """The grant "open a new connection": a slot under `max_connections` is reserved."""

    def __repr__(self) -> str:
        return "NEW_CONNECTION"


NEW_CONNECTION = _NewConnection()


class Waiter:
    """A request waiting for a connection or a slot.

    Args:
        key: the origin the request is for.
        wake: called (without I/O) once `grant` is set; it wakes the waiting task or thread.
    """

    __slots__ = ("key", "wake", "grant", "abandoned")

    def __init__(self, key: Key, wake: Callable[[], None]) -> None:
        self.key = key
        self.wake = wake
        #: Set by the pool: a connection to use, or NEW_CONNECTION (a reserved slot).
        self.grant: Any = None
        #: Set when the request gave up (timeout, cancellation) before it was served.
        self.abandoned = False

    @property
    def is_pending(self) -> bool:
        """True while the waiter wants a grant and has none."""
        return self.grant is None and not self.abandoned


class PoolState:
    """Connections by state, for one pool. Connections are httpcore connection objects.

    Args:
        max_connections: int, the most connections open or opening at once; None: no limit.
        max_keepalive_connections: int, the most idle connections kept; None: no limit.
    """

    def __init__(self, max_connections: int | None, max_keepalive_connections: int | None) -> None:
        self.max_connections = sys.maxsize if max_connections is None else max_connections
        self.max_keepalive = (
            sys.maxsize if max_keepalive_connections is None else max_keepalive_connections
        )
        #: Connections open or being opened, counted against max_connections.
        self.total = 0
        #: Idle HTTP/1.1 connections per origin; the last one is the most recently used.
        self.idle: dict[Key, list[Any]] = {}
        #: Every idle connection, oldest first, for eviction across origins.
        self.idle_order: dict[Any, Key] = {}
        #: HTTP/2 connections per origin (each serves several requests at once).
        self.shared: dict[Key, list[Any]] = {}
        #: Every open connection (idle, busy or shared), so that close() reaches them all.
        self.connections: set[Any] = set()
        self.waiters: deque[Waiter] = deque()
        self.waiters_by_key: dict[Key, deque[Waiter]] = {}

    # -- taking -------------------------------------------------------------------------------

    def acquire(self, key: Key, to_close: list[Any]) -> Any:
        """A connection for `key`, NEW_CONNECTION (a slot reserved), or None (wait).

        Expired connections met on the way are appended to `to_close` (slots released).
        """
        shared = self.shared.get(key)
        if shared:
            for connection in list(shared):
                if connection.is_closed() or connection.has_expired():
                    self._forget_shared(key, connection, to_close)
                elif connection.is_available():
                    return connection
        stack = self.idle.get(key)
        while stack:
            connection = stack.pop()
            del self.idle_order[connection]
            if connection.has_expired():  # checks this one socket only
                self.connections.discard(connection)
                to_close.append(connection)
                self.total -= 1
                continue
            return connection
        if self.total < self.max_connections:
            self.total += 1
            return NEW_CONNECTION
        if self.idle_order:
            # Full, but an idle connection to another origin can make room: close the oldest.
            oldest = next(iter(self.idle_order))
            self._drop_idle(oldest, to_close)
            return NEW_CONNECTION  # the evicted connection's slot is reused, total unchanged
        return None

    def add_waiter(self, waiter: Waiter) -> None:
        """Queue `waiter` (FIFO) until `release` or `release_slot` grants it something."""
        self.waiters.append(waiter)
        self.waiters_by_key.setdefault(waiter.key, deque()).append(waiter)

    def abandon(self, waiter: Waiter, to_close: list[Any]) -> None:
        """The waiting request gave up: hand back whatever it was granted meanwhile."""
        waiter.abandoned = True
        grant, waiter.grant = waiter.grant, None
        if grant is NEW_CONNECTION:
            self.release_slot(to_close)
        elif grant is not None:
            self.release(waiter.key, grant, to_close)

    # -- giving back --------------------------------------------------------------------------

    def add_connection(self, key: Key, connection: Any, *, is_shared: bool) -> None:
        """Register a freshly opened connection (its slot was reserved by `acquire`)."""
        self.connections.add(connection)
        if is_shared:
            self.shared.setdefault(key, []).append(connection)

    def release(self, key: Key, connection: Any, to_close: list[Any]) -> None:
        """A request finished with `connection` (response closed, or failed)."""
        if connection in self.shared.get(key, ()):
            if connection.is_closed() or (connection.is_idle() and connection.has_expired()):
                self._forget_shared(key, connection, to_close)
            elif connection.is_available():
                waiter = self._next_waiter(key)
                if waiter is not None:
                    self._grant(waiter, connection)
            return
        if connection not in self.connections:
            return  # closed by close() meanwhile
        if connection.is_closed() or not connection.is_idle():
            self.connections.discard(connection)
            if not connection.is_closed():
                to_close.append(connection)
            self.release_slot(to_close)
            return
        waiter = self._next_waiter(key)
        if waiter is not None:
            self._grant(waiter, connection)
        elif self._next_waiter(None) is not None:
            # Someone waits for another origin: this connection's slot serves them better.
            self.connections.discard(connection)
            to_close.append(connection)
            self.release_slot(to_close)
        elif len(self.idle_order) >= self.max_keepalive:
            self.connections.discard(connection)
            to_close.append(connection)
            self.total -= 1
        else:
            self.idle.setdefault(key, []).append(connection)
            self.idle_order[connection] = key

    def release_slot(self, to_close: list[Any]) -> None:
        """A slot is free (a connection closed, or a connect failed): the oldest waiter gets it."""
        waiter = self._next_waiter(None)
        if waiter is None:
            self.total -= 1
        else:
            self._grant(waiter, NEW_CONNECTION)

    def close_all(self) -> list[Any]:
        """Forget every connection (the pool is closing); returns them all, to be closed."""
        everything = list(self.connections)
        self.connections.clear()
        self.idle.clear()
        self.idle_order.clear()
        self.shared.clear()
        self.total = 0
        return everything

    # -- helpers ------------------------------------------------------------------------------

    def _next_waiter(self, key: Key | None) -> Waiter | None:
        """The oldest pending waiter (for `key`, or for any origin when None), pruning others."""
        queue = self.waiters if key is None else self.waiters_by_key.get(key)
        while queue:
            if queue[0].is_pending:
                return queue[0]
            queue.popleft()
        return None

    def _grant(self, waiter: Waiter, grant: Any) -> None:
        waiter.grant = grant
        waiter.wake()

    def _drop_idle(self, connection: Any, to_close: list[Any]) -> None:
        key = self.idle_order.pop(connection)
        self.idle[key].remove(connection)
        self.connections.discard(connection)
        to_close.append(connection)

    def _forget_shared(self, key: Key, connection: Any, to_close: list[Any]) -> None:
        self.shared[key].remove(connection)
        if connection in self.connections:
            self.connections.discard(connection)
            to_close.append(connection)
            self.release_slot(to_close)

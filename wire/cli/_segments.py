"""``--segments N``: fetch byte ranges of one file over parallel connections into one file.

Strategy:

- `plan_segments` cuts ``[0, total)`` into at most N contiguous ranges of at least
  `MIN_SEGMENT_BYTES` each, so a small file is never split into many tiny requests.
- The caller preallocates the ``.part`` file at its full size and asks for every range with
  ``Range`` + ``If-Range`` (see ``_resume``); only when every answer is a 206 for exactly the
  range asked for does `fetch_segments` run. One thread per range writes its bytes at the
  range's offset, through its own unbuffered file handle.
- A range's progress (`Segment.done`) is counted only after its bytes were handed to the
  operating system, so the state saved beside the part file (every `SAVE_INTERVAL` seconds
  and on every exit) never claims a byte that is not in the file. ``--continue`` then asks
  for the rest of each range.
- The first range may be read from the plain 200 response that started the download: its
  reader stops at the range's end and the caller closes the response.
- The first failure stops every range (after its current chunk), and is raised once all
  threads are done; Ctrl-C does the same and re-raises KeyboardInterrupt.

Threads suit the synchronous client: each range has its own connection from the pool over
HTTP/1.1, or its own stream on one connection over HTTP/2, and the socket reads and file
writes release the GIL.
"""

from __future__ import annotations

import errno
import os
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from ._diskio import write_all
from ._resume import PartState, Segment

__all__ = [
    "MAX_SEGMENTS",
    "MIN_SEGMENT_BYTES",
    "SAVE_INTERVAL",
    "RangeStream",
    "SegmentError",
    "fetch_segments",
    "plan_segments",
    "preallocate",
]

#: The most ranges one download may be cut into (``--segments`` is capped to this).
MAX_SEGMENTS = 16
#: The smallest range worth its own connection, in bytes (1 MiB).
MIN_SEGMENT_BYTES = 1 << 20
#: Seconds between two saves of the state file while ranges download.
SAVE_INTERVAL = 1.0
# Bound on the joins after a stop: a thread blocked in a read may take until its read
# timeout to notice; the state saved meanwhile only under-counts, which is safe.
_JOIN_AFTER_STOP = 5.0
# posix_fallocate errors meaning "not on this file system", not "no space".
_FALLOCATE_UNSUPPORTED = frozenset({errno.EOPNOTSUPP, errno.ENOSYS, errno.EINVAL})


class RangeStream(Protocol):
    """The part of a streaming response a range thread reads."""

    def iter_raw(self) -> Iterator[bytes]:
        """Yield the body as sent, in chunks as they arrive."""
        ...

    def close(self) -> None:
        """Stop the transfer (closing twice is harmless)."""
        ...


class SegmentError(Exception):
    """A range's body was not the size its request asked for (RFC 9110 §14.4).

    Attributes:
        segment: The `Segment` as it stood when the body ended.
    """

    def __init__(self, segment: Segment, message: str) -> None:
        self.segment = segment
        super().__init__(message)


def plan_segments(
    total: int, count: int, *, min_size: int = MIN_SEGMENT_BYTES
) -> tuple[Segment, ...]:
    """Cut ``[0, total)`` into contiguous ranges of near-equal size.

        >>> plan_segments(10 << 20, 4)[1]
        Segment(start=2621440, end=5242879, done=0)

    Args:
        total: The file size in bytes (int, >= 1).
        count: Ranges wanted (int, >= 1); fewer are made when each would be under
            ``min_size``, and never more than `MAX_SEGMENTS`.
        min_size: The smallest range, in bytes; default `MIN_SEGMENT_BYTES`.

    Returns:
        1 to ``count`` `Segment` values covering every byte once, in order.

    Raises:
        ValueError: ``total`` or ``count`` is below 1.
    """
    if total < 1 or count < 1:
        raise ValueError(f"cannot cut {total} bytes into {count} ranges")
    count = max(1, min(count, MAX_SEGMENTS, total // max(min_size, 1)))
    size, extra = divmod(total, count)
    segments: list[Segment] = []
    start = 0
    for index in range(count):  # the first `extra` ranges take one byte more
        length = size + (1 if index < extra else 0)
        segments.append(Segment(start, start + length - 1))
        start += length
    return tuple(segments)


def preallocate(file_descriptor: int, size: int) -> None:
    """Give an open file its final ``size`` in bytes, reserving the disk space when possible.

    ``posix_fallocate`` makes a full disk fail now rather than halfway through; where it
    is missing or unsupported (Windows, some file systems) the file is only extended.

    Raises:
        OSError: The space cannot be reserved (e.g. ENOSPC).
    """
    fallocate = getattr(os, "posix_fallocate", None)
    if fallocate is not None:
        try:
            fallocate(file_descriptor, 0, size)
            return
        except OSError as exc:
            if exc.errno not in _FALLOCATE_UNSUPPORTED:
                raise
    os.ftruncate(file_descriptor, size)




@dataclass
class _Shared:
    """What the range threads share: progress counters, the stop flag, the first error."""

    done: list[int]
    stop: threading.Event
    advance: Callable[[int], None]
    lock: threading.Lock
    error: BaseException | None = None

    def fail(self, error: BaseException) -> None:
        with self.lock:
            if self.error is None:
                self.error = error
        self.stop.set()


def _pump(part: Path, index: int, segment: Segment, stream: RangeStream, shared: _Shared) -> None:
    """Copy one range's body to its offset; count bytes only once they are written."""
    remaining = segment.end - segment.next_offset + 1
    try:
        with open(part, "r+b", buffering=0) as file:
            file.seek(segment.next_offset)
            fd = file.fileno()
            for chunk in stream.iter_raw():
                if shared.stop.is_set():
                    return
                overlong = len(chunk) > remaining
                if overlong:
                    # The 200 response read for the first range goes on past it: stop at
                    # the range's end. (A 206 cannot: its Content-Range was checked, and its
                    # Content-Length framing is enforced by the HTTP/1.1 and HTTP/2 parsers.)
                    chunk = chunk[:remaining]
                write_all(fd, chunk)
                remaining -= len(chunk)
                shared.done[index] += len(chunk)
                with shared.lock:
                    shared.advance(len(chunk))
                if remaining == 0:
                    if overlong:
                        # Stop the rest of the file now: over HTTP/2 its unread data would
                        # hold the connection's flow-control window the other ranges share.
                        stream.close()
                    return
        if remaining:
            raise SegmentError(
                Segment(segment.start, segment.end, shared.done[index]),
                f"range {segment.start}-{segment.end} ended {remaining} bytes short",
            )
    except BaseException as exc:  # noqa: B036 - handed to the main thread, which re-raises
        shared.fail(exc)


def fetch_segments(
    part: Path,
    state: PartState,
    streams: Sequence[tuple[int, RangeStream]],
    advance: Callable[[int], None],
    save: Callable[[PartState], None],
) -> PartState:
    """Download every open range in its own thread into ``part``; save progress meanwhile.

    Args:
        part: The ``.part`` file, already at its full size (see `preallocate`).
        state: The saved state; ``state.segments`` lists every range with its progress.
        streams: (index into ``state.segments``, open response) for each range to fetch,
            each response positioned at that segment's `Segment.next_offset`. The caller
            closes them after this returns or raises.
        advance: Progress callback, called with each chunk's size (bytes) under a lock,
            so a single-threaded progress sink may be given.
        save: Called with the current state every `SAVE_INTERVAL` seconds and once at the
            end, whatever the outcome (the ``.part.json`` writer).

    Returns:
        The final state, every segment complete.

    Raises:
        SegmentError: A range's body ended early.
        KeyboardInterrupt: Ctrl-C; the threads were told to stop and the state saved.
        Exception: The first error of any range thread (a transport error, OSError...).
    """
    shared = _Shared(
        done=[segment.done for segment in state.segments],
        stop=threading.Event(),
        advance=advance,
        lock=threading.Lock(),
    )
    threads = [
        threading.Thread(
            target=_pump,
            args=(part, index, state.segments[index], stream, shared),
            name=f"wire-range-{index}",
            daemon=True,  # never keeps the process alive after Ctrl-C
        )
        for index, stream in streams
    ]
    for thread in threads:
        thread.start()

    def current() -> PartState:
        pairs = zip(state.segments, shared.done, strict=True)
        return state.with_segments(tuple(Segment(s.start, s.end, done) for s, done in pairs))

    try:
        _wait(threads, lambda: save(current()))
    except BaseException:
        shared.stop.set()
        for thread in threads:
            thread.join(_JOIN_AFTER_STOP)
        raise
    finally:
        save(current())
    if shared.error is not None:
        raise shared.error
    return current()


def _wait(threads: Sequence[threading.Thread], checkpoint: Callable[[], None]) -> None:
    """Join every thread, calling ``checkpoint`` every `SAVE_INTERVAL` seconds meanwhile."""
    for thread in threads:
        # Each pass waits at most SAVE_INTERVAL; the thread ends when its range does, or
        # after a stop, at its next chunk (or its read timeout).
        while thread.is_alive():
            thread.join(SAVE_INTERVAL)
            checkpoint()

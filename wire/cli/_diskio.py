"""File I/O for downloads: stream chunks to a file fast, rename without clobbering, fsync.

No HTTP here: `copy_to_file` takes any iterator of bytes. See ``_download`` for the contract.
"""

from __future__ import annotations

import contextlib
import errno
import os
import queue
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO

__all__ = ["copy_to_file", "fsync_directory", "rename_no_clobber", "write_all"]


def copy_to_file(chunks: Iterator[bytes], file: BinaryIO, advance: Callable[[int], None]) -> int:
    """Write every chunk to ``file`` as it arrives; return the byte count (the hot loop).

    Strategy: where ``os.writev`` exists, chunks are handed to a writer thread in batches of
    about `_WRITE_BATCH_BYTES`, so copying into the page cache (a write syscall, which
    releases the GIL) overlaps the next socket reads instead of following them; on a fast
    link that is a third of the time. The queue holds at most `_WRITE_QUEUE_BATCHES`
    batches: memory stays bounded (under 1 MiB) when the disk is slower than the network.
    Every chunk received is written before this returns or raises.

    Args:
        chunks: The body (bytes chunks), e.g. ``response.iter_raw()``.
        file: A binary file open for writing (``"xb"``, ``"wb"`` or ``"ab"``), positioned
            where the first chunk goes; it is flushed first and written through its
            descriptor, so its own buffer is bypassed.
        advance: Called with each chunk's size (bytes) as it arrives (progress).

    Returns:
        The number of bytes received and written (int).

    Raises:
        OSError: A write failed (e.g. ENOSPC); the bytes before the failing one are written.
        Exception: Whatever iterating ``chunks`` raised (a transport error), after every
            chunk received before it was written.
    """
    if not hasattr(os, "writev"):  # Windows: plain buffered writes
        write, received = file.write, 0
        for chunk in chunks:
            write(chunk)
            received += len(chunk)
            advance(len(chunk))
        return received
    file.flush()
    writer = _BackgroundWriter(file.fileno())
    batch: list[bytes] = []
    batch_size = received = 0
    try:
        for chunk in chunks:
            batch.append(chunk)
            size = len(chunk)
            batch_size += size
            received += size
            advance(size)
            if batch_size >= _WRITE_BATCH_BYTES or len(batch) >= _WRITE_BATCH_CHUNKS:
                writer.put(batch)
                batch, batch_size = [], 0
    finally:
        writer.close(batch)  # the last batch too, even after an error: keep every byte
    return received


_WRITE_BATCH_BYTES = 128 * 1024
_WRITE_BATCH_CHUNKS = 512  # below IOV_MAX (1024 on Linux) for one writev
_WRITE_QUEUE_BATCHES = 4


class _BackgroundWriter:
    """A thread writing batches of chunks to a file descriptor with ``os.writev``."""

    def __init__(self, fd: int) -> None:
        self._fd = fd
        self._queue: queue.Queue[list[bytes] | None] = queue.Queue(_WRITE_QUEUE_BATCHES)
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="wire-writer", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while (batch := self._queue.get()) is not None:  # None is the last item
            if self._error is None:
                try:
                    _writev_all(self._fd, batch)
                except BaseException as exc:  # noqa: B036 - re-raised by put() or close()
                    self._error = exc

    def put(self, batch: list[bytes]) -> None:
        """Queue ``batch`` (blocks while the queue is full); raise a write error seen so far."""
        if self._error is not None:
            raise self._error
        self._queue.put(batch)

    def close(self, last: list[bytes]) -> None:
        """Write ``last``, wait for every queued batch, and raise the first write error."""
        if last:
            self._queue.put(last)
        self._queue.put(None)
        self._thread.join()  # bounded: at most _WRITE_QUEUE_BATCHES + 1 batches remain
        if self._error is not None:
            raise self._error


def _writev_all(fd: int, chunks: list[bytes]) -> None:
    """Write ``chunks`` in order; on an error, every byte before the failing one is written."""
    try:
        written = os.writev(fd, chunks)
    except Exception:  # nothing was written: redo it chunk by chunk, to fail at the right byte
        for chunk in chunks:
            write_all(fd, chunk)
        return
    total = sum(map(len, chunks))
    if written < total:  # rare (a signal, a full disk): write what is left, or fail on it
        write_all(fd, b"".join(chunks)[written:])


def write_all(fd: int, data: bytes) -> None:
    """Write all of ``data`` to ``fd`` (looping over partial writes); OSError on failure."""
    rest = memoryview(data)
    while rest:  # each pass writes at least one byte, or raises
        done = os.write(fd, rest)
        if done <= 0:
            raise OSError(errno.EIO, "the file accepted no bytes")
        rest = rest[done:]


def rename_no_clobber(source: Path, target: Path) -> None:
    """Rename ``source`` to ``target``, never replacing an existing ``target``.

    A hard link then an unlink (atomic: the link fails if ``target`` exists); where the file
    system has no hard links, check-then-replace.

    Raises:
        FileExistsError: ``target`` exists (``source`` is left as it is).
        OSError: The rename failed otherwise.
    """
    try:
        os.link(source, target)
    except FileExistsError:
        raise
    except OSError:
        # No hard links here (FAT, some network shares): check-then-replace, which can
        # lose only a race against a file created in the instant between the two calls.
        if os.path.lexists(target):
            raise FileExistsError(f"'{target}' exists") from None
        os.replace(source, target)
        return
    # The complete file is in place; a leftover .part would only be a duplicate.
    with contextlib.suppress(OSError):
        os.unlink(source)


def fsync_directory(directory: Path) -> None:
    """Persist the rename itself (POSIX); a no-op where directories cannot be opened."""
    if os.name != "posix":
        return
    with contextlib.suppress(OSError):
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)

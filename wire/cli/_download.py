"""Saving a response body to a file for `wire --download`: the CLI's download I/O.

Contract:
- The bytes are saved exactly as sent (`iter_raw`: content codings are not undone), chunk
  by chunk as they arrive, in constant memory.
- They go to ``FINAL.part``, created exclusively (``open(..., "xb")``), so two downloads
  never share a file and a stale ``.part`` from another run is never truncated.
- ``FINAL`` appears only once the body is complete: the byte count matches Content-Length
  (when the message is framed by one), the data is fsync'ed (optional), and the ``.part``
  is renamed into place in one step.
- Whatever goes wrong (a network error, a short body, Ctrl-C) the ``.part`` stays where it
  is with every byte received so far, the file handle is closed, and the exception reaches
  the caller, which maps it to a message and an exit status (130 for KeyboardInterrupt).

Display is kept apart: progress goes to a `ProgressSink` the caller passes in (the rich
bar lives in ``cli/output/_progress.py``), so this module imports no rich.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Protocol

from ._filenames import PART_SUFFIX, choose_filename, unique_path

__all__ = [
    "DownloadInterrupted",
    "DownloadResult",
    "HeadersLike",
    "IncompleteDownload",
    "NullProgress",
    "ProgressSink",
    "RawStreamingResponse",
    "download",
]

# Bounds on retries when a name we picked is taken between the check and the create or
# rename (another process got there first). Each retry picks a fresh name.
_MAX_NAME_RACES = 100


class HeadersLike(Protocol):
    """The part of `wire.client_core.Headers` (a case-insensitive mapping) used here."""

    def get(self, key: str, /) -> str | None:
        """Return the value of header ``key`` (case-insensitive), or None when absent."""
        ...


class RawStreamingResponse(Protocol):
    """The part of an httpx-compatible streaming `Response` that `download` uses.

    The body must not have been read yet; the caller opened it with ``stream=True`` (or
    ``client.stream(...)``) and closes it after `download` returns or raises.
    """

    @property
    def headers(self) -> HeadersLike:
        """The response headers."""
        ...

    def iter_raw(self) -> Iterator[bytes]:
        """Yield the body as sent (no content decoding), in chunks as they arrive."""
        ...


class ProgressSink(Protocol):
    """Receives download progress. `advance` runs once per chunk, so it must be cheap:
    count, and let the display refresh on its own timer.
    """

    def start(self, total: int | None) -> None:
        """Called once, after the file is created and before the first chunk.

        Args:
            total: Expected body size in bytes (Content-Length), or None when unknown.
        """

    def advance(self, n_bytes: int) -> None:
        """Called after each chunk is written.

        Args:
            n_bytes: Size of the chunk just written, in bytes (> 0).
        """

    def finish(self) -> None:
        """Called once after `start`, whether the download succeeded or not."""


class NullProgress:
    """A `ProgressSink` that shows nothing (``--quiet``, or output that is not a terminal)."""

    def start(self, total: int | None) -> None:
        """Ignore the start. Args: total: expected size in bytes, or None."""

    def advance(self, n_bytes: int) -> None:
        """Ignore a chunk. Args: n_bytes: chunk size in bytes."""

    def finish(self) -> None:
        """Ignore the end."""


@dataclass(frozen=True)
class DownloadResult:
    """A completed download.

    Attributes:
        path: The final file (``output`` as given, or ``output_dir / chosen name``).
        bytes_written: Size of the file in bytes (the body as sent, still content-coded).
        elapsed: Seconds from creating the ``.part`` file to the final rename (float).
        total: The Content-Length the server announced, in bytes, or None when it sent none
            (or when Transfer-Encoding framed the body instead).
    """

    path: Path
    bytes_written: int
    elapsed: float
    total: int | None


class IncompleteDownload(Exception):
    """The body ended with a different byte count than Content-Length announced.

    The data received is kept in ``part_path``; the final file was not created.

    Attributes:
        part_path: The ``.part`` file holding the bytes received.
        received: Bytes received and written.
        expected: Bytes announced by Content-Length, or None when unknown.
    """

    def __init__(self, part_path: Path, received: int, expected: int | None) -> None:
        self.part_path = part_path
        self.received = received
        self.expected = expected
        if expected is None:
            detail = f"received {received} bytes"
        elif received > expected:
            detail = f"received {received} bytes, more than the {expected} announced"
        else:
            detail = f"received {received} of {expected} bytes"
        super().__init__(f"incomplete download: {detail}; partial data kept in '{part_path}'")


def download(
    response: RawStreamingResponse,
    *,
    original_url_path: str,
    output: Path | None,
    output_dir: Path = Path("."),
    progress: ProgressSink,
    fsync: bool = True,
    clock: Callable[[], float] = time.monotonic,
) -> DownloadResult:
    """Stream a response body into a file, atomically: all of it or only a ``.part``.

    Naming: with ``output`` the file is exactly that path and an existing file there is
    replaced (the user named it; only ``-o`` may overwrite). Without it the name comes
    from `choose_filename` and `unique_path` in ``output_dir`` (``a.txt``, ``a-1.txt``, ...),
    and nothing existing is ever replaced, even a file created while the download ran.

    Example:
        with client.stream("GET", url) as response:
            result = download(response, original_url_path=url.raw_path.decode(),
                              output=None, progress=NullProgress())

    Args:
        response: A streaming response whose body has not been read. Its chunks are
            written as the transport delivers them (httpcore reads up to 64 KiB at a time).
            The caller closes it.
        original_url_path: Raw path of the URL the user asked for, never a redirect target
            (CVE-2019-10751); used for the name when Content-Disposition gives none.
        output: The file to write (``--output``), or None to choose a name.
        output_dir: Directory for a chosen name; default the current directory. Unused
            when ``output`` is given.
        progress: Receives start/advance/finish; `NullProgress` shows nothing.
        fsync: Flush the data to disk before the rename, and the directory after it, so a
            power cut cannot leave an empty or torn final file. Default True. It costs the
            time the disk needs to absorb the data still in the page cache (for a fast
            network, up to several seconds per GiB on slow disks).
        clock: Monotonic seconds, for `DownloadResult.elapsed`; default time.monotonic.

    Returns:
        The final path, the bytes written, the elapsed time and Content-Length.

    Raises:
        IncompleteDownload: The byte count differs from Content-Length; the data is in
            the ``.part`` file.
        IsADirectoryError: ``output`` is an existing directory.
        ValueError: No free name (10,000 taken), see `unique_path`.
        OSError: Creating, writing or renaming failed (e.g. ENOSPC); the ``.part`` is kept.
        DownloadInterrupted: Receiving or writing the body failed (the transport's
            RemoteProtocolError, ReadTimeout, a full disk...); the cause is its
            ``__cause__`` and the ``.part`` is kept.
        KeyboardInterrupt: re-raised unchanged, with the ``.part`` kept.
    """
    if output is not None and output.is_dir():
        raise IsADirectoryError(f"'{output}' is a directory; give a file name to --output")
    expected = _content_length(response.headers)
    if output is None:
        name = choose_filename(
            response.headers.get("content-disposition"),
            original_url_path,
            response.headers.get("content-type"),
        )
        final, part, file = _create_part_for_new_file(output_dir, name)
    else:
        final = output
        part, file = _create_part_for_output(output)
    started = clock()
    with file:
        progress.start(expected)
        try:
            received = _copy_body(response.iter_raw(), file, progress.advance)
            if fsync:
                file.flush()
                os.fsync(file.fileno())
        except Exception as exc:
            file.flush()
            raise DownloadInterrupted(part, file.tell(), expected) from exc
        finally:
            progress.finish()
    if expected is not None and received != expected:
        raise IncompleteDownload(part, received, expected)
    if output is None:
        final = _commit_new_file(part, final, name)
    else:
        os.replace(part, final)  # atomic on POSIX and Windows; -o may overwrite
    if fsync:
        _fsync_directory(final.parent)
    return DownloadResult(final, received, clock() - started, expected)


class DownloadInterrupted(Exception):
    """The body could not be received or written in full; the cause is `__cause__`.

    Attributes:
        part_path: Path of the ``.part`` file holding every byte received so far.
        received: int, bytes written to it.
        expected: int or None, the Content-Length.
    """

    def __init__(self, part_path: Path, received: int, expected: int | None) -> None:
        self.part_path = part_path
        self.received = received
        self.expected = expected
        super().__init__(
            f"download interrupted after {received} bytes; partial data kept in '{part_path}'"
        )


def _copy_body(chunks: Iterator[bytes], file: BinaryIO, advance: Callable[[int], None]) -> int:
    """Write every chunk as it arrives; return the byte count. The hot loop: keep it bare."""
    write = file.write
    received = 0
    for chunk in chunks:
        write(chunk)
        size = len(chunk)
        received += size
        advance(size)
    return received


def _content_length(headers: HeadersLike) -> int | None:
    """The announced body size in bytes, when Content-Length frames the message.

    With Transfer-Encoding present, Content-Length is ignored (RFC 9112 §6.3). It counts
    the bytes as sent, after content coding (RFC 9110 §8.6), which is what `iter_raw`
    yields, so it applies with or without Content-Encoding. A list of identical values is
    accepted as one (RFC 9110 §8.6); anything else invalid gives None (no check).
    """
    if headers.get("transfer-encoding") is not None:
        return None
    value = headers.get("content-length")
    if value is None:
        return None
    values = {item.strip() for item in value.split(",")}
    if len(values) != 1:
        return None
    (text,) = values
    return int(text) if text.isascii() and text.isdigit() else None


def _part_path(final: Path) -> Path:
    return final.with_name(final.name + PART_SUFFIX)


def _create_part_for_new_file(directory: Path, name: str) -> tuple[Path, Path, BinaryIO]:
    """Pick a free ``name``/``name-N`` in ``directory`` and create its ``.part``."""
    for _ in range(_MAX_NAME_RACES):
        final = unique_path(directory, name)
        part = _part_path(final)
        try:
            return final, part, open(part, "xb")  # closed by download()
        except FileExistsError:
            continue  # created since unique_path looked; it will skip this name now
    raise FileExistsError(f"could not reserve a file name for {name!r} in '{directory}'")


def _create_part_for_output(output: Path) -> tuple[Path, BinaryIO]:
    """Create ``OUTPUT.part``, or ``OUTPUT-N.part`` when another run holds that one."""
    for _ in range(_MAX_NAME_RACES):
        part = unique_path(output.parent, output.name + PART_SUFFIX)
        try:
            return part, open(part, "xb")  # closed by download()
        except FileExistsError:
            continue
    raise FileExistsError(f"could not reserve a partial file for '{output}'")


def _commit_new_file(part: Path, final: Path, name: str) -> Path:
    """Move the complete ``part`` to ``final``, or to the next free variant of ``name``.

    A file may have appeared at ``final`` while we downloaded (the ``.part`` reserves the
    name only against other wire runs): never replace it.
    """
    for _ in range(_MAX_NAME_RACES):
        try:
            _rename_no_clobber(part, final)
            return final
        except FileExistsError:
            final = unique_path(final.parent, name)
    raise FileExistsError(f"could not find a free name to move '{part}' to")


def _rename_no_clobber(source: Path, target: Path) -> None:
    """Rename ``source`` to ``target``, raising FileExistsError if ``target`` exists."""
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


def _fsync_directory(directory: Path) -> None:
    """Persist the rename itself (POSIX); a no-op where directories cannot be opened."""
    if os.name != "posix":
        return
    with contextlib.suppress(OSError):
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)

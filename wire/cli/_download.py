"""Saving a response body to a file for `wire --download`: the CLI's download I/O.

Contract:
- The bytes are saved exactly as sent (`iter_raw`: content codings are not undone), chunk
  by chunk as they arrive, in constant memory; with ``decompress=True`` they are decoded
  first (`iter_bytes`), and the Content-Length check counts the bytes as received.
- They go to ``FINAL.part``, created exclusively (``open(..., "xb")``), so two downloads
  never share a file and a stale ``.part`` from another run is never truncated. The only
  exception is ``resume=True``, which continues that ``.part`` on purpose (see ``_resume``).
- The validator (ETag, else Last-Modified) and the full size are saved beside it in
  ``FINAL.part.json``, so a later ``--continue`` can prove the bytes are still the same file.
- ``FINAL`` appears only once the body is complete: the byte count matches Content-Length
  (when the message is framed by one), the checksum matches (when one is given), the data
  is fsync'ed (optional), and the ``.part`` is renamed into place in one step.
- An existing file is never replaced unless ``overwrite=True``: without ``output`` the next
  free name is used (``a-1.txt``); with ``output`` it is an error.
- Whatever goes wrong (a network error, a short body, a checksum mismatch, Ctrl-C) the
  ``.part`` stays where it is with every byte received so far, the file handle is closed,
  and the exception reaches the caller, which maps it to a message and an exit status
  (130 for KeyboardInterrupt).

Display is kept apart: progress goes to a `ProgressSink` the caller passes in (the rich
bar lives in ``cli/output/_progress.py``), so this module imports no rich.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Protocol

from . import _resume, _segments
from ._checksum import Checksum, verify_file
from ._diskio import copy_to_file, fsync_directory, rename_no_clobber
from ._filenames import PART_SUFFIX, choose_filename, unique_path
from ._resume import PartState, RangeAnswer

__all__ = [
    "DownloadCancelled",
    "DownloadInterrupted",
    "DownloadResult",
    "Fetch",
    "HeadersLike",
    "IncompleteDownload",
    "NullProgress",
    "ProgressSink",
    "RawStreamingResponse",
    "ResumeFailed",
    "StreamingResponse",
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
    """The part of an httpx-compatible streaming `Response` that a plain `download` uses.

    The body must not have been read yet; the caller opened it with ``stream=True`` (or
    ``client.stream(...)``) and closes it after `download` returns or raises.
    """

    @property
    def headers(self) -> HeadersLike:
        """The response headers."""
        ...

    @property
    def num_bytes_downloaded(self) -> int:
        """Body bytes received so far, as sent (before any content decoding)."""
        ...

    def iter_raw(self) -> Iterator[bytes]:
        """Yield the body as sent (no content decoding), in chunks as they arrive."""
        ...

    def close(self) -> None:
        """Stop the transfer and free the connection (closing twice is harmless)."""
        ...

    def iter_bytes(self) -> Iterator[bytes]:
        """Yield the body with its content codings (gzip, br...) undone."""
        ...


class StreamingResponse(RawStreamingResponse, Protocol):
    """A response that `Fetch` returns: also its status, and a `close` for whoever got it."""

    @property
    def status_code(self) -> int:
        """The HTTP status code."""
        ...

    def close(self) -> None:
        """Release the connection (safe to call twice)."""
        ...


#: Sends the download's request again with extra headers (``Range``, ``If-Range``) and
#: returns the response with its body unread; the caller of the `Fetch` closes it.
Fetch = Callable[[Mapping[str, str]], StreamingResponse]


class ProgressSink(Protocol):
    """Receives download progress. `advance` runs once per chunk, so it must be cheap:
    count, and let the display refresh on its own timer.
    """

    def start(self, total: int | None) -> None:
        """Called once, after the file is created and before the first chunk.

        Args:
            total: Bytes still to receive in this run (Content-Length, less what a resumed
                ``.part`` already holds), or None when unknown.
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
        bytes_written: Size of the file in bytes (the body as sent, still content-coded,
            unless ``decompress`` was given).
        elapsed: Seconds from creating the ``.part`` file to the final rename (float).
        total: The full size the server announced, in bytes, or None when it sent none
            (or when Transfer-Encoding framed the body instead).
        resumed_from: Bytes a continued ``.part`` file already held (0 when the download
            started from scratch). Default 0.
        segments: Byte ranges fetched in parallel (1 for one stream). Default 1.
    """

    path: Path
    bytes_written: int
    elapsed: float
    total: int | None
    resumed_from: int = 0
    segments: int = 1


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


class DownloadCancelled(KeyboardInterrupt):
    """Ctrl-C during a download: a KeyboardInterrupt that names the ``.part`` file kept.

    Attributes:
        part_path: The ``.part`` file holding every byte received (its state file beside it
            lets ``--continue`` resume).
    """

    def __init__(self, part_path: Path) -> None:
        self.part_path = part_path
        super().__init__(f"download interrupted; partial data kept in '{part_path}'")


class ResumeFailed(Exception):
    """The server answered a Range request with an error status; the ``.part`` is kept.

    Attributes:
        part_path: The ``.part`` file, unchanged.
        status_code: The status of the answer (int).
    """

    def __init__(self, part_path: Path, status_code: int) -> None:
        self.part_path = part_path
        self.status_code = status_code
        super().__init__(
            f"the server answered HTTP {status_code} when asked for the rest of the file; "
            f"partial data kept in '{part_path}'"
        )


def download(
    response: RawStreamingResponse,
    *,
    original_url_path: str,
    output: Path | None,
    output_dir: Path = Path("."),
    progress: ProgressSink,
    fsync: bool = True,
    clock: Callable[[], float] = time.monotonic,
    overwrite: bool = False,
    resume: bool = False,
    checksum: Checksum | None = None,
    decompress: bool = False,
    segments: int = 1,
    fetch: Fetch | None = None,
    url: str = "",
) -> DownloadResult:
    """Stream a response body into a file, atomically: all of it or only a ``.part``.

    Naming: with ``output`` the file is exactly that path, and an existing file there is an
    error unless ``overwrite``. Without it the name comes from `choose_filename` in
    ``output_dir``: with ``overwrite`` that name is replaced, otherwise `unique_path` picks
    the next free variant (``a.txt``, ``a-1.txt``...) and nothing existing is replaced, even
    a file created while the download ran.

    Example:
        with client.stream("GET", url) as response:
            result = download(response, original_url_path=url.raw_path.decode(),
                              output=None, progress=NullProgress())

    Args:
        response: A streaming 2xx response whose body has not been read, for the original
            request without ``Range``. Its chunks are written as the transport delivers them
            (httpcore reads up to 64 KiB at a time). The caller closes it.
        original_url_path: Raw path of the URL the user asked for, never a redirect target
            (CVE-2019-10751); used for the name when Content-Disposition gives none.
        output: The file to write (``--output``), or None to choose a name.
        output_dir: Directory for a chosen name; default the current directory. Unused
            when ``output`` is given.
        progress: Receives start/advance/finish; `NullProgress` shows nothing.
        fsync: Flush the data to disk before the rename, and the directory after it, so a
            power cut cannot leave an empty or torn final file. Default True.
        clock: Monotonic seconds, for `DownloadResult.elapsed`; default time.monotonic.
        overwrite: Replace an existing final file (``--overwrite``). Default False.
        resume: Continue ``FINAL.part`` when it exists (``--continue``); needs ``fetch``.
            Default False.
        checksum: Verify the complete file before the rename (``--checksum``); None
            (default) checks nothing.
        decompress: Save the body with its content codings undone (``--decompress``); not
            combinable with ``resume`` or ``segments``. Default False.
        segments: Byte ranges to fetch in parallel (``--segments``) when the server allows
            ranges and the size is known; 1 (default) is one stream. Needs ``fetch``.
        fetch: Re-sends the request with extra headers (see `Fetch`); None when unavailable.
        url: The URL the body comes from (str), recorded in the ``.part.json`` state.

    Returns:
        The final path, the bytes written, the elapsed time, the size and how it was got.

    Raises:
        IncompleteDownload: The byte count differs from Content-Length; the data is in
            the ``.part`` file.
        ChecksumMismatch: The file's digest is not ``checksum``; it stays a ``.part``.
        ResumeFailed: A Range request was answered with an error status.
        FileExistsError: ``output`` exists and ``overwrite`` is False.
        IsADirectoryError: ``output`` is an existing directory.
        ValueError: No free name (10,000 taken), see `unique_path`; or ``decompress`` with
            ``resume``/``segments``; or ``resume``/``segments`` without ``fetch``.
        OSError: Creating, writing or renaming failed (e.g. ENOSPC); the ``.part`` is kept.
        DownloadInterrupted: Receiving or writing the body failed (the transport's
            RemoteProtocolError, ReadTimeout, a full disk...); the cause is its
            ``__cause__`` and the ``.part`` is kept.
        DownloadCancelled: Ctrl-C (a KeyboardInterrupt) once the ``.part`` exists; it is
            kept, and named by the exception. Before that, KeyboardInterrupt as it came.
    """
    if decompress and (resume or segments > 1):
        raise ValueError("--decompress cannot be combined with --continue or --segments")
    if (resume or segments > 1) and fetch is None:
        raise ValueError("resuming and segments need a way to send Range requests")
    if output is not None:
        if output.is_dir():
            raise IsADirectoryError(f"'{output}' is a directory; give a file name to --output")
        if not overwrite and os.path.lexists(output):
            raise FileExistsError(f"'{output}' exists; add --overwrite to replace it")
    job = _Job(response, progress, fetch, url, overwrite, checksum, decompress, segments, fsync)
    if output is None:
        name = choose_filename(
            response.headers.get("content-disposition"),
            original_url_path,
            response.headers.get("content-type"),
        )
        directory = output_dir
    else:
        name, directory = output.name, output.parent
    started = clock()
    try:
        final, written = job.run(directory, name, is_output=output is not None, resume=resume)
    except KeyboardInterrupt as exc:
        if job.part is None or isinstance(exc, DownloadCancelled):
            raise
        raise DownloadCancelled(job.part) from exc
    return DownloadResult(
        final, written, clock() - started, job.total, job.resumed_from, job.segment_count
    )


@dataclass
class _Job:
    """One download's settings and what it learnt; `run` performs it (see `download`)."""

    response: RawStreamingResponse
    progress: ProgressSink
    fetch: Fetch | None
    url: str
    overwrite: bool
    checksum: Checksum | None
    decompress: bool
    segments: int
    fsync: bool
    total: int | None = None
    resumed_from: int = 0
    segment_count: int = 1
    part: Path | None = None
    _failed_status: int = 0
    _saved: PartState | None = None

    def run(self, directory: Path, name: str, *, is_output: bool, resume: bool) -> tuple[Path, int]:
        """Reserve the names, fetch the body into the part, check it, rename; return
        (final path, file size)."""
        self.total = _content_length(self.response.headers)
        part_to_continue = directory / (name + PART_SUFFIX)
        if resume and part_to_continue.is_file():
            final, part = directory / name, part_to_continue
            self.part = part
            size = self._continue(part)
        else:
            final, part, file = self._reserve(directory, name, is_output)
            self.part = part
            with file:
                size = self._start(part, file)
        if self.checksum is not None:
            verify_file(part, self.checksum)
        if is_output or self.overwrite:
            os.replace(part, final)  # atomic on POSIX and Windows
        else:
            final = _commit_new_file(part, final, name)
        _resume.remove_state(part)
        if self.fsync:
            fsync_directory(final.parent)
        return final, size

    def _reserve(self, directory: Path, name: str, is_output: bool) -> tuple[Path, Path, BinaryIO]:
        if is_output or self.overwrite:
            final = directory / name
            return (final, *_create_part_for_output(final))
        return _create_part_for_new_file(directory, name)

    def _state_for(self, response: RawStreamingResponse) -> PartState:
        return _resume.state_from_headers(self.url, response.headers, self.total)

    def _start(self, part: Path, file: BinaryIO) -> int:
        """A download from byte 0 of ``self.response`` into the new, empty ``file``."""
        state = self._state_for(self.response)
        if self._can_segment(state):
            assert self.total is not None  # checked by _can_segment
            with contextlib.suppress(_FallBack):
                return self._segmented(part, file, state, self.response)
        if state.if_range is not None:
            _save_state(part, state)
        return self._stream(self.response, part, file, offset=0)

    def _can_segment(self, state: PartState) -> bool:
        accepts = (self.response.headers.get("accept-ranges") or "").strip().lower()
        return (
            self.segments > 1
            and self.total is not None
            and self.total >= 2 * _segments.MIN_SEGMENT_BYTES
            and state.if_range is not None
            and accepts != "none"  # RFC 9110 §14.3: absent only means "unknown"
            and self.response.headers.get("content-encoding") is None
        )

    def _stream(
        self, response: RawStreamingResponse, part: Path, file: BinaryIO, *, offset: int
    ) -> int:
        """Write ``response``'s body after ``offset`` bytes; return the part's final size."""
        expected = None if self.total is None else self.total - offset
        self.progress.start(expected)
        try:
            chunks = response.iter_bytes() if self.decompress else response.iter_raw()
            written = copy_to_file(chunks, file, self.progress.advance)
            if self.fsync:
                file.flush()
                os.fsync(file.fileno())
        except Exception as exc:
            file.flush()
            raise DownloadInterrupted(part, file.tell(), self.total) from exc
        finally:
            self.progress.finish()
        received = response.num_bytes_downloaded if self.decompress else written
        if expected is not None and received != expected:
            raise IncompleteDownload(part, offset + received, self.total)
        return offset + written

    def _continue(self, part: Path) -> int:
        """``--continue``: resume ``part`` if the server proves it is the same file."""
        assert self.fetch is not None  # download() checked
        state = _resume.load_state(part)
        fresh = self._state_for(self.response)
        if state is None or state.if_range is None or not _same_file(state, fresh):
            return self._restart(part, self.response)  # nothing proves sameness: start over
        if state.segments:
            return self._continue_segments(part, state)
        offset = part.stat().st_size
        _close(self.response)  # the rest comes from a Range request instead
        answer = self.fetch(_resume.range_headers(state, offset))
        try:
            decision = _resume.judge_range_response(
                answer.status_code, answer.headers, state, offset
            )
            return self._act_on(decision, part, answer, offset)
        finally:
            _close(answer)

    def _act_on(
        self, decision: RangeAnswer, part: Path, answer: StreamingResponse, offset: int
    ) -> int:
        assert self.fetch is not None
        if decision is RangeAnswer.APPEND:
            self.resumed_from = offset
            with open(part, "ab") as file:
                return self._stream(answer, part, file, offset=offset)
        if decision is RangeAnswer.COMPLETE:
            self.total = self.resumed_from = offset
            return offset
        if decision is RangeAnswer.REPLACE:
            self.total = _content_length(answer.headers)
            return self._restart(part, answer)
        if decision is RangeAnswer.REFETCH:
            _close(answer)
            again = self.fetch({})
            try:
                if not 200 <= again.status_code < 300:
                    raise ResumeFailed(part, again.status_code)
                self.total = _content_length(again.headers)
                return self._restart(part, again)
            finally:
                _close(again)
        raise ResumeFailed(part, answer.status_code)

    def _restart(self, part: Path, response: RawStreamingResponse) -> int:
        """Discard ``part`` and its state; write ``response`` (a 200, from byte 0) into it."""
        self.resumed_from = 0
        _resume.remove_state(part)
        state = self._state_for(response)
        with open(part, "wb") as file:
            if state.if_range is not None:
                _save_state(part, state)
            return self._stream(response, part, file, offset=0)

    def _segmented(
        self, part: Path, file: BinaryIO, state: PartState, first: RawStreamingResponse
    ) -> int:
        """Fetch a new download as parallel ranges; raise _FallBack if the server says no."""
        assert self.total is not None
        planned = _segments.plan_segments(self.total, self.segments)
        if len(planned) < 2:
            raise _FallBack
        state = state.with_segments(planned)
        _segments.preallocate(file.fileno(), self.total)
        file.flush()
        opened, _ = self._open_ranges(state, range(1, len(planned)))
        if opened is None:
            os.ftruncate(file.fileno(), 0)
            raise _FallBack  # the first response is still unread: stream it instead
        _save_state(part, state)
        return self._run_segments(part, state, [(0, first), *opened])

    def _continue_segments(self, part: Path, state: PartState) -> int:
        """``--continue`` of a segmented part: ask for the rest of every range."""
        if part.stat().st_size != state.total:
            return self._restart(part, self.response)  # not the file the state describes
        self.resumed_from = state.received
        todo = [i for i, segment in enumerate(state.segments) if not segment.is_complete]
        opened, decision = self._open_ranges(state, todo)
        if decision is RangeAnswer.FAIL:
            raise ResumeFailed(part, self._failed_status)
        if opened is None:  # the file changed, or ranges stopped working: start over
            return self._restart(part, self.response)
        _close(self.response)
        return self._run_segments(part, state, opened)

    def _open_ranges(
        self, state: PartState, indexes: Iterable[int]
    ) -> tuple[list[tuple[int, StreamingResponse]] | None, RangeAnswer]:
        """Send a Range request per segment. Returns (the open responses, APPEND) when every
        answer is a 206 for exactly the bytes asked for, from the same file; else (None, the
        first other decision), every response closed."""
        assert self.fetch is not None
        opened: list[tuple[int, StreamingResponse]] = []
        try:
            for index in indexes:
                segment = state.segments[index]
                headers = _resume.range_headers(state, segment.next_offset, segment.end)
                answer = self.fetch(headers)
                opened.append((index, answer))
                decision = _resume.judge_range_response(
                    answer.status_code, answer.headers, state, segment.next_offset, segment.end
                )
                if decision is not RangeAnswer.APPEND:
                    self._failed_status = answer.status_code
                    for _, response in opened:
                        _close(response)
                    return None, decision
        except BaseException:
            for _, response in opened:
                _close(response)
            raise
        return opened, RangeAnswer.APPEND

    def _run_segments(
        self,
        part: Path,
        state: PartState,
        streams: Sequence[tuple[int, RawStreamingResponse]],
    ) -> int:
        assert self.total is not None
        self.segment_count = len(state.segments)
        self.progress.start(self.total - state.received)
        self._saved = state

        def save(current: PartState) -> None:
            self._saved = current
            _save_state(part, current)

        try:
            _segments.fetch_segments(part, state, streams, self.progress.advance, save)
        except _segments.SegmentError as exc:
            received = self._saved.received
            raise IncompleteDownload(part, received, self.total) from exc
        except Exception as exc:
            raise DownloadInterrupted(part, self._saved.received, self.total) from exc
        finally:
            self.progress.finish()
            for _, response in streams:
                _close(response)
        if self.fsync:
            with open(part, "rb+") as file:
                os.fsync(file.fileno())
        return self.total


def _save_state(part: Path, state: PartState) -> None:
    """Save the resume state; a download goes on without it (e.g. a name too long for
    ``.part.json`` beside a long ``--output``): ``--continue`` then starts over."""
    with contextlib.suppress(OSError):
        _resume.save_state(part, state)


class _FallBack(Exception):
    """Segments are not possible after all: download in one stream."""


def _close(response: RawStreamingResponse) -> None:
    close = getattr(response, "close", None)
    if close is not None:
        close()


def _same_file(saved: PartState, fresh: PartState) -> bool:
    """False when the first (200) response already shows another version than the part's."""
    if saved.etag is not None and fresh.etag is not None and saved.etag != fresh.etag:
        return False
    if saved.etag is None and saved.last_modified is not None and fresh.last_modified is not None:
        if saved.last_modified != fresh.last_modified:
            return False
    return saved.total is None or fresh.total is None or saved.total == fresh.total


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
            return final, part, open(part, "xb")  # closed by the caller
        except FileExistsError:
            continue  # created since unique_path looked; it will skip this name now
    raise FileExistsError(f"could not reserve a file name for {name!r} in '{directory}'")


def _create_part_for_output(output: Path) -> tuple[Path, BinaryIO]:
    """Create ``OUTPUT.part``, or ``OUTPUT-N.part`` when another run holds that one."""
    for _ in range(_MAX_NAME_RACES):
        part = unique_path(output.parent, output.name + PART_SUFFIX)
        try:
            return part, open(part, "xb")  # closed by the caller
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
            rename_no_clobber(part, final)
            return final
        except FileExistsError:
            final = unique_path(final.parent, name)
    raise FileExistsError(f"could not find a free name to move '{part}' to")

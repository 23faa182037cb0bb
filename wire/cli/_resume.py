"""Resuming a download: what to remember beside a ``.part`` file, what to ask, what an answer means.

Pure decisions on values, plus the small JSON state file (`load_state`, `save_state`); the
requests themselves are sent by the caller (``_download``), which performs the decisions.

Strategy (RFC 9110 §14 Range requests, §13.1.5 If-Range):

- When a download starts, the representation's validator is written beside the part file,
  in ``NAME.part.json``: the ETag when it is strong, else Last-Modified, with the full size
  and, for ``--segments``, how far each byte range got.
- ``--continue`` asks for ``Range: bytes=N-`` with ``If-Range: VALIDATOR``. A server with
  the same representation answers 206 with the rest; a changed one answers 200 with the
  whole new file (the If-Range condition failed), which replaces the part from byte 0.
- The 206 is checked too, since some servers ignore If-Range: it must start at N, declare
  the saved full size, and carry the saved validator when it carries one. Anything else is
  a different file: the part is fetched again from zero, never spliced.
- 416 with ``Content-Range: bytes */N`` where N is the part's size: the part is already
  complete (the previous run was stopped between its last byte and the rename).
- No validator saved (neither a strong ETag nor Last-Modified), or a GET we cannot repeat:
  nothing proves the bytes on disk belong to the file now served, so it starts over.
"""

from __future__ import annotations

import contextlib
import enum
import json
import os
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Protocol

from . import _filenames

__all__ = [
    "STATE_SUFFIX",
    "ContentRange",
    "PartState",
    "RangeAnswer",
    "Segment",
    "judge_range_response",
    "load_state",
    "parse_content_range",
    "range_headers",
    "remove_state",
    "save_state",
    "state_from_headers",
    "state_path",
]

#: Appended to the ``.part`` file's name for its state file: ``NAME.part.json``.
STATE_SUFFIX = _filenames.STATE_SUFFIX

_STATE_VERSION = 1
_MAX_STATE_BYTES = 1 << 20  # a state file is a few hundred bytes; anything larger is junk
# At most 19 digits a number (any file size fits in 63 bits): a longer one is not a range we
# could use, and converting thousands of digits would be slow (and refused by int()).
_CONTENT_RANGE = re.compile(
    r"bytes\s+(?:(\d{1,19})-(\d{1,19})|\*)/(\d{1,19}|\*)\s*$", re.IGNORECASE
)


class _Headers(Protocol):
    def get(self, key: str, /) -> str | None: ...


@dataclass(frozen=True)
class Segment:
    """One byte range of a segmented download.

    Attributes:
        start: Offset of the range's first byte (int, bytes, >= 0).
        end: Offset of its last byte, inclusive as in a Range header (int, >= start).
        done: Bytes of the range already on disk, counted from ``start`` (int, 0 ≤ done ≤
            ``end - start + 1``). Default 0.
    """

    start: int
    end: int
    done: int = 0

    @property
    def length(self) -> int:
        """Bytes in the whole range."""
        return self.end - self.start + 1

    @property
    def next_offset(self) -> int:
        """Offset of the first byte still missing."""
        return self.start + self.done

    @property
    def is_complete(self) -> bool:
        """True once every byte of the range is on disk."""
        return self.done >= self.length


@dataclass(frozen=True)
class PartState:
    """What is remembered beside a ``.part`` file so that ``--continue`` can prove sameness.

    Attributes:
        url: The URL the bytes came from (str), for the user's information.
        etag: The ETag as sent, quotes included (str), or None when absent.
        last_modified: The Last-Modified value as sent (str), or None when absent.
        total: The full size in bytes (int), or None when unknown.
        segments: The `Segment` progress of a ``--segments`` download; empty for a plain
            one, whose progress is the ``.part`` file's size. Default empty.
    """

    url: str
    etag: str | None
    last_modified: str | None
    total: int | None
    segments: tuple[Segment, ...] = field(default=())

    @property
    def if_range(self) -> str | None:
        """The ``If-Range`` value: a strong ETag, else Last-Modified, else None.

        A weak ETag (``W/"..."``) is never used: RFC 9110 §13.1.5 forbids it in If-Range,
        because a weakly equal representation may differ byte for byte.
        """
        if self.etag is not None and not self.etag.startswith("W/"):
            return self.etag
        return self.last_modified

    @property
    def received(self) -> int:
        """Bytes on disk according to ``segments`` (0 for a plain download)."""
        return sum(segment.done for segment in self.segments)

    def with_segments(self, segments: tuple[Segment, ...]) -> PartState:
        """A copy with ``segments`` replaced."""
        return replace(self, segments=segments)

    def to_json(self) -> str:
        """The state file's text (JSON, one object)."""
        data: dict[str, Any] = {
            "version": _STATE_VERSION,
            "url": self.url,
            "etag": self.etag,
            "last_modified": self.last_modified,
            "total": self.total,
            "segments": [[s.start, s.end, s.done] for s in self.segments],
        }
        return json.dumps(data, ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> PartState | None:
        """Parse `to_json` output; None when the text is not a valid state of this version."""
        try:
            data = json.loads(text)
            if not isinstance(data, dict) or data.get("version") != _STATE_VERSION:
                return None
            segments = tuple(Segment(int(a), int(b), int(c)) for a, b, c in data["segments"])
            state = cls(
                url=str(data["url"]),
                etag=_optional_str(data.get("etag")),
                last_modified=_optional_str(data.get("last_modified")),
                total=None if data.get("total") is None else int(data["total"]),
                segments=segments,
            )
        except (ValueError, TypeError, KeyError):
            return None
        return state if _is_consistent(state) else None


def _optional_str(value: object) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise TypeError("expected a string")
    return value


def _is_consistent(state: PartState) -> bool:
    if state.total is not None and state.total < 0:
        return False
    expected_start = 0
    for segment in state.segments:  # contiguous, ordered, covering [0, total)
        if segment.start != expected_start or segment.end < segment.start:
            return False
        if not 0 <= segment.done <= segment.length:
            return False
        expected_start = segment.end + 1
    return not state.segments or state.total == expected_start


def state_from_headers(url: str, headers: _Headers, total: int | None) -> PartState:
    """The state to save for a response that starts a download from byte 0.

    Args:
        url: The URL the body comes from (str).
        headers: The response headers (ETag and Last-Modified are read).
        total: The full size in bytes, or None when unknown.

    Returns:
        A `PartState` without segments.
    """
    return PartState(url, headers.get("etag"), headers.get("last-modified"), total)


def state_path(part: Path) -> Path:
    """``NAME.part`` → ``NAME.part.json``."""
    return part.with_name(part.name + STATE_SUFFIX)


def load_state(part: Path) -> PartState | None:
    """Read the state saved beside ``part``; None when missing, unreadable or invalid."""
    try:
        with open(state_path(part), encoding="utf-8") as file:
            text = file.read(_MAX_STATE_BYTES)
    except (OSError, UnicodeDecodeError):
        return None
    return PartState.from_json(text)


def save_state(part: Path, state: PartState) -> None:
    """Write the state beside ``part`` atomically (a temporary file, then a rename).

    The temporary file has a short name of its own, so a part file whose name is near the
    255-byte limit still gets its state.

    Raises:
        OSError: The file cannot be written.
    """
    import tempfile  # here, not at the top: it costs start-up time (random, shutil)

    target = state_path(part)
    descriptor, temporary = tempfile.mkstemp(prefix=".wire-", suffix=".tmp", dir=part.parent)
    try:
        with open(descriptor, "w", encoding="utf-8") as file:
            file.write(state.to_json())
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def remove_state(part: Path) -> None:
    """Delete the state file beside ``part``, if any (after the rename, or a restart)."""
    with contextlib.suppress(FileNotFoundError):
        os.unlink(state_path(part))


def range_headers(state: PartState, start: int, end: int | None = None) -> dict[str, str]:
    """The headers asking for the rest of a file (RFC 9110 §14.2, §13.1.5).

        >>> range_headers(PartState("u", '"v1"', None, 10), 4)
        {'Range': 'bytes=4-', 'If-Range': '"v1"'}

    Args:
        state: The saved state; its `PartState.if_range` must not be None.
        start: Offset of the first byte wanted (int, bytes).
        end: Offset of the last byte wanted, inclusive, or None for "to the end".

    Returns:
        ``Range`` and ``If-Range`` headers (dict of str).

    Raises:
        ValueError: The state has no usable validator, or the range is empty.
    """
    validator = state.if_range
    if validator is None:
        raise ValueError("no ETag or Last-Modified to resume against")
    if start < 0 or (end is not None and end < start):
        raise ValueError(f"empty byte range {start}-{end}")
    wanted = f"bytes={start}-" if end is None else f"bytes={start}-{end}"
    return {"Range": wanted, "If-Range": validator}


@dataclass(frozen=True)
class ContentRange:
    """A parsed ``Content-Range`` (RFC 9110 §14.4).

    Attributes:
        first: First byte offset (int), or None for the ``bytes */N`` form (a 416).
        last: Last byte offset, inclusive (int), or None as for ``first``.
        total: Full size in bytes (int), or None when the server sent ``*``.
    """

    first: int | None
    last: int | None
    total: int | None


def parse_content_range(value: str | None) -> ContentRange | None:
    """Parse ``bytes A-B/N``, ``bytes A-B/*`` or ``bytes */N``; None when malformed.

        >>> parse_content_range("bytes 0-99/1000")
        ContentRange(first=0, last=99, total=1000)
    """
    if value is None:
        return None
    match = _CONTENT_RANGE.match(value.strip())
    if match is None:
        return None
    first, last, total = match.groups()
    parsed_total = None if total == "*" else int(total)
    if first is None:
        return None if parsed_total is None else ContentRange(None, None, parsed_total)
    if int(last) < int(first) or (parsed_total is not None and int(last) >= parsed_total):
        return None
    return ContentRange(int(first), int(last), parsed_total)


class RangeAnswer(enum.Enum):
    """What a response to a Range + If-Range request means (see `judge_range_response`)."""

    #: 206 for the bytes asked for, same file: write them at the offset asked for.
    APPEND = "append"
    #: 200: the file changed (or ranges are not supported); this body replaces the part.
    REPLACE = "replace"
    #: 416 and the part already holds every byte: nothing to fetch.
    COMPLETE = "complete"
    #: A 206 or 416 that does not fit the saved state: discard the part, ask again from 0.
    REFETCH = "refetch"
    #: Any other status: an error to show, the part kept as it is.
    FAIL = "fail"


def judge_range_response(
    status_code: int,
    headers: _Headers,
    state: PartState,
    start: int,
    end: int | None = None,
) -> RangeAnswer:
    """Decide what to do with the answer to ``range_headers(state, start, end)``.

    Args:
        status_code: The response status (int).
        headers: The response headers (Content-Range, ETag, Last-Modified are read).
        state: The saved state the request was made from.
        start: The first byte offset asked for (int).
        end: The last byte offset asked for, inclusive, or None for "to the end".

    Returns:
        A `RangeAnswer`; see its members. A 206 answers APPEND only when its Content-Range
        starts at ``start``, ends at ``end`` (or at the last byte), and its full size and
        validator match ``state``; a 416 answers COMPLETE only for ``bytes */start`` with
        ``start`` equal to the saved size.
    """
    if status_code == 200:
        return RangeAnswer.REPLACE
    if status_code == 416:
        content_range = parse_content_range(headers.get("content-range"))
        is_whole = (
            content_range is not None
            and content_range.total == start
            and state.total in (None, start)
            and end is None
        )
        return RangeAnswer.COMPLETE if is_whole else RangeAnswer.REFETCH
    if status_code != 206:
        return RangeAnswer.FAIL
    content_range = parse_content_range(headers.get("content-range"))
    if content_range is None or content_range.first != start:
        return RangeAnswer.REFETCH
    total = content_range.total if content_range.total is not None else state.total
    wanted_last = end if end is not None else (None if total is None else total - 1)
    if wanted_last is not None and content_range.last != wanted_last:
        return RangeAnswer.REFETCH
    if state.total is not None and content_range.total not in (None, state.total):
        return RangeAnswer.REFETCH
    if not _same_validator(state, headers):
        return RangeAnswer.REFETCH
    return RangeAnswer.APPEND


def _same_validator(state: PartState, headers: _Headers) -> bool:
    """False when the 206 names a different version than the one saved (RFC 9110 §8.8)."""
    etag = headers.get("etag")
    if state.etag is not None and etag is not None:
        return _opaque_tag(etag) == _opaque_tag(state.etag) and not etag.startswith("W/")
    modified = headers.get("last-modified")
    if state.last_modified is not None and modified is not None:
        return modified.strip() == state.last_modified.strip()
    return True  # nothing to compare: If-Range already made the server check


def _opaque_tag(etag: str) -> str:
    return etag.strip().removeprefix("W/")


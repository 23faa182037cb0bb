"""`wire.cli._segments.fetch_segments` and `wire.cli._diskio.copy_to_file` on their own:
parallel ranges land at their offsets, progress is never over-counted, and every error
(or Ctrl-C) stops the rest with the state saved. The streams are small in-memory stand-ins;
the same code runs against real servers in test_download_cli.py."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from wire.cli._diskio import copy_to_file
from wire.cli._resume import PartState, Segment
from wire.cli._segments import SegmentError, fetch_segments, plan_segments, preallocate

MiB = 1 << 20
DATA = bytes(range(256)) * (3 * MiB // 256)  # 3 MiB


class Stream:
    """Yields `data` in 64 KiB chunks; `fail_after` chunks, then raises `error`."""

    def __init__(
        self,
        data: bytes,
        *,
        fail_after: int | None = None,
        error: BaseException | None = None,
        gate: threading.Event | None = None,
    ) -> None:
        self.data, self.fail_after, self.error, self.gate = data, fail_after, error, gate

    def iter_raw(self) -> Iterator[bytes]:
        for index, offset in enumerate(range(0, len(self.data), 64 * 1024)):
            if self.fail_after is not None and index == self.fail_after:
                assert self.error is not None
                raise self.error
            if self.gate is not None:
                self.gate.wait(5)
            yield self.data[offset : offset + 64 * 1024]

    def close(self) -> None:
        self.closed = True


def prepared(tmp_path: Path, count: int) -> tuple[Path, PartState]:
    part = tmp_path / "f.part"
    with open(part, "wb") as file:
        preallocate(file.fileno(), len(DATA))
    state = PartState("u", '"v1"', None, len(DATA), plan_segments(len(DATA), count))
    return part, state


def test_ranges_land_at_their_offsets_and_progress_adds_up(tmp_path: Path) -> None:
    part, state = prepared(tmp_path, 3)
    streams = [(i, Stream(DATA[s.start : s.end + 1])) for i, s in enumerate(state.segments)]
    advanced: list[int] = []
    saved: list[PartState] = []
    final = fetch_segments(part, state, streams, advanced.append, saved.append)
    assert part.read_bytes() == DATA
    assert sum(advanced) == len(DATA)
    assert all(segment.is_complete for segment in final.segments)
    assert saved[-1] == final


def test_the_first_range_stops_at_its_end_in_a_longer_body(tmp_path: Path) -> None:
    part, state = prepared(tmp_path, 2)
    first, second = state.segments
    streams = [(0, Stream(DATA)), (1, Stream(DATA[second.start :]))]  # 0: the whole 200 body
    advanced: list[int] = []
    fetch_segments(part, state, streams, advanced.append, lambda s: None)
    assert part.read_bytes() == DATA
    assert sum(advanced) == len(DATA)


def test_a_resumed_range_starts_at_its_next_offset(tmp_path: Path) -> None:
    part, state = prepared(tmp_path, 2)
    first, second = state.segments
    with open(part, "r+b") as file:
        file.write(DATA[: first.length])  # range 0 complete
        file.seek(second.start)
        file.write(DATA[second.start : second.start + 1000])  # range 1 partly
    state = state.with_segments(
        (Segment(first.start, first.end, first.length), Segment(second.start, second.end, 1000))
    )
    streams = [(1, Stream(DATA[second.start + 1000 :]))]
    advanced: list[int] = []
    fetch_segments(part, state, streams, advanced.append, lambda s: None)
    assert part.read_bytes() == DATA
    assert sum(advanced) == second.length - 1000


@pytest.mark.parametrize("error", [ConnectionResetError("reset"), KeyboardInterrupt()])
def test_an_error_stops_every_range_and_the_state_never_over_counts(
    tmp_path: Path, error: BaseException
) -> None:
    part, state = prepared(tmp_path, 3)
    gate = threading.Event()
    streams = [
        (0, Stream(DATA[: state.segments[0].length], fail_after=2, error=error)),
        (1, Stream(DATA[state.segments[1].start : state.segments[1].end + 1], gate=gate)),
        (2, Stream(DATA[state.segments[2].start :], gate=gate)),
    ]
    saved: list[PartState] = []

    def save(current: PartState) -> None:
        saved.append(current)
        gate.set()  # let the other ranges go on after the first checkpoint

    with pytest.raises(type(error)):
        fetch_segments(part, state, streams, lambda n: None, save)
    last = saved[-1]
    assert last.segments[0].done == 2 * 64 * 1024
    content = part.read_bytes()
    for segment in last.segments:  # every byte counted as done is the right byte
        done = slice(segment.start, segment.next_offset)
        assert content[done] == DATA[done]


def test_a_short_range_is_a_segment_error(tmp_path: Path) -> None:
    part, state = prepared(tmp_path, 2)
    second = state.segments[1]
    streams = [(0, Stream(DATA[: state.segments[0].length])), (1, Stream(DATA[second.start : -10]))]
    with pytest.raises(SegmentError, match="ended 10 bytes short"):
        fetch_segments(part, state, streams, lambda n: None, lambda s: None)


def test_copy_to_file_keeps_order_across_many_small_chunks(tmp_path: Path) -> None:
    chunks = [bytes([i % 256]) * (i % 7 + 1) for i in range(5000)]  # > IOV_MAX per batch
    advanced: list[int] = []
    with open(tmp_path / "out", "wb") as file:
        written = copy_to_file(iter(chunks), file, advanced.append)
    assert (tmp_path / "out").read_bytes() == b"".join(chunks)
    assert written == sum(advanced) == len(b"".join(chunks))


def test_copy_to_file_appends_after_existing_bytes(tmp_path: Path) -> None:
    path = tmp_path / "out"
    path.write_bytes(b"head-")
    with open(path, "ab") as file:
        copy_to_file(iter([b"tail"]), file, lambda n: None)
        assert file.tell() == 9
    assert path.read_bytes() == b"head-tail"

"""Pure rules of downloads: resume decisions (RFC 9110 §13.1.5, §14), the state file,
segment plans and ``--checksum`` parsing. No server: table-driven."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from wire.cli._checksum import Checksum, file_digest, parse_checksum, verify_file
from wire.cli._resume import (
    ContentRange,
    PartState,
    RangeAnswer,
    Segment,
    judge_range_response,
    load_state,
    parse_content_range,
    range_headers,
    remove_state,
    save_state,
    state_path,
)
from wire.cli._segments import MAX_SEGMENTS, plan_segments

MiB = 1 << 20
LM = "Tue, 01 Jul 2025 00:00:00 GMT"
STATE = PartState("http://h/f", '"v1"', LM, 1000)


class Headers(dict[str, str]):
    """Case-insensitive `get`, as wire's Headers."""

    def __init__(self, **values: str) -> None:
        super().__init__({k.replace("_", "-").lower(): v for k, v in values.items()})

    def get(self, key: str, /) -> str | None:  # type: ignore[override]
        return super().get(key.lower())


# --- Content-Range -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("bytes 0-99/1000", ContentRange(0, 99, 1000)),
        ("bytes 500-999/*", ContentRange(500, 999, None)),
        ("BYTES 1-1/2", ContentRange(1, 1, 2)),
        ("bytes */1000", ContentRange(None, None, 1000)),
        ("bytes */*", None),
        ("bytes 10-5/100", None),  # last before first
        ("bytes 0-1000/1000", None),  # last past the end
        ("items 0-1/2", None),
        ("bytes 0-1/two", None),
        ("", None),
        (None, None),
    ],
)
def test_parse_content_range(value: str | None, expected: ContentRange | None) -> None:
    assert parse_content_range(value) == expected


# --- the Range request ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("state", "start", "end", "expected"),
    [
        (STATE, 400, None, {"Range": "bytes=400-", "If-Range": '"v1"'}),
        (STATE, 0, 99, {"Range": "bytes=0-99", "If-Range": '"v1"'}),
        # a weak ETag cannot be used in If-Range (RFC 9110 §13.1.5): Last-Modified instead
        (PartState("u", 'W/"v1"', LM, 9), 3, None, {"Range": "bytes=3-", "If-Range": LM}),
        (PartState("u", None, LM, 9), 3, None, {"Range": "bytes=3-", "If-Range": LM}),
    ],
)
def test_range_headers(
    state: PartState, start: int, end: int | None, expected: dict[str, str]
) -> None:
    assert range_headers(state, start, end) == expected


@pytest.mark.parametrize(
    ("state", "start", "end"),
    [
        (PartState("u", None, None, 9), 0, None),  # nothing to prove sameness with
        (PartState("u", 'W/"weak"', None, 9), 0, None),
        (STATE, 5, 4),
        (STATE, -1, None),
    ],
)
def test_range_headers_refuses_what_cannot_be_resumed(
    state: PartState, start: int, end: int | None
) -> None:
    with pytest.raises(ValueError):
        range_headers(state, start, end)


# --- judging the answer ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "headers", "start", "end", "expected"),
    [
        # the rest of the same file
        (206, Headers(content_range="bytes 400-999/1000", etag='"v1"'), 400, None,
         RangeAnswer.APPEND),
        (206, Headers(content_range="bytes 400-999/1000"), 400, None, RangeAnswer.APPEND),
        (206, Headers(content_range="bytes 0-99/1000", etag='"v1"'), 0, 99, RangeAnswer.APPEND),
        (206, Headers(content_range="bytes 400-999/*"), 400, None, RangeAnswer.APPEND),
        # If-Range failed (the file changed) or ranges unsupported: the whole new file
        (200, Headers(etag='"v2"'), 400, None, RangeAnswer.REPLACE),
        # a server that ignores If-Range but not Range: a 206 of another version
        (206, Headers(content_range="bytes 400-999/1000", etag='"v2"'), 400, None,
         RangeAnswer.REFETCH),
        (206, Headers(content_range="bytes 400-999/1000", etag='W/"v1"'), 400, None,
         RangeAnswer.REFETCH),
        (206, Headers(content_range="bytes 400-1199/1200"), 400, None, RangeAnswer.REFETCH),
        (206, Headers(content_range="bytes 0-999/1000"), 400, None, RangeAnswer.REFETCH),
        (206, Headers(content_range="bytes 400-499/1000"), 400, None, RangeAnswer.REFETCH),
        (206, Headers(content_range="bytes 0-50/1000"), 0, 99, RangeAnswer.REFETCH),
        (206, Headers(), 400, None, RangeAnswer.REFETCH),  # no Content-Range at all
        (206, Headers(content_range="bytes 400-999/1000", last_modified="Wed, 02 Jul 2025"),
         400, None, RangeAnswer.REFETCH),  # no ETag sent, and another date: another version
        (206, Headers(content_range="bytes 400-999/1000", etag='"v1"',
                      last_modified="Wed, 02 Jul 2025"),
         400, None, RangeAnswer.APPEND),  # the same strong ETag decides, not the date
        # the part is already whole: success
        (416, Headers(content_range="bytes */1000"), 1000, None, RangeAnswer.COMPLETE),
        # unsatisfiable for another reason: the file shrank, or the part is too long
        (416, Headers(content_range="bytes */900"), 1000, None, RangeAnswer.REFETCH),
        (416, Headers(), 1000, None, RangeAnswer.REFETCH),
        (416, Headers(content_range="bytes */1000"), 1000, 1999, RangeAnswer.REFETCH),
        # errors are errors
        (404, Headers(), 400, None, RangeAnswer.FAIL),
        (503, Headers(), 400, None, RangeAnswer.FAIL),
        (302, Headers(location="/elsewhere"), 400, None, RangeAnswer.FAIL),
    ],
)  # fmt: skip
def test_judge_range_response(
    status: int, headers: Headers, start: int, end: int | None, expected: RangeAnswer
) -> None:
    assert judge_range_response(status, headers, STATE, start, end) is expected


@pytest.mark.parametrize(
    ("modified", "expected"),
    [(LM, RangeAnswer.APPEND), ("Wed, 02 Jul 2025 00:00:00 GMT", RangeAnswer.REFETCH)],
)
def test_last_modified_decides_when_there_is_no_etag(modified: str, expected: RangeAnswer) -> None:
    state = PartState("u", None, LM, 10)
    headers = Headers(content_range="bytes 5-9/10", last_modified=modified)
    assert judge_range_response(206, headers, state, 5) is expected


# --- the state file -------------------------------------------------------------------------


def test_state_round_trips_beside_the_part(tmp_path: Path) -> None:
    part = tmp_path / "big.iso.part"
    state = STATE.with_segments((Segment(0, 499, 100), Segment(500, 999, 500)))
    save_state(part, state)
    assert state_path(part) == tmp_path / "big.iso.part.json"
    assert load_state(part) == state
    assert state.received == 600
    assert [s.is_complete for s in state.segments] == [False, True]
    remove_state(part)
    remove_state(part)  # twice is fine
    assert load_state(part) is None
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "text",
    [
        "",
        "not json",
        "[]",
        '{"version": 2, "url": "u", "etag": null, "last_modified": null, "total": 1, '
        '"segments": []}',
        '{"version": 1, "url": "u", "etag": 5, "last_modified": null, "total": 1, '
        '"segments": []}',
        '{"version": 1, "url": "u", "etag": null, "last_modified": null, "total": -1, '
        '"segments": []}',
        # segments that leave a gap, overlap, overflow or do not end at the total
        '{"version": 1, "url": "u", "etag": "\\"x\\"", "last_modified": null, "total": 10, '
        '"segments": [[0, 3, 0], [5, 9, 0]]}',
        '{"version": 1, "url": "u", "etag": "\\"x\\"", "last_modified": null, "total": 10, '
        '"segments": [[0, 9, 11]]}',
        '{"version": 1, "url": "u", "etag": "\\"x\\"", "last_modified": null, "total": 10, '
        '"segments": [[0, 4, 0]]}',
        '{"version": 1, "url": "u", "etag": "\\"x\\"", "last_modified": null, "total": 10, '
        '"segments": [[0, 4]]}',
    ],
)
def test_invalid_state_files_are_ignored(tmp_path: Path, text: str) -> None:
    part = tmp_path / "f.part"
    state_path(part).write_text(text)
    assert load_state(part) is None


def test_a_binary_state_file_is_ignored(tmp_path: Path) -> None:
    part = tmp_path / "f.part"
    state_path(part).write_bytes(b"\xff\xfe\x00")
    assert load_state(part) is None


# --- segment plans --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("total", "count", "expected"),
    [
        (10 * MiB, 1, [(0, 10 * MiB - 1)]),
        (4 * MiB, 4, [(0, MiB - 1), (MiB, 2 * MiB - 1), (2 * MiB, 3 * MiB - 1),
                      (3 * MiB, 4 * MiB - 1)]),
        (4 * MiB + 3, 4, [(0, MiB), (MiB + 1, 2 * MiB + 1), (2 * MiB + 2, 3 * MiB + 2),
                          (3 * MiB + 3, 4 * MiB + 2)]),
        (3 * MiB, 8, [(0, MiB - 1), (MiB, 2 * MiB - 1), (2 * MiB, 3 * MiB - 1)]),  # ≥ 1 MiB
        (100, 4, [(0, 99)]),  # too small to split
    ],
)  # fmt: skip
def test_plan_segments(total: int, count: int, expected: list[tuple[int, int]]) -> None:
    segments = plan_segments(total, count)
    assert [(s.start, s.end) for s in segments] == expected
    assert all(s.done == 0 for s in segments)
    assert sum(s.length for s in segments) == total


def test_plan_segments_is_capped() -> None:
    assert len(plan_segments(1 << 40, 1000)) == MAX_SEGMENTS


@pytest.mark.parametrize(("total", "count"), [(0, 4), (10, 0)])
def test_plan_segments_refuses_nothing(total: int, count: int) -> None:
    with pytest.raises(ValueError):
        plan_segments(total, count)


# --- --checksum -----------------------------------------------------------------------------

SHA256_HELLO = "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (f"sha256:{SHA256_HELLO}", Checksum("sha256", SHA256_HELLO)),
        (f"SHA-256: {SHA256_HELLO.upper()} ", Checksum("sha256", SHA256_HELLO)),
        ("md5:" + "A" * 32, Checksum("md5", "a" * 32)),
        ("sha1:" + "0" * 40, Checksum("sha1", "0" * 40)),
        ("sha512:" + "f" * 128, Checksum("sha512", "f" * 128)),
    ],
)
def test_parse_checksum(text: str, expected: Checksum) -> None:
    assert parse_checksum(text) == expected
    assert str(expected) == f"{expected.algorithm}:{expected.hex_digest}"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (SHA256_HELLO, "expected ALGO:HEX"),
        (f"crc32:{SHA256_HELLO}", "unknown algorithm 'crc32'"),
        ("sha256:abc", "a sha256 digest is 64 hex digits, got 'abc'"),
        ("sha256:" + "g" * 64, "a sha256 digest is 64 hex digits"),
        ("md5:" + "0" * 64, "a md5 digest is 32 hex digits"),
        ("sha1:" + "00 " * 20, "a sha1 digest is 40 hex digits"),
    ],
)
def test_parse_checksum_errors(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_checksum(text)


@pytest.mark.parametrize("algorithm", ["md5", "sha1", "sha256", "sha512"])
def test_file_digest_reads_in_blocks(tmp_path: Path, algorithm: str) -> None:
    data = bytes(range(256)) * (9 * 1024)  # 2.25 MiB: more than one 1 MiB block
    path = tmp_path / "f"
    path.write_bytes(data)
    assert file_digest(path, algorithm) == hashlib.new(algorithm, data).hexdigest()
    verify_file(path, Checksum(algorithm, hashlib.new(algorithm, data).hexdigest()))

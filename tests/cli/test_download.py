"""Tests for wire.cli._download: a body lands in its final file whole, or in a .part.

The response is a small stand-in with the two members download() uses (headers.get and
iter_raw); the client is exercised end to end by the CLI tests against local servers.
"""

from __future__ import annotations

import errno
import gc
import json
import os
import sys
import tracemalloc
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest

from wire.cli._checksum import ChecksumMismatch, parse_checksum
from wire.cli._download import (
    DownloadCancelled,
    DownloadInterrupted,
    DownloadResult,
    IncompleteDownload,
    NullProgress,
    download,
)

MiB = 1 << 20


class FakeHeaders:
    """Case-insensitive, read-only headers."""

    def __init__(self, headers: dict[str, str]) -> None:
        self._headers = {name.lower(): value for name, value in headers.items()}

    def get(self, key: str, /) -> str | None:
        return self._headers.get(key.lower())


class FakeResponse:
    """A streaming response whose raw body is the given chunks, produced lazily."""

    def __init__(self, chunks: Iterable[bytes], headers: dict[str, str] | None = None) -> None:
        self.headers = FakeHeaders(headers or {})
        self._chunks = chunks
        self.num_bytes_downloaded = 0

    def iter_raw(self) -> Iterator[bytes]:
        for chunk in self._chunks:
            self.num_bytes_downloaded += len(chunk)
            yield chunk

    def close(self) -> None:
        self.closed = True

    def iter_bytes(self) -> Iterator[bytes]:
        # Stand-in "decoding": upper-case, so a test can tell which iterator was used.
        for chunk in self.iter_raw():
            yield chunk.upper()


class RecordingProgress:
    def __init__(self) -> None:
        self.events: list[tuple[str, int | None]] = []

    def start(self, total: int | None) -> None:
        self.events.append(("start", total))

    def advance(self, n_bytes: int) -> None:
        self.events.append(("advance", n_bytes))

    def finish(self) -> None:
        self.events.append(("finish", None))


def listing(directory: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(directory.iterdir())}


def fetch(
    tmp_path: Path,
    chunks: Iterable[bytes],
    headers: dict[str, str] | None = None,
    *,
    url_path: str = "/files/data.bin",
    output: Path | None = None,
    progress: RecordingProgress | NullProgress | None = None,
    **kwargs: Any,
) -> DownloadResult:
    return download(
        FakeResponse(chunks, headers),
        original_url_path=url_path,
        output=output,
        output_dir=tmp_path,
        progress=progress or NullProgress(),
        fsync=False,
        **kwargs,
    )


def test_success_renames_part_to_final(tmp_path: Path) -> None:
    progress = RecordingProgress()
    ticks = iter([10.0, 12.5])
    result = download(
        FakeResponse([b"hello ", b"world"], {"Content-Length": "11"}),
        original_url_path="/files/greeting.txt",
        output=None,
        output_dir=tmp_path,
        progress=progress,
        clock=lambda: next(ticks),
    )
    assert result == DownloadResult(tmp_path / "greeting.txt", 11, 2.5, 11)
    assert listing(tmp_path) == {"greeting.txt": b"hello world"}
    assert progress.events == [
        ("start", 11),
        ("advance", 6),
        ("advance", 5),
        ("finish", None),
    ]


def test_fsync_flushes_file_and_directory_before_reporting(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    synced: list[int] = []
    real_fsync = os.fsync

    def spy(fd: int) -> None:
        synced.append(fd)
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", spy)
    result = download(
        FakeResponse([b"data"]),
        original_url_path="/d.bin",
        output=None,
        output_dir=tmp_path,
        progress=NullProgress(),
    )
    assert result.path.read_bytes() == b"data"
    assert len(synced) == (2 if os.name == "posix" else 1)


def test_default_output_dir_is_the_current_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = download(
        FakeResponse([b"x"]), original_url_path="/x.txt", output=None, progress=NullProgress()
    )
    assert result.path == Path("x.txt")
    assert listing(tmp_path) == {"x.txt": b"x"}


@pytest.mark.parametrize(
    ("headers", "url_path", "expected_name"),
    [
        ({"Content-Disposition": 'attachment; filename="report.pdf"'}, "/dl?id=1", "report.pdf"),
        (
            {"Content-Disposition": "attachment; filename*=UTF-8''caf%C3%A9.txt"},
            "/dl",
            "café.txt",
        ),
        ({"Content-Disposition": 'attachment; filename="../../.bashrc"'}, "/dl", "bashrc"),
        ({}, "/a/b/c%20d.tar.gz", "c d.tar.gz"),
        ({"Content-Type": "application/json"}, "/", "index.json"),
        ({}, "/", "index"),
    ],
)
def test_name_comes_from_headers_then_url_then_type(
    tmp_path: Path, headers: dict[str, str], url_path: str, expected_name: str
) -> None:
    result = fetch(tmp_path, [b"body"], headers, url_path=url_path)
    assert result.path == tmp_path / expected_name
    assert listing(tmp_path) == {expected_name: b"body"}


def test_without_content_length_any_size_is_complete(tmp_path: Path) -> None:
    result = fetch(tmp_path, [b"a", b"", b"bc"])
    assert (result.bytes_written, result.total) == (3, None)
    assert listing(tmp_path) == {"data.bin": b"abc"}


def test_empty_body_gives_an_empty_file(tmp_path: Path) -> None:
    result = fetch(tmp_path, [], {"Content-Length": "0"})
    assert (result.bytes_written, result.total) == (0, 0)
    assert listing(tmp_path) == {"data.bin": b""}


@pytest.mark.parametrize(
    ("headers", "expected_total"),
    [
        # Content-Length counts the bytes as sent, content-coded or not (RFC 9110 §8.6)
        ({"Content-Length": "4", "Content-Encoding": "gzip"}, 4),
        ({"Content-Length": "4, 4"}, 4),
        # Transfer-Encoding frames the body instead (RFC 9112 §6.3)
        ({"Content-Length": "999", "Transfer-Encoding": "chunked"}, None),
        # invalid values are not checked
        ({"Content-Length": "4, 5"}, None),
        ({"Content-Length": "-4"}, None),
        ({"Content-Length": "four"}, None),
        ({"Content-Length": "\u0664"}, None),  # ARABIC-INDIC DIGIT FOUR
    ],
)
def test_content_length_framing(
    tmp_path: Path, headers: dict[str, str], expected_total: int | None
) -> None:
    progress = RecordingProgress()
    result = fetch(tmp_path, [b"gz", b"ip"], headers, progress=progress)
    assert (result.bytes_written, result.total) == (4, expected_total)
    assert progress.events[0] == ("start", expected_total)
    assert listing(tmp_path) == {"data.bin": b"gzip"}


def test_short_body_raises_and_keeps_part(tmp_path: Path) -> None:
    progress = RecordingProgress()
    with pytest.raises(IncompleteDownload) as caught:
        fetch(tmp_path, [b"12345"], {"Content-Length": "10"}, progress=progress)
    part = tmp_path / "data.bin.part"
    assert str(caught.value) == (
        f"incomplete download: received 5 of 10 bytes; partial data kept in '{part}'"
    )
    assert (caught.value.part_path, caught.value.received, caught.value.expected) == (part, 5, 10)
    assert listing(tmp_path) == {"data.bin.part": b"12345"}
    assert progress.events[-1] == ("finish", None)


def test_long_body_raises_and_keeps_part(tmp_path: Path) -> None:
    with pytest.raises(IncompleteDownload) as caught:
        fetch(tmp_path, [b"123", b"456"], {"Content-Length": "4"})
    part = tmp_path / "data.bin.part"
    assert str(caught.value) == (
        "incomplete download: received 6 bytes, more than the 4 announced; "
        f"partial data kept in '{part}'"
    )
    assert listing(tmp_path) == {"data.bin.part": b"123456"}


def test_incomplete_download_message_matches_the_cli_wording() -> None:
    error = IncompleteDownload(Path("big.bin.part"), 52428800, 104857600)
    assert str(error) == (
        "incomplete download: received 52428800 of 104857600 bytes; "
        "partial data kept in 'big.bin.part'"
    )
    assert str(IncompleteDownload(Path("x.part"), 7, None)) == (
        "incomplete download: received 7 bytes; partial data kept in 'x.part'"
    )


def open_files_under(directory: Path) -> list[str]:
    fds = Path("/proc/self/fd")
    found = []
    for fd in fds.iterdir():
        try:
            target = os.readlink(fd)
        except OSError:  # closed while listing (the listing's own fd)
            continue
        if target.startswith(str(directory)):
            found.append(target)
    return found


@pytest.mark.parametrize("error", [ConnectionResetError("peer reset"), KeyboardInterrupt()])
def test_error_mid_stream_keeps_part_and_reraises(tmp_path: Path, error: BaseException) -> None:
    def chunks() -> Iterator[bytes]:
        yield b"first "
        yield b"second"
        raise error

    progress = RecordingProgress()
    expected_type = DownloadCancelled if isinstance(error, KeyboardInterrupt) else (
        DownloadInterrupted
    )
    with pytest.raises(expected_type) as caught:
        fetch(tmp_path, chunks(), {"Content-Length": "100"}, progress=progress)
    # Ctrl-C stays a KeyboardInterrupt (exit 130), naming the part kept for --continue.
    assert isinstance(caught.value, KeyboardInterrupt) == isinstance(error, KeyboardInterrupt)
    assert caught.value.__cause__ is error
    assert caught.value.part_path == tmp_path / "data.bin.part"
    if isinstance(caught.value, DownloadInterrupted):
        assert caught.value.received == 12
    assert listing(tmp_path) == {"data.bin.part": b"first second"}
    assert progress.events == [
        ("start", 100),
        ("advance", 6),
        ("advance", 6),
        ("finish", None),
    ]
    gc.collect()
    if Path("/proc/self/fd").is_dir():
        assert open_files_under(tmp_path) == []


def test_failed_write_keeps_part_and_reraises(tmp_path: Path) -> None:
    with pytest.raises(DownloadInterrupted) as caught:
        fetch(tmp_path, [b"ok", "not bytes"])  # type: ignore[list-item]
    assert isinstance(caught.value.__cause__, TypeError)
    assert listing(tmp_path) == {"data.bin.part": b"ok"}


def test_existing_files_get_numbered_names(tmp_path: Path) -> None:
    (tmp_path / "data.bin").write_bytes(b"old")
    first = fetch(tmp_path, [b"one"])
    second = fetch(tmp_path, [b"two"])
    assert (first.path.name, second.path.name) == ("data-1.bin", "data-2.bin")
    assert listing(tmp_path) == {"data.bin": b"old", "data-1.bin": b"one", "data-2.bin": b"two"}


def test_stale_part_from_another_run_is_left_alone(tmp_path: Path) -> None:
    (tmp_path / "data.bin.part").write_bytes(b"someone else's")
    result = fetch(tmp_path, [b"mine"])
    assert result.path == tmp_path / "data-1.bin"
    assert listing(tmp_path) == {"data-1.bin": b"mine", "data.bin.part": b"someone else's"}


def test_file_created_during_download_is_not_replaced(tmp_path: Path) -> None:
    def chunks() -> Iterator[bytes]:
        yield b"downloaded"
        (tmp_path / "data.bin").write_bytes(b"created meanwhile")

    result = fetch(tmp_path, chunks())
    assert result.path == tmp_path / "data-1.bin"
    assert listing(tmp_path) == {"data.bin": b"created meanwhile", "data-1.bin": b"downloaded"}


def test_output_is_written_exactly_there(tmp_path: Path) -> None:
    output = tmp_path / "chosen.name"
    result = fetch(
        tmp_path, [b"body"], {"Content-Disposition": "attachment; filename=x"}, output=output
    )
    assert result.path == output
    assert listing(tmp_path) == {"chosen.name": b"body"}


def test_output_never_replaces_an_existing_file_by_default(tmp_path: Path) -> None:
    output = tmp_path / "out.txt"
    output.write_bytes(b"old contents")
    progress = RecordingProgress()
    with pytest.raises(FileExistsError, match="'.*out.txt' exists; add --overwrite to replace"):
        fetch(tmp_path, [b"new"], output=output, progress=progress)
    assert listing(tmp_path) == {"out.txt": b"old contents"}
    assert progress.events == []


def test_output_replaces_an_existing_file_with_overwrite(tmp_path: Path) -> None:
    output = tmp_path / "out.txt"
    output.write_bytes(b"old contents")
    result = fetch(tmp_path, [b"new"], output=output, overwrite=True)
    assert result.path == output
    assert listing(tmp_path) == {"out.txt": b"new"}


def test_overwrite_without_output_reuses_the_chosen_name(tmp_path: Path) -> None:
    (tmp_path / "data.bin").write_bytes(b"old")
    result = fetch(tmp_path, [b"new"], overwrite=True)
    assert result.path == tmp_path / "data.bin"
    assert listing(tmp_path) == {"data.bin": b"new"}


def test_output_is_kept_intact_when_the_download_fails(tmp_path: Path) -> None:
    output = tmp_path / "out.txt"
    output.write_bytes(b"old contents")
    with pytest.raises(IncompleteDownload):
        fetch(tmp_path, [b"ne"], {"Content-Length": "3"}, output=output, overwrite=True)
    assert listing(tmp_path) == {"out.txt": b"old contents", "out.txt.part": b"ne"}


def test_output_with_a_stale_part_uses_another_part(tmp_path: Path) -> None:
    output = tmp_path / "out.txt"
    (tmp_path / "out.txt.part").write_bytes(b"another run")
    with pytest.raises(IncompleteDownload) as caught:
        fetch(tmp_path, [b"x"], {"Content-Length": "2"}, output=output)
    assert caught.value.part_path == tmp_path / "out.txt-1.part"
    result = fetch(tmp_path, [b"xy"], {"Content-Length": "2"}, output=output)
    assert result.path == output
    assert listing(tmp_path) == {
        "out.txt": b"xy",
        "out.txt-1.part": b"x",
        "out.txt.part": b"another run",
    }


def test_output_that_is_a_directory_is_refused_before_anything_is_written(
    tmp_path: Path,
) -> None:
    progress = RecordingProgress()
    with pytest.raises(IsADirectoryError, match="is a directory; give a file name to --output"):
        fetch(tmp_path, [b"x"], output=tmp_path, progress=progress)
    assert listing(tmp_path) == {}
    assert progress.events == []


def test_missing_output_dir_fails_before_streaming(tmp_path: Path) -> None:
    progress = RecordingProgress()
    with pytest.raises(FileNotFoundError):
        download(
            FakeResponse([b"x"]),
            original_url_path="/x",
            output=None,
            output_dir=tmp_path / "missing",
            progress=progress,
        )
    assert progress.events == []


def test_fifty_mib_is_streamed_in_bounded_memory(tmp_path: Path) -> None:
    def chunks() -> Iterator[bytes]:  # 64 KiB chunks, as httpcore reads them
        for index in range(50 * 16):
            yield bytes([index // 16]) * (MiB // 16)

    progress = RecordingProgress()
    tracemalloc.start()
    try:
        result = fetch(tmp_path, chunks(), {"Content-Length": str(50 * MiB)}, progress=progress)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # a few 128 KiB batches queued for the writer thread; accumulating would need 50 MiB
    assert peak < 3 * MiB
    assert result.bytes_written == 50 * MiB
    assert result.path.stat().st_size == 50 * MiB
    assert len(progress.events) == 50 * 16 + 2
    with result.path.open("rb") as file:
        file.seek(49 * MiB)
        assert file.read(4) == b"\x31\x31\x31\x31"


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permission bits")
def test_unwritable_directory_raises_os_error(tmp_path: Path) -> None:
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        pytest.skip("root ignores permission bits")
    tmp_path.chmod(0o500)
    try:
        with pytest.raises(PermissionError):
            fetch(tmp_path, [b"x"])
    finally:
        tmp_path.chmod(0o700)


# --- integrity, encoding, validators --------------------------------------------------------


def test_matching_checksum_saves_the_file(tmp_path: Path) -> None:
    digest = "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"  # "hello"
    result = fetch(tmp_path, [b"hel", b"lo"], checksum=parse_checksum(f"sha256:{digest}"))
    assert listing(tmp_path) == {"data.bin": b"hello"}
    assert result.bytes_written == 5


def test_checksum_mismatch_refuses_the_rename(tmp_path: Path) -> None:
    expected = parse_checksum("md5:" + "0" * 32)
    with pytest.raises(ChecksumMismatch) as caught:
        fetch(tmp_path, [b"hello"], output=tmp_path / "out", checksum=expected)
    part = tmp_path / "out.part"
    assert str(caught.value) == (
        f"md5 checksum mismatch: expected {'0' * 32}, got 5d41402abc4b2a76b9719d911017c592; "
        f"the file was not saved (data kept in '{part}')"
    )
    assert listing(tmp_path) == {"out.part": b"hello"}


def test_decompress_saves_decoded_bytes_and_checks_the_length_as_sent(tmp_path: Path) -> None:
    headers = {"Content-Length": "4", "Content-Encoding": "gzip"}
    result = fetch(tmp_path, [b"ab", b"cd"], headers, decompress=True)
    assert listing(tmp_path) == {"data.bin": b"ABCD"}  # FakeResponse "decodes" to upper case
    assert (result.bytes_written, result.total) == (4, 4)
    with pytest.raises(IncompleteDownload):
        fetch(tmp_path, [b"ab"], headers, output=tmp_path / "short", decompress=True)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"resume": True, "decompress": True},
        {"segments": 2, "decompress": True},
        {"resume": True},  # no way to send a Range request
        {"segments": 4},
    ],
)
def test_impossible_combinations_are_refused_before_anything_is_written(
    tmp_path: Path, kwargs: dict[str, Any]
) -> None:
    fetch_stub = None if "decompress" not in kwargs else (lambda headers: None)
    with pytest.raises(ValueError):
        fetch(tmp_path, [b"x"], fetch=fetch_stub, **kwargs)
    assert listing(tmp_path) == {}


@pytest.mark.parametrize(
    ("headers", "expected_state"),
    [
        ({"ETag": '"abc"'}, {"etag": '"abc"', "last_modified": None}),
        ({"Last-Modified": "Tue, 01 Jul 2025 00:00:00 GMT"},
         {"etag": None, "last_modified": "Tue, 01 Jul 2025 00:00:00 GMT"}),
        ({"ETag": 'W/"weak"'}, None),  # never in If-Range (RFC 9110 §13.1.5): nothing saved
        ({}, None),
    ],
)  # fmt: skip
def test_validator_is_saved_beside_the_part_until_the_rename(
    tmp_path: Path, headers: dict[str, str], expected_state: dict[str, str | None] | None
) -> None:
    seen: list[str | None] = []

    def chunks() -> Iterator[bytes]:
        yield b"x"
        state = tmp_path / "data.bin.part.json"
        seen.append(state.read_text() if state.exists() else None)

    fetch(tmp_path, chunks(), {**headers, "Content-Length": "1"}, url="http://h/data.bin")
    if expected_state is None:
        assert seen == [None]
    else:
        assert seen[0] is not None
        assert json.loads(seen[0]) == {
            "version": 1,
            "url": "http://h/data.bin",
            "total": 1,
            "segments": [],
            **expected_state,
        }
    assert listing(tmp_path) == {"data.bin": b"x"}  # the state file went with the rename


def test_a_full_disk_keeps_every_byte_written_before_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    budget = [100_000]  # the "disk" takes this many bytes, then reports ENOSPC
    real_write = os.write

    def small_disk_writev(fd: int, buffers: list[bytes]) -> int:
        raise OSError(errno.ENOSPC, "No space left on device")

    def small_disk_write(fd: int, data: bytes | memoryview) -> int:
        if budget[0] <= 0:
            raise OSError(errno.ENOSPC, "No space left on device")
        n = real_write(fd, bytes(data[: budget[0]]))
        budget[0] -= n
        return n

    monkeypatch.setattr(os, "writev", small_disk_writev)
    monkeypatch.setattr(os, "write", small_disk_write)
    chunks = [bytes([i]) * 30_000 for i in range(10)]
    with pytest.raises(DownloadInterrupted) as caught:
        fetch(tmp_path, chunks, {"Content-Length": "300000"})
    assert isinstance(caught.value.__cause__, OSError)
    assert caught.value.__cause__.errno == errno.ENOSPC
    assert caught.value.received == 100_000
    assert listing(tmp_path) == {"data.bin.part": b"".join(chunks)[:100_000]}

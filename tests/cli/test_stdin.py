"""When stdin is read as the request body (wire.cli._stdin): never block on an idle stdin."""

from __future__ import annotations

import io
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

import pytest

from wire.cli._stdin import read_stdin_body


@pytest.fixture
def pipe() -> Iterator[tuple[BinaryIO, int]]:
    read_fd, write_fd = os.pipe()
    reader = os.fdopen(read_fd, "rb")
    try:
        yield reader, write_fd
    finally:
        reader.close()
        try:
            os.close(write_fd)
        except OSError:
            pass


@pytest.mark.parametrize(
    ("data", "expected"), [(b"body", b"body"), (b"", None)]
)
def test_in_memory_stdin(data: bytes, expected: bytes | None) -> None:
    assert read_stdin_body(io.BytesIO(data), is_terminal=False, method=None) == expected


def test_terminal_is_never_read() -> None:
    assert read_stdin_body(io.BytesIO(b"x"), is_terminal=True, method="POST") is None


@pytest.mark.parametrize(("content", "expected"), [(b'{"a":1}', b'{"a":1}'), (b"", None)])
def test_regular_file(tmp_path: Path, content: bytes, expected: bytes | None) -> None:
    path = tmp_path / "body"
    path.write_bytes(content)
    with path.open("rb") as stdin:
        assert read_stdin_body(stdin, is_terminal=False, method=None) == expected


def test_dev_null_is_not_read() -> None:
    with open(os.devnull, "rb") as stdin:
        assert read_stdin_body(stdin, is_terminal=False, method="POST") is None


def test_pipe_with_data(pipe: tuple[BinaryIO, int]) -> None:
    reader, write_fd = pipe
    os.write(write_fd, b"piped")
    os.close(write_fd)
    assert read_stdin_body(reader, is_terminal=False, method=None) == b"piped"


def test_closed_empty_pipe_is_an_empty_body(pipe: tuple[BinaryIO, int]) -> None:
    reader, write_fd = pipe
    os.close(write_fd)
    assert read_stdin_body(reader, is_terminal=False, method=None) == b""


def test_idle_pipe_is_given_up_quickly(pipe: tuple[BinaryIO, int]) -> None:
    reader, _ = pipe
    started = time.monotonic()
    assert read_stdin_body(reader, is_terminal=False, method="GET", wait=0.05) is None
    assert time.monotonic() - started < 2

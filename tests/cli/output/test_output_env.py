"""Environment and colour-depth detection (wire.cli._env)."""

from __future__ import annotations

import io
import sys

import pytest

from wire.cli._env import DEFAULT_WIDTH, Environment, detect_color_system


@pytest.mark.parametrize(
    ("environ", "tty", "expected"),
    [
        ({}, True, "standard"),
        ({}, False, None),
        ({"TERM": "xterm"}, True, "standard"),
        ({"TERM": "xterm-256color"}, True, "256"),
        ({"TERM": "xterm-256color", "COLORTERM": "truecolor"}, True, "truecolor"),
        ({"COLORTERM": "24bit"}, True, "truecolor"),
        ({"TERM": "dumb"}, True, None),
        ({"TERM": "unknown", "COLORTERM": "truecolor"}, True, None),
        ({"NO_COLOR": "1", "TERM": "xterm-256color"}, True, None),
        ({"NO_COLOR": "1", "FORCE_COLOR": "1"}, True, None),  # NO_COLOR wins
        ({"NO_COLOR": "", "TERM": "xterm-256color"}, True, "256"),  # empty = unset
        ({"FORCE_COLOR": "1"}, False, "standard"),
        ({"FORCE_COLOR": "1", "TERM": "dumb"}, True, "standard"),
        ({"FORCE_COLOR": "1", "COLORTERM": "truecolor"}, False, "truecolor"),
        ({"FORCE_COLOR": ""}, False, None),
    ],
)
def test_detect_color_system(environ: dict[str, str], tty: bool, expected: str | None) -> None:
    assert detect_color_system(environ, tty) == expected


def test_from_process_reads_sys_and_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "123")
    monkeypatch.setenv("NO_COLOR", "1")
    stdout = io.TextIOWrapper(io.BytesIO(), encoding="utf-8")
    monkeypatch.setattr(sys, "stdout", stdout)
    env = Environment.from_process()
    assert env.stdout is stdout.buffer
    assert env.stdout_isatty is False
    assert env.color_system is None
    assert env.width == 123
    assert env.environ["NO_COLOR"] == "1"
    assert isinstance(env.monotonic(), float)


def test_from_process_survives_missing_streams(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", None)
    monkeypatch.setattr(sys, "stdout", io.StringIO())  # no .buffer
    env = Environment.from_process()
    try:
        assert env.stdin.read() == b""
        assert env.stdout.write(b"dropped") == 7
    finally:
        env.stdin.close()
        env.stdout.close()


def test_for_testing_builds_in_memory_streams() -> None:
    env = Environment.for_testing(color_system="truecolor", stdin=b"body", monotonic=lambda: 5.0)
    env.stdout.write(b"out")
    env.stderr.write("err")
    assert isinstance(env.stdout, io.BytesIO) and env.stdout.getvalue() == b"out"
    assert isinstance(env.stderr, io.StringIO) and env.stderr.getvalue() == "err"
    assert env.stdin.read() == b"body"
    assert (env.width, env.monotonic(), env.stdout_isatty) == (DEFAULT_WIDTH, 5.0, True)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"color_system": "16"}, "color_system must be None or one of"),
        ({"width": 0}, "width must be a positive number of columns"),
    ],
)
def test_invalid_environment_is_rejected(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Environment.for_testing(**kwargs)  # type: ignore[arg-type]

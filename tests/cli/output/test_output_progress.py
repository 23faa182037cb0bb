"""Download progress rendering (wire.cli.output._progress), with a fake clock."""

from __future__ import annotations

import io
import re
from typing import cast

import pytest

from wire.cli._env import Environment
from wire.cli.output._progress import DownloadProgress, format_size, format_summary

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def _env(clock: FakeClock, *, tty: bool = True, color: str | None = "truecolor") -> Environment:
    return Environment.for_testing(
        stderr_isatty=tty, color_system=color, width=100, monotonic=clock
    )


def _stderr(env: Environment) -> str:
    return cast(io.StringIO, env.stderr).getvalue()


@pytest.mark.parametrize(
    ("n_bytes", "text"),
    [
        (0, "0 bytes"),
        (1, "1 byte"),
        (999, "999 bytes"),
        (1000, "1.0 kB"),
        (50_000_000, "50.0 MB"),
        (62_500_000.0, "62.5 MB"),
        (3 * 10**12, "3.0 TB"),
        (10**30, "1000000.0 YB"),
    ],
)
def test_format_size(n_bytes: float, text: str) -> None:
    assert format_size(n_bytes) == text


@pytest.mark.parametrize(
    ("n_bytes", "elapsed", "line"),
    [
        (50_000_000, 0.8, "Done. 50.0 MB in 0.8s (62.5 MB/s)"),
        (512, 2.0, "Done. 512 bytes in 2.0s (256 bytes/s)"),
        (10, 0.0, "Done. 10 bytes in 0.0s"),
    ],
)
def test_format_summary(n_bytes: int, elapsed: float, line: str) -> None:
    assert format_summary(n_bytes, elapsed) == line


def test_bar_shows_bytes_percent_speed_and_eta_then_a_summary() -> None:
    clock = FakeClock()
    env = _env(clock)
    with DownloadProgress(env, total=1_000_000, auto_refresh=False) as progress:
        for _ in range(5):
            clock.now += 0.1
            progress.update(100_000)
        progress.refresh()
        frame = ANSI.sub("", _stderr(env)).split("\r")[-1]
        assert frame == " 50% " + "━" * 20 + "╺" + "━" * 19 + " 0.5/1.0 MB 1.0 MB/s 0:00:01"
        # the theme's progress_bar colour (auto: cyan) draws the completed part
        assert "\x1b[36m━━━━" in _stderr(env)
    assert _stderr(env).endswith("Done. 500.0 kB in 0.5s (1.0 MB/s)\n")


def test_finished_bar_uses_the_complete_colour_and_unknown_total_pulses() -> None:
    clock = FakeClock()
    env = _env(clock)
    with DownloadProgress(env, auto_refresh=False, theme="solarized") as progress:
        progress.start(2000)  # the ProgressSink protocol: total arrives later
        clock.now += 1.0
        progress.advance(2000)
        progress.refresh()
        assert "\x1b[38;2;133;153;0m━" in _stderr(env)  # solarized green #859900
    assert _stderr(env).endswith("Done. 2.0 kB in 1.0s (2.0 kB/s)\n")


@pytest.mark.parametrize(("tty", "quiet"), [(False, False), (True, True)])
def test_disabled_progress_writes_nothing(tty: bool, quiet: bool) -> None:
    clock = FakeClock()
    env = _env(clock, tty=tty)
    with DownloadProgress(env, 10, quiet=quiet) as progress:
        progress.update(10)
    assert _stderr(env) == ""
    assert progress.received == 10 and not progress.is_enabled


def test_no_summary_when_the_download_fails() -> None:
    clock = FakeClock()
    env = _env(clock, color=None)
    with pytest.raises(KeyboardInterrupt), DownloadProgress(env, 10, auto_refresh=False) as p:
        p.update(5)
        raise KeyboardInterrupt
    assert "Done." not in _stderr(env)
    assert "\x1b[3" not in _stderr(env)  # no colour without a colour depth

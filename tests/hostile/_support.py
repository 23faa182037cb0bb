"""Helpers shared by the hostile tests: run the command in-process, check its failure shape."""

from __future__ import annotations

import re
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass

from click.testing import CliRunner

from wire.cli._command import cli
from wire.cli._env import Environment

#: Any terminal control a server could smuggle through: C0 (but \t \n), DEL, C1, bidi.
UNSAFE_FOR_TERMINAL = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]"
)


@dataclass
class Outcome:
    """What one `wire` run showed: exit code, stdout bytes, stderr text, seconds taken."""

    code: int
    out: bytes
    err: str
    seconds: float
    exception: BaseException | None

    @property
    def crashed(self) -> bool:
        """True when an exception escaped the command (a traceback for the user)."""
        return self.exception is not None and not isinstance(self.exception, SystemExit)


def piped() -> Environment:
    """stdout and stderr are pipes: raw output, no colour."""
    return Environment.for_testing(stdout_isatty=False, stderr_isatty=False)


def terminal(color: str | None = "256") -> Environment:
    """stdout and stderr are terminals (colour depth `color`)."""
    return Environment.for_testing(stdout_isatty=True, stderr_isatty=True, color_system=color)


def run_wire(args: list[str], env: Environment | None = None) -> Outcome:
    """Run `wire ARGS` in-process (CliRunner, exceptions caught and returned)."""
    env = env if env is not None else piped()
    started = time.monotonic()
    result = CliRunner().invoke(cli, args, obj=env, catch_exceptions=True)
    seconds = time.monotonic() - started
    out: bytes = env.stdout.getvalue()  # type: ignore[attr-defined]
    err: str = env.stderr.getvalue() + result.stderr  # type: ignore[attr-defined]
    return Outcome(result.exit_code, out, err, seconds, result.exception)


def assert_clean_failure(outcome: Outcome, code: int = 1, *, mentions: str = "") -> None:
    """The run failed the way a user should see it: exit `code`, one error line, no traceback.

    Args:
        outcome: the run.
        code: the expected exit status.
        mentions: a case-insensitive regex the error line must match ("" for any).
    """
    assert not outcome.crashed, f"uncaught {outcome.exception!r}"
    assert "Traceback" not in outcome.err, outcome.err
    lines = [line for line in outcome.err.splitlines() if line.strip()]
    errors = [line for line in lines if "error" in line.lower()]
    assert outcome.code == code, (outcome.code, outcome.err)
    assert len(errors) == 1, f"expected one error line, got: {outcome.err!r}"
    assert not UNSAFE_FOR_TERMINAL.search(outcome.err), outcome.err
    if mentions:
        assert re.search(mentions, errors[0], re.IGNORECASE), errors[0]


def assert_clean_success(outcome: Outcome) -> None:
    """Exit 0, nothing escaped, no traceback."""
    assert not outcome.crashed, f"uncaught {outcome.exception!r}"
    assert "Traceback" not in outcome.err
    assert outcome.code == 0, (outcome.code, outcome.err)


def peak_traced_bytes(action: Callable[[], object]) -> int:
    """Run `action` under tracemalloc; return the peak traced allocation in bytes."""
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        action()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()

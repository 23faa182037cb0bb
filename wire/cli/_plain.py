"""The plain run: `wire [METHOD] URL [REQUEST_ITEM]...` with no option, without click.

Strategy (start-up time): importing click and declaring wire's seventy options costs about
15 ms, a tenth of a whole `wire URL`. A run whose arguments hold no option (nothing starting
with "-"), no subcommand name first, no shell-completion request and no `default_options` in
the config file is exactly the click command run with every option at its default. Every
reader of the options (`_run`, `_build`, `_exchange`) already treats a missing option as
its click default (`options.get(name)`, as for `wire curl` and `wire batch`), so such a run
is `_run.run(env, {"args": argv})`, and click is not imported. Anything else goes through
click (`_command.main`). tests/cli/test_plain_run.py checks both paths against each other:
the options each one builds, and the output, status and errors of whole runs.

An exception escaping the run ends the process as click's standalone mode ends it (see
`click.Command.main`): Ctrl-C (or EOF at a prompt) prints a blank line and "Aborted!" and
exits 1, a click error from a password prompt is shown with its exit code, and a broken
stdout pipe exits 1 quietly.
"""

from __future__ import annotations

import errno
import os
import sys
from collections.abc import Mapping, Sequence
from typing import Any, TextIO, cast

__all__ = ["is_plain", "run_plain"]

#: `wire NAME ...` runs a subcommand (`_command.SUBCOMMANDS`, kept equal by a test).
SUBCOMMANDS = ("curl", "batch")


def is_plain(argv: Sequence[str], environ: Mapping[str, str]) -> bool:
    """Tell whether `wire ARGV` can run without click (see the module docstring).

    Args:
        argv: the arguments without the program name.
        environ: the environment variables (the config file and completion are looked up).

    Returns:
        True when the arguments are only positional (no "-" prefix), the first is no
        subcommand, shell completion is not requested and the config file adds no option.
    """
    if not argv or argv[0] in SUBCOMMANDS or os.name == "nt":  # click expands globs there
        return False
    if any(arg.startswith("-") for arg in argv) or environ.get("_WIRE_COMPLETE"):
        return False
    from ._config import ConfigError, load_default_options

    try:
        return not load_default_options(environ)
    except ConfigError:
        return False  # click reports it, with its usage error status


def run_plain(argv: Sequence[str]) -> int | None:
    """Run `wire ARGV` without click when `is_plain` allows it.

    Args:
        argv: the arguments without the program name (`sys.argv[1:]`).

    Returns:
        The exit status (int), or None when the run needs click (nothing was done then).
    """
    if not is_plain(argv, os.environ):
        return None
    from ._env import Environment
    from ._run import run

    options: dict[str, Any] = {"args": tuple(argv)}
    try:
        return int(run(Environment.from_process(), options))
    except (EOFError, KeyboardInterrupt):
        sys.stderr.write("\n")  # closes the terminal's ^C echo, as click does
        return _aborted()
    except OSError as exc:
        if exc.errno != errno.EPIPE:
            raise
        sys.stdout = cast(TextIO, _PacifiedFlush(sys.stdout))
        sys.stderr = cast(TextIO, _PacifiedFlush(sys.stderr))
        return 1
    except Exception as exc:
        return _click_exception_status(exc)


def _aborted() -> int:
    sys.stderr.write("Aborted!\n")
    sys.stderr.flush()
    return 1


def _click_exception_status(exc: Exception) -> int:
    """The exit status for a click exception (raised by `click.prompt`); re-raise others."""
    click = sys.modules.get("click")
    if click is None:
        raise exc
    if isinstance(exc, click.exceptions.Abort):
        return _aborted()
    if isinstance(exc, click.exceptions.ClickException):
        exc.show()
        return int(exc.exit_code)
    raise exc


class _PacifiedFlush:
    """A text stream whose `flush()` ignores a broken pipe (EPIPE), so that the interpreter's
    final flush of a closed stdout does not print a traceback (as click does)."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def flush(self) -> None:
        try:
            self._stream.flush()
        except OSError as exc:
            if exc.errno != errno.EPIPE:
                raise

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)

"""The Environment: everything the CLI reads from the process, gathered in one injectable value.

Output code never touches ``sys.stdout``, ``os.environ`` or the clock directly; it takes an
:class:`Environment`, so tests build one with ``BytesIO`` streams, a chosen colour depth, a fixed
width and a fake clock (``Environment.for_testing``), and the CLI builds the real one once with
``Environment.from_process()``.

Colour-depth rules (``detect_color_system``), first match wins; like rich's, without importing it:

    =============================================  =========================================
    condition                                      color_system
    =============================================  =========================================
    ``NO_COLOR`` set and non-empty (no-color.org)  None
    ``FORCE_COLOR`` set and non-empty              as the last three rows ("standard" or more)
    stream is not a terminal                       None
    ``TERM`` is ``dumb`` or ``unknown``            None
    ``COLORTERM`` is ``truecolor`` or ``24bit``    "truecolor"
    ``TERM`` contains ``256color``                 "256"
    otherwise                                      "standard"
    =============================================  =========================================

``FORCE_COLOR`` is an explicit request, so it wins over "not a terminal" and ``TERM=dumb``.
"""

from __future__ import annotations

import io
import os
import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import BinaryIO, TextIO, cast

#: Colour depths, from fewest colours to most, as rich's ``Console(color_system=...)`` names them.
COLOR_SYSTEMS = ("standard", "256", "truecolor")

#: Columns assumed when the terminal size cannot be read (e.g. output is piped).
DEFAULT_WIDTH = 80


def _depth_from_term(environ: Mapping[str, str]) -> str:
    if environ.get("COLORTERM", "").strip().lower() in ("truecolor", "24bit"):
        return "truecolor"
    if "256color" in environ.get("TERM", "").lower():
        return "256"
    return "standard"


def detect_color_system(environ: Mapping[str, str], is_terminal: bool) -> str | None:
    """Decide how many colours a stream can show (see the table in the module docstring).

    Args:
        environ (Mapping[str, str]): Environment variables (``NO_COLOR``, ``FORCE_COLOR``,
            ``COLORTERM``, ``TERM`` are read).
        is_terminal (bool): Whether the stream is a terminal (``isatty()``).

    Returns:
        str | None: ``"standard"`` (16 colours), ``"256"``, ``"truecolor"``, or None for no
        colour at all.
    """
    if environ.get("NO_COLOR", ""):
        return None
    if environ.get("FORCE_COLOR", ""):
        return _depth_from_term(environ)
    if not is_terminal:
        return None
    if environ.get("TERM", "").strip().lower() in ("dumb", "unknown"):
        return None
    return _depth_from_term(environ)


def _isatty(stream: object) -> bool:
    isatty = getattr(stream, "isatty", None)
    try:
        return bool(isatty()) if callable(isatty) else False
    except (OSError, ValueError):  # closed or detached streams
        return False


def _binary_stream(stream: TextIO | None, mode: str) -> BinaryIO:
    # A text stream replaced by one without a byte layer (or missing, as under pythonw)
    # falls back to the null device rather than failing at startup.
    buffer = getattr(stream, "buffer", None)
    if buffer is not None:
        return cast(BinaryIO, buffer)
    return cast(BinaryIO, open(os.devnull, mode))


def terminal_columns() -> int:
    """The terminal width in columns, as `shutil.get_terminal_size` gives it.

    Not shutil itself: importing it (with zlib, bz2 and lzma) costs about 2 ms on every run.

    Returns:
        int: ``COLUMNS`` when it is a positive number, else the width of the terminal on
        ``sys.__stdout__``, else ``DEFAULT_WIDTH``.
    """
    try:
        columns = int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns  # type: ignore[union-attr]
        except (AttributeError, ValueError, OSError):
            columns = 0
    return columns or DEFAULT_WIDTH


@dataclass
class Environment:
    """The process's streams, terminal facts, variables and clock, as one injectable value.

    Attributes:
        stdin (BinaryIO): Where request bodies are read from (bytes).
        stdin_isatty (bool): Whether stdin is a terminal (then it is not read as a body).
        stdout (BinaryIO): Where messages are written. **Binary**: text is encoded UTF-8 by the
            writer, and raw bodies are written byte for byte.
        stdout_isatty (bool): Whether stdout is a terminal; drives the output plan.
        stderr (TextIO): Where errors, download progress and notices go (text).
        stderr_isatty (bool): Whether stderr is a terminal; download progress needs one.
        color_system (str | None): Colour depth of stdout: None (no colour), ``"standard"``
            (16 colours), ``"256"`` or ``"truecolor"``.
        width (int): Terminal width in columns (> 0).
        environ (Mapping[str, str]): Environment variables.
        monotonic (Callable[[], float]): Monotonic clock in seconds (``time.monotonic``).
    """

    stdin: BinaryIO
    stdin_isatty: bool
    stdout: BinaryIO
    stdout_isatty: bool
    stderr: TextIO
    stderr_isatty: bool
    color_system: str | None
    width: int
    environ: Mapping[str, str] = field(default_factory=dict)
    monotonic: Callable[[], float] = time.monotonic

    def __post_init__(self) -> None:
        if self.color_system is not None and self.color_system not in COLOR_SYSTEMS:
            raise ValueError(
                f"color_system must be None or one of {', '.join(COLOR_SYSTEMS)}; "
                f"got {self.color_system!r}"
            )
        if self.width <= 0:
            raise ValueError(f"width must be a positive number of columns; got {self.width!r}")

    @classmethod
    def from_process(cls) -> Environment:
        """Build the Environment of the running process from ``sys`` and ``os``.

        Returns:
            Environment: Streams are ``sys.stdin.buffer``, ``sys.stdout.buffer`` and
            ``sys.stderr`` (a missing stream, e.g. under ``pythonw``, becomes ``os.devnull``,
            which nobody closes: it lives as long as the process);
            ``color_system`` follows ``detect_color_system`` for stdout; ``width`` comes from
            ``terminal_columns`` (``COLUMNS``, else the terminal's width), ``DEFAULT_WIDTH``
            when unknown.
        """
        stdin: BinaryIO = _binary_stream(sys.stdin, "rb")
        stdout: BinaryIO = _binary_stream(sys.stdout, "wb")
        stderr: TextIO = sys.stderr if sys.stderr is not None else open(os.devnull, "w")
        environ = dict(os.environ)
        stdout_isatty = _isatty(stdout)
        columns = terminal_columns()
        return cls(
            stdin=stdin,
            stdin_isatty=_isatty(stdin),
            stdout=stdout,
            stdout_isatty=stdout_isatty,
            stderr=stderr,
            stderr_isatty=_isatty(stderr),
            color_system=detect_color_system(environ, stdout_isatty),
            width=columns if columns > 0 else DEFAULT_WIDTH,
            environ=environ,
            monotonic=time.monotonic,
        )

    @classmethod
    def for_testing(
        cls,
        *,
        stdout_isatty: bool = True,
        stderr_isatty: bool = True,
        color_system: str | None = None,
        width: int = DEFAULT_WIDTH,
        stdin: bytes = b"",
        environ: Mapping[str, str] | None = None,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> Environment:
        """Build an in-memory Environment for tests (``BytesIO``/``StringIO`` streams).

        Args:
            stdout_isatty (bool): Pretend stdout is a terminal. Default True.
            stderr_isatty (bool): Pretend stderr is a terminal. Default True.
            color_system (str | None): Colour depth; None (default) means no colour.
            width (int): Columns. Default ``DEFAULT_WIDTH`` (80).
            stdin (bytes): What stdin yields; stdin is never a terminal here. Default ``b""``.
            environ (Mapping[str, str] | None): Variables; None means empty.
            monotonic (Callable[[], float]): Clock in seconds. Default ``time.monotonic``.

        Returns:
            Environment: Read what was written with ``env.stdout.getvalue()`` (bytes) and
            ``env.stderr.getvalue()`` (str).

        Example:
            >>> env = Environment.for_testing(color_system="256")
            >>> env.stdout.write(b"x")
            1
        """
        return cls(
            stdin=io.BytesIO(stdin),
            stdin_isatty=False,
            stdout=io.BytesIO(),
            stdout_isatty=stdout_isatty,
            stderr=io.StringIO(),
            stderr_isatty=stderr_isatty,
            color_system=color_system,
            width=width,
            environ=dict(environ or {}),
            monotonic=monotonic,
        )

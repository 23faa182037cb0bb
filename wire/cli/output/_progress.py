"""Download progress on stderr: a rich progress bar while the body arrives, then a summary.

``DownloadProgress`` is a context manager and also a ``ProgressSink`` for
``wire.cli._download.download`` (``start(total)``, ``advance(n_bytes)``, ``finish()``)::

    with DownloadProgress(env, theme=plan.theme, quiet=quiet) as progress:
        result = download(response, ..., progress=progress)
    # stderr now ends with e.g. "Done. 50.0 MB in 0.8s (62.5 MB/s)"

Strategy: ``update``/``advance`` only add to a counter and rich's task, so the per-chunk cost
stays tiny; rich redraws from its own thread at most ``REFRESH_PER_SECOND`` times a second,
never once per chunk. The bar is transient (erased when done) and replaced by one summary line.
Nothing at all is written when stderr is not a terminal or when quiet, and rich is then never
imported.
"""

from __future__ import annotations

from types import TracebackType
from typing import TYPE_CHECKING, Any

from ...themes import DEFAULT_THEME, get_theme

if TYPE_CHECKING:
    from ...themes import Theme
    from .._env import Environment

#: Upper bound on redraws of the bar per second.
REFRESH_PER_SECOND = 10

_UNITS = ("kB", "MB", "GB", "TB", "PB", "EB", "ZB", "YB")


def format_size(n_bytes: float) -> str:
    """Format a byte count with decimal (SI, powers of 1000) units, as rich's progress does.

    Args:
        n_bytes (float): A size or rate in bytes (>= 0).

    Returns:
        str: ``"1 byte"``, ``"999 bytes"``, ``"1.0 kB"``, ``"50.0 MB"``...
    """
    if n_bytes < 1000:
        whole = int(n_bytes)
        return "1 byte" if whole == 1 else f"{whole} bytes"
    value = float(n_bytes)
    for unit in _UNITS:
        value /= 1000
        if value < 1000 or unit == _UNITS[-1]:
            return f"{value:.1f} {unit}"
    raise AssertionError("unreachable: the loop returns at the last unit")


def format_summary(n_bytes: int, elapsed: float) -> str:
    """Build the line printed when a download completes.

    Args:
        n_bytes (int): Bytes received during this run (>= 0).
        elapsed (float): Seconds from start to finish (>= 0).

    Returns:
        str: e.g. ``"Done. 50.0 MB in 0.8s (62.5 MB/s)"``; the average speed is left out when
        ``elapsed`` is 0 (a rate over no time means nothing).
    """
    line = f"Done. {format_size(n_bytes)} in {elapsed:.1f}s"
    if elapsed > 0:
        line += f" ({format_size(n_bytes / elapsed)}/s)"
    return line


class DownloadProgress:
    """A download progress bar on ``env.stderr`` (bytes, percent, speed, ETA) plus a summary.

    Args:
        env (Environment): ``stderr``/``stderr_isatty``, ``color_system``, ``width`` and
            ``monotonic`` (the clock for speed, ETA and the summary) are used.
        total (int | None): Expected body size in bytes (Content-Length); None when unknown
            (the bar then pulses). ``start()`` may set it later. Default None.
        theme (str | Theme): Theme (or its name) giving the bar colours (``progress_bar``,
            ``progress_complete``). Default ``"auto"``.
        quiet (bool): Show nothing at all (``--quiet``). Default False.
        auto_refresh (bool): Redraw from a background thread (at most 10 times a second).
            Tests pass False and call ``refresh()`` for deterministic output. Default True.

    Raises:
        ValueError: ``theme`` names no theme.
    """

    def __init__(
        self,
        env: Environment,
        total: int | None = None,
        *,
        theme: str | Theme = DEFAULT_THEME,
        quiet: bool = False,
        auto_refresh: bool = True,
    ) -> None:
        self._env = env
        self._total = total
        self._theme = get_theme(theme) if isinstance(theme, str) else theme
        self._auto_refresh = auto_refresh
        self.is_enabled = env.stderr_isatty and not quiet
        self.received = 0
        self._started_at: float | None = None
        self._finished_at: float | None = None
        self._progress: Any = None
        self._task: Any = None

    def _build(self) -> None:
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            DownloadColumn,
            Progress,
            TaskProgressColumn,
            TimeRemainingColumn,
            TransferSpeedColumn,
        )

        from ...themes._adapters import style_name, to_rich_theme

        console = Console(
            file=self._env.stderr,
            force_terminal=True,
            color_system=self._env.color_system,  # type: ignore[arg-type]
            no_color=self._env.color_system is None,
            width=self._env.width,
            theme=to_rich_theme(self._theme),
            legacy_windows=False,
        )
        self._progress = Progress(
            TaskProgressColumn(),
            BarColumn(
                # "dim" rather than rich's grey23: the remaining part must show on light
                # and dark backgrounds with any colour depth.
                style="dim",
                complete_style=style_name("progress_bar"),
                finished_style=style_name("progress_complete"),
            ),
            DownloadColumn(),
            TransferSpeedColumn(),
            TimeRemainingColumn(),
            console=console,
            auto_refresh=self._auto_refresh,
            refresh_per_second=REFRESH_PER_SECOND,
            transient=True,
            redirect_stdout=False,  # never hijack sys.stdout: the body may be going there
            redirect_stderr=False,
            get_time=self._env.monotonic,
        )
        self._task = self._progress.add_task("download", total=self._total)

    def start(self, total: int | None = None) -> None:
        """Start timing and showing progress (idempotent; entering the context calls it).

        Args:
            total (int | None): Expected size in bytes; None keeps the size given before
                (or unknown).
        """
        if total is not None:
            self._total = total
        if self._started_at is None:
            self._started_at = self._env.monotonic()
            if self.is_enabled:
                self._build()
                self._progress.start()
        if self._progress is not None:
            self._progress.update(self._task, total=self._total)

    def update(self, n_bytes: int) -> None:
        """Count bytes just received; cheap, meant to be called once per chunk.

        Args:
            n_bytes (int): Size of the chunk, in bytes (an increment, not a total).
        """
        self.received += n_bytes
        if self._progress is not None:
            self._progress.advance(self._task, n_bytes)

    advance = update  # the name wire.cli._download.ProgressSink uses

    def refresh(self) -> None:
        """Redraw the bar now (for ``auto_refresh=False``); no-op when disabled."""
        if self._progress is not None:
            self._progress.refresh()

    def finish(self) -> None:
        """Stop timing and erase the bar (idempotent). The summary is written by ``__exit__``."""
        if self._finished_at is None:
            self._finished_at = self._env.monotonic()
        if self._progress is not None:
            self._progress.stop()
            self._progress = None

    @property
    def elapsed(self) -> float:
        """Seconds since ``start()``, up to ``finish()`` once finished; 0.0 before start."""
        if self._started_at is None:
            return 0.0
        end = self._finished_at if self._finished_at is not None else self._env.monotonic()
        return max(0.0, end - self._started_at)

    def __enter__(self) -> DownloadProgress:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.finish()
        if exc_type is None and self.is_enabled:
            self._env.stderr.write(format_summary(self.received, self.elapsed) + "\n")
            self._env.stderr.flush()

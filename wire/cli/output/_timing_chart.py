"""`--timing`: the phases of an exchange as a waterfall, drawn with rich (imported lazily).

    dns         0.4 ms  ▏
    connect     0.3 ms   ▏
    tls         4.1 ms   ████
    send        0.1 ms       ▏
    wait       52.0 ms       ██████████████████████████████████
    receive     1.2 ms                                         █
    total      58.1 ms  remote 127.0.0.1:8443, HTTP/1.1, TLSv1.3

Each bar starts where its phase started and is as long as it lasted, on one time axis from 0
to the total; a phase too short for one cell still shows as a thin mark.
"""

from __future__ import annotations

import io

from ...client_core._timing import Timing, format_address

__all__ = ["PHASE_STYLES", "render_timing"]

#: rich style of each phase's bar.
PHASE_STYLES = {
    "dns": "cyan",
    "connect": "yellow",
    "tls": "magenta",
    "send": "blue",
    "wait": "green",
    "receive": "bright_white",
}
_LABEL_WIDTH = 23  # "receive     12345.6 ms  "


def _bar(start: float, duration: float, total: float, cells: int) -> tuple[int, str]:
    """(leading cells, bar text) for a phase on an axis of `cells` cells spanning `total` s."""
    if total <= 0 or cells <= 0:
        return 0, "▏"
    # Both ends rounded on the same grid, so that back-to-back phases tile without overlap.
    lead = min(cells - 1, round(start / total * cells))
    end = min(cells, round((start + duration) / total * cells))
    length = end - lead
    return lead, "█" * length if length >= 1 else "▏"


def render_timing(timing: Timing, *, width: int = 80, color: str | bool | None = None) -> str:
    """Draw `timing` as text lines (see the module docstring).

    Args:
        timing: the `Timing` of one exchange.
        width: int columns available (at least 30 are used).
        color: a rich colour system ("standard", "256", "truecolor") for ANSI colours, or a
            false value for plain text.

    Returns:
        str, newline-terminated lines.
    """
    from rich.console import Console
    from rich.text import Text

    buffer = io.StringIO()
    color_system = color if isinstance(color, str) else None
    console = Console(
        file=buffer,
        width=max(width, 30),
        color_system=color_system,  # type: ignore[arg-type]
        force_terminal=color_system is not None,
        no_color=color_system is None,
        highlight=False,
        emoji=False,
    )
    cells = max(width, 30) - _LABEL_WIDTH - 1
    for phase in timing.phases:
        lead, bar = _bar(phase.start, phase.duration, timing.total, cells)
        line = Text(f"{phase.name:<9}{phase.duration * 1000:>9.1f} ms  ")
        line.append(" " * lead + bar, style=PHASE_STYLES.get(phase.name, ""))
        console.print(line, no_wrap=True, crop=True)
    facts = []
    if timing.remote_address is not None:
        facts.append(f"remote {format_address(timing.remote_address)}")
    facts += [fact for fact in (timing.http_version, timing.tls_version) if fact]
    total = Text(f"{'total':<9}{timing.total * 1000:>9.1f} ms  " + ", ".join(facts))
    console.print(total, style="bold", no_wrap=True, crop=True)
    return buffer.getvalue()

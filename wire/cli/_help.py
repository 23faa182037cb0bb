"""`wire --help`, drawn with rich: usage, description, one panel per option group, examples.

Imported only when help is asked for, so rich never loads for a plain request. The text comes
from the click declarations alone (`_command`); only the layout is decided here. Colours
follow stdout (NO_COLOR, FORCE_COLOR, a terminal or not) through `detect_color_system`, and
click's `echo` strips them again when stdout is not a terminal.
"""

from __future__ import annotations

import io
import os
import shutil
import sys

import click

from ._env import detect_color_system

__all__ = ["render_help"]

#: The widest help text, in columns, however wide the terminal is (long lines read badly).
MAX_WIDTH = 100


def option_label(param: click.Option, ctx: click.Context) -> str:
    """The names column of one option: short names first, `--[no-]x` for a `--no-` pair.

    Examples of the result: `-j, --[no-]json`, `--sorted / --unsorted`, `-p, --print WHAT`.
    """
    shorts = [name for name in param.opts if not name.startswith("--")]
    longs = [name for name in param.opts if name.startswith("--")]
    secondary = list(param.secondary_opts)
    if len(longs) == 1 and secondary == ["--no-" + longs[0][2:]]:
        longs, secondary = ["--[no-]" + longs[0][2:]], []
    label = ", ".join([*shorts, *longs])
    if secondary:
        label += " / " + ", ".join(secondary)
    if not (param.is_flag or param.count):
        label += " " + param.make_metavar(ctx)
    return label


def _grouped_options(
    command: click.Command, ctx: click.Context
) -> list[tuple[str, list[click.Option]]]:
    groups: list[tuple[str, tuple[str, ...]]] = list(getattr(command, "option_groups", ()))
    options = [
        param for param in command.get_params(ctx)
        if isinstance(param, click.Option) and not param.hidden
    ]
    placed: set[int] = set()
    result: list[tuple[str, list[click.Option]]] = []
    for title, names in groups:
        members = [
            option for name in names for option in options
            if name in option.opts and id(option) not in placed
        ]
        placed.update(id(option) for option in members)
        if members:
            result.append((title, members))
    rest = [option for option in options if id(option) not in placed]
    if rest:
        result.append(("Other options", rest))
    return result


def render_help(command: click.Command, ctx: click.Context) -> str:
    """Render the help of `command` with rich.

    Args:
        command: the click command (its `help`, `epilog`, params and `option_groups`, a
            tuple of `(title, option names)`; options in no group go under "Other options").
        ctx: its click context (for usage pieces and metavars).

    Returns:
        str: the help, with ANSI colour sequences when stdout can show colours, without a
        trailing newline.
    """
    from rich.console import Console, Group
    from rich.panel import Panel
    from rich.table import Table
    from rich.text import Text

    color_system = detect_color_system(os.environ, sys.stdout.isatty())
    width = min(shutil.get_terminal_size((MAX_WIDTH, 24)).columns, MAX_WIDTH)
    buffer = io.StringIO()
    console = Console(
        file=buffer,
        width=width,
        force_terminal=color_system is not None,
        color_system=color_system,  # type: ignore[arg-type]  # one of rich's names
        no_color=color_system is None,
        highlight=False,
        emoji=False,
        markup=False,
    )
    usage = " ".join(command.collect_usage_pieces(ctx))
    console.print(Text.assemble(("Usage: ", "bold"), (f"{ctx.command_path} ", "bold"), usage))
    console.print()
    if command.help:
        console.print(Text(_click_text(command.help)))
        console.print()
    for title, options in _grouped_options(command, ctx):
        table = Table.grid(padding=(0, 2))
        table.add_column(no_wrap=True, max_width=width // 2)
        table.add_column()
        for option in options:
            record = option.get_help_record(ctx)
            label = Text(option_label(option, ctx), "bold cyan")
            label.highlight_regex(r" [^-\s][^\s]*$", "yellow")  # the metavar
            table.add_row(label, Text(record[1] if record else ""))
        console.print(Panel(Group(table), title=title, title_align="left", border_style="dim"))
    if command.epilog:
        console.print()
        console.print(Text(_click_text(command.epilog)))
    return buffer.getvalue().rstrip("\n")


def _click_text(text: str) -> str:
    """Help text as click shows it: `\\b` markers dropped, paragraphs kept as written."""
    import inspect

    cleaned = inspect.cleandoc(text)
    return "\n".join(line for line in cleaned.split("\n") if line.strip() != "\b")

#!/usr/bin/env python3
"""Generate man/wire.1 (roff, man macros) from the click command; `--check` fails if it is stale.

The page is built from the click declarations alone, so `wire --help` and `man wire` never
disagree:

- NAME: the command's short help (or the first sentence of its help).
- SYNOPSIS: click's usage pieces (`[OPTIONS] URL ...`).
- DESCRIPTION: the command's help, up to the first form feed, as click would print it.
- ARGUMENTS: each argument that has help text.
- OPTIONS: each visible option: its names, metavar, and the help `--help` shows (with defaults),
  in `.SS` subsections when the command has `option_groups` (`(title, option names)` pairs).
- EXIT STATUS: the (code, meaning) table `wire.cli._exit.EXIT_STATUS_DOC`.
- EXAMPLES: the command's epilog, if any.

Help text follows click's conventions: blank lines separate paragraphs, and a paragraph whose
first line is `\\b` is kept as preformatted lines; so is a paragraph indented deeper than the
rest (an example). The output holds no date and no version, so it changes only when the
declarations do.

Usage:
    python scripts/gen_man.py                  # write man/wire.1
    python scripts/gen_man.py --check          # exit 1 if man/wire.1 is stale
    python scripts/gen_man.py --command pkg.mod:cmd --exit-status pkg.mod:TABLE --output x.1
"""

from __future__ import annotations

import argparse
import importlib
import inspect
import sys
from collections.abc import Sequence
from pathlib import Path

import click

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_COMMAND = "wire.cli._command:cli"
DEFAULT_EXIT_STATUS = "wire.cli._exit:EXIT_STATUS_DOC"
DEFAULT_OUTPUT = ROOT / "man" / "wire.1"


def load_object(spec: str) -> object:
    """Import "package.module:attribute" and return the attribute.

    Raises:
        ValueError: When `spec` has no ":".
        ImportError: When the module cannot be imported.
        AttributeError: When the module has no such attribute.
    """
    module_name, sep, attribute = spec.partition(":")
    if not sep:
        raise ValueError(f"expected 'module:attribute', got {spec!r}")
    return getattr(importlib.import_module(module_name), attribute)


def escape(text: str) -> str:
    """Escape `text` for roff body text (not for macro arguments).

    Backslashes become `\\e`; every `-` becomes `\\-` so options and commands copy-paste as
    ASCII; non-ASCII characters become `\\[uXXXX]` so the page is ASCII and renders the same
    whatever encoding groff assumes; a line starting with `.` or `'` gets a `\\&` guard so roff
    does not read it as a request.
    """
    text = text.replace("\\", "\\e").replace("-", "\\-")
    text = "".join(c if c.isascii() else f"\\[u{ord(c):04X}]" for c in text)
    lines = [f"\\&{line}" if line.startswith((".", "'")) else line for line in text.split("\n")]
    return "\n".join(lines)


def help_paragraphs(text: str) -> list[tuple[bool, str]]:
    """Split click help text into (is_preformatted, text) paragraphs.

    Args:
        text: Raw help text; it is dedented and cut at the first form feed (as click does).

    Returns:
        One tuple per paragraph. Preformatted ones keep their lines: those under click's `\\b`
        marker (which is dropped) and those whose every line is indented (after dedenting the
        whole text), such as command examples. The others are joined into one line with
        single spaces.
    """
    text = inspect.cleandoc(text).partition("\f")[0]
    paragraphs: list[tuple[bool, str]] = []
    for block in text.split("\n\n"):
        lines = block.strip("\n").split("\n")
        if not block.strip():
            continue
        if lines[0].strip() == "\b":
            paragraphs.append((True, "\n".join(lines[1:])))
        elif all(line.startswith((" ", "\t")) for line in lines):
            # An indented block (a command example, a table) reads best as it was typed.
            paragraphs.append((True, "\n".join(lines)))
        else:
            paragraphs.append((False, " ".join(line.strip() for line in lines)))
    return paragraphs


def render_text(text: str, separator: str = ".PP") -> list[str]:
    """Help text as roff lines; `separator` (".PP" or ".IP") goes between paragraphs."""
    out: list[str] = []
    for index, (preformatted, paragraph) in enumerate(help_paragraphs(text)):
        if index:
            out.append(separator)
        if preformatted:
            out.extend([".nf", escape(paragraph), ".fi"])
        else:
            out.append(escape(paragraph))
    return out


def _option_heading(option: click.Option, ctx: click.Context) -> str:
    """`\\fB\\-\\-json\\fR, \\fB\\-j\\fR \\fIMETAVAR\\fR` for one option."""
    names = ", ".join(f"\\fB{escape(name)}\\fR" for name in option.opts)
    if option.secondary_opts:
        names += " / " + ", ".join(f"\\fB{escape(name)}\\fR" for name in option.secondary_opts)
    if option.is_flag or option.count:
        return names
    return f"{names} \\fI{escape(option.make_metavar(ctx))}\\fR"


def _option_entry(option: click.Option, ctx: click.Context) -> list[str]:
    record = option.get_help_record(ctx)
    return [".TP", _option_heading(option, ctx), *render_text(record[1] if record else "", ".IP")]


def _options_section(command: click.Command, ctx: click.Context) -> list[str]:
    """OPTIONS, with one `.SS` subsection per group when the command has `option_groups`
    (a sequence of `(title, option names)`, as `wire --help` shows them)."""
    options = [
        param for param in command.get_params(ctx)
        if isinstance(param, click.Option) and not param.hidden
    ]
    groups = list(getattr(command, "option_groups", ()) or ())
    out: list[str] = []
    placed: set[int] = set()
    for title, names in groups:
        members = [
            option for name in names for option in options
            if name in option.opts and id(option) not in placed
        ]
        if not members:
            continue
        placed.update(id(option) for option in members)
        out.append(f".SS {escape(title)}")
        for option in members:
            out.extend(_option_entry(option, ctx))
    rest = [option for option in options if id(option) not in placed]
    if rest and groups:
        out.append(".SS Other options")
    for option in rest:
        out.extend(_option_entry(option, ctx))
    return [".SH OPTIONS", *out] if out else []


def _arguments_section(command: click.Command, ctx: click.Context) -> list[str]:
    out: list[str] = []
    for param in command.get_params(ctx):
        if isinstance(param, click.Argument):
            metavar, text = param.get_help_record(ctx)
            if text:
                out.extend([".TP", f"\\fI{escape(metavar)}\\fR", *render_text(text, ".IP")])
    return [".SH ARGUMENTS", *out] if out else []


def _name_line(info: dict[str, object], prog_name: str) -> str:
    summary = info.get("short_help") or ""
    if not summary and isinstance(info.get("help"), str):
        first = help_paragraphs(str(info["help"]))
        summary = first[0][1].split(". ")[0].rstrip(".") if first else ""
    return f"{prog_name} \\- {escape(str(summary))}" if summary else prog_name


def render_man(
    command: click.Command,
    exit_status: Sequence[tuple[int, str]],
    prog_name: str = "wire",
    source: str = DEFAULT_COMMAND,
) -> str:
    """The man page of `command`, as roff text ending with a newline.

    Args:
        command: The click command to document.
        exit_status: (exit code, meaning) pairs for EXIT STATUS, in order; empty for none.
        prog_name: str program name used in NAME, SYNOPSIS and the title. Default "wire".
        source: str "module:attribute" named in the "generated from" comment.

    Returns:
        str roff source (man macros); the same declarations always give the same text.
    """
    ctx = click.Context(command, info_name=prog_name)
    info = command.to_info_dict(ctx)
    lines = [
        f'.\\" Generated by scripts/gen_man.py from {source}; do not edit.',
        f'.TH {prog_name.upper()} 1 "" "{prog_name}" "User Commands"',
        # No hyphenation and ragged-right lines: option names and URLs must never be split.
        ".nh",
        ".ad l",
        ".SH NAME",
        _name_line(info, prog_name),
        ".SH SYNOPSIS",
        f"\\fB{escape(prog_name)}\\fR {escape(' '.join(command.collect_usage_pieces(ctx)))}",
    ]
    if info.get("help"):
        lines += [".SH DESCRIPTION", *render_text(str(info["help"]))]
    lines += _arguments_section(command, ctx)
    lines += _options_section(command, ctx)
    if exit_status:
        lines.append(".SH EXIT STATUS")
        for code, meaning in exit_status:
            lines += [".TP", f"\\fB{code}\\fR", *render_text(meaning, ".IP")]
    if info.get("epilog"):
        lines += [".SH EXAMPLES", *render_text(str(info["epilog"]))]
    return "\n".join(lines) + "\n"


def _parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else None)
    parser.add_argument("--check", action="store_true", help="exit 1 if OUTPUT is stale")
    parser.add_argument("--command", default=DEFAULT_COMMAND, help="module:attribute")
    parser.add_argument("--exit-status", default=DEFAULT_EXIT_STATUS, help="module:attribute")
    parser.add_argument("--prog-name", default="wire")
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    """Write (or with --check, compare) the man page.

    Args:
        argv: Arguments without the program name; None means sys.argv[1:].

    Returns:
        0 when written or up to date; 1 when --check finds OUTPUT stale or missing;
        2 when the command or the exit-status table cannot be loaded.
    """
    args = _parse_args(argv)
    try:
        command = load_object(args.command)
        exit_status = load_object(args.exit_status)
    except (ImportError, AttributeError, ValueError) as exc:
        print(f"gen_man: cannot load {exc}", file=sys.stderr)
        return 2
    if not isinstance(command, click.Command):
        print(f"gen_man: {args.command} is not a click.Command", file=sys.stderr)
        return 2
    if not isinstance(exit_status, list | tuple):
        print(f"gen_man: {args.exit_status} is not a list of (code, text)", file=sys.stderr)
        return 2
    table = [(int(code), str(text)) for code, text in exit_status]
    page = render_man(command, table, prog_name=args.prog_name, source=args.command)
    output: Path = args.output
    if args.check:
        current = output.read_text(encoding="utf-8") if output.exists() else None
        if current != page:
            print(
                f"gen_man: {output} is stale; regenerate it with: python scripts/gen_man.py",
                file=sys.stderr,
            )
            return 1
        return 0
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(page, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())

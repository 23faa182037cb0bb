"""One theme drives rich and pygments (wire.themes._adapters)."""

from __future__ import annotations

import io

import pytest
from pygments import highlight
from pygments.formatters import Terminal256Formatter
from pygments.lexers.data import JsonLexer
from pygments.style import Style as PygmentsStyle
from pygments.token import Comment, Keyword, Name, Number, Operator, Punctuation, String, Text
from rich.console import Console
from rich.style import Style as RichStyle

from wire.themes import available_themes, get_theme
from wire.themes._adapters import (
    slot_for_token,
    style_name,
    to_pygments_style,
    to_pygments_style_string,
    to_rich_theme,
)


@pytest.mark.parametrize("name", available_themes())
def test_rich_theme_defines_every_slot(name: str) -> None:
    theme = get_theme(name)
    rich_theme = to_rich_theme(theme)
    for slot, style in theme.slots().items():
        assert rich_theme.styles[style_name(slot)] == RichStyle.parse(style)
    assert rich_theme.styles["bar.complete"] == RichStyle.parse(theme.progress_bar)
    assert rich_theme.styles["bar.finished"] == RichStyle.parse(theme.progress_complete)


def test_rich_console_renders_slot_names() -> None:
    buffer = io.StringIO()
    console = Console(
        file=buffer,
        force_terminal=True,
        color_system="standard",
        theme=to_rich_theme(get_theme("auto")),
    )
    console.print("ok", style=style_name("status_2xx"), end="")
    assert buffer.getvalue() == "\x1b[32mok\x1b[0m"


@pytest.mark.parametrize(
    ("rich_style", "pygments_style"),
    [
        ("green", "ansigreen"),
        ("bold blue", "bold ansiblue"),
        ("bright_black", "ansibrightblack"),
        ("white", "ansigray"),
        ("bright_white", "ansiwhite"),
        ("italic #93a1a1", "italic #93a1a1"),
        ("underline red on #002b36", "underline ansired bg:#002b36"),
        ("color(196)", "#ff0000"),
        ("none", ""),
        ("dim", ""),
    ],
)
def test_pygments_style_strings(rich_style: str, pygments_style: str) -> None:
    assert to_pygments_style_string(rich_style) == pygments_style


@pytest.mark.parametrize(
    ("token", "is_json", "slot"),
    [
        (Keyword.Constant, True, "keyword"),
        (Name.Tag, True, "json_key"),
        (Name.Tag, False, "tag"),
        (Name.Attribute, False, "attribute"),
        (String.Double, False, "string"),
        (Number.Float, True, "number"),
        (Punctuation, True, "punctuation"),
        (Operator, False, "punctuation"),
        (Comment.Preproc, False, "comment"),
        (Text.Whitespace, True, None),
        (Name.Builtin, False, None),
    ],
)
def test_slot_for_token(token: object, is_json: bool, slot: str | None) -> None:
    assert slot_for_token(token, is_json=is_json) == slot


@pytest.mark.parametrize("name", available_themes())
def test_pygments_style_follows_the_theme(name: str) -> None:
    theme = get_theme(name)
    style = to_pygments_style(theme)
    assert issubclass(style, PygmentsStyle)
    assert style.styles[String] == to_pygments_style_string(theme.string)
    assert style.styles[Name.Tag] == to_pygments_style_string(theme.tag)
    # token subtypes inherit their parent's colour
    assert style.style_for_token(String.Double) == style.style_for_token(String)


def test_pygments_formatter_uses_the_theme_colours() -> None:
    style = to_pygments_style(get_theme("auto"))
    out = highlight('{"a": true}', JsonLexer(), Terminal256Formatter(style=style))
    assert "\x1b[35mtrue" in out  # keyword: magenta (ANSI 5), from the terminal palette

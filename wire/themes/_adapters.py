"""Theme → rich.theme.Theme and Theme → pygments Style, so one Theme drives every colour.

This is the only module in ``wire.themes`` that imports rich and pygments; import it lazily
(inside the function that is about to draw colours), never from a module imported at startup.

Token mapping (pygments token type → theme slot; a token without an entry uses its parent's):

    ==========================  ===========  ==========================================
    pygments token              slot         example
    ==========================  ===========  ==========================================
    Keyword (incl. .Constant)   keyword      ``true``, ``null``, ``function``
    Name.Tag                    tag          ``<html>`` (JSON lexers: ``json_key``)
    Name.Attribute              attribute    ``href=``, form field names
    String                      string       ``"text"``
    Number                      number       ``3.14``
    Punctuation, Operator       punctuation  ``{``, ``,``, ``=``
    Comment                     comment      ``<!-- x -->``, ``<?xml ...?>``
    ==========================  ===========  ==========================================
"""

from __future__ import annotations

from typing import Any

from pygments.style import Style as PygmentsStyle
from pygments.token import (
    Comment,
    Keyword,
    Name,
    Number,
    Operator,
    Punctuation,
    String,
    Token,
)
from rich.color import ColorType
from rich.style import Style as RichStyle
from rich.theme import Theme as RichTheme

from ._model import STYLE_PREFIX, Theme

#: pygments token type → Theme slot name (see the table in the module docstring).
TOKEN_SLOTS: dict[Any, str] = {
    Keyword: "keyword",
    Name.Tag: "tag",
    Name.Attribute: "attribute",
    String: "string",
    Number: "number",
    Punctuation: "punctuation",
    Operator: "punctuation",
    Comment: "comment",
}

# Standard ANSI colour number (0–15) → pygments' ANSI colour name. pygments calls colour 7
# "ansigray" and colour 15 "ansiwhite", unlike rich ("white" / "bright_white").
_PYGMENTS_ANSI = (
    "ansiblack",
    "ansired",
    "ansigreen",
    "ansiyellow",
    "ansiblue",
    "ansimagenta",
    "ansicyan",
    "ansigray",
    "ansibrightblack",
    "ansibrightred",
    "ansibrightgreen",
    "ansibrightyellow",
    "ansibrightblue",
    "ansibrightmagenta",
    "ansibrightcyan",
    "ansiwhite",
)


def style_name(slot: str) -> str:
    """Return the rich style name under which ``to_rich_theme`` registers a slot.

    Args:
        slot (str): A Theme slot name, e.g. ``"status_2xx"``.

    Returns:
        str: The rich style name, e.g. ``"wire.status_2xx"``.
    """
    return STYLE_PREFIX + slot


def slot_for_token(token_type: Any, *, is_json: bool = False) -> str | None:
    """Return the Theme slot that colours a pygments token type.

    Args:
        token_type (pygments.token._TokenType): The token type from ``lexer.get_tokens()``.
        is_json (bool): True when the tokens come from a JSON lexer, whose object keys are
            ``Name.Tag`` tokens; they then use ``json_key`` instead of ``tag``. Default False.

    Returns:
        str | None: The slot name, or None when the token (e.g. whitespace, ``Error``) is drawn
        in the terminal's default colour.
    """
    current = token_type
    # Token types form a tree of bounded depth (Token.Literal.String.Double...); walk up.
    while current is not None and current is not Token:
        slot = TOKEN_SLOTS.get(current)
        if slot is not None:
            if slot == "tag" and is_json:
                return "json_key"
            return slot
        current = current.parent
    return None


def to_rich_theme(theme: Theme) -> RichTheme:
    """Build the rich theme for a wire Theme.

    Every slot becomes a style named ``wire.<slot>`` (``wire.status_2xx``, ``wire.json_key``...).
    rich's own progress-bar styles (``bar.complete``, ``bar.finished``) are overridden with the
    ``progress_bar`` / ``progress_complete`` slots so stock rich columns follow the theme too.

    Args:
        theme (Theme): The theme to convert.

    Returns:
        rich.theme.Theme: A theme inheriting rich's defaults for every other style name.

    Raises:
        rich.errors.StyleSyntaxError: When a slot holds an invalid rich style string.
    """
    styles: dict[str, str | RichStyle] = {
        style_name(slot): RichStyle.parse(value) for slot, value in theme.slots().items()
    }
    styles["bar.complete"] = RichStyle.parse(theme.progress_bar)
    styles["bar.finished"] = RichStyle.parse(theme.progress_complete)
    return RichTheme(styles, inherit=True)


def _pygments_color(style: RichStyle, *, background: bool) -> str | None:
    color = style.bgcolor if background else style.color
    if color is None or color.is_default:
        return None
    if color.type == ColorType.STANDARD and color.number is not None:
        # Keep ANSI colours symbolic so terminal formatters use the user's palette.
        return _PYGMENTS_ANSI[color.number]
    return color.get_truecolor().hex


def to_pygments_style_string(style_string: str) -> str:
    """Convert one rich style string into pygments' style-string syntax.

    Args:
        style_string (str): A rich style, e.g. ``"bold bright_green on #002b36"``.

    Returns:
        str: The pygments equivalent, e.g. ``"bold ansibrightgreen bg:#002b36"``; ``""`` for a
        style that sets nothing (``"none"``). Attributes pygments lacks (dim, blink...) are
        dropped.

    Raises:
        rich.errors.StyleSyntaxError: When ``style_string`` is not a valid rich style.
    """
    style = RichStyle.parse(style_string)
    parts: list[str] = []
    for attribute in ("bold", "italic", "underline"):
        if getattr(style, attribute):
            parts.append(attribute)
    foreground = _pygments_color(style, background=False)
    if foreground is not None:
        parts.append(foreground)
    background = _pygments_color(style, background=True)
    if background is not None:
        parts.append(f"bg:{background}")
    return " ".join(parts)


def to_pygments_style(theme: Theme) -> type[PygmentsStyle]:
    """Build a pygments ``Style`` class from a wire Theme (for pygments formatters/rich Syntax).

    Args:
        theme (Theme): The theme to convert.

    Returns:
        type[pygments.style.Style]: A new Style subclass named after the theme whose ``styles``
        map the token types in ``TOKEN_SLOTS`` to the matching slots. Its background is left
        unset so the terminal's own background shows through.

    Raises:
        rich.errors.StyleSyntaxError: When a slot holds an invalid rich style string.
    """
    styles = {
        token_type: to_pygments_style_string(getattr(theme, slot))
        for token_type, slot in TOKEN_SLOTS.items()
    }
    class_name = "Wire" + "".join(part.title() for part in theme.name.split("-")) + "Style"
    namespace = {
        "styles": styles,
        "background_color": None,
        "__doc__": theme.description,
        "__module__": __name__,
    }
    style_class: type[PygmentsStyle] = type(class_name, (PygmentsStyle,), namespace)
    return style_class

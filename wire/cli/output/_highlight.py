"""Colour heads and bodies: pygments tokens → rich ``Text`` styled by the wire theme → ANSI.

Import this module lazily, only when the output plan has colours on: it imports rich and
pygments (and each lexer only when its media type is met).

Strategy: pygments tokenises (lexer chosen by media type; no lexer means no body colours),
``wire.themes._adapters.slot_for_token`` maps each token to a theme slot, and rich renders
the resulting ``Text`` for the terminal's colour depth with soft wrapping (no hard line breaks
are ever inserted, so copied output stays intact). Heads are coloured by their structure:
request line, status line (by status class), header names, separators and values.

Input text must already be sanitised for the terminal when it comes from the network.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

from pygments.lexer import RegexLexer, bygroups
from pygments.token import Name, Operator, Punctuation, String
from rich.console import Console
from rich.text import Text

from ...themes import Theme
from ...themes._adapters import slot_for_token, style_name, to_rich_theme
from ._formatters import is_json_media_type, media_type


class FormUrlEncodedLexer(RegexLexer):  # type: ignore[misc]  # pygments ships no type hints
    """Lexer for ``application/x-www-form-urlencoded`` bodies (``a=1&b=two``).

    Field names are ``Name.Attribute``, values ``String``, ``=`` an ``Operator`` and ``&`` a
    ``Punctuation`` token. pygments has no lexer for this media type.
    """

    name = "Form URL-encoded"
    aliases = ["urlencoded"]
    mimetypes = ["application/x-www-form-urlencoded"]
    tokens = {
        "root": [
            (r"&", Punctuation),
            (r"(=)([^&]*)", bygroups(Operator, String)),
            (r"[^=&]+", Name.Attribute),
        ]
    }


def _json_lexer() -> Any:
    from pygments.lexers.data import JsonLexer

    return JsonLexer


def _xml_lexer() -> Any:
    from pygments.lexers.html import XmlLexer

    return XmlLexer


def _html_lexer() -> Any:
    from pygments.lexers.html import HtmlLexer

    return HtmlLexer


def _javascript_lexer() -> Any:
    from pygments.lexers.javascript import JavascriptLexer

    return JavascriptLexer


def _css_lexer() -> Any:
    from pygments.lexers.css import CssLexer

    return CssLexer


# Bare media type → lexer class factory; each factory imports only its own lexer module.
_LEXERS: dict[str, Callable[[], Any]] = {
    "text/html": _html_lexer,
    "application/xhtml+xml": _html_lexer,
    "application/xml": _xml_lexer,
    "text/xml": _xml_lexer,
    "application/javascript": _javascript_lexer,
    "text/javascript": _javascript_lexer,
    "application/ecmascript": _javascript_lexer,
    "text/ecmascript": _javascript_lexer,
    "text/css": _css_lexer,
    "application/x-www-form-urlencoded": lambda: FormUrlEncodedLexer,
}


def lexer_for_mime(mime: str | None) -> Any | None:
    """Pick a pygments lexer for a media type.

    Args:
        mime (str | None): A media type or Content-Type value (parameters ignored,
            case-insensitive); None when unknown.

    Returns:
        pygments.lexer.Lexer | None: A lexer instance that neither strips nor adds newlines,
        for JSON (``application/json``, ``text/json``, ``+json``), XML (``application/xml``,
        ``text/xml``, ``+xml``), HTML, JavaScript, CSS or urlencoded forms; None for any other
        type (the body is then shown without colours).
    """
    bare = media_type(mime)
    factory: Callable[[], Any] | None
    if is_json_media_type(bare):
        factory = _json_lexer
    else:
        factory = _LEXERS.get(bare)
        if factory is None and bare.endswith("+xml"):
            factory = _xml_lexer
    if factory is None:
        return None
    # stripnl/ensurenl off: the text on screen must be exactly the body, newlines included.
    return factory()(stripnl=False, ensurenl=False)


def highlight_body(text: str, mime: str | None) -> Text:
    """Colour a body by its media type.

    Args:
        text (str): The (formatted, sanitised) body.
        mime (str | None): Its Content-Type value; None when absent.

    Returns:
        rich.text.Text: The body with ``wire.<slot>`` style names on its tokens (resolved by
        the console's theme); unstyled when no lexer matches.
    """
    lexer = lexer_for_mime(mime)
    if lexer is None:
        return Text(text, end="")
    is_json = is_json_media_type(mime)
    result = Text(end="")
    for token_type, value in lexer.get_tokens(text):
        slot = slot_for_token(token_type, is_json=is_json)
        result.append(value, style=style_name(slot) if slot else None)
    return result


def _header_line(line: str) -> Text:
    name, colon, value = line.partition(":")
    if not colon:  # not a field line (cannot happen for parsed headers); show it plainly
        return Text(line)
    return Text.assemble(
        (name, style_name("header_name")),
        (colon, style_name("header_separator")),
        (value, style_name("header_value")),
    )


def _status_slot(status: str) -> str:
    if len(status) == 3 and status.isdigit() and status[0] in "12345":
        return f"status_{status[0]}xx"
    return "status_5xx"  # a malformed status is the server's fault


def highlight_head(text: str, *, is_request: bool) -> Text:
    """Colour a request or response head built by ``_messages``.

    Args:
        text (str): The head: start line, then ``Name: value`` lines, ``\\n``-separated.
        is_request (bool): True for a request head (``GET /path HTTP/1.1``), False for a
            response head (``HTTP/1.1 200 OK``).

    Returns:
        rich.text.Text: The head styled with the ``method``, ``url``, ``status_line``,
        ``status_Nxx`` (by the status class), ``header_name``, ``header_separator`` and
        ``header_value`` slots.
    """
    start, *fields = text.split("\n")
    if is_request:
        method, _, rest = start.partition(" ")
        target, _, version = rest.rpartition(" ")
        first = Text.assemble(
            (method, style_name("method")),
            " ",
            (target, style_name("url")),
            " ",
            (version, style_name("status_line")),
        )
    else:
        version, _, rest = start.partition(" ")
        status = rest.partition(" ")[0]
        first = Text.assemble(
            (version, style_name("status_line")), " ", (rest, style_name(_status_slot(status)))
        )
    return Text("\n", end="").join([first, *(_header_line(line) for line in fields)])


def render_ansi(renderable: Text, *, theme: Theme, color_system: str, width: int) -> str:
    """Render styled text to a string of ANSI escape sequences.

    Args:
        renderable (rich.text.Text): Text styled with ``wire.<slot>`` style names.
        theme (Theme): The theme resolving those names.
        color_system (str): ``"standard"``, ``"256"`` or ``"truecolor"``; colours are
            downsampled to it.
        width (int): Terminal width in columns; only tab expansion and cropping-free layout
            use it, since lines are soft-wrapped by the terminal, never broken by us.

    Returns:
        str: The text with SGR colour sequences; it ends exactly where ``renderable`` ends
        (no newline added).
    """
    buffer = io.StringIO()
    console = Console(
        file=buffer,
        color_system=color_system,  # type: ignore[arg-type]  # validated by Environment
        force_terminal=True,
        width=width,
        theme=to_rich_theme(theme),
        no_color=False,  # the plan already honoured NO_COLOR; don't let rich re-read it
        highlight=False,
        markup=False,
        emoji=False,
        legacy_windows=False,
        soft_wrap=True,
    )
    console.print(renderable, end="")
    return buffer.getvalue()

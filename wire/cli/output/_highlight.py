"""Colour heads and bodies: pygments tokens → theme slots → rich styles → ANSI sequences.

Import this module lazily, only when the output plan has colours on: it imports rich and
pygments (and each lexer only when its media type is met).

Strategy: pygments tokenises (lexer chosen by media type; no lexer means no body colours),
``wire.themes._adapters.slot_for_token`` maps each token to a theme slot, giving ``(text,
slot)`` runs; ``render_spans`` turns each slot's rich style into SGR sequences for the
terminal's colour depth (rich downsamples 24-bit colours). Text is never re-wrapped, so copied
output stays intact. Heads are split into runs by their structure: request line, status line
(by status class), header names, separators and values.

Input text must already be sanitised for the terminal when it comes from the network.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

from pygments.lexer import RegexLexer, bygroups
from pygments.token import Name, Operator, Punctuation, String
from rich.color import ColorSystem
from rich.style import Style

from ...themes import Theme
from ...themes._adapters import slot_for_token
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


#: A run of text and the theme slot that colours it (None: the terminal's default colour).
Span = tuple[str, str | None]


def _append(spans: list[Span], text: str, slot: str | None) -> None:
    # Merge neighbours with the same slot: fewer escape sequences, same look.
    if not text:
        return
    if spans and spans[-1][1] == slot:
        spans[-1] = (spans[-1][0] + text, slot)
    else:
        spans.append((text, slot))


def body_spans(text: str, mime: str | None) -> list[Span]:
    """Split a body into coloured runs by its media type.

    Args:
        text (str): The (formatted, sanitised) body.
        mime (str | None): Its Content-Type value; None when absent.

    Returns:
        list[Span]: ``(text, slot)`` runs whose texts join back to ``text`` exactly; a single
        uncoloured run when no lexer matches the type.

    Example:
        >>> body_spans('{"a": 1}', "application/json")[:3]
        [('{', 'punctuation'), ('"a"', 'json_key'), (':', 'punctuation')]
    """
    return list(iter_body_spans(text, mime))


def iter_body_spans(text: str, mime: str | None) -> Iterator[Span]:
    """``body_spans`` as a stream: the runs are produced as pygments lexes, never all held.

    Args:
        text (str): The (formatted, sanitised) body.
        mime (str | None): Its Content-Type value; None when absent.

    Returns:
        Iterator[Span]: The runs of ``body_spans(text, mime)``, in order.
    """
    lexer = lexer_for_mime(mime)
    if lexer is None:
        if text:
            yield (text, None)
        return
    is_json = is_json_media_type(mime)
    # Neighbours with the same slot are merged: fewer escape sequences, same look.
    pending, pending_slot = "", None
    for token_type, value in lexer.get_tokens(text):
        if not value:
            continue
        slot = slot_for_token(token_type, is_json=is_json)
        if slot == pending_slot:
            pending += value
            continue
        if pending:
            yield (pending, pending_slot)
        pending, pending_slot = value, slot
    if pending:
        yield (pending, pending_slot)


def _status_slot(status: str) -> str:
    if len(status) == 3 and status.isdigit() and status[0] in "12345":
        return f"status_{status[0]}xx"
    return "status_5xx"  # a malformed status is the server's fault


def _start_line_spans(line: str, is_request: bool) -> list[Span]:
    if is_request:  # "GET /path HTTP/1.1"
        method, _, rest = line.partition(" ")
        target, _, version = rest.rpartition(" ")
        return [
            (method, "method"),
            (" ", None),
            (target, "url"),
            (" ", None),
            (version, "status_line"),
        ]
    version, _, rest = line.partition(" ")  # "HTTP/1.1 200 OK"
    return [(version, "status_line"), (" ", None), (rest, _status_slot(rest.partition(" ")[0]))]


def head_spans(text: str, *, is_request: bool) -> list[Span]:
    """Split a request or response head (built by ``_messages``) into coloured runs.

    Args:
        text (str): The head: start line, then ``Name: value`` lines, ``\\n``-separated.
        is_request (bool): True for a request head (``GET /path HTTP/1.1``), False for a
            response head (``HTTP/1.1 200 OK``).

    Returns:
        list[Span]: Runs using the ``method``, ``url``, ``status_line``, ``status_Nxx`` (by
        status class), ``header_name``, ``header_separator`` and ``header_value`` slots; their
        texts join back to ``text`` exactly.
    """
    start, *fields = text.split("\n")
    spans: list[Span] = []
    for run, slot in _start_line_spans(start, is_request):
        _append(spans, run, slot)
    for line in fields:
        _append(spans, "\n", None)
        name, colon, value = line.partition(":")
        if not colon:  # not a field line (parsed headers always are); show it plainly
            _append(spans, line, None)
            continue
        _append(spans, name, "header_name")
        _append(spans, colon, "header_separator")
        _append(spans, value, "header_value")
    return spans


_COLOR_SYSTEMS = {
    "standard": ColorSystem.STANDARD,
    "256": ColorSystem.EIGHT_BIT,
    "truecolor": ColorSystem.TRUECOLOR,
}


# SGR parameter of each text attribute (ECMA-48 §8.3.117), in the order rich writes them.
_ATTRIBUTE_SGR = (
    ("bold", "1"),
    ("dim", "2"),
    ("italic", "3"),
    ("underline", "4"),
    ("blink", "5"),
    ("reverse", "7"),
    ("conceal", "8"),
    ("strike", "9"),
)


def _sgr_parameters(style: Style, system: ColorSystem) -> str:
    # Built here from rich's public Color API rather than Style.render(), which caches the
    # codes of the first colour depth it rendered on the (shared, lru-cached) parsed Style.
    codes = [code for attribute, code in _ATTRIBUTE_SGR if getattr(style, attribute)]
    if style.color is not None:
        codes.extend(style.color.downgrade(system).get_ansi_codes(foreground=True))
    if style.bgcolor is not None:
        codes.extend(style.bgcolor.downgrade(system).get_ansi_codes(foreground=False))
    return ";".join(codes)


def render_spans(spans: Iterable[Span], *, theme: Theme, color_system: str) -> str:
    """Render coloured runs as text with ANSI SGR sequences, using rich's colour model.

    Each run is wrapped in its slot's SGR sequence and a reset (as rich's console writes
    them); a run spanning lines is split at each newline so every line stands alone (pagers
    such as ``less -R`` and terminals scrolling back stay correct). Nothing else changes: no
    wrapping, no tab expansion, no added newline. (``Console.print`` would lay lines out
    too, which costs seconds per megabyte.)

    Args:
        spans (Iterable[Span]): ``(text, slot)`` runs from ``body_spans``/``head_spans``.
        theme (Theme): Gives each slot's rich style string.
        color_system (str): ``"standard"``, ``"256"`` or ``"truecolor"``; richer colours are
            downsampled to it by rich.

    Returns:
        str: The texts of ``spans`` joined, with colour sequences around the coloured ones.

    Raises:
        KeyError: ``color_system`` is not one of the three names.
        rich.errors.StyleSyntaxError: A slot holds an invalid rich style string.
    """
    return "".join(iter_render_spans(spans, theme=theme, color_system=color_system))


#: Characters of rendered output gathered before ``iter_render_spans`` yields a piece.
_PIECE_CHARS = 64 * 1024


def iter_render_spans(
    spans: Iterable[Span], *, theme: Theme, color_system: str
) -> Iterator[str]:
    """``render_spans`` as a stream of pieces of about 64 KiB, for big bodies.

    Args:
        spans (Iterable[Span]): ``(text, slot)`` runs, e.g. from ``iter_body_spans``.
        theme (Theme): Gives each slot's rich style string.
        color_system (str): ``"standard"``, ``"256"`` or ``"truecolor"``.

    Returns:
        Iterator[str]: Pieces whose concatenation is ``render_spans(spans, ...)``.

    Raises:
        KeyError: ``color_system`` is not one of the three names.
        rich.errors.StyleSyntaxError: A slot holds an invalid rich style string.
    """
    system = _COLOR_SYSTEMS[color_system]
    sequences: dict[str, str] = {}
    out: list[str] = []
    gathered = 0
    for text, slot in spans:
        parameters = "" if slot is None else sequences.get(slot)
        if parameters is None and slot is not None:
            parameters = sequences[slot] = _sgr_parameters(
                Style.parse(getattr(theme, slot)), system
            )
        if parameters:
            text = "\n".join(
                f"\x1b[{parameters}m{line}\x1b[0m" if line else "" for line in text.split("\n")
            )
        out.append(text)  # uncoloured: no slot, or a slot styled "none"
        gathered += len(text)
        if gathered >= _PIECE_CHARS:
            yield "".join(out)
            out.clear()
            gathered = 0
    if out:
        yield "".join(out)

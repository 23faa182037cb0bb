"""Highlighting through pygments + rich (wire.cli.output._highlight)."""

from __future__ import annotations

import re

import pytest

from wire.cli.output._highlight import highlight_body, highlight_head, lexer_for_mime, render_ansi
from wire.themes import get_theme

ANSI = re.compile(r"\x1b\[[0-9;]*m")


def _ansi(text: str, mime: str | None, color_system: str = "standard") -> str:
    return render_ansi(
        highlight_body(text, mime), theme=get_theme("auto"), color_system=color_system, width=40
    )


@pytest.mark.parametrize(
    ("mime", "lexer_name"),
    [
        ("application/json", "JSON"),
        ("application/ld+json; charset=utf-8", "JSON"),
        ("text/json", "JSON"),
        ("application/xml", "XML"),
        ("text/xml", "XML"),
        ("image/svg+xml", "XML"),
        ("application/atom+xml", "XML"),
        ("text/html; charset=utf-8", "HTML"),
        ("application/xhtml+xml", "HTML"),
        ("application/javascript", "JavaScript"),
        ("text/javascript", "JavaScript"),
        ("text/css", "CSS"),
        ("application/x-www-form-urlencoded", "Form URL-encoded"),
    ],
)
def test_lexer_by_media_type(mime: str, lexer_name: str) -> None:
    lexer = lexer_for_mime(mime)
    assert lexer is not None and lexer.name == lexer_name


@pytest.mark.parametrize("mime", ["text/plain", "application/octet-stream", "", None])
def test_unknown_media_types_are_not_highlighted(mime: str | None) -> None:
    assert lexer_for_mime(mime) is None
    assert _ansi("plain {text}\n", mime) == "plain {text}\n"


@pytest.mark.parametrize(
    ("text", "mime", "expected"),
    [
        (
            '{"k": [1, "s", null]}',
            "application/json",
            '{\x1b[1;34m"k"\x1b[0m: [\x1b[36m1\x1b[0m, \x1b[32m"s"\x1b[0m, \x1b[35mnull\x1b[0m]}',
        ),
        (
            '<a href="x">t</a>',
            "text/xml",
            '\x1b[34m<a\x1b[0m \x1b[36mhref=\x1b[0m\x1b[32m"x"\x1b[0m\x1b[34m>\x1b[0mt'
            "\x1b[34m</a>\x1b[0m",
        ),
        (
            "a=1&b=two",
            "application/x-www-form-urlencoded",
            "\x1b[36ma\x1b[0m=\x1b[32m1\x1b[0m&\x1b[36mb\x1b[0m=\x1b[32mtwo\x1b[0m",
        ),
    ],
)
def test_body_tokens_take_theme_colours(text: str, mime: str, expected: str) -> None:
    assert _ansi(text, mime) == expected


def test_text_is_unchanged_apart_from_colour_and_long_lines_are_not_broken() -> None:
    text = '{\n    "long": "' + "x" * 200 + '"\n}\n\n'
    coloured = _ansi(text, "application/json", "truecolor")
    assert ANSI.sub("", coloured) == text


@pytest.mark.parametrize(
    ("head", "is_request", "expected"),
    [
        (
            "HTTP/2 500 Internal Server Error\nServer: x:y",
            False,
            "\x1b[34mHTTP/2\x1b[0m \x1b[1;31m500 Internal Server Error\x1b[0m\n"
            "\x1b[36mServer\x1b[0m: x:y",
        ),
        ("HTTP/1.1 999 Odd", False, "\x1b[34mHTTP/1.1\x1b[0m \x1b[1;31m999 Odd\x1b[0m"),
        (
            "DELETE /a?b HTTP/1.1",
            True,
            "\x1b[1;32mDELETE\x1b[0m \x1b[36m/a?b\x1b[0m \x1b[34mHTTP/1.1\x1b[0m",
        ),
    ],
)
def test_head_highlighting(head: str, is_request: bool, expected: str) -> None:
    rendered = render_ansi(
        highlight_head(head, is_request=is_request),
        theme=get_theme("auto"),
        color_system="standard",
        width=80,
    )
    assert rendered == expected

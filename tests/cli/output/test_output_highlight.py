"""Highlighting through pygments + rich (wire.cli.output._highlight)."""

from __future__ import annotations

import re

import pytest

from wire.cli.output._highlight import (
    body_spans,
    head_spans,
    iter_body_spans,
    iter_render_spans,
    lexer_for_mime,
    render_spans,
)
from wire.themes import get_theme

ANSI = re.compile(r"\x1b\[[0-9;]*m")


def _ansi(text: str, mime: str | None, color_system: str = "standard") -> str:
    return render_spans(body_spans(text, mime), theme=get_theme("auto"), color_system=color_system)


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


@pytest.mark.parametrize(
    ("text", "mime"),
    [
        ('{\n\t"long": "' + "x" * 200 + '"\n}\n\n', "application/json"),
        ("<!-- multi\nline -->\n<a>\n</a>", "application/xml"),
        ("/* a\n\n b */ p { color: red }", "text/css"),
        ("", "application/json"),
    ],
)
def test_text_is_unchanged_apart_from_colour(text: str, mime: str) -> None:
    # no wrapping of long lines, no tab expansion, no added or removed newline
    coloured = _ansi(text, mime, "truecolor")
    assert ANSI.sub("", coloured) == text
    # every line carries its own colours: none is left open across a newline
    for line in coloured.split("\n"):
        assert line.count("\x1b[0m") == len(ANSI.findall(line)) / 2


def test_colours_are_downsampled_to_the_terminal_depth() -> None:
    spans = [("x", "status_2xx")]
    theme = get_theme("solarized")  # #859900
    assert render_spans(spans, theme=theme, color_system="truecolor") == (
        "\x1b[38;2;133;153;0mx\x1b[0m"
    )
    assert render_spans(spans, theme=theme, color_system="256") == "\x1b[38;5;100mx\x1b[0m"
    assert render_spans(spans, theme=theme, color_system="standard") == "\x1b[33mx\x1b[0m"


def test_spans_join_back_to_the_text_and_merge_neighbours() -> None:
    spans = body_spans('{"a": [1, 2]}', "application/json")
    assert "".join(text for text, _ in spans) == '{"a": [1, 2]}'
    assert all(a[1] != b[1] for a, b in zip(spans, spans[1:], strict=False))


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
    rendered = render_spans(
        head_spans(head, is_request=is_request), theme=get_theme("auto"), color_system="standard"
    )
    assert rendered == expected


@pytest.mark.parametrize(
    ("text", "mime"),
    [
        ('{"a": [1, "x", null], "b": {}}', "application/json"),
        ("<p class='x'>hi</p>", "text/html"),
        ("a=1&b=two", "application/x-www-form-urlencoded"),
        ("just text", "text/plain"),
        ("", "application/json"),
    ],
)
def test_streamed_spans_and_rendering_match_the_whole(text: str, mime: str) -> None:
    spans = list(iter_body_spans(text, mime))
    assert spans == body_spans(text, mime)
    assert "".join(span for span, _ in spans) == text
    # neighbours never share a slot (they are merged)
    assert all(left[1] != right[1] for left, right in zip(spans, spans[1:], strict=False))
    theme = get_theme("auto")
    pieces = list(iter_render_spans(iter(spans), theme=theme, color_system="256"))
    assert "".join(pieces) == render_spans(spans, theme=theme, color_system="256")


def test_big_bodies_are_rendered_in_bounded_pieces() -> None:
    text = '{"k": "v", "n": 1}\n' * 15_000  # about 300 kB of JSON-lexed text
    pieces = list(
        iter_render_spans(
            iter_body_spans(text, "application/json"), theme=get_theme("auto"),
            color_system="standard",
        )
    )
    assert len(pieces) > 3 and max(len(piece) for piece in pieces) < 128 * 1024
    assert ANSI.sub("", "".join(pieces)) == text

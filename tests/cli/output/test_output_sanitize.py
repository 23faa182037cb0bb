"""Terminal sanitising (wire.cli.output._sanitize)."""

from __future__ import annotations

import random

import pytest

from wire.cli.output._sanitize import (
    UNSAFE_CODE_POINTS,
    TerminalSanitizer,
    sanitize_for_terminal,
)

_FORBIDDEN = {chr(c) for c in [*range(0x20), 0x7F, *range(0x80, 0xA0)] if chr(c) not in "\n\t"}
_FORBIDDEN |= {chr(c) for c in [*range(0x202A, 0x202F), *range(0x2066, 0x206A)]}


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("plain text, tabs\tand\nnewlines", "plain text, tabs\tand\nnewlines"),
        ("caf\u00e9 \u65e5\u672c \U0001f600", "caf\u00e9 \u65e5\u672c \U0001f600"),
        # CSI: colour, clear screen, cursor movement, device status report query
        ("\x1b[31mred\x1b[0m", "\\x1b[31mred\\x1b[0m"),
        ("\x1b[2J\x1b[H", "\\x1b[2J\\x1b[H"),
        ("\x1b[6n", "\\x1b[6n"),
        # OSC 52 clipboard write (BEL and ST terminated), OSC 0 title, OSC 8 hyperlink
        ("\x1b]52;c;ZWNobyBwd25lZA==\x07", "\\x1b]52;c;ZWNobyBwd25lZA==\\x07"),
        ("\x1b]52;c;aGk=\x1b\\", "\\x1b]52;c;aGk=\\x1b\\"),
        ("\x1b]0;pwned\x07", "\\x1b]0;pwned\\x07"),
        ("\x1b]8;;http://evil/\x1b\\link", "\\x1b]8;;http://evil/\\x1b\\link"),
        # DCS (DECRQSS query) with 7-bit and 8-bit introducers
        ('\x1bP$q"p\x1b\\', '\\x1bP$q"p\\x1b\\'),
        ("\x90$qm\x9c", "\\x90$qm\\x9c"),
        # 8-bit CSI and OSC, NEL, other C1
        ("\x9b31m", "\\x9b31m"),
        ("\x9d0;t\x07", "\\x9d0;t\\x07"),
        ("a\x85b", "a\\x85b"),
        # other C0 controls and DEL
        ("\x00\x08\x0b\x0c\x7f", "\\x00\\x08\\x0b\\x0c\\x7f"),
        # CR: harmless before LF (shown as LF), escaped alone (it can overwrite the line)
        ("a\r\nb", "a\nb"),
        ("safe\rEVIL", "safe\\x0dEVIL"),
        # bidi overrides and isolates ("Trojan Source")
        ("admin\u202e\u2066txt.exe\u2069\u202c", "admin\\u202e\\u2066txt.exe\\u2069\\u202c"),
        ("\u202a\u202b\u202d\u2067\u2068", "\\u202a\\u202b\\u202d\\u2067\\u2068"),
    ],
)
def test_sanitize_for_terminal(raw: str, shown: str) -> None:
    assert sanitize_for_terminal(raw) == shown


def test_every_code_point_is_safe_after_sanitising() -> None:
    # Property over the whole Basic Multilingual Plane plus astral samples.
    text = "".join(chr(c) for c in range(0x10000)) + "\U0001f600\U000e0001\U0010ffff"
    cleaned = sanitize_for_terminal(text)
    assert not set(cleaned) & _FORBIDDEN
    assert {chr(c) for c in UNSAFE_CODE_POINTS} == _FORBIDDEN


def test_random_text_is_safe_and_chunking_does_not_matter() -> None:
    rng = random.Random(1234)
    alphabet = [*(chr(c) for c in range(0xA0)), "\u202e", "\u2066", "é", "\r\n"]
    for _ in range(200):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 60)))
        whole = sanitize_for_terminal(text)
        assert not set(whole) & _FORBIDDEN
        sanitizer = TerminalSanitizer()
        cuts = sorted(rng.sample(range(len(text) + 1), k=min(3, len(text) + 1)))
        pieces = [text[a:b] for a, b in zip([0, *cuts], [*cuts, len(text)], strict=True)]
        assert "".join(sanitizer.feed(piece) for piece in pieces) + sanitizer.flush() == whole


@pytest.mark.parametrize(
    ("chunks", "shown"),
    [
        (["a\r", "\nb"], "a\nb"),
        (["a\r", "b"], "a\\x0db"),
        (["a\r"], "a\\x0d"),
        (["\r", "\r", "\n"], "\\x0d\n"),
        (["\x1b", "[31m"], "\\x1b[31m"),
    ],
)
def test_incremental_sanitizer(chunks: list[str], shown: str) -> None:
    sanitizer = TerminalSanitizer()
    assert "".join(sanitizer.feed(chunk) for chunk in chunks) + sanitizer.flush() == shown

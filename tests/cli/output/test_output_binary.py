"""Binary detection (wire.cli.output._binary)."""

from __future__ import annotations

import pytest

from wire.cli.output._binary import BINARY_SUPPRESSED_NOTICE, is_binary, resolve_charset


def test_notice_uses_httpie_wording() -> None:
    assert BINARY_SUPPRESSED_NOTICE.splitlines() == [
        "+-----------------------------------------+",
        "| NOTE: binary data not shown in terminal |",
        "+-----------------------------------------+",
    ]


@pytest.mark.parametrize(
    ("chunk", "encoding", "binary"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "utf-8", True),  # PNG signature
        (b"GIF89a\x01\x00", None, True),
        (b"plain text", None, False),
        (b"caf\xc3\xa9", "utf-8", False),
        (b"caf\xc3", "utf-8", False),  # cut inside a character: the next chunk may finish it
        (b"caf\xe9 au lait", "utf-8", True),  # Latin-1 bytes are not UTF-8
        (b"caf\xe9 au lait", "iso-8859-1", False),
        (b"text\x00with NUL", "iso-8859-1", True),  # NUL: binary whatever the charset
        (b"\xff\xfeh\x00i\x00", "utf-16", True),  # NUL bytes: HTTPie's rule, kept simple
        (b"\xff", "no-such-charset", True),  # unknown charset: UTF-8 rules
        (b"\xff", "base64", True),  # not a text encoding: UTF-8 rules
        (b"\x1b[31m escape sequences are text", None, False),
        (b"", None, False),
    ],
)
def test_is_binary(chunk: bytes, encoding: str | None, binary: bool) -> None:
    assert is_binary(chunk, encoding) is binary


@pytest.mark.parametrize(
    ("encoding", "resolved"),
    [(None, "utf-8"), ("", "utf-8"), ("latin-1", "latin-1"), ("nope", "utf-8"), ("rot13", "utf-8")],
)
def test_resolve_charset(encoding: str | None, resolved: str) -> None:
    assert resolve_charset(encoding) == resolved

"""Fuzz Content-Disposition parsing and file-name sanitising: never an unsafe name."""

from __future__ import annotations

import re
import sys

import atheris

with atheris.instrument_imports():
    from wire.cli._filenames import filename_from_url, parse_content_disposition, sanitize_filename

UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069/\\\\]")


def _check(name: str | None) -> None:
    if name is None:
        return
    if not name or name.startswith(".") or UNSAFE.search(name) or len(name.encode()) > 255:
        raise AssertionError(f"unsafe name {name!r}")


def test_one_input(data: bytes) -> None:
    text = atheris.FuzzedDataProvider(data).ConsumeUnicodeNoSurrogates(len(data))
    parsed = parse_content_disposition(text)
    if parsed is not None:
        _check(sanitize_filename(parsed))
    _check(filename_from_url(text))


if __name__ == "__main__":
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()

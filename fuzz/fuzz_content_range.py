"""Fuzz `parse_content_range`: None or a consistent range, never an exception."""

from __future__ import annotations

import sys

import atheris

with atheris.instrument_imports():
    from wire.cli._resume import parse_content_range


def test_one_input(data: bytes) -> None:
    text = atheris.FuzzedDataProvider(data).ConsumeUnicodeNoSurrogates(len(data))
    parsed = parse_content_range(text)
    if parsed is None or parsed.first is None:
        return
    if parsed.last is None or not 0 <= parsed.first <= parsed.last:
        raise AssertionError(f"inconsistent {parsed!r} from {text!r}")
    if parsed.total is not None and parsed.last >= parsed.total:
        raise AssertionError(f"inconsistent {parsed!r} from {text!r}")


if __name__ == "__main__":
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()

"""Fuzz the terminal sanitiser: no C0 (but tab, newline), DEL, C1 or bidi in its output, and
the incremental sanitiser agrees with the one-shot one."""

from __future__ import annotations

import re
import sys

import atheris

with atheris.instrument_imports():
    from wire.cli.output._sanitize import TerminalSanitizer, sanitize_for_terminal

UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def test_one_input(data: bytes) -> None:
    provider = atheris.FuzzedDataProvider(data)
    cut = provider.ConsumeIntInRange(0, 64)
    text = provider.ConsumeUnicode(len(data))  # surrogates included
    clean = sanitize_for_terminal(text)
    if UNSAFE.search(clean):
        raise AssertionError(f"unsafe output for {text!r}: {clean!r}")
    sanitizer = TerminalSanitizer()
    streamed = sanitizer.feed(text[:cut]) + sanitizer.feed(text[cut:]) + sanitizer.flush()
    if streamed != clean:
        raise AssertionError(f"incremental differs for {text!r} cut at {cut}")


if __name__ == "__main__":
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()

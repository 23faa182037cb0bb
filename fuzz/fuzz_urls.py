"""Fuzz `URL`: parsing raises only InvalidURL; str() re-parses to an equal URL; join()."""

from __future__ import annotations

import sys

import atheris

with atheris.instrument_imports():
    from wire.client_core import URL, InvalidURL


BASE = URL("http://example.com/a/b?c=d")


def test_one_input(data: bytes) -> None:
    text = atheris.FuzzedDataProvider(data).ConsumeUnicodeNoSurrogates(len(data))
    try:
        url = URL(text)
    except InvalidURL:
        url = None
    if url is not None and URL(str(url)) != url:
        raise AssertionError(f"not idempotent: {text!r} -> {str(url)!r}")
    try:
        BASE.join(text)
    except InvalidURL:
        pass


if __name__ == "__main__":
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()

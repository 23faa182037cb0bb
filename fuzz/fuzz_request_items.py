"""Fuzz `parse_request_items`: only RequestItemError may escape."""

from __future__ import annotations

import sys

import atheris

with atheris.instrument_imports():
    from wire.cli._request_items import RequestItemError, parse_request_items


def _no_files(path: str) -> bytes:
    raise OSError(2, "No such file or directory", path)


def test_one_input(data: bytes) -> None:
    provider = atheris.FuzzedDataProvider(data)
    form = provider.ConsumeBool()
    items = provider.ConsumeUnicodeNoSurrogates(len(data)).split("\x1f")[:8]
    try:
        parse_request_items(items, form=form, read_file=_no_files, check_files=False)
    except RequestItemError:
        pass


if __name__ == "__main__":
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()

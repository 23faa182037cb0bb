"""Fuzz `validate_header`: ValueError exactly when CR, LF or NUL is present (or no name)."""

from __future__ import annotations

import sys

import atheris

with atheris.instrument_imports():
    from wire.client_core._headers import validate_header

FORBIDDEN = {0x0D, 0x0A, 0x00}


def test_one_input(data: bytes) -> None:
    provider = atheris.FuzzedDataProvider(data)
    name = provider.ConsumeBytes(provider.ConsumeIntInRange(0, 40))
    value = provider.ConsumeBytes(len(data))
    should_fail = not name or bool(FORBIDDEN & set(name + value))
    try:
        validate_header(name, value)
    except ValueError:
        if not should_fail:
            raise
        return
    if should_fail:
        raise AssertionError(f"accepted {name!r}: {value!r}")


if __name__ == "__main__":
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()

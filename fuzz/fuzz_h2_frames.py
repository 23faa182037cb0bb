"""Fuzz the HTTP/2 frame parser: `H2State.receive` files frames or raises its H2ConnectionError."""

from __future__ import annotations

import sys

import atheris

with atheris.instrument_imports():
    import httpcore

    from wire.client_core._pool import _h2state as h2s

REQUEST = httpcore.Request("GET", "https://example.org/", headers=[(b"Host", b"example.org")])


def test_one_input(data: bytes) -> None:
    provider = atheris.FuzzedDataProvider(data)
    state = h2s.H2State()
    state.preface()
    state.open_stream(REQUEST, end_stream=True)
    state.open_stream(REQUEST, end_stream=False)
    split = provider.ConsumeIntInRange(1, 64)
    payload = provider.ConsumeBytes(provider.remaining_bytes())
    try:
        for offset in range(0, len(payload), split):
            state.receive(payload[offset:offset + split])
    except h2s.H2ConnectionError:
        return
    if state.recv_window < 0 or any(s.recv_window < 0 for s in state.streams.values()):
        raise AssertionError("negative flow-control window")


if __name__ == "__main__":
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()

"""Compressed bodies from a hostile server: bombs stay in bounded memory, chains are capped,
broken data is an error (never a silent success).

Memory is measured with tracemalloc around the whole exchange (client, decoder, output); the
server's chunks are generated lazily and freed as they are sent.
"""

from __future__ import annotations

import base64
import functools
import gzip
import io
import random
import zlib
from collections.abc import Iterator

import brotli
import pytest
import zstandard

import wire
from tests.servers.faults import FaultServer, Send, Stream, response
from wire.cli._env import Environment

from ._support import assert_clean_failure, assert_clean_success, peak_traced_bytes, run_wire

pytestmark = pytest.mark.hostile

MIB = 1024 * 1024
BOMB_SIZE = 128 * MIB
#: Peak traced memory allowed while a 128 MiB bomb is decoded: a bounded decoder needs
#: O(chunk) memory, an unbounded one holds a whole read's expansion (up to ~64 MiB).
BOMB_MEMORY_LIMIT = 16 * MIB


@functools.cache
def compressed(encoding: str, size: int, fill: bytes = b"\0") -> bytes:
    """`size` bytes of `fill` compressed with `encoding`, built without holding them."""
    block = fill * MIB
    if encoding in ("gzip", "deflate"):
        wbits = 31 if encoding == "gzip" else 15
        packer = zlib.compressobj(9, zlib.DEFLATED, wbits)
        parts = [packer.compress(block) for _ in range(size // MIB)]
        return b"".join(parts) + packer.flush()
    if encoding == "br":
        brotli_packer = brotli.Compressor(quality=5)
        parts = [brotli_packer.process(block) for _ in range(size // MIB)]
        return b"".join(parts) + brotli_packer.finish()
    zpacker = zstandard.ZstdCompressor(level=3).compressobj()
    parts = [zpacker.compress(block) for _ in range(size // MIB)]
    return b"".join(parts) + zpacker.flush()


def _chunks(data: bytes, size: int = 16 * 1024) -> Iterator[bytes]:
    for start in range(0, len(data), size):
        yield data[start : start + size]


def _serve(server: FaultServer, path: str, encoding: str, data: bytes, ctype: bytes) -> str:
    head = response(
        b"200 OK",
        [(b"Content-Type", ctype), (b"Content-Encoding", encoding.encode())],
        content_length=False,
    )
    head = head[:-2] + b"Content-Length: %d\r\n\r\n" % len(data)
    return server.script(path, Send(head), Stream(lambda: _chunks(data)))


class CountingSink(io.RawIOBase):
    """A binary stdout that keeps only a byte count (a 128 MiB body is not kept)."""

    def __init__(self) -> None:
        self.count = 0

    def writable(self) -> bool:
        return True

    def write(self, data: bytes) -> int:  # type: ignore[override]
        self.count += len(data)
        return len(data)

    def getvalue(self) -> bytes:
        return b""


def _sink_env(is_terminal: bool) -> tuple[Environment, CountingSink]:
    env = Environment.for_testing(stdout_isatty=is_terminal, stderr_isatty=False)
    sink = CountingSink()
    env.stdout = sink  # type: ignore[assignment]
    return env, sink


ENCODINGS = ["gzip", "deflate", "br", "zstd"]


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_library_streams_a_bomb_in_bounded_memory(fault_server: FaultServer, encoding: str) -> None:
    url = _serve(
        fault_server,
        f"/d/bomb-lib-{encoding}",
        encoding,
        compressed(encoding, BOMB_SIZE),
        b"application/octet-stream",
    )
    total = 0

    def consume() -> None:
        nonlocal total
        with wire.Client(timeout=10) as client, client.stream("GET", url) as reply:
            for chunk in reply.iter_bytes():
                total += len(chunk)

    peak = peak_traced_bytes(consume)
    assert total == BOMB_SIZE
    assert peak < BOMB_MEMORY_LIMIT, f"peak {peak / MIB:.0f} MiB"


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_command_pipes_a_bomb_in_bounded_memory(fault_server: FaultServer, encoding: str) -> None:
    url = _serve(
        fault_server,
        f"/d/bomb-cli-{encoding}",
        encoding,
        compressed(encoding, BOMB_SIZE),
        b"application/octet-stream",
    )
    env, sink = _sink_env(is_terminal=False)
    outcome = None

    def run() -> None:
        nonlocal outcome
        outcome = run_wire(["--timeout", "10", url], env)

    peak = peak_traced_bytes(run)
    assert outcome is not None
    assert_clean_success(outcome)
    assert sink.count == BOMB_SIZE
    assert peak < BOMB_MEMORY_LIMIT, f"peak {peak / MIB:.0f} MiB"


def test_terminal_formatter_never_buffers_an_unbounded_body(fault_server: FaultServer) -> None:
    # Text, so it is not suppressed as binary: the formatter must give up buffering and
    # stream. 10 MiB of buffering (the format limit) and its decoded copy are allowed.
    size = 64 * MIB
    url = _serve(
        fault_server,
        "/d/bomb-terminal",
        "gzip",
        compressed("gzip", size, b"a"),
        b"application/json",
    )
    env, sink = _sink_env(is_terminal=True)
    outcome = None

    def run() -> None:
        nonlocal outcome
        outcome = run_wire(["--timeout", "10", url], env)

    peak = peak_traced_bytes(run)
    assert outcome is not None
    assert_clean_success(outcome)
    assert sink.count >= size
    assert peak < 48 * MIB, f"peak {peak / MIB:.0f} MiB"


def _gzip_layers(body: bytes, layers: int) -> bytes:
    for _ in range(layers):
        body = gzip.compress(body)
    return body


def test_content_encoding_chain_of_five_is_decoded(fault_server: FaultServer) -> None:
    url = _serve(
        fault_server, "/d/chain-5", ", ".join(["gzip"] * 5), _gzip_layers(b"deep", 5), b"text/plain"
    )
    assert wire.get(url, timeout=5).content == b"deep"


@pytest.mark.parametrize(
    ("name", "encoding", "data"),
    [
        ("chain-6", ", ".join(["gzip"] * 6), _gzip_layers(b"deeper", 6)),
        ("chain-1000-identity", ", ".join(["identity"] * 1000), b"plain"),
        ("chain-100-gzip", ", ".join(["gzip"] * 100), _gzip_layers(b"x", 3)),
    ],
)
def test_content_encoding_chains_longer_than_five_are_refused(
    fault_server: FaultServer, name: str, encoding: str, data: bytes
) -> None:
    url = _serve(fault_server, f"/d/{name}", encoding, data, b"text/plain")
    with pytest.raises(wire.DecodingError, match="(?i)encoding"):
        wire.get(url, timeout=5)
    outcome = run_wire(["--timeout", "5", url])
    assert_clean_failure(outcome, 1, mentions="encoding")


def _corrupt_crc(data: bytes) -> bytes:
    return data[:-8] + bytes([data[-8] ^ 0xFF]) + data[-7:]


#: Text (so the terminal path does not suppress it as binary) that compresses poorly, so a
#: cut always loses the end of the stream.
NOISE = base64.b64encode(random.Random(8).randbytes(20_000))

BROKEN = [
    ("gzip-garbage", "gzip", b"this is not gzip at all"),
    ("gzip-truncated", "gzip", gzip.compress(NOISE)[:10_000]),
    ("gzip-bad-crc", "gzip", _corrupt_crc(gzip.compress(b"hello world" * 100))),
    ("deflate-garbage", "deflate", b"\xff\xfe not deflate"),
    ("deflate-truncated", "deflate", zlib.compress(NOISE)[:10_000]),
    ("br-garbage", "br", b"\xff\xff\xff\xff not brotli"),
    ("br-truncated", "br", brotli.compress(NOISE)[:10_000]),
    ("zstd-garbage", "zstd", b"\x28\xb5\x2f\xfd garbage frame"),
    ("zstd-truncated", "zstd", zstandard.ZstdCompressor().compress(NOISE)[:10_000]),
]


@pytest.mark.parametrize(("name", "encoding", "data"), BROKEN, ids=[case[0] for case in BROKEN])
def test_invalid_compressed_data_is_an_error(
    fault_server: FaultServer, name: str, encoding: str, data: bytes
) -> None:
    url = _serve(fault_server, f"/d/broken-{name}", encoding, data, b"text/plain")
    with pytest.raises(wire.DecodingError):
        wire.get(url, timeout=5)
    for env_args in ([], ["--pretty", "all"]):
        outcome = run_wire(["--timeout", "5", *env_args, url])
        assert_clean_failure(outcome, 1, mentions="decod")


def test_truncated_download_of_compressed_data_is_not_saved(
    fault_server: FaultServer, tmp_path, monkeypatch
) -> None:
    monkeypatch.chdir(tmp_path)
    data = gzip.compress(bytes(range(256)) * 400)[:300]
    url = _serve(fault_server, "/d/broken-download.bin", "gzip", data, b"application/octet-stream")
    outcome = run_wire(["--timeout", "5", "--download", url])
    if outcome.code == 0:  # a download keeps the bytes as sent (httpie/curl do): all 300 of them
        assert (tmp_path / "broken-download.bin").read_bytes() == data
    else:
        assert_clean_failure(outcome, 1)
        assert not (tmp_path / "broken-download.bin").exists()

"""Content decoders (gzip, deflate, br, zstd, stacked) and the byte/text/line chunkers."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
import zlib
from collections.abc import Callable

import brotli
import pytest
import zstandard

from wire.client_core._decoders import (
    DECODE_STEP_BYTES,
    SUPPORTED_DECODERS,
    BrotliDecoder,
    ByteChunker,
    ContentDecoder,
    DeflateDecoder,
    GZipDecoder,
    IdentityDecoder,
    LineDecoder,
    MultiDecoder,
    TextChunker,
    TextDecoder,
    ZStandardDecoder,
)
from wire.client_core._exceptions import DecodingError

# Compressible but not trivial: long enough to span many deflate blocks and chunk sizes.
BODY = b"".join(b"line %d: the quick brown fox \xe2\x9c\x93\n" % i for i in range(3000))
CHUNK_SIZES = [1, 2, 3, 7, 64, 1000, 65536, None]  # None: the whole body in one chunk


def _split(data: bytes, size: int | None) -> list[bytes]:
    if size is None:
        return [data]
    return [data[i : i + size] for i in range(0, len(data), size)]


def _decode_all(decoder: ContentDecoder, data: bytes, size: int | None) -> bytes:
    parts = [decoder.decode(chunk) for chunk in _split(data, size)]
    return b"".join(parts) + decoder.flush()


def _zlib(data: bytes) -> bytes:
    return zlib.compress(data)


def _raw_deflate(data: bytes) -> bytes:
    compressor = zlib.compressobj(wbits=-zlib.MAX_WBITS)
    return compressor.compress(data) + compressor.flush()


def _zstd(data: bytes) -> bytes:
    return zstandard.ZstdCompressor().compress(data)


ENCODERS: list[tuple[str, Callable[[], ContentDecoder], Callable[[bytes], bytes]]] = [
    ("gzip", GZipDecoder, gzip.compress),
    ("deflate-zlib", DeflateDecoder, _zlib),
    ("deflate-raw", DeflateDecoder, _raw_deflate),
    ("br", BrotliDecoder, brotli.compress),
    ("zstd", ZStandardDecoder, _zstd),
]
ENCODER_IDS = [name for name, _, _ in ENCODERS]


@pytest.mark.parametrize("size", CHUNK_SIZES)
@pytest.mark.parametrize(("name", "decoder_class", "compress"), ENCODERS, ids=ENCODER_IDS)
def test_round_trip_at_every_chunk_size(
    name: str,
    decoder_class: Callable[[], ContentDecoder],
    compress: Callable[[bytes], bytes],
    size: int | None,
) -> None:
    assert _decode_all(decoder_class(), compress(BODY), size) == BODY


@pytest.mark.parametrize(("name", "decoder_class", "compress"), ENCODERS, ids=ENCODER_IDS)
def test_empty_body_decodes_to_nothing_without_error(
    name: str, decoder_class: Callable[[], ContentDecoder], compress: Callable[[bytes], bytes]
) -> None:
    # A HEAD or 304 response carries Content-Encoding but no body at all.
    decoder = decoder_class()
    assert decoder.decode(b"") == b""
    assert decoder.flush() == b""


@pytest.mark.parametrize(("name", "decoder_class", "compress"), ENCODERS, ids=ENCODER_IDS)
def test_compressed_empty_content_round_trips(
    name: str, decoder_class: Callable[[], ContentDecoder], compress: Callable[[bytes], bytes]
) -> None:
    assert _decode_all(decoder_class(), compress(b""), 1) == b""


@pytest.mark.parametrize("cut", [1, 5, 20, -8, -1])
@pytest.mark.parametrize("size", [1, 7, None])
@pytest.mark.parametrize(("name", "decoder_class", "compress"), ENCODERS, ids=ENCODER_IDS)
def test_truncated_data_raises_decoding_error_at_flush_at_latest(
    name: str,
    decoder_class: Callable[[], ContentDecoder],
    compress: Callable[[bytes], bytes],
    size: int | None,
    cut: int,
) -> None:
    encoded = compress(BODY)
    truncated = encoded[:cut] if cut > 0 else encoded[:cut]
    decoder = decoder_class()
    with pytest.raises(DecodingError, match=r"(?i)truncated|incomplete|did not end"):
        for chunk in _split(truncated, size):
            decoder.decode(chunk)
        decoder.flush()


@pytest.mark.parametrize(
    ("decoder_class", "garbage"),
    [
        (GZipDecoder, b"this is not gzip data at all"),
        (DeflateDecoder, b"\xff\xff\xff\xff not deflate"),
        (BrotliDecoder, b"\xff\xff\xff\xff not brotli at all, really"),
        (ZStandardDecoder, b"\x00\x01\x02\x03 not zstd"),
    ],
    ids=["gzip", "deflate", "br", "zstd"],
)
def test_corrupt_data_raises_decoding_error_without_request(
    decoder_class: Callable[[], ContentDecoder], garbage: bytes
) -> None:
    decoder = decoder_class()
    with pytest.raises(DecodingError) as info:
        decoder.decode(garbage)
        decoder.flush()
    assert str(info.value)
    # The Response attaches the request later; until then reading it is an error.
    with pytest.raises(RuntimeError):
        _ = info.value.request


def test_identity_decoder_passes_bytes_through_unchanged() -> None:
    decoder = IdentityDecoder()
    assert decoder.decode(BODY) is BODY
    assert decoder.flush() == b""


@pytest.mark.parametrize("size", [1, 9, None])
def test_gzip_with_several_members_decodes_them_all(size: int | None) -> None:
    encoded = gzip.compress(b"first ") + gzip.compress(b"second ") + gzip.compress(b"third")
    assert _decode_all(GZipDecoder(), encoded, size) == b"first second third"


@pytest.mark.parametrize("trailer", [b"\x00", b"\x00\x00\x00\x00", b"\n", b"garbage after"])
@pytest.mark.parametrize("size", [1, None])
def test_gzip_ignores_trailing_bytes_that_are_not_a_member(
    trailer: bytes, size: int | None
) -> None:
    assert _decode_all(GZipDecoder(), gzip.compress(b"payload") + trailer, size) == b"payload"


def test_gzip_truncated_second_member_raises() -> None:
    second = gzip.compress(b"second member")
    decoder = GZipDecoder()
    assert decoder.decode(gzip.compress(b"first") + second[:8]) == b"first"
    with pytest.raises(DecodingError, match="gzip data is truncated"):
        decoder.flush()


def test_deflate_detects_raw_stream_even_when_first_chunk_is_one_byte() -> None:
    encoded = _raw_deflate(BODY)
    decoder = DeflateDecoder()
    assert decoder.decode(encoded[:1]) == b""  # held until the header can be checked
    assert decoder.decode(encoded[1:]) + decoder.flush() == BODY


def test_deflate_single_byte_body_is_truncated() -> None:
    decoder = DeflateDecoder()
    assert decoder.decode(b"\x78") == b""
    with pytest.raises(DecodingError, match="deflate data is truncated"):
        decoder.flush()


@pytest.mark.parametrize("size", [1, 5, None])
def test_zstd_with_several_frames_decodes_them_all(size: int | None) -> None:
    frames = _zstd(b"frame one, ") + _zstd(b"frame two, ") + _zstd(BODY)
    assert _decode_all(ZStandardDecoder(), frames, size) == b"frame one, frame two, " + BODY


def test_zstd_streamed_frame_without_content_size_decodes() -> None:
    compressor = zstandard.ZstdCompressor().compressobj()
    encoded = compressor.compress(BODY) + compressor.flush()
    assert _decode_all(ZStandardDecoder(), encoded, 100) == BODY


@pytest.mark.parametrize("size", [1, 100, None])
def test_brotli_with_brotlicffi_backend(monkeypatch: pytest.MonkeyPatch, size: int | None) -> None:
    pytest.importorskip("brotlicffi")
    monkeypatch.setitem(sys.modules, "brotli", None)  # make `import brotli` fail
    decoder = BrotliDecoder()
    assert _decode_all(decoder, brotli.compress(BODY), size) == BODY
    truncated = BrotliDecoder()
    truncated.decode(brotli.compress(BODY)[:-4])
    with pytest.raises(DecodingError):
        truncated.flush()


@pytest.mark.parametrize(
    ("decoder_class", "blocked", "hint"),
    [
        (BrotliDecoder, ("brotli", "brotlicffi"), "wire[brotli]"),
        (ZStandardDecoder, ("zstandard",), "wire[zstd]"),
    ],
)
def test_missing_optional_package_raises_import_error_with_hint(
    monkeypatch: pytest.MonkeyPatch,
    decoder_class: Callable[[], ContentDecoder],
    blocked: tuple[str, ...],
    hint: str,
) -> None:
    for name in blocked:
        monkeypatch.setitem(sys.modules, name, None)
    with pytest.raises(ImportError, match=r"pip install 'wire\[") as info:
        decoder_class()
    assert hint in str(info.value)


@pytest.mark.parametrize(
    "encodings",
    [["gzip"], ["deflate", "gzip"], ["gzip", "br", "zstd"], ["identity", "gzip"]],
    ids=["gzip", "deflate,gzip", "gzip,br,zstd", "identity,gzip"],
)
@pytest.mark.parametrize("size", [1, 13, None])
def test_multi_decoder_undoes_stacked_encodings_in_reverse(
    encodings: list[str], size: int | None
) -> None:
    compressors: dict[str, Callable[[bytes], bytes]] = {
        "identity": lambda data: data,
        "gzip": gzip.compress,
        "deflate": _zlib,
        "br": brotli.compress,
        "zstd": _zstd,
    }
    encoded = BODY
    for name in encodings:  # applied in Content-Encoding order, as a server does
        encoded = compressors[name](encoded)
    decoder = MultiDecoder([SUPPORTED_DECODERS[name]() for name in encodings])
    assert _decode_all(decoder, encoded, size) == BODY


def test_multi_decoder_reports_truncation_of_the_inner_encoding() -> None:
    encoded = gzip.compress(_zlib(BODY)[:-10])  # outer gzip intact, inner zlib cut short
    decoder = MultiDecoder([DeflateDecoder(), GZipDecoder()])
    decoder.decode(encoded)
    with pytest.raises(DecodingError, match="deflate data is truncated"):
        decoder.flush()


# --- bounded output (decompression bombs) ------------------------------------------------

MIB = 1024 * 1024
BOMB = 16 * MIB  # zeros: the most compressible body there is

# Largest piece each decoder may yield in one step (see the module's notes): zlib stops at
# DECODE_STEP_BYTES, brotli may pass it by one internal buffer, and a zstd input slice
# regenerates at most (slice / 4 + 1) blocks of 128 KiB.
PIECE_LIMITS = {
    "gzip": DECODE_STEP_BYTES,
    "deflate-zlib": DECODE_STEP_BYTES,
    "deflate-raw": DECODE_STEP_BYTES,
    "br": 4 * DECODE_STEP_BYTES,
    "zstd": (128 // 4 + 1) * 128 * 1024,
}


def _zero_stream(compress: Callable[[bytes], bytes]) -> bytes:
    return compress(bytes(BOMB))


@pytest.mark.parametrize("feed", [64 * 1024, None], ids=["64KiB-reads", "one-read"])
@pytest.mark.parametrize(("name", "decoder_class", "compress"), ENCODERS, ids=ENCODER_IDS)
def test_decode_iter_yields_a_bomb_in_bounded_pieces(
    name: str,
    decoder_class: Callable[[], ContentDecoder],
    compress: Callable[[bytes], bytes],
    feed: int | None,
) -> None:
    decoder = decoder_class()
    total = largest = 0
    for chunk in _split(_zero_stream(compress), feed):
        for piece in decoder.decode_iter(chunk):
            assert piece, "decode_iter() yields no empty pieces"
            total += len(piece)
            largest = max(largest, len(piece))
    total += sum(len(piece) for piece in decoder.flush_iter())
    assert total == BOMB
    assert largest <= PIECE_LIMITS[name]


@pytest.mark.parametrize("size", [1, 4096, None])
@pytest.mark.parametrize(("name", "decoder_class", "compress"), ENCODERS, ids=ENCODER_IDS)
def test_decode_iter_round_trips_like_decode(
    name: str,
    decoder_class: Callable[[], ContentDecoder],
    compress: Callable[[bytes], bytes],
    size: int | None,
) -> None:
    body = BODY * 30  # several steps' worth once decoded
    decoder = decoder_class()
    chunks = _split(compress(body), size)
    pieces = [piece for chunk in chunks for piece in decoder.decode_iter(chunk)]
    assert b"".join([*pieces, *decoder.flush_iter()]) == body


def test_brotlicffi_backend_also_yields_bounded_pieces(monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("brotlicffi")
    monkeypatch.setitem(sys.modules, "brotli", None)
    decoder = BrotliDecoder()
    pieces = list(decoder.decode_iter(brotli.compress(bytes(BOMB))))
    assert sum(map(len, pieces)) == BOMB
    assert max(map(len, pieces)) <= PIECE_LIMITS["br"]
    assert decoder.flush() == b""


def test_stacked_bomb_is_bounded_through_every_layer() -> None:
    # gzip inside gzip: the outer layer's pieces expand again in the inner one.
    encoded = gzip.compress(gzip.compress(bytes(BOMB)))
    decoder = MultiDecoder([GZipDecoder(), GZipDecoder()])
    pieces = [*decoder.decode_iter(encoded), *decoder.flush_iter()]
    assert sum(map(len, pieces)) == BOMB
    assert max(map(len, pieces)) <= DECODE_STEP_BYTES


def test_multi_decoder_flush_iter_passes_each_tail_through_the_later_layers() -> None:
    # Fed one byte at a time, the layers hold partial data back until the end.
    encoded = _zlib(gzip.compress(BODY))
    decoder = MultiDecoder([GZipDecoder(), DeflateDecoder()])
    head = b"".join(piece for byte in _split(encoded, 1) for piece in decoder.decode_iter(byte))
    assert head + b"".join(decoder.flush_iter()) == BODY


def test_supported_decoders_lists_available_encodings() -> None:
    assert SUPPORTED_DECODERS == {
        "identity": IdentityDecoder,
        "gzip": GZipDecoder,
        "deflate": DeflateDecoder,
        "br": BrotliDecoder,
        "zstd": ZStandardDecoder,
    }


def test_optional_packages_are_not_imported_and_absent_ones_are_not_listed() -> None:
    script = (
        "import json, sys\n"
        "sys.modules['zstandard'] = None\n"
        "from wire.client_core import _decoders\n"
        "print(json.dumps({'keys': sorted(_decoders.SUPPORTED_DECODERS),\n"
        "  'imported': sorted(m for m in ('brotli', 'brotlicffi') if sys.modules.get(m))}))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=30, check=True
    )
    assert json.loads(result.stdout) == {
        "keys": ["br", "deflate", "gzip", "identity"],
        "imported": [],
    }


# -- chunkers ---------------------------------------------------------------------------

PIECES = [b"", b"a", b"bc", b"", b"defghij", b"k" * 20, b"lmn", b"o"]


@pytest.mark.parametrize("chunk_size", [1, 2, 3, 4, 5, 7, 16, 64, 1000])
def test_byte_chunker_emits_exact_sizes_and_a_short_last_chunk(chunk_size: int) -> None:
    chunker = ByteChunker(chunk_size)
    chunks = [chunk for piece in PIECES for chunk in chunker.decode(piece)]
    chunks += chunker.flush()
    expected = b"".join(PIECES)
    assert b"".join(chunks) == expected
    assert all(len(chunk) == chunk_size for chunk in chunks[:-1])
    assert 0 < len(chunks[-1]) <= chunk_size
    assert len(chunks) == -(-len(expected) // chunk_size)
    assert all(type(chunk) is bytes for chunk in chunks)


def test_byte_chunker_without_size_passes_chunks_through_uncopied() -> None:
    chunker = ByteChunker()
    piece = b"x" * 100_000
    assert chunker.decode(piece)[0] is piece
    assert chunker.decode(b"") == []
    assert chunker.flush() == []


def test_byte_chunker_flush_is_empty_when_sizes_divide_evenly() -> None:
    chunker = ByteChunker(3)
    assert chunker.decode(b"abcdef") == [b"abc", b"def"]
    assert chunker.flush() == []


TEXT_PIECES = ["", "é", "ßç", "", "日本語テキスト", "ü" * 20, "xyz", "!"]


@pytest.mark.parametrize("chunk_size", [1, 2, 3, 5, 8, 64])
def test_text_chunker_emits_exact_sizes(chunk_size: int) -> None:
    chunker = TextChunker(chunk_size)
    chunks = [chunk for piece in TEXT_PIECES for chunk in chunker.decode(piece)]
    chunks += chunker.flush()
    assert "".join(chunks) == "".join(TEXT_PIECES)
    assert all(len(chunk) == chunk_size for chunk in chunks[:-1])
    assert 0 < len(chunks[-1]) <= chunk_size


def test_text_chunker_without_size_passes_text_through() -> None:
    chunker = TextChunker(None)
    assert chunker.decode("abc") == ["abc"]
    assert chunker.decode("") == []
    assert chunker.flush() == []


@pytest.mark.parametrize(
    ("encoding", "chunks", "expected"),
    [
        ("utf-8", [b"caf", b"\xc3", b"\xa9!"], "café!"),
        ("utf-8", [b"\xe6", b"\x97", b"\xa5"], "日"),
        ("utf-8", [b"bad \xff byte"], "bad \ufffd byte"),
        ("utf-8", [b"cut \xe6\x97"], "cut \ufffd"),  # incomplete at the end: replaced on flush
        ("latin-1", [b"caf\xe9"], "café"),
        ("utf-16", [b"\xff\xfe", b"h\x00", b"i", b"\x00"], "hi"),
        ("utf-8-sig", [b"\xef\xbb", b"\xbfok"], "ok"),
    ],
)
def test_text_decoder_holds_split_characters_and_replaces_invalid(
    encoding: str, chunks: list[bytes], expected: str
) -> None:
    decoder = TextDecoder(encoding)
    text = "".join(decoder.decode(chunk) for chunk in chunks) + decoder.flush()
    assert text == expected


def test_text_decoder_default_is_utf8_and_unknown_encoding_fails() -> None:
    assert TextDecoder().decode("ü".encode()) == "ü"
    with pytest.raises(LookupError):
        TextDecoder("no-such-codec")


def _lines(pieces: list[str]) -> list[str]:
    decoder = LineDecoder()
    lines = [line for piece in pieces for line in decoder.decode(piece)]
    return lines + decoder.flush()


@pytest.mark.parametrize(
    ("pieces", "expected"),
    [
        (["a\nb\n"], ["a", "b"]),
        (["a\nb"], ["a", "b"]),
        (["a\r\nb\r\n"], ["a", "b"]),
        (["a\r", "\nb"], ["a", "b"]),  # CRLF split across chunks is one break
        (["a\r", "b"], ["a", "b"]),  # a lone CR is a break of its own
        (["a\r", "\r", "\n"], ["a", ""]),
        (["a\r\r"], ["a", ""]),
        (["\r"], [""]),
        (["\n\n"], ["", ""]),
        (["", "", ""], []),
        (["ab", "cd", "\nef", "gh"], ["abcd", "efgh"]),
        (["a\x0bb\x0cc\x1cd\x1de\x1ef\x85g\u2028h\u2029i"], list("abcdefghi")),
        (["x\r", ""], ["x"]),
        (["x\r", "", "\n", "y"], ["x", "y"]),
    ],
)
def test_line_decoder_cases(pieces: list[str], expected: list[str]) -> None:
    assert _lines(pieces) == expected


SAMPLE_TEXTS = [
    "one\ntwo\r\nthree\rfour\r\n\r\nfive",
    "\r\n\r\n\n\r\rend\r",
    "unicode\u2028separators\x85and\x0cmore\n",
    "no line break at all",
]


@pytest.mark.parametrize("text", SAMPLE_TEXTS)
def test_line_decoder_matches_splitlines_for_every_split_point(text: str) -> None:
    for first in range(len(text) + 1):
        for second in range(first, len(text) + 1):
            pieces = [text[:first], text[first:second], text[second:]]
            assert _lines(pieces) == text.splitlines(), pieces


@pytest.mark.parametrize("text", SAMPLE_TEXTS)
def test_line_decoder_matches_splitlines_one_character_at_a_time(text: str) -> None:
    assert _lines(list(text)) == text.splitlines()

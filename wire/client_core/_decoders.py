"""Incremental body decoders and chunkers, as httpx 0.28's; every one is `decode()`/`flush()`.

Strategy: a response body arrives in chunks of any size. Each object here keeps the
state needed between chunks: `decode(chunk)` returns what can be produced now, and
`flush()` returns the rest at the end of the body (and checks the body was complete).

* Content decoders (`bytes → bytes`) undo a `Content-Encoding` (RFC 9110 §8.4.1):
  identity, gzip (RFC 1952), deflate (RFC 1950 zlib, or the raw RFC 1951 stream that some
  servers send), br (RFC 7932) and zstd (RFC 8878). `MultiDecoder` stacks them.
* `TextDecoder` (`bytes → str`) decodes a charset, replacing invalid bytes.
* `ByteChunker` / `TextChunker` re-cut a stream into fixed-size pieces.
* `LineDecoder` (`str → list[str]`) splits lines like `str.splitlines()`.

Bounded memory: a compressed body can expand a thousandfold or more (a "decompression
bomb": 64 KiB of gzip is 64 MiB of zeros, 200 bytes of brotli are 128 MiB). So content
decoders also offer `decode_iter(chunk)` and `flush_iter()`, which yield the output in
pieces of at most about `DECODE_STEP_BYTES` (zstd: a few MiB at worst) instead of one
`bytes`; `Response.iter_bytes()` consumes those, so streaming a bomb holds one piece at a
time. `decode()`/`flush()` remain, joining the pieces, for callers that want one value.

Decoding failures raise `DecodingError` with a message only; the `Response` attaches the
request. Deliberate departure from httpx: a compressed body that stops before its end
(gzip, deflate, br, zstd) raises `DecodingError` at `flush()`, where httpx returns the
truncated data silently for gzip and deflate. An empty body (e.g. the answer to HEAD)
is never an error.

`brotli` (or `brotlicffi`) and `zstandard` are optional and imported only when a decoder
that needs them is created; `SUPPORTED_DECODERS` lists "br" and "zstd" only when they can
be imported.
"""

from __future__ import annotations

import codecs
import importlib
import importlib.util
import zlib
from collections.abc import Iterator, Sequence
from types import ModuleType
from typing import Any

from ._exceptions import DecodingError

__all__ = [
    "DECODE_STEP_BYTES",
    "MAX_CONTENT_ENCODINGS",
    "SUPPORTED_DECODERS",
    "BrotliDecoder",
    "ByteChunker",
    "ContentDecoder",
    "DeflateDecoder",
    "GZipDecoder",
    "IdentityDecoder",
    "LineDecoder",
    "MultiDecoder",
    "TextChunker",
    "TextDecoder",
    "ZStandardDecoder",
    "check_chunk_size",
]

#: Largest piece, in bytes, that gzip, deflate and br decoders produce in one step.
DECODE_STEP_BYTES = 64 * 1024

#: Most codings a response may stack in Content-Encoding (RFC 9110 §8.4 sets no limit;
#: more than a few is only ever an attack, each layer multiplying the expansion).
MAX_CONTENT_ENCODINGS = 5

# zstandard's decompressobj has no output cap, so input is fed in slices this small. A zstd
# block has a 3-byte header and regenerates at most 128 KiB (RFC 8878 §3.1.1.2), so a slice
# of 128 bytes yields at most (128 / 4 + 1) x 128 KiB, about 4 MiB, whatever the data
# (zstandard briefly holds twice that while it joins its output). Smaller slices cost speed:
# 128 bytes decode at about 480 MB/s here, 64 bytes at under 200 MB/s.
_ZSTD_INPUT_SLICE_BYTES = 128

# brotli older than 1.2 has no output_buffer_limit: input is fed in slices this small, a
# best-effort bound only (one brotli meta-block may regenerate up to 16 MiB).
_BROTLI_INPUT_SLICE_BYTES = 64


class ContentDecoder:
    """Base class: undo one Content-Encoding incrementally.

    Call `decode_iter()` (or `decode()`) with each chunk of the body as received, then
    `flush_iter()` (or `flush()`) once at its end; concatenated, their outputs are the
    decoded body. Subclasses implement `decode_iter()` and `flush()`.
    """

    def decode_iter(self, data: bytes) -> Iterator[bytes]:
        """Decode one chunk of the body in bounded pieces.

        Args:
            data: bytes, the next encoded chunk (may be empty).

        Yields:
            bytes: non-empty decoded pieces of at most about `DECODE_STEP_BYTES` each
            (zstd: a few MiB at worst); consume each before asking for the next, so
            that a highly compressed body never sits in memory whole.

        Raises:
            DecodingError: the data is not valid for this encoding.
        """
        raise NotImplementedError()  # pragma: no cover

    def decode(self, data: bytes) -> bytes:
        """Decode one chunk of the body: `decode_iter()` joined into one value.

        Args:
            data: bytes, the next encoded chunk (may be empty).

        Returns:
            bytes: the decoded bytes available so far (may be empty); unbounded in size,
            so prefer `decode_iter()` for untrusted input.

        Raises:
            DecodingError: the data is not valid for this encoding.
        """
        return b"".join(self.decode_iter(data))

    def flush(self) -> bytes:
        """Finish decoding at the end of the body.

        Returns:
            bytes: any decoded bytes still held back.

        Raises:
            DecodingError: the encoded body was truncated.
        """
        raise NotImplementedError()  # pragma: no cover

    def flush_iter(self) -> Iterator[bytes]:
        """Finish decoding, yielding what was held back in pieces (see `decode_iter()`).

        Raises:
            DecodingError: the encoded body was truncated.
        """
        tail = self.flush()
        if tail:
            yield tail


class IdentityDecoder(ContentDecoder):
    """The `identity` encoding (and no Content-Encoding): bytes pass through unchanged."""

    def decode_iter(self, data: bytes) -> Iterator[bytes]:
        """Yield `data` unchanged (nothing if it is empty)."""
        if data:
            yield data

    def decode(self, data: bytes) -> bytes:
        """Return `data` unchanged."""
        return data

    def flush(self) -> bytes:
        """Return b"": nothing is ever held back."""
        return b""


def _zlib_flush(decompressor: Any, has_data: bool, name: str) -> bytes:
    """Flush a zlib decompressor; raise DecodingError if its stream did not end."""
    try:
        tail: bytes = decompressor.flush()
    except zlib.error as exc:  # pragma: no cover - flush() of a decompressobj rarely fails
        raise DecodingError(str(exc)) from exc
    if has_data and not decompressor.eof:
        raise DecodingError(f"The {name} data is truncated: the compressed stream did not end.")
    return tail


def _zlib_steps(decompressor: Any, data: bytes) -> Iterator[bytes]:
    """Inflate `data` in pieces of at most DECODE_STEP_BYTES, stopping at the stream's end.

    Input left over after the end of the stream is in `decompressor.unused_data`.
    """
    while True:
        try:
            piece: bytes = decompressor.decompress(data, DECODE_STEP_BYTES)
        except zlib.error as exc:
            raise DecodingError(str(exc)) from exc
        if piece:
            yield piece
        data = decompressor.unconsumed_tail
        # A full piece may leave output pending inside zlib even with no input left.
        if decompressor.eof or (not data and len(piece) < DECODE_STEP_BYTES):
            return


class GZipDecoder(ContentDecoder):
    """The `gzip` encoding (RFC 1952), including bodies of several gzip members.

    Bytes after a complete member that do not start a new member (no `1f 8b` magic) are
    ignored, as gzip(1) and browsers do, since some servers pad bodies.

    Raises:
        DecodingError: from `decode()` on corrupt data, from `flush()` if the last member
            was truncated.
    """

    _MAGIC = b"\x1f\x8b"

    def __init__(self) -> None:
        self._decompressor = zlib.decompressobj(zlib.MAX_WBITS | 16)
        self._has_data = False  # bytes were fed to the current member
        self._between_members = b""  # bytes after a member, too few to tell what follows
        self._is_ignoring_rest = False

    def decode_iter(self, data: bytes) -> Iterator[bytes]:
        """Decode one chunk in bounded pieces; see `ContentDecoder.decode_iter`."""
        while data and not self._is_ignoring_rest:
            if self._decompressor.eof:
                data = self._between_members + data
                if len(data) < len(self._MAGIC):
                    self._between_members = data
                    return
                self._between_members = b""
                if not data.startswith(self._MAGIC):
                    self._is_ignoring_rest = True
                    return
                self._decompressor = zlib.decompressobj(zlib.MAX_WBITS | 16)
            self._has_data = True
            yield from _zlib_steps(self._decompressor, data)
            data = self._decompressor.unused_data if self._decompressor.eof else b""

    def flush(self) -> bytes:
        """Finish decoding; see `ContentDecoder.flush`."""
        return _zlib_flush(self._decompressor, self._has_data, "gzip")


def _is_zlib_header(header: bytes) -> bool:
    """Tell whether two bytes are a zlib header: method 8 (deflate), FCHECK (RFC 1950 §2.2)."""
    return header[0] & 0x0F == 8 and int.from_bytes(header[:2], "big") % 31 == 0


class DeflateDecoder(ContentDecoder):
    """The `deflate` encoding: a zlib stream (RFC 1950), or a raw deflate stream (RFC 1951).

    RFC 9110 §8.4.1.2 says zlib, but some servers send raw deflate, so the first two bytes
    are checked for a zlib header (they are held until both have arrived) and, as in
    httpx, a zlib-looking start whose first step fails to decode is retried as raw deflate.

    Raises:
        DecodingError: from `decode()` on corrupt data, from `flush()` if truncated.
    """

    def __init__(self) -> None:
        self._decompressor: Any = None  # chosen once the first two bytes are known
        self._head = b""

    def decode_iter(self, data: bytes) -> Iterator[bytes]:
        """Decode one chunk in bounded pieces; see `ContentDecoder.decode_iter`."""
        if self._decompressor is None:
            data = self._head + data
            if len(data) < 2:
                self._head = data
                return
            self._head = b""
            if _is_zlib_header(data):
                candidate = zlib.decompressobj()
                try:
                    first: bytes = candidate.decompress(data, DECODE_STEP_BYTES)
                except zlib.error:
                    pass  # a raw stream whose first bytes happen to look like zlib
                else:
                    self._decompressor = candidate
                    if first:
                        yield first
                    yield from _zlib_steps(candidate, candidate.unconsumed_tail)
                    return
            self._decompressor = zlib.decompressobj(-zlib.MAX_WBITS)
        yield from _zlib_steps(self._decompressor, data)

    def flush(self) -> bytes:
        """Finish decoding; see `ContentDecoder.flush`."""
        if self._decompressor is None:
            if self._head:
                raise DecodingError("The deflate data is truncated: only one byte was received.")
            return b""
        return _zlib_flush(self._decompressor, True, "deflate")


def _import_optional(names: Sequence[str], decoder: str, extra: str) -> ModuleType:
    """Import the first importable module of `names`, or raise ImportError with a hint."""
    for name in names:
        try:
            return importlib.import_module(name)
        except ImportError:
            continue
    raise ImportError(
        f"Using '{decoder}', but none of the packages {', '.join(map(repr, names))} is "
        f"installed. Install it with `pip install 'wire[{extra}]'`."
    )


class BrotliDecoder(ContentDecoder):
    """The `br` encoding (RFC 7932), with the `brotli` package, else `brotlicffi`.

    With brotli/brotlicffi 1.2 or later, output is produced in pieces of at most
    `DECODE_STEP_BYTES` (`output_buffer_limit`); with older versions, input is fed in
    small slices, which bounds the pieces less tightly (up to a 16 MiB meta-block).

    Raises:
        ImportError: on creation, when neither package is installed (hint included).
        DecodingError: from `decode()` on corrupt data, from `flush()` if truncated.
    """

    def __init__(self) -> None:
        self._module = _import_optional(("brotli", "brotlicffi"), "BrotliDecoder", "brotli")
        self._decompressor: Any = self._module.Decompressor()
        # brotli names its method process(); brotlicffi names it decompress().
        self._decompress: Any = getattr(self._decompressor, "decompress", None) or (
            self._decompressor.process
        )
        # 1.2 added output_buffer_limit together with can_accept_more_data().
        self._has_output_limit = hasattr(self._decompressor, "can_accept_more_data")
        self._has_data = False

    def decode_iter(self, data: bytes) -> Iterator[bytes]:
        """Decode one chunk in bounded pieces; see `ContentDecoder.decode_iter`."""
        if not data:
            return
        self._has_data = True
        try:
            if self._has_output_limit:
                yield from self._limited_steps(data)
            else:  # pragma: no cover - brotli < 1.2
                view = memoryview(data)
                for start in range(0, len(data), _BROTLI_INPUT_SLICE_BYTES):
                    piece = self._decompress(bytes(view[start : start + _BROTLI_INPUT_SLICE_BYTES]))
                    if piece:
                        yield bytes(piece)
        except self._module.error as exc:
            raise DecodingError(str(exc)) from exc

    def _limited_steps(self, data: bytes) -> Iterator[bytes]:
        piece = self._decompress(data, output_buffer_limit=DECODE_STEP_BYTES)
        # A piece that reached the limit (it may pass it by one internal buffer) can leave
        # input and output held inside: drain them with empty calls. A shorter piece
        # means the decompressor ran out of input.
        for _ in range(1 << 62):
            if piece:
                yield bytes(piece)
            if self._decompressor.is_finished():
                return
            if len(piece) < DECODE_STEP_BYTES and self._decompressor.can_accept_more_data():
                return
            piece = self._decompress(b"", output_buffer_limit=DECODE_STEP_BYTES)

    def flush(self) -> bytes:
        """Finish decoding; see `ContentDecoder.flush`."""
        if not self._has_data:
            return b""
        is_finished = getattr(self._decompressor, "is_finished", None)
        if is_finished is not None and not is_finished():
            raise DecodingError("The brotli data is truncated: the compressed stream did not end.")
        return b""


class ZStandardDecoder(ContentDecoder):
    """The `zstd` encoding (RFC 8878), with the `zstandard` package; frames may follow frames.

    zstandard's streaming decompressor has no output cap, so input is fed to it in slices
    small enough that one slice yields at most about 4 MiB (see `_ZSTD_INPUT_SLICE_BYTES`).

    Raises:
        ImportError: on creation, when `zstandard` is not installed (hint included).
        DecodingError: from `decode()` on corrupt data, from `flush()` if truncated.
    """

    def __init__(self) -> None:
        self._module = _import_optional(("zstandard",), "ZStandardDecoder", "zstd")
        self._decompressor: Any = self._module.ZstdDecompressor().decompressobj()
        self._has_data = False

    def decode_iter(self, data: bytes) -> Iterator[bytes]:
        """Decode one chunk in bounded pieces; see `ContentDecoder.decode_iter`."""
        view = memoryview(data)
        try:
            for start in range(0, len(data), _ZSTD_INPUT_SLICE_BYTES):
                yield from self._decode_slice(view[start : start + _ZSTD_INPUT_SLICE_BYTES])
        except self._module.ZstdError as exc:
            raise DecodingError(str(exc)) from exc

    def _decode_slice(self, data: memoryview | bytes) -> Iterator[bytes]:
        while data:
            if self._decompressor.eof:
                # The previous frame ended: the next bytes begin a new frame.
                self._decompressor = self._module.ZstdDecompressor().decompressobj()
            self._has_data = True
            piece: bytes = self._decompressor.decompress(data)
            if piece:
                yield piece
            data = self._decompressor.unused_data if self._decompressor.eof else b""

    def flush(self) -> bytes:
        """Finish decoding; see `ContentDecoder.flush`."""
        if not self._has_data:
            return b""
        if not self._decompressor.eof:
            raise DecodingError("The zstd data is truncated: the last frame did not end.")
        return b""


class MultiDecoder(ContentDecoder):
    """Several stacked encodings, e.g. `Content-Encoding: deflate, gzip` (RFC 9110 §8.4).

    Each piece one layer yields is passed through the next layer at once, so stacking
    keeps the bounded-piece guarantee of `decode_iter()`.

    Args:
        children: sequence of decoders in the order the encodings were applied (the
            header's order); decoding runs them in reverse.
    """

    def __init__(self, children: Sequence[ContentDecoder]) -> None:
        self.children = list(reversed(children))

    def _through(self, index: int, data: bytes) -> Iterator[bytes]:
        """Pass `data` through children[index:]."""
        if index == len(self.children):
            if data:
                yield data
            return
        for piece in self.children[index].decode_iter(data):
            yield from self._through(index + 1, piece)

    def decode_iter(self, data: bytes) -> Iterator[bytes]:
        """Decode one chunk through every child; see `ContentDecoder.decode_iter`."""
        return self._through(0, data)

    def flush_iter(self) -> Iterator[bytes]:
        """Flush each child in turn, passing its tail through the children after it."""
        for index, child in enumerate(self.children):
            for piece in child.flush_iter():
                yield from self._through(index + 1, piece)

    def flush(self) -> bytes:
        """Flush each child in turn, feeding its tail to the next one."""
        return b"".join(self.flush_iter())


def check_chunk_size(chunk_size: int | None) -> int | None:
    """Return `chunk_size`, refusing what would never produce a chunk.

    Args:
        chunk_size: int size of a chunk (bytes or characters), or None for "as they come".

    Returns:
        `chunk_size` unchanged.

    Raises:
        ValueError: `chunk_size` is an int below 1.
    """
    if chunk_size is not None and chunk_size < 1:
        raise ValueError(f"chunk_size must be a positive int or None, got {chunk_size!r}")
    return chunk_size


class ByteChunker:
    """Re-cut a byte stream into chunks of exactly `chunk_size` bytes (the last may be short).

    Args:
        chunk_size: int, bytes per chunk; None (the default) passes chunks through as
            they come (empty ones dropped), without copying.

    Example:
        >>> chunker = ByteChunker(2)
        >>> chunker.decode(b"abc"), chunker.flush()
        ([b'ab'], [b'c'])
    """

    def __init__(self, chunk_size: int | None = None) -> None:
        self._chunk_size = check_chunk_size(chunk_size)
        self._pending = b""  # always shorter than chunk_size

    def decode(self, content: bytes) -> list[bytes]:
        """Take more bytes and return the complete chunks now available.

        Args:
            content: bytes, the next piece of the stream.

        Returns:
            list[bytes]: complete chunks, possibly none.
        """
        size = self._chunk_size
        if size is None:
            return [content] if content else []
        data = self._pending + content if self._pending else content
        end = len(data) - len(data) % size
        self._pending = data[end:]
        return [data[start : start + size] for start in range(0, end, size)]

    def flush(self) -> list[bytes]:
        """Return the last, short chunk if any bytes are held back."""
        pending, self._pending = self._pending, b""
        return [pending] if pending else []


class TextChunker:
    """Re-cut a text stream into chunks of exactly `chunk_size` characters.

    Args:
        chunk_size: int, characters per chunk; None (the default) passes chunks through
            (empty ones dropped).
    """

    def __init__(self, chunk_size: int | None = None) -> None:
        self._chunk_size = check_chunk_size(chunk_size)
        self._pending = ""  # always shorter than chunk_size

    def decode(self, content: str) -> list[str]:
        """Take more text and return the complete chunks now available.

        Args:
            content: str, the next piece of the text.

        Returns:
            list[str]: complete chunks, possibly none.
        """
        size = self._chunk_size
        if size is None:
            return [content] if content else []
        data = self._pending + content
        end = len(data) - len(data) % size
        self._pending = data[end:]
        return [data[start : start + size] for start in range(0, end, size)]

    def flush(self) -> list[str]:
        """Return the last, short chunk if any text is held back."""
        pending, self._pending = self._pending, ""
        return [pending] if pending else []


class TextDecoder:
    """Decode bytes to str incrementally; a character split across chunks is held back.

    Args:
        encoding: str, a codec name known to Python (e.g. "utf-8", "latin-1"); default
            "utf-8". Invalid bytes become U+FFFD (errors="replace").

    Raises:
        LookupError: on creation, for an unknown encoding.

    Example:
        >>> decoder = TextDecoder()
        >>> decoder.decode(b"caf\\xc3"), decoder.decode(b"\\xa9")
        ('caf', 'é')
    """

    def __init__(self, encoding: str = "utf-8") -> None:
        self._decoder = codecs.getincrementaldecoder(encoding)(errors="replace")

    def decode(self, data: bytes) -> str:
        """Decode the next bytes; returns the complete characters so far."""
        return self._decoder.decode(data)

    def flush(self) -> str:
        """Finish; an incomplete trailing sequence becomes U+FFFD."""
        return self._decoder.decode(b"", True)


# Every boundary str.splitlines() knows (see the str.splitlines docs).
_LINE_BREAKS = frozenset("\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")


class LineDecoder:
    """Split text into lines incrementally, exactly as `str.splitlines()` on the whole.

    Lines come without their line ending. Boundaries are `\\n`, `\\r\\n`, `\\r` and the
    other `str.splitlines()` separators. A `\\r` at the end of a chunk is held until the
    next chunk shows whether a `\\n` follows, so `\\r\\n` split across chunks is one break.

    Example:
        >>> decoder = LineDecoder()
        >>> decoder.decode("a\\r"), decoder.decode("\\nb"), decoder.flush()
        ([], ['a'], ['b'])
    """

    def __init__(self) -> None:
        self._partial: list[str] = []  # pieces of the current, unterminated line
        self._has_held_cr = False

    def decode(self, text: str) -> list[str]:
        """Take more text and return the lines it completes.

        Args:
            text: str, the next piece of text.

        Returns:
            list[str]: complete lines without their endings, possibly none.
        """
        if self._has_held_cr:
            text = "\r" + text
            self._has_held_cr = False
        if text.endswith("\r"):
            self._has_held_cr = True
            text = text[:-1]
        if not text:
            return []
        lines = text.splitlines()
        tail = None if text[-1] in _LINE_BREAKS else lines.pop()
        if lines and self._partial:
            lines[0] = "".join(self._partial) + lines[0]
            self._partial = []
        if tail is not None:
            self._partial.append(tail)
        return lines

    def flush(self) -> list[str]:
        """Return the last line if the text did not end with a line break (or ended in `\\r`)."""
        if not self._partial and not self._has_held_cr:
            return []
        line = "".join(self._partial)
        self._partial = []
        self._has_held_cr = False
        return [line]


def _has_module(*names: str) -> bool:
    """Tell, without importing it, whether one of the top-level modules can be imported."""
    for name in names:
        try:
            if importlib.util.find_spec(name) is not None:
                return True
        except ValueError:
            # Raised when sys.modules[name] is None, i.e. the import was blocked on purpose.
            continue
    return False


SUPPORTED_DECODERS: dict[str, type[ContentDecoder]] = {
    "identity": IdentityDecoder,
    "gzip": GZipDecoder,
    "deflate": DeflateDecoder,
}
if _has_module("brotli", "brotlicffi"):
    SUPPORTED_DECODERS["br"] = BrotliDecoder
if _has_module("zstandard"):
    SUPPORTED_DECODERS["zstd"] = ZStandardDecoder

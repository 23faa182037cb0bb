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
from collections.abc import Sequence
from types import ModuleType
from typing import Any

from ._exceptions import DecodingError

__all__ = [
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
]


class ContentDecoder:
    """Base class: undo one Content-Encoding incrementally.

    Call `decode()` with each chunk of the body as received, then `flush()` once at its
    end; concatenated, their results are the decoded body.
    """

    def decode(self, data: bytes) -> bytes:
        """Decode one chunk of the body.

        Args:
            data: bytes, the next encoded chunk (may be empty).

        Returns:
            bytes: the decoded bytes available so far (may be empty).

        Raises:
            DecodingError: the data is not valid for this encoding.
        """
        raise NotImplementedError()  # pragma: no cover

    def flush(self) -> bytes:
        """Finish decoding at the end of the body.

        Returns:
            bytes: any decoded bytes still held back.

        Raises:
            DecodingError: the encoded body was truncated.
        """
        raise NotImplementedError()  # pragma: no cover


class IdentityDecoder(ContentDecoder):
    """The `identity` encoding (and no Content-Encoding): bytes pass through unchanged."""

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

    def decode(self, data: bytes) -> bytes:
        """Decode one chunk; see `ContentDecoder.decode`."""
        output: list[bytes] = []
        while data and not self._is_ignoring_rest:
            if self._decompressor.eof:
                data = self._between_members + data
                if len(data) < len(self._MAGIC):
                    self._between_members = data
                    break
                self._between_members = b""
                if not data.startswith(self._MAGIC):
                    self._is_ignoring_rest = True
                    break
                self._decompressor = zlib.decompressobj(zlib.MAX_WBITS | 16)
            self._has_data = True
            try:
                output.append(self._decompressor.decompress(data))
            except zlib.error as exc:
                raise DecodingError(str(exc)) from exc
            data = self._decompressor.unused_data
        return b"".join(output)

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
    httpx, a zlib-looking start that fails to decode is retried as raw deflate.

    Raises:
        DecodingError: from `decode()` on corrupt data, from `flush()` if truncated.
    """

    def __init__(self) -> None:
        self._decompressor: Any = None  # chosen once the first two bytes are known
        self._head = b""

    def decode(self, data: bytes) -> bytes:
        """Decode one chunk; see `ContentDecoder.decode`."""
        if self._decompressor is None:
            data = self._head + data
            if len(data) < 2:
                self._head = data
                return b""
            self._head = b""
            if _is_zlib_header(data):
                try:
                    return self._decode_with(zlib.decompressobj(), data)
                except DecodingError:
                    pass  # a raw stream whose first bytes happen to look like zlib
            return self._decode_with(zlib.decompressobj(-zlib.MAX_WBITS), data)
        return self._decode_with(self._decompressor, data)

    def _decode_with(self, decompressor: Any, data: bytes) -> bytes:
        try:
            output: bytes = decompressor.decompress(data)
        except zlib.error as exc:
            raise DecodingError(str(exc)) from exc
        self._decompressor = decompressor
        return output

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
        self._has_data = False

    def decode(self, data: bytes) -> bytes:
        """Decode one chunk; see `ContentDecoder.decode`."""
        if not data:
            return b""
        self._has_data = True
        try:
            return bytes(self._decompress(data))
        except self._module.error as exc:
            raise DecodingError(str(exc)) from exc

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

    Raises:
        ImportError: on creation, when `zstandard` is not installed (hint included).
        DecodingError: from `decode()` on corrupt data, from `flush()` if truncated.
    """

    def __init__(self) -> None:
        self._module = _import_optional(("zstandard",), "ZStandardDecoder", "zstd")
        self._decompressor: Any = self._module.ZstdDecompressor().decompressobj()
        self._has_data = False

    def decode(self, data: bytes) -> bytes:
        """Decode one chunk; see `ContentDecoder.decode`."""
        output: list[bytes] = []
        try:
            while data:
                if self._decompressor.eof:
                    # The previous frame ended: the next bytes begin a new frame.
                    self._decompressor = self._module.ZstdDecompressor().decompressobj()
                self._has_data = True
                output.append(self._decompressor.decompress(data))
                data = self._decompressor.unused_data if self._decompressor.eof else b""
        except self._module.ZstdError as exc:
            raise DecodingError(str(exc)) from exc
        return b"".join(output)

    def flush(self) -> bytes:
        """Finish decoding; see `ContentDecoder.flush`."""
        if not self._has_data:
            return b""
        if not self._decompressor.eof:
            raise DecodingError("The zstd data is truncated: the last frame did not end.")
        return b""


class MultiDecoder(ContentDecoder):
    """Several stacked encodings, e.g. `Content-Encoding: deflate, gzip` (RFC 9110 §8.4).

    Args:
        children: sequence of decoders in the order the encodings were applied (the
            header's order); decoding runs them in reverse.
    """

    def __init__(self, children: Sequence[ContentDecoder]) -> None:
        self.children = list(reversed(children))

    def decode(self, data: bytes) -> bytes:
        """Decode one chunk through every child; see `ContentDecoder.decode`."""
        for child in self.children:
            data = child.decode(data)
        return data

    def flush(self) -> bytes:
        """Flush each child in turn, feeding its tail to the next one."""
        data = b""
        for child in self.children:
            data = child.decode(data) + child.flush()
        return data


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
        self._chunk_size = chunk_size
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
        self._chunk_size = chunk_size
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

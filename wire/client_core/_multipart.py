"""A streaming `multipart/form-data` encoder (RFC 7578), as httpx 0.28's.

Strategy: the body is a list of fields rendered lazily. Each part is

```
--{boundary}\\r\\n
Content-Disposition: form-data; name="{name}"[; filename="{filename}"]
[\\r\\n{Header}: {value}]...\\r\\n\\r\\n
{data}\\r\\n
```

and the body ends with `--{boundary}--\\r\\n`. Files are read in `FileField.CHUNK_SIZE`
(64 KiB) chunks while the body is sent, never whole into memory. The total length is
computed up front from the file sizes (`os.fstat` or seek/tell), so `Content-Length` is
sent whenever every part's size is known; otherwise the body goes out with
`Transfer-Encoding: chunked` (RFC 9112 §6.1).

Names and filenames are written as UTF-8 inside double quotes and escaped as
httpx does: `"` → `%22`, `\\` → `\\\\`, and every C0 control except ESC → `%XX`, which
covers the WHATWG HTML form encoding's CR → `%0D` and LF → `%0A`.
"""

from __future__ import annotations

import io
import os
import re
import stat
from collections.abc import AsyncIterator, Iterator, Mapping
from typing import Any

from ._exceptions import StreamConsumed
from ._types import (
    AsyncByteStream,
    FileContent,
    FileTypes,
    RequestData,
    RequestFiles,
    SyncByteStream,
)

__all__ = [
    "DataField",
    "FileField",
    "MultipartStream",
    "get_multipart_boundary_from_content_type",
    "peek_filelike_length",
    "primitive_value_to_str",
]

# The characters escaped in a quoted `name`/`filename`. The WHATWG multipart/form-data
# encoding requires `"`, CR and LF; httpx (after urllib3) also escapes the backslash and
# the other C0 controls except ESC, and we send the same bytes as httpx.
_FORM_PARAM_ESCAPES: dict[str, str] = {'"': "%22", "\\": "\\\\"}
_FORM_PARAM_ESCAPES.update({chr(c): f"%{c:02X}" for c in range(0x20) if c != 0x1B})
_FORM_PARAM_RE = re.compile("|".join(re.escape(char) for char in _FORM_PARAM_ESCAPES))


def primitive_value_to_str(value: Any) -> str:
    """Render a form or query value the way httpx does.

    Args:
        value: a str (returned as is), bool (`"true"`/`"false"`), None (`""`), or any other
            value (rendered with `str()`, e.g. `1.5` → `"1.5"`).

    Returns:
        str: the rendered value.
    """
    if value is True:
        return "true"
    if value is False:
        return "false"
    if value is None:
        return ""
    return value if isinstance(value, str) else str(value)


def peek_filelike_length(stream: Any, *, from_current_position: bool = False) -> int | None:
    """Return the size of a file-like object in bytes, without reading it.

    Seekable streams are measured with seek/tell (then put back where they were); others
    by `os.fstat` when they are regular files. Pipes, sockets and generators give None:
    their size cannot be known before reading, and `fstat` would report 0 for a pipe.

    Args:
        stream: any object; only file-like ones have a length.
        from_current_position: bool; when True, count only the bytes from the current
            position to the end (what a plain `read()` loop will send). Default False:
            the whole file (what a rewind-then-read sends).

    Returns:
        int | None: the length in bytes, or None when it cannot be told cheaply.
    """
    seekable = getattr(stream, "seekable", None)
    if not callable(seekable) or _safe_call(seekable):
        try:
            offset = stream.tell()
            stream.seek(0, os.SEEK_END)
            end = stream.tell()
            stream.seek(offset)
        except (AttributeError, OSError, ValueError):
            pass  # not random access after all: try fstat below
        else:
            if isinstance(end, int) and isinstance(offset, int):
                return max(end - offset, 0) if from_current_position else end
    try:
        status = os.fstat(stream.fileno())
    except (AttributeError, OSError, ValueError):
        return None
    if not stat.S_ISREG(status.st_mode) or from_current_position:
        # A regular file that is not seekable cannot report its position; give up.
        return None
    return status.st_size


def _safe_call(method: Any) -> bool:
    """Call a `seekable()`-like method, treating any OSError/ValueError as False."""
    try:
        return bool(method())
    except (OSError, ValueError):
        return False


def is_text_mode_file(obj: Any) -> bool:
    """Tell whether `obj` is a file opened in text mode (its reads return str).

    Args:
        obj: any object.

    Returns:
        bool: True for `io.TextIOBase` instances (`open(path)`, `io.StringIO`) and for
        file-likes whose str `mode` lacks "b".
    """
    if isinstance(obj, io.TextIOBase):
        return True
    mode = getattr(obj, "mode", None)
    return isinstance(mode, str) and hasattr(obj, "read") and "b" not in mode


def _format_form_param(name: str, value: str) -> bytes:
    """Render `name="value"` for a Content-Disposition header, escaping `value`."""
    escaped = _FORM_PARAM_RE.sub(lambda match: _FORM_PARAM_ESCAPES[match.group(0)], value)
    return f'{name}="{escaped}"'.encode()


def _guess_content_type(filename: str | None) -> str | None:
    """Guess a part's media type from its filename; None when there is no filename."""
    if not filename:
        return None
    import mimetypes  # lazily: only file uploads need it (start-up time)

    return mimetypes.guess_type(filename)[0] or "application/octet-stream"


def get_multipart_boundary_from_content_type(content_type: bytes | None) -> bytes | None:
    """Extract the boundary from a user-supplied `multipart/form-data` Content-Type.

    Lets `Content-Type: multipart/form-data; boundary=xyz` given by the user fix the
    boundary of the encoded body (RFC 2046 §5.1.1 boundary parameter).

    Args:
        content_type: bytes, the raw header value, or None when there is no header.

    Returns:
        bytes | None: the boundary without quotes, e.g. `b"xyz"`, or None when the value
        is not multipart/form-data or has no boundary parameter.

    Example:
        >>> get_multipart_boundary_from_content_type(b'multipart/form-data; boundary="ab"')
        b'ab'
    """
    if not content_type:
        return None
    media_type, _, params = content_type.partition(b";")
    if media_type.strip().lower() != b"multipart/form-data":
        return None
    for param in params.split(b";"):
        key, equals, value = param.strip().partition(b"=")
        if equals and key.strip().lower() == b"boundary":
            return value.strip().strip(b'"')
    return None


class DataField:
    """A plain form field: `name` and a primitive value.

    Args:
        name: str, the field name.
        value: str (sent UTF-8), bytes (sent as is), int/float (`str()`), bool
            (`"true"`/`"false"`) or None (`""`).

    Raises:
        TypeError: `name` is not a str, or `value` is not one of the types above.
    """

    def __init__(self, name: str, value: str | bytes | int | float | None) -> None:
        if not isinstance(name, str):
            raise TypeError(f"Invalid type for name. Expected str, got {type(name)}: {name!r}")
        if value is not None and not isinstance(value, str | bytes | int | float):
            raise TypeError(
                f"Invalid type for value. Expected primitive type, got {type(value)}: {value!r}"
            )
        self.name = name
        self.value: str | bytes = value if isinstance(value, bytes) else (
            primitive_value_to_str(value)
        )
        self._headers = b"".join(
            [b"Content-Disposition: form-data; ", _format_form_param("name", name), b"\r\n\r\n"]
        )
        self._data = self.value if isinstance(self.value, bytes) else self.value.encode()

    def render_headers(self) -> bytes:
        """Return the part's header block, ending with the blank line."""
        return self._headers

    def render_data(self) -> bytes:
        """Return the part's body bytes."""
        return self._data

    def get_length(self) -> int:
        """Return the part's size in bytes (headers plus data)."""
        return len(self._headers) + len(self._data)

    def render(self) -> Iterator[bytes]:
        """Yield the header block, then the data."""
        yield self._headers
        yield self._data


class FileField:
    """A file upload part.

    Args:
        name: str, the field name.
        value: a file content, or a tuple `(filename, content)`,
            `(filename, content, content_type)` or
            `(filename, content, content_type, headers)`. `content` is bytes, str (sent
            UTF-8) or a binary file object (read in `CHUNK_SIZE` chunks, from its start).
            `filename` None or "" leaves the filename out; a bare file object takes the
            basename of its `.name` ("upload" if it has none). `content_type` None is
            guessed from the filename with `mimetypes` (default
            `application/octet-stream`); a Content-Type in `headers` wins over it.

    Raises:
        TypeError: the content is a text-mode file or not bytes, str or a file object.
        ValueError: a per-part header name or value contains CR or LF.
    """

    CHUNK_SIZE = 64 * 1024

    def __init__(self, name: str, value: FileTypes) -> None:
        self.name = name
        filename, fileobj, content_type, headers = self._unpack(value)
        if content_type is None:
            content_type = _guess_content_type(filename)
        if content_type is not None and not any(k.lower() == "content-type" for k in headers):
            headers["Content-Type"] = content_type
        if isinstance(fileobj, io.StringIO):
            raise TypeError("Multipart file uploads require 'io.BytesIO', not 'io.StringIO'.")
        if is_text_mode_file(fileobj):
            raise TypeError("Multipart file uploads must be opened in binary mode, not text mode.")
        if not isinstance(fileobj, bytes | str) and not hasattr(fileobj, "read"):
            raise TypeError(
                f"Invalid type for file content. Expected bytes, str or a binary file object, "
                f"got {type(fileobj)}: {fileobj!r}"
            )
        for key, header_value in headers.items():
            # A CR or LF would end the part's header block early (header injection).
            if any(c in key or c in header_value for c in "\r\n"):
                raise ValueError(f"Invalid multipart header {key!r}: CR and LF are not allowed.")
        self.filename = filename
        self.file = fileobj
        self.headers = headers
        self._headers_bytes: bytes | None = None
        self._is_consumed = False

    @staticmethod
    def _unpack(value: FileTypes) -> tuple[str | None, FileContent, str | None, dict[str, str]]:
        """Split the requests-style file tuple into its four parts."""
        if not isinstance(value, tuple):
            from pathlib import PurePath  # lazily: most requests upload no file (start-up time)

            return PurePath(str(getattr(value, "name", "upload"))).name, value, None, {}
        if len(value) == 2:
            return value[0], value[1], None, {}
        if len(value) == 3:
            return value[0], value[1], value[2], {}
        if len(value) == 4:
            # Copied: the Content-Type we add must not leak into the caller's mapping.
            return value[0], value[1], value[2], dict(value[3])
        raise TypeError(f"A file tuple must have 2, 3 or 4 items, got {len(value)}.")

    def render_headers(self) -> bytes:
        """Return the part's header block, ending with the blank line."""
        if self._headers_bytes is None:
            parts = [b"Content-Disposition: form-data; ", _format_form_param("name", self.name)]
            if self.filename:
                parts += [b"; ", _format_form_param("filename", self.filename)]
            for key, header_value in self.headers.items():
                parts += [f"\r\n{key}: ".encode(), header_value.encode()]
            parts.append(b"\r\n\r\n")
            self._headers_bytes = b"".join(parts)
        return self._headers_bytes

    def get_length(self) -> int | None:
        """Return the part's size in bytes, or None when the file's size is unknown."""
        headers = self.render_headers()
        if isinstance(self.file, bytes):
            return len(headers) + len(self.file)
        if isinstance(self.file, str):
            return len(headers) + len(self.file.encode())
        file_length = peek_filelike_length(self.file)
        return None if file_length is None else len(headers) + file_length

    def render_data(self) -> Iterator[bytes]:
        """Yield the file's bytes, rewinding it first so that a resend sends it all.

        Raises:
            StreamConsumed: a file that cannot be rewound is read a second time.
        """
        if isinstance(self.file, bytes | str):
            yield self.file if isinstance(self.file, bytes) else self.file.encode()
            return
        file: Any = self.file
        if not self._rewind(file):
            if self._is_consumed:
                raise StreamConsumed()
        self._is_consumed = True
        chunk = file.read(self.CHUNK_SIZE)
        while chunk:
            yield chunk if isinstance(chunk, bytes) else _to_bytes(chunk)
            chunk = file.read(self.CHUNK_SIZE)

    @staticmethod
    def _rewind(file: Any) -> bool:
        """Seek to the file's start; return False when it cannot be rewound."""
        seekable = getattr(file, "seekable", None)
        if callable(seekable) and not _safe_call(seekable):
            return False
        try:
            file.seek(0)
        except (AttributeError, OSError, ValueError):
            return False
        return True

    def render(self) -> Iterator[bytes]:
        """Yield the header block, then the data chunks."""
        yield self.render_headers()
        yield from self.render_data()


def _to_bytes(chunk: Any) -> bytes:
    """Coerce a chunk read from a file-like object to bytes."""
    if isinstance(chunk, str):
        return chunk.encode()
    return bytes(chunk)


class MultipartStream(SyncByteStream, AsyncByteStream):
    """A `multipart/form-data` request body, both sync and async iterable (RFC 7578).

    Args:
        data: mapping of field name (str) to a primitive value or a list/tuple of them
            (one part per item); see `DataField`.
        files: mapping or sequence of `(name, file)` pairs; see `FileField` for `file`.
        boundary: bytes, ASCII, e.g. from `get_multipart_boundary_from_content_type`;
            None (the default) draws 32 random hex digits.

    Raises:
        TypeError, ValueError: from `DataField` and `FileField` on invalid fields.

    The stream may be iterated again (for a redirect or an auth retry) as long as its
    files can be rewound. Whoever opened the files closes them.

    Example:
        >>> stream = MultipartStream({"a": "1"}, {"f": ("x.txt", b"hi")}, boundary=b"b")
        >>> stream.get_headers()["Content-Type"]
        'multipart/form-data; boundary=b'
    """

    def __init__(
        self, data: RequestData, files: RequestFiles, boundary: bytes | None = None
    ) -> None:
        if boundary is None:
            boundary = os.urandom(16).hex().encode("ascii")
        self.boundary = boundary
        self.content_type = f"multipart/form-data; boundary={boundary.decode('ascii')}"
        self.fields: list[DataField | FileField] = list(self._iter_fields(data, files))

    @staticmethod
    def _iter_fields(data: RequestData, files: RequestFiles) -> Iterator[DataField | FileField]:
        for name, value in data.items():
            if isinstance(value, list | tuple):
                for item in value:
                    yield DataField(name=name, value=item)
            else:
                yield DataField(name=name, value=value)
        file_items = files.items() if isinstance(files, Mapping) else files
        for name, file in file_items:
            yield FileField(name=name, value=file)

    def iter_chunks(self) -> Iterator[bytes]:
        """Yield the encoded body: each part with its delimiters, then the close delimiter."""
        delimiter = b"--" + self.boundary + b"\r\n"
        for field in self.fields:
            yield delimiter
            yield from field.render()
            yield b"\r\n"
        yield b"--" + self.boundary + b"--\r\n"

    def get_content_length(self) -> int | None:
        """Return the body's size in bytes, or None if a file's size is unknown."""
        boundary_length = len(self.boundary)
        total = 2 + boundary_length + 4  # b"--{boundary}--\r\n"
        for field in self.fields:
            field_length = field.get_length()
            if field_length is None:
                return None
            total += (2 + boundary_length + 2) + field_length + 2  # delimiter, part, CRLF
        return total

    def get_headers(self) -> dict[str, str]:
        """Return the framing headers for this body.

        Returns:
            dict[str, str]: `Content-Length` (when every size is known, else
            `Transfer-Encoding: chunked`) and `Content-Type` with the boundary.
        """
        content_length = self.get_content_length()
        if content_length is None:
            return {"Transfer-Encoding": "chunked", "Content-Type": self.content_type}
        return {"Content-Length": str(content_length), "Content-Type": self.content_type}

    def __iter__(self) -> Iterator[bytes]:
        yield from self.iter_chunks()

    async def __aiter__(self) -> AsyncIterator[bytes]:
        # File reads here are blocking, as in httpx; they are bounded to 64 KiB each.
        for chunk in self.iter_chunks():
            yield chunk

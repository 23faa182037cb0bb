"""Choosing a safe local file name for `wire --download`.

Everything here is a pure function on strings, apart from `unique_path`, whose only I/O is
the existence probe it is given. No click, no rich.

Strategy: a server (or a URL an attacker hands the user) controls the suggested name, so it
is treated as hostile input. The pipeline is

    Content-Disposition ``filename*`` / ``filename``  (RFC 6266 §4.3, RFC 8187)
        → else the last segment of the ORIGINAL request URL's path (RFC 3986 §3.3)
        → else ``index`` + an extension guessed from Content-Type
    → `sanitize_filename`: a bare name, no directories, no control or bidi characters,
      no leading dots, no Windows device names, at most a fixed number of UTF-8 bytes
    → `unique_path`: ``name``, ``name-1``, ``name-2``... never clobbering a file or a
      ``.part`` file that another download is writing.

The URL must be the one the user asked for, never a redirect target: letting a redirect pick
the name is how wget overwrote ``~/.bash_profile`` (CVE-2010-2252) and HTTPie let a server
choose the local file (CVE-2019-10751).
"""

from __future__ import annotations

import mimetypes
import os
import re
from collections.abc import Callable
from pathlib import Path
from urllib.parse import unquote, unquote_to_bytes

__all__ = [
    "DEFAULT_MAX_NAME_BYTES",
    "PART_SUFFIX",
    "STATE_SUFFIX",
    "choose_filename",
    "filename_from_url",
    "parse_content_disposition",
    "sanitize_filename",
    "unique_path",
]

#: Suffix of the file a download is written to before it is complete.
PART_SUFFIX = ".part"

#: Suffix of the resume state kept beside a ``.part`` file (``NAME.part.json``, see _resume).
STATE_SUFFIX = ".json"

#: NAME_MAX on ext4, APFS, btrfs and xfs is 255 bytes (NTFS allows 255 UTF-16 units, never
#: fewer than the UTF-8 byte count). A chosen name leaves room for ``-9999`` and
#: ``.part.json`` so every name `unique_path` can derive from it, and its state file, fit.
DEFAULT_MAX_NAME_BYTES = 255 - len("-9999") - len(PART_SUFFIX + STATE_SUFFIX)

_NAME_MAX_BYTES = 255
_MAX_UNIQUE_SUFFIX = 9999  # name, name-1 ... name-9999: 10,000 candidates in all

# C0 controls, DEL and C1 controls (terminal escapes, NUL); lone surrogates (cannot be
# encoded for any file system); bidi marks, embeddings, overrides and isolates, which let
# "\u202etxt.exe" display as "exe.txt" (Unicode TR#9, CVE-2021-42574 "Trojan Source").
_UNSAFE_CHARS = re.compile(
    "[\x00-\x1f\x7f-\x9f\ud800-\udfff\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]"
)
# Characters Windows refuses in names; ':' would also open an NTFS alternate data stream.
# Replaced on every platform so that the same response gives the same name everywhere.
_WINDOWS_FORBIDDEN = re.compile(r'[<>:"|?*]')
_LEADING_JUNK = re.compile(r"^[\s.]+")
_TRAILING_JUNK = re.compile(r"[\s.]+$")  # Windows silently drops trailing dots and spaces
_DIRECTORY_SEPARATORS = re.compile(r"[/\\]")
# An extension worth keeping apart when truncating or numbering: short, no spaces.
_EXTENSION = re.compile(r"\.[^.\s]{1,16}$")
_SAFE_GUESSED_EXTENSION = re.compile(r"\.[A-Za-z0-9]{1,10}$")

_WINDOWS_RESERVED = frozenset(
    {"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"}
    | {f"{port}{digit}" for port in ("COM", "LPT") for digit in "123456789\u00b9\u00b2\u00b3"}
)

# RFC 8187 §3.2.1 requires UTF-8; ISO-8859-1 was required by RFC 5987 and is still sent.
_EXT_VALUE_CHARSETS = {"utf-8": "utf-8", "iso-8859-1": "iso-8859-1", "us-ascii": "ascii"}

# Extensions for ``index.*`` that must not depend on the platform's mime.types file
# (some map application/xml to ".xsl" and text/plain to ".bat").
_EXTENSION_FOR_TYPE = {
    "text/html": ".html",
    "application/json": ".json",
    "text/plain": ".txt",
    "application/xml": ".xml",
    "text/xml": ".xml",
    "text/css": ".css",
    "text/javascript": ".js",
    "application/javascript": ".js",
    "text/csv": ".csv",
    "image/jpeg": ".jpg",
    "application/octet-stream": "",  # says nothing about the format
}


def parse_content_disposition(value: str) -> str | None:
    """Extract the suggested file name from a Content-Disposition header (RFC 6266).

    ``filename*`` (an RFC 8187 ext-value, ``charset'language'percent-encoded``, charset
    UTF-8 or ISO-8859-1) wins over ``filename`` (RFC 6266 §4.3), which may be a token or a
    quoted-string with backslash escapes (RFC 9110 §5.6.4). Parameter names are matched
    case-insensitively; the first occurrence of each counts. The disposition type itself is
    not checked, so ``inline`` names count too, and a header that starts with a parameter
    is accepted. RFC 2231 continuations (``filename*0=``) are not supported (RFC 6266 §4.1).

        >>> parse_content_disposition(
        ...     "attachment; filename=\\"EURO rates.txt\\"; filename*=utf-8''%e2%82%ac%20rates.txt")
        '€ rates.txt'

    Args:
        value: The header value as a str (already decoded from bytes by the caller).

    Returns:
        The file name exactly as sent (NOT sanitised: it may contain ``/``, ``..`` or
        control characters; pass it through `sanitize_filename`), or None when the header
        carries no usable, non-empty name.
    """
    params = _parse_parameters(value)
    extended = params.get("filename*")
    if extended is not None:
        decoded = _decode_ext_value(extended)
        if decoded:
            return decoded
    plain = params.get("filename")
    return plain or None


def _parse_parameters(value: str) -> dict[str, str]:
    """Split ``type; name=value; name="quoted"`` into {lowercased name: value}."""
    params: dict[str, str] = {}
    pos, end = 0, len(value)
    while pos < end:  # every pass consumes at least one character
        while pos < end and value[pos] in " \t;":
            pos += 1
        start = pos
        while pos < end and value[pos] not in "=;":
            pos += 1
        name = value[start:pos].strip().lower()
        if pos >= end or value[pos] == ";":
            continue  # the disposition type, or a parameter without a value
        pos += 1  # the '='
        while pos < end and value[pos] in " \t":
            pos += 1
        if pos < end and value[pos] == '"':
            parsed, pos = _parse_quoted_string(value, pos)
        else:
            start = pos
            while pos < end and value[pos] != ";":
                pos += 1
            parsed = value[start:pos].strip()
        if parsed is not None and name not in params:
            params[name] = parsed
    return params


def _parse_quoted_string(value: str, pos: int) -> tuple[str | None, int]:
    """Parse the quoted-string at ``value[pos] == '"'``; return (text or None, next ';')."""
    chars: list[str] = []
    pos += 1
    end = len(value)
    is_closed = False
    while pos < end:
        char = value[pos]
        if char == "\\" and pos + 1 < end:  # quoted-pair (RFC 9110 §5.6.4)
            chars.append(value[pos + 1])
            pos += 2
        elif char == '"':
            is_closed = True
            pos += 1
            break
        else:
            chars.append(char)
            pos += 1
    next_separator = value.find(";", pos)  # anything between '"' and ';' is ignored
    pos = end if next_separator < 0 else next_separator
    # An unterminated quote is malformed: use nothing rather than a guess.
    return ("".join(chars) if is_closed else None), pos


def _decode_ext_value(value: str) -> str | None:
    """Decode an RFC 8187 §3.2 ext-value ``charset'[language]'pct-encoded``."""
    parts = value.strip().split("'", 2)
    if len(parts) != 3:
        return None
    charset, _language, encoded = parts
    codec = _EXT_VALUE_CHARSETS.get(charset.strip().lower())
    if codec is None:
        return None
    try:
        return unquote_to_bytes(encoded).decode(codec)
    except UnicodeError:
        # Undecodable bytes, or a value that cannot even be encoded (a lone surrogate): an
        # invalid ext-value, so the plain `filename` (if any) is used instead.
        return None


def sanitize_filename(name: str, *, max_length: int = _NAME_MAX_BYTES) -> str | None:
    """Turn an untrusted suggested name into a safe bare file name, or None.

    In order: control characters (C0, DEL, C1), lone surrogates and bidi formatting
    characters (U+061C, U+200E/F, U+202A-U+202E, U+2066-U+2069) are dropped; everything up
    to the last ``/`` or ``\\`` is dropped; ``<>:"|?*`` become ``_`` on every platform;
    leading dots and whitespace are stripped (no hidden files, no ``..``) and so are
    trailing ones (Windows drops them); the result is cut to ``max_length`` UTF-8 bytes,
    keeping a short extension; a Windows device name (CON, PRN, AUX, NUL, COM1-9, LPT1-9,
    with any extension, any case) gets a ``_`` prefix.

        >>> sanitize_filename("../../etc/passwd")
        'passwd'
        >>> sanitize_filename("\\u202etxt.exe")
        'txt.exe'
        >>> sanitize_filename("CON.txt")
        '_CON.txt'
        >>> sanitize_filename("..") is None
        True

    Args:
        name: The suggested name (str), e.g. from `parse_content_disposition`.
        max_length: Maximum length of the result in bytes of UTF-8 (not characters);
            default 255, the NAME_MAX of common file systems.

    Returns:
        A non-empty str safe to join to a directory, or None when nothing usable is left.

    Raises:
        ValueError: ``max_length`` is less than 1.
    """
    if max_length < 1:
        raise ValueError(f"max_length must be at least 1, got {max_length!r}")
    name = _UNSAFE_CHARS.sub("", name)
    name = _DIRECTORY_SEPARATORS.split(name)[-1]
    name = _WINDOWS_FORBIDDEN.sub("_", name)
    name = _strip_edges(name)
    if not name:
        return None
    name = _fit_to_bytes(name, max_length)
    if _is_windows_reserved(name):
        name = _fit_to_bytes("_" + name, max_length)
    return name or None


def _strip_edges(name: str) -> str:
    return _TRAILING_JUNK.sub("", _LEADING_JUNK.sub("", name))


def _is_windows_reserved(name: str) -> bool:
    # Windows ignores the extension and trailing spaces: "nul .txt" opens the NUL device.
    return name.split(".", 1)[0].rstrip().upper() in _WINDOWS_RESERVED


def _split_extension(name: str) -> tuple[str, str]:
    """("archive", ".tar.gz"), ("notes", ".txt"), ("Report v1.2 final", "")."""
    match = _EXTENSION.search(name)
    if match is None or match.start() == 0:
        return name, ""
    stem, extension = name[: match.start()], match.group()
    if stem.lower().endswith(".tar") and len(stem) > len(".tar"):
        return stem[: -len(".tar")], stem[-len(".tar") :] + extension
    return stem, extension


def _truncate_utf8(text: str, max_bytes: int) -> str:
    # Cutting the encoded form and ignoring the broken tail never splits a code point.
    return text.encode("utf-8")[:max_bytes].decode("utf-8", "ignore")


def _fit_to_bytes(name: str, max_bytes: int) -> str:
    """Cut ``name`` to ``max_bytes`` of UTF-8, keeping its extension when that is short."""
    if len(name.encode("utf-8")) <= max_bytes:
        return name
    stem, extension = _split_extension(name)
    extension_bytes = len(extension.encode("utf-8"))
    if extension and extension_bytes <= max_bytes // 2:
        stem = _strip_edges(_truncate_utf8(stem, max_bytes - extension_bytes))
        if stem:
            return stem + extension
    return _strip_edges(_truncate_utf8(name, max_bytes))


def filename_from_url(url_path: str, *, max_length: int = _NAME_MAX_BYTES) -> str | None:
    """Derive a file name from the last non-empty segment of a URL path.

        >>> filename_from_url("/files/caf%C3%A9.txt")
        'café.txt'
        >>> filename_from_url("/") is None
        True

    Args:
        url_path: The raw (percent-encoded) path of the ORIGINAL request URL, e.g.
            ``"/a/b.txt"``; a ``?query`` or ``#fragment`` left on it is ignored. Never pass
            a redirect target (CVE-2019-10751).
        max_length: As for `sanitize_filename`, in UTF-8 bytes; default 255.

    Returns:
        The percent-decoded (UTF-8, invalid sequences become U+FFFD), sanitised segment, or
        None when the path has no segment or the segment sanitises to nothing (``/..``).
    """
    path = url_path.split("?", 1)[0].split("#", 1)[0]
    segments = [segment for segment in path.split("/") if segment]
    if not segments:
        return None
    return sanitize_filename(unquote(segments[-1], errors="replace"), max_length=max_length)


def choose_filename(
    content_disposition: str | None, url_path: str, content_type: str | None
) -> str:
    """Pick the local file name for a download.

    The Content-Disposition name wins (RFC 6266 §4.3), then the URL's last path segment,
    then ``index`` plus an extension for the Content-Type (``.html`` for text/html,
    ``.json`` for application/json, else what `mimetypes` knows, else ``.json``/``.xml``
    for ``+json``/``+xml`` types (RFC 6839), nothing for unknown types). No extension is
    added to the other two: the server or the user chose those names. The result is at most
    `DEFAULT_MAX_NAME_BYTES` bytes of UTF-8, leaving room for ``-9999`` and ``.part``.

        >>> choose_filename(None, "/", "text/html; charset=utf-8")
        'index.html'

    Args:
        content_disposition: The response's Content-Disposition header value, or None when
            absent.
        url_path: The raw path of the ORIGINAL request URL, never the URL after redirects:
            a redirect must not choose where data lands (CVE-2019-10751).
        content_type: The response's Content-Type header value (parameters allowed), or
            None when absent.

    Returns:
        A non-empty, sanitised bare file name (str).
    """
    if content_disposition is not None:
        suggested = parse_content_disposition(content_disposition)
        if suggested is not None:
            name = sanitize_filename(suggested, max_length=DEFAULT_MAX_NAME_BYTES)
            if name is not None:
                return name
    name = filename_from_url(url_path, max_length=DEFAULT_MAX_NAME_BYTES)
    if name is not None:
        return name
    return "index" + _extension_for(content_type)


def _extension_for(content_type: str | None) -> str:
    if not content_type:
        return ""
    media_type = content_type.split(";", 1)[0].strip().lower()
    if media_type in _EXTENSION_FOR_TYPE:
        return _EXTENSION_FOR_TYPE[media_type]
    guessed = mimetypes.guess_extension(media_type, strict=False)
    # mime.types files are system configuration: accept only a plain ".ext".
    if guessed is not None and _SAFE_GUESSED_EXTENSION.fullmatch(guessed) is not None:
        return guessed
    # Structured syntax suffixes (RFC 6839): application/problem+json is JSON.
    if media_type.endswith("+json"):
        return ".json"
    if media_type.endswith("+xml"):
        return ".xml"
    return ""


def _lexists(path: Path) -> bool:
    # A dangling symlink is taken too: Path.exists() would say False and invite a write.
    return os.path.lexists(path)


def unique_path(directory: Path, name: str, exists: Callable[[Path], bool] = _lexists) -> Path:
    """Return ``directory / name``, or the first free ``stem-N.ext`` when that is taken.

    A candidate is taken when it exists, or when its ``.part`` file exists: another
    download (possibly a concurrent wire) is writing it and would rename over ours. The
    number goes before the extension, which keeps ``.tar.gz`` whole
    (``a.tar.gz`` → ``a-1.tar.gz``); the stem is shortened when the number would push the
    name past 255 bytes of UTF-8 with ``.part``. The answer is only a hint: the caller
    still creates the file exclusively (``open(..., "xb")``).

        >>> unique_path(Path("d"), "a.txt", exists=lambda p: p.name == "a.txt")
        PosixPath('d/a-1.txt')

    Args:
        directory: Where the file will go (not checked).
        name: A bare file name, normally from `choose_filename`.
        exists: Probe for "is this path taken"; default `os.path.lexists` (a dangling
            symlink counts as taken).

    Returns:
        ``directory / name`` or ``directory / "stem-N.ext"`` with 1 <= N <= 9999.

    Raises:
        ValueError: All 10,000 candidates are taken.
    """
    stem, extension = _split_extension(name)
    for number in range(_MAX_UNIQUE_SUFFIX + 1):
        candidate = name if number == 0 else _numbered(stem, extension, number)
        path = directory / candidate
        if not exists(path) and not exists(path.with_name(candidate + PART_SUFFIX)):
            return path
    raise ValueError(
        f"no free file name for {name!r} in '{directory}': "
        f"tried {name!r} and {_MAX_UNIQUE_SUFFIX:,} numbered variants"
    )


def _numbered(stem: str, extension: str, number: int) -> str:
    suffix = f"-{number}{extension}"
    budget = _NAME_MAX_BYTES - len(PART_SUFFIX + STATE_SUFFIX) - len(suffix.encode("utf-8"))
    return _truncate_utf8(stem, max(budget, 1)) + suffix

"""Binary-body detection and the notice shown on terminals instead of binary bodies.

Strategy (like HTTPie): look at the *first* chunk of the (Content-Encoding-decoded) body only,
so detection costs nothing on large downloads. A chunk is binary when it contains a NUL byte
(text formats in practice never do) or when it does not decode in the response's charset. An
incomplete multi-byte character cut off at the end of the chunk does not count: the next chunk
may complete it.
"""

from __future__ import annotations

import codecs

#: Shown in place of a binary body on a terminal (HTTPie's wording, kept for familiarity).
BINARY_SUPPRESSED_NOTICE = (
    "+-----------------------------------------+\n"
    "| NOTE: binary data not shown in terminal |\n"
    "+-----------------------------------------+"
)

#: Charset assumed when the response names none or an unknown one (RFC 8259 §8.1 for JSON;
#: the common default for text on the web today).
DEFAULT_CHARSET = "utf-8"


def resolve_charset(encoding: str | None) -> str:
    """Return a usable text codec name for a response charset.

    Args:
        encoding (str | None): The response's charset, e.g. ``"ISO-8859-1"``; None if unknown.

    Returns:
        str: ``encoding`` when Python knows it as a *text* encoding, else ``"utf-8"``
        (unknown names and bytes-to-bytes codecs such as ``base64`` fall back).
    """
    if not encoding:
        return DEFAULT_CHARSET
    try:
        # Non-empty input: CPython skips the codec lookup for b"". "ignore": only the codec
        # name is being checked here, not any data.
        b"\x00".decode(encoding, "ignore")  # LookupError for unknown and non-text codecs
    except LookupError:
        return DEFAULT_CHARSET
    return encoding


def is_binary(chunk: bytes, encoding: str | None = None) -> bool:
    """Tell whether a body, judged by its first chunk, is binary.

    Args:
        chunk (bytes): The first non-empty chunk of the body, after Content-Encoding decoding.
        encoding (str | None): The response's charset (``response.encoding``), e.g.
            ``"utf-8"`` or ``"iso-8859-1"``; None or an unknown name means UTF-8
            (``resolve_charset``).

    Returns:
        bool: True when ``chunk`` holds a NUL byte or is not valid text in ``encoding``
        (ignoring a truncated character at its very end).

    Example:
        >>> is_binary(b"\\x89PNG\\r\\n\\x1a\\n\\x00\\x00")
        True
        >>> is_binary("caf\\u00e9".encode()[:-1])  # cut inside "é": still text
        False
    """
    if b"\x00" in chunk:
        return True
    decoder = codecs.getincrementaldecoder(resolve_charset(encoding))(errors="strict")
    try:
        decoder.decode(chunk, final=False)
    except UnicodeDecodeError:
        return True
    return False

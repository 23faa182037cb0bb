"""Body formatters: ``str`` in, ``str`` out. No colour, no I/O, no terminal knowledge.

Strategy for JSON: parse with hooks that keep what the server sent (key order, duplicate keys,
number literals such as ``1.10`` or ``12345678901234567890123``) and re-serialise with our own
small printer; the printer writes non-ASCII characters as they are, except the invisible or
terminal-affecting ones (C1 controls, DEL, bidi overrides/isolates, line/paragraph separators,
lone surrogates), which it writes as ``\\uXXXX`` escapes so the output stays valid JSON
(RFC 8259 §7) and safe to show.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

#: Indent, in spaces, of formatted JSON (HTTPie's default).
DEFAULT_JSON_INDENT = 4

# Characters json.dumps(ensure_ascii=False) writes verbatim but that must not reach a terminal
# raw: DEL, C1 controls, LS/PS, bidi embeddings/overrides/isolates, lone surrogates.
_ESCAPE_IN_STRINGS = re.compile(
    "[\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)


@dataclass(frozen=True, slots=True)
class _Literal:
    """A JSON number or constant kept as the exact text the server sent."""

    text: str


@dataclass(frozen=True, slots=True)
class _Object:
    """A JSON object as its (key, value) pairs: keeps order and duplicate keys."""

    pairs: list[tuple[str, object]]


def _escape_char(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group()):04x}"


def _dump_string(value: str) -> str:
    return _ESCAPE_IN_STRINGS.sub(_escape_char, json.dumps(value, ensure_ascii=False))


def _dump(value: object, indent: str, level: int, out: list[str]) -> None:
    if isinstance(value, _Object):
        items: list[tuple[str | None, object]] = [(key, item) for key, item in value.pairs]
        brackets = "{}"
    elif isinstance(value, list):
        items = [(None, item) for item in value]
        brackets = "[]"
    else:
        out.append(_dump_scalar(value))
        return
    if not items:
        out.append(brackets)
        return
    inner = "\n" + indent * (level + 1)
    out.append(brackets[0])
    for index, (key, item) in enumerate(items):
        out.append(inner)
        if key is not None:
            out.append(_dump_string(key) + ": ")
        _dump(item, indent, level + 1, out)
        if index < len(items) - 1:
            out.append(",")
    out.append("\n" + indent * level + brackets[1])


def _dump_scalar(value: object) -> str:
    if isinstance(value, _Literal):
        return value.text
    if isinstance(value, str):
        return _dump_string(value)
    if value is True:
        return "true"
    if value is False:
        return "false"
    return "null"


def format_json(text: str, indent: int = DEFAULT_JSON_INDENT) -> str | None:
    """Pretty-print a JSON document, keeping what the server sent.

    Key order and duplicate keys are kept; numbers (and ``NaN``/``Infinity``) are copied as
    literal text, so ``1.10`` stays ``1.10`` and big integers keep every digit; non-ASCII
    text stays as is (no ``\\u`` escapes) except the characters listed in the module
    docstring. A leading byte-order mark is ignored.

    Args:
        text (str): The decoded body.
        indent (int): Spaces per nesting level. Default 4.

    Returns:
        str | None: The formatted document without a trailing newline, e.g.
        ``format_json('{"b":1.10,"a":[]}')`` → ``'{\\n    "b": 1.10,\\n    "a": []\\n}'``;
        None when ``text`` is not valid JSON (or nests too deeply to parse), so the caller
        shows the body unformatted.

    Example:
        >>> format_json('{"z": 1e400, "a": "é"}', indent=2)
        '{\\n  "z": 1e400,\\n  "a": "é"\\n}'
    """
    try:
        tree = json.loads(
            text.removeprefix("\ufeff"),
            object_pairs_hook=_Object,
            parse_float=_Literal,
            parse_int=_Literal,
            parse_constant=_Literal,
        )
        out: list[str] = []
        _dump(tree, " " * indent, 0, out)
    except (ValueError, RecursionError):
        return None
    return "".join(out)


def media_type(content_type: str | None) -> str:
    """Return the bare, lower-case media type of a Content-Type value (RFC 9110 §8.3.1).

    Args:
        content_type (str | None): e.g. ``"Application/JSON; charset=utf-8"``; None or ``""``
            when the header is absent.

    Returns:
        str: e.g. ``"application/json"``; ``""`` when absent.
    """
    return (content_type or "").split(";", 1)[0].strip().lower()


def is_json_media_type(mime: str | None) -> bool:
    """Tell whether a media type holds JSON.

    Args:
        mime (str | None): A media type or whole Content-Type value; None means unknown.

    Returns:
        bool: True for ``application/json``, ``text/json`` and any ``+json`` structured
        syntax suffix (RFC 6839 §3.1, e.g. ``application/problem+json``).
    """
    bare = media_type(mime)
    return bare in ("application/json", "text/json") or bare.endswith("+json")


def format_body(text: str, mime: str | None) -> str:
    """Reformat a body according to its media type; unknown types are returned unchanged.

    Args:
        text (str): The decoded body.
        mime (str | None): The Content-Type value (parameters allowed) or None if absent.

    Returns:
        str: The formatted body (no trailing newline added), or ``text`` itself when the type
        has no formatter or the body does not parse as that type.
    """
    if is_json_media_type(mime):
        formatted = format_json(text)
        return text if formatted is None else formatted
    return text

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


class _Literal:
    """A JSON number or constant kept as the exact text the server sent."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text


class _Object:
    """A JSON object as its (key, value) pairs: keeps order and duplicate keys."""

    __slots__ = ("pairs",)

    def __init__(self, pairs: list[tuple[str, object]]) -> None:
        self.pairs = pairs


def _escape_char(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group()):04x}"


def _dump_string(value: str) -> str:
    return _ESCAPE_IN_STRINGS.sub(_escape_char, json.dumps(value, ensure_ascii=False))


def _dump(
    value: object, indent: str, level: int, out: list[str], sort_keys: bool = False
) -> None:
    if isinstance(value, _Object):
        items: list[tuple[str | None, object]] = [(key, item) for key, item in value.pairs]
        if sort_keys:  # stable: duplicate keys keep their order
            items.sort(key=lambda pair: pair[0] or "")
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
        _dump(item, indent, level + 1, out, sort_keys)
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


def format_json(
    text: str, indent: int = DEFAULT_JSON_INDENT, sort_keys: bool = False
) -> str | None:
    """Pretty-print a JSON document, keeping what the server sent.

    Key order and duplicate keys are kept; numbers (and ``NaN``/``Infinity``) are copied as
    literal text, so ``1.10`` stays ``1.10`` and big integers keep every digit; non-ASCII
    text stays as is (no ``\\u`` escapes) except the characters listed in the module
    docstring. A leading byte-order mark is ignored.

    Args:
        text (str): The decoded body.
        indent (int): Spaces per nesting level. Default 4.
        sort_keys (bool): Sort object members by key (``--sorted``); the server's order is
            kept otherwise. Default False.

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
        _dump(tree, " " * indent, 0, out, sort_keys)
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


def is_xml_media_type(mime: str | None) -> bool:
    """Tell whether a media type holds XML: ``application/xml``, ``text/xml``, ``+xml``
    (RFC 7303 §4.1; XHTML excluded: it is highlighted as HTML, never re-indented)."""
    bare = media_type(mime)
    if bare == "application/xhtml+xml":
        return False
    return bare in ("application/xml", "text/xml") or bare.endswith("+xml")


@dataclass(frozen=True)
class FormatOptions:
    """``--format-options`` (and ``--sorted``/``--unsorted``), parsed.

    Attributes:
        json_indent: int spaces per JSON level. Default 4.
        json_sort_keys: sort JSON object keys. Default False (the server's order).
        headers_sort: sort header lines by name. Default False (the order received).
        xml_format: re-indent XML bodies. Default True.
        xml_indent: int spaces per XML level. Default 2.
    """

    json_indent: int = DEFAULT_JSON_INDENT
    json_sort_keys: bool = False
    headers_sort: bool = False
    xml_format: bool = True
    xml_indent: int = 2


_FORMAT_OPTION_FIELDS = {
    "json.indent": ("json_indent", int),
    "json.sort_keys": ("json_sort_keys", bool),
    "json.format": (None, bool),  # HTTPie's; formatting is --pretty's job here
    "headers.sort": ("headers_sort", bool),
    "xml.format": ("xml_format", bool),
    "xml.indent": ("xml_indent", int),
}


def _option_value(name: str, kind: type, text: str) -> int | bool:
    lowered = text.strip().lower()
    if kind is bool:
        if lowered in ("true", "yes", "1", "on"):
            return True
        if lowered in ("false", "no", "0", "off"):
            return False
        raise ValueError(f"--format-options: {name} needs true or false, not {text!r}")
    if not lowered.isdigit() or int(lowered) > 16:
        raise ValueError(f"--format-options: {name} needs a number from 0 to 16, not {text!r}")
    return int(lowered)


def parse_format_options(
    values: tuple[str, ...] | list[str], sorted_: bool | None = None
) -> FormatOptions:
    """Parse ``--format-options`` values (each ``key:value,key:value``), later ones winning.

    Args:
        values: the option's values, in command-line order.
        sorted_: ``--sorted`` (True) or ``--unsorted`` (False) sets ``json.sort_keys`` and
            ``headers.sort`` before the values are applied; None leaves the defaults.

    Returns:
        FormatOptions: the defaults updated with the given keys.

    Raises:
        ValueError: an unknown key, a missing ``:``, or a value of the wrong kind; the message
            names the option and the expected values.
    """
    settings: dict[str, object] = {}
    if sorted_ is not None:
        settings.update(json_sort_keys=sorted_, headers_sort=sorted_)
    for value in values:
        for part in filter(None, (p.strip() for p in value.split(","))):
            key, colon, text = part.partition(":")
            if not colon or key not in _FORMAT_OPTION_FIELDS:
                known = ", ".join(_FORMAT_OPTION_FIELDS)
                raise ValueError(f"--format-options: unknown {part!r} (expected KEY:VALUE, KEY "
                                 f"one of {known})")
            attribute, kind = _FORMAT_OPTION_FIELDS[key]
            parsed = _option_value(key, kind, text)
            if attribute is not None:
                settings[attribute] = parsed
    return FormatOptions(**settings)  # type: ignore[arg-type]


def format_xml(text: str, indent: int = 2) -> str | None:
    """Re-indent an XML document; whitespace-only text between elements is dropped.

    The XML declaration is kept when the document has one. Parsing uses the standard
    library's expat, which refuses entity-expansion bombs (expat >= 2.4.1).

    Args:
        text (str): The decoded body.
        indent (int): Spaces per level. Default 2.

    Returns:
        str | None: The document without a trailing newline, e.g. ``"<a>\\n  <b>1</b>\\n</a>"``
        for ``"<a><b>1</b></a>"``; None when ``text`` is not well-formed XML or declares a
        DOCTYPE (shown as sent, never expanded).
    """
    from xml.dom import minidom
    from xml.parsers.expat import ExpatError

    stripped = text.lstrip("\ufeff")
    if "<!DOCTYPE" in stripped or "<!ENTITY" in stripped:
        return None
    try:
        document = minidom.parseString(stripped.encode("utf-8"))
    except (ExpatError, ValueError, RecursionError):
        return None
    _strip_blank_text(document.documentElement)
    body = document.toprettyxml(indent=" " * indent).partition("\n")[2].rstrip("\n")
    declared = stripped.lstrip()
    if declared.startswith("<?xml"):
        # The declaration as the server wrote it (minidom would drop its encoding).
        return declared[: declared.index("?>") + 2] + "\n" + body
    return body


def _strip_blank_text(node: object) -> None:
    # Bounded by the document: each node is visited once, children before siblings.
    stack = [node]
    while stack:
        current = stack.pop()
        children = list(getattr(current, "childNodes", ()))
        # Blank text is layout only between elements; a leaf's own text is content.
        has_elements = any(child.nodeType == child.ELEMENT_NODE for child in children)
        for child in children:
            if has_elements and child.nodeType == child.TEXT_NODE and not child.data.strip():
                current.removeChild(child)  # type: ignore[attr-defined]
            else:
                stack.append(child)


def sort_header_lines(head: str) -> str:
    """Sort the field lines of a head by name (case-insensitive, stable); the start line
    stays first.

    Args:
        head (str): A start line then ``Name: value`` lines, ``\\n``-separated.

    Returns:
        str: The same lines, fields sorted.
    """
    start, *fields = head.split("\n")
    fields.sort(key=lambda line: line.partition(":")[0].lower())
    return "\n".join([start, *fields])


def format_body(text: str, mime: str | None, options: FormatOptions | None = None) -> str:
    """Reformat a body according to its media type; unknown types are returned unchanged.

    Args:
        text (str): The decoded body.
        mime (str | None): The Content-Type value (parameters allowed) or None if absent.
        options (FormatOptions | None): Indents and sorting; None means the defaults.

    Returns:
        str: The formatted body (no trailing newline added), or ``text`` itself when the type
        has no formatter or the body does not parse as that type. JSON and XML are formatted.
    """
    options = options or FormatOptions()
    if is_json_media_type(mime):
        formatted = format_json(text, options.json_indent, options.json_sort_keys)
        return text if formatted is None else formatted
    if options.xml_format and is_xml_media_type(mime):
        formatted = format_xml(text, options.xml_indent)
        return text if formatted is None else formatted
    return text

"""Body formatters: ``str`` in, ``str`` out. No colour, no I/O, no terminal knowledge.

Strategy for JSON: re-emit the server's own tokens with indentation, never building a tree,
so what the server sent is kept (key order, duplicate keys, number literals such as ``1.10``
or ``12345678901234567890123``) and memory stays small whatever the size. A first pass checks
the grammar and the formatted size (a body is either formatted whole or shown as sent: the
output cannot be taken back once streamed); a second yields the pieces. Runs of plain scalars
(``1, 2, 3`` or ``"k": "v", "n": 1``) are matched and joined by the regex engine, 256 at a
time, not token by token. Strings are copied as they are when ``json.dumps`` would write them
back unchanged; others are decoded and re-encoded: non-ASCII characters as they are, except
the invisible or terminal-affecting ones (C1 controls, DEL, bidi overrides/isolates,
line/paragraph separators, lone surrogates), which become ``\\uXXXX`` escapes so the output
stays valid JSON (RFC 8259 §7) and safe to show. Sorting keys needs a tree (``json.loads``).

Limits (the body is then shown as sent): nesting deeper than ``MAX_JSON_FORMAT_DEPTH``,
formatted output over ``max(DEFAULT_JSON_OUTPUT_BUDGET, 8 × body)`` characters (deep nesting
of tiny values multiplies the size), XML over ``DEFAULT_XML_FORMAT_LIMIT`` characters.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import repeat
from typing import NamedTuple

#: Indent, in spaces, of formatted JSON (HTTPie's default).
DEFAULT_JSON_INDENT = 4

#: Longest XML text, in characters, that is re-indented: 1 Mi. minidom holds the whole
#: document as objects (about 80 bytes and a microsecond per input byte), so a bigger body
#: is shown as sent.
DEFAULT_XML_FORMAT_LIMIT = 1024 * 1024

# Characters json.dumps(ensure_ascii=False) writes verbatim but that must not reach a terminal
# raw: DEL, C1 controls, LS/PS, bidi embeddings/overrides/isolates, lone surrogates.
_ESCAPE_IN_STRINGS = "[\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]"


#: Most formatted JSON text, in characters, that ``iter_format_json`` produces for a body
#: (at least; see ``_output_budget``): a deeply nested document of tiny values would
#: otherwise become a huge block of indentation (10 MiB at depth 900 is gigabytes).
DEFAULT_JSON_OUTPUT_BUDGET = 64 * 1024 * 1024

# RFC 8259 §2-§7 token patterns; NaN and ±Infinity too, since json.loads accepts them.
_SPACE = r"[ \t\n\r]*"
_NUMBER = r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?|true|false|null|NaN|-?Infinity"
_ANY_STRING = r'"(?:[^"\\\x00-\x1f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"'
# A string that json.dumps(ensure_ascii=False) would write back unchanged and that holds
# nothing _ESCAPE_IN_STRINGS rewrites: copied as is, without decoding.
_PLAIN_STRING = (
    '"(?:[^"\\\\\x00-\x1f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]'
    r'|\\["\\bfnrt])*"'
)
_PLAIN_SCALAR = f"(?:{_PLAIN_STRING}|{_NUMBER})"
_PLAIN_MEMBER = f"{_PLAIN_STRING}{_SPACE}:{_SPACE}{_PLAIN_SCALAR}"


class _Patterns(NamedTuple):
    """The compiled patterns, built on first use: compiling them costs several milliseconds,
    which a run that formats no JSON (a piped `wire URL`) should not pay."""

    escape_in_strings: re.Pattern[str]
    # Up to 256 array elements or object members matched at once (runs of plain scalars are
    # formatted by the regex engine, not token by token; the cap bounds each run's piece).
    element_run: re.Pattern[str]
    element: re.Pattern[str]
    member_run: re.Pattern[str]
    member: re.Pattern[str]
    # One scalar: group 1 a string, group 2 a number or constant.
    scalar: re.Pattern[str]
    string: re.Pattern[str]
    spaces: re.Pattern[str]
    is_plain_string: re.Pattern[str]


@functools.cache
def _patterns() -> _Patterns:
    return _Patterns(
        escape_in_strings=re.compile(_ESCAPE_IN_STRINGS),
        element_run=re.compile(
            f"{_PLAIN_SCALAR}(?:{_SPACE},{_SPACE}{_PLAIN_SCALAR}){{0,255}}"
        ),
        element=re.compile(_PLAIN_SCALAR),
        member_run=re.compile(f"{_PLAIN_MEMBER}(?:{_SPACE},{_SPACE}{_PLAIN_MEMBER}){{0,255}}"),
        member=re.compile(f"({_PLAIN_STRING}){_SPACE}:{_SPACE}({_PLAIN_SCALAR})"),
        scalar=re.compile(f"({_ANY_STRING})|({_NUMBER})"),
        string=re.compile(_ANY_STRING),
        spaces=re.compile(_SPACE),
        is_plain_string=re.compile(_PLAIN_STRING),
    )

# What the formatter expects next: a value, the first member or element (or a close), the
# next one (after a comma), a colon, or a comma or close (after a value).
_VALUE, _FIRST, _NEXT, _COLON, _AFTER = range(5)
_OPENER = {"]": ord("["), "}": ord("{")}

#: Deepest nesting ``iter_format_json`` indents (about what ``json.loads`` parses); a deeper
#: document is shown as sent. It bounds each line's indentation, hence each piece's size.
MAX_JSON_FORMAT_DEPTH = 1000

# Formatted characters gathered before a piece is yielded.
_PIECE_CHARS = 64 * 1024


class _InvalidJSON(ValueError):
    """The text is not one JSON value (or formats beyond the output budget)."""


def _escape_char(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group()):04x}"


def _dump_string(value: str) -> str:
    return _patterns().escape_in_strings.sub(_escape_char, json.dumps(value, ensure_ascii=False))


def _string_token(token: str) -> str:
    if _patterns().is_plain_string.fullmatch(token):
        return token
    return _dump_string(json.loads(token))


def _scalar(text: str, pos: int) -> tuple[str, int]:
    found = _patterns().scalar.match(text, pos)
    if found is None:
        raise _InvalidJSON(pos)
    token = found.group()
    return (_string_token(token) if found.lastindex == 1 else token), found.end()


def _member_or_key(text: str, pos: int, line: str) -> tuple[str, int, int]:
    """A run of plain ``"key": scalar`` members, else just the key: (text, end, state)."""
    patterns = _patterns()
    found = patterns.member_run.match(text, pos)
    if found is not None:
        members = [f"{key}: {value}" for key, value in patterns.member.findall(found.group())]
        return ("," + line).join(members), found.end(), _AFTER
    key = patterns.string.match(text, pos)
    if key is None:
        raise _InvalidJSON(pos)
    return _string_token(key.group()), key.end(), _COLON


def _element(text: str, pos: int, line: str, in_array: bool) -> tuple[str, int]:
    """A run of plain array elements (in an array), else one scalar: (text, end)."""
    patterns = _patterns()
    found = patterns.element_run.match(text, pos) if in_array else None
    if found is not None:
        return ("," + line).join(patterns.element.findall(found.group())), found.end()
    return _scalar(text, pos)


def _json_pieces(text: str, indent: str, budget: int) -> Iterator[str]:
    """Yield the formatted text of one JSON value in pieces (RFC 8259 §2 grammar).

    Iterative: the open brackets are a bytearray (one byte per level), so any depth is
    checked in linear time; runs of plain scalars are formatted by the regex engine.

    Raises:
        _InvalidJSON: ``text`` is not one JSON value, nests deeper than
            ``MAX_JSON_FORMAT_DEPTH`` or formats to more than ``budget`` characters (raised
            at the first wrong token, so after some pieces may have been yielded).
    """
    stack = bytearray()
    state, pos, end = _VALUE, 0, len(text)
    parts: list[str] = []
    gathered = total = 0
    lines = ["\n"]  # lines[depth]: a newline and that depth's indentation
    spaces = _patterns().spaces
    while (pos := spaces.match(text, pos).end()) < end:  # type: ignore[union-attr]
        char, depth = text[pos], len(stack)
        if depth > MAX_JSON_FORMAT_DEPTH:
            raise _InvalidJSON(pos)
        while len(lines) <= depth:
            lines.append(lines[-1] + indent)
        count = len(parts)
        if char in "]}":
            if state not in (_FIRST, _AFTER) or not stack or stack.pop() != _OPENER[char]:
                raise _InvalidJSON(pos)
            parts.append(char if state == _FIRST else lines[depth - 1] + char)
            state, pos = _AFTER, pos + 1
        elif char == "," and state == _AFTER and stack:
            parts.append(",")
            state, pos = _NEXT, pos + 1
        elif char == ":" and state == _COLON:
            parts.append(": ")
            state, pos = _VALUE, pos + 1
        elif state in (_FIRST, _NEXT) and stack[-1] == ord("{"):
            piece, pos, state = _member_or_key(text, pos, lines[depth])
            parts += (lines[depth], piece)
        elif state in (_FIRST, _NEXT, _VALUE):
            if state != _VALUE:
                parts.append(lines[depth])
            if char in "[{":
                stack.append(ord(char))
                parts.append(char)
                state, pos = _FIRST, pos + 1
            else:
                piece, pos = _element(text, pos, lines[depth], state != _VALUE)
                parts.append(piece)
                state = _AFTER
        else:
            raise _InvalidJSON(pos)
        added = sum(len(part) for part in parts[count:])
        gathered, total = gathered + added, total + added
        if total > budget:
            raise _InvalidJSON(pos)
        if gathered >= _PIECE_CHARS:  # bounded pieces, and few writes
            yield "".join(parts)
            parts.clear()
            gathered = 0
    if state != _AFTER or stack:
        raise _InvalidJSON(pos)
    yield "".join(parts)


def _output_budget(size: int) -> int:
    # Indenting legitimately multiplies small documents; only runaway growth is refused.
    return max(DEFAULT_JSON_OUTPUT_BUDGET, 8 * size)


def _formatted_length(text: str, indent: str, budget: int) -> int | None:
    """The formatted length of ``text``; None when invalid JSON or longer than ``budget``."""
    total = 0
    try:
        for piece in _json_pieces(text, indent, budget):
            total += len(piece)
    except ValueError:  # _InvalidJSON, or a string token json cannot decode
        return None
    return total


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


def _sorted_tree(text: str) -> object:
    # Equal literals share one object: `[1,1,1,...]` costs a pointer per element.
    literals: dict[str, _Literal] = {}

    def literal(token: str) -> _Literal:
        found = literals.get(token)
        if found is None:
            found = literals[token] = _Literal(token)
        return found

    def members(pairs: list[tuple[str, object]]) -> _Object:
        return _Object(sorted(pairs, key=lambda pair: pair[0]))  # stable: duplicates in order

    return json.loads(
        text, object_pairs_hook=members, parse_float=literal, parse_int=literal,
        parse_constant=literal,
    )


def _stream_tree(tree: object, indent: str) -> Iterator[str]:
    """Yield the formatted pieces of a parsed tree; iterative, so any depth is safe."""
    parts: list[str] = []
    gathered = 0
    # Open containers, innermost last: (numbered members still to write, depth, bracket).
    frames: list[tuple[Iterator[tuple[int, tuple[str | None, object]]], int, str]] = []
    value, depth = tree, 0
    while True:
        members = value.pairs if isinstance(value, _Object) else value
        if isinstance(value, _Object | list) and members:
            parts.append("{" if isinstance(value, _Object) else "[")
            pairs = value.pairs if isinstance(value, _Object) else zip(repeat(None), value)
            frames.append((enumerate(pairs), depth + 1, "}" if isinstance(value, _Object) else "]"))
        else:
            parts.append(_dump_scalar(value))
        gathered += len(parts[-1])
        if gathered >= _PIECE_CHARS:
            yield "".join(parts)
            parts.clear()
            gathered = 0
        # Move to the next value, closing the containers that are finished.
        while frames:
            remaining, depth, bracket = frames[-1]
            following = next(remaining, None)
            if following is None:
                frames.pop()
                parts.append("\n" + indent * (depth - 1) + bracket)
                continue
            number, (key, value) = following
            lead = ("," if number else "") + "\n" + indent * depth
            parts.append(lead if key is None else lead + _dump_string(key) + ": ")
            break
        if not frames:
            break
    yield "".join(parts)


def _dump_scalar(value: object) -> str:
    if isinstance(value, _Literal):
        return value.text
    if isinstance(value, str):
        return _dump_string(value)
    if isinstance(value, _Object):
        return "{}"
    if isinstance(value, list):
        return "[]"
    if value is True:
        return "true"
    if value is False:
        return "false"
    return "null"


def iter_format_json(
    text: str,
    indent: int = DEFAULT_JSON_INDENT,
    sort_keys: bool = False,
    *,
    budget: int | None = None,
) -> Iterator[str] | None:
    """Pretty-print a JSON document as a stream of pieces, in bounded memory.

    Strategy (see the module docstring): one pass validates the document and measures its
    formatted length with a tokenizer and a bracket stack (no tree, no recursion); a second
    re-emits the tokens with indentation, about 64 KiB per piece. Only ``sort_keys`` builds a
    tree (sorting needs every member of an object), with equal number literals shared.

    Args:
        text (str): The decoded body.
        indent (int): Spaces per nesting level. Default 4.
        sort_keys (bool): Sort object members by key (stable). Default False.
        budget (int | None): Most characters of formatted output; a document that would
            exceed it is not formatted. None (default): ``max(64 Mi, 8 × len(text))``.

    Returns:
        Iterator[str] | None: Pieces whose concatenation is ``format_json(text, ...)``; None
        when ``text`` is not valid JSON, nests deeper than ``MAX_JSON_FORMAT_DEPTH``, would
        exceed ``budget``, or (``sort_keys`` only) nests deeper than Python's recursion limit
        lets ``json`` parse.
    """
    text = text.removeprefix("\ufeff")
    limit = _output_budget(len(text)) if budget is None else budget
    if _formatted_length(text, " " * indent, limit) is None:
        return None
    if not sort_keys:
        return _json_pieces(text, " " * indent, limit)
    try:
        tree = _sorted_tree(text)
    except (ValueError, RecursionError):
        return None
    return _stream_tree(tree, " " * indent)


def format_json(
    text: str, indent: int = DEFAULT_JSON_INDENT, sort_keys: bool = False
) -> str | None:
    """Pretty-print a JSON document, keeping what the server sent.

    Key order and duplicate keys are kept; numbers (and ``NaN``/``Infinity``) are copied as
    literal text, so ``1.10`` stays ``1.10`` and big integers keep every digit; non-ASCII
    text stays as is (no ``\\u`` escapes) except the characters listed in the module
    docstring. A leading byte-order mark is ignored. Nothing recurses: a document nested
    100,000 deep is refused in linear time.

    Args:
        text (str): The decoded body.
        indent (int): Spaces per nesting level. Default 4.
        sort_keys (bool): Sort object members by key (``--sorted``); the server's order is
            kept otherwise. Default False.

    Returns:
        str | None: The formatted document without a trailing newline, e.g.
        ``format_json('{"b":1.10,"a":[]}')`` → ``'{\\n    "b": 1.10,\\n    "a": []\\n}'``;
        None when ``text`` is not valid JSON, or is too deep or would grow too big to format
        (see ``iter_format_json``), so the caller shows the body unformatted.

    Example:
        >>> format_json('{"z": 1e400, "a": "é"}', indent=2)
        '{\\n  "z": 1e400,\\n  "a": "é"\\n}'
    """
    pieces = iter_format_json(text, indent, sort_keys)
    return None if pieces is None else "".join(pieces)


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


def iter_format_body(
    text: str, mime: str | None, options: FormatOptions | None = None
) -> Iterator[str]:
    """``format_body`` as a stream of pieces: JSON is formatted without building its result
    (``iter_format_json``), so a big body costs little more memory than its text.

    Args:
        text (str): The decoded body.
        mime (str | None): The Content-Type value (parameters allowed) or None if absent.
        options (FormatOptions | None): Indents and sorting; None means the defaults.

    Returns:
        Iterator[str]: Pieces whose concatenation is ``format_body(text, mime, options)``.
    """
    options = options or FormatOptions()
    if is_json_media_type(mime):
        pieces = iter_format_json(text, options.json_indent, options.json_sort_keys)
        return iter([text]) if pieces is None else pieces
    return iter([format_body(text, mime, options)])


def format_body(text: str, mime: str | None, options: FormatOptions | None = None) -> str:
    """Reformat a body according to its media type; unknown types are returned unchanged.

    Args:
        text (str): The decoded body.
        mime (str | None): The Content-Type value (parameters allowed) or None if absent.
        options (FormatOptions | None): Indents and sorting; None means the defaults.

    Returns:
        str: The formatted body (no trailing newline added), or ``text`` itself when the type
        has no formatter or the body does not parse as that type. JSON and XML are formatted
        (XML only up to ``DEFAULT_XML_FORMAT_LIMIT`` characters).
    """
    options = options or FormatOptions()
    if is_json_media_type(mime):
        formatted = format_json(text, options.json_indent, options.json_sort_keys)
        return text if formatted is None else formatted
    if options.xml_format and is_xml_media_type(mime) and len(text) <= DEFAULT_XML_FORMAT_LIMIT:
        formatted = format_xml(text, options.xml_indent)
        return text if formatted is None else formatted
    return text

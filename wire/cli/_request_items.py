"""Request items: HTTPie's `Header:Value`, `name==value`, `name=value`, `name:=json`, `field@file`.

This module is pure: apart from reading the files that `=@`, `:=@`, `:@` and `==@` items name
(through an injectable ``read_file``) and checking that upload files can be opened, it does no
I/O, and it imports neither click nor rich nor pygments.

Separators (HTTPie 3 syntax):

    ==========  ===================================  ===========================================
    separator   example                              meaning
    ==========  ===================================  ===========================================
    ``:``       ``X-Token:abc`` / ``Accept:``        header; an empty value *unsets* the header
    ``;``       ``X-Empty;``                         header sent with an empty value
    ``:@``      ``X-Token:@token.txt``               header value read from a file
    ``==``      ``q==search``                        query parameter
    ``==@``     ``q==@query.txt``                    query parameter value read from a file
    ``=``       ``name=John``                        data field (JSON string, or form field)
    ``=@``      ``bio=@bio.txt``                     data field whose value is a file's text
    ``:=``      ``age:=29`` / ``tags:='["a"]'``      raw JSON value
    ``:=@``     ``doc:=@doc.json``                   raw JSON value read from a file
    ``@``       ``cv@cv.pdf;type=application/pdf``   file upload field (multipart); also
                ``cv@cv.pdf;filename=resume.pdf``    ``;filename=`` for the name sent
    ==========  ===================================  ===========================================

Strategy:
    1. Split: a backslash before a separator character (``:``, ``;``, ``=``, ``@``) makes it a
       literal, and the backslash is dropped; any other backslash is kept as written (so Windows
       paths and the nested-JSON escapes below survive). The separator chosen is the one that
       starts earliest among the unescaped characters; when several start at the same place,
       the longest wins (``==`` over ``=``, ``:=@`` over ``:=`` over ``:``, ``=@`` over ``=``).
    2. Interpret by separator (headers are validated, files are read, JSON is parsed).
    3. Without ``form``, data keys are nested-JSON paths (``a[b][]``, ``[0][x]``) and the values
       are inserted into one JSON document; each container's type is fixed by its first use,
       and a conflicting use is an error pointing at the offending part of the item.

Numbers: a ``:=`` integer becomes a Python ``int``; any other JSON number (``1.10``, ``1e3``,
``-0``, an integer longer than Python's 4,300-digit ``int()`` limit) becomes a
:class:`JSONNumber` that keeps the text as written, because a ``float`` would re-serialise
``1.10`` as ``1.1`` and ``1e400`` as ``Infinity``. Serialise the document with
:func:`dump_json` to keep them verbatim, or turn them into floats with
:func:`to_builtin_json` before handing the value to a ``json=`` API. An object given with
``:=`` that repeats a key keeps the last value (as ``json.loads`` does; HTTPie keeps both).
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final, Literal

if TYPE_CHECKING:  # pragma: no cover
    from ._json_number import JSONNumber, dump_json, to_builtin_json

__all__ = [
    "FileItem",
    "JSONNumber",
    "RequestItemError",
    "RequestItems",
    "SEPARATORS",
    "dump_json",
    "looks_like_request_item",
    "parse_request_items",
    "to_builtin_json",
]

#: Names re-exported from `_json_number`, which is imported only when a JSON value is parsed
#: or written (start-up time: a request without `:=` items needs none of it).
_FROM_JSON_NUMBER = ("JSONNumber", "copy_json", "dump_json", "to_builtin_json")


def __getattr__(name: str) -> Any:
    if name in _FROM_JSON_NUMBER:
        from . import _json_number

        return getattr(_json_number, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


SEPARATORS: Final[tuple[str, ...]] = (":", ";", ":@", "==", "==@", "=", "=@", ":=", ":=@", "@")
"""Every request-item separator, in the order they are listed in error messages."""

# Longest first, so that at a given position the longest separator is tried first.
_SEPARATORS_LONGEST_FIRST: Final = tuple(sorted(SEPARATORS, key=len, reverse=True))
_SEPARATOR_CHARS: Final = frozenset("".join(SEPARATORS))

# RFC 9110 §5.1: a field name is a token; §5.6.2: tchar = "!" / "#" / "$" / "%" / "&" / "'" /
# "*" / "+" / "-" / "." / "^" / "_" / "`" / "|" / "~" / DIGIT / ALPHA.
_TOKEN_RE: Final = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
# RFC 9110 §5.5: CR, LF and NUL can never appear in a field value (they would let a value
# inject a new header line or truncate the message).
_FORBIDDEN_VALUE_CHARS: Final = {"\r": "CR", "\n": "LF", "\0": "NUL"}
# RFC 9110 §5.5: leading and trailing optional whitespace is not part of a field value.
_OWS: Final = " \t"

# A path index past this would allocate a list of that many nulls; far beyond any real use.
MAX_JSON_INDEX: Final = 10_000
# Longest item quoted whole in an error message; longer ones are cut, with their length.
_MAX_ITEM_SHOWN: Final = 100

# What a user typing a URL writes (`http://x`, `:8000`, `localhost:8000/p`) also splits on `:`.
_URL_LIKE_RE: Final = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*://|[^\s:/@=;]*:\d*(?:[/?#]|$)")


class RequestItemError(ValueError):
    """A request item that cannot be parsed or interpreted.

    Attributes:
        item: str, the request item exactly as given on the command line.
        message: str, what is wrong, without the item (e.g. ``"invalid JSON: ..."``).
        position: int or None, the 0-based index into ``item`` of the offending character when
            one can be pointed at (nested JSON path errors); None otherwise.

    ``str(error)`` is ``"invalid request item 'ITEM': MESSAGE"``; an item longer than 100
    characters is cut there and followed by its length, e.g. ``'n:=[[[[...'... (100,003
    characters)``.
    """

    def __init__(self, item: str, message: str, *, position: int | None = None) -> None:
        self.item = item
        self.message = message
        self.position = position
        super().__init__(item, message)

    def __str__(self) -> str:
        return f"invalid request item {_abbreviate(self.item)}: {self.message}"

    def pointer(self) -> str | None:
        """Return the item with a caret line under the offending character.

        Returns:
            str: two lines, ``ITEM`` and spaces then ``^``; or None when ``position`` is None.

        >>> RequestItemError("a[b=1", "expected ']'", position=3).pointer()
        'a[b=1\\n   ^'
        """
        if self.position is None:
            return None
        return f"{self.item}\n{' ' * self.position}^"


def _abbreviate(item: str) -> str:
    # A 100,000-character item must not become a 100,000-character error line.
    if len(item) <= _MAX_ITEM_SHOWN:
        return repr(item)
    return f"{item[:_MAX_ITEM_SHOWN]!r}... ({len(item):,} characters)"


@dataclass(frozen=True, slots=True)
class FileItem:
    """A file upload field (``field@path``, ``field@path;type=MIME``).

    Attributes:
        path: str, the file's path with ``~`` expanded; not opened here (the multipart
            encoder streams it).
        filename: str, the file name sent in Content-Disposition (RFC 7578 §4.2): the
            ``;filename=`` suffix if given, else the last component of ``path``.
        mime_type: str or None, the ``;type=`` suffix if given, else guessed from the file
            name's extension; None when unknown (the encoder then uses
            ``application/octet-stream``).
    """

    path: str
    filename: str
    mime_type: str | None


@dataclass(frozen=True)
class RequestItems:
    """The parsed request items, each group in command-line order.

    Attributes:
        headers: ``(name, value)`` pairs; name as typed (case kept), value with surrounding
            spaces and tabs stripped; value None means "unset this header" (``Header:``), and
            ``""`` means "send it empty" (``Header;``).
        params: ``(name, value)`` query parameters (``name==value``), not percent-encoded yet.
        data: ``(key, value)`` for every data item (``=``, ``=@``, ``:=``, ``:=@``), keys as
            typed (no nested-path parsing). With ``form=True`` every value is a str (ready for
            form or multipart encoding); otherwise values are str or parsed JSON.
        json: the JSON document built from the data items (a dict, or a list for top-level
            ``[]`` paths), with :class:`JSONNumber` for non-integer numbers; None when there
            are no data items or with ``form=True``.
        files: ``(field name, FileItem)`` upload fields.
        has_body: True when any data, JSON or file item is present (HTTPie then defaults the
            method to POST).
    """

    headers: tuple[tuple[str, str | None], ...] = ()
    params: tuple[tuple[str, str], ...] = ()
    data: tuple[tuple[str, Any], ...] = ()
    json: Any | None = None
    files: tuple[tuple[str, FileItem], ...] = ()
    has_body: bool = False


# --------------------------------------------------------------------------------------------
# Step 1: splitting an item on its separator


# The private records below are plain slotted classes, not dataclasses: building a dataclass
# costs about a millisecond at import, and this module is imported by every `wire` run.


class _Split:
    __slots__ = ("key", "key_offsets", "sep", "sep_start", "value")

    def __init__(
        self, key: str, key_offsets: tuple[int, ...], sep: str, sep_start: int, value: str
    ) -> None:
        self.key = key
        # key_offsets[i] is the index in the original item of key[i] (escapes shift them).
        self.key_offsets = key_offsets
        self.sep = sep
        self.sep_start = sep_start
        self.value = value


def _unescape(item: str) -> list[tuple[str, bool, int]]:
    """Return ``(char, is_escaped, index in item)`` for each character after escape removal."""
    chars: list[tuple[str, bool, int]] = []
    i = 0
    while i < len(item):
        char = item[i]
        if char == "\\" and i + 1 < len(item):
            following = item[i + 1]
            if following in _SEPARATOR_CHARS:
                chars.append((following, True, i + 1))
            else:
                # Not an escape for us: keep both, and the next character cannot start one.
                chars.append((char, False, i))
                chars.append((following, False, i + 1))
            i += 2
            continue
        chars.append((char, False, i))
        i += 1
    return chars


def _split_item(item: str) -> _Split | None:
    """Split ``item`` at its earliest (then longest) unescaped separator; None if it has none."""
    chars = _unescape(item)
    for pos in range(len(chars)):
        for sep in _SEPARATORS_LONGEST_FIRST:
            window = chars[pos : pos + len(sep)]
            if len(window) == len(sep) and all(
                c == s and not escaped for (c, escaped, _), s in zip(window, sep, strict=True)
            ):
                key_chars = chars[:pos]
                return _Split(
                    key="".join(c for c, _, _ in key_chars),
                    key_offsets=tuple(index for _, _, index in key_chars),
                    sep=sep,
                    sep_start=chars[pos][2],
                    value="".join(c for c, _, _ in chars[pos + len(sep) :]),
                )
    return None


def looks_like_request_item(arg: str) -> bool:
    """Tell whether a positional argument reads as a request item rather than a URL or method.

    Args:
        arg: str, one positional command-line argument.

    Returns:
        bool: True when ``arg`` contains an unescaped separator after a non-empty key and does
        not have a URL's shape: ``scheme://...``, the ``:PORT`` / ``:/path`` localhost
        shorthand, or ``HOST:PORT[/...]`` (so ``localhost:8000`` counts as a URL, and so does
        a header item whose value is a bare number, like ``X-Count:5``).

    >>> [looks_like_request_item(a) for a in ("a=1", "X-A:b", "GET", "localhost:80", ":80")]
    [True, True, False, False, False]
    """
    split = _split_item(arg)
    if split is None or not split.key:
        return False
    return _URL_LIKE_RE.match(arg) is None


# --------------------------------------------------------------------------------------------
# Step 2: interpreting each separator


def _read_file_from_disk(path: str) -> bytes:
    with open(os.path.expanduser(path), "rb") as file:
        return file.read()


class _Accumulator:
    __slots__ = (
        "check_files", "data", "files", "form", "headers", "item", "json_doc", "params",
        "read_file",
    )

    def __init__(
        self, item: str, form: bool, read_file: Callable[[str], bytes], check_files: bool
    ) -> None:
        self.item = item
        self.form = form
        self.read_file = read_file
        self.check_files = check_files
        self.headers: list[tuple[str, str | None]] = []
        self.params: list[tuple[str, str]] = []
        self.data: list[tuple[str, Any]] = []
        self.files: list[tuple[str, FileItem]] = []
        self.json_doc: Any = None

    def fail(self, message: str, position: int | None = None) -> RequestItemError:
        return RequestItemError(self.item, message, position=position)

    def read_text(self, path: str) -> str:
        try:
            raw = self.read_file(path)
        except OSError as exc:
            raise self.fail(f"cannot read {path!r}: {exc.strerror or exc}") from exc
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise self.fail(
                f"cannot read {path!r}: not UTF-8 text (invalid byte at offset {exc.start})"
            ) from exc

    def parse_json(self, text: str) -> Any:
        from ._json_number import JSONNumber

        try:
            return json.loads(
                text,
                parse_float=JSONNumber,
                parse_int=_parse_json_int,
                parse_constant=_reject_json_constant,
            )
        except json.JSONDecodeError as exc:
            raise self.fail(f"invalid JSON: {exc.msg} (char {exc.pos})") from exc
        except RecursionError as exc:
            # json's parser recurses once per nesting level: `[[[[...` 100,000 deep must be
            # an error line, not a crash.
            raise self.fail("JSON nested too deeply") from exc
        except ValueError as exc:  # from _reject_json_constant
            raise self.fail(f"invalid JSON: {exc}") from exc


def _parse_json_int(text: str) -> int | JSONNumber:
    from ._json_number import JSONNumber

    # "-0" is a valid JSON number that int() would turn into "0".
    if text == "-0":
        return JSONNumber(text)
    try:
        return int(text)
    except ValueError:
        # Longer than sys.get_int_max_str_digits() (a guard against quadratic int parsing):
        # still a valid JSON number, so keep and send its exact text.
        return JSONNumber(text)


def _reject_json_constant(name: str) -> Any:
    # Python's json accepts NaN and ±Infinity, which are not JSON (RFC 8259 §6).
    raise ValueError(f"{name} is not valid JSON")


def _check_header(acc: _Accumulator, name: str, value: str | None) -> None:
    if not name:
        raise acc.fail("empty header name")
    if _TOKEN_RE.fullmatch(name) is None:
        bad = next(c for c in name if _TOKEN_RE.fullmatch(c) is None)
        raise acc.fail(
            f"invalid header name {name!r}: {bad!r} is not allowed in a header name (RFC 9110 §5.1)"
        )
    for char, label in _FORBIDDEN_VALUE_CHARS.items():
        if value is not None and char in value:
            raise acc.fail(
                f"header {name!r} value contains {label}, which is not allowed in a header"
                " value (RFC 9110 §5.5)"
            )


def _on_header(acc: _Accumulator, split: _Split) -> None:
    # HTTPie: `Header:` (nothing after the colon) unsets the header.
    value = split.value.strip(_OWS) if split.value else None
    _check_header(acc, split.key, value)
    acc.headers.append((split.key, value))


def _on_empty_header(acc: _Accumulator, split: _Split) -> None:
    if split.value:
        # repr: the name may hold a newline or control bytes; the message stays one line.
        raise acc.fail(
            f"unexpected text after ';' (to send an empty header use {split.key + ';'!r}; for"
            f" a header value use {split.key + ':VALUE'!r})"
        )
    _check_header(acc, split.key, "")
    acc.headers.append((split.key, ""))


def _on_header_file(acc: _Accumulator, split: _Split) -> None:
    # HTTPie strips the file's trailing newlines: a header value cannot span lines.
    value = acc.read_text(split.value).rstrip("\r\n").strip(_OWS)
    _check_header(acc, split.key, value)
    acc.headers.append((split.key, value))


def _on_param(acc: _Accumulator, split: _Split) -> None:
    acc.params.append((split.key, split.value))


def _on_param_file(acc: _Accumulator, split: _Split) -> None:
    acc.params.append((split.key, acc.read_text(split.value).rstrip("\r\n")))


def _on_data(acc: _Accumulator, split: _Split) -> None:
    _add_data(acc, split, split.value)


def _on_data_file(acc: _Accumulator, split: _Split) -> None:
    # Unlike `:@` and `==@`, the text is embedded as is, trailing newline included (HTTPie).
    _add_data(acc, split, acc.read_text(split.value))


def _on_json(acc: _Accumulator, split: _Split) -> None:
    _add_data(acc, split, acc.parse_json(split.value))


def _on_json_file(acc: _Accumulator, split: _Split) -> None:
    _add_data(acc, split, acc.parse_json(acc.read_text(split.value)))


def _add_data(acc: _Accumulator, split: _Split, value: Any) -> None:
    if acc.form:
        acc.data.append((split.key, _form_value(acc, value)))
        return
    acc.data.append((split.key, value))
    steps = _parse_json_path(acc, split)
    acc.json_doc = _insert(acc, split, acc.json_doc, steps, value)


def _form_value(acc: _Accumulator, value: Any) -> str:
    # HTTPie: strings and numbers given with `:=` still work as form fields (as their text);
    # other JSON types have no form encoding.
    from ._json_number import JSONNumber

    if isinstance(value, str):
        return value
    if isinstance(value, JSONNumber):
        return value.text
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    raise acc.fail(
        f"a JSON {_json_type_name(value)} cannot be sent as a form field"
        " (only strings and numbers can)"
    )


_FILE_OPTION_RE: Final = re.compile(r";(type|filename)=")


def _file_options(acc: _Accumulator, value: str) -> tuple[str, str | None, str | None]:
    """Split `path;type=MIME;filename=NAME` (either option, in any order, at most once).

    A MIME type may hold ';' itself (`text/plain; charset=utf-8`), so each option runs up to
    the next `;type=` / `;filename=` marker.
    """
    markers = list(_FILE_OPTION_RE.finditer(value))
    if not markers:
        return value, None, None
    found: dict[str, str] = {}
    for index, marker in enumerate(markers):
        end = markers[index + 1].start() if index + 1 < len(markers) else len(value)
        name = marker.group(1)
        if name in found:
            raise acc.fail(f"';{name}=' is given twice")
        found[name] = value[marker.end() : end]
    mime_type, filename = found.get("type"), found.get("filename")
    if mime_type is not None:
        _check_mime_type(acc, mime_type)
    if filename is not None and (
        not filename or "/" in filename or any(c in filename for c in _FORBIDDEN_VALUE_CHARS)
    ):
        raise acc.fail(f"invalid file name {filename!r}")
    return value[: markers[0].start()], mime_type, filename


def _on_file(acc: _Accumulator, split: _Split) -> None:
    if not split.key:
        raise acc.fail("a file upload needs a field name ('FIELD@PATH')")
    path, mime_type, filename = _file_options(acc, split.value)
    if not path:
        raise acc.fail("a file upload needs a path ('FIELD@PATH')")
    expanded = os.path.expanduser(path)
    if acc.check_files:
        try:
            # Only checked here, so a typo fails before any request is sent; the multipart
            # encoder opens and streams the file later.
            with open(expanded, "rb"):
                pass
        except OSError as exc:
            raise acc.fail(f"cannot read {path!r}: {exc.strerror or exc}") from exc
    filename = filename or os.path.basename(expanded)
    if mime_type is None and filename:
        import mimetypes  # its first use reads the system's MIME tables: only when needed

        mime_type = mimetypes.guess_type(filename)[0]
    acc.files.append((split.key, FileItem(expanded, filename, mime_type)))


def _check_mime_type(acc: _Accumulator, mime_type: str) -> None:
    # RFC 9110 §8.3.1: media-type = type "/" subtype parameters, type and subtype being tokens.
    for char, label in _FORBIDDEN_VALUE_CHARS.items():
        if char in mime_type:
            raise acc.fail(f"invalid MIME type {mime_type!r}: it contains {label}")
    essence = mime_type.partition(";")[0].strip(_OWS)
    kind, slash, subtype = essence.partition("/")
    if not (slash and _TOKEN_RE.fullmatch(kind) and _TOKEN_RE.fullmatch(subtype)):
        raise acc.fail(f"invalid MIME type {mime_type!r} (expected TYPE/SUBTYPE, e.g. text/plain)")


_HANDLERS: Final[dict[str, Callable[[_Accumulator, _Split], None]]] = {
    ":": _on_header,
    ";": _on_empty_header,
    ":@": _on_header_file,
    "==": _on_param,
    "==@": _on_param_file,
    "=": _on_data,
    "=@": _on_data_file,
    ":=": _on_json,
    ":=@": _on_json_file,
    "@": _on_file,
}


def parse_request_items(
    items: Sequence[str],
    *,
    form: bool = False,
    read_file: Callable[[str], bytes] | None = None,
    check_files: bool = True,
) -> RequestItems:
    """Parse HTTPie-style request items.

    Args:
        items: the request-item arguments (str each), in command-line order.
        form: bool, True for ``--form``/``--multipart``: data values become form fields (all
            str) and keys are not parsed as nested JSON paths. Default False (JSON).
        read_file: called with the path (str, as typed; ``~`` not expanded) of each ``=@``,
            ``:=@``, ``:@`` and ``==@`` item and returning its content (bytes, decoded as
            UTF-8). It may raise OSError. None (the default) reads the file from disk,
            expanding ``~``.
        check_files: bool, whether to check that each ``@`` upload file can be opened now.
            Default True; False skips the check (for building requests offline in tests).

    Returns:
        RequestItems: the parsed items; see its attributes.

    Raises:
        TypeError: ``items`` is a str rather than a sequence of str, or holds a non-str.
        RequestItemError: an item has no separator; a header name is not an RFC 9110 token or
            a header value contains CR, LF or NUL; a JSON value is invalid; a file cannot be
            read or is not UTF-8; a nested JSON path is malformed or conflicts with an earlier
            item's types; a ``:=`` value other than a string or number is used with ``form``.

    >>> r = parse_request_items(["X-A:1", "q==x", "name=Ann", "age:=30", "tags[]=a"])
    >>> r.headers, r.params, r.json
    ((('X-A', '1'),), (('q', 'x'),), {'name': 'Ann', 'age': 30, 'tags': ['a']})
    """
    if isinstance(items, str | bytes):
        raise TypeError(f"items must be a sequence of str, not {type(items).__name__}")
    reader = read_file if read_file is not None else _read_file_from_disk
    acc = _Accumulator(item="", form=form, read_file=reader, check_files=check_files)
    for item in items:
        if not isinstance(item, str):
            raise TypeError(f"each request item must be a str, not {type(item).__name__}")
        acc.item = item
        split = _split_item(item)
        if split is None:
            expected = ", ".join(repr(sep) for sep in SEPARATORS)
            raise acc.fail(f"no separator (expected one of {expected})")
        _HANDLERS[split.sep](acc, split)
    return RequestItems(
        headers=tuple(acc.headers),
        params=tuple(acc.params),
        data=tuple(acc.data),
        json=acc.json_doc,
        files=tuple(acc.files),
        has_body=bool(acc.data or acc.files),
    )


# --------------------------------------------------------------------------------------------
# Step 3: nested JSON paths (HTTPie 3: `a[b][0][]`, top-level arrays `[]`, `[0][x]`)

_StepKind = Literal["key", "index", "append"]
_PATH_SPECIALS: Final = frozenset("[]\\")
_INT_RE: Final = re.compile(r"-?[0-9]+")
_ESCAPED_INT_RE: Final = re.compile(r"\\([0-9]+)")


class _Token:
    __slots__ = ("end", "has_escape", "kind", "start", "text")

    def __init__(
        self, kind: Literal["[", "]", "text"], text: str, start: int, end: int,
        has_escape: bool = False,
    ) -> None:
        self.kind = kind
        self.text = text
        self.start = start  # positions in the key (not the item)
        self.end = end
        self.has_escape = has_escape


class _Step:
    __slots__ = ("end", "index", "key", "kind", "start")

    def __init__(self, kind: _StepKind, key: str, index: int, start: int, end: int) -> None:
        self.kind = kind
        self.key = key
        self.index = index
        self.start = start  # span in the key, for messages
        self.end = end


def _tokenize_path(key: str) -> list[_Token]:
    """Split a data key into ``[``, ``]`` and text tokens; ``\\[``, ``\\]``, ``\\\\`` escape."""
    tokens: list[_Token] = []
    buffer: list[str] = []
    start = 0
    has_escape = False
    i = 0
    while i < len(key):
        char = key[i]
        if char in "[]":
            if buffer:
                tokens.append(_Token("text", "".join(buffer), start, i, has_escape))
            tokens.append(_Token("[" if char == "[" else "]", char, i, i + 1))
            buffer, has_escape, start = [], False, i + 1
        elif char == "\\" and i + 1 < len(key) and key[i + 1] in _PATH_SPECIALS:
            buffer.append(key[i + 1])
            has_escape = True
            i += 1
        else:
            buffer.append(char)  # a lone backslash before anything else is kept (HTTPie)
        i += 1
    if buffer:
        tokens.append(_Token("text", "".join(buffer), start, len(key), has_escape))
    return tokens


def _text_step(token: _Token, start: int, end: int) -> _Step:
    """A text token inside brackets is an index if it is an integer, else a key."""
    if not token.has_escape:
        if _INT_RE.fullmatch(token.text):
            return _Step("index", "", int(token.text), start, end)
        escaped_int = _ESCAPED_INT_RE.fullmatch(token.text)
        if escaped_int:  # `[\1]`: the string key "1", not index 1
            return _Step("key", escaped_int.group(1), 0, start, end)
    return _Step("key", token.text, 0, start, end)


def _parse_json_path(acc: _Accumulator, split: _Split) -> list[_Step]:
    """Parse ``split.key`` as ``root? ('[' (text | int)? ']')*`` into access steps."""
    key = split.key
    tokens = _tokenize_path(key)

    def expected(what: str, at: int) -> RequestItemError:
        found = f"found {key[at]!r}" if at < len(key) else "found the end of the key"
        return acc.fail(f"invalid JSON path: expected {what}, {found}", _item_position(split, at))

    if not tokens:
        return [_Step("key", "", 0, 0, 0)]
    steps: list[_Step] = []
    i = 0
    if tokens[0].kind == "text":
        root = tokens[0]
        escaped_int = None if root.has_escape else _ESCAPED_INT_RE.fullmatch(root.text)
        text = escaped_int.group(1) if escaped_int else root.text
        steps.append(_Step("key", text, 0, root.start, root.end))
        i = 1
    bound = len(tokens) + 1  # each pass consumes at least two tokens
    while i < len(tokens) and bound > 0:
        bound -= 1
        opening = tokens[i]
        if opening.kind != "[":
            raise expected("'['", opening.start)
        inner = tokens[i + 1] if i + 1 < len(tokens) else None
        if inner is None:
            raise expected("']'", len(key))
        if inner.kind == "]":
            steps.append(_Step("append", "", 0, opening.start, inner.end))
            i += 2
            continue
        if inner.kind == "[":
            raise expected("a key, an index or ']'", inner.start)
        closing = tokens[i + 2] if i + 2 < len(tokens) else None
        if closing is None or closing.kind != "]":
            raise expected("']'", closing.start if closing else len(key))
        step = _text_step(inner, opening.start, closing.end)
        if not steps and step.kind == "key":
            # HTTPie: a key needs a name before any bracket; only `[N]`/`[]` start an array.
            raise expected("an index or ']' (a top-level array)", inner.start)
        steps.append(step)
        i += 3
    return steps


def _item_position(split: _Split, key_position: int) -> int:
    """Map an index in the unescaped key back to an index in the original item."""
    if key_position < len(split.key_offsets):
        return split.key_offsets[key_position]
    return split.sep_start


def _json_type_name(value: Any) -> str:
    if isinstance(value, dict):
        return "object"
    if isinstance(value, list):
        return "array"
    if isinstance(value, str):
        return "string"
    if isinstance(value, bool):
        return "boolean"
    if value is None:
        return "null"
    return "number"


def _new_container(step: _Step) -> dict[str, Any] | list[Any]:
    return {} if step.kind == "key" else []


def _insert(acc: _Accumulator, split: _Split, doc: Any, steps: list[_Step], value: Any) -> Any:
    """Insert ``value`` into ``doc`` along ``steps``; return the (possibly new) document."""
    if doc is None:
        doc = _new_container(steps[0])
    # A later `x[]=` must not mutate the value kept in `data`, nor one shared between items.
    from ._json_number import copy_json

    value = copy_json(value)
    cursor: Any = doc
    for number, step in enumerate(steps):
        following = steps[number + 1] if number + 1 < len(steps) else None
        if step.kind == "key":
            if not isinstance(cursor, dict):
                raise _type_conflict(acc, split, cursor, step)
            cursor = _step_into_object(cursor, step.key, following, value)
        else:
            if not isinstance(cursor, list):
                raise _type_conflict(acc, split, cursor, step)
            if step.kind == "index":
                _check_index(acc, split, step)
                cursor = _step_into_array(cursor, step.index, following, value)
            else:
                cursor.append(_new_container(following) if following else value)
                cursor = cursor[-1]
    return doc


def _step_into_object(obj: dict[str, Any], key: str, following: _Step | None, value: Any) -> Any:
    if following is None:
        # HTTPie: a value may replace anything; only *access* through a container is typed.
        obj[key] = value
    elif obj.get(key) is None:
        obj[key] = _new_container(following)
    return obj[key]


def _step_into_array(array: list[Any], index: int, following: _Step | None, value: Any) -> Any:
    if len(array) <= index:
        # HTTPie: missing positions before the index become null.
        array.extend([None] * (index + 1 - len(array)))
    if following is None:
        array[index] = value
    elif array[index] is None:
        array[index] = _new_container(following)
    return array[index]


def _check_index(acc: _Accumulator, split: _Split, step: _Step) -> None:
    position = _item_position(split, step.start + 1)
    if step.index < 0:
        raise acc.fail(f"invalid JSON path: negative index {step.index}", position)
    if step.index > MAX_JSON_INDEX:
        raise acc.fail(
            f"invalid JSON path: index {step.index} is too large (at most {MAX_JSON_INDEX})",
            position,
        )


def _type_conflict(acc: _Accumulator, split: _Split, cursor: Any, step: _Step) -> RequestItemError:
    prefix = split.key[: step.start]
    where = f"{prefix!r}" if prefix else "the top-level value"
    found = _json_type_name(cursor)
    article = "an" if found[0] in "aeiou" else "a"
    needed = "an object" if step.kind == "key" else "an array"
    segment = split.key[step.start : step.end]
    return acc.fail(
        f"JSON type conflict: {where} is {article} {found}, but {segment!r} needs {needed}",
        _item_position(split, step.start),
    )


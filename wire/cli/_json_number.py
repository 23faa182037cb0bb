"""JSON numbers kept exactly as typed, and the serialiser that writes them back.

`name:=1.10` must reach the server as `1.10`, not `1.1` (a float) nor `Infinity` (`1e400`):
:class:`JSONNumber` keeps the text, :func:`dump_json` writes it verbatim, and
:func:`to_builtin_json` turns a document into plain Python values for `json=` APIs.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

__all__ = ["JSONNumber", "copy_json", "dump_json", "to_builtin_json"]


@dataclass(frozen=True, slots=True)
class JSONNumber:
    """A JSON number kept exactly as written (e.g. ``"1.10"``, ``"1e3"``, ``"-0"``).

    Used for every number that is not a plain integer, and for integers too long for ``int()``
    (more than ``sys.get_int_max_str_digits()`` digits, 4,300 by default), so their digits
    are still sent exactly.

    Args:
        text: str, the number's JSON text; serialised verbatim by :func:`dump_json`.

    >>> float(JSONNumber("1.10"))
    1.1
    """

    text: str

    def __float__(self) -> float:
        return float(self.text)

    def __str__(self) -> str:
        return self.text


class _Close:
    """A closing bracket waiting on the work stack of :func:`dump_json` (written as is)."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text


def _dump_scalar(value: Any, ensure_ascii: bool) -> str:
    if isinstance(value, JSONNumber):
        return value.text
    if value is None or isinstance(value, str | int | float):
        return json.dumps(value, ensure_ascii=ensure_ascii, allow_nan=False)
    raise TypeError(f"cannot serialise {type(value).__name__} as JSON")


def dump_json(value: Any, *, ensure_ascii: bool = False) -> str:
    """Serialise a document built by :func:`parse_request_items`, numbers kept as typed.

    Uses ``", "`` and ``": "`` separators, like ``json.dumps`` and HTTPie's request bodies.
    Iterative, so any nesting depth is written without ``RecursionError`` (nested JSON paths
    such as ``a[b][c]...`` can build documents deeper than Python's recursion limit).

    Args:
        value: dict/list/str/int/bool/None/:class:`JSONNumber`/float (finite) tree.
        ensure_ascii: bool, escape non-ASCII characters as ``\\uXXXX``. Default False (UTF-8).

    Returns:
        str: the JSON text, on one line.

    Raises:
        TypeError: a value of another type, or a non-str object key.
        ValueError: a float NaN or infinity (not representable in JSON, RFC 8259 §6).

    >>> dump_json({"x": JSONNumber("1.10"), "n": [3, None]})
    '{"x": 1.10, "n": [3, null]}'
    """
    out: list[str] = []
    # Work items, last first: values still to write, and the text (separators, keys,
    # closing brackets) between them.
    stack: list[Any] = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, _Close):
            out.append(item.text)
        elif isinstance(item, dict):
            out.append("{")
            stack.append(_Close("}"))
            pending: list[Any] = []
            for number, (key, member) in enumerate(item.items()):
                if not isinstance(key, str):
                    raise TypeError(f"JSON object keys must be str, not {type(key).__name__}")
                prefix = ", " if number else ""
                pending += [_Close(f"{prefix}{json.dumps(key, ensure_ascii=ensure_ascii)}: "),
                            member]
            stack.extend(reversed(pending))
        elif isinstance(item, list | tuple):
            out.append("[")
            stack.append(_Close("]"))
            pending = []
            for number, member in enumerate(item):
                pending += [_Close(", "), member] if number else [member]
            stack.extend(reversed(pending))
        else:
            out.append(_dump_scalar(item, ensure_ascii))
    return "".join(out)


def to_builtin_json(value: Any) -> Any:
    """Return a copy of ``value`` with each :class:`JSONNumber` turned into a ``float``.

    For APIs that serialise with the standard ``json`` module (e.g. ``Request(json=...)``);
    the number's exact text is lost (``1.10`` becomes ``1.1``). Iterative, so any nesting
    depth is copied without ``RecursionError``.

    Args:
        value: a document from :attr:`RequestItems.json` (or any JSON-like tree).

    Returns:
        The same tree made of dict/list/str/int/float/bool/None.
    """
    return copy_json(value, number=float)


def copy_json(value: Any, *, number: Callable[[JSONNumber], Any] | None = None) -> Any:
    """Copy a JSON-like tree's dicts and lists (iteratively: any depth is safe).

    Args:
        value: dict/list/scalar tree; a tree, not a graph (no container appears twice).
        number: called on each :class:`JSONNumber` to replace it; None keeps it. Default None.

    Returns:
        A new tree of new dicts and lists holding the same scalars.
    """

    def convert(item: Any) -> Any:
        if isinstance(item, dict):
            copy: Any = {}
        elif isinstance(item, list):
            copy = []
        else:
            return number(item) if number and isinstance(item, JSONNumber) else item
        pending.append((item, copy))
        return copy

    pending: list[tuple[Any, Any]] = []
    root = convert(value)
    while pending:
        source, target = pending.pop()
        if isinstance(source, dict):
            for key, member in source.items():
                target[key] = convert(member)
        else:
            target.extend(convert(member) for member in source)
    return root

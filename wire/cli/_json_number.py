"""JSON numbers kept exactly as typed, and the serialiser that writes them back.

`name:=1.10` must reach the server as `1.10`, not `1.1` (a float) nor `Infinity` (`1e400`):
:class:`JSONNumber` keeps the text, :func:`dump_json` writes it verbatim, and
:func:`to_builtin_json` turns a document into plain Python values for `json=` APIs.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

__all__ = ["JSONNumber", "dump_json", "to_builtin_json"]


@dataclass(frozen=True, slots=True)
class JSONNumber:
    """A JSON number that is not an integer, kept exactly as written (e.g. ``"1.10"``, ``"1e3"``).

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


def dump_json(value: Any, *, ensure_ascii: bool = False) -> str:
    """Serialise a document built by :func:`parse_request_items`, numbers kept as typed.

    Uses ``", "`` and ``": "`` separators, like ``json.dumps`` and HTTPie's request bodies.

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
    if isinstance(value, JSONNumber):
        return value.text
    if isinstance(value, dict):
        parts = []
        for key, item in value.items():
            if not isinstance(key, str):
                raise TypeError(f"JSON object keys must be str, not {type(key).__name__}")
            parts.append(
                f"{json.dumps(key, ensure_ascii=ensure_ascii)}: "
                f"{dump_json(item, ensure_ascii=ensure_ascii)}"
            )
        return "{" + ", ".join(parts) + "}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(dump_json(v, ensure_ascii=ensure_ascii) for v in value) + "]"
    if value is None or isinstance(value, str | int | float):
        return json.dumps(value, ensure_ascii=ensure_ascii, allow_nan=False)
    raise TypeError(f"cannot serialise {type(value).__name__} as JSON")


def to_builtin_json(value: Any) -> Any:
    """Return a copy of ``value`` with each :class:`JSONNumber` turned into a ``float``.

    For APIs that serialise with the standard ``json`` module (e.g. ``Request(json=...)``);
    the number's exact text is lost (``1.10`` becomes ``1.1``).

    Args:
        value: a document from :attr:`RequestItems.json` (or any JSON-like tree).

    Returns:
        The same tree made of dict/list/str/int/float/bool/None.
    """
    if isinstance(value, JSONNumber):
        return float(value)
    if isinstance(value, dict):
        return {k: to_builtin_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [to_builtin_json(v) for v in value]
    return value

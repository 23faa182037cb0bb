"""HTTP header fields as a case-insensitive, order-preserving multi-dict, plus header parsing.

Strategy: `Headers` stores each field line as a triple of bytes
`(name as given, lower-cased name, value)`. Bytes are the wire truth (RFC 9110 §5.5 allows
any octet in a field value); text views decode them lazily with `Headers.encoding`, which is
guessed once from the data: ASCII, else UTF-8, else ISO-8859-1 (which decodes every octet).

Names compare case-insensitively (RFC 9110 §5.1). A name that occurs several times is combined
into one value joined with ", " by `[]`, `get()`, `items()` and `values()` (RFC 9110 §5.3),
while `multi_items()`, `get_list()` and `raw` keep each line apart (needed for Set-Cookie,
which must never be combined, RFC 6265 §3).

Like httpx, the model validates nothing at construction; `validate_header()` is the check the
CLI runs before sending user input.
"""

from __future__ import annotations

import re
from collections.abc import (
    ItemsView,
    Iterable,
    Iterator,
    KeysView,
    Mapping,
    MutableMapping,
    ValuesView,
)
from typing import Any

from ._types import HeaderTypes

__all__ = [
    "SENSITIVE_HEADERS",
    "Headers",
    "obfuscate_sensitive_headers",
    "parse_content_type_charset",
    "parse_header_links",
    "validate_header",
]

#: Header names (lower case) whose values `repr()` masks as '[secure]'.
SENSITIVE_HEADERS = frozenset({"authorization", "proxy-authorization"})

_FORBIDDEN_OCTETS = (b"\r", b"\n", b"\x00")


def _encode_name(name: str | bytes, encoding: str | None) -> bytes:
    if isinstance(name, bytes):
        return name
    if isinstance(name, str):
        return name.encode(encoding or "ascii")
    raise TypeError(f"Header name must be str or bytes, not {type(name)}")


def _encode_value(value: str | bytes, encoding: str | None) -> bytes:
    if isinstance(value, bytes):
        return value
    if isinstance(value, str):
        return value.encode(encoding or "ascii")
    raise TypeError(f"Header value must be str or bytes, not {type(value)}")


def validate_header(name: bytes, value: bytes) -> None:
    """Reject a header field that would break message framing (RFC 9110 §5.5, RFC 9112 §2.2).

    CR and LF would end the field line early and let the rest be read as another header
    (header injection); NUL is forbidden in field values and names.

    Args:
        name: bytes, the field name as it will be sent.
        value: bytes, the field value as it will be sent.

    Raises:
        ValueError: when `name` or `value` contains CR, LF or NUL; the message names the header.

    Example:
        >>> validate_header(b"X-Ok", b"fine")
        >>> validate_header(b"X-Bad", b"a\\r\\nInjected: 1")
        Traceback (most recent call last):
        ValueError: Invalid header value for 'X-Bad': contains CR, LF or NUL
    """
    if not name or any(octet in name for octet in _FORBIDDEN_OCTETS):
        raise ValueError(f"Invalid header name {name!r}: empty or contains CR, LF or NUL")
    if any(octet in value for octet in _FORBIDDEN_OCTETS):
        shown = name.decode("ascii", errors="replace")
        raise ValueError(f"Invalid header value for {shown!r}: contains CR, LF or NUL")


def obfuscate_sensitive_headers(
    items: Iterable[tuple[str, str]],
) -> Iterator[tuple[str, str]]:
    """Yield `items` with the values of `SENSITIVE_HEADERS` replaced by '[secure]'.

    Args:
        items: (name, value) str pairs, any casing.

    Returns:
        An iterator over the same pairs, credentials masked, order kept.
    """
    for name, value in items:
        yield name, "[secure]" if name.lower() in SENSITIVE_HEADERS else value


class Headers(MutableMapping[str, str]):
    """HTTP headers: a case-insensitive multi-dict that keeps order and the original casing.

    Args:
        headers: a `Headers` (copied), a mapping, or a sequence of (name, value) pairs; names
            and values may be str or bytes. None (default) means no headers.
        encoding: str codec used to encode str input and decode the stored bytes; None
            (default) encodes str input as ASCII and guesses the decoding (see `encoding`).

    Raises:
        TypeError: a name or value is neither str nor bytes.
        UnicodeEncodeError: a str name or value does not fit `encoding` (ASCII by default).

    Text views use lower-cased names; `raw` keeps the casing as given:

        >>> h = Headers([("Accept", "a"), ("accept", "b"), ("X-Id", "1")])
        >>> h["ACCEPT"]
        'a, b'
        >>> h.get_list("accept")
        ['a', 'b']
        >>> list(h)
        ['accept', 'x-id']
        >>> h.raw[0]
        (b'Accept', b'a')
    """

    def __init__(self, headers: HeaderTypes | None = None, encoding: str | None = None) -> None:
        self._encoding = encoding
        if headers is None:
            self._list: list[tuple[bytes, bytes, bytes]] = []
        elif isinstance(headers, Headers):
            self._list = list(headers._list)
        else:
            self._list = self._parse(headers, encoding)

    @classmethod
    def _from_list(cls, entries: list[tuple[bytes, bytes, bytes]]) -> Headers:
        """Headers over `entries`, (raw name, lower-cased name, value) triples, taken as is."""
        headers = cls.__new__(cls)
        headers._list = entries
        headers._encoding = None
        return headers

    @staticmethod
    def _parse(headers: HeaderTypes, encoding: str | None) -> list[tuple[bytes, bytes, bytes]]:
        pairs: Iterable[Any] = headers.items() if isinstance(headers, Mapping) else headers
        result: list[tuple[bytes, bytes, bytes]] = []
        append = result.append
        for name, value in pairs:
            # Transports hand over bytes: skip the conversion calls for them.
            if name.__class__ is not bytes:
                name = _encode_name(name, encoding)
            if value.__class__ is not bytes:
                value = _encode_value(value, encoding)
            append((name, name.lower(), value))
        return result

    @property
    def encoding(self) -> str:
        """The str codec used to decode names and values.

        Unless set, it is the first of 'ascii', 'utf-8' that decodes every stored name and
        value, else 'iso-8859-1' (RFC 9110 §5.5: field values are historically Latin-1).
        The guess is made once and cached. Setting it changes how later reads decode.
        """
        if self._encoding is None:
            self._encoding = "iso-8859-1"
            for candidate in ("ascii", "utf-8"):
                try:
                    for raw_name, _, value in self._list:
                        raw_name.decode(candidate)
                        value.decode(candidate)
                except UnicodeDecodeError:
                    continue
                self._encoding = candidate
                break
        return self._encoding

    @encoding.setter
    def encoding(self, value: str) -> None:
        self._encoding = value

    @property
    def raw(self) -> list[tuple[bytes, bytes]]:
        """Every field line as a (name, value) bytes pair, names in their original casing."""
        return [(raw_name, value) for raw_name, _, value in self._list]

    def _combined(self) -> dict[str, str]:
        # One entry per lower-cased name, repeated values joined by ", " (RFC 9110 §5.3).
        combined: dict[str, str] = {}
        encoding = self.encoding
        for _, name, value in self._list:
            key, text = name.decode(encoding), value.decode(encoding)
            combined[key] = f"{combined[key]}, {text}" if key in combined else text
        return combined

    def keys(self) -> KeysView[str]:
        """The distinct header names, lower-cased, in first-seen order."""
        return {name.decode(self.encoding): None for _, name, _ in self._list}.keys()

    def values(self) -> ValuesView[str]:
        """One value per distinct name, repeated values joined with ", "."""
        return self._combined().values()

    def items(self) -> ItemsView[str, str]:
        """(lower-cased name, value) per distinct name, repeated values joined with ", "."""
        return self._combined().items()

    def multi_items(self) -> list[tuple[str, str]]:
        """Every field line as a (lower-cased name, value) str pair, repeats kept apart."""
        encoding = self.encoding
        return [(name.decode(encoding), value.decode(encoding)) for _, name, value in self._list]

    def get(self, key: str, default: Any = None) -> Any:
        """The value of header `key` (any casing), repeats joined with ", ", else `default`."""
        try:
            return self[key]
        except KeyError:
            return default

    def get_list(self, key: str, split_commas: bool = False) -> list[str]:
        """All values of header `key` (any casing), one per field line.

        Args:
            key: str, the header name.
            split_commas: bool; when True, also split each value on "," and strip the parts
                (for list-valued headers such as Content-Encoding, RFC 9110 §5.6.1).
                Default False.

        Returns:
            A list of str values; empty when the header is absent.
        """
        encoding = self._encoding or self.encoding
        lookup = key.lower().encode(encoding)
        values = [value.decode(encoding) for _, name, value in self._list if name == lookup]
        if not split_commas:
            return values
        return [part.strip() for value in values for part in value.split(",")]

    def update(self, headers: HeaderTypes | None = None) -> None:  # type: ignore[override]
        """Replace every header named in `headers` by its values there; others stay.

        Args:
            headers: anything `Headers()` accepts; None (default) changes nothing.
        """
        other = Headers(headers)
        for key in other.keys():
            if key in self:
                del self[key]
        self._list.extend(other._list)

    def copy(self) -> Headers:
        """A new `Headers` with the same field lines and encoding."""
        return Headers(self, encoding=self.encoding)

    def __getitem__(self, key: str) -> str:
        """The value of `key` (any casing); repeated lines joined with ", " (RFC 9110 §5.3).

        Raises:
            KeyError: the header is absent.
        """
        encoding = self._encoding or self.encoding
        lookup = key.lower().encode(encoding)
        values = [entry[2] for entry in self._list if entry[1] == lookup]
        if values:
            return b", ".join(values).decode(encoding)
        raise KeyError(key)

    def __setitem__(self, key: str, value: str) -> None:
        """Set `key` to the single `value`: the first line of that name is replaced in place
        (keeping its position), later ones are dropped; a new name is appended.
        """
        encoding = self._encoding or "utf-8"
        raw_name = key.encode(encoding)
        lookup = raw_name.lower()
        found = [index for index, (_, name, _) in enumerate(self._list) if name == lookup]
        for index in reversed(found[1:]):
            del self._list[index]
        entry = (raw_name, lookup, value.encode(encoding))
        if found:
            self._list[found[0]] = entry
        else:
            self._list.append(entry)

    def __delitem__(self, key: str) -> None:
        """Remove every line named `key` (any casing).

        Raises:
            KeyError: the header is absent.
        """
        lookup = key.lower().encode(self.encoding)
        kept = [entry for entry in self._list if entry[1] != lookup]
        if len(kept) == len(self._list):
            raise KeyError(key)
        self._list = kept

    def __contains__(self, key: object) -> bool:
        if not isinstance(key, str):
            return False
        lookup = key.lower().encode(self._encoding or self.encoding)
        for entry in self._list:
            if entry[1] == lookup:
                return True
        return False

    def __iter__(self) -> Iterator[str]:
        return iter(self.keys())

    def __len__(self) -> int:
        """The number of field lines (repeats counted), as httpx."""
        return len(self._list)

    def __eq__(self, other: object) -> bool:
        """Equal when both hold the same (lower-cased name, value) lines, in any order."""
        try:
            other_headers = Headers(other)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            return False
        mine = sorted((name, value) for _, name, value in self._list)
        theirs = sorted((name, value) for _, name, value in other_headers._list)
        return mine == theirs

    def __repr__(self) -> str:
        encoding_str = "" if self.encoding == "ascii" else f", encoding={self.encoding!r}"
        as_list = list(obfuscate_sensitive_headers(self.multi_items()))
        as_dict = dict(as_list)
        shown: Any = as_dict if len(as_dict) == len(as_list) else as_list
        return f"{type(self).__name__}({shown!r}{encoding_str})"


# --- header value parsing -----------------------------------------------------------------

# A parameter (RFC 9110 §5.6.6): name "=" ( token / quoted-string ), quoted-string per §5.6.4.
_PARAM_RE = re.compile(r'\s*([^\s;=,]+)\s*=\s*("(?:[^"\\]|\\.)*"|[^;,]*)')


def _unquote(value: str) -> str:
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] == '"':
        return re.sub(r"\\(.)", r"\1", value[1:-1])
    return value


def _split_outside_quotes(text: str, separator: str) -> list[str]:
    """Split `text` on `separator` except inside a quoted-string or a <URI-reference>."""
    parts: list[str] = []
    start, quoted, in_uri, escaped = 0, False, False, False
    for index, char in enumerate(text):
        if escaped:
            escaped = False
        elif quoted:
            escaped = char == "\\"
            quoted = char != '"'
        elif char == '"':
            quoted = True
        elif char == "<":
            in_uri = True
        elif char == ">":
            in_uri = False
        elif char == separator and not in_uri:
            parts.append(text[start:index])
            start = index + 1
    parts.append(text[start:])
    return parts


def parse_content_type_charset(content_type: str) -> str | None:
    """The `charset` parameter of a Content-Type value (RFC 9110 §8.3.1, §8.3.2).

    Args:
        content_type: str, e.g. 'text/html; charset="UTF-8"'.

    Returns:
        The charset, unquoted and lower-cased ('utf-8'), or None when absent or empty.
    """
    for param in _split_outside_quotes(content_type, ";")[1:]:
        match = _PARAM_RE.fullmatch(param.strip())
        if match and match.group(1).lower() == "charset":
            return _unquote(match.group(2)).lower() or None
    return None


def parse_header_links(value: str) -> list[dict[str, str]]:
    """Parse a Link header (RFC 8288 §3) into one dict per link.

    Args:
        value: str, e.g. '<https://a.example/?page=2>; rel="next", <https://a.example/>'.

    Returns:
        A list of dicts, each with "url" (the target, without the angle brackets) and one
        entry per parameter: name lower-cased (RFC 8288 §3: case-insensitive), value
        unquoted. Parameters without "=" are skipped. An empty header gives [].

        >>> parse_header_links('<https://a.example/2>; rel="next"')
        [{'url': 'https://a.example/2', 'rel': 'next'}]
    """
    links: list[dict[str, str]] = []
    for link_value in _split_outside_quotes(value, ","):
        segments = _split_outside_quotes(link_value, ";")
        target = segments[0].strip().strip("<> '\"")
        if not target and len(segments) == 1:
            continue
        link = {"url": target}
        for param in segments[1:]:
            match = _PARAM_RE.fullmatch(param.strip())
            if match:
                link[match.group(1).lower()] = _unquote(match.group(2))
        links.append(link)
    return links

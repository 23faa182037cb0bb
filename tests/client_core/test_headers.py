"""Headers: a case-insensitive multi-dict over raw bytes, and the header parsers."""

from __future__ import annotations

from typing import Any

import pytest

from wire.client_core._headers import (
    Headers,
    parse_content_type_charset,
    parse_header_links,
    validate_header,
)


def test_lookup_is_case_insensitive_and_raw_keeps_original_casing() -> None:
    headers = Headers([("Content-Type", "text/plain"), ("X-Request-ID", "7")])

    assert headers["content-type"] == "text/plain"
    assert headers["CONTENT-TYPE"] == "text/plain"
    assert "x-request-id" in headers
    assert headers.raw == [(b"Content-Type", b"text/plain"), (b"X-Request-ID", b"7")]
    assert list(headers) == ["content-type", "x-request-id"]


def test_repeated_names_are_joined_by_views_and_kept_apart_by_multi_views() -> None:
    headers = Headers([("Accept", "a"), ("X-Other", "o"), ("accept", "b")])

    assert headers["accept"] == "a, b"
    assert headers.get("ACCEPT") == "a, b"
    assert list(headers.items()) == [("accept", "a, b"), ("x-other", "o")]
    assert list(headers.values()) == ["a, b", "o"]
    assert list(headers.keys()) == ["accept", "x-other"]
    assert headers.multi_items() == [("accept", "a"), ("x-other", "o"), ("accept", "b")]
    assert headers.get_list("Accept") == ["a", "b"]
    assert len(headers) == 3


@pytest.mark.parametrize(
    ("values", "split_commas", "expected"),
    [
        (["gzip, br"], False, ["gzip, br"]),
        (["gzip, br"], True, ["gzip", "br"]),
        (["gzip", "deflate ,br"], True, ["gzip", "deflate", "br"]),
        ([], True, []),
    ],
)
def test_get_list_split_commas(values: list[str], split_commas: bool, expected: list[str]) -> None:
    headers = Headers([("Content-Encoding", value) for value in values])

    assert headers.get_list("content-encoding", split_commas=split_commas) == expected


@pytest.mark.parametrize(
    "source",
    [
        {"A": "1", "b": "2"},
        {b"A": b"1", b"b": b"2"},
        [("A", "1"), ("b", "2")],
        [(b"A", b"1"), (b"b", b"2")],
        Headers({"A": "1", "b": "2"}),
    ],
)
def test_accepts_mappings_pairs_str_and_bytes(source: Any) -> None:
    headers = Headers(source)

    assert headers.raw == [(b"A", b"1"), (b"b", b"2")]
    assert headers == {"a": "1", "B": "2"}


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ({"a": 1}, "Header value must be str or bytes"),
        ([(1, "x")], "Header name must be str or bytes"),
    ],
)
def test_non_text_names_and_values_raise_type_error(source: Any, message: str) -> None:
    with pytest.raises(TypeError, match=message):
        Headers(source)


def test_missing_header_raises_key_error_or_returns_default() -> None:
    headers = Headers()

    with pytest.raises(KeyError):
        headers["missing"]
    with pytest.raises(KeyError):
        del headers["missing"]
    assert headers.get("missing") is None
    assert headers.get("missing", "d") == "d"
    assert 42 not in headers  # type: ignore[comparison-overlap]


def test_setitem_replaces_all_occurrences_in_place_of_the_first() -> None:
    headers = Headers([("A", "1"), ("B", "2"), ("a", "3")])

    headers["A"] = "new"

    assert headers.raw == [(b"A", b"new"), (b"B", b"2")]
    headers["C"] = "appended"
    assert headers.raw[-1] == (b"C", b"appended")


def test_delitem_removes_every_occurrence() -> None:
    headers = Headers([("A", "1"), ("B", "2"), ("a", "3")])

    del headers["A"]

    assert headers.raw == [(b"B", b"2")]


def test_update_replaces_named_headers_and_keeps_others() -> None:
    headers = Headers([("A", "1"), ("a", "2"), ("B", "b")])

    headers.update({"a": "new", "C": "c"})

    assert headers.multi_items() == [("b", "b"), ("a", "new"), ("c", "c")]


def test_copy_is_independent() -> None:
    headers = Headers({"A": "1"})
    copy = headers.copy()

    copy["A"] = "2"

    assert headers["a"] == "1"
    assert copy["a"] == "2"
    assert copy.encoding == headers.encoding


@pytest.mark.parametrize(
    ("left", "right", "equal"),
    [
        ([("A", "1"), ("B", "2")], [("b", "2"), ("a", "1")], True),
        ([("A", "1"), ("A", "2")], [("a", "2"), ("a", "1")], True),
        ([("A", "1")], [("A", "1"), ("A", "1")], False),
        ([("A", "1")], [("A", "2")], False),
    ],
)
def test_equality_ignores_order_and_name_casing(
    left: list[tuple[str, str]], right: list[tuple[str, str]], equal: bool
) -> None:
    assert (Headers(left) == Headers(right)) is equal
    assert (Headers(left) == right) is equal


def test_equality_with_a_non_header_value_is_false() -> None:
    assert Headers({"a": "1"}) != 42
    assert Headers() != "not headers"


@pytest.mark.parametrize(
    ("raw", "encoding", "value"),
    [
        ([(b"A", b"plain")], "ascii", "plain"),
        ([(b"A", "caf\u00e9".encode())], "utf-8", "caf\u00e9"),
        ([(b"A", b"caf\xe9")], "iso-8859-1", "caf\u00e9"),
    ],
)
def test_encoding_is_guessed_ascii_then_utf8_then_latin1(
    raw: list[tuple[bytes, bytes]], encoding: str, value: str
) -> None:
    headers = Headers(raw)

    assert headers.encoding == encoding
    assert headers["a"] == value


def test_encoding_can_be_set_and_changes_decoding() -> None:
    headers = Headers([(b"A", "caf\u00e9".encode())])

    headers.encoding = "iso-8859-1"

    assert headers["a"] == "caf\u00c3\u00a9"


def test_explicit_encoding_encodes_str_input() -> None:
    headers = Headers({"A": "caf\u00e9"}, encoding="utf-8")

    assert headers.raw == [(b"A", "caf\u00e9".encode())]


def test_non_ascii_str_without_encoding_raises() -> None:
    with pytest.raises(UnicodeEncodeError):
        Headers({"A": "caf\u00e9"})


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        (Headers({"a": "1"}), "Headers({'a': '1'})"),
        (Headers([("a", "1"), ("a", "2")]), "Headers([('a', '1'), ('a', '2')])"),
        (
            Headers({"Authorization": "Bearer token", "Proxy-Authorization": "Basic x"}),
            "Headers({'authorization': '[secure]', 'proxy-authorization': '[secure]'})",
        ),
        (Headers([(b"a", b"\xe9")]), "Headers({'a': '\u00e9'}, encoding='iso-8859-1')"),
        (Headers(), "Headers({})"),
    ],
)
def test_repr_masks_credentials(headers: Headers, expected: str) -> None:
    assert repr(headers) == expected


def test_setdefault_and_pop_come_from_mutable_mapping() -> None:
    headers = Headers({"A": "1"})

    assert headers.setdefault("a", "other") == "1"
    assert headers.setdefault("B", "2") == "2"
    assert headers.pop("a") == "1"
    assert headers.raw == [(b"B", b"2")]


@pytest.mark.parametrize(
    ("name", "value"),
    [
        (b"X-Bad", b"a\r\nInjected: 1"),
        (b"X-Bad", b"a\nb"),
        (b"X-Bad", b"a\x00b"),
        (b"X-B\rad", b"ok"),
        (b"", b"ok"),
    ],
)
def test_validate_header_rejects_cr_lf_nul(name: bytes, value: bytes) -> None:
    with pytest.raises(ValueError, match="Invalid header"):
        validate_header(name, value)


def test_validate_header_accepts_normal_fields() -> None:
    validate_header(b"X-Ok", b"value with spaces, commas; and \xe9")


@pytest.mark.parametrize(
    ("content_type", "charset"),
    [
        ("text/html; charset=UTF-8", "utf-8"),
        ('text/html; charset="ISO-8859-1"', "iso-8859-1"),
        ("text/html;charset=utf-8;format=flowed", "utf-8"),
        ('text/plain; name="a;b"; charset=latin1', "latin1"),
        ("text/plain", None),
        ("text/plain; charset=", None),
        ("application/json", None),
    ],
)
def test_parse_content_type_charset(content_type: str, charset: str | None) -> None:
    assert parse_content_type_charset(content_type) == charset


@pytest.mark.parametrize(
    ("value", "links"),
    [
        (
            '<https://e.org/?page=2>; rel="next", <https://e.org/?page=5>; rel="last"',
            [
                {"url": "https://e.org/?page=2", "rel": "next"},
                {"url": "https://e.org/?page=5", "rel": "last"},
            ],
        ),
        (
            '<https://e.org/a,b>; rel=next; title="x, y"',
            [{"url": "https://e.org/a,b", "rel": "next", "title": "x, y"}],
        ),
        ("<https://e.org/>", [{"url": "https://e.org/"}]),
        ("<https://e.org/>; REL=Prev; crossorigin", [{"url": "https://e.org/", "rel": "Prev"}]),
        ("", []),
    ],
)
def test_parse_header_links(value: str, links: list[dict[str, str]]) -> None:
    assert parse_header_links(value) == links

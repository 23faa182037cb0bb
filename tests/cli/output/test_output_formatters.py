"""Body formatters (wire.cli.output._formatters): str → str, no colour."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wire.cli.output._formatters import (
    DEFAULT_XML_FORMAT_LIMIT,
    MAX_JSON_FORMAT_DEPTH,
    format_body,
    format_json,
    is_json_media_type,
    iter_format_body,
    iter_format_json,
)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        # key order as sent, not sorted
        ('{"b":1,"a":2}', '{\n    "b": 1,\n    "a": 2\n}'),
        # numbers exactly as sent: trailing zeros, big ints, exponents, negative zero
        (
            "[1.10, 12345678901234567890123456789, 1E+400, -0.0, 0]",
            "[\n    1.10,\n    12345678901234567890123456789,\n    1E+400,\n    -0.0,\n    0\n]",
        ),
        # non-ASCII kept as is, escapes of ASCII text decoded
        (
            '{"name":"Zoë \\u00e9 日本","emoji":"\\ud83d\\ude00"}',
            '{\n    "name": "Zoë é 日本",\n    "emoji": "😀"\n}',
        ),
        # duplicate keys are all kept, in order
        ('{"a":1,"a":2}', '{\n    "a": 1,\n    "a": 2\n}'),
        # nesting, empty containers, constants
        (
            '{"x":{"y":[true,false,null,{}],"z":[]}}',
            '{\n    "x": {\n        "y": [\n            true,\n            false,\n'
            '            null,\n            {}\n        ],\n        "z": []\n    }\n}',
        ),
        # scalars at the top level, BOM ignored, whitespace around
        ('  "text"\n', '"text"'),
        ("\ufeff42", "42"),
        # control characters stay escaped, invisible/bidi ones become \u escapes
        ('"a\\nb\\u0000\\u001b"', '"a\\nb\\u0000\\u001b"'),
        ('"x\\u202ey\\u0085\\u007f\\u2028"', '"x\\u202ey\\u0085\\u007f\\u2028"'),
        ('"\\ud800"', '"\\ud800"'),  # a lone surrogate stays an escape, never raw
        # the non-standard constants json accepts are kept literally
        ("[NaN, -Infinity]", "[\n    NaN,\n    -Infinity\n]"),
    ],
)
def test_format_json(source: str, expected: str) -> None:
    formatted = format_json(source)
    assert formatted == expected
    assert formatted is not None
    if "NaN" not in source:
        # the output is JSON meaning the same as the input
        assert json.loads(formatted) == json.loads(source.removeprefix("\ufeff"))


def test_format_json_indent() -> None:
    assert format_json('{"a":[1]}', indent=2) == '{\n  "a": [\n    1\n  ]\n}'


@pytest.mark.parametrize(
    "source",
    ["", "{", '{"a":}', "[1,]", "{'a': 1}", "<html>", '"raw\x01control"', "[" * 50_000, "1 2"],
)
def test_invalid_json_is_not_formatted(source: str) -> None:
    assert format_json(source) is None


@pytest.mark.parametrize(
    ("mime", "is_json"),
    [
        ("application/json", True),
        ("Application/JSON; charset=utf-8", True),
        ("text/json", True),
        ("application/problem+json", True),
        ("application/vnd.api+json; ext=x", True),
        ("application/jsonp", False),
        ("text/plain", False),
        ("", False),
        (None, False),
    ],
)
def test_json_media_types(mime: str | None, is_json: bool) -> None:
    assert is_json_media_type(mime) is is_json
    expected = '{\n    "a": 1\n}' if is_json else '{"a":1}'
    assert format_body('{"a":1}', mime) == expected


def test_format_body_leaves_invalid_json_and_other_types_unchanged() -> None:
    assert format_body("{oops", "application/json") == "{oops"
    assert format_body("<a>  </a>", "application/xml") == "<a>  </a>"


# --- streaming JSON formatter: big, deep and hostile bodies --------------------------------


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        # runs of plain scalars, with commas, colons, brackets and escapes inside strings
        ('["a,b", "c:d", "[x]", 1]', '[\n    "a,b",\n    "c:d",\n    "[x]",\n    1\n]'),
        ('{"k,1":"v:1","k2" :  true}', '{\n    "k,1": "v:1",\n    "k2": true\n}'),
        (r'["q\"uote", "back\\slash", "tab\t"]', '[\n    "q\\"uote",\n    "back\\\\slash",\n'
                                                  '    "tab\\t"\n]'),
        # escapes json.dumps writes differently are rewritten, as before
        (r'["a\/b", "\u0041"]', '[\n    "a/b",\n    "A"\n]'),
        # a run broken by containers and by strings that need rewriting
        (
            '[1, [2, 3], "\\u00e9", 4]',
            '[\n    1,\n    [\n        2,\n        3\n    ],\n    "é",\n    4\n]',
        ),
        (
            '{"a": {"b": []}, "c": [{}]}',
            '{\n    "a": {\n        "b": []\n    },\n    "c": [\n        {}\n    ]\n}',
        ),
    ],
)
def test_format_json_streams_runs_exactly(source: str, expected: str) -> None:
    assert format_json(source) == expected
    pieces = iter_format_json(source)
    assert pieces is not None and "".join(pieces) == expected


@pytest.mark.parametrize(
    "source",
    [
        "[" * 100_000 + "]" * 100_000,  # deeper than MAX_JSON_FORMAT_DEPTH
        '{"a":' * 5_000 + "1" + "}" * 5_000,
        "[1, 2,]", '{"a" 1}', '{"a": 1,}', "[1 2]", '{1: 2}', "[}", "{]", "]", "[", "1,", "-",
        '"\\x"', "01", "1.", ".5", "+1", "tru", "nulll", "[1]]", "[-]", '{"a":1}}',
    ],
)
def test_invalid_or_too_deep_json_is_not_formatted(source: str) -> None:
    assert format_json(source) is None
    assert format_json(source, sort_keys=True) is None
    assert iter_format_json(source) is None


def test_nesting_up_to_the_depth_limit_is_formatted() -> None:
    depth = MAX_JSON_FORMAT_DEPTH
    formatted = format_json("[" * depth + "]" * depth, indent=0)
    assert formatted == "[\n" * (depth - 1) + "[]" + "\n]" * (depth - 1)
    assert format_json("[" * (depth + 1) + "]" * (depth + 1)) is None


def test_output_that_would_explode_is_not_formatted() -> None:
    # 200 levels of indentation on each of 20,000 elements: 16 MB from 40 kB.
    source = "[" * 200 + "1," * 20_000 + "1" + "]" * 200
    assert iter_format_json(source, budget=1_000_000) is None
    pieces = iter_format_json(source, budget=100_000_000)
    assert pieces is not None
    assert sum(len(piece) for piece in pieces) == len(format_json(source) or "")
    assert format_json(source) is not None  # the default budget: max(64 Mi, 8 × size)


def test_big_json_comes_in_bounded_pieces() -> None:
    source = "[" + '{"id": 1, "name": "x"},' * 20_000 + "{}]"
    pieces = iter_format_json(source)
    assert pieces is not None
    sizes = [len(piece) for piece in pieces]
    assert len(sizes) > 5 and max(sizes) < 200_000
    assert json.loads("".join(iter_format_json(source) or [])) == json.loads(source)


@pytest.mark.parametrize("sort_keys", [False, True])
def test_sorted_and_unsorted_agree_on_everything_but_order(sort_keys: bool) -> None:
    source = '{"b": [1, {"z": 1, "a": 2}], "a": "x", "a": "y"}'
    formatted = format_json(source, indent=2, sort_keys=sort_keys)
    first = '"a": "x",\n  "a": "y",\n  "b"' if sort_keys else '"b"'
    assert formatted is not None and formatted.startswith("{\n  " + first)


def test_xml_is_reindented_only_up_to_the_limit() -> None:
    small = "<a><b>1</b></a>"
    assert format_body(small, "application/xml") == "<a>\n  <b>1</b>\n</a>"
    big = "<a>" + "<b>1</b>" * (DEFAULT_XML_FORMAT_LIMIT // 8) + "</a>"
    assert format_body(big, "application/xml") is big


@pytest.mark.parametrize(
    ("text", "mime"),
    [('{"a":[1,2]}', "application/json"), ("{oops", "application/json"),
     ("<a><b/></a>", "text/xml"), ("plain", "text/plain")],
)
def test_iter_format_body_matches_format_body(text: str, mime: str) -> None:
    assert "".join(iter_format_body(text, mime)) == format_body(text, mime)


_SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=8)
)
_DOCUMENTS = st.recursive(
    _SCALARS, lambda inner: st.lists(inner) | st.dictionaries(st.text(max_size=4), inner),
    max_leaves=20,
)


@settings(max_examples=300, deadline=None)
@given(_DOCUMENTS, st.sampled_from([None, 0, 2]), st.booleans(), st.sampled_from([0, 2, 4]))
def test_formatted_json_means_what_was_sent(
    document: object, layout: int | None, ascii_only: bool, indent: int
) -> None:
    sent = json.dumps(document, indent=layout, ensure_ascii=ascii_only)
    formatted = format_json(sent, indent)
    assert formatted is not None and json.loads(formatted) == json.loads(sent)
    # the same layout whatever the input's; sorting only reorders members
    assert formatted == format_json(json.dumps(document), indent)
    by_key = format_json(sent, indent, sort_keys=True)
    assert by_key == format_json(json.dumps(document, sort_keys=True), indent)

"""Body formatters (wire.cli.output._formatters): str → str, no colour."""

from __future__ import annotations

import json

import pytest

from wire.cli.output._formatters import format_body, format_json, is_json_media_type


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

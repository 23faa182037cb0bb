"""Request items: separators, escapes, precedence, nested JSON, files, header validation."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from wire.cli._request_items import (
    MAX_JSON_INDEX,
    SEPARATORS,
    FileItem,
    JSONNumber,
    RequestItemError,
    RequestItems,
    dump_json,
    looks_like_request_item,
    parse_request_items,
    to_builtin_json,
)

# A stand-in file system for `=@`, `:=@`, `:@` and `==@` items.
FILES: dict[str, bytes] = {
    "text.txt": b"John is a nice guy.\n",
    "token.txt": b"s3cr3t\r\n\n",
    "data.json": b'{"tool": "wire", "stars": 1.50}',
    "list.json": b"[1, 2]",
    "bad.json": b"{nope",
    "latin1.txt": b"caf\xe9",
    "multiline.txt": b"line1\nline2\n",
    "empty.txt": b"",
}


def fake_read(path: str) -> bytes:
    try:
        return FILES[path]
    except KeyError:
        raise FileNotFoundError(2, "No such file or directory", path) from None


def parse(*items: str, form: bool = False) -> RequestItems:
    return parse_request_items(items, form=form, read_file=fake_read, check_files=False)


def error_of(*items: str, form: bool = False) -> RequestItemError:
    with pytest.raises(RequestItemError) as info:
        parse(*items, form=form)
    return info.value


# --------------------------------------------------------------------------------------------
# One item of each kind


@pytest.mark.parametrize(
    ("item", "headers"),
    [
        ("X-API-Token:123", (("X-API-Token", "123"),)),
        ("Referer:https://example.org/a?b=c", (("Referer", "https://example.org/a?b=c"),)),
        ("Cookie:valued-visitor=yes;foo=bar", (("Cookie", "valued-visitor=yes;foo=bar"),)),
        ("X-Spaces:  padded\t ", (("X-Spaces", "padded"),)),
        ("X-Inner:a  b", (("X-Inner", "a  b"),)),
        ("Accept:", (("Accept", None),)),  # unset
        ("User-Agent:", (("User-Agent", None),)),
        ("X-Empty;", (("X-Empty", ""),)),  # sent empty
        ("X-Blank: ", (("X-Blank", ""),)),  # only whitespace: sent empty
        ("X-Data:@token.txt", (("X-Data", "s3cr3t"),)),  # trailing newlines stripped
        ("X-Data:@empty.txt", (("X-Data", ""),)),
        ("!#$%&'*+-.^_`|~09az:ok", (("!#$%&'*+-.^_`|~09az", "ok"),)),  # every tchar
        ("X-Unicode:café", (("X-Unicode", "café"),)),
    ],
)
def test_header_items(item: str, headers: tuple[tuple[str, str | None], ...]) -> None:
    result = parse(item)
    assert result.headers == headers
    assert (result.params, result.data, result.json, result.files) == ((), (), None, ())
    assert result.has_body is False


def test_headers_keep_order_and_repeats() -> None:
    result = parse("Cookie:one", "Accept:", "Cookie:two", "X;")
    assert result.headers == (("Cookie", "one"), ("Accept", None), ("Cookie", "two"), ("X", ""))


@pytest.mark.parametrize(
    ("item", "params"),
    [
        ("q==search", (("q", "search"),)),
        ("q==", (("q", ""),)),
        ("==value", (("", "value"),)),
        ("q==a b&c=d", (("q", "a b&c=d"),)),  # encoding is the URL builder's job
        ("q===x", (("q", "=x"),)),
        ("q==@token.txt", (("q", "s3cr3t"),)),  # trailing newlines stripped
        ("q==@multiline.txt", (("q", "line1\nline2"),)),
    ],
)
def test_query_param_items(item: str, params: tuple[tuple[str, str], ...]) -> None:
    result = parse(item)
    assert result.params == params
    assert result.has_body is False


@pytest.mark.parametrize(
    ("item", "data", "document"),
    [
        ("name=John", (("name", "John"),), {"name": "John"}),
        ("name=", (("name", ""),), {"name": ""}),
        ("=value", (("", "value"),), {"": "value"}),
        ("email=john@example.org", (("email", "john@example.org"),), {"email": "john@example.org"}),
        ("expr=a:b", (("expr", "a:b"),), {"expr": "a:b"}),
        ("bio=@text.txt", (("bio", "John is a nice guy.\n"),), {"bio": "John is a nice guy.\n"}),
        ("age:=29", (("age", 29),), {"age": 29}),
        ("married:=false", (("married", False),), {"married": False}),
        ("nothing:=null", (("nothing", None),), {"nothing": None}),
        ('name:="Ann"', (("name", "Ann"),), {"name": "Ann"}),
        (
            'hobbies:=["http", "pies"]',
            (("hobbies", ["http", "pies"]),),
            {"hobbies": ["http", "pies"]},
        ),
        ('fav:={"tool": "wire"}', (("fav", {"tool": "wire"}),), {"fav": {"tool": "wire"}}),
        (
            "big:=123456789012345678901234567890",
            (("big", 123456789012345678901234567890),),
            {"big": 123456789012345678901234567890},
        ),
        ("x:=1.10", (("x", JSONNumber("1.10")),), {"x": JSONNumber("1.10")}),
        ("x:=1e400", (("x", JSONNumber("1e400")),), {"x": JSONNumber("1e400")}),
        ("x:=-0", (("x", JSONNumber("-0")),), {"x": JSONNumber("-0")}),
        ("x:= 7 ", (("x", 7),), {"x": 7}),
        (
            "doc:=@data.json",
            (("doc", {"tool": "wire", "stars": JSONNumber("1.50")}),),
            {"doc": {"tool": "wire", "stars": JSONNumber("1.50")}},
        ),
    ],
)
def test_data_and_json_items(item: str, data: tuple[tuple[str, Any], ...], document: Any) -> None:
    result = parse(item)
    assert result.data == data
    assert result.json == document
    assert result.has_body is True
    assert (result.headers, result.params, result.files) == ((), (), ())


def test_numbers_reserialise_exactly_as_typed() -> None:
    result = parse("n:=3", "x:=1.10", "e:=2E+10", "z:=-0", "l:=[0.50, 1]")
    assert dump_json(result.json) == '{"n": 3, "x": 1.10, "e": 2E+10, "z": -0, "l": [0.50, 1]}'
    assert json.loads(dump_json(result.json)) == {
        "n": 3,
        "x": 1.1,
        "e": 2e10,
        "z": 0,
        "l": [0.5, 1],
    }
    assert to_builtin_json(result.json) == {"n": 3, "x": 1.1, "e": 2e10, "z": -0.0, "l": [0.5, 1]}


@pytest.mark.parametrize(
    ("value", "text"),
    [
        ({"a": "é", "b": [True, None, 1.5]}, '{"a": "é", "b": [true, null, 1.5]}'),
        ([], "[]"),
        ({}, "{}"),
        ("\n", '"\\n"'),
        ((1, 2), "[1, 2]"),
    ],
)
def test_dump_json(value: Any, text: str) -> None:
    assert dump_json(value) == text


@pytest.mark.parametrize(
    ("value", "exception"),
    [({1: "a"}, TypeError), ({"a": object()}, TypeError), (float("nan"), ValueError)],
)
def test_dump_json_refuses_non_json(value: Any, exception: type[Exception]) -> None:
    with pytest.raises(exception):
        dump_json(value)


def test_dump_json_ensure_ascii() -> None:
    assert dump_json({"é": "ü"}, ensure_ascii=True) == '{"\\u00e9": "\\u00fc"}'


# --------------------------------------------------------------------------------------------
# Separator choice: earliest, then longest; escapes


@pytest.mark.parametrize(
    ("item", "kind", "key", "value"),
    [
        # Longest at the same position.
        ("a==b", "param", "a", "b"),
        ("a=b", "data", "a", "b"),
        ("a:=1", "data", "a", 1),
        ("a:b", "header", "a", "b"),
        ("a:=@list.json", "data", "a", [1, 2]),
        ("a=@text.txt", "data", "a", "John is a nice guy.\n"),
        ("a==@token.txt", "param", "a", "s3cr3t"),
        ("a:@token.txt", "header", "a", "s3cr3t"),
        # Earliest wins over longest.
        ("a=b==c", "data", "a", "b==c"),
        ("a=b:c", "data", "a", "b:c"),
        ("a:b=c", "header", "a", "b=c"),
        ("a:b==c", "header", "a", "b==c"),
        ("a==b=c", "param", "a", "b=c"),
        ("a==b:=c", "param", "a", "b:=c"),
        ("a==:b", "param", "a", ":b"),
        ("a=;b", "data", "a", ";b"),
        # Escapes: a backslash makes a separator character literal, and is dropped.
        (r"foo\==bar", "data", "foo=", "bar"),
        (r"foo\=\=bar==baz", "param", "foo==bar", "baz"),
        (r"a\:b==c", "param", "a:b", "c"),
        (r"a\:=b=c", "data", "a:", "b=c"),
        (r"a\@b=c", "data", "a@b", "c"),
        (r"a\;b=c", "data", "a;b", "c"),
        (r"a=b\=c", "data", "a", "b=c"),
        (r"X-A:b\:c", "header", "X-A", "b:c"),
        (r"X-A:C:\dir\file", "header", "X-A", r"C:\dir\file"),  # other backslashes kept
        (r"q==a\nb", "param", "q", r"a\nb"),
        (r"q\\==x", "param", "q\\\\", "x"),  # `\\` is not an escape at this level
        (r"q==x\\", "param", "q", "x\\\\"),
        ("q==x\\", "param", "q", "x\\"),  # trailing lone backslash kept
    ],
)
def test_separator_precedence_and_escapes(item: str, kind: str, key: str, value: Any) -> None:
    result = parse(item)
    groups = {
        "header": result.headers,
        "param": result.params,
        "data": result.data,
    }
    assert groups[kind] == ((key, value),)
    assert all(not group for name, group in groups.items() if name != kind)


def test_escaped_colon_in_header_name_is_split_then_validated() -> None:
    # The escape makes `a:b` the name; RFC 9110 then refuses ':' in a header name.
    error = error_of(r"a\:b:c")
    assert str(error) == (
        "invalid request item 'a\\\\:b:c': invalid header name 'a:b': ':' is not allowed in a"
        " header name (RFC 9110 §5.1)"
    )


@pytest.mark.parametrize("item", ["foo", "", "just text", r"a\=b", r"a\:b", r"x\@y"])
def test_item_without_separator(item: str) -> None:
    error = error_of(item)
    assert error.item == item
    assert error.message == (
        "no separator (expected one of ':', ';', ':@', '==', '==@', '=', '=@', ':=', ':=@', '@')"
    )
    assert str(error) == f"invalid request item {item!r}: {error.message}"
    assert error.position is None and error.pointer() is None
    assert isinstance(error, ValueError)


def test_separators_constant_lists_every_separator() -> None:
    assert set(SEPARATORS) == {":", ";", ":@", "==", "==@", "=", "=@", ":=", ":=@", "@"}


# --------------------------------------------------------------------------------------------
# Header validation


@pytest.mark.parametrize(
    ("item", "message"),
    [
        (":value", "empty header name"),
        (";", "empty header name"),
        (
            "Bad Name:x",
            "invalid header name 'Bad Name': ' ' is not allowed in a header name (RFC 9110 §5.1)",
        ),
        (
            "X(y):x",
            "invalid header name 'X(y)': '(' is not allowed in a header name (RFC 9110 §5.1)",
        ),
        (
            "Caf\u00e9:x",
            "invalid header name 'Café': 'é' is not allowed in a header name (RFC 9110 §5.1)",
        ),
        (
            "X-A:a\r\nX-Injected: 1",
            "header 'X-A' value contains CR, which is not allowed in a"
            " header value (RFC 9110 §5.5)",
        ),
        (
            "X-A:a\nb",
            "header 'X-A' value contains LF, which is not allowed in a header value"
            " (RFC 9110 §5.5)",
        ),
        (
            "X-A:a\0b",
            "header 'X-A' value contains NUL, which is not allowed in a header value"
            " (RFC 9110 §5.5)",
        ),
        (
            "X-A:@multiline.txt",
            "header 'X-A' value contains LF, which is not allowed in a header"
            " value (RFC 9110 §5.5)",
        ),
        (
            "X;foo",
            "unexpected text after ';' (to send an empty header use 'X;'; for a header"
            " value use 'X:VALUE')",
        ),
        (  # a name with a newline is quoted as repr: the message stays on one line
            "\n;0",
            "unexpected text after ';' (to send an empty header use '\\n;'; for a header"
            " value use '\\n:VALUE')",
        ),
        ("X-A:@missing.txt", "cannot read 'missing.txt': No such file or directory"),
        ("X-A:@latin1.txt", "cannot read 'latin1.txt': not UTF-8 text (invalid byte at offset 3)"),
    ],
)
def test_header_errors(item: str, message: str) -> None:
    error = error_of(item)
    assert (error.item, error.message) == (item, message)


# --------------------------------------------------------------------------------------------
# JSON and file errors


@pytest.mark.parametrize(
    ("item", "message"),
    [
        ("n:=3x", "invalid JSON: Extra data (char 1)"),
        ("n:=", "invalid JSON: Expecting value (char 0)"),
        ("n:=[1,", "invalid JSON: Expecting value (char 3)"),
        ("n:={'a': 1}", "invalid JSON: Expecting property name enclosed in double quotes (char 1)"),
        ("n:=NaN", "invalid JSON: NaN is not valid JSON"),
        ("n:=-Infinity", "invalid JSON: -Infinity is not valid JSON"),
        (
            "n:=@bad.json",
            "invalid JSON: Expecting property name enclosed in double quotes (char 1)",
        ),
        ("a=@nofile", "cannot read 'nofile': No such file or directory"),
        ("a:=@nofile", "cannot read 'nofile': No such file or directory"),
        ("a==@nofile", "cannot read 'nofile': No such file or directory"),
        ("a=@latin1.txt", "cannot read 'latin1.txt': not UTF-8 text (invalid byte at offset 3)"),
    ],
)
def test_value_errors(item: str, message: str) -> None:
    error = error_of(item)
    assert str(error) == f"invalid request item {item!r}: {message}"


def test_default_reader_reads_from_disk(tmp_path: Path) -> None:
    text = tmp_path / "bio.txt"
    text.write_text("Hello from disk\n", encoding="utf-8")
    doc = tmp_path / "doc.json"
    doc.write_text('{"a": [1, 2.50]}', encoding="utf-8")
    result = parse_request_items([f"bio=@{text}", f"doc:=@{doc}", f"X-Bio:@{text}"])
    assert result.json == {"bio": "Hello from disk\n", "doc": {"a": [1, JSONNumber("2.50")]}}
    assert result.headers == (("X-Bio", "Hello from disk"),)


def test_default_reader_reports_missing_file_and_directory(tmp_path: Path) -> None:
    missing = tmp_path / "nofile"
    with pytest.raises(RequestItemError) as info:
        parse_request_items([f"a=@{missing}"])
    assert str(info.value) == (
        f"invalid request item 'a=@{missing}': cannot read '{missing}': No such file or directory"
    )
    with pytest.raises(RequestItemError) as info:
        parse_request_items([f"a=@{tmp_path}"])
    assert info.value.message == f"cannot read '{tmp_path}': Is a directory"


def test_default_reader_expands_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    (tmp_path / "note.txt").write_text("home", encoding="utf-8")
    assert parse_request_items(["n=@~/note.txt"]).json == {"n": "home"}


# --------------------------------------------------------------------------------------------
# File uploads


@pytest.mark.parametrize(
    ("suffix", "name", "mime_type"),
    [
        ("cv.txt", "cv.txt", "text/plain"),
        ("cv.txt;type=text/markdown", "cv.txt", "text/markdown"),
        ("data.bin;type=application/pdf", "data.bin", "application/pdf"),
        ("pic.png", "pic.png", "image/png"),
        ("noext", "noext", None),
        ("cv.txt;type=text/plain; charset=utf-8", "cv.txt", "text/plain; charset=utf-8"),
    ],
)
def test_file_upload_items(tmp_path: Path, suffix: str, name: str, mime_type: str | None) -> None:
    (tmp_path / name).write_bytes(b"content")
    result = parse_request_items([f"field@{tmp_path}/{suffix}"])
    assert result.files == (("field", FileItem(f"{tmp_path}/{name}", name, mime_type)),)
    assert result.has_body is True
    assert result.data == () and result.json is None


def test_file_upload_expands_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    (tmp_path / "cv.pdf").write_bytes(b"%PDF")
    result = parse_request_items(["cv@~/cv.pdf"], form=True)
    assert result.files == (
        ("cv", FileItem(str(tmp_path / "cv.pdf"), "cv.pdf", "application/pdf")),
    )


def test_file_upload_keeps_order_with_form_fields(tmp_path: Path) -> None:
    for name in ("a.txt", "b.txt"):
        (tmp_path / name).write_text(name, encoding="utf-8")
    result = parse_request_items(
        [f"f1@{tmp_path}/a.txt", "name=John", f"f2@{tmp_path}/b.txt"], form=True
    )
    assert [field for field, _ in result.files] == ["f1", "f2"]
    assert result.data == (("name", "John"),)


@pytest.mark.parametrize(
    ("item", "message"),
    [
        ("@cv.txt", "a file upload needs a field name ('FIELD@PATH')"),
        ("cv@", "a file upload needs a path ('FIELD@PATH')"),
        ("cv@;type=text/plain", "a file upload needs a path ('FIELD@PATH')"),
        ("cv@cv.txt;type=", "invalid MIME type '' (expected TYPE/SUBTYPE, e.g. text/plain)"),
        ("cv@cv.txt;type=pdf", "invalid MIME type 'pdf' (expected TYPE/SUBTYPE, e.g. text/plain)"),
        (
            "cv@cv.txt;type=a/b/c",
            "invalid MIME type 'a/b/c' (expected TYPE/SUBTYPE, e.g. text/plain)",
        ),
        (
            "cv@cv.txt;type=text/plain\r\nX: y",
            "invalid MIME type 'text/plain\\r\\nX: y': it contains CR",
        ),
    ],
)
def test_file_upload_errors(item: str, message: str) -> None:
    assert error_of(item).message == message


def test_file_upload_missing_file_is_refused(tmp_path: Path) -> None:
    item = f"cv@{tmp_path}/missing.pdf"
    with pytest.raises(RequestItemError) as info:
        parse_request_items([item])
    assert str(info.value) == (
        f"invalid request item {item!r}: cannot read '{tmp_path}/missing.pdf': No such file or"
        " directory"
    )


def test_file_upload_check_can_be_skipped() -> None:
    result = parse_request_items(["cv@/nonexistent/cv.pdf"], check_files=False)
    assert result.files == (("cv", FileItem("/nonexistent/cv.pdf", "cv.pdf", "application/pdf")),)


# --------------------------------------------------------------------------------------------
# Form mode


def test_form_mode_flattens_values_to_strings() -> None:
    result = parse("name=John Smith", "age:=29", "pi:=3.140", "bio=@text.txt", "a[b]=c", form=True)
    assert result.data == (
        ("name", "John Smith"),
        ("age", "29"),
        ("pi", "3.140"),
        ("bio", "John is a nice guy.\n"),
        ("a[b]", "c"),  # no nested-path parsing for forms
    )
    assert result.json is None
    assert result.has_body is True


def test_form_mode_keeps_repeated_fields() -> None:
    assert parse("a=1", "a=2", form=True).data == (("a", "1"), ("a", "2"))


@pytest.mark.parametrize(
    ("item", "kind"),
    [("a:=true", "boolean"), ("a:=null", "null"), ("a:=[1]", "array"), ('a:={"b": 1}', "object")],
)
def test_form_mode_refuses_structured_json(item: str, kind: str) -> None:
    assert error_of(item, form=True).message == (
        f"a JSON {kind} cannot be sent as a form field (only strings and numbers can)"
    )


def test_form_mode_accepts_invalid_json_paths() -> None:
    assert parse("a[=1", form=True).data == (("a[", "1"),)


# --------------------------------------------------------------------------------------------
# Nested JSON (HTTPie 3 syntax)


@pytest.mark.parametrize(
    ("items", "document"),
    [
        (
            [
                "platform[name]=HTTPie",
                "platform[about][mission]=Make APIs simple",
                "platform[about][stars]:=54000",
                "platform[apps][]=Terminal",
                "platform[apps][]=Desktop",
            ],
            {
                "platform": {
                    "name": "HTTPie",
                    "about": {"mission": "Make APIs simple", "stars": 54000},
                    "apps": ["Terminal", "Desktop"],
                }
            },
        ),
        (
            ["category=tools", "search[type]=id", "search[id]:=1"],
            {"category": "tools", "search": {"type": "id", "id": 1}},
        ),
        (["k[1]=APIs", "k[0]=CLI"], {"k": ["CLI", "APIs"]}),
        (["p[]=T", "p[1]=D", "p[3]=M"], {"p": ["T", "D", None, "M"]}),
        (['p:=["T", "D"]', "p[]=W"], {"p": ["T", "D", "W"]}),
        (["a[]:=1", "a[1]:=2", "a[]:=3"], {"a": [1, 2, 3]}),
        (["v[n][j][3][h][]=Amaze"], {"v": {"n": {"j": [None, None, None, {"h": ["Amaze"]}]}}}),
        (["[]:=1", "[]:=2", "[]:=3"], [1, 2, 3]),
        (
            ["[0][type]=platform", "[0][name]=terminal", "[1][type]=platform"],
            [{"type": "platform", "name": "terminal"}, {"type": "platform"}],
        ),
        (["[2]=x"], [None, None, "x"]),
        (["[][]:=1"], [[1]]),
        ([":=[1,2,3]"], {"": [1, 2, 3]}),  # an empty key is a key, not a top-level array
        (["=x"], {"": "x"}),
        (
            [r"foo\[bar\]:=1", r"baz[\[]:=2", r"baz[\]]:=3"],
            {"foo[bar]": 1, "baz": {"[": 2, "]": 3}},
        ),
        ([r"backslash[\\]:=1"], {"backslash": {"\\": 1}}),
        (
            [r"object[\1]=stringified", r"object[\100]=same", "array[1]=indexified"],
            {"object": {"1": "stringified", "100": "same"}, "array": [None, "indexified"]},
        ),
        ([r"a\b=1"], {"a\\b": "1"}),  # a backslash before an ordinary character is kept
        ([r"\1=x", "2=y"], {"1": "x", "2": "y"}),  # a leading number is a key
        (["a[ b ]=1"], {"a": {" b ": "1"}}),
        (["a[b]=1", "a[b]=2"], {"a": {"b": "2"}}),  # the last value wins
        (["user[name]:=411", "user[name]=string"], {"user": {"name": "string"}}),  # overrides
        (["a[]=x"], {"a": ["x"]}),
        (["a:=null", "a[b]=x"], {"a": {"b": "x"}}),  # null counts as absent
        (["x:=[1, 2]", "x[]=3"], {"x": [1, 2, "3"]}),
        (["x:=1", "x:=2"], {"x": 2}),
    ],
)
def test_nested_json(items: list[str], document: Any) -> None:
    result = parse(*items)
    assert result.json == document
    assert len(result.data) == len(items)
    assert result.has_body is True


def test_nested_json_does_not_share_values_with_data() -> None:
    result = parse("x:=[1]", "x[]=2", "y:=@list.json", "z:=@list.json", "z[]:=3")
    assert result.data[0] == ("x", [1])  # `x[]=2` did not alter the parsed value
    assert result.json == {"x": [1, "2"], "y": [1, 2], "z": [1, 2, 3]}


def test_nested_keys_keep_raw_form_in_data() -> None:
    assert parse(r"a[b]=1", r"c\[d\]=2").data == (("a[b]", "1"), (r"c\[d\]", "2"))


@pytest.mark.parametrize(
    ("items", "message", "pointer"),
    [
        (
            ["foo[bar]=OK", "foo[baz][quux=FAIL"],
            "invalid JSON path: expected ']', found the end of the key",
            "foo[baz][quux=FAIL\n             ^",
        ),
        (["a[=1"], "invalid JSON path: expected ']', found the end of the key", "a[=1\n  ^"),
        (["a[b=1"], "invalid JSON path: expected ']', found the end of the key", "a[b=1\n   ^"),
        (["a]=1"], "invalid JSON path: expected '[', found ']'", "a]=1\n ^"),
        (["a[b]c=1"], "invalid JSON path: expected '[', found 'c'", "a[b]c=1\n    ^"),
        (["a[b[c]]=1"], "invalid JSON path: expected ']', found '['", "a[b[c]]=1\n   ^"),
        (
            ["a[[b]]=1"],
            "invalid JSON path: expected a key, an index or ']', found '['",
            "a[[b]]=1\n  ^",
        ),
        (
            ["[a]=1"],
            "invalid JSON path: expected an index or ']' (a top-level array), found 'a'",
            "[a]=1\n ^",
        ),
        (["a[-1]=x"], "invalid JSON path: negative index -1", "a[-1]=x\n  ^"),
        (
            [f"a[{MAX_JSON_INDEX + 1}]=x"],
            f"invalid JSON path: index {MAX_JSON_INDEX + 1} is too large"
            f" (at most {MAX_JSON_INDEX})",
            f"a[{MAX_JSON_INDEX + 1}]=x\n  ^",
        ),
        # Positions count the escapes removed from the key.
        (
            [r"x\=y[=1"],
            "invalid JSON path: expected ']', found the end of the key",
            "x\\=y[=1\n     ^",  # at the separator, which escape removal moved
        ),
        (
            [r"x\=y]=1"],
            "invalid JSON path: expected '[', found ']'",
            "x\\=y]=1\n    ^",
        ),
        (
            ["array[]:=1", "array[]:=2", "array[key]:=3"],
            "JSON type conflict: 'array' is an array, but '[key]' needs an object",
            "array[key]:=3\n     ^",
        ),
        (
            ["obj[a]=1", "obj[]=2"],
            "JSON type conflict: 'obj' is an object, but '[]' needs an array",
            "obj[]=2\n   ^",
        ),
        (
            ["obj[a]=1", "obj[0]=2"],
            "JSON type conflict: 'obj' is an object, but '[0]' needs an array",
            "obj[0]=2\n   ^",
        ),
        (
            ["a:=5", "a[b]=x"],
            "JSON type conflict: 'a' is a number, but '[b]' needs an object",
            "a[b]=x\n ^",
        ),
        (
            ["a=s", "a[]=x"],
            "JSON type conflict: 'a' is a string, but '[]' needs an array",
            "a[]=x\n ^",
        ),
        (
            ["a:=true", "a[0]=x"],
            "JSON type conflict: 'a' is a boolean, but '[0]' needs an array",
            "a[0]=x\n ^",
        ),
        (
            ["a[b][c]=1", "a[b][]=2"],
            "JSON type conflict: 'a[b]' is an object, but '[]' needs an array",
            "a[b][]=2\n    ^",
        ),
        (
            ["a=1", "[]:=2"],
            "JSON type conflict: the top-level value is an object, but '[]' needs an array",
            "[]:=2\n^",
        ),
        (
            ["[]:=1", "a=1"],
            "JSON type conflict: the top-level value is an array, but 'a' needs an object",
            "a=1\n^",
        ),
    ],
)
def test_nested_json_errors(items: list[str], message: str, pointer: str) -> None:
    error = error_of(*items)
    assert error.item == items[-1]
    assert error.message == message
    assert error.pointer() == pointer
    assert str(error) == f"invalid request item {items[-1]!r}: {message}"


# --------------------------------------------------------------------------------------------
# Whole results, has_body, API misuse


def test_mixed_items() -> None:
    result = parse("PUT-ish:no", "X-Date:today", "token==secret", "name=John", "age:=29", "Accept:")
    assert result == RequestItems(
        headers=(("PUT-ish", "no"), ("X-Date", "today"), ("Accept", None)),
        params=(("token", "secret"),),
        data=(("name", "John"), ("age", 29)),
        json={"name": "John", "age": 29},
        files=(),
        has_body=True,
    )


def test_no_items() -> None:
    assert parse() == RequestItems()
    assert RequestItems().has_body is False


def test_result_is_frozen() -> None:
    result = parse("a=1")
    with pytest.raises(AttributeError):
        result.json = None  # type: ignore[misc]


@pytest.mark.parametrize("items", ["a=1", b"a=1"])
def test_string_instead_of_sequence_is_a_type_error(items: Any) -> None:
    with pytest.raises(TypeError, match="items must be a sequence of str, not"):
        parse_request_items(items)


def test_non_str_item_is_a_type_error() -> None:
    with pytest.raises(TypeError, match="each request item must be a str, not int"):
        parse_request_items(["a=1", 3])  # type: ignore[list-item]


def test_reader_oserror_without_strerror() -> None:
    def broken(path: str) -> bytes:
        raise OSError("disk on fire")

    error = error_of_reader(broken, "a=@x")
    assert error.message == "cannot read 'x': disk on fire"


def error_of_reader(reader: Any, item: str) -> RequestItemError:
    with pytest.raises(RequestItemError) as info:
        parse_request_items([item], read_file=reader)
    return info.value


# --------------------------------------------------------------------------------------------
# looks_like_request_item


@pytest.mark.parametrize(
    ("arg", "expected"),
    [
        ("a=1", True),
        ("X-API-Token:abc", True),
        ("q==x", True),
        ("n:=3", True),
        ("cv@cv.pdf", True),
        ("X-Empty;", True),
        ("a[b]=1", True),
        ("GET", False),
        ("post", False),
        ("example.org", False),
        ("example.org/path", False),
        ("http://example.org/?a=b", False),
        ("https://x", False),
        ("localhost:8000", False),
        ("localhost:8000/p?q=1", False),
        ("example.org:", False),
        (":8000", False),
        (":/foo", False),
        (":", False),
        ("=value", False),  # empty key
        (r"a\=b", False),
    ],
)
def test_looks_like_request_item(arg: str, expected: bool) -> None:
    assert looks_like_request_item(arg) is expected


# --------------------------------------------------------------------------------------------
# Import hygiene


def test_imports_no_click_rich_or_pygments() -> None:
    code = (
        "import sys\n"
        "import wire.cli._request_items, wire.cli._urlarg\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in {'click', 'rich', 'pygments'})\n"
        "print(','.join(bad))\n"
    )
    completed = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=30, check=True
    )
    assert completed.stdout.strip() == ""


# --- hostile input: depth, digits, length --------------------------------------------------


def _nested(depth: int) -> list[Any]:
    document: list[Any] = []
    cursor = document
    for _ in range(depth - 1):
        cursor.append([])
        cursor = cursor[0]
    return document


@pytest.mark.parametrize("value", ["[" * 100_000, "[" * 100_000 + "]" * 100_000, '{"a":' * 5_000])
def test_json_nested_too_deeply_is_an_item_error(value: str) -> None:
    with pytest.raises(RequestItemError, match="JSON nested too deeply$"):
        parse_request_items([f"n:={value}"])


@pytest.mark.parametrize("digits", ["9" * 5_000, "-" + "1" * 4_301, "1" * 100_000])
def test_integers_too_long_for_int_are_sent_digit_for_digit(digits: str) -> None:
    items = parse_request_items([f"n:={digits}", f"a:=[{digits}]"])
    assert items.json == {"n": JSONNumber(digits), "a": [JSONNumber(digits)]}
    assert dump_json(items.json) == f'{{"n": {digits}, "a": [{digits}]}}'


def test_nested_path_deeper_than_the_recursion_limit_is_serialised() -> None:
    items = parse_request_items(["a" + "[b]" * 3_000 + "=1"])
    assert dump_json(items.json) == '{"a": ' + '{"b": ' * 3_000 + '"1"' + "}" * 3_001


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (_nested(100_000), "[" * 100_000 + "]" * 100_000),
        (
            {"a": [{"b": [JSONNumber("1.10"), None]}, {}], "c": ()},
            '{"a": [{"b": [1.10, null]}, {}], "c": []}',
        ),
    ],
)
def test_dump_json_is_iterative(value: Any, text: str) -> None:
    assert dump_json(value) == text


def test_copy_and_to_builtin_json_handle_any_depth() -> None:
    deep = _nested(50_000)
    deep_copy = to_builtin_json(deep)
    # (== on lists recurses, so compare the serialised forms)
    assert dump_json(deep_copy) == dump_json(deep) and deep_copy is not deep
    assert to_builtin_json({"x": [JSONNumber("1.5"), {"y": JSONNumber("-0")}]}) == {
        "x": [1.5, {"y": -0.0}]
    }


def test_long_items_are_abbreviated_in_error_messages() -> None:
    item = "n:=" + "[" * 100_000
    with pytest.raises(RequestItemError) as caught:
        parse_request_items([item])
    message = str(caught.value)
    assert message == (
        f"invalid request item {item[:100]!r}... (100,003 characters): JSON nested too deeply"
    )
    assert caught.value.item == item  # the whole item is still there for callers

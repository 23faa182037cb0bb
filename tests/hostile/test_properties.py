"""Property tests (hypothesis) for every parser wire owns: whatever the input, each parser
returns a well-formed value or raises its own documented error, never anything else.

Settings are bounded (200 examples, no deadline) so the suite stays fast.
"""

from __future__ import annotations

import string

import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

import wire
from wire.cli._filenames import parse_content_disposition, sanitize_filename
from wire.cli._request_items import RequestItemError, parse_request_items
from wire.cli._resume import parse_content_range
from wire.cli.output._sanitize import TerminalSanitizer, sanitize_for_terminal
from wire.client_core._headers import validate_header

from ._support import UNSAFE_FOR_TERMINAL

pytestmark = pytest.mark.hostile

BOUNDED = settings(
    max_examples=200,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)

#: Text biased toward the characters parsers trip on.
TRICKY = st.text(
    alphabet=st.one_of(
        st.sampled_from(list(":=@[]\\;,/?#%&\"' \t\r\n\x00\x1b\u009b\u202e.-~*")),
        st.characters(),
    ),
    max_size=60,
)
TOKEN = st.text(
    alphabet=string.ascii_letters + string.digits + "!#$%&'*+-.^_`|~", min_size=1, max_size=20
)


# --- request items -------------------------------------------------------------------------


def _no_files(path: str) -> bytes:
    raise OSError(2, "No such file or directory", path)


@BOUNDED
@given(st.lists(TRICKY, max_size=5), st.booleans())
def test_request_items_parse_or_raise_their_own_error(items: list[str], form: bool) -> None:
    try:
        parsed = parse_request_items(items, form=form, read_file=_no_files, check_files=False)
    except RequestItemError as error:
        assert "\n" not in str(error) and str(error)
        return
    for name, value in parsed.headers:
        assert not {"\r", "\n", "\x00"} & set(name + (value or ""))


@BOUNDED
@given(TOKEN, st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cs")), max_size=40))
def test_header_items_round_trip(name: str, value: str) -> None:
    assume(value == value.strip(" \t"))
    # `name:@file` and `name:=json` are other separators (the longest one wins, as in
    # HTTPie): a value starting with "@" or "=" is written with a backslash before it; and a
    # backslash before a separator character is an escape, so such values are not typable.
    assume(not any("\\" + char in value for char in ":;=@"))
    typed = "\\" + value if value.startswith(("@", "=")) else value
    parsed = parse_request_items([f"{name}:{typed}"] if value else [f"{name};"])
    assert parsed.headers == ((name, value),)


@BOUNDED
@given(
    st.text(alphabet=string.ascii_letters, min_size=1, max_size=10),
    st.integers(min_value=-(10**30), max_value=10**30),
)
def test_json_number_items_keep_their_value(key: str, number: int) -> None:
    parsed = parse_request_items([f"{key}:={number}"])
    assert parsed.json == {key: number}


# --- URLs ----------------------------------------------------------------------------------


@BOUNDED
@given(TRICKY)
@example("http://" + "a" * 300 + ".example/")
@example("http://[::1")
@example("http://xn--/")
def test_url_parses_or_raises_invalid_url(text: str) -> None:
    try:
        url = wire.URL(text)
    except wire.InvalidURL:
        return
    assert not {"\r", "\n", "\x00"} & set(str(url))
    assert wire.URL(str(url)) == url  # normalising is idempotent


@BOUNDED
@given(
    st.sampled_from(["http", "https"]),
    st.text(alphabet=string.ascii_lowercase + string.digits + "-.", min_size=1, max_size=30),
    st.integers(min_value=0, max_value=65535),
    TRICKY,
)
def test_url_from_parts_round_trips(scheme: str, host: str, port: int, path: str) -> None:
    try:
        url = wire.URL(f"{scheme}://{host}:{port}/{path}")
    except wire.InvalidURL:
        return
    again = wire.URL(str(url))
    assert (again.scheme, again.host, again.port, again.raw_path) == (
        url.scheme,
        url.host,
        url.port,
        url.raw_path,
    )


@BOUNDED
@given(TRICKY)
def test_url_join_never_raises_anything_else(text: str) -> None:
    base = wire.URL("http://example.com/a/b?c=d")
    try:
        joined = base.join(text)
    except wire.InvalidURL:
        return
    assert isinstance(joined, wire.URL)


# --- Content-Disposition -------------------------------------------------------------------


@BOUNDED
@given(
    st.one_of(
        TRICKY,
        st.builds(lambda n: f'attachment; filename="{n}"', TRICKY),
        st.builds(lambda n: f"attachment; filename*=UTF-8''{n}", TRICKY),
    )
)
@example("attachment; filename*=UTF-8''%2E%2E%2F%2E%2E%2Fetc%2Fpasswd")
@example('attachment; filename="' + "A" * 5000 + '"')
def test_content_disposition_names_are_safe(header: str) -> None:
    name = parse_content_disposition(header)
    if name is None:
        return
    safe = sanitize_filename(name)
    if safe is None:
        return
    assert safe and "/" not in safe and "\\" not in safe
    assert not safe.startswith(".") and safe not in (".", "..")
    assert not UNSAFE_FOR_TERMINAL.search(safe)
    assert len(safe.encode("utf-8")) <= 255
    assert safe == safe.strip(" .")


# --- header validation ---------------------------------------------------------------------


@BOUNDED
@given(st.binary(max_size=30), st.binary(max_size=60))
def test_validate_header_rejects_exactly_cr_lf_nul(name: bytes, value: bytes) -> None:
    forbidden = {ord("\r"), ord("\n"), 0}
    should_fail = not name or bool(forbidden & set(name + value))
    try:
        validate_header(name, value)
    except ValueError as error:
        assert should_fail, error
        assert "\n" not in str(error)
        return
    assert not should_fail


# --- terminal sanitiser --------------------------------------------------------------------


@BOUNDED
@given(st.text(max_size=200))
@example("\x1b]52;c;aGk=\x07\u009b2J\u202e\r")
def test_sanitised_text_holds_no_control_but_tab_and_newline(text: str) -> None:
    clean = sanitize_for_terminal(text)
    assert not UNSAFE_FOR_TERMINAL.search(clean)
    assert all(ch in "\t\n" or not (ord(ch) < 0x20 or 0x7F <= ord(ch) < 0xA0) for ch in clean)


@BOUNDED
@given(
    st.lists(
        st.text(alphabet=st.sampled_from(list("ab\r\n\x1b\u009b\u202e")), max_size=8), max_size=8
    )
)
def test_incremental_sanitiser_matches_the_whole(chunks: list[str]) -> None:
    sanitizer = TerminalSanitizer()
    streamed = "".join(sanitizer.feed(chunk) for chunk in chunks) + sanitizer.flush()
    assert streamed == sanitize_for_terminal("".join(chunks))


# --- Content-Range -------------------------------------------------------------------------


@BOUNDED
@given(
    st.one_of(
        TRICKY,
        st.builds(
            lambda a, b, c: f"bytes {a}-{b}/{c}",
            st.integers(-5, 10**20),
            st.integers(-5, 10**20),
            st.one_of(st.integers(-5, 10**20), st.just("*")),
        ),
    )
)
@example("bytes 0-0/0")
@example("bytes " + "9" * 5000 + "-1/2")
def test_content_range_parses_only_consistent_ranges(value: str) -> None:
    parsed = parse_content_range(value)
    if parsed is None:
        return
    if parsed.first is None:
        assert parsed.last is None and parsed.total is not None and parsed.total >= 0
        return
    assert parsed.last is not None and 0 <= parsed.first <= parsed.last
    assert parsed.total is None or parsed.last < parsed.total


@BOUNDED
@given(st.integers(0, 10**15), st.integers(0, 10**15), st.integers(1, 10**15))
def test_content_range_round_trips(first: int, length: int, extra: int) -> None:
    last = first + length
    total = last + extra
    parsed = parse_content_range(f"bytes {first}-{last}/{total}")
    assert parsed is not None
    assert (parsed.first, parsed.last, parsed.total) == (first, last, total)

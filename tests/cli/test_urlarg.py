"""The METHOD and URL positional arguments: URL shorthands, method detection, default method."""

from __future__ import annotations

import pytest

from wire.cli._urlarg import URLArgError, default_method, normalise_url, split_method_and_url


@pytest.mark.parametrize(
    ("arg", "url"),
    [
        # localhost shorthand (curl-style)
        (":8000/path", "http://localhost:8000/path"),
        (":8000", "http://localhost:8000"),
        (":3000/bar?x=1#f", "http://localhost:3000/bar?x=1#f"),
        (":/path", "http://localhost/path"),
        (":/", "http://localhost/"),
        (":", "http://localhost"),
        (":?q=1", "http://localhost?q=1"),
        (":#top", "http://localhost#top"),
        # no scheme
        ("localhost:8000", "http://localhost:8000"),
        ("localhost", "http://localhost"),
        ("example.org", "http://example.org"),
        ("example.org/a b?q=a b", "http://example.org/a b?q=a b"),  # encoding is done later
        ("user:pass@example.org:81/x", "http://user:pass@example.org:81/x"),
        ("127.0.0.1:5000/api", "http://127.0.0.1:5000/api"),
        ("[::1]:8080/", "http://[::1]:8080/"),
        ("bücher.example/straße", "http://bücher.example/straße"),  # IDNA is done later
        # scheme kept
        ("https://x", "https://x"),
        ("http://example.org/?a=b", "http://example.org/?a=b"),
        ("HTTPS://Example.ORG", "HTTPS://Example.ORG"),
        (
            "http+unix://%2Fvar%2Frun%2Fdocker.sock/info",
            "http+unix://%2Fvar%2Frun%2Fdocker.sock/info",
        ),
        ("ftp://files.example/x", "ftp://files.example/x"),
        # pasted with a space after the scheme: `http ://example.org`
        ("://example.org", "http://example.org"),
        # scheme-relative (RFC 3986 §4.2)
        ("//host/p", "http://host/p"),
        ("//host", "http://host"),
    ],
)
def test_normalise_url(arg: str, url: str) -> None:
    assert normalise_url(arg) == url


@pytest.mark.parametrize(
    ("arg", "scheme", "url"),
    [
        ("example.org", "https", "https://example.org"),
        (":8443/x", "https", "https://localhost:8443/x"),
        (":", "https", "https://localhost"),
        ("//host/p", "https", "https://host/p"),
        ("http://plain", "https", "http://plain"),
        (
            "%2Fvar%2Frun%2Fdocker.sock/info",
            "http+unix",
            "http+unix://%2Fvar%2Frun%2Fdocker.sock/info",
        ),
    ],
)
def test_normalise_url_default_scheme(arg: str, scheme: str, url: str) -> None:
    assert normalise_url(arg, default_scheme=scheme) == url


@pytest.mark.parametrize(
    ("arg", "message"),
    [
        ("http://a b/", "invalid URL 'http://a b/': the host contains whitespace"),
        ("exa mple.org/x", "invalid URL 'exa mple.org/x': the host contains whitespace"),
        (
            "http://u@ho\tst",
            "invalid URL 'http://u@ho\\tst': it contains the control character '\\t'",
        ),
        (
            "http://x/\r\nHost: evil",
            "invalid URL 'http://x/\\r\\nHost: evil': it contains the control character '\\r'",
        ),
        ("example.org\n", "invalid URL 'example.org\\n': it contains the control character '\\n'"),
        (
            "http://x/\x00",
            "invalid URL 'http://x/\\x00': it contains the control character '\\x00'",
        ),
        (
            "http://x/\x7f",
            "invalid URL 'http://x/\\x7f': it contains the control character '\\x7f'",
        ),
        (" example.org", "invalid URL ' example.org': the host contains whitespace"),
        ("http:///path", "invalid URL 'http:///path': no host"),
        ("https://", "invalid URL 'https://': no host"),
        ("http://user@/", "invalid URL 'http://user@/': no host"),
        ("", "invalid URL '': no host"),
        (":abc", "invalid URL ':abc': expected a port or a path after ':' (e.g. ':8000/path')"),
        (":80x/", "invalid URL ':80x/': expected a port or a path after ':' (e.g. ':8000/path')"),
    ],
)
def test_normalise_url_errors(arg: str, message: str) -> None:
    with pytest.raises(URLArgError) as info:
        normalise_url(arg)
    assert str(info.value) == message
    assert "\n" not in str(info.value)
    assert info.value.url == arg
    assert isinstance(info.value, ValueError)


@pytest.mark.parametrize("scheme", ["", "1http", "ht tp", "http://", "http:"])
def test_normalise_url_rejects_bad_default_scheme(scheme: str) -> None:
    with pytest.raises(ValueError, match="default_scheme must be a URL scheme like 'http', not"):
        normalise_url("example.org", default_scheme=scheme)


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["example.org"], (None, "example.org", [])),
        (["GET"], (None, "GET", [])),  # a lone word is the URL
        (["GET", "example.org"], ("GET", "example.org", [])),
        (["post", ":8000", "a=1"], ("POST", ":8000", ["a=1"])),
        (["PURGE", "example.org/x"], ("PURGE", "example.org/x", [])),
        (["Ahoy", "pie.dev/post"], ("AHOY", "pie.dev/post", [])),
        (["example.org", "a=1", "X:y"], (None, "example.org", ["a=1", "X:y"])),
        ([":8000", "GET"], (None, ":8000", ["GET"])),
        (["localhost:8000", "q==1"], (None, "localhost:8000", ["q==1"])),
        (["http://x", "a=1"], (None, "http://x", ["a=1"])),
        # Not letters only: a URL.
        (["GET2", "x"], (None, "GET2", ["x"])),
        (["M-SEARCH", "x"], (None, "M-SEARCH", ["x"])),
        (["GÉT", "x"], (None, "GÉT", ["x"])),
        # HTTPie's known ambiguity: a letters-only host followed by an item is a method.
        (["localhost", "a=1"], ("LOCALHOST", "a=1", [])),
    ],
)
def test_split_method_and_url(args: list[str], expected: tuple[str | None, str, list[str]]) -> None:
    assert split_method_and_url(args) == expected


def test_split_method_and_url_accepts_tuples_and_copies() -> None:
    args = ("DELETE", "example.org/1", "X:y")
    method, url, items = split_method_and_url(args)
    assert (method, url, items) == ("DELETE", "example.org/1", ["X:y"])
    items.append("changed")
    assert args == ("DELETE", "example.org/1", "X:y")


def test_split_method_and_url_without_args() -> None:
    with pytest.raises(URLArgError) as info:
        split_method_and_url([])
    assert str(info.value) == "invalid URL '': no URL given"


@pytest.mark.parametrize(("has_body", "method"), [(True, "POST"), (False, "GET")])
def test_default_method(has_body: bool, method: str) -> None:
    assert default_method(has_body) == method

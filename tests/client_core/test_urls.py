"""Tests for `URL` and `QueryParams` (wire.client_core._urls) and the parser under them.

Pure values only: no server. Expected values follow httpx 0.28 unless a test says
otherwise; the RFC 3986 §5.4 tables are copied from the RFC.
"""

from __future__ import annotations

from typing import Any

import pytest

from wire.client_core._exceptions import InvalidURL
from wire.client_core._urlparse import quote, remove_dot_segments
from wire.client_core._urls import URL, QueryParams, primitive_value_to_str

# --------------------------------------------------------------------------------------
# Parsing and the component properties


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "https://www.example.com/",
            {"scheme": "https", "userinfo": b"", "host": "www.example.com", "port": None,
             "path": "/", "query": b"", "fragment": "", "raw_path": b"/",
             "netloc": b"www.example.com", "str": "https://www.example.com/"},
        ),
        (
            "https://example.org:123/path/to/somewhere?abc=123#anchor",
            {"scheme": "https", "host": "example.org", "port": 123,
             "path": "/path/to/somewhere", "query": b"abc=123",
             "raw_path": b"/path/to/somewhere?abc=123", "fragment": "anchor",
             "netloc": b"example.org:123",
             "str": "https://example.org:123/path/to/somewhere?abc=123#anchor"},
        ),
        (
            "HTTPS://jo%40email.com:a%20secret@müller.de:1234/pa%20th?search=ab#anchorlink",
            {"scheme": "https", "raw_scheme": b"https", "username": "jo@email.com",
             "password": "a secret", "userinfo": b"jo%40email.com:a%20secret",
             "host": "müller.de", "raw_host": b"xn--mller-kva.de", "port": 1234,
             "netloc": b"xn--mller-kva.de:1234", "path": "/pa th", "query": b"search=ab",
             "raw_path": b"/pa%20th?search=ab", "fragment": "anchorlink"},
        ),
        # No path: the property shows "/", the string keeps the URL as written.
        ("https://example.com", {"path": "/", "raw_path": b"/", "str": "https://example.com"}),
        # An empty query or fragment is kept apart from an absent one.
        ("https://example.com/path?", {"query": b"", "raw_path": b"/path?",
                                       "str": "https://example.com/path?"}),
        ("https://example.com/path", {"query": b"", "raw_path": b"/path"}),
        ("https://example.com/#", {"fragment": "", "str": "https://example.com/#"}),
        ("://example.com", {"scheme": "", "host": "example.com", "path": "/"}),
        ("http://", {"scheme": "http", "host": "", "path": "/"}),
        ("/path/only?x=1", {"scheme": "", "host": "", "path": "/path/only", "query": b"x=1"}),
        ("", {"scheme": "", "host": "", "path": "/", "str": ""}),
        # An "@" in the password is fine: the last "@" ends the userinfo.
        ("https://user name:p@ssword@example.com",
         {"userinfo": b"user%20name:p%40ssword", "username": "user name",
          "password": "p@ssword", "host": "example.com"}),
        ("https://username%40gmail.com:pa%20ssword@example.com",
         {"userinfo": b"username%40gmail.com:pa%20ssword", "username": "username@gmail.com",
          "password": "pa ssword"}),
        ("https://user@example.com", {"username": "user", "password": ""}),
    ],
)
def test_url_components(url: str, expected: dict[str, Any]) -> None:
    parsed = URL(url)
    for name, value in expected.items():
        actual = str(parsed) if name == "str" else getattr(parsed, name)
        assert actual == value, name


@pytest.mark.parametrize(
    ("url", "raw_path", "path", "query", "fragment"),
    [
        # Path: only the WHATWG path set (space " # < > ? ` { }) is escaped.
        ("https://example.com/!$&'()*+,;= abc ABC 123 :/[]@",
         b"/!$&'()*+,;=%20abc%20ABC%20123%20:/[]@", "/!$&'()*+,;= abc ABC 123 :/[]@", b"", ""),
        ("https://example.com/!$&'()*+,;=%20abc%20ABC%20123%20:/[]@",
         b"/!$&'()*+,;=%20abc%20ABC%20123%20:/[]@", "/!$&'()*+,;= abc ABC 123 :/[]@", b"", ""),
        ("https://example.com/ %61%62%63", b"/%20%61%62%63", "/ abc", b"", ""),
        ('https://example.com/"<>`{}|^', b"/%22%3C%3E%60%7B%7D|^", '/"<>`{}|^', b"", ""),
        ("https://example.com/ /🌟/", b"/%20/%F0%9F%8C%9F/", "/ /🌟/", b"", ""),
        # A bare "%" is kept, as WHATWG does; existing escapes are never doubled.
        ("https://example.com/100%/%zz", b"/100%/%zz", "/100%/%zz", b"", ""),
        # Query: the WHATWG query set (space " # < >) is escaped; "'" and "/" are not.
        ("https://example.com/?!$&'()*+,;= abc ABC 123 :/[]@?",
         b"/?!$&'()*+,;=%20abc%20ABC%20123%20:/[]@?", "/",
         b"!$&'()*+,;=%20abc%20ABC%20123%20:/[]@?", ""),
        ("https://example.com/?%20%97%98%99", b"/?%20%97%98%99", "/", b"%20%97%98%99", ""),
        ('https://example.com/?a="<>`{}', b"/?a=%22%3C%3E`{}", "/", b"a=%22%3C%3E`{}", ""),
        ("https://example.com/?q=é", b"/?q=%C3%A9", "/", b"q=%C3%A9", ""),
        # Fragment: the WHATWG fragment set (space " < > `) is escaped; "#" is not.
        ("https://example.com/#!$&'()*+,;= abc ABC 123 :/[]@?#", b"/", "/", b"",
         "!$&'()*+,;= abc ABC 123 :/[]@?#"),
    ],
)
def test_percent_encoding_of_path_query_fragment(
    url: str, raw_path: bytes, path: str, query: bytes, fragment: str
) -> None:
    parsed = URL(url)
    assert parsed.raw_path == raw_path
    assert parsed.path == path
    assert parsed.query == query
    assert parsed.fragment == fragment


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("http://webservice?u=phrase%20with%20spaces", "http://webservice?u=phrase%20with%20spaces"),
        ("http://webservice?u=phrase with spaces", "http://webservice?u=phrase%20with%20spaces"),
        ("http://webservice?u=phrase%20with spaces", "http://webservice?u=phrase%20with%20spaces"),
        ("https://www.example.com/?a=b c&d=e/f", "https://www.example.com/?a=b%20c&d=e/f"),
        ("https://www.example.com/?a=b+c&d=e/f", "https://www.example.com/?a=b+c&d=e/f"),
    ],
)
def test_query_in_url_string_is_not_form_encoded(url: str, expected: str) -> None:
    assert str(URL(url)) == expected


@pytest.mark.parametrize(
    "url",
    [
        "https://user:p%40ss@EXAMPLE.com:8080/a b/../c?q=a b&r=%2F#frag ment",
        "http://中国.icom.museum/ü?ü=ü#ü",
        "https://[2001:db8::1]:8443/x?",
        "../relative/./path?x#",
    ],
)
def test_canonical_string_reparses_to_itself(url: str) -> None:
    canonical = str(URL(url))
    assert str(URL(canonical)) == canonical
    assert URL(canonical) == URL(url)


@pytest.mark.parametrize(
    ("url", "kwargs", "expected"),
    [
        # A path starting with "//" keeps an empty authority before it (RFC 3986 §3.3).
        ("http:////x/y", {}, "http:////x/y"),
        # A relative path whose first segment holds ":" is written "./a:b" (§4.2).
        ("", {"path": "a:b/c"}, "./a:b/c"),
        # Control characters in a username or password are escaped, not rejected.
        ("https://example.com/", {"username": "a\nb", "password": "c\td"},
         "https://a%0Ab:c%09d@example.com/"),
    ],
)
def test_unambiguous_serialisation(url: str, kwargs: dict[str, Any], expected: str) -> None:
    assert str(URL(url, **kwargs)) == expected
    assert str(URL(expected)) == expected


# --------------------------------------------------------------------------------------
# Hosts: reg-names, IDNA, IPv4, IPv6


@pytest.mark.parametrize(
    ("url", "host", "raw_host"),
    [
        ("https://EXAMPLE.com/", "example.com", b"example.com"),
        ("https://exam le.com/", "exam%20le.com", b"exam%20le.com"),
        ("https://023b76x43144/", "023b76x43144", b"023b76x43144"),
        ("https://1.2.3.4/", "1.2.3.4", b"1.2.3.4"),
        ("http://[::ffff:192.168.0.1]:5678/", "::ffff:192.168.0.1", b"::ffff:192.168.0.1"),
        ("https://[2001:db8::ff00:42:8329]/", "2001:db8::ff00:42:8329", b"2001:db8::ff00:42:8329"),
    ],
)
def test_host(url: str, host: str, raw_host: bytes) -> None:
    assert URL(url).host == host
    assert URL(url).raw_host == raw_host


@pytest.mark.parametrize(
    ("given", "encoded", "host", "raw_host", "port"),
    [
        ("http://中国.icom.museum:80/", "http://xn--fiqs8s.icom.museum:80/",
         "中国.icom.museum", b"xn--fiqs8s.icom.museum", None),
        ("http://Königsgäßchen.de", "http://xn--knigsgchen-b4a3dun.de",
         "königsgäßchen.de", b"xn--knigsgchen-b4a3dun.de", None),
        # Non-transitional UTS #46: "ß" is kept, not mapped to "ss".
        ("https://faß.de", "https://xn--fa-hia.de", "faß.de", b"xn--fa-hia.de", None),
        ("https://βόλος.com:443", "https://xn--nxasmm1c.com:443",
         "βόλος.com", b"xn--nxasmm1c.com", None),
        ("https://نامهای.com:4433", "https://xn--mgba3gch31f.com:4433",
         "نامهای.com", b"xn--mgba3gch31f.com", 4433),
        # UTS #46 maps full-width letters, as browsers do.
        ("https://ｅｘａｍｐｌｅ.com/", "https://example.com/",
         "example.com", b"example.com", None),
        # Any "xn--" label is shown decoded, not only a leading one.
        ("https://www.xn--fiqs8s.com/", "https://www.中国.com/",
         "www.中国.com", b"www.xn--fiqs8s.com", None),
    ],
)
def test_idna_hosts(given: str, encoded: str, host: str, raw_host: bytes, port: int | None) -> None:
    url = URL(given)
    assert url == URL(encoded)
    assert url.host == host
    assert url.raw_host == raw_host
    assert url.port == port


def test_invalid_a_label_is_shown_as_is() -> None:
    assert URL("https://xn--zz.example/").host == "xn--zz.example"


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("https://☃.com/", "Invalid IDNA hostname: '☃.com'"),
        ("https://😇/", "Invalid IDNA hostname: '😇'"),
        ("https://a..中国/", "Invalid IDNA hostname: 'a..中国'"),
        ("https://999.999.999.999/", "Invalid IPv4 address: '999.999.999.999'"),
        ("https://01.2.3.4/", "Invalid IPv4 address: '01.2.3.4'"),
        ("https://[2001]/", "Invalid IPv6 address: '[2001]'"),
        ("https://[::1::2]/", "Invalid IPv6 address: '[::1::2]'"),
        ("https://u:p@[invalid!]//evilHost/path?t=w#tw", "Invalid IPv6 address: '[invalid!]'"),
        # RFC 1035 §2.3.4: the resolver would refuse these with a bare UnicodeError.
        ("http://a" + "b" * 300 + ".example/", "Invalid host: 309 characters, over 253"),
        ("http://" + "a" * 64 + ".example/", "Invalid host: a label is longer than 63 characters"),
        ("http://" + "a" * 64 + "/", "Invalid host: a label is longer than 63 characters"),
        ("http://" + ".".join(["a" * 63] * 4) + "/", "Invalid host: 255 characters, over 253"),
        ("http://ö" + "a" * 70 + ".example/", "Invalid IDNA hostname: 'ö" + "a" * 70 + ".example'"),
    ],
)
def test_invalid_hosts(url: str, message: str) -> None:
    with pytest.raises(InvalidURL) as exc:
        URL(url)
    assert str(exc.value) == message


@pytest.mark.parametrize(
    "host",
    [
        "a" * 63 + ".example",  # the longest label
        ".".join(["a" * 63] * 3 + ["a" * 61]),  # 253 characters: the longest name
        ".".join(["a" * 63] * 3 + ["a" * 61]) + ".",  # ... with the root's final dot
    ],
)
def test_hosts_at_the_dns_length_limits_are_accepted(host: str) -> None:
    assert URL(f"http://{host}/").host == host


@pytest.mark.parametrize("host", ["[::ffff:192.168.0.1]", "::ffff:192.168.0.1"])
def test_ipv6_host_keyword_with_or_without_brackets(host: str) -> None:
    url = URL(scheme="https", host=host, port=443, path="/")
    assert url.host == "::ffff:192.168.0.1"
    assert url.netloc == b"[::ffff:192.168.0.1]"
    assert str(url) == "https://[::ffff:192.168.0.1]/"


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:1234", "http://example.com:1234", "http://[::ffff:127.0.0.1]:1234"]
)
@pytest.mark.parametrize("new_host", ["[::ffff:192.168.0.1]", "::ffff:192.168.0.1"])
def test_copy_with_ipv6_host_keeps_port(url: str, new_host: str) -> None:
    copied = URL(url).copy_with(host=new_host)
    assert copied.host == "::ffff:192.168.0.1"
    assert copied.netloc == b"[::ffff:192.168.0.1]:1234"
    assert str(copied) == "http://[::ffff:192.168.0.1]:1234"


# --------------------------------------------------------------------------------------
# Ports


@pytest.mark.parametrize(
    ("url", "port", "as_str"),
    [
        ("https://example.com:123/", 123, "https://example.com:123/"),
        ("http://example.com:80/", None, "http://example.com/"),
        ("https://example.com:443/", None, "https://example.com/"),
        ("ws://example.com:80/", None, "ws://example.com/"),
        ("wss://example.com:443/", None, "wss://example.com/"),
        ("ftp://example.com:21/", None, "ftp://example.com/"),
        ("http://example.com:443/", 443, "http://example.com:443/"),
        ("https://example.com:80/", 80, "https://example.com:80/"),
        ("foo://example.com:80/", 80, "foo://example.com:80/"),
        ("HTTP://example.com:80/", None, "http://example.com/"),
        ("http://example.com:/", None, "http://example.com/"),
        ("http://example.com:0/", 0, "http://example.com:0/"),
        ("http://example.com:65535/", 65535, "http://example.com:65535/"),
    ],
)
def test_port_normalisation(url: str, port: int | None, as_str: str) -> None:
    assert URL(url).port == port
    assert str(URL(url)) == as_str


def test_default_port_equality() -> None:
    assert URL("http://example.com") == URL("http://example.com:80")


@pytest.mark.parametrize("port", ["abc", "+80", "8_0", " 80", "70000", "80:90", "٨٠"])
def test_invalid_port(port: str) -> None:
    with pytest.raises(InvalidURL) as exc:
        URL(f"https://example.com:{port}/")
    assert str(exc.value) == f"Invalid port: {port!r}"


@pytest.mark.parametrize("port", [-1, 65536])
def test_invalid_port_keyword(port: int) -> None:
    with pytest.raises(InvalidURL) as exc:
        URL("https://example.com/", port=port)
    assert str(exc.value) == f"Invalid port: '{port}'"


# --------------------------------------------------------------------------------------
# Paths


@pytest.mark.parametrize(
    ("url", "path"),
    [
        ("https://example.com/abc/def/../ghi/./jkl", "/abc/ghi/jkl"),
        ("https://example.com/../abc", "/abc"),
        ("https://example.com/a/b/..", "/a/"),
        ("https://example.com/a/b/.", "/a/b/"),
        ("https://example.com/a/%2E%2E/b", "/a/../b"),  # escaped dots are data, not segments
        ("../abc", "../abc"),  # a relative reference keeps its dot segments for join()
        ("abc", "abc"),
        ("./a/../b", "./a/../b"),
    ],
)
def test_dot_segments(url: str, path: str) -> None:
    assert URL(url).path == path


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/a/b/c/./../../g", "/a/g"),
        ("mid/content=5/../6", "mid/6"),
        ("/..", "/"),
        ("/./", "/"),
        ("/a//../b", "/a/b"),
        ("..", ""),
        ("/no/dots", "/no/dots"),
        ("/a.b/c..d", "/a.b/c..d"),
    ],
)
def test_remove_dot_segments(path: str, expected: str) -> None:
    assert remove_dot_segments(path) == expected


# --------------------------------------------------------------------------------------
# Invalid URLs and misuse


def test_url_too_long() -> None:
    with pytest.raises(InvalidURL) as exc:
        URL("https://www.example.com/" + "x" * 100_000)
    assert str(exc.value) == "URL too long"


def test_component_too_long() -> None:
    with pytest.raises(InvalidURL) as exc:
        URL("https://www.example.com", path="/" + "x" * 100_000)
    assert str(exc.value) == "URL component 'path' too long"


@pytest.mark.parametrize(
    ("url", "kwargs", "message"),
    [
        ("https://www.example.com/\n", {},
         "Invalid non-printable ASCII character in URL, '\\n' at position 24."),
        ("https://www.example.com/\x7f", {},
         "Invalid non-printable ASCII character in URL, '\\x7f' at position 24."),
        ("https://www.exa\tmple.com/", {},
         "Invalid non-printable ASCII character in URL, '\\t' at position 15."),
        ("https://www.example.com", {"path": "/\n"},
         "Invalid non-printable ASCII character in URL path component, '\\n' at position 1."),
        ("https://www.example.com", {"host": "a\rb"},
         "Invalid non-printable ASCII character in URL host component, '\\r' at position 1."),
    ],
)
def test_control_characters_are_rejected(url: str, kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(InvalidURL) as exc:
        URL(url, **kwargs)
    assert str(exc.value) == message


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"scheme": "~", "host": "www.example.com", "path": "/"},
         "Invalid URL component 'scheme'"),
        ({"scheme": "https://xxxx:xxxx@xxxxxxx/xxxxx/xxx?x=x#xxxxx"},
         "Invalid URL component 'scheme'"),
        ({"scheme": "https", "host": "example.com", "path": "/a?b"},
         "Invalid URL component 'path'"),
        ({"scheme": "https", "host": "example.com", "query": b"a#b"},
         "Invalid URL component 'query'"),
        ({"scheme": "https", "host": "example.com", "userinfo": b"a@b"},
         "Invalid URL component 'userinfo'"),
        ({"scheme": "https", "host": "www.example.com", "path": "abc"},
         "For absolute URLs, path must be empty or begin with '/'"),
        ({"path": "//abc"}, "Relative URLs cannot have a path starting with '//'"),
        ({"path": ":abc"}, "Relative URLs cannot have a path starting with ':'"),
    ],
)
def test_invalid_components(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(InvalidURL) as exc:
        URL(**kwargs)
    assert str(exc.value) == message


def test_copy_with_cannot_smuggle_a_url_through_the_scheme() -> None:
    url = URL("https://example.com/path?t=w#tw")
    with pytest.raises(InvalidURL):
        url.copy_with(scheme="https://xxxx:xxxx@xxxxxxx/xxxxx/xxx?x=x#xxxxx")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"incorrect": "/"}, "'incorrect' is an invalid keyword argument for URL()"),
        ({"userinfo": "should be bytes"}, "Argument 'userinfo' must be bytes but got str"),
        ({"query": "a=1"}, "Argument 'query' must be bytes but got str"),
        ({"port": "8080"}, "Argument 'port' must be int but got str"),
        ({"path": b"/"}, "Argument 'path' must be str but got bytes"),
        ({"netloc": "example.com"}, "Argument 'netloc' must be bytes but got str"),
    ],
)
def test_keyword_type_errors(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(TypeError) as exc:
        URL("https://example.com", **kwargs)
    assert str(exc.value) == message
    with pytest.raises(TypeError):
        URL("https://example.com").copy_with(**kwargs)


@pytest.mark.parametrize("value", [123, b"https://example.com", None, object()])
def test_url_argument_type_error(value: Any) -> None:
    with pytest.raises(TypeError) as exc:
        URL(value)
    assert str(exc.value).startswith("Invalid type for url.  Expected str or URL, got ")


# --------------------------------------------------------------------------------------
# Building from components and copy_with


def test_url_from_components() -> None:
    url = URL(scheme="https", host="www.example.com", path="/")
    assert (url.scheme, url.userinfo, url.host, url.port) == ("https", b"", "www.example.com", None)
    assert (url.path, url.query, url.fragment) == ("/", b"", "")
    assert str(url) == "https://www.example.com/"


@pytest.mark.parametrize(
    ("start", "kwargs", "expected"),
    [
        ("https://www.example.com/", {}, "https://www.example.com/"),
        ("https://www.example.com/", {"scheme": "http"}, "http://www.example.com/"),
        ("http://www.example.com/", {"netloc": b"example.com"}, "http://example.com/"),
        ("https://example.org", {"netloc": b"example.net:444"}, "https://example.net:444"),
        ("https://example.org", {"netloc": b"[::1]:8080"}, "https://[::1]:8080"),
        ("http://example.com/", {"path": "/abc"}, "http://example.com/abc"),
        ("https://example.org", {"path": "/path to somewhere"},
         "https://example.org/path%20to%20somewhere"),
        ("https://example.org", {"query": b"a=123"}, "https://example.org?a=123"),
        ("https://example.org/?a=1", {"query": None}, "https://example.org/"),
        ("https://example.org/#x", {"fragment": "a b"}, "https://example.org/#a%20b"),
        ("https://example.org/#x", {"fragment": None}, "https://example.org/"),
        ("https://example.org", {"raw_path": b"/some/path"}, "https://example.org/some/path"),
        ("https://example.org", {"raw_path": b"/some/path?"}, "https://example.org/some/path?"),
        ("https://example.org", {"raw_path": b"/p?a=123"}, "https://example.org/p?a=123"),
        ("https://example.org",
         {"username": "username", "password": "password", "port": 444, "host": "example.net"},
         "https://username:password@example.net:444"),
        ("https://example.org", {"username": "tom@example.org", "password": "abc123@ %"},
         "https://tom%40example.org:abc123%40%20%@example.org"),
        ("https://example.org", {"userinfo": b"a%20b:c"}, "https://a%20b:c@example.org"),
        # Changing one half of the credentials keeps the other (httpx 0.28 drops it).
        ("https://user:old@example.org", {"password": "new"}, "https://user:new@example.org"),
        ("https://old:pw@example.org", {"username": "new"}, "https://new:pw@example.org"),
        ("https://user:pw@example.org", {"password": None}, "https://user@example.org"),
        ("https://user:pw@example.org", {"userinfo": None}, "https://example.org"),
        ("https://example.org:8080/", {"port": None}, "https://example.org/"),
        ("https://example.org:8080/", {"port": 443}, "https://example.org/"),
        ("https://example.org/?b=456", {"params": {"a": "123"}}, "https://example.org/?a=123"),
        ("https://example.org/?b=456", {"params": {}}, "https://example.org/"),
        ("https://example.org/?b=456", {"params": None}, "https://example.org/"),
        ("https://example.org/", {"params": {"a": "b c", "d": "e/f"}},
         "https://example.org/?a=b+c&d=e%2Ff"),
    ],
)
def test_copy_with(start: str, kwargs: dict[str, Any], expected: str) -> None:
    assert str(URL(start).copy_with(**kwargs)) == expected
    assert str(URL(URL(start), **kwargs)) == expected


def test_copy_with_credentials_are_readable() -> None:
    url = URL("https://example.org").copy_with(username="tom@example.org", password="abc123@ %")
    assert url.username == "tom@example.org"
    assert url.password == "abc123@ %"
    assert url.userinfo == b"tom%40example.org:abc123%40%20%"


def test_copy_with_leaves_the_original_unchanged() -> None:
    url = URL("https://example.org/a?b=1")
    url.copy_with(path="/z", params={"c": "2"})
    assert str(url) == "https://example.org/a?b=1"


@pytest.mark.parametrize(
    ("method", "args", "expected"),
    [
        ("copy_set_param", ("a", "456"), "https://example.org:123/?a=456"),
        ("copy_set_param", ("b", True), "https://example.org:123/?a=123&b=true"),
        ("copy_add_param", ("a", "456"), "https://example.org:123/?a=123&a=456"),
        ("copy_add_param", ("c", None), "https://example.org:123/?a=123&c="),
        ("copy_remove_param", ("a",), "https://example.org:123/"),
        ("copy_remove_param", ("missing",), "https://example.org:123/?a=123"),
        ("copy_merge_params", ({"b": "456"},), "https://example.org:123/?a=123&b=456"),
        ("copy_merge_params", ({"a": ["1", "2"]},), "https://example.org:123/?a=1&a=2"),
    ],
)
def test_param_copies(method: str, args: tuple[Any, ...], expected: str) -> None:
    url = URL("https://example.org:123/?a=123")
    assert getattr(url, method)(*args) == expected
    assert url == "https://example.org:123/?a=123"


def test_params_property() -> None:
    url = URL("https://example.org/?a=b+c&a=%2F&d")
    assert url.params == QueryParams([("a", "b c"), ("a", "/"), ("d", "")])
    assert URL("https://example.org/").params == QueryParams()


# --------------------------------------------------------------------------------------
# join (RFC 3986 §5.4)

RFC3986_BASE = "http://a/b/c/d;p?q"


@pytest.mark.parametrize(
    ("reference", "expected"),
    [
        # §5.4.1 normal examples
        ("g:h", "g:h"),
        ("g", "http://a/b/c/g"),
        ("./g", "http://a/b/c/g"),
        ("g/", "http://a/b/c/g/"),
        ("/g", "http://a/g"),
        ("//g", "http://g"),
        ("?y", "http://a/b/c/d;p?y"),
        ("g?y", "http://a/b/c/g?y"),
        ("#s", "http://a/b/c/d;p?q#s"),
        ("g#s", "http://a/b/c/g#s"),
        ("g?y#s", "http://a/b/c/g?y#s"),
        (";x", "http://a/b/c/;x"),
        ("g;x", "http://a/b/c/g;x"),
        ("g;x?y#s", "http://a/b/c/g;x?y#s"),
        ("", "http://a/b/c/d;p?q"),
        (".", "http://a/b/c/"),
        ("./", "http://a/b/c/"),
        ("..", "http://a/b/"),
        ("../", "http://a/b/"),
        ("../g", "http://a/b/g"),
        ("../..", "http://a/"),
        ("../../", "http://a/"),
        ("../../g", "http://a/g"),
        # §5.4.2 abnormal examples
        ("../../../g", "http://a/g"),
        ("../../../../g", "http://a/g"),
        ("/./g", "http://a/g"),
        ("/../g", "http://a/g"),
        ("g.", "http://a/b/c/g."),
        (".g", "http://a/b/c/.g"),
        ("g..", "http://a/b/c/g.."),
        ("..g", "http://a/b/c/..g"),
        ("./../g", "http://a/b/g"),
        ("./g/.", "http://a/b/c/g/"),
        ("g/./h", "http://a/b/c/g/h"),
        ("g/../h", "http://a/b/c/h"),
        ("g;x=1/./y", "http://a/b/c/g;x=1/y"),
        ("g;x=1/../y", "http://a/b/c/y"),
        ("g?y/./x", "http://a/b/c/g?y/./x"),
        ("g?y/../x", "http://a/b/c/g?y/../x"),
        ("g#s/./x", "http://a/b/c/g#s/./x"),
        ("g#s/../x", "http://a/b/c/g#s/../x"),
        ("http:g", "http:g"),  # the strict parser's answer (§5.4.2)
    ],
)
def test_join_rfc3986(reference: str, expected: str) -> None:
    assert str(URL(RFC3986_BASE).join(reference)) == expected


@pytest.mark.parametrize(
    ("base", "reference", "expected"),
    [
        ("https://example.org:123/path/to/somewhere", "/somewhere-else",
         "https://example.org:123/somewhere-else"),
        ("https://example.org:123/path/to/somewhere", "../../somewhere-else",
         "https://example.org:123/somewhere-else"),
        ("/path/to/somewhere", "/somewhere-else", "/somewhere-else"),
        ("/path/to/somewhere", "somewhere-else", "/path/to/somewhere-else"),
        ("/path/to/somewhere", "../somewhere-else", "/path/somewhere-else"),
        ("/path/to/somewhere", "../../somewhere-else", "/somewhere-else"),
        ("https://example.com/?[]", "/", "https://example.com/"),
        ("https://example.com", "a", "https://example.com/a"),  # RFC 3986 §5.2.3
        ("https://example.com/a#frag", "", "https://example.com/a"),
        ("https://example.com/a", "b c?d e", "https://example.com/b%20c?d%20e"),
        ("https://example.com/", "https://other.example/x", "https://other.example/x"),
        # The port is normalised against the target's scheme.
        ("https://example.com/", "//other:443/x", "https://other/x"),
        ("https://user:pw@example.com/a", "b", "https://user:pw@example.com/b"),
    ],
)
def test_join(base: str, reference: str, expected: str) -> None:
    assert URL(base).join(reference) == expected
    assert URL(base).join(URL(reference)) == expected


# --------------------------------------------------------------------------------------
# Equality, hashing, str and repr


def test_equality_and_hashing() -> None:
    url = URL("https://example.org:123/path/to/somewhere?abc=123#anchor")
    assert url == "https://example.org:123/path/to/somewhere?abc=123#anchor"
    assert str(url) == url
    assert url == URL("HTTPS://EXAMPLE.org:123/path/to/somewhere?abc=123#anchor")
    assert url != URL("https://example.org:123/path/to/somewhere")
    assert url != 123
    assert hash(url) == hash(URL(str(url)))
    assert len({url, URL(str(url)), URL("http://example.org/")}) == 2


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://example.com/", "URL('https://example.com/')"),
        ("https://user:pass@example.com", "URL('https://user:[secure]@example.com')"),
        ("https://user@example.com/", "URL('https://user@example.com/')"),
        ("https://user:@example.com/", "URL('https://user:[secure]@example.com/')"),
        ("https://:pw@[::1]:81/p?q#f", "URL('https://:[secure]@[::1]:81/p?q#f')"),
        ("/relative?x=1", "URL('/relative?x=1')"),
    ],
)
def test_repr_masks_the_password(url: str, expected: str) -> None:
    assert repr(URL(url)) == expected


@pytest.mark.parametrize(
    ("url", "is_absolute"),
    [
        ("http://example.com/path", True),
        ("https://[::1]", True),
        ("/path", False),
        ("//example.com/path", False),
        ("http://", False),
        ("mailto:someone@example.com", False),
    ],
)
def test_absolute_and_relative(url: str, is_absolute: bool) -> None:
    assert URL(url).is_absolute_url is is_absolute
    assert URL(url).is_relative_url is not is_absolute


# --------------------------------------------------------------------------------------
# QueryParams


@pytest.mark.parametrize(
    ("args", "kwargs", "multi_items"),
    [
        (("a=123&a=456&b=789",), {}, [("a", "123"), ("a", "456"), ("b", "789")]),
        ((b"a=1&b=x+y%2F",), {}, [("a", "1"), ("b", "x y/")]),
        (("a&b=",), {}, [("a", ""), ("b", "")]),
        (("",), {}, []),
        ((None,), {}, []),
        ((), {}, []),
        ((), {"a": "1", "b": 2}, [("a", "1"), ("b", "2")]),
        (({"a": "123", "b": ["456", "789"]},), {}, [("a", "123"), ("b", "456"), ("b", "789")]),
        (({"a": ("1", 2)},), {}, [("a", "1"), ("a", "2")]),
        (({"t": True, "f": False, "n": None, "i": 123, "x": 1.23},), {},
         [("t", "true"), ("f", "false"), ("n", ""), ("i", "123"), ("x", "1.23")]),
        (([("a", "1"), ("b", 2), ("a", None)],), {}, [("a", "1"), ("a", ""), ("b", "2")]),
        (((("a", "1"), ("b", "2")),), {}, [("a", "1"), ("b", "2")]),
        ((QueryParams("a=1&a=2"),), {}, [("a", "1"), ("a", "2")]),
        (({1: 2},), {}, [("1", "2")]),
    ],
)
def test_queryparams_construction(
    args: tuple[Any, ...], kwargs: dict[str, Any], multi_items: list[tuple[str, str]]
) -> None:
    assert QueryParams(*args, **kwargs).multi_items() == multi_items


def test_queryparams_mapping_interface() -> None:
    q = QueryParams("a=123&a=456&b=789")
    assert "a" in q
    assert "A" not in q
    assert "c" not in q
    assert q["a"] == "123"
    assert q.get("a") == "123"
    assert q.get("nope") is None
    assert q.get("nope", default="x") == "x"
    assert q.get_list("a") == ["123", "456"]
    assert q.get_list("nope") == []
    assert list(q.keys()) == ["a", "b"]
    assert list(q.values()) == ["123", "789"]
    assert list(q.items()) == [("a", "123"), ("b", "789")]
    assert len(q) == 2
    assert list(q) == ["a", "b"]
    assert dict(q) == {"a": "123", "b": "789"}
    assert bool(q) is True
    assert bool(QueryParams()) is False
    with pytest.raises(KeyError):
        q["c"]


def test_queryparams_get_list_is_a_copy() -> None:
    q = QueryParams("a=1")
    q.get_list("a").append("2")
    assert q.get_list("a") == ["1"]


@pytest.mark.parametrize(
    ("method", "args", "expected"),
    [
        ("set", ("a", "456"), "a=456&b=789"),
        ("set", ("c", 1), "a=123&a=456&b=789&c=1"),
        ("set", ("c",), "a=123&a=456&b=789&c="),
        ("add", ("a", "000"), "a=123&a=456&a=000&b=789"),
        ("add", ("c", False), "a=123&a=456&b=789&c=false"),
        ("remove", ("a",), "b=789"),
        ("remove", ("nope",), "a=123&a=456&b=789"),
        ("merge", ({"b": "0", "c": "1"},), "a=123&a=456&b=0&c=1"),
        ("merge", ("a=9",), "a=9&b=789"),
        ("merge", (None,), "a=123&a=456&b=789"),
    ],
)
def test_queryparams_copies(method: str, args: tuple[Any, ...], expected: str) -> None:
    q = QueryParams("a=123&a=456&b=789")
    assert str(getattr(q, method)(*args)) == expected
    assert str(q) == "a=123&a=456&b=789"  # the original is unchanged


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"a": "b c"}, "a=b+c"),
        ({"u": "%"}, "u=%25"),
        ({"u": "with%20spaces"}, "u=with%2520spaces"),
        ({"u": "http://example.com?q=foo%2Fa"}, "u=http%3A%2F%2Fexample.com%3Fq%3Dfoo%252Fa"),
        ({"a b": "c&d=e"}, "a+b=c%26d%3De"),
        ({"q": "é/~-._"}, "q=%C3%A9%2F~-._"),
        ({"plus": "1+1"}, "plus=1%2B1"),
        ({}, ""),
    ],
)
def test_queryparams_str_is_form_encoded(params: dict[str, str], expected: str) -> None:
    assert str(QueryParams(params)) == expected
    assert QueryParams(str(QueryParams(params))) == QueryParams(params)


def test_queryparams_repr() -> None:
    assert repr(QueryParams("a=123&a=456&b=789")) == "QueryParams('a=123&a=456&b=789')"
    assert repr(QueryParams({"a": "x y"})) == "QueryParams('a=x+y')"


def test_queryparams_equality_and_hashing() -> None:
    assert QueryParams({"a": "123", "b": "456"}) == QueryParams([("a", "123"), ("b", "456")])
    assert QueryParams({"a": "123", "b": "456"}) == QueryParams("a=123&b=456")
    assert QueryParams({"a": "123", "b": "456"}) == QueryParams({"b": "456", "a": "123"})
    assert QueryParams() == QueryParams({})
    assert QueryParams([("a", "123"), ("a", "456")]) == QueryParams("a=123&a=456")
    assert QueryParams("a=1&a=2") != QueryParams("a=1")
    assert QueryParams({"a": "123"}) != "a=123"
    q = QueryParams([("a", "123"), ("a", "456")])
    assert QueryParams(q) == q
    assert hash(QueryParams("a=1")) == hash(QueryParams({"a": 1}))


def test_queryparams_are_immutable() -> None:
    q = QueryParams({"a": "1"})
    with pytest.raises(RuntimeError) as exc:
        q.update({"b": "2"})
    assert "Use `q = q.merge(...)`" in str(exc.value)
    with pytest.raises(RuntimeError) as exc:
        q["a"] = "3"
    assert "Use `q = q.set(key, value)`" in str(exc.value)
    assert str(q) == "a=1"


@pytest.mark.parametrize(
    ("args", "kwargs"),
    [
        (("a=1", "b=2"), {}),
        (("a=1",), {"b": "2"}),
        ((123,), {}),
        ((object(),), {}),
    ],
)
def test_queryparams_type_errors(args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    with pytest.raises(TypeError):
        QueryParams(*args, **kwargs)


@pytest.mark.parametrize(
    ("value", "expected"),
    [(True, "true"), (False, "false"), (None, ""), (0, "0"), (1.5, "1.5"), ("x y", "x y")],
)
def test_primitive_value_to_str(value: Any, expected: str) -> None:
    assert primitive_value_to_str(value) == expected


# --------------------------------------------------------------------------------------
# The low-level quote() helper


@pytest.mark.parametrize(
    ("string", "safe", "expected"),
    [
        ("abc-._~", "", "abc-._~"),
        ("a b/c", "", "a%20b%2Fc"),
        ("a b/c", "/", "a%20b/c"),
        ("100%", "", "100%25"),
        ("100%", "%", "100%"),
        ("ü€😇", "", "%C3%BC%E2%82%AC%F0%9F%98%87"),
        ("\n", "", "%0A"),
    ],
)
def test_quote(string: str, safe: str, expected: str) -> None:
    assert quote(string, safe=safe) == expected


def test_lone_surrogate_is_an_invalid_url() -> None:
    with pytest.raises(InvalidURL):
        URL("https://example.com/\ud800")

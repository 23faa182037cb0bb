"""Cookies: the mapping API and the RFC 6265 rules applied through http.cookiejar."""

from __future__ import annotations

import time
from email.utils import formatdate
from http.cookiejar import CookieJar

import pytest

from wire.client_core import _cookies
from wire.client_core._cookies import MAX_COOKIES, MAX_COOKIES_PER_DOMAIN, is_public_suffix
from wire.client_core._exceptions import CookieConflict
from wire.client_core._models import Cookies, Request, Response


def _received(url: str, *set_cookies: str, jar: Cookies | None = None) -> Cookies:
    """Feed `set_cookies` as Set-Cookie lines of a response to GET `url` into a jar."""
    cookies = Cookies() if jar is None else jar
    response = Response(
        200,
        headers=[("Set-Cookie", value) for value in set_cookies],
        request=Request("GET", url),
    )
    cookies.extract_cookies(response)
    return cookies


def _cookie_header(cookies: Cookies, url: str) -> str | None:
    request = Request("GET", url)
    cookies.set_cookie_header(request)
    header: str | None = request.headers.get("Cookie")
    return header


# --- mapping API -------------------------------------------------------------------------


def test_mapping_interface() -> None:
    cookies = Cookies()
    assert not cookies
    assert len(cookies) == 0

    cookies["a"] = "1"
    cookies.set("b", "2", domain="example.org", path="/p")

    assert cookies
    assert len(cookies) == 2
    assert cookies["a"] == "1"
    assert cookies.get("b") == "2"
    assert cookies.get("missing", "default") == "default"
    assert sorted(cookies) == ["a", "b"]
    assert dict(cookies) == {"a": "1", "b": "2"}
    with pytest.raises(KeyError):
        cookies["missing"]
    del cookies["a"]
    assert list(cookies) == ["b"]


def test_repr() -> None:
    cookies = Cookies()
    cookies.set("a", "1", domain="example.org")

    assert repr(cookies) == "<Cookies[<Cookie a=1 for example.org />]>"
    assert repr(Cookies()) == "<Cookies[]>"


@pytest.mark.parametrize(
    "source",
    [{"a": "1", "b": "2"}, [("a", "1"), ("b", "2")], Cookies({"a": "1", "b": "2"})],
)
def test_constructor_inputs(source: dict[str, str] | list[tuple[str, str]] | Cookies) -> None:
    assert dict(Cookies(source)) == {"a": "1", "b": "2"}


def test_copy_is_independent_but_a_jar_is_shared() -> None:
    original = Cookies({"a": "1"})
    copy = Cookies(original)
    copy["b"] = "2"
    assert "b" not in original

    jar = CookieJar()
    shared = Cookies(jar)
    shared["c"] = "3"
    assert shared.jar is jar
    assert [cookie.name for cookie in jar] == ["c"]


def test_same_name_on_two_domains_conflicts_until_narrowed() -> None:
    cookies = Cookies()
    cookies.set("id", "1", domain="a.example")
    cookies.set("id", "2", domain="b.example")

    with pytest.raises(CookieConflict, match="Multiple cookies exist with name=id"):
        cookies.get("id")
    with pytest.raises(CookieConflict):
        cookies["id"]
    assert cookies.get("id", domain="a.example") == "1"
    assert cookies.get("id", domain="b.example", path="/") == "2"
    assert cookies.get("id", domain="c.example") is None


def test_delete_narrowed_by_domain_and_path() -> None:
    cookies = Cookies()
    cookies.set("id", "1", domain="a.example")
    cookies.set("id", "2", domain="b.example", path="/x")

    cookies.delete("id", domain="a.example")
    assert cookies.get("id") == "2"
    cookies.delete("id", domain="b.example", path="/x")
    assert not cookies


def test_clear_all_or_by_domain() -> None:
    cookies = Cookies()
    cookies.set("a", "1", domain="a.example")
    cookies.set("b", "2", domain="b.example", path="/p")
    cookies.set("c", "3", domain="b.example", path="/q")

    cookies.clear(domain="b.example", path="/p")
    assert sorted(cookies) == ["a", "c"]
    cookies.clear(domain="a.example")
    assert list(cookies) == ["c"]
    with pytest.raises(ValueError, match="path requires a domain"):
        cookies.clear(path="/q")
    cookies.clear()
    assert not cookies


def test_update_adds_and_replaces() -> None:
    cookies = Cookies({"a": "1", "b": "2"})

    cookies.update({"b": "new", "c": "3"})

    assert dict(cookies) == {"a": "1", "b": "new", "c": "3"}


# --- RFC 6265 rules through extract_cookies / set_cookie_header ----------------------------


@pytest.mark.parametrize(
    ("origin", "set_cookie", "target", "header"),
    [
        # Host-only cookie: the exact host only (RFC 6265 §5.3 step 6).
        ("https://example.org/", "a=1", "https://example.org/x", "a=1"),
        ("https://example.org/", "a=1", "https://other.org/", None),
        # Domain attribute: subdomains too (§5.2.3), but never a foreign domain.
        ("https://example.org/", "a=1; Domain=example.org", "https://www.example.org/", "a=1"),
        ("https://example.org/", "a=1; Domain=other.org", "https://other.org/", None),
        # Path attribute (§5.1.4).
        ("https://example.org/", "a=1; Path=/api", "https://example.org/api/items", "a=1"),
        ("https://example.org/", "a=1; Path=/api", "https://example.org/other", None),
        # Secure: https only (§5.4 step 1).
        ("https://example.org/", "a=1; Secure", "https://example.org/", "a=1"),
        ("https://example.org/", "a=1; Secure", "http://example.org/", None),
        # Expiry (§5.2.1, §5.2.2).
        ("https://example.org/", "a=1; Max-Age=3600", "https://example.org/", "a=1"),
        ("https://example.org/", "a=1; Max-Age=0", "https://example.org/", None),
        (
            "https://example.org/",
            "a=1; Expires=Thu, 01 Jan 1970 00:00:00 GMT",
            "https://example.org/",
            None,
        ),
        # Credentials in the URL do not hide the host from the domain rules.
        ("https://user:pw@example.org/", "a=1", "https://example.org/", "a=1"),
    ],
)
def test_cookie_rules(origin: str, set_cookie: str, target: str, header: str | None) -> None:
    cookies = _received(origin, set_cookie)

    assert _cookie_header(cookies, target) == header


def test_future_expires_is_kept_with_its_expiry() -> None:
    expires = formatdate(time.time() + 3600, usegmt=True)
    cookies = _received("https://example.org/", f"a=1; Expires={expires}")

    (cookie,) = list(cookies.jar)
    assert cookie.expires is not None and cookie.expires > time.time()
    assert _cookie_header(cookies, "https://example.org/") == "a=1"


def test_max_age_zero_deletes_a_stored_cookie() -> None:
    cookies = _received("https://example.org/", "a=1")

    _received("https://example.org/", "a=gone; Max-Age=0", jar=cookies)

    assert not cookies


def test_every_set_cookie_line_is_stored() -> None:
    cookies = _received("https://example.org/", "a=1", "b=2; Path=/", "c=3; HttpOnly")

    assert dict(cookies) == {"a": "1", "b": "2", "c": "3"}
    assert _cookie_header(cookies, "https://example.org/") == "a=1; b=2; c=3"


def test_more_specific_path_is_sent_first() -> None:
    cookies = _received("https://example.org/", "short=1; Path=/", "long=2; Path=/api")

    assert _cookie_header(cookies, "https://example.org/api/x") == "long=2; short=1"


def test_existing_cookie_header_is_not_overwritten() -> None:
    cookies = Cookies({"a": "1"})
    request = Request("GET", "https://example.org/", headers={"Cookie": "mine=1"})

    cookies.set_cookie_header(request)

    assert request.headers.get_list("Cookie") == ["mine=1"]


def test_extract_cookies_needs_a_request() -> None:
    with pytest.raises(RuntimeError, match="request instance has not been set"):
        Cookies().extract_cookies(Response(200, headers={"Set-Cookie": "a=1"}))


# --- hostile servers: the stricter policy and the caps ------------------------------------

PSL_MODES = ["builtin", "publicsuffixlist"]


@pytest.fixture(params=PSL_MODES)
def psl_mode(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Run with the built-in suffix list, then with the full list when it is installed."""
    if request.param == "builtin":
        monkeypatch.setattr(_cookies, "_full_public_suffix_check", lambda: None)
    else:
        pytest.importorskip("publicsuffixlist")
    mode: str = request.param
    return mode


@pytest.mark.parametrize(
    ("url", "set_cookie"),
    [
        ("http://shop.example.co.uk/", "a=1; Domain=co.uk"),
        ("http://shop.example.com.au/", "a=1; Domain=com.au"),
        ("http://evil.github.io/", "a=1; Domain=github.io"),
        ("http://evil.herokuapp.com/", "a=1; Domain=.herokuapp.com"),
        ("http://shop.example.com/", "a=1; Domain=com"),
        ("http://127.0.0.1/", "a=1; Domain=0.0.1"),
        ("http://10.1.2.3/", "a=1; Domain=2.3"),
        ("http://[::1]/", "a=1; Domain=1"),
        ("http://example.com/", "a=b\x01c"),
        ("http://example.com/", "a=b\x1b[2Jc"),
        ("http://example.com/", "a\x00=b"),
        ("http://example.com/", "a=b\x7f"),
    ],
)
def test_hostile_cookies_are_refused(psl_mode: str, url: str, set_cookie: str) -> None:
    assert list(_received(url, set_cookie).jar) == []


@pytest.mark.parametrize(
    ("url", "set_cookie", "domain", "value"),
    [
        ("http://shop.example.co.uk/", "a=1; Domain=example.co.uk", ".example.co.uk", "1"),
        ("http://me.github.io/", "a=1; Domain=me.github.io", ".me.github.io", "1"),
        ("http://127.0.0.1/", "a=1; Domain=127.0.0.1", ".127.0.0.1", "1"),
        ("http://127.0.0.1/", "a=1", "127.0.0.1", "1"),
        ("http://example.com/", "a=b\tc d", "example.com", "b\tc d"),  # HTAB and SP pass
    ],
)
def test_ordinary_cookies_are_still_stored(
    psl_mode: str, url: str, set_cookie: str, domain: str, value: str
) -> None:
    stored = [(cookie.domain, cookie.value) for cookie in _received(url, set_cookie).jar]
    assert stored == [(domain, value)]


@pytest.mark.parametrize(
    ("domain", "expected"),
    [
        ("com", True),
        ("co.uk", True),
        ("github.io", True),
        ("co.za", True),
        ("com.zz", True),  # the co.XX rule of thumb
        ("example.co.uk", False),
        ("example.com", False),
        ("me.github.io", False),
        ("shop.example.com", False),
    ],
)
def test_builtin_public_suffix_approximation(
    monkeypatch: pytest.MonkeyPatch, domain: str, expected: bool
) -> None:
    monkeypatch.setattr(_cookies, "_full_public_suffix_check", lambda: None)
    assert is_public_suffix(domain) is expected


def test_a_callers_own_jar_keeps_its_own_policy() -> None:
    # The caller chose the jar (and its policy): wire does not override it.
    cookies = Cookies(CookieJar())
    assert len(_received("http://evil.github.io/", "a=1; Domain=github.io", jar=cookies)) == 1


def test_cookies_per_domain_are_capped_keeping_the_newest() -> None:
    lines = [f"c{index}=v; Path=/" for index in range(MAX_COOKIES_PER_DOMAIN + 20)]
    cookies = _received("http://example.com/", *lines)
    assert len(cookies) == MAX_COOKIES_PER_DOMAIN
    assert "c19" not in cookies and "c20" in cookies
    # A later response's cookie is newer than all of those: the oldest goes instead.
    _received("http://example.com/", "late=1", jar=cookies)
    assert len(cookies) == MAX_COOKIES_PER_DOMAIN
    assert "late" in cookies and "c20" not in cookies


def test_cookie_caps_drop_the_least_recently_set_across_domains() -> None:
    cookies = Cookies()
    for host in ("a.test", "b.test", "c.test"):
        _received(f"http://{host}/", "one=1", "two=2", jar=cookies)
    _received("http://a.test/", "one=again", jar=cookies)  # set again: now the newest
    _cookies._evict_over_limits(cookies.jar, per_domain=2, total=4)
    assert sorted((cookie.domain, cookie.name) for cookie in cookies.jar) == [
        ("a.test", "one"),
        ("b.test", "two"),
        ("c.test", "one"),
        ("c.test", "two"),
    ]


def test_total_cap_applies_to_a_flood_over_many_domains() -> None:
    cookies = Cookies()
    per_host = MAX_COOKIES // 20  # under the per-domain cap: only the total one applies
    for index in range(21):
        names = [f"c{n}=v" for n in range(per_host)]
        _received(f"http://host{index}.test/", *names, jar=cookies)
    assert len(cookies) == MAX_COOKIES
    assert not any(cookie.domain == "host0.test" for cookie in cookies.jar)

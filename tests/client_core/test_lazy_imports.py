"""Start-up cost: what a plain request does NOT load, and that the deferred parts still work.

A plain http:// GET with a fresh `Client` must not import `http.cookiejar` (nor `email`,
`urllib.request`, which it pulls in), certifi or socksio, and must build no `ssl.SSLContext`.
Each check runs in a fresh interpreter (a subprocess) and reads `sys.modules` after the run.
The deferred pieces (the cookie jar, the default TLS context, SOCKS proxies, the proxy
environment) keep every behaviour: the tests below exercise them.
"""

from __future__ import annotations

import json
import ssl
import subprocess
import sys
import textwrap
from http.cookiejar import CookieJar
from pathlib import Path

import pytest

import wire
from tests.servers import LocalServer, TLSLocalServer
from wire.client_core import _config, _cookies, _utils

#: Modules a plain http:// request must not import (each costs milliseconds at start-up).
NOT_LOADED = ("http.cookiejar", "email", "urllib.request", "certifi", "socksio", "netrc")

# Counts ssl.SSLContext objects created from here on; then runs the body given.
_PRELUDE = """\
import json, ssl, sys
created = []
_new = ssl.SSLContext.__new__
def _counting_new(cls, *args, **kwargs):
    created.append(cls.__name__)
    return _new(cls, *args, **kwargs)
ssl.SSLContext.__new__ = _counting_new
"""
_REPORT = """
report = {{"loaded": [m for m in {modules!r} if m in sys.modules], "contexts": len(created)}}
print(json.dumps(report))
"""


def run_isolated(body: str, env: dict[str, str] | None = None) -> dict[str, object]:
    """Run `body` after the prelude in a fresh interpreter; return its report (a dict)."""
    code = _PRELUDE + textwrap.dedent(body) + _REPORT.format(modules=NOT_LOADED)
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, env=env
    )
    assert done.returncode == 0, done.stderr
    report: dict[str, object] = json.loads(done.stdout.splitlines()[-1])
    return report


def test_plain_http_get_loads_no_cookiejar_certifi_or_ssl_context(server: LocalServer) -> None:
    report = run_isolated(f"""
        import wire
        with wire.Client() as client:
            response = client.get({server.url + "/json"!r})
        assert response.status_code == 200, response
        wire.get({server.url + "/json"!r}).raise_for_status()
    """)
    assert report == {"loaded": [], "contexts": 0}


def test_plain_async_http_get_loads_no_cookiejar_or_ssl_context(server: LocalServer) -> None:
    report = run_isolated(f"""
        import asyncio, wire
        async def main():
            async with wire.AsyncClient() as client:
                return await client.get({server.url + "/json"!r})
        assert asyncio.run(main()).status_code == 200
    """)
    assert report == {"loaded": [], "contexts": 0}


def test_cookies_load_the_jar_only_when_one_is_set(server: LocalServer) -> None:
    report = run_isolated(f"""
        import wire
        with wire.Client() as client:
            client.get({server.url + "/cookies/set?a=1"!r})
            seen = client.get({server.url + "/cookies"!r}).json()
        assert seen == {{"cookies": {{"a": "1"}}}}, seen
    """)
    assert report["loaded"] == ["http.cookiejar", "email", "urllib.request"]
    assert report["contexts"] == 0


def test_https_builds_the_context_on_first_use(https_server: TLSLocalServer) -> None:
    report = run_isolated(f"""
        import certifi, wire
        certifi.where = lambda: {https_server.ca_cert_path!r}
        client = wire.Client()
        assert len(created) == 0  # a Client alone builds no context
        assert client.get({https_server.url + "/"!r}).status_code == 200
        client.close()
    """)
    assert report["contexts"] == 1  # only the ALPN sibling, not the shared base context


# --- Cookies: the jar is created on first need, every behaviour kept -------------------------


def test_an_unused_cookies_has_no_jar_yet_but_answers_as_empty() -> None:
    cookies = wire.Cookies()
    seen = (len(cookies), list(cookies), bool(cookies), repr(cookies))
    assert seen == (0, [], False, "<Cookies[]>")
    assert cookies.get("a") is None and "a" not in cookies
    cookies.clear()  # clearing an empty store needs no jar either
    assert cookies._jar is None  # type: ignore[attr-defined]


def test_cookies_jar_is_a_real_cookiejar_created_on_access() -> None:
    cookies = wire.Cookies()
    jar = cookies.jar
    assert isinstance(jar, CookieJar)
    assert cookies.jar is jar
    cookies["a"] = "1"
    assert [cookie.name for cookie in jar] == ["a"]


def test_a_given_jar_is_used_as_is_and_a_copy_gets_its_own() -> None:
    jar = CookieJar()
    cookies = wire.Cookies(jar)
    cookies.set("a", "1", domain="example.org")
    assert cookies.jar is jar and len(jar) == 1
    copy = wire.Cookies(cookies)
    assert copy.jar is not jar and copy.get("a") == "1"


def test_clearing_a_missing_domain_still_raises_key_error() -> None:
    with pytest.raises(KeyError):
        wire.Cookies().clear("example.org")


def test_safe_cookie_policy_is_still_importable_from_the_cookies_module() -> None:
    from wire.client_core._cookiejar import SafeCookiePolicy

    assert _cookies.SafeCookiePolicy is SafeCookiePolicy
    with pytest.raises(AttributeError):
        _cookies.NoSuchName  # type: ignore[attr-defined]  # noqa: B018


def test_the_jar_is_created_once_under_concurrent_first_use() -> None:
    import threading

    cookies = wire.Cookies()
    jars: list[CookieJar] = []
    threads = [threading.Thread(target=lambda: jars.append(cookies.jar)) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert len({id(jar) for jar in jars}) == 1


# --- the default TLS context is deferred ----------------------------------------------------------


def test_the_default_transport_context_is_deferred_and_shared() -> None:
    first, second = wire.Client(), wire.Client()
    context = first._transport._pool._ssl_context  # type: ignore[attr-defined]
    assert isinstance(context, _config.DeferredSSLContext)
    assert context is second._transport._pool._ssl_context  # type: ignore[attr-defined]
    # Read as a context, it is the shared default one (built then).
    assert context.resolve() is wire.create_ssl_context()
    assert context.verify_mode == ssl.CERT_REQUIRED and context.check_hostname
    first.close()
    second.close()


@pytest.mark.parametrize("verify", [False, "ca"])
def test_other_verify_values_are_built_at_construction(
    https_server: TLSLocalServer, verify: bool | str
) -> None:
    value = https_server.ca_cert_path if verify == "ca" else verify
    transport = wire.HTTPTransport(verify=value)
    assert isinstance(transport._pool._ssl_context, ssl.SSLContext)  # type: ignore[attr-defined]
    transport.close()


def test_ssl_cert_file_and_dir_together_are_deferred_and_trusted(
    https_server: TLSLocalServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SSL_CERT_FILE", https_server.ca_cert_path)
    monkeypatch.setenv("SSL_CERT_DIR", str(tmp_path))
    with wire.Client() as client:
        context = client._transport._pool._ssl_context  # type: ignore[attr-defined]
        assert isinstance(context, _config.DeferredSSLContext)
        assert context.key[0] == "file+dir"
        assert client.get(https_server.join("/")).status_code == 200
    # One context per CA source, shared, as for a single file or directory.
    assert wire.create_ssl_context() is wire.create_ssl_context()


def test_a_missing_verify_path_still_fails_at_construction(tmp_path: Path) -> None:
    with pytest.raises(OSError, match="invalid path"):
        wire.Client(verify=str(tmp_path / "missing.pem"))


# --- SOCKS proxies and proxy variables ----------------------------------------------------------


def test_socks_proxy_pool_is_the_real_class_when_socksio_was_hidden() -> None:
    code = textwrap.dedent("""
        import sys, wire
        wire.Client().close()  # imports httpcore with socksio hidden
        assert "socksio" not in sys.modules
        for client in (wire.Client(proxy="socks5://127.0.0.1:1"),
                       wire.AsyncClient(proxy="socks5://127.0.0.1:1")):
            pool = client._transport_for_url(wire.URL("http://example.org"))._pool
            print(type(pool).__module__)
    """)
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["httpcore._sync.socks_proxy", "httpcore._async.socks_proxy"]


def test_no_proxy_variables_means_no_urllib_lookup(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "platform", "linux")
    assert _utils._may_name_proxies() is False
    monkeypatch.setenv("https_proxy", "")  # empty values are ignored by urllib as well
    assert _utils._may_name_proxies() is False
    monkeypatch.delenv("https_proxy")
    monkeypatch.setenv("HTTPS_PROXY", "http://p:3128")
    assert _utils._may_name_proxies() is True
    assert _utils.get_environment_proxies() == {"https://": "http://p:3128"}


def test_macos_and_windows_always_ask_urllib(monkeypatch: pytest.MonkeyPatch) -> None:
    for platform in ("darwin", "win32"):
        monkeypatch.setattr(sys, "platform", platform)
        assert _utils._may_name_proxies() is True

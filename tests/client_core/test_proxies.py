"""Proxies against real proxy servers: proxy.py (HTTP, CONNECT, TLS to the proxy) and pproxy
(SOCKS5), each started by a fixture on 127.0.0.1; and the NO_PROXY / mount rules alone."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
import ssl
import subprocess
import sys
import time
import typing
from collections.abc import Iterator
from pathlib import Path

import pytest
import trio

import wire
from tests.servers import LocalServer, TLSLocalServer, stop_process
from tests.servers.threaded import make_certificates
from wire.client_core._utils import URLPattern, get_environment_proxies

#: Seconds a proxy server gets to start listening.
START_TIMEOUT = 20.0
USER, PASSWORD = "proxyuser", "s3cret-pw"


def _accepts(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def run_proxy_py(directory: Path, *extra: str) -> Iterator[int]:
    """proxy.py (HTTP forward proxy + CONNECT) in a subprocess; yields its port."""
    port_file = directory / "port"
    command = [
        sys.executable, "-m", "proxy", "--hostname", "127.0.0.1", "--port", "0",
        "--port-file", str(port_file), "--num-workers", "1", "--num-acceptors", "1",
        "--log-level", "WARNING", *extra,
    ]
    with (directory / "proxy.log").open("wb") as log:
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + START_TIMEOUT
        port = 0
        while time.monotonic() < deadline and process.poll() is None:
            text = port_file.read_text().strip() if port_file.exists() else ""
            if text and _accepts(int(text)):
                port = int(text)
                break
            time.sleep(0.05)
        if not port:
            raise RuntimeError("proxy.py did not start: " + (directory / "proxy.log").read_text())
        yield port
    finally:
        stop_process(process)


@pytest.fixture(scope="module")
def http_proxy(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """proxy.py requiring Basic credentials: "http://127.0.0.1:PORT" (no credentials in it)."""
    directory = tmp_path_factory.mktemp("proxy")
    with run_proxy_py(directory, "--basic-auth", f"{USER}:{PASSWORD}") as port:
        yield f"http://127.0.0.1:{port}"


@pytest.fixture(scope="module")
def tls_proxy(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """proxy.py serving TLS itself (an "https://" proxy): (URL, CA certificate path)."""
    directory = tmp_path_factory.mktemp("tls-proxy")
    files = make_certificates(directory)
    extra = ("--cert-file", str(files.cert_chain), "--key-file", str(files.key))
    with run_proxy_py(directory, *extra) as port:
        yield f"https://127.0.0.1:{port}", str(files.ca_cert)


@pytest.fixture(scope="module")
def socks_proxy(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """pproxy as a SOCKS5 server: "127.0.0.1:PORT" (prefix the scheme you want)."""
    port = _free_port()
    log_path = tmp_path_factory.mktemp("socks") / "pproxy.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "pproxy", "-l", f"socks5://127.0.0.1:{port}"],
            stdout=log, stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while not _accepts(port):
            if time.monotonic() > deadline or process.poll() is not None:
                raise RuntimeError("pproxy did not start: " + log_path.read_text())
            time.sleep(0.05)
        yield f"127.0.0.1:{port}"
    finally:
        stop_process(process)


def with_credentials(proxy_url: str) -> str:
    return proxy_url.replace("://", f"://{USER}:{PASSWORD}@")


def echoed_headers(response: wire.Response) -> dict[str, str]:
    """The request headers the origin saw, lower-cased names (from the /echo route)."""
    return {name.lower(): value for name, value in response.json()["headers"]}


# --- HTTP proxy --------------------------------------------------------------------------------


def test_http_proxy_forwards_with_credentials(server: LocalServer, http_proxy: str) -> None:
    with wire.Client(proxy=with_credentials(http_proxy)) as client:
        response = client.get(server.join("/echo"))
    assert response.status_code == 200
    assert response.json()["path"] == "/echo"
    # The proxy consumed its credentials: the origin never sees them.
    assert "proxy-authorization" not in echoed_headers(response)


def test_http_proxy_without_credentials_is_refused(server: LocalServer, http_proxy: str) -> None:
    with wire.Client(proxy=http_proxy) as client:
        assert client.get(server.join("/")).status_code == 407


def test_proxy_object_with_auth_and_headers(server: LocalServer, http_proxy: str) -> None:
    proxy = wire.Proxy(http_proxy, auth=(USER, PASSWORD), headers={"X-Via-Test": "1"})
    with wire.Client(proxy=proxy) as client:
        assert client.get(server.join("/")).text == "Hello, world!"


def test_connect_tunnel_to_https_never_leaks_proxy_authorization(
    https_server: TLSLocalServer, http_proxy: str
) -> None:
    """CVE-2023-32681 class: the proxy credentials stay on the CONNECT request."""
    with wire.Client(proxy=with_credentials(http_proxy), verify=https_server.ca_cert_path) as c:
        response = c.get(https_server.join("/echo"))
    assert response.status_code == 200
    assert "proxy-authorization" not in echoed_headers(response)


def test_connect_tunnel_with_http2(https_server: TLSLocalServer, http_proxy: str) -> None:
    with wire.Client(
        proxy=with_credentials(http_proxy), verify=https_server.ca_cert_path, http2=True
    ) as client:
        response = client.get(https_server.join("/"))
    assert (response.status_code, response.http_version) == (200, "HTTP/2")


def test_tls_to_the_proxy(server: LocalServer, tls_proxy: tuple[str, str]) -> None:
    url, ca_cert = tls_proxy
    context = ssl.create_default_context(cafile=ca_cert)
    with wire.Client(proxy=wire.Proxy(url, ssl_context=context)) as client:
        assert client.get(server.join("/")).text == "Hello, world!"


def test_credentials_never_in_a_repr_or_a_log(
    server: LocalServer, http_proxy: str, caplog: pytest.LogCaptureFixture
) -> None:
    proxy = wire.Proxy(with_credentials(http_proxy))
    assert PASSWORD not in repr(proxy) and PASSWORD not in str(proxy.url)
    with caplog.at_level(logging.DEBUG):
        with wire.Client(proxy=proxy) as client:
            assert client.get(server.join("/")).status_code == 200
            assert PASSWORD not in repr(client._mounts)  # type: ignore[attr-defined]
    assert caplog.records, "debug logging should have recorded the request"
    assert all(PASSWORD not in record.getMessage() for record in caplog.records)


def test_mounts_route_one_origin_through_the_proxy(server: LocalServer, http_proxy: str) -> None:
    other = server.url.replace("127.0.0.1", "localhost")
    mounts = {f"all://{server.host}:{server.port}": wire.HTTPTransport(proxy=http_proxy)}
    with wire.Client(mounts=mounts) as client:
        assert client.get(server.join("/")).status_code == 407  # via the proxy (no credentials)
        assert client.get(other + "/").status_code == 200  # direct


# --- the environment -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("no_proxy", "via_proxy"),
    [
        ("", True),
        ("127.0.0.1", False),
        ("127.0.0.0/8", False),
        ("10.0.0.0/8, ::1", True),
        ("*", False),
        ("localhost", True),  # names are not resolved: 127.0.0.1 is not "localhost"
        (".example.com,127.0.0.1", False),
    ],
)
def test_environment_proxy_and_no_proxy(
    server: LocalServer, http_proxy: str, monkeypatch: pytest.MonkeyPatch,
    no_proxy: str, via_proxy: bool,
) -> None:
    monkeypatch.setenv("HTTP_PROXY", http_proxy)  # no credentials: a proxied request gets 407
    monkeypatch.setenv("NO_PROXY", no_proxy)
    with wire.Client() as client:
        status = client.get(server.join("/")).status_code
    assert status == (407 if via_proxy else 200)


def test_trust_env_false_ignores_the_environment(
    server: LocalServer, http_proxy: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ALL_PROXY", http_proxy)
    with wire.Client(trust_env=False) as client:
        assert client.get(server.join("/")).status_code == 200


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"HTTP_PROXY": "proxy:3128"}, {"http://": "http://proxy:3128"}),
        ({"HTTPS_PROXY": "https://p:1"}, {"https://": "https://p:1"}),
        ({"ALL_PROXY": "socks5://p:1080"}, {"all://": "socks5://p:1080"}),
        ({"HTTP_PROXY": "http://p", "NO_PROXY": "*"}, {}),
        ({"NO_PROXY": "example.com"}, {"all://*example.com": None}),
        ({"NO_PROXY": ".example.com"}, {"all://*example.com": None}),
        ({"NO_PROXY": "10.0.0.0/8,::1"}, {"all://10.0.0.0/8": None, "all://::1": None}),
        ({"NO_PROXY": "localhost"}, {"all://localhost": None}),
    ],
)
def test_get_environment_proxies(
    monkeypatch: pytest.MonkeyPatch, env: dict[str, str], expected: dict[str, str | None]
) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert get_environment_proxies() == expected


@pytest.mark.parametrize(
    ("pattern", "url", "matches"),
    [
        ("all://10.0.0.0/8", "http://10.1.2.3/", True),
        ("all://10.0.0.0/8", "http://11.1.2.3/", False),
        ("all://10.0.0.0/8", "http://ten.example/", False),
        ("all://192.168.1.7", "https://192.168.1.7:8443/", True),
        ("all://::1", "http://[::1]:8080/", True),
        ("all://[::1]", "http://[::1]/", True),
        ("all://fd00::/8", "http://[fd12::1]/", True),
        ("http://10.0.0.0/8", "https://10.1.1.1/", False),
        ("all://*example.com", "http://www.example.com/", True),
        ("all://*example.com", "http://example.com/", True),
        ("all://*example.com", "http://badexample.com/", False),
        ("all://*.example.com", "http://example.com/", False),
        ("all://example.com:8080", "http://example.com:8080/", True),
        ("all://example.com:8080", "http://example.com/", False),
    ],
)
def test_url_pattern_matching(pattern: str, url: str, matches: bool) -> None:
    assert URLPattern(pattern).matches(wire.URL(url)) is matches


# --- SOCKS5 ------------------------------------------------------------------------------------


@pytest.mark.parametrize("scheme", ["socks5", "socks5h"])
def test_socks5_proxy(server: LocalServer, socks_proxy: str, scheme: str) -> None:
    with wire.Client(proxy=f"{scheme}://{socks_proxy}") as client:
        assert client.get(server.join("/json")).status_code == 200


def test_socks5_proxy_to_https(https_server: TLSLocalServer, socks_proxy: str) -> None:
    with wire.Client(proxy=f"socks5://{socks_proxy}", verify=https_server.ca_cert_path) as c:
        assert c.get(https_server.join("/")).text == "Hello, world!"


def test_socks_proxy_from_all_proxy(
    server: LocalServer, socks_proxy: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ALL_PROXY", f"socks5://{socks_proxy}")
    with wire.Client() as client:
        assert client.get(server.join("/")).status_code == 200


# --- async -------------------------------------------------------------------------------------


@pytest.mark.parametrize("backend", ["asyncio", "trio"])
def test_async_proxies(
    server: LocalServer, http_proxy: str, socks_proxy: str, backend: str
) -> None:
    async def main() -> list[int]:
        statuses = []
        for proxy in (with_credentials(http_proxy), f"socks5://{socks_proxy}"):
            async with wire.AsyncClient(proxy=proxy) as client:
                statuses.append((await client.get(server.join("/"))).status_code)
        return statuses

    result: typing.Any = asyncio.run(main()) if backend == "asyncio" else trio.run(main)
    assert result == [200, 200]

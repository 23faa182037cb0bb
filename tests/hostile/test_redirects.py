"""Redirects a hostile server can send: loops, other schemes, and hops that must not carry
credentials (RFC 9110 §15.4; §11.6.2 and §12.5 for what may follow a request).

Credentials checked on every origin change (https→http, another port, another host):
Authorization (from --auth, URL userinfo or netrc), Proxy-Authorization and Cookie.
"""

from __future__ import annotations

import urllib.parse
from pathlib import Path

import pytest

import wire
from tests.servers import TLSLocalServer
from tests.servers.faults import FaultServer, response
from wire.cli._env import Environment

from ._support import assert_clean_failure, assert_clean_success, run_wire

pytestmark = pytest.mark.hostile

CREDENTIAL_HEADERS = ("authorization", "proxy-authorization", "cookie")


def _redirect(location: str, status: bytes = b"302 Found") -> bytes:
    return response(status, [(b"Location", location.encode())])


def test_redirect_loop_ends_with_too_many_redirects(fault_server: FaultServer) -> None:
    url = fault_server.canned("/r/loop", _redirect("/r/loop"))
    with pytest.raises(wire.TooManyRedirects):
        wire.get(url, follow_redirects=True, timeout=5)
    outcome = run_wire(["--timeout", "5", "--follow", url])
    assert_clean_failure(outcome, 6, mentions="redirect")


def test_two_step_loop_and_max_redirects(fault_server: FaultServer) -> None:
    fault_server.canned("/r/ping", _redirect("/r/pong"))
    url = fault_server.canned("/r/pong", _redirect("/r/ping"))
    outcome = run_wire(["--timeout", "5", "--follow", "--max-redirects", "3", url])
    assert_clean_failure(outcome, 6, mentions="redirect")
    assert len(fault_server.received("/r/ping")) + len(fault_server.received("/r/pong")) >= 4


@pytest.mark.parametrize(
    "location",
    [
        "file:///etc/passwd",
        "ftp://127.0.0.1/pub/file",
        "data:text/plain,owned",
        "javascript:alert(1)",
        "gopher://127.0.0.1:70/",
        "FILE:///etc/passwd",
        "file:/etc/passwd",
    ],
)
def test_redirects_to_other_schemes_are_refused(fault_server: FaultServer, location: str) -> None:
    path = "/r/scheme-" + urllib.parse.quote(location, safe="")
    url = fault_server.canned(path, _redirect(location))
    with pytest.raises(wire.UnsupportedProtocol):
        wire.get(url, follow_redirects=True, timeout=5)
    outcome = run_wire(["--timeout", "5", "--follow", url])
    assert_clean_failure(outcome, 1, mentions="redirect|scheme|unsupported")
    assert b"root:" not in outcome.out and b"owned" not in outcome.out


def _assert_no_credentials(server: FaultServer, path: str) -> None:
    received = server.received(path)
    assert received, f"the redirect to {path} was not followed"
    for name in CREDENTIAL_HEADERS:
        assert received[-1].header(name) is None, f"{name} leaked to {server.url}{path}"


def _hop(start_server: FaultServer, far: str, name: str) -> str:
    return start_server.canned(f"/r/{name}-start", _redirect(far))


@pytest.fixture
def cross_port(fault_server: FaultServer, other_fault_server: FaultServer) -> tuple[str, str]:
    landing = other_fault_server.canned("/r/land-port", response(body=b"landed"))
    return _hop(fault_server, landing, "port"), "/r/land-port"


@pytest.fixture
def cross_host(fault_server: FaultServer) -> tuple[str, str]:
    landing = f"http://localhost:{fault_server.port}/r/land-host"
    fault_server.canned("/r/land-host", response(body=b"landed"))
    return _hop(fault_server, landing, "host"), "/r/land-host"


def test_library_drops_credentials_across_ports(
    cross_port: tuple[str, str], other_fault_server: FaultServer
) -> None:
    start, landing = cross_port
    headers = {"Cookie": "session=secret", "Proxy-Authorization": "Basic cHJveHk6c2VjcmV0"}
    with wire.Client(auth=("user", "secret"), follow_redirects=True, timeout=5) as client:
        assert client.get(start, headers=headers).content == b"landed"
    _assert_no_credentials(other_fault_server, landing)


def test_library_drops_url_userinfo_across_ports(
    fault_server: FaultServer, other_fault_server: FaultServer
) -> None:
    landing = other_fault_server.canned("/r/land-userinfo", response(body=b"landed"))
    start = _hop(fault_server, landing, "userinfo").replace("http://", "http://user:secret@")
    assert wire.get(start, follow_redirects=True, timeout=5).content == b"landed"
    assert fault_server.received("/r/userinfo-start")[-1].header("authorization")
    _assert_no_credentials(other_fault_server, "/r/land-userinfo")


def test_library_drops_credentials_across_hosts(
    cross_host: tuple[str, str], fault_server: FaultServer
) -> None:
    start, landing = cross_host
    with wire.Client(auth=("user", "secret"), follow_redirects=True, timeout=5) as client:
        client.get(start, headers={"Cookie": "session=secret"})
    _assert_no_credentials(fault_server, landing)


@pytest.mark.parametrize("hop", ["cross_port", "cross_host"])
def test_command_drops_credentials(
    hop: str,
    request: pytest.FixtureRequest,
    fault_server: FaultServer,
    other_fault_server: FaultServer,
) -> None:
    start, landing = request.getfixturevalue(hop)
    server = other_fault_server if hop == "cross_port" else fault_server
    outcome = run_wire(
        [
            "--timeout",
            "5",
            "--follow",
            "--auth",
            "user:secret",
            start,
            "Cookie:session=secret",
            "Proxy-Authorization:Basic eDp5",
        ]
    )
    assert_clean_success(outcome)
    assert outcome.out == b"landed"
    _assert_no_credentials(server, landing)


def test_command_drops_url_userinfo_across_ports(
    fault_server: FaultServer, other_fault_server: FaultServer
) -> None:
    landing = other_fault_server.canned("/r/land-cli-userinfo", response(body=b"landed"))
    start = _hop(fault_server, landing, "cli-userinfo").replace("http://", "http://user:secret@")
    outcome = run_wire(["--timeout", "5", "--follow", start])
    assert_clean_success(outcome)
    assert fault_server.received("/r/cli-userinfo-start")[-1].header("authorization")
    _assert_no_credentials(other_fault_server, "/r/land-cli-userinfo")


def _netrc(tmp_path: Path, *hosts: str) -> Environment:
    """A piped Environment whose NETRC names a file with credentials for `hosts`."""
    path = tmp_path / "netrc"
    path.write_text(
        "".join(f"machine {host} login netuser password netsecret\n" for host in hosts)
    )
    path.chmod(0o600)
    return Environment.for_testing(
        stdout_isatty=False, stderr_isatty=False, environ={"NETRC": str(path)}
    )


def test_command_netrc_credentials_stay_on_their_origin(
    fault_server: FaultServer,
    other_fault_server: FaultServer,
    tmp_path: Path,
) -> None:
    # netrc names hosts, not ports: the entry for 127.0.0.1 was used for the first port and
    # must not follow a redirect to another port (curl CVE-2022-27774 class).
    landing = other_fault_server.canned("/r/land-netrc", response(body=b"landed"))
    start = _hop(fault_server, landing, "netrc")
    outcome = run_wire(["--timeout", "5", "--follow", start], _netrc(tmp_path, "127.0.0.1"))
    assert_clean_success(outcome)
    assert fault_server.received("/r/netrc-start")[-1].header("authorization")  # netrc is read
    _assert_no_credentials(other_fault_server, "/r/land-netrc")


def test_https_to_http_downgrade_drops_everything(
    https_server: TLSLocalServer,
    fault_server: FaultServer,
    tmp_path: Path,
) -> None:
    landing = fault_server.canned("/r/land-downgrade", response(body=b"landed"))
    start = https_server.join("/redirect_to?" + urllib.parse.urlencode({"url": landing}))
    outcome = run_wire(
        [
            "--timeout",
            "5",
            "--follow",
            "--verify",
            https_server.ca_cert_path,
            "--auth",
            "user:secret",
            start,
            "Cookie:session=secret",
        ],
        _netrc(tmp_path, "127.0.0.1"),
    )
    assert_clean_success(outcome)
    _assert_no_credentials(fault_server, "/r/land-downgrade")
    # netrc alone, no --auth: never sent over plain http after an https start.
    outcome = run_wire(
        ["--timeout", "5", "--follow", "--verify", https_server.ca_cert_path, start],
        _netrc(tmp_path, "127.0.0.1"),
    )
    assert_clean_success(outcome)
    _assert_no_credentials(fault_server, "/r/land-downgrade")


def test_library_https_to_http_downgrade_drops_credentials(
    https_server: TLSLocalServer, fault_server: FaultServer
) -> None:
    landing = fault_server.canned("/r/land-downgrade-lib", response(body=b"landed"))
    start = https_server.join("/redirect_to?" + urllib.parse.urlencode({"url": landing}))
    with wire.Client(
        verify=https_server.ssl_context(), auth=("user", "secret"), follow_redirects=True, timeout=5
    ) as client:
        client.get(start, headers={"Cookie": "session=secret"})
    _assert_no_credentials(fault_server, "/r/land-downgrade-lib")


@pytest.mark.parametrize("status", [b"303 See Other", b"302 Found", b"301 Moved Permanently"])
def test_post_redirected_to_get_drops_the_body(fault_server: FaultServer, status: bytes) -> None:
    # RFC 9110 §15.4.4: 303 → GET (also 301/302 after POST, as every browser does); the
    # body and its framing/representation headers must not be sent again.
    code = status[:3].decode()
    landing = fault_server.canned(f"/r/land-{code}", response(body=b"landed"))
    start = fault_server.canned(f"/r/post-{code}", _redirect(landing, status))
    for run in ("library", "command"):
        if run == "library":
            wire.post(start, content=b"secret=body", follow_redirects=True, timeout=5)
        else:
            assert_clean_success(
                run_wire(["--timeout", "5", "--follow", "--form", "POST", start, "secret=body"])
            )
        landed = fault_server.received(f"/r/land-{code}")[-1]
        assert landed.method == "GET"
        assert landed.body == b""
        for name in ("content-length", "content-type", "transfer-encoding"):
            assert landed.header(name) is None, name


def test_307_keeps_method_and_body(fault_server: FaultServer) -> None:
    landing = fault_server.canned("/r/land-307", response(body=b"landed"))
    start = fault_server.canned("/r/post-307", _redirect(landing, b"307 Temporary Redirect"))
    wire.post(start, content=b"payload", follow_redirects=True, timeout=5)
    landed = fault_server.received("/r/land-307")[-1]
    assert (landed.method, landed.body) == ("POST", b"payload")

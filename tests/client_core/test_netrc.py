"""NetRCAuth: credentials looked up by host in a netrc file, sent as Basic auth."""

from __future__ import annotations

import netrc
from pathlib import Path

import pytest

import wire
from tests.servers import LocalServer


def write_netrc(tmp_path: Path, text: str) -> str:
    path = tmp_path / "netrc"
    path.write_text(text)
    path.chmod(0o600)
    return str(path)


@pytest.mark.parametrize(
    ("text", "authenticated"),
    [
        ("machine 127.0.0.1 login ann password secret\n", True),
        ("machine example.org login ann password secret\ndefault login ann password secret\n",
         True),
        ("machine example.org login ann password secret\n", False),
        ("machine 127.0.0.1 login ann password wrong\n", False),
    ],
)
def test_netrc_auth_against_the_server(
    server: LocalServer, tmp_path: Path, text: str, authenticated: bool
) -> None:
    auth = wire.NetRCAuth(write_netrc(tmp_path, text))
    response = wire.get(server.join("/basic-auth/ann/secret"), auth=auth)
    assert response.status_code == (200 if authenticated else 401)


def test_no_entry_means_no_authorization_header(server: LocalServer, tmp_path: Path) -> None:
    auth = wire.NetRCAuth(write_netrc(tmp_path, "machine example.org login a password b\n"))
    response = wire.get(server.join("/headers"), auth=auth)
    assert "authorization" not in response.json()["headers"]


def test_the_host_is_matched_without_the_port(server: LocalServer, tmp_path: Path) -> None:
    auth = wire.NetRCAuth(write_netrc(tmp_path, "machine 127.0.0.1 login u password p\n"))
    headers = wire.get(server.join("/headers"), auth=auth).json()["headers"]
    assert headers["authorization"] == "Basic dTpw"  # base64("u:p")


def test_missing_and_malformed_files(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        wire.NetRCAuth(str(tmp_path / "missing"))
    with pytest.raises(netrc.NetrcParseError):
        wire.NetRCAuth(write_netrc(tmp_path, "machine host login a password b\nfoo bar\n"))


def test_default_file_is_home_netrc(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    (tmp_path / ".netrc").write_text("machine example.org login ann password pw\n")
    (tmp_path / ".netrc").chmod(0o600)
    request = wire.Request("GET", "https://example.org/")
    flow = wire.NetRCAuth().sync_auth_flow(request)
    assert next(flow).headers["Authorization"] == "Basic YW5uOnB3"

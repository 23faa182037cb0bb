"""TLS: every `verify` and `cert` form, the TLS environment variables, the shared default
context and its per-ALPN siblings, SNI, and the OS trust store through truststore.

Servers: the `https_server` fixture (hypercorn, trustme certificates, h2 + http/1.1), and a
small threaded HTTPS server here that requires a client certificate.
"""

from __future__ import annotations

import contextlib
import http.server
import shutil
import ssl
import subprocess
import threading
import typing
from collections.abc import Iterator
from pathlib import Path

import pytest
import trustme

import wire
from tests.servers import TLSLocalServer
from wire.client_core import _config

KEY_PASSWORD = b"key password"


# --- verify --------------------------------------------------------------------------------


def hashed_ca_dir(ca_cert_path: str, directory: Path) -> str:
    """A directory holding the CA under its OpenSSL subject-hash name (for capath)."""
    subject_hash = subprocess.run(
        ["openssl", "x509", "-hash", "-noout", "-in", ca_cert_path],
        capture_output=True, text=True, check=True,
    ).stdout.strip()
    shutil.copy(ca_cert_path, directory / f"{subject_hash}.0")
    return str(directory)


def test_verify_with_a_ca_file_a_directory_and_a_context(
    https_server: TLSLocalServer, tmp_path: Path
) -> None:
    ca_dir = hashed_ca_dir(https_server.ca_cert_path, tmp_path)
    context = ssl.create_default_context(cafile=https_server.ca_cert_path)
    for verify in (https_server.ca_cert_path, ca_dir, context):
        with wire.Client(verify=verify) as client:
            assert client.get(https_server.join("/")).text == "Hello, world!"


def test_verify_false_and_the_default_bundle(https_server: TLSLocalServer) -> None:
    with wire.Client(verify=False) as client:
        assert client.get(https_server.join("/")).status_code == 200
    with wire.Client() as client, pytest.raises(wire.ConnectError, match="CERTIFICATE_VERIFY"):
        client.get(https_server.join("/"))


def test_verify_with_a_missing_path_fails_at_once(tmp_path: Path) -> None:
    with pytest.raises(OSError, match="invalid path"):
        wire.Client(verify=str(tmp_path / "missing.pem"))


@pytest.mark.parametrize("variable", ["SSL_CERT_FILE", "SSL_CERT_DIR"])
@pytest.mark.parametrize("trust_env", [True, False])
def test_ssl_cert_file_and_dir_with_trust_env(
    https_server: TLSLocalServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    variable: str, trust_env: bool,
) -> None:
    value = (
        https_server.ca_cert_path if variable == "SSL_CERT_FILE"
        else hashed_ca_dir(https_server.ca_cert_path, tmp_path)
    )
    monkeypatch.setenv(variable, value)
    with wire.Client(trust_env=trust_env) as client:
        if trust_env:
            assert client.get(https_server.join("/")).status_code == 200
        else:
            with pytest.raises(wire.ConnectError):
                client.get(https_server.join("/"))


@pytest.mark.parametrize("trust_env", [True, False])
def test_sslkeylogfile(
    https_server: TLSLocalServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    trust_env: bool,
) -> None:
    keylog = tmp_path / "keys.log"
    monkeypatch.setenv("SSLKEYLOGFILE", str(keylog))
    with wire.Client(verify=https_server.ca_cert_path, trust_env=trust_env) as client:
        assert client.get(https_server.join("/")).status_code == 200
    # ssl.create_default_context() may create the file (a comment line) by itself; what
    # matters is whether secrets are written: TLS 1.3 NSS key log lines.
    secrets = keylog.read_text() if keylog.exists() else ""
    assert ("CLIENT_TRAFFIC_SECRET_0" in secrets) is trust_env


# --- the shared default context and ALPN ----------------------------------------------------------


def test_creating_a_client_reuses_the_default_context() -> None:
    contexts = {id(wire.create_ssl_context()) for _ in range(3)}
    assert len(contexts) == 1


def test_a_ca_file_context_is_shared_until_the_file_changes(
    https_server: TLSLocalServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ca = tmp_path / "ca.pem"
    ca.write_bytes(Path(https_server.ca_cert_path).read_bytes())
    first = wire.create_ssl_context(verify=str(ca))
    assert wire.create_ssl_context(verify=str(ca)) is first
    monkeypatch.setenv("SSL_CERT_FILE", str(ca))
    assert wire.create_ssl_context() is first  # the same CA source, the same context
    ca.write_bytes(ca.read_bytes() + b"\n")
    assert wire.create_ssl_context(verify=str(ca)) is not first
    # A shared CA-file context gets ALPN siblings too; it is never given an ALPN list itself.
    sibling = _config.ssl_context_for_alpn(first, ("h2", "http/1.1"))
    assert sibling is not first
    with wire.Client(verify=str(ca), http2=True) as client:
        assert client.get(https_server.join("/")).http_version == "HTTP/2"


@pytest.fixture
def default_context_trusting(
    https_server: TLSLocalServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Make the shared default context (and its ALPN siblings) trust the test CA."""
    import certifi

    monkeypatch.setattr(certifi, "where", lambda: https_server.ca_cert_path)
    monkeypatch.setattr(_config, "_shared_contexts", {})
    monkeypatch.setattr(_config, "_shared_keys", {})
    monkeypatch.setattr(_config, "_alpn_contexts", {})


@pytest.mark.usefixtures("default_context_trusting")
def test_http1_and_http2_clients_sharing_the_default_context(
    https_server: TLSLocalServer,
) -> None:
    """Clients with different ALPN offers, in threads, each negotiate their own protocol."""
    seen: dict[bool, set[str]] = {True: set(), False: set()}

    def work(http2: bool) -> None:
        for _ in range(10):
            with wire.Client(http2=http2) as client:  # a new connection each time
                seen[http2].add(client.get(https_server.join("/")).http_version)

    threads = [threading.Thread(target=work, args=(flag,)) for flag in (True, False)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert seen == {True: {"HTTP/2"}, False: {"HTTP/1.1"}}
    default = wire.create_ssl_context()
    siblings = [_config.ssl_context_for_alpn(None, alpn) for alpn in (("http/1.1",), ("h2",))]
    assert len({id(default), *map(id, siblings)}) == 3
    assert _config.ssl_context_for_alpn(default, ("http/1.1",)) is siblings[0]


# --- client certificates -------------------------------------------------------------------------


class _Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        peer = self.connection.getpeercert()  # type: ignore[attr-defined]
        subject = dict(pair[0] for pair in peer["subject"]) if peer else {}
        body = str(subject.get("organizationalUnitName", "none")).encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: typing.Any) -> None:
        pass


@contextlib.contextmanager
def client_cert_server(ca: trustme.CA) -> Iterator[str]:
    """An HTTPS server on 127.0.0.1 that requires a client certificate signed by `ca`."""
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1").configure_cert(context)
    ca.configure_trust(context)
    context.verify_mode = ssl.CERT_REQUIRED
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    httpd.socket = context.wrap_socket(httpd.socket, server_side=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"https://127.0.0.1:{httpd.server_address[1]}/"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(10)


@pytest.fixture(scope="module")
def cert_files(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, typing.Any]]:
    """A CA, a server requiring client certs, and the client's cert in the three forms."""
    from cryptography.hazmat.primitives import serialization

    directory = tmp_path_factory.mktemp("client-certs")
    ca = trustme.CA()
    leaf = ca.issue_cert("client@example.org", organization_unit_name="wire-client")
    ca.cert_pem.write_to_path(str(directory / "ca.pem"))
    leaf.cert_chain_pems[0].write_to_path(str(directory / "cert.pem"))
    leaf.private_key_pem.write_to_path(str(directory / "key.pem"))
    leaf.private_key_and_cert_chain_pem.write_to_path(str(directory / "both.pem"))
    key = serialization.load_pem_private_key(leaf.private_key_pem.bytes(), password=None)
    encrypted = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(KEY_PASSWORD),
    )
    (directory / "encrypted-key.pem").write_bytes(encrypted)
    with client_cert_server(ca) as url:
        yield {"url": url, "dir": directory}


@pytest.mark.parametrize("form", ["file", "file+key", "file+key+password"])
def test_client_certificate_forms(cert_files: dict[str, typing.Any], form: str) -> None:
    directory: Path = cert_files["dir"]
    cert: typing.Any = {
        "file": str(directory / "both.pem"),
        "file+key": (str(directory / "cert.pem"), str(directory / "key.pem")),
        "file+key+password": (
            str(directory / "cert.pem"), str(directory / "encrypted-key.pem"), KEY_PASSWORD
        ),
    }[form]
    with wire.Client(verify=str(directory / "ca.pem"), cert=cert) as client:
        assert client.get(cert_files["url"]).text == "wire-client"


def test_missing_client_certificate_is_refused(cert_files: dict[str, typing.Any]) -> None:
    directory: Path = cert_files["dir"]
    with wire.Client(verify=str(directory / "ca.pem")) as client:
        # TLS 1.3 reports the refusal after the handshake: on the connect or the first read.
        with pytest.raises((wire.ConnectError, wire.ReadError, wire.RemoteProtocolError)):
            client.get(cert_files["url"])


def test_async_client_certificate(cert_files: dict[str, typing.Any]) -> None:
    import asyncio

    directory: Path = cert_files["dir"]

    async def main() -> str:
        cert = (str(directory / "cert.pem"), str(directory / "key.pem"))
        async with wire.AsyncClient(verify=str(directory / "ca.pem"), cert=cert) as client:
            return (await client.get(cert_files["url"])).text

    assert asyncio.run(main()) == "wire-client"


# --- SNI and the OS trust store ----------------------------------------------------------------


@pytest.mark.parametrize(("sni", "ok"), [("localhost", True), ("example.org", False)])
def test_sni_hostname_extension_sets_the_name_checked(
    https_server: TLSLocalServer, sni: str, ok: bool
) -> None:
    """The certificate is checked against `sni_hostname`, not the host in the URL."""
    with wire.Client(verify=https_server.ca_cert_path) as client:
        request = client.build_request("GET", https_server.join("/"),
                                       extensions={"sni_hostname": sni})
        if ok:
            assert client.send(request).status_code == 200
        else:
            with pytest.raises(wire.ConnectError, match="example.org"):
                client.send(request)


def test_truststore_context(
    https_server: TLSLocalServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The OS trust store via truststore (the `truststore` extra): any SSLContext is accepted.

    On Linux truststore reads OpenSSL's default locations, which SSL_CERT_FILE overrides: here
    that makes the "system" store hold the test CA.
    """
    truststore = pytest.importorskip("truststore")
    monkeypatch.setenv("SSL_CERT_FILE", https_server.ca_cert_path)
    context = truststore.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    with wire.Client(verify=context, http2=True) as client:
        response = client.get(https_server.join("/"))
    assert (response.status_code, response.http_version) == (200, "HTTP/2")

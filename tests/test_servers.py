"""The test servers answer as tests/servers/asgi_app.py documents (checked with the stdlib only)."""

from __future__ import annotations

import base64
import gzip
import http.client
import json
import os
import socket
import ssl
import urllib.error
import urllib.request
import zlib
from collections.abc import Iterator

import pytest

from tests.conftest import CLEARED_ENV_VARS
from tests.servers import LocalServer, RawServer, TLSLocalServer
from tests.servers.asgi_app import (
    COMPRESSED_PAYLOAD,
    DOWNLOAD_BODY,
    JSON_BODY,
    SHORT_SENT,
    deterministic_bytes,
    stream_line,
)


def request(
    srv: LocalServer,
    path: str,
    method: str = "GET",
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
    timeout: float = 10.0,
) -> tuple[http.client.HTTPResponse, bytes]:
    """One request over a fresh connection, redirects not followed; (response, body)."""
    conn = http.client.HTTPConnection(srv.host, srv.port, timeout=timeout)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        return response, response.read()
    finally:
        conn.close()


def test_root(server: LocalServer) -> None:
    assert server.url == f"http://127.0.0.1:{server.port}"
    with urllib.request.urlopen(server.url + "/", timeout=10) as response:
        assert response.status == 200
        assert response.read() == b"Hello, world!"


def test_json_is_literal(server: LocalServer) -> None:
    response, body = request(server, "/json")
    assert response.getheader("content-type") == "application/json"
    assert body == '{"zeta": 1, "alpha": "café", "n": 1.10}'.encode() == JSON_BODY


def test_echo(server: LocalServer) -> None:
    response, body = request(server, "/echo?a=1&b=%C3%A9", "POST", "héllo".encode(), {"X-T": "1"})
    data = json.loads(body)
    assert (data["method"], data["path"], data["query"]) == ("POST", "/echo", "a=1&b=%C3%A9")
    assert data["body"] == "héllo"
    assert ["x-t", "1"] in data["headers"]
    assert data["http_version"] == "1.1"


def test_echo_body(server: LocalServer) -> None:
    raw = bytes(range(256))
    response, body = request(server, "/echo_body", "PUT", raw, {"Content-Type": "image/png"})
    assert (response.getheader("content-type"), body) == ("image/png", raw)


@pytest.mark.parametrize("code", [200, 204, 304, 404, 418, 500, 503])
def test_status(server: LocalServer, code: int) -> None:
    response, body = request(server, f"/status/{code}")
    assert (response.status, body) == (code, b"")


def test_redirect_chain(server: LocalServer) -> None:
    response, _ = request(server, "/redirect/3")
    assert (response.status, response.getheader("location")) == (302, "/redirect/2")
    response, body = request(server, "/redirect/0")
    assert (response.status, body) == (200, b"done")
    with urllib.request.urlopen(server.url + "/redirect/3", timeout=10) as followed:
        assert followed.read() == b"done"


def test_redirect_to_and_loop(server: LocalServer) -> None:
    response, _ = request(server, "/redirect_to?url=http%3A%2F%2Fexample.com%2Fx&status=307")
    assert (response.status, response.getheader("location")) == (307, "http://example.com/x")
    response, _ = request(server, "/redirect_loop")
    assert (response.status, response.getheader("location")) == (302, "/redirect_loop")


def _decompress(encoding: str, body: bytes) -> bytes:
    if encoding == "gzip":
        return gzip.decompress(body)
    if encoding == "deflate":
        return zlib.decompress(body)
    if encoding == "br":
        import brotli

        return bytes(brotli.decompress(body))
    import zstandard

    return bytes(zstandard.ZstdDecompressor().decompress(body))


@pytest.mark.parametrize("encoding", ["gzip", "deflate", "br", "zstd"])
def test_compressed(server: LocalServer, encoding: str) -> None:
    response, body = request(server, f"/{encoding}")
    assert response.getheader("content-encoding") == encoding
    assert int(response.getheader("content-length") or -1) == len(body)
    assert _decompress(encoding, body) == COMPRESSED_PAYLOAD


def test_deflate_raw(server: LocalServer) -> None:
    response, body = request(server, "/deflate_raw")
    assert response.getheader("content-encoding") == "deflate"
    assert zlib.decompress(body, wbits=-zlib.MAX_WBITS) == COMPRESSED_PAYLOAD


def test_stream_is_chunked(server: LocalServer) -> None:
    conn = http.client.HTTPConnection(server.host, server.port, timeout=10)
    try:
        conn.request("GET", "/stream/3")
        response = conn.getresponse()
        assert response.getheader("transfer-encoding") == "chunked"
        lines = [response.readline() for _ in range(4)]
    finally:
        conn.close()
    assert lines == [stream_line(0), stream_line(1), stream_line(2), b""]
    assert json.loads(lines[1]) == {"id": 1, "message": "line 1"}


def read_raw(srv: LocalServer, head: bytes) -> bytes:
    """Send `head` (a full HTTP/1.1 request) over a raw socket; every byte until close."""
    with socket.create_connection((srv.host, srv.port), timeout=10) as sock:
        sock.sendall(head)
        data = b""
        for _ in range(1000):  # bounded; the server closes after one response
            chunk = sock.recv(65536)
            if not chunk:
                return data
            data += chunk
    raise AssertionError("server did not close the connection")


def test_stream_sends_one_chunk_per_line(server: LocalServer) -> None:
    raw = read_raw(server, b"GET /stream/2 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    body = raw.split(b"\r\n\r\n", 1)[1]
    framed = [b"%x\r\n%s\r\n" % (len(stream_line(i)), stream_line(i)) for i in range(2)]
    assert body == b"".join(framed) + b"0\r\n\r\n"


def test_bytes_and_ranges(server: LocalServer) -> None:
    response, body = request(server, "/bytes/1000")
    assert response.getheader("content-length") == "1000"
    assert body == deterministic_bytes(1000) == (bytes(range(256)) * 4)[:1000]
    response, body = request(server, "/bytes/1000", headers={"Range": "bytes=300-"})
    assert (response.status, response.getheader("content-range")) == (206, "bytes 300-999/1000")
    assert body == deterministic_bytes(1000)[300:]
    response, body = request(server, "/bytes/1000", headers={"Range": "bytes=10-19"})
    assert body == deterministic_bytes(1000)[10:20]
    response, _ = request(server, "/bytes/10", headers={"Range": "bytes=10-"})
    assert (response.status, response.getheader("content-range")) == (416, "bytes */10")


def test_slow_times_out_then_answers(server: LocalServer) -> None:
    with pytest.raises(TimeoutError):
        request(server, "/slow?delay=5", timeout=0.2)
    response, body = request(server, "/slow?delay=0.1")
    assert (response.status, body) == (200, b"slow")


def test_slow_body_stalls_mid_body(server: LocalServer) -> None:
    conn = http.client.HTTPConnection(server.host, server.port, timeout=10)
    try:
        conn.request("GET", "/slow_body?delay=5")
        response = conn.getresponse()
        assert response.status == 200
        assert response.read(11) == b"first half|"
        assert conn.sock is not None
        conn.sock.settimeout(0.3)
        with pytest.raises(TimeoutError):
            response.read(1)
    finally:
        conn.close()
    _, body = request(server, "/slow_body?delay=0.05")
    assert body == b"first half|second half"


def test_headers(server: LocalServer) -> None:
    _, body = request(server, "/headers", headers={"X-One": "1", "User-Agent": "test/1"})
    headers = json.loads(body)["headers"]
    assert (headers["x-one"], headers["user-agent"]) == ("1", "test/1")


def test_cookies(server: LocalServer) -> None:
    response, body = request(server, "/cookies/set?flavour=oat&n=1")
    assert response.headers.get_all("set-cookie") == ["flavour=oat; Path=/", "n=1; Path=/"]
    assert json.loads(body) == {"cookies": {"flavour": "oat", "n": "1"}}
    _, body = request(server, "/cookies", headers={"Cookie": "a=1; b=two"})
    assert json.loads(body) == {"cookies": {"a": "1", "b": "two"}}


@pytest.mark.parametrize(
    ("path", "disposition"),
    [
        ("/download/report.csv", 'attachment; filename="report.csv"'),
        ("/download/r%C3%A9sum%C3%A9.csv",
         "attachment; filename=\"r_sum_.csv\"; filename*=UTF-8''r%C3%A9sum%C3%A9.csv"),
        ("/hostile_filename", 'attachment; filename="../../etc/passwd"'),
    ],
)  # fmt: skip
def test_content_disposition(server: LocalServer, path: str, disposition: str) -> None:
    response, body = request(server, path)
    assert response.getheader("content-disposition") == disposition
    if path.startswith("/download/"):
        assert body == DOWNLOAD_BODY


def test_short_body_is_truncated(server: LocalServer) -> None:
    conn = http.client.HTTPConnection(server.host, server.port, timeout=10)
    try:
        conn.request("GET", "/short")
        response = conn.getresponse()
        assert response.getheader("content-length") == "100"
        with pytest.raises(http.client.IncompleteRead) as caught:
            response.read()
    finally:
        conn.close()
    assert caught.value.partial == deterministic_bytes(SHORT_SENT)


@pytest.mark.parametrize(
    ("credentials", "status", "expected"),
    [
        ("alice:s3cret", 200, {"authenticated": True, "user": "alice"}),
        ("alice:wrong", 401, {"authenticated": False}),
        (None, 401, {"authenticated": False}),
    ],
)
def test_basic_auth(
    server: LocalServer, credentials: str | None, status: int, expected: dict[str, object]
) -> None:
    headers = {}
    if credentials is not None:
        headers["Authorization"] = "Basic " + base64.b64encode(credentials.encode()).decode()
    response, body = request(server, "/basic-auth/alice/s3cret", headers=headers)
    assert (response.status, json.loads(body)) == (status, expected)
    if status == 401:
        assert response.getheader("www-authenticate", "").startswith("Basic realm=")


def test_unknown_path(server: LocalServer) -> None:
    response, body = request(server, "/nope")
    assert (response.status, body) == (404, b"Not Found")


def test_https_server_answers(https_server: TLSLocalServer) -> None:
    assert https_server.url == f"https://127.0.0.1:{https_server.port}"
    context = https_server.ssl_context()
    with urllib.request.urlopen(https_server.url + "/json", context=context, timeout=10) as resp:
        assert resp.read() == JSON_BODY
    for host in ("localhost", "127.0.0.1"):  # the certificate names both
        conn = http.client.HTTPSConnection(host, https_server.port, context=context, timeout=10)
        try:
            conn.request("GET", "/")
            assert conn.getresponse().read() == b"Hello, world!"
        finally:
            conn.close()


def test_https_server_refuses_untrusted_clients(https_server: TLSLocalServer) -> None:
    with pytest.raises(urllib.error.URLError) as caught:
        urllib.request.urlopen(https_server.url, context=ssl.create_default_context(), timeout=10)
    assert isinstance(caught.value.reason, ssl.SSLCertVerificationError)


@pytest.mark.parametrize(
    ("offered", "selected"), [(("h2", "http/1.1"), "h2"), (("http/1.1",), "http/1.1")]
)
def test_https_server_alpn(
    https_server: TLSLocalServer, offered: tuple[str, ...], selected: str
) -> None:
    context = https_server.ssl_context(alpn=offered)
    with socket.create_connection((https_server.host, https_server.port), timeout=10) as raw:
        with context.wrap_socket(raw, server_hostname="localhost") as tls:
            assert tls.selected_alpn_protocol() == selected


def _h2_get(tls: ssl.SSLSocket, authority: str, path: str) -> tuple[int, bytes]:
    """One HTTP/2 GET with the `h2` state machine directly; (status, body)."""
    import h2.config
    import h2.connection
    import h2.events

    conn = h2.connection.H2Connection(h2.config.H2Configuration(client_side=True))
    conn.initiate_connection()
    headers = [(":method", "GET"), (":scheme", "https"), (":authority", authority),
               (":path", path)]  # fmt: skip
    conn.send_headers(1, headers, end_stream=True)
    tls.sendall(conn.data_to_send())
    status, body = 0, b""
    for _ in range(100):  # bounded: a tiny response arrives in a few frames
        data = tls.recv(65536)
        assert data, "connection closed before the response ended"
        for event in conn.receive_data(data):
            if isinstance(event, h2.events.ResponseReceived):
                status = int(dict(event.headers)[b":status"])
            elif isinstance(event, h2.events.DataReceived):
                body += event.data
                conn.acknowledge_received_data(event.flow_controlled_length, 1)
            elif isinstance(event, h2.events.StreamEnded):
                return status, body
        tls.sendall(conn.data_to_send())
    raise AssertionError("no complete HTTP/2 response")


def test_https_server_speaks_http2(https_server: TLSLocalServer) -> None:
    context = https_server.ssl_context(alpn=("h2",))
    with socket.create_connection((https_server.host, https_server.port), timeout=10) as raw:
        with context.wrap_socket(raw, server_hostname="127.0.0.1") as tls:
            status, body = _h2_get(tls, f"127.0.0.1:{https_server.port}", "/json")
    assert (status, body) == (200, JSON_BODY)


def test_httpbin(httpbin: LocalServer) -> None:
    response, body = request(httpbin, "/get?x=1", headers={"X-Wire": "yes"})
    data = json.loads(body)
    assert response.status == 200
    assert data["args"] == {"x": "1"}
    assert data["headers"]["X-Wire"] == "yes"
    response, _ = request(httpbin, "/status/418")
    assert response.status == 418


def test_raw_server_canned_responses(raw_server: RawServer) -> None:
    response, body = request(raw_server, "/ok")
    assert (response.status, body) == (200, b"ok")
    response, body = request(raw_server, "/until_close")
    assert body == b"read until close"
    conn = http.client.HTTPConnection(raw_server.host, raw_server.port, timeout=10)
    try:
        conn.request("GET", "/short")
        with pytest.raises(http.client.IncompleteRead) as caught:
            conn.getresponse().read()
    finally:
        conn.close()
    assert len(caught.value.partial) == 50
    teapot = b"HTTP/1.1 418 I'm a teapot\r\nContent-Length: 0\r\n\r\n"
    url = raw_server.set_response("/teapot", teapot)
    assert url == raw_server.url + "/teapot"
    response, _ = request(raw_server, "/teapot?q=1")
    assert response.status == 418
    response, _ = request(raw_server, "/unregistered")
    assert response.status == 404


def test_wire_exe(wire_exe: str) -> None:
    assert os.path.basename(wire_exe) == "wire"
    assert os.access(wire_exe, os.X_OK)


@pytest.fixture(scope="class")
def host_env() -> Iterator[None]:
    """Set every CLEARED_ENV_VARS variable, as a host might, for one test class."""
    # Class scope makes this run before the function-scoped autouse `clean_env`.
    saved = {name: os.environ.get(name) for name in CLEARED_ENV_VARS}
    os.environ.update(dict.fromkeys(CLEARED_ENV_VARS, "http://127.0.0.1:9"))
    yield
    for name, value in saved.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


@pytest.mark.usefixtures("host_env")
class TestCleanEnv:
    """The autouse `clean_env` fixture hides the host's proxy/TLS/colour variables."""

    def test_variables_are_cleared(self) -> None:
        assert [name for name in CLEARED_ENV_VARS if name in os.environ] == []

"""Redirect handling: the pure rules in `_redirects`, the client loop over MockTransport, and
one real-server test that credentials do not cross from 127.0.0.1 to localhost."""

from __future__ import annotations

import typing

import pytest

import wire
from tests.servers import LocalServer, TLSLocalServer
from wire.client_core._redirects import merge_cookie_headers, redirect_url

CREDENTIALS = {"Authorization": "Bearer secret", "Cookie": "sid=1", "Proxy-Authorization": "p"}


def redirecting(request: wire.Request) -> wire.Response:
    """`/status/{code}?to=URL` redirects with that status; anything else echoes the request."""
    if request.url.path.startswith("/status/"):
        code = int(request.url.path.rsplit("/", 1)[1])
        location = request.url.params.get("to", "/final")
        return wire.Response(code, headers={"Location": location})
    if request.url.path == "/loop":
        return wire.Response(302, headers={"Location": "/loop"})
    return wire.Response(
        200,
        json={
            "method": request.method,
            "url": str(request.url),
            "body": request.content.decode(),
            "headers": {k: v for k, v in request.headers.items()},
        },
    )


def client(**kwargs: typing.Any) -> wire.Client:
    kwargs.setdefault("follow_redirects", True)
    return wire.Client(transport=wire.MockTransport(redirecting), **kwargs)


@pytest.mark.parametrize(
    ("status", "method", "expected_method", "body_kept"),
    [
        (301, "POST", "GET", False),
        (301, "PUT", "PUT", True),
        (302, "POST", "GET", False),
        (302, "PUT", "GET", False),
        (303, "POST", "GET", False),
        (303, "PUT", "GET", False),
        (307, "POST", "POST", True),
        (307, "PUT", "PUT", True),
        (308, "POST", "POST", True),
        (308, "PATCH", "PATCH", True),
    ],
)
def test_method_and_body_per_status(
    status: int, method: str, expected_method: str, body_kept: bool
) -> None:
    with client() as c:
        response = c.request(
            method, f"https://example.org/status/{status}", content=b"payload",
            headers={"Content-Type": "text/plain"},
        )
    final = response.json()
    assert final["method"] == expected_method
    assert final["body"] == ("payload" if body_kept else "")
    assert ("content-type" in final["headers"]) is body_kept
    assert final["headers"].get("content-length") == ("7" if body_kept else None)
    assert [r.status_code for r in response.history] == [status]
    assert response.history[0].url == f"https://example.org/status/{status}"


def test_head_stays_head_on_303() -> None:
    with client() as c:
        assert c.head("https://example.org/status/303").request.method == "HEAD"


def test_history_of_a_chain() -> None:
    with client() as c:
        start = "https://example.org/status/301?to=/status/302%3Fto%3D/status/307"
        response = c.get(start)
    assert response.url == "https://example.org/final"
    assert [r.status_code for r in response.history] == [301, 302, 307]
    assert all(r.is_closed for r in response.history)


def test_next_request_when_not_following() -> None:
    with client(follow_redirects=False) as c:
        response = c.post("https://example.org/status/303", content=b"x")
        assert response.status_code == 303
        assert response.is_redirect and response.has_redirect_location
        assert response.next_request is not None
        assert response.next_request.method == "GET"
        assert response.next_request.url == "https://example.org/final"
        followed = c.send(response.next_request)
    assert followed.json()["url"] == "https://example.org/final"


def test_per_request_follow_redirects_override() -> None:
    with client(follow_redirects=False) as c:
        assert c.get("https://example.org/status/302", follow_redirects=True).status_code == 200
    with client(follow_redirects=True) as c:
        assert c.get("https://example.org/status/302", follow_redirects=False).status_code == 302


def test_too_many_redirects_at_max_redirects() -> None:
    sent: list[str] = []

    def loop(request: wire.Request) -> wire.Response:
        sent.append(request.url.path)
        return wire.Response(302, headers={"Location": "/loop"})

    with wire.Client(
        transport=wire.MockTransport(loop), follow_redirects=True, max_redirects=3
    ) as c:
        with pytest.raises(wire.TooManyRedirects) as info:
            c.get("https://example.org/loop")
    # The first request plus exactly max_redirects redirects are sent, no more.
    assert len(sent) == 4
    assert info.value.request.url == "https://example.org/loop"


def test_default_max_redirects_is_20() -> None:
    with client() as c:
        assert c.max_redirects == 20
        with pytest.raises(wire.TooManyRedirects):
            c.get("https://example.org/loop")


@pytest.mark.parametrize(
    ("start", "location", "expected"),
    [
        ("https://example.org/a/b", "c", "https://example.org/a/c"),
        ("https://example.org/a/b", "../c?x=1", "https://example.org/c?x=1"),
        ("https://example.org/a/b", "//other.org/p", "https://other.org/p"),
        ("https://example.org/a#frag", "/b", "https://example.org/b#frag"),
        ("https://example.org/a#frag", "/b#new", "https://example.org/b#new"),
        ("https://example.org:8443/a", "/b", "https://example.org:8443/b"),
    ],
)
def test_location_resolution(start: str, location: str, expected: str) -> None:
    request = wire.Request("GET", start)
    redirect = wire.Response(302, headers={"Location": location}, request=request)
    assert str(redirect_url(request, redirect)) == expected


def test_fragment_kept_through_the_client() -> None:
    with client() as c:
        response = c.get("https://example.org/status/302#section")
    assert str(response.url) == "https://example.org/final#section"


@pytest.mark.parametrize("location", ["ftp://example.org/file", "file:///etc/passwd"])
def test_redirect_to_non_http_scheme_is_refused(location: str) -> None:
    with client() as c:
        with pytest.raises(wire.UnsupportedProtocol, match="Refusing"):
            c.get("https://example.org/status/302", params={"to": location})


def test_invalid_location_is_a_remote_protocol_error() -> None:
    with client() as c:
        with pytest.raises(wire.RemoteProtocolError, match="location"):
            c.get("https://example.org/status/302", params={"to": "https://example.org:99999/"})


@pytest.mark.parametrize(
    ("start", "location", "kept"),
    [
        ("https://example.org/", "/same", True),
        ("https://example.org/", "https://example.org:443/same", True),
        ("https://example.org/", "https://other.org/", False),
        ("https://example.org/", "https://sub.example.org/", False),
        ("https://example.org/", "https://example.org:8443/", False),
        ("https://example.org/", "http://example.org/", False),
        ("http://example.org:8080/", "https://example.org/", False),
    ],
)
def test_credentials_kept_on_same_origin_only(start: str, location: str, kept: bool) -> None:
    with client() as c:
        response = c.get(f"{start}status/302", params={"to": location}, headers=CREDENTIALS)
    headers = response.json()["headers"]
    for name in ("authorization", "cookie", "proxy-authorization"):
        assert (name in headers) is kept, name
    assert headers["host"] == response.url.netloc.decode()


def test_authorization_kept_on_default_port_https_upgrade() -> None:
    with client() as c:
        response = c.get(
            "http://example.org/status/301", params={"to": "https://example.org/final"},
            headers=CREDENTIALS,
        )
    headers = response.json()["headers"]
    assert response.url == "https://example.org/final"
    assert headers["authorization"] == "Bearer secret"


def test_client_auth_reapplied_only_on_same_origin() -> None:
    with client(auth=("user", "pass")) as c:
        same = c.get("https://example.org/status/302").json()["headers"]
        other = c.get(
            "https://example.org/status/302", params={"to": "https://other.org/"}
        ).json()["headers"]
    assert same["authorization"].startswith("Basic ")
    assert "authorization" not in other


def test_cookie_set_by_the_redirect_is_sent_next() -> None:
    def login(request: wire.Request) -> wire.Response:
        if request.url.path == "/login":
            headers = {"Location": "/home", "Set-Cookie": "session=new; Path=/"}
            return wire.Response(302, headers=headers)
        return wire.Response(200, text=request.headers.get("Cookie", ""))

    transport = wire.MockTransport(login)
    with wire.Client(transport=transport, follow_redirects=True, cookies={"pre": "1"}) as c:
        assert c.post("https://example.org/login").text == "pre=1; session=new"
    # A Cookie header set by hand survives a same-origin hop, merged with the jar.
    with wire.Client(transport=transport, follow_redirects=True) as c:
        sent = c.post("https://example.org/login", headers={"Cookie": "mine=2"}).text
    assert sent == "mine=2; session=new"


@pytest.mark.parametrize(
    ("kept", "from_jar", "expected"),
    [
        (None, None, None),
        ("a=1", None, "a=1"),
        (None, "a=1", "a=1"),
        ("a=1; b=2", "b=3; c=4", "a=1; b=3; c=4"),
        ("a=1;b=2", "a=1", "a=1; b=2"),
        ("", "", None),
    ],
)
def test_merge_cookie_headers(kept: str | None, from_jar: str | None, expected: str | None) -> None:
    assert merge_cookie_headers(kept, from_jar) == expected


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.mark.anyio
async def test_async_client_follows_redirects(anyio_backend: str) -> None:
    async with wire.AsyncClient(
        transport=wire.MockTransport(redirecting), follow_redirects=True
    ) as c:
        response = await c.post("https://example.org/status/307", content=b"again")
    assert response.json()["body"] == "again"
    assert [r.status_code for r in response.history] == [307]


def test_real_server_strips_authorization_across_hosts(server: LocalServer) -> None:
    # Same port, other host name: a different origin (RFC 6454), so no credentials cross.
    other_origin = f"http://localhost:{server.port}/headers"
    with wire.Client(follow_redirects=True) as c:
        response = c.get(
            server.join("/redirect_to"),
            params={"url": other_origin, "status": "302"},
            headers={"Authorization": "Bearer secret", "Cookie": "sid=1"},
        )
        same = c.get(
            server.join("/redirect_to"),
            params={"url": server.join("/headers")},
            headers={"Authorization": "Bearer secret"},
        )
    assert response.status_code == 200
    assert str(response.url) == other_origin
    received = response.json()["headers"]
    assert "authorization" not in received
    assert "cookie" not in received
    assert received["host"] == f"localhost:{server.port}"
    assert same.json()["headers"]["authorization"] == "Bearer secret"


# --- credential policy across real origins ---------------------------------------------------


@pytest.fixture(scope="module")
def second_server() -> typing.Iterator[LocalServer]:
    """The test app on a second uvicorn: same host as `server`, another port."""
    from tests.servers import run_uvicorn
    from tests.servers.asgi_app import app

    with run_uvicorn(app) as running:
        yield running


@pytest.mark.parametrize(
    ("target", "kept"),
    [
        ("same", True),  # same scheme, host and port
        ("other-host", False),  # localhost vs 127.0.0.1
        ("other-port", False),  # CVE-2022-27776 class
        ("https-to-http", False),  # a downgrade
        ("http-to-https", False),  # an upgrade, but not on the default ports
    ],
)
def test_real_origins_credential_policy(
    server: LocalServer, second_server: LocalServer, https_server: TLSLocalServer,
    target: str, kept: bool,
) -> None:
    start, destination = {
        "same": (server, server.join("/echo")),
        "other-host": (server, f"http://localhost:{server.port}/echo"),
        "other-port": (server, second_server.join("/echo")),
        "https-to-http": (https_server, server.join("/echo")),
        "http-to-https": (server, https_server.join("/echo")),
    }[target]
    with wire.Client(follow_redirects=True, verify=https_server.ca_cert_path) as c:
        response = c.get(
            start.join("/redirect_to"), params={"url": destination, "status": "307"},
            headers=CREDENTIALS,
        )
    assert str(response.url) == destination
    received = {name.lower(): value for name, value in response.json()["headers"]}
    for name in ("authorization", "cookie", "proxy-authorization"):
        assert (name in received) is kept, name


def test_cookies_are_never_sent_to_another_host(
    server: LocalServer, second_server: LocalServer
) -> None:
    """CVE-2022-24737 class: a cookie set by 127.0.0.1 is not sent to localhost, and a cookie
    without Domain is kept per host (ports share cookies, RFC 6265 §8.5)."""
    with wire.Client(follow_redirects=True) as c:
        c.get(server.join("/cookies/set"), params={"sid": "secret"})
        elsewhere = c.get(f"http://localhost:{server.port}/cookies").json()
        via_redirect = c.get(
            server.join("/redirect_to"),
            params={"url": f"http://localhost:{server.port}/cookies"},
        ).json()
        same_host = c.get(second_server.join("/cookies")).json()
    assert elsewhere == {"cookies": {}}
    assert via_redirect == {"cookies": {}}
    assert same_host == {"cookies": {"sid": "secret"}}

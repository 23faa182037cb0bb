"""Client and AsyncClient logic through MockTransport: configuration, merging, lifecycle, hooks.

No network: every request is answered by a handler function. Transport, TLS, timeout and
streaming-over-sockets behaviour is tested against real servers in test_client_server.py.
"""

from __future__ import annotations

import json
import logging
import typing

import pytest

import wire
from wire.client_core import _decoders

Handler = typing.Callable[[wire.Request], wire.Response]


def echo(request: wire.Request) -> wire.Response:
    """Answer with what the server would see: method, URL, headers, body."""
    return wire.Response(
        200,
        json={
            "method": request.method,
            "url": str(request.url),
            "headers": dict(request.headers),
            "body": request.content.decode("utf-8", "replace"),
        },
    )


def mock_client(handler: Handler = echo, **kwargs: typing.Any) -> wire.Client:
    return wire.Client(transport=wire.MockTransport(handler), **kwargs)


@pytest.fixture
def anyio_backend(request: pytest.FixtureRequest) -> str:
    return typing.cast(str, request.param)


backends = pytest.mark.parametrize("anyio_backend", ["asyncio", "trio"], indirect=True)


# --- default headers --------------------------------------------------------------------


def test_default_headers_sent() -> None:
    with mock_client() as client:
        headers = client.get("https://example.org/").json()["headers"]
    assert headers["accept"] == "*/*"
    assert headers["user-agent"] == f"python-wire/{wire.__version__}"
    assert headers["host"] == "example.org"
    assert headers["connection"] == "keep-alive"


def test_accept_encoding_lists_installed_decoders_only(monkeypatch: pytest.MonkeyPatch) -> None:
    assert wire.Client().headers["Accept-Encoding"] == "gzip, deflate, br, zstd"
    # Without brotli and zstandard installed, the client must not offer br or zstd.
    monkeypatch.delitem(_decoders.SUPPORTED_DECODERS, "br")
    monkeypatch.delitem(_decoders.SUPPORTED_DECODERS, "zstd")
    assert wire.Client().headers["Accept-Encoding"] == "gzip, deflate"


def test_user_headers_override_defaults() -> None:
    with mock_client(headers={"User-Agent": "mine/1", "X-A": "1"}) as client:
        sent = client.get("https://example.org/", headers={"X-B": "2"}).json()["headers"]
    assert sent["user-agent"] == "mine/1"
    assert (sent["x-a"], sent["x-b"]) == ("1", "2")


def test_headers_setter_keeps_defaults() -> None:
    client = wire.Client()
    client.headers = {"X-Custom": "yes"}
    assert client.headers["X-Custom"] == "yes"
    assert client.headers["Accept"] == "*/*"


# --- base_url -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("base_url", "url", "expected"),
    [
        ("https://example.org/api", "/items", "https://example.org/api/items"),
        ("https://example.org/api/", "/items", "https://example.org/api/items"),
        ("https://example.org/api", "items", "https://example.org/api/items"),
        ("https://example.org/api/", "items/1?x=2", "https://example.org/api/items/1?x=2"),
        ("https://example.org", "/items", "https://example.org/items"),
        ("https://example.org/api", "https://other.org/x", "https://other.org/x"),
    ],
)
def test_base_url_merging(base_url: str, url: str, expected: str) -> None:
    client = wire.Client(base_url=base_url)
    assert str(client.build_request("GET", url).url) == expected


@pytest.mark.parametrize(
    ("base_url", "expected"),
    [
        ("https://example.org/api", "https://example.org/api/"),
        ("https://example.org/api/", "https://example.org/api/"),
        ("https://example.org/a/b", "https://example.org/a/b/"),
    ],
)
def test_base_url_gets_trailing_slash(base_url: str, expected: str) -> None:
    client = wire.Client(base_url=base_url)
    assert str(client.base_url) == expected
    client.base_url = wire.URL(base_url)
    assert str(client.base_url) == expected


@pytest.mark.parametrize("url", ["/no-base", "example.org", "//example.org/", ""])
def test_url_without_scheme_is_unsupported_protocol(url: str) -> None:
    # As httpx (where the transport raises it): UnsupportedProtocol, with the request.
    with mock_client() as client, pytest.raises(wire.UnsupportedProtocol) as info:
        client.get(url)
    assert str(info.value) == "Request URL is missing an 'http://' or 'https://' protocol."
    assert info.value.request.method == "GET"


# --- params, cookies, timeout, auth properties -------------------------------------------


def test_params_merging() -> None:
    with mock_client(params={"a": "1", "b": "1"}) as client:
        url = client.get("https://example.org/p", params={"b": "2"}).json()["url"]
        assert url == "https://example.org/p?a=1&b=2"
        # As httpx 0.28: merged params replace a query written in the URL.
        url = client.get("https://example.org/p?z=0", params={"b": "2"}).json()["url"]
        assert url == "https://example.org/p?a=1&b=2"
        client.params = {"c": "3"}
        assert client.get("https://example.org/p").json()["url"] == "https://example.org/p?c=3"
    assert isinstance(client.params, wire.QueryParams)


def test_cookies_persist_across_requests() -> None:
    def handler(request: wire.Request) -> wire.Response:
        if request.url.path == "/set":
            return wire.Response(200, headers={"Set-Cookie": "session=abc; Path=/"})
        return wire.Response(200, text=request.headers.get("Cookie", ""))

    with mock_client(handler, cookies={"pre": "1"}) as client:
        assert client.get("https://example.org/x").text == "pre=1"
        client.get("https://example.org/set")
        assert client.cookies["session"] == "abc"
        assert client.get("https://example.org/x").text == "pre=1; session=abc"
        # Per-request cookies are added for that request only.
        sent = client.get("https://example.org/x", cookies={"once": "y"}).text
        assert sorted(sent.split("; ")) == ["once=y", "pre=1", "session=abc"]
        assert "once" not in client.cookies
        client.cookies = {"fresh": "z"}
        assert client.get("https://example.org/x").text == "fresh=z"


def test_timeout_setter_and_per_request_timeout() -> None:
    seen: list[dict[str, float | None]] = []

    def handler(request: wire.Request) -> wire.Response:
        seen.append(request.extensions["timeout"])
        return wire.Response(200)

    with mock_client(handler) as client:
        assert client.timeout == wire.Timeout(5.0)
        client.timeout = 3
        assert client.timeout == wire.Timeout(3.0)
        client.get("https://example.org/")
        client.get("https://example.org/", timeout=None)
        client.get("https://example.org/", timeout=wire.Timeout(1.0, connect=2.0))
    assert seen[0] == {"connect": 3.0, "read": 3.0, "write": 3.0, "pool": 3.0}
    assert seen[1] == {"connect": None, "read": None, "write": None, "pool": None}
    assert seen[2] == {"connect": 2.0, "read": 1.0, "write": 1.0, "pool": 1.0}


def test_use_client_default_versus_none() -> None:
    def handler(request: wire.Request) -> wire.Response:
        return wire.Response(200, text=request.headers.get("Authorization", "-"))

    with mock_client(handler, auth=("u", "p"), follow_redirects=True) as client:
        assert client.get("https://example.org/").text.startswith("Basic ")
        assert client.get("https://example.org/", auth=wire.USE_CLIENT_DEFAULT).text != "-"
        assert client.get("https://example.org/", auth=None).text == "-"
    assert repr(wire.USE_CLIENT_DEFAULT) == "USE_CLIENT_DEFAULT"
    request = wire.Client(timeout=7).build_request("GET", "https://example.org/")
    assert request.extensions["timeout"]["read"] == 7.0


def test_auth_setter() -> None:
    client = wire.Client()
    assert client.auth is None
    client.auth = ("user", "pass")
    assert isinstance(client.auth, wire.BasicAuth)
    with pytest.raises(TypeError, match="auth"):
        client.auth = 123


# --- build_request / send / stream --------------------------------------------------------


def test_build_request_merges_everything() -> None:
    client = wire.Client(
        base_url="https://example.org/api/", params={"a": "1"}, headers={"X-A": "1"},
        cookies={"c": "1"},
    )
    request = client.build_request("post", "items", json={"k": "v"}, headers={"X-B": "2"})
    assert request.method == "POST"
    assert str(request.url) == "https://example.org/api/items?a=1"
    assert request.headers["X-A"] == "1" and request.headers["X-B"] == "2"
    assert request.headers["Cookie"] == "c=1"
    assert request.headers["Content-Type"] == "application/json"
    assert json.loads(request.content) == {"k": "v"}
    assert request.extensions["timeout"] == wire.Timeout(5.0).as_dict()


def test_send_stream_true_leaves_body_unread() -> None:
    def handler(request: wire.Request) -> wire.Response:
        return wire.Response(200, content=iter([b"ab", b"cd"]))

    with mock_client(handler) as client:
        request = client.build_request("GET", "https://example.org/")
        response = client.send(request, stream=True)
        with pytest.raises(wire.ResponseNotRead):
            _ = response.content
        assert list(response.iter_bytes()) == [b"ab", b"cd"]
        assert response.is_closed
        response = client.send(request)
        assert response.content == b"abcd"


def test_stream_context_manager_closes_response() -> None:
    def handler(request: wire.Request) -> wire.Response:
        return wire.Response(200, content=iter([b"line1\n", b"line2\n"]))

    with mock_client(handler) as client:
        with client.stream("GET", "https://example.org/") as response:
            assert not response.is_closed
            assert next(response.iter_lines()) == "line1"
        assert response.is_closed
        with pytest.raises(wire.StreamConsumed):
            response.read()
        with client.stream("GET", "https://example.org/") as unread:
            pass
        with pytest.raises(wire.StreamClosed):
            unread.read()


# --- lifecycle ----------------------------------------------------------------------------


def test_close_twice_and_send_after_close() -> None:
    client = mock_client()
    assert not client.is_closed
    client.close()
    client.close()
    assert client.is_closed
    with pytest.raises(RuntimeError, match="client has been closed"):
        client.get("https://example.org/")


def test_context_manager_cannot_reopen() -> None:
    client = mock_client()
    with client:
        with pytest.raises(RuntimeError, match="more than once"), client:
            pass
    assert client.is_closed
    with pytest.raises(RuntimeError, match="once it has been closed"), client:
        pass


def test_context_manager_after_use_is_an_error() -> None:
    client = mock_client()
    client.get("https://example.org/")
    with pytest.raises(RuntimeError, match="more than once"), client:
        pass
    client.close()


def test_async_handler_needs_async_client() -> None:
    async def handler(request: wire.Request) -> wire.Response:
        return wire.Response(200)  # pragma: no cover - never awaited by the sync client

    with wire.Client(transport=wire.MockTransport(handler)) as client:
        with pytest.raises(TypeError, match="AsyncClient"):
            client.get("https://example.org/")


# --- event hooks and logging ----------------------------------------------------------------


def test_sync_event_hooks() -> None:
    calls: list[str] = []

    def on_request(request: wire.Request) -> None:
        calls.append(f"request {request.method} {request.url.path}")

    def on_response(response: wire.Response) -> None:
        calls.append(f"response {response.status_code} {response.request.url.path}")

    def handler(request: wire.Request) -> wire.Response:
        if request.url.path == "/start":
            return wire.Response(302, headers={"Location": "/end"})
        return wire.Response(200)

    hooks = {"request": [on_request], "response": [on_response]}
    with mock_client(handler, event_hooks=hooks, follow_redirects=True) as client:
        client.get("https://example.org/start")
        assert calls == [
            "request GET /start", "response 302 /start", "request GET /end", "response 200 /end",
        ]
        client.event_hooks = {"response": [on_response]}
        assert client.event_hooks == {"request": [], "response": [on_response]}
        calls.clear()
        client.get("https://example.org/end")
        assert calls == ["response 200 /end"]


def test_response_hook_raise_for_status_propagates() -> None:
    def check(response: wire.Response) -> None:
        response.raise_for_status()

    def handler(request: wire.Request) -> wire.Response:
        return wire.Response(404)

    with mock_client(handler, event_hooks={"response": [check]}) as client:
        with pytest.raises(wire.HTTPStatusError, match="404"):
            client.get("https://example.org/missing")


def test_logging_request_line(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="wire"), mock_client() as client:
        client.get("https://example.org/path?q=1")
    assert [(r.name, r.getMessage()) for r in caplog.records] == [
        ("wire", 'HTTP Request: GET https://example.org/path?q=1 "HTTP/1.1 200 OK"')
    ]


# --- AsyncClient ------------------------------------------------------------------------------


@backends
@pytest.mark.anyio
async def test_async_client_hooks_and_lifecycle(anyio_backend: str) -> None:
    calls: list[str] = []

    async def on_request(request: wire.Request) -> None:
        calls.append(f"request {request.url.path}")

    async def on_response(response: wire.Response) -> None:
        await response.aread()
        calls.append(f"response {response.status_code} {response.text}")

    async def handler(request: wire.Request) -> wire.Response:
        return wire.Response(200, text="async")

    client = wire.AsyncClient(
        transport=wire.MockTransport(handler),
        event_hooks={"request": [on_request], "response": [on_response]},
    )
    async with client:
        response = await client.get("https://example.org/a")
        assert response.text == "async"
        with pytest.raises(RuntimeError, match="more than once"):
            async with client:
                pass  # pragma: no cover
    assert calls == ["request /a", "response 200 async"]
    assert client.is_closed
    await client.aclose()
    with pytest.raises(RuntimeError, match="client has been closed"):
        await client.get("https://example.org/")


@backends
@pytest.mark.anyio
async def test_async_stream_and_send(anyio_backend: str) -> None:
    async def body() -> typing.AsyncIterator[bytes]:
        for chunk in (b"one\n", b"two\n", b"three\n"):
            yield chunk

    def handler(request: wire.Request) -> wire.Response:
        return wire.Response(200, content=body())

    async with wire.AsyncClient(
        transport=wire.MockTransport(handler), base_url="https://example.org"
    ) as client:
        async with client.stream("GET", "/lines") as response:
            lines = []
            async for line in response.aiter_lines():
                lines.append(line)
                if line == "two":
                    break
        assert lines == ["one", "two"]
        assert response.is_closed
        request = client.build_request("GET", "/lines")
        streamed = await client.send(request, stream=True)
        assert [chunk async for chunk in streamed.aiter_raw()] == [b"one\n", b"two\n", b"three\n"]
        assert streamed.is_closed


@backends
@pytest.mark.anyio
async def test_async_client_rejects_sync_only_body(anyio_backend: str) -> None:
    async with wire.AsyncClient(transport=wire.MockTransport(echo)) as client:
        with pytest.raises(RuntimeError, match="sync request with an AsyncClient"):
            await client.post("https://example.org/", content=iter([b"sync"]))

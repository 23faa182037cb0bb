"""WSGITransport and ASGITransport: in-process applications behind a Client, as in httpx."""

from __future__ import annotations

import asyncio
import io
import json
import sys
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import pytest

import wire

# --- WSGI -------------------------------------------------------------------------------

StartResponse = Callable[..., Any]


def echo_app(environ: dict[str, Any], start_response: StartResponse) -> list[bytes]:
    body = environ["wsgi.input"].read()
    keys = [
        "REQUEST_METHOD", "SCRIPT_NAME", "PATH_INFO", "QUERY_STRING", "SERVER_NAME",
        "SERVER_PORT", "SERVER_PROTOCOL", "REMOTE_ADDR", "CONTENT_TYPE", "CONTENT_LENGTH",
        "HTTP_X_MULTI", "HTTP_HOST", "wsgi.url_scheme",
    ]
    payload = {key: environ.get(key) for key in keys}
    payload["body"] = body.decode()
    data = json.dumps(payload).encode()
    start_response("201 Created", [("Content-Type", "application/json"), ("X-App", "echo")])
    return [data]


def test_wsgi_environ_and_response() -> None:
    transport = wire.WSGITransport(app=echo_app, script_name="/mnt", remote_addr="10.0.0.7")
    with wire.Client(transport=transport) as client:
        response = client.post(
            "https://example.org:8443/a%20b/c?x=1&y=%20",
            content=b"hello",
            headers=[("X-Multi", "1"), ("X-Multi", "2"), ("Content-Type", "text/plain")],
        )
    assert response.status_code == 201
    assert response.headers["x-app"] == "echo"
    assert response.json() == {
        "REQUEST_METHOD": "POST",
        "SCRIPT_NAME": "/mnt",
        "PATH_INFO": "/a b/c",
        "QUERY_STRING": "x=1&y=%20",
        "SERVER_NAME": "example.org",
        "SERVER_PORT": "8443",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "10.0.0.7",
        "CONTENT_TYPE": "text/plain",
        "CONTENT_LENGTH": "5",
        "HTTP_X_MULTI": "1,2",
        "HTTP_HOST": "example.org:8443",
        "wsgi.url_scheme": "https",
        "body": "hello",
    }


@pytest.mark.parametrize(("url", "port"), [("http://t/", "80"), ("https://t/", "443")])
def test_wsgi_default_ports(url: str, port: str) -> None:
    with wire.Client(transport=wire.WSGITransport(app=echo_app)) as client:
        assert client.get(url).json()["SERVER_PORT"] == port


def test_wsgi_utf8_path_reaches_the_app_as_pep3333_latin1() -> None:
    with wire.Client(transport=wire.WSGITransport(app=echo_app)) as client:
        path_info = client.get("http://t/caf%C3%A9").json()["PATH_INFO"]
    assert path_info.encode("latin-1").decode("utf-8") == "/café"


class ClosingBody:
    """A body iterable that records `close()`, as PEP 3333 requires it to be called."""

    def __init__(self, parts: list[bytes]) -> None:
        self.parts = parts
        self.closed = False

    def __iter__(self) -> Iterator[bytes]:
        return iter(self.parts)

    def close(self) -> None:
        self.closed = True


def test_wsgi_streaming_body_is_lazy_and_closed() -> None:
    body = ClosingBody([b"", b"one ", b"", b"two"])

    def app(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        start_response("200 OK", [])
        return body

    with wire.Client(transport=wire.WSGITransport(app=app)) as client:
        with client.stream("GET", "http://t/") as response:
            assert not body.closed
            assert list(response.iter_bytes()) == [b"one ", b"two"]
        assert body.closed


def test_wsgi_generator_app_calls_start_response_late() -> None:
    def app(environ: dict[str, Any], start_response: StartResponse) -> Iterator[bytes]:
        start_response("404 Not Found", [("X-Late", "yes")])
        yield b"gone"

    with wire.Client(transport=wire.WSGITransport(app=app)) as client:
        response = client.get("http://t/")
    assert (response.status_code, response.headers["x-late"], response.text) == (
        404, "yes", "gone",
    )


def test_wsgi_legacy_write_callable() -> None:
    def app(environ: dict[str, Any], start_response: StartResponse) -> list[bytes]:
        write = start_response("200 OK", [])
        write(b"written ")
        return [b"returned"]

    with wire.Client(transport=wire.WSGITransport(app=app)) as client:
        assert client.get("http://t/").content == b"written returned"


def error_app(environ: dict[str, Any], start_response: StartResponse) -> list[bytes]:
    try:
        raise ValueError("boom")
    except ValueError:
        start_response("500 Internal Server Error", [], sys.exc_info())
    return [b"error page"]


def test_wsgi_exc_info_is_raised_by_default() -> None:
    with wire.Client(transport=wire.WSGITransport(app=error_app)) as client:
        with pytest.raises(ValueError, match="boom"):
            client.get("http://t/")


def test_wsgi_exc_info_gives_the_error_page_when_not_raising() -> None:
    transport = wire.WSGITransport(app=error_app, raise_app_exceptions=False)
    with wire.Client(transport=transport) as client:
        response = client.get("http://t/")
    assert (response.status_code, response.text) == (500, "error page")


def test_wsgi_errors_stream_is_configurable() -> None:
    errors = io.StringIO()

    def app(environ: dict[str, Any], start_response: StartResponse) -> list[bytes]:
        environ["wsgi.errors"].write("logged")
        start_response("204 No Content", [])
        return []

    with wire.Client(transport=wire.WSGITransport(app=app, wsgi_errors=errors)) as client:
        assert client.get("http://t/").status_code == 204
    assert errors.getvalue() == "logged"


def test_wsgi_app_that_never_starts_a_response() -> None:
    def app(environ: dict[str, Any], start_response: StartResponse) -> list[bytes]:
        return []

    with wire.Client(transport=wire.WSGITransport(app=app)) as client:
        with pytest.raises(RuntimeError, match="start_response"):
            client.get("http://t/")


# --- ASGI -------------------------------------------------------------------------------

Scope = dict[str, Any]


async def asgi_echo(scope: Scope, receive: Callable[..., Any], send: Callable[..., Any]) -> None:
    assert scope["type"] == "http"
    body = b""
    while True:
        message = await receive()
        body += message.get("body", b"")
        if not message.get("more_body"):
            break
    shown = {
        key: scope[key]
        for key in ("method", "path", "scheme", "root_path", "http_version", "asgi")
    }
    shown.update(
        raw_path=scope["raw_path"].decode(),
        query_string=scope["query_string"].decode(),
        server=list(scope["server"]),
        client=list(scope["client"]),
        headers=[[k.decode(), v.decode()] for k, v in scope["headers"]],
        body=body.decode(),
    )
    await send(
        {
            "type": "http.response.start",
            "status": 202,
            "headers": [(b"content-type", b"application/json"), (b"x-app", b"asgi")],
        }
    )
    data = json.dumps(shown).encode()
    await send({"type": "http.response.body", "body": data[:5], "more_body": True})
    await send({"type": "http.response.body", "body": data[5:]})


async def _asgi_post(transport: wire.ASGITransport, **kwargs: Any) -> wire.Response:
    async with wire.AsyncClient(transport=transport) as client:
        return await client.post("http://example.org:8000/a%20b?q=1", **kwargs)


async def _chunks() -> Any:
    for part in (b"chu", b"nked"):
        yield part


def test_asgi_scope_and_buffered_response() -> None:
    transport = wire.ASGITransport(app=asgi_echo, root_path="/root", client=("1.2.3.4", 9))
    response = asyncio.run(_asgi_post(transport, content=_chunks()))
    assert response.status_code == 202
    assert response.headers["x-app"] == "asgi"
    assert response.json() == {
        "method": "POST",
        "path": "/a b",
        "raw_path": "/a%20b",
        "query_string": "q=1",
        "scheme": "http",
        "root_path": "/root",
        "http_version": "1.1",
        "asgi": {"version": "3.0"},
        "server": ["example.org", 8000],
        "client": ["1.2.3.4", 9],
        "headers": [
            ["host", "example.org:8000"],
            ["accept", "*/*"],
            ["accept-encoding", response.request.headers["accept-encoding"]],
            ["connection", "keep-alive"],
            ["user-agent", response.request.headers["user-agent"]],
            ["transfer-encoding", "chunked"],
        ],
        "body": "chunked",
    }


def test_asgi_default_client_and_head_has_no_body() -> None:
    async def main() -> tuple[wire.Response, wire.Response]:
        async with wire.AsyncClient(transport=wire.ASGITransport(app=asgi_echo)) as client:
            return await client.get("http://t/"), await client.head("http://t/")

    get, head = asyncio.run(main())
    assert get.json()["client"] == ["127.0.0.1", 123]
    assert head.status_code == 202 and head.content == b""


async def failing_app(scope: Scope, receive: Callable[..., Any], send: Callable[..., Any]) -> None:
    raise KeyError("app failure")


def test_asgi_exceptions_propagate_by_default() -> None:
    with pytest.raises(KeyError, match="app failure"):
        asyncio.run(_asgi_post(wire.ASGITransport(app=failing_app)))


def test_asgi_exception_becomes_500_when_not_raising() -> None:
    transport = wire.ASGITransport(app=failing_app, raise_app_exceptions=False)
    response = asyncio.run(_asgi_post(transport))
    assert (response.status_code, response.content) == (500, b"")


def test_asgi_disconnect_after_the_response() -> None:
    seen: list[str] = []

    async def app(scope: Scope, receive: Callable[..., Any], send: Callable[..., Any]) -> None:
        for _ in range(10):  # bounded: the request body is one or two messages
            message = await receive()
            seen.append(message["type"])
            if not message["more_body"]:
                break
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"done"})
        seen.append((await receive())["type"])

    response = asyncio.run(_asgi_post(wire.ASGITransport(app=app), content=b"body"))
    assert response.text == "done"
    assert seen == ["http.request", "http.request", "http.disconnect"]


def test_asgi_under_trio() -> None:
    trio = pytest.importorskip("trio")

    async def main() -> str:
        async with wire.AsyncClient(transport=wire.ASGITransport(app=asgi_echo)) as client:
            response = await client.get("http://t/x")
            return str(response.json()["path"])

    assert trio.run(main) == "/x"

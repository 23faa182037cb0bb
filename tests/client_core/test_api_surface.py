"""The public API: httpx 0.28's names, the exception tree, and a cheap `import wire`."""

from __future__ import annotations

import inspect
import json
import subprocess
import sys

import pytest

import wire

#: httpx 0.28's `__all__` (test_httpx_signatures.py checks the signatures too).
HTTPX_ALL = """
    __description__ __title__ __version__ ASGITransport WSGITransport main
    AsyncBaseTransport AsyncByteStream AsyncClient AsyncHTTPTransport Auth BaseTransport
    BasicAuth ByteStream Client CloseError codes ConnectError ConnectTimeout CookieConflict
    Cookies create_ssl_context DecodingError delete DigestAuth get head Headers
    HTTPError HTTPStatusError HTTPTransport InvalidURL Limits LocalProtocolError MockTransport
    NetRCAuth NetworkError options patch PoolTimeout post ProtocolError Proxy ProxyError put
    QueryParams ReadError ReadTimeout RemoteProtocolError request Request RequestError
    RequestNotRead Response ResponseNotRead stream StreamClosed StreamConsumed StreamError
    SyncByteStream Timeout TimeoutException TooManyRedirects TransportError UnsupportedProtocol
    URL USE_CLIENT_DEFAULT WriteError WriteTimeout
""".split()


@pytest.mark.parametrize("name", HTTPX_ALL)
def test_httpx_name_is_exported(name: str) -> None:
    assert name in wire.__all__
    assert getattr(wire, name) is not None


def test_function_auth_is_importable_but_not_in_all() -> None:
    # As in httpx, FunctionAuth is what a callable `auth=` becomes, not a public name.
    assert "FunctionAuth" not in wire.__all__
    assert issubclass(wire.FunctionAuth, wire.Auth)


def test_lazy_transports_resolve() -> None:
    assert issubclass(wire.HTTPTransport, wire.BaseTransport)
    assert issubclass(wire.AsyncHTTPTransport, wire.AsyncBaseTransport)
    assert {"HTTPTransport", "AsyncHTTPTransport"} <= set(dir(wire))


EXCEPTION_TREE = [
    ("HTTPError", Exception),
    ("RequestError", "HTTPError"),
    ("TransportError", "RequestError"),
    ("TimeoutException", "TransportError"),
    ("ConnectTimeout", "TimeoutException"),
    ("ReadTimeout", "TimeoutException"),
    ("WriteTimeout", "TimeoutException"),
    ("PoolTimeout", "TimeoutException"),
    ("NetworkError", "TransportError"),
    ("ConnectError", "NetworkError"),
    ("ReadError", "NetworkError"),
    ("WriteError", "NetworkError"),
    ("CloseError", "NetworkError"),
    ("ProtocolError", "TransportError"),
    ("LocalProtocolError", "ProtocolError"),
    ("RemoteProtocolError", "ProtocolError"),
    ("ProxyError", "TransportError"),
    ("UnsupportedProtocol", "TransportError"),
    ("DecodingError", "RequestError"),
    ("TooManyRedirects", "RequestError"),
    ("HTTPStatusError", "HTTPError"),
    ("InvalidURL", Exception),
    ("CookieConflict", Exception),
    ("StreamError", RuntimeError),
    ("StreamConsumed", "StreamError"),
    ("StreamClosed", "StreamError"),
    ("ResponseNotRead", "StreamError"),
    ("RequestNotRead", "StreamError"),
]


@pytest.mark.parametrize(("name", "parent"), EXCEPTION_TREE)
def test_exception_hierarchy(name: str, parent: str | type[BaseException]) -> None:
    cls = getattr(wire, name)
    base = getattr(wire, parent) if isinstance(parent, str) else parent
    assert issubclass(cls, base)


@pytest.mark.parametrize("name", ["InvalidURL", "CookieConflict", "StreamError"])
def test_not_http_errors(name: str) -> None:
    assert not issubclass(getattr(wire, name), wire.HTTPError)


def test_http_error_carries_request() -> None:
    request = wire.Request("GET", "https://example.org/")
    error = wire.ConnectError("refused", request=request)
    assert error.request is request
    with pytest.raises(RuntimeError):
        _ = wire.ReadError("no request").request


@pytest.mark.parametrize(
    "method", ["get", "options", "head", "post", "put", "patch", "delete", "request", "stream"]
)
def test_client_methods_share_keyword_names(method: str) -> None:
    sync = inspect.signature(getattr(wire.Client, method))
    async_ = inspect.signature(getattr(wire.AsyncClient, method))
    assert list(sync.parameters) == list(async_.parameters)
    assert {"follow_redirects", "timeout", "auth", "extensions"} <= set(sync.parameters)


def test_client_constructor_parameters_match_httpx() -> None:
    expected = {
        "auth", "params", "headers", "cookies", "verify", "cert", "trust_env", "http1", "http2",
        "proxy", "mounts", "timeout", "follow_redirects", "limits", "max_redirects",
        "event_hooks", "base_url", "transport", "default_encoding",
    }
    wire_only = {"retry", "rate_limit"}  # wire's additions (issue 7), keyword-only, last
    for cls in (wire.Client, wire.AsyncClient):
        names = list(inspect.signature(cls).parameters)
        assert set(names) == expected | wire_only
        assert set(names[-len(wire_only):]) == wire_only


HEAVY = ["rich", "pygments", "click", "h2", "trio", "anyio", "httpcore"]


def test_import_wire_is_light() -> None:
    code = (
        "import json, sys; import wire; "
        f"print(json.dumps([m for m in {HEAVY!r} if m in sys.modules]))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert json.loads(result.stdout) == []


def test_creating_a_client_does_not_import_async_libraries() -> None:
    code = (
        "import json, sys, wire; wire.Client().close(); "
        "print(json.dumps([m for m in ('h2', 'trio', 'anyio') if m in sys.modules]))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert json.loads(result.stdout) == []

"""Top-level one-shot functions: `wire.get(...)`, `wire.post(...)`, `wire.stream(...)`.

Each call opens a `Client`, sends one request, and closes the client: convenient in scripts,
but no connection is reused. Use a `Client` for more than one request to the same host.
"""

from __future__ import annotations

import typing
from collections.abc import Iterator
from contextlib import contextmanager

from ._config import DEFAULT_TIMEOUT_CONFIG
from ._models import Response
from ._sync.client import Client
from ._types import (
    AuthTypes,
    CertTypes,
    CookieTypes,
    HeaderTypes,
    ProxyTypes,
    QueryParamTypes,
    RequestContent,
    RequestData,
    RequestFiles,
    TimeoutTypes,
    VerifyTypes,
)
from ._urls import URL

__all__ = ["delete", "get", "head", "options", "patch", "post", "put", "request", "stream"]


def request(
    method: str,
    url: URL | str,
    *,
    params: QueryParamTypes | None = None,
    content: RequestContent | None = None,
    data: RequestData | None = None,
    files: RequestFiles | None = None,
    json: typing.Any | None = None,
    headers: HeaderTypes | None = None,
    cookies: CookieTypes | None = None,
    auth: AuthTypes | None = None,
    proxy: ProxyTypes | None = None,
    timeout: TimeoutTypes = DEFAULT_TIMEOUT_CONFIG,
    follow_redirects: bool = False,
    verify: VerifyTypes = True,
    cert: CertTypes | None = None,
    trust_env: bool = True,
) -> Response:
    """Send one request with a throw-away `Client` and return the read `Response`.

    Args:
        method: str, e.g. "GET".
        url: an absolute URL (str or `URL`).
        params, content, data, files, json, headers, cookies: as `Client.request()`.
        auth: `(user, password)`, an `Auth`, or a callable; None for none.
        proxy: a proxy URL or `Proxy`; None for none (or the environment's).
        timeout: float seconds, a 4-tuple, `Timeout`, or None for none (default 5 s).
        follow_redirects: follow 3xx responses (default False).
        verify: True (certifi), False, a CA path, or an `ssl.SSLContext`.
        cert: client certificate path, `(cert, key)` or `(cert, key, password)`.
        trust_env: honour proxy and SSL environment variables.

    Returns:
        The `Response`, with its body read.

    Raises:
        RequestError: any subclass (ConnectError, ReadTimeout, TooManyRedirects, ...).
        InvalidURL: for a malformed URL.

    Example:
        response = wire.request("GET", "https://example.org")
    """
    with Client(
        cookies=cookies, proxy=proxy, cert=cert, verify=verify, timeout=timeout,
        trust_env=trust_env,
    ) as client:
        return client.request(
            method=method, url=url, content=content, data=data, files=files, json=json,
            params=params, headers=headers, auth=auth, follow_redirects=follow_redirects,
        )


@contextmanager
def stream(
    method: str,
    url: URL | str,
    *,
    params: QueryParamTypes | None = None,
    content: RequestContent | None = None,
    data: RequestData | None = None,
    files: RequestFiles | None = None,
    json: typing.Any | None = None,
    headers: HeaderTypes | None = None,
    cookies: CookieTypes | None = None,
    auth: AuthTypes | None = None,
    proxy: ProxyTypes | None = None,
    timeout: TimeoutTypes = DEFAULT_TIMEOUT_CONFIG,
    follow_redirects: bool = False,
    verify: VerifyTypes = True,
    cert: CertTypes | None = None,
    trust_env: bool = True,
) -> Iterator[Response]:
    """Send one request and yield the `Response` with its body unread (arguments as `request`).

    Read it inside the block with `iter_bytes()` and friends; it is closed on exit.

    Raises:
        RequestError: any subclass.
    """
    with Client(
        cookies=cookies, proxy=proxy, cert=cert, verify=verify, timeout=timeout,
        trust_env=trust_env,
    ) as client:
        with client.stream(
            method=method, url=url, content=content, data=data, files=files, json=json,
            params=params, headers=headers, auth=auth, follow_redirects=follow_redirects,
        ) as response:
            yield response


def _no_body(method: str) -> typing.Callable[..., Response]:
    def send(
        url: URL | str,
        *,
        params: QueryParamTypes | None = None,
        headers: HeaderTypes | None = None,
        cookies: CookieTypes | None = None,
        auth: AuthTypes | None = None,
        proxy: ProxyTypes | None = None,
        follow_redirects: bool = False,
        cert: CertTypes | None = None,
        verify: VerifyTypes = True,
        timeout: TimeoutTypes = DEFAULT_TIMEOUT_CONFIG,
        trust_env: bool = True,
    ) -> Response:
        return request(
            method, url, params=params, headers=headers, cookies=cookies, auth=auth,
            proxy=proxy, follow_redirects=follow_redirects, cert=cert, verify=verify,
            timeout=timeout, trust_env=trust_env,
        )

    send.__name__ = send.__qualname__ = method.lower()
    send.__doc__ = (
        f"Send a {method} request with a throw-away `Client`; arguments, return value and "
        "errors as `request()`."
    )
    return send


def _with_body(method: str) -> typing.Callable[..., Response]:
    def send(
        url: URL | str,
        *,
        content: RequestContent | None = None,
        data: RequestData | None = None,
        files: RequestFiles | None = None,
        json: typing.Any | None = None,
        params: QueryParamTypes | None = None,
        headers: HeaderTypes | None = None,
        cookies: CookieTypes | None = None,
        auth: AuthTypes | None = None,
        proxy: ProxyTypes | None = None,
        follow_redirects: bool = False,
        cert: CertTypes | None = None,
        verify: VerifyTypes = True,
        timeout: TimeoutTypes = DEFAULT_TIMEOUT_CONFIG,
        trust_env: bool = True,
    ) -> Response:
        return request(
            method, url, content=content, data=data, files=files, json=json, params=params,
            headers=headers, cookies=cookies, auth=auth, proxy=proxy,
            follow_redirects=follow_redirects, cert=cert, verify=verify, timeout=timeout,
            trust_env=trust_env,
        )

    send.__name__ = send.__qualname__ = method.lower()
    send.__doc__ = (
        f"Send a {method} request with a throw-away `Client`; arguments, return value and "
        "errors as `request()`."
    )
    return send


get = _no_body("GET")
options = _no_body("OPTIONS")
head = _no_body("HEAD")
delete = _no_body("DELETE")
post = _with_body("POST")
put = _with_body("PUT")
patch = _with_body("PATCH")

"""Top-level one-shot functions: `wire.get(...)`, `wire.post(...)`, `wire.stream(...)`.

Each call opens a `Client`, sends one request, and closes the client: convenient in scripts,
but no connection is reused. Use a `Client` for more than one request to the same host.

The signatures are httpx 0.28's, parameter for parameter (names, order and defaults), written
out in full so that editors and type checkers see them. `main` runs wire's command line.
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

__all__ = ["delete", "get", "head", "main", "options", "patch", "post", "put", "request", "stream"]


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
    trust_env: bool = True,
) -> Response:
    """Send one request with a throw-away `Client` and return the `Response`, body read.

    Args:
        method: str HTTP method, e.g. "GET" (upper-cased).
        url: an absolute URL, str or `URL`.
        content: raw body: bytes, str (sent UTF-8), or a (sync) iterable of bytes (sent with
            Transfer-Encoding: chunked).
        data: form fields as a dict (application/x-www-form-urlencoded, or multipart
            alongside `files`).
        files: multipart files: `{name: file | (filename, file[, content_type[, headers]])}`,
            file being bytes, str or a binary file object (streamed).
        json: any JSON-serialisable value, sent compact, UTF-8, as application/json.
        params: query parameters (dict, list of pairs, str or `QueryParams`); they replace
            the URL's own query, as in httpx. None (default): the URL's query as is.
        headers: request headers (dict, list of pairs, or `Headers`; str or bytes).
        cookies: cookies to send (dict, `Cookies` or `http.cookiejar.CookieJar`).
        auth: `(username, password)` for Basic auth, an `Auth`, or a callable
            `(Request) -> Request`; None (default) for none.
        proxy: a proxy URL (str or `URL`) or `Proxy`; None (default) uses the
            environment's (HTTP_PROXY, ...) when `trust_env` is True.
        follow_redirects: bool, follow 3xx responses (default False).
        verify: True (certifi's CA bundle, default), False (no TLS verification), a CA
            bundle path (str), or an `ssl.SSLContext`.
        timeout: float seconds for every phase, a `(connect, read, write, pool)` tuple,
            a `Timeout`, or None for no timeout; default 5 seconds.
        trust_env: bool, honour proxy and SSL environment variables and netrc (default True).

    Returns:
        The `Response`, its body read (`.content`, `.text`, `.json()` work) and its
        connection closed.

    Raises:
        TimeoutException: a subclass (ConnectTimeout, ReadTimeout, WriteTimeout,
            PoolTimeout) when a phase takes longer than `timeout` seconds.
        NetworkError: a subclass (ConnectError, ReadError, ...) on a network failure.
        ProtocolError: the server broke HTTP/1.1 or HTTP/2.
        UnsupportedProtocol: the URL's scheme is not http or https.
        TooManyRedirects: more than 20 redirects with `follow_redirects=True`.
        InvalidURL: `url` cannot be parsed.

    Example:
        >>> response = wire.request("GET", "https://example.org")  # doctest: +SKIP
        >>> response.status_code  # doctest: +SKIP
        200
    """
    with Client(
        cookies=cookies, proxy=proxy, verify=verify, timeout=timeout, trust_env=trust_env
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
    trust_env: bool = True,
) -> Iterator[Response]:
    """Send one request and yield its `Response` with the body unread, in a `with` block.

    Read the body inside the block with `iter_bytes()`, `iter_text()`, `iter_lines()`,
    `iter_raw()` or `read()`; the response and its throw-away `Client` are closed when the
    block exits. Arguments, and the errors raised on entering the block, are those of
    `request()`.

    Example:
        >>> with wire.stream("GET", "https://example.org/big") as response:  # doctest: +SKIP
        ...     for chunk in response.iter_bytes():
        ...         ...
    """
    with Client(
        cookies=cookies, proxy=proxy, verify=verify, timeout=timeout, trust_env=trust_env
    ) as client:
        with client.stream(
            method=method, url=url, content=content, data=data, files=files, json=json,
            params=params, headers=headers, auth=auth, follow_redirects=follow_redirects,
        ) as response:
            yield response


def get(
    url: URL | str,
    *,
    params: QueryParamTypes | None = None,
    headers: HeaderTypes | None = None,
    cookies: CookieTypes | None = None,
    auth: AuthTypes | None = None,
    proxy: ProxyTypes | None = None,
    follow_redirects: bool = False,
    verify: VerifyTypes = True,
    timeout: TimeoutTypes = DEFAULT_TIMEOUT_CONFIG,
    trust_env: bool = True,
) -> Response:
    """Send a GET request with a throw-away `Client`; the body is read.

    Args:
        url: an absolute URL, str or `URL`.
        params: query parameters (dict, list of pairs, str or `QueryParams`); they replace
            the URL's own query, as in httpx. None (default): the URL's query as is.
        headers: request headers (dict, list of pairs, or `Headers`; str or bytes).
        cookies: cookies to send (dict, `Cookies` or `http.cookiejar.CookieJar`).
        auth: `(username, password)` for Basic auth, an `Auth`, or a callable
            `(Request) -> Request`; None (default) for none.
        proxy: a proxy URL (str or `URL`) or `Proxy`; None (default) uses the
            environment's (HTTP_PROXY, ...) when `trust_env` is True.
        follow_redirects: bool, follow 3xx responses (default False).
        verify: True (certifi's CA bundle, default), False (no TLS verification), a CA
            bundle path (str), or an `ssl.SSLContext`.
        timeout: float seconds for every phase, a `(connect, read, write, pool)` tuple,
            a `Timeout`, or None for no timeout; default 5 seconds.
        trust_env: bool, honour proxy and SSL environment variables and netrc (default True).

    Returns:
        The `Response`, its body read and its connection closed.

    Raises:
        TimeoutException: a subclass (ConnectTimeout, ReadTimeout, WriteTimeout,
            PoolTimeout) when a phase takes longer than `timeout` seconds.
        NetworkError: a subclass (ConnectError, ReadError, ...) on a network failure.
        ProtocolError: the server broke HTTP/1.1 or HTTP/2.
        UnsupportedProtocol: the URL's scheme is not http or https.
        TooManyRedirects: more than 20 redirects with `follow_redirects=True`.
        InvalidURL: `url` cannot be parsed.
    """
    return request(
        "GET",
        url,
        params=params,
        headers=headers,
        cookies=cookies,
        auth=auth,
        proxy=proxy,
        follow_redirects=follow_redirects,
        verify=verify,
        timeout=timeout,
        trust_env=trust_env,
    )


def options(
    url: URL | str,
    *,
    params: QueryParamTypes | None = None,
    headers: HeaderTypes | None = None,
    cookies: CookieTypes | None = None,
    auth: AuthTypes | None = None,
    proxy: ProxyTypes | None = None,
    follow_redirects: bool = False,
    verify: VerifyTypes = True,
    timeout: TimeoutTypes = DEFAULT_TIMEOUT_CONFIG,
    trust_env: bool = True,
) -> Response:
    """Send an OPTIONS request with a throw-away `Client`; the body is read.

    Args:
        url: an absolute URL, str or `URL`.
        params: query parameters (dict, list of pairs, str or `QueryParams`); they replace
            the URL's own query, as in httpx. None (default): the URL's query as is.
        headers: request headers (dict, list of pairs, or `Headers`; str or bytes).
        cookies: cookies to send (dict, `Cookies` or `http.cookiejar.CookieJar`).
        auth: `(username, password)` for Basic auth, an `Auth`, or a callable
            `(Request) -> Request`; None (default) for none.
        proxy: a proxy URL (str or `URL`) or `Proxy`; None (default) uses the
            environment's (HTTP_PROXY, ...) when `trust_env` is True.
        follow_redirects: bool, follow 3xx responses (default False).
        verify: True (certifi's CA bundle, default), False (no TLS verification), a CA
            bundle path (str), or an `ssl.SSLContext`.
        timeout: float seconds for every phase, a `(connect, read, write, pool)` tuple,
            a `Timeout`, or None for no timeout; default 5 seconds.
        trust_env: bool, honour proxy and SSL environment variables and netrc (default True).

    Returns:
        The `Response`, its body read and its connection closed.

    Raises:
        TimeoutException: a subclass (ConnectTimeout, ReadTimeout, WriteTimeout,
            PoolTimeout) when a phase takes longer than `timeout` seconds.
        NetworkError: a subclass (ConnectError, ReadError, ...) on a network failure.
        ProtocolError: the server broke HTTP/1.1 or HTTP/2.
        UnsupportedProtocol: the URL's scheme is not http or https.
        TooManyRedirects: more than 20 redirects with `follow_redirects=True`.
        InvalidURL: `url` cannot be parsed.
    """
    return request(
        "OPTIONS",
        url,
        params=params,
        headers=headers,
        cookies=cookies,
        auth=auth,
        proxy=proxy,
        follow_redirects=follow_redirects,
        verify=verify,
        timeout=timeout,
        trust_env=trust_env,
    )


def head(
    url: URL | str,
    *,
    params: QueryParamTypes | None = None,
    headers: HeaderTypes | None = None,
    cookies: CookieTypes | None = None,
    auth: AuthTypes | None = None,
    proxy: ProxyTypes | None = None,
    follow_redirects: bool = False,
    verify: VerifyTypes = True,
    timeout: TimeoutTypes = DEFAULT_TIMEOUT_CONFIG,
    trust_env: bool = True,
) -> Response:
    """Send a HEAD request with a throw-away `Client`; the body is read.

    Args:
        url: an absolute URL, str or `URL`.
        params: query parameters (dict, list of pairs, str or `QueryParams`); they replace
            the URL's own query, as in httpx. None (default): the URL's query as is.
        headers: request headers (dict, list of pairs, or `Headers`; str or bytes).
        cookies: cookies to send (dict, `Cookies` or `http.cookiejar.CookieJar`).
        auth: `(username, password)` for Basic auth, an `Auth`, or a callable
            `(Request) -> Request`; None (default) for none.
        proxy: a proxy URL (str or `URL`) or `Proxy`; None (default) uses the
            environment's (HTTP_PROXY, ...) when `trust_env` is True.
        follow_redirects: bool, follow 3xx responses (default False).
        verify: True (certifi's CA bundle, default), False (no TLS verification), a CA
            bundle path (str), or an `ssl.SSLContext`.
        timeout: float seconds for every phase, a `(connect, read, write, pool)` tuple,
            a `Timeout`, or None for no timeout; default 5 seconds.
        trust_env: bool, honour proxy and SSL environment variables and netrc (default True).

    Returns:
        The `Response`, its body read and its connection closed.

    Raises:
        TimeoutException: a subclass (ConnectTimeout, ReadTimeout, WriteTimeout,
            PoolTimeout) when a phase takes longer than `timeout` seconds.
        NetworkError: a subclass (ConnectError, ReadError, ...) on a network failure.
        ProtocolError: the server broke HTTP/1.1 or HTTP/2.
        UnsupportedProtocol: the URL's scheme is not http or https.
        TooManyRedirects: more than 20 redirects with `follow_redirects=True`.
        InvalidURL: `url` cannot be parsed.
    """
    return request(
        "HEAD",
        url,
        params=params,
        headers=headers,
        cookies=cookies,
        auth=auth,
        proxy=proxy,
        follow_redirects=follow_redirects,
        verify=verify,
        timeout=timeout,
        trust_env=trust_env,
    )


def post(
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
    verify: VerifyTypes = True,
    timeout: TimeoutTypes = DEFAULT_TIMEOUT_CONFIG,
    trust_env: bool = True,
) -> Response:
    """Send a POST request with a throw-away `Client`; the body is read.

    Args:
        url: an absolute URL, str or `URL`.
        content: raw body: bytes, str (sent UTF-8), or a (sync) iterable of bytes (sent with
            Transfer-Encoding: chunked).
        data: form fields as a dict (application/x-www-form-urlencoded, or multipart
            alongside `files`).
        files: multipart files: `{name: file | (filename, file[, content_type[, headers]])}`,
            file being bytes, str or a binary file object (streamed).
        json: any JSON-serialisable value, sent compact, UTF-8, as application/json.
        params: query parameters (dict, list of pairs, str or `QueryParams`); they replace
            the URL's own query, as in httpx. None (default): the URL's query as is.
        headers: request headers (dict, list of pairs, or `Headers`; str or bytes).
        cookies: cookies to send (dict, `Cookies` or `http.cookiejar.CookieJar`).
        auth: `(username, password)` for Basic auth, an `Auth`, or a callable
            `(Request) -> Request`; None (default) for none.
        proxy: a proxy URL (str or `URL`) or `Proxy`; None (default) uses the
            environment's (HTTP_PROXY, ...) when `trust_env` is True.
        follow_redirects: bool, follow 3xx responses (default False).
        verify: True (certifi's CA bundle, default), False (no TLS verification), a CA
            bundle path (str), or an `ssl.SSLContext`.
        timeout: float seconds for every phase, a `(connect, read, write, pool)` tuple,
            a `Timeout`, or None for no timeout; default 5 seconds.
        trust_env: bool, honour proxy and SSL environment variables and netrc (default True).

    Returns:
        The `Response`, its body read and its connection closed.

    Raises:
        TimeoutException: a subclass (ConnectTimeout, ReadTimeout, WriteTimeout,
            PoolTimeout) when a phase takes longer than `timeout` seconds.
        NetworkError: a subclass (ConnectError, ReadError, ...) on a network failure.
        ProtocolError: the server broke HTTP/1.1 or HTTP/2.
        UnsupportedProtocol: the URL's scheme is not http or https.
        TooManyRedirects: more than 20 redirects with `follow_redirects=True`.
        InvalidURL: `url` cannot be parsed.
    """
    return request(
        "POST",
        url,
        content=content,
        data=data,
        files=files,
        json=json,
        params=params,
        headers=headers,
        cookies=cookies,
        auth=auth,
        proxy=proxy,
        follow_redirects=follow_redirects,
        verify=verify,
        timeout=timeout,
        trust_env=trust_env,
    )


def put(
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
    verify: VerifyTypes = True,
    timeout: TimeoutTypes = DEFAULT_TIMEOUT_CONFIG,
    trust_env: bool = True,
) -> Response:
    """Send a PUT request with a throw-away `Client`; the body is read.

    Args:
        url: an absolute URL, str or `URL`.
        content: raw body: bytes, str (sent UTF-8), or a (sync) iterable of bytes (sent with
            Transfer-Encoding: chunked).
        data: form fields as a dict (application/x-www-form-urlencoded, or multipart
            alongside `files`).
        files: multipart files: `{name: file | (filename, file[, content_type[, headers]])}`,
            file being bytes, str or a binary file object (streamed).
        json: any JSON-serialisable value, sent compact, UTF-8, as application/json.
        params: query parameters (dict, list of pairs, str or `QueryParams`); they replace
            the URL's own query, as in httpx. None (default): the URL's query as is.
        headers: request headers (dict, list of pairs, or `Headers`; str or bytes).
        cookies: cookies to send (dict, `Cookies` or `http.cookiejar.CookieJar`).
        auth: `(username, password)` for Basic auth, an `Auth`, or a callable
            `(Request) -> Request`; None (default) for none.
        proxy: a proxy URL (str or `URL`) or `Proxy`; None (default) uses the
            environment's (HTTP_PROXY, ...) when `trust_env` is True.
        follow_redirects: bool, follow 3xx responses (default False).
        verify: True (certifi's CA bundle, default), False (no TLS verification), a CA
            bundle path (str), or an `ssl.SSLContext`.
        timeout: float seconds for every phase, a `(connect, read, write, pool)` tuple,
            a `Timeout`, or None for no timeout; default 5 seconds.
        trust_env: bool, honour proxy and SSL environment variables and netrc (default True).

    Returns:
        The `Response`, its body read and its connection closed.

    Raises:
        TimeoutException: a subclass (ConnectTimeout, ReadTimeout, WriteTimeout,
            PoolTimeout) when a phase takes longer than `timeout` seconds.
        NetworkError: a subclass (ConnectError, ReadError, ...) on a network failure.
        ProtocolError: the server broke HTTP/1.1 or HTTP/2.
        UnsupportedProtocol: the URL's scheme is not http or https.
        TooManyRedirects: more than 20 redirects with `follow_redirects=True`.
        InvalidURL: `url` cannot be parsed.
    """
    return request(
        "PUT",
        url,
        content=content,
        data=data,
        files=files,
        json=json,
        params=params,
        headers=headers,
        cookies=cookies,
        auth=auth,
        proxy=proxy,
        follow_redirects=follow_redirects,
        verify=verify,
        timeout=timeout,
        trust_env=trust_env,
    )


def patch(
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
    verify: VerifyTypes = True,
    timeout: TimeoutTypes = DEFAULT_TIMEOUT_CONFIG,
    trust_env: bool = True,
) -> Response:
    """Send a PATCH request with a throw-away `Client`; the body is read.

    Args:
        url: an absolute URL, str or `URL`.
        content: raw body: bytes, str (sent UTF-8), or a (sync) iterable of bytes (sent with
            Transfer-Encoding: chunked).
        data: form fields as a dict (application/x-www-form-urlencoded, or multipart
            alongside `files`).
        files: multipart files: `{name: file | (filename, file[, content_type[, headers]])}`,
            file being bytes, str or a binary file object (streamed).
        json: any JSON-serialisable value, sent compact, UTF-8, as application/json.
        params: query parameters (dict, list of pairs, str or `QueryParams`); they replace
            the URL's own query, as in httpx. None (default): the URL's query as is.
        headers: request headers (dict, list of pairs, or `Headers`; str or bytes).
        cookies: cookies to send (dict, `Cookies` or `http.cookiejar.CookieJar`).
        auth: `(username, password)` for Basic auth, an `Auth`, or a callable
            `(Request) -> Request`; None (default) for none.
        proxy: a proxy URL (str or `URL`) or `Proxy`; None (default) uses the
            environment's (HTTP_PROXY, ...) when `trust_env` is True.
        follow_redirects: bool, follow 3xx responses (default False).
        verify: True (certifi's CA bundle, default), False (no TLS verification), a CA
            bundle path (str), or an `ssl.SSLContext`.
        timeout: float seconds for every phase, a `(connect, read, write, pool)` tuple,
            a `Timeout`, or None for no timeout; default 5 seconds.
        trust_env: bool, honour proxy and SSL environment variables and netrc (default True).

    Returns:
        The `Response`, its body read and its connection closed.

    Raises:
        TimeoutException: a subclass (ConnectTimeout, ReadTimeout, WriteTimeout,
            PoolTimeout) when a phase takes longer than `timeout` seconds.
        NetworkError: a subclass (ConnectError, ReadError, ...) on a network failure.
        ProtocolError: the server broke HTTP/1.1 or HTTP/2.
        UnsupportedProtocol: the URL's scheme is not http or https.
        TooManyRedirects: more than 20 redirects with `follow_redirects=True`.
        InvalidURL: `url` cannot be parsed.
    """
    return request(
        "PATCH",
        url,
        content=content,
        data=data,
        files=files,
        json=json,
        params=params,
        headers=headers,
        cookies=cookies,
        auth=auth,
        proxy=proxy,
        follow_redirects=follow_redirects,
        verify=verify,
        timeout=timeout,
        trust_env=trust_env,
    )


def delete(
    url: URL | str,
    *,
    params: QueryParamTypes | None = None,
    headers: HeaderTypes | None = None,
    cookies: CookieTypes | None = None,
    auth: AuthTypes | None = None,
    proxy: ProxyTypes | None = None,
    follow_redirects: bool = False,
    timeout: TimeoutTypes = DEFAULT_TIMEOUT_CONFIG,
    verify: VerifyTypes = True,
    trust_env: bool = True,
) -> Response:
    """Send a DELETE request with a throw-away `Client`; the body is read.

    Args:
        url: an absolute URL, str or `URL`.
        params: query parameters (dict, list of pairs, str or `QueryParams`); they replace
            the URL's own query, as in httpx. None (default): the URL's query as is.
        headers: request headers (dict, list of pairs, or `Headers`; str or bytes).
        cookies: cookies to send (dict, `Cookies` or `http.cookiejar.CookieJar`).
        auth: `(username, password)` for Basic auth, an `Auth`, or a callable
            `(Request) -> Request`; None (default) for none.
        proxy: a proxy URL (str or `URL`) or `Proxy`; None (default) uses the
            environment's (HTTP_PROXY, ...) when `trust_env` is True.
        follow_redirects: bool, follow 3xx responses (default False).
        verify: True (certifi's CA bundle, default), False (no TLS verification), a CA
            bundle path (str), or an `ssl.SSLContext`.
        timeout: float seconds for every phase, a `(connect, read, write, pool)` tuple,
            a `Timeout`, or None for no timeout; default 5 seconds.
        trust_env: bool, honour proxy and SSL environment variables and netrc (default True).

    Returns:
        The `Response`, its body read and its connection closed.

    Raises:
        TimeoutException: a subclass (ConnectTimeout, ReadTimeout, WriteTimeout,
            PoolTimeout) when a phase takes longer than `timeout` seconds.
        NetworkError: a subclass (ConnectError, ReadError, ...) on a network failure.
        ProtocolError: the server broke HTTP/1.1 or HTTP/2.
        UnsupportedProtocol: the URL's scheme is not http or https.
        TooManyRedirects: more than 20 redirects with `follow_redirects=True`.
        InvalidURL: `url` cannot be parsed.
    """
    return request(
        "DELETE",
        url,
        params=params,
        headers=headers,
        cookies=cookies,
        auth=auth,
        proxy=proxy,
        follow_redirects=follow_redirects,
        timeout=timeout,
        verify=verify,
        trust_env=trust_env,
    )


def main(*args: typing.Any, **kwargs: typing.Any) -> typing.Any:
    """Run wire's command line, as `httpx.main` runs httpx's (e.g. from an entry point).

    wire's command line takes HTTPie-style arguments (`wire [METHOD] URL [ITEM ...]`), not
    the httpx CLI's. The CLI (click, rich) is imported only when this is called.

    Args:
        *args: optionally the argument list (list of str, without the program name).
        **kwargs: `args=` the same list; None (default) reads `sys.argv[1:]`.

    Raises:
        SystemExit: always, with the command's exit status (0 on success).
    """
    argv = kwargs.pop("args", args[0] if args else None)
    # The one reference from the client core up to the CLI, made at call time only, so
    # that importing wire never imports click or rich (httpx's `main` is its CLI too).
    from ..cli._command import main as cli_main

    return cli_main(argv)

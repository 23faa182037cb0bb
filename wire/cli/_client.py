"""`ClientSettings` and `RequestSpec` → a configured `wire.Client` and the `Request` to send.

Everything here goes through the client core's public API (Client, transports, Auth classes,
request extensions); nothing is sent. The request-shaping options map as follows:

    ======================  ====================================================================
    option                  how
    ======================  ====================================================================
    --http1.1               `http1=True, http2=False`
    (default), --http2      `http2=True`: ALPN offers h2 and http/1.1 over TLS; plain http stays
                            HTTP/1.1
    --http2-prior-knowledge `http1=False, http2=True`: h2 from the first byte (RFC 9113 §3.3)
    --proxy SCHEME:URL      `mounts={"SCHEME://": HTTPTransport(proxy=URL)}`, SOCKS included
    --unix-socket PATH      `transport=HTTPTransport(uds=PATH)`
    --resolve H:P:ADDR      the URL's host becomes ADDR; Host keeps H and TLS checks H through the
                            `sni_hostname` extension
    --ssl, --ciphers        a fresh `SSLContext` (never the shared default one) with
                            `minimum_version` / `set_ciphers`
    --path-as-is            the request target keeps `/../` and `/./` (RFC 3986 §5.2.4 not run)
    -x / -xx                `Content-Encoding: deflate` (RFC 9110 §8.4.1.2, the zlib format)
    --chunked               the body as an iterator: `Transfer-Encoding: chunked` (RFC 9112 §7.1)
    ======================  ====================================================================
"""

from __future__ import annotations

import os
import ssl
import zlib
from collections.abc import Iterator, Mapping
from typing import Any

from ..client_core import (
    URL,
    Auth,
    BasicAuth,
    Client,
    DigestAuth,
    FunctionAuth,
    QueryParams,
    Request,
    Timeout,
)
from ._build import AuthSpec, BuildError, ClientSettings, RequestSpec

__all__ = ["apply_resolve", "build_request", "make_auth", "make_client", "netrc_auth"]


def make_auth(spec: AuthSpec | None) -> Auth | None:
    """The client-core `Auth` for an `AuthSpec` (None for none)."""
    if spec is None:
        return None
    if spec.type == "digest":
        return DigestAuth(spec.username, spec.password)
    if spec.type == "bearer":
        token = spec.username

        def bearer(request: Request) -> Request:
            # RFC 6750 §2.1: the Authorization request header field with the Bearer scheme.
            request.headers["Authorization"] = f"Bearer {token}"
            return request

        return FunctionAuth(bearer)
    return BasicAuth(spec.username, spec.password)


def netrc_auth(environ: Mapping[str, str], host: str) -> AuthSpec | None:
    """Basic credentials for `host` from `$NETRC` or `~/.netrc`, or None.

    A netrc file that cannot be parsed is ignored, as curl and HTTPie do: it must never stop
    a request that did not ask for it.
    """
    path = environ.get("NETRC") or (
        os.path.join(environ["HOME"], ".netrc") if environ.get("HOME") else None
    )
    if not path or not os.path.isfile(path):
        return None
    import netrc

    try:
        entry = netrc.netrc(path).authenticators(host)
    except (OSError, netrc.NetrcParseError):
        return None
    if entry is None:
        return None
    login, _, password = entry
    return AuthSpec("basic", login or "", password or "")


def _ssl_context(settings: ClientSettings) -> ssl.SSLContext | bool | str:
    cert: Any = None
    if settings.cert:
        cert = settings.cert if not settings.cert_key else (settings.cert, settings.cert_key)
        if settings.cert_key and settings.cert_key_pass is not None:
            cert = (settings.cert, settings.cert_key, settings.cert_key_pass)
    if cert is None and settings.ssl_version is None and settings.ciphers is None:
        return settings.verify  # the client builds (and may share) its own context
    from ..client_core import create_ssl_context

    verify = settings.verify
    if verify is True:
        import certifi  # a path gives a fresh context: the shared default is never mutated

        verify = certifi.where()
    try:
        context = create_ssl_context(verify=verify, cert=cert)
        if settings.ssl_version is not None:
            context.minimum_version = (
                ssl.TLSVersion.TLSv1_3 if settings.ssl_version == "tls1.3"
                else ssl.TLSVersion.TLSv1_2
            )
        if settings.ciphers:
            context.set_ciphers(settings.ciphers)
    except ssl.SSLError as exc:
        raise BuildError(f"TLS options: {getattr(exc, 'reason', None) or exc}") from exc
    except OSError as exc:
        raise BuildError(f"--cert: {exc.strerror or exc}") from exc
    return context


def make_client(settings: ClientSettings, **kwargs: Any) -> Client:
    """Open a `Client` configured by `settings` (the caller closes it).

    Args:
        settings: the `ClientSettings`.
        **kwargs: more `Client` arguments (e.g. `cookies`).

    Raises:
        BuildError: a TLS option or certificate is invalid.
        ImportError: a SOCKS proxy without the `socksio` package.
    """
    from ..client_core._transports.default import HTTPTransport

    verify = _ssl_context(settings)
    http1 = settings.http_version != "2-prior"
    http2 = settings.http_version != "1.1"
    timeout = Timeout(settings.timeout, connect=settings.connect_timeout or settings.timeout)
    transport_options: dict[str, Any] = {"verify": verify, "http1": http1, "http2": http2}
    transport = None
    if settings.unix_socket:
        transport = HTTPTransport(uds=settings.unix_socket, **transport_options)
    mounts = {
        f"{scheme}://": HTTPTransport(proxy=url, **transport_options)
        for scheme, url in settings.proxies
    }
    return Client(
        verify=verify,
        http1=http1,
        http2=http2,
        timeout=timeout,
        transport=transport,
        mounts=mounts or None,
        follow_redirects=False,  # `_run` follows them, to print and to guard credentials
        **kwargs,
    )


def apply_resolve(request: Request, resolve: tuple[tuple[str, int, str], ...]) -> None:
    """Point `request` at the address --resolve gives for its host and port, in place.

    The Host header keeps the name (it was set from the original URL), and TLS checks the
    certificate against it through the `sni_hostname` extension.
    """
    url = request.url
    for host, port, address in resolve:
        if url.host == host and (url.port or (443 if url.scheme == "https" else 80)) == port:
            request.extensions["sni_hostname"] = url.host
            request.url = url.copy_with(host=address)
            return


class _AsIsURL(URL):
    """A URL whose request target is given as typed (--path-as-is)."""

    _as_is_target: bytes = b"/"

    @property
    def raw_path(self) -> bytes:
        return self._as_is_target


def _as_is(url: URL, path: str) -> URL:
    from urllib.parse import quote

    as_is = _AsIsURL(str(url))
    target = quote(path, safe="/%:@!$&'()*+,;=-._~")
    if url.query:
        target += "?" + url.query.decode("ascii")
    as_is._as_is_target = target.encode("ascii")
    return as_is


def _multipart(spec: RequestSpec, files: list[tuple[str, Any]]) -> tuple[dict[str, str], Any]:
    from ..client_core._multipart import MultipartStream

    fields: dict[str, list[str]] = {}
    for key, value in spec.form or ():
        fields.setdefault(key, []).append(value)
    boundary = spec.boundary.encode("ascii") if spec.boundary else None
    stream = MultipartStream(data=fields, files=files, boundary=boundary)
    return stream.get_headers(), stream


def _chunks(body: bytes) -> Iterator[bytes]:
    yield body


def _body(spec: RequestSpec, files: list[tuple[str, Any]]) -> tuple[dict[str, str], Any]:
    """(framing headers, content) for the request body, encoded, compressed, chunked."""
    headers: dict[str, str] = {}
    content: Any = spec.content
    if spec.multipart:
        headers, content = _multipart(spec, files)
        headers.pop("Content-Length", None)
        if spec.compress or not spec.chunked:
            content = b"".join(content)  # measured (and shown by -v) like any other body
    elif spec.form is not None:
        from urllib.parse import urlencode

        content = urlencode(list(spec.form)).encode("ascii")
    if content is not None and spec.compress and isinstance(content, bytes):
        deflated = zlib.compress(content)
        if spec.compress > 1 or len(deflated) < len(content):
            content = deflated
            headers["Content-Encoding"] = "deflate"
    if spec.chunked and isinstance(content, bytes):
        content = _chunks(content)
    return headers, content


def build_request(client: Client, spec: RequestSpec, files: list[tuple[str, Any]]) -> Request:
    """Build the `Request` for `spec` with `client` (its default headers and cookies).

    Args:
        client: the open client.
        spec: the `RequestSpec`.
        files: `(field, (filename, open binary file, MIME type or None))` upload fields.

    Returns:
        The request, not sent.
    """
    framing, content = _body(spec, files)
    headers = [*spec.headers]
    names = {name.lower() for name, _ in headers}
    headers += [(n, v) for n, v in framing.items() if n.lower() not in names]
    # `name==value` items are appended to the URL's own query, as HTTPie does (httpx 0.28's
    # `params=` would replace it, and `copy_merge_params` would replace repeated names).
    # Each pair is encoded on its own so the order typed is the order sent.
    url: URL | str = spec.url
    if spec.params:
        parsed = URL(spec.url)
        added = "&".join(str(QueryParams([pair])) for pair in spec.params).encode("ascii")
        url = parsed.copy_with(query=parsed.query + b"&" + added if parsed.query else added)
    request = client.build_request(spec.method, url, headers=headers, content=content)
    for name in spec.unset_headers:
        if name in request.headers:
            del request.headers[name]
    if spec.path_as_is is not None:
        request.url = _as_is(request.url, spec.path_as_is)
    apply_resolve(request, spec.client.resolve)
    return request

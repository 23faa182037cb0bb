"""Client configuration values: `Timeout`, `Limits`, `Proxy`, and TLS context creation.

Strategy: a verifying `ssl.SSLContext` is built once per process per CA source (certifi's
bundle by default; SSL_CERT_FILE / SSL_CERT_DIR; a `verify=` path) and shared, because loading
a bundle costs milliseconds and creating a `Client` should cost far less than that. A client
certificate, a key log file, `verify=False` or a caller's own context get a context of their
own.

ALPN (RFC 7301) is a property of a context, and one context is shared by clients that offer
different protocols (HTTP/1.1 only, or h2 too). So a shared context itself is never given an
ALPN list: `ssl_context_for_alpn` hands out one more shared context per CA source and ALPN
list ("http/1.1" / "h2, http/1.1" / "h2"), built once per process on first use. A context passed in
by the user gets its ALPN list set right before each TLS handshake, as httpx does: share such a
context only between clients with the same `http1`/`http2` settings.

Strategy (start-up time): loading certifi's bundle costs 20 ms or more, and a request to an
http:// URL needs no TLS at all. So a transport with the default `verify=True` gets a
`DeferredSSLContext`: a stand-in for the shared context of the default CA source (certifi's
bundle, or SSL_CERT_FILE / SSL_CERT_DIR) that builds nothing until the first TLS handshake
asks `ssl_context_for_alpn` for a context (then only the ALPN sibling is built). Any other
`verify` (a path, False, a context) or a client certificate is checked and built when the
transport is created, so a bad path or certificate still fails there.

OS trust store: `verify` accepts any `ssl.SSLContext`, so the `truststore` package (the
`truststore` extra) plugs in without special support:

    import ssl, truststore, wire
    client = wire.Client(verify=truststore.SSLContext(ssl.PROTOCOL_TLS_CLIENT))
"""

from __future__ import annotations

import os
import ssl
import threading
import typing
from typing import Any

from ._types import CertTypes, HeaderTypes, TimeoutTypes
from ._urls import URL

__all__ = [
    "DEFAULT_LIMITS",
    "DEFAULT_MAX_REDIRECTS",
    "DEFAULT_TIMEOUT_CONFIG",
    "DeferredSSLContext",
    "Limits",
    "Proxy",
    "Timeout",
    "create_ssl_context",
    "ssl_context_for_alpn",
    "transport_ssl_context",
]


class UnsetType:
    """Sentinel type for "argument not given" (distinct from None, which means "no limit")."""


UNSET = UnsetType()


class Timeout:
    """Timeout configuration, in float seconds; `None` disables a timeout.

    Accepted forms (as httpx):

        Timeout(10.0)                      # all four timeouts 10 s
        Timeout(None)                      # no timeouts
        Timeout(10.0, connect=60.0)        # 10 s except connect
        Timeout(connect=5, read=10, write=10, pool=5)   # all four explicitly
        Timeout((5, 10, 10, 5))            # (connect, read, write, pool)
        Timeout(other_timeout)             # copy

    Args:
        timeout: the default for every phase: float seconds, None, a 4-tuple, or a `Timeout`.
        connect: seconds to establish a connection.
        read: seconds to wait for each chunk of data.
        write: seconds to wait for each chunk to be sent.
        pool: seconds to wait for a connection from the pool.

    Raises:
        ValueError: when no default is given and not all four phases are set explicitly.
    """

    def __init__(
        self,
        timeout: TimeoutTypes | UnsetType = UNSET,
        *,
        connect: None | float | UnsetType = UNSET,
        read: None | float | UnsetType = UNSET,
        write: None | float | UnsetType = UNSET,
        pool: None | float | UnsetType = UNSET,
    ) -> None:
        if isinstance(timeout, Timeout):
            if not all(isinstance(v, UnsetType) for v in (connect, read, write, pool)):
                raise ValueError("Cannot combine a Timeout instance with per-phase values.")
            self.connect: float | None = timeout.connect
            self.read: float | None = timeout.read
            self.write: float | None = timeout.write
            self.pool: float | None = timeout.pool
        elif isinstance(timeout, tuple):
            self.connect, self.read, self.write, self.pool = timeout
        elif isinstance(timeout, UnsetType):
            if any(isinstance(v, UnsetType) for v in (connect, read, write, pool)):
                raise ValueError(
                    "Timeout must either include a default, or set all four parameters "
                    "explicitly."
                )
            self.connect = typing.cast("float | None", connect)
            self.read = typing.cast("float | None", read)
            self.write = typing.cast("float | None", write)
            self.pool = typing.cast("float | None", pool)
        else:
            default = None if timeout is None else float(timeout)
            self.connect = default if isinstance(connect, UnsetType) else connect
            self.read = default if isinstance(read, UnsetType) else read
            self.write = default if isinstance(write, UnsetType) else write
            self.pool = default if isinstance(pool, UnsetType) else pool

    def as_dict(self) -> dict[str, float | None]:
        """The four timeouts as `{"connect": s, "read": s, "write": s, "pool": s}`."""
        return {"connect": self.connect, "read": self.read, "write": self.write, "pool": self.pool}

    def __eq__(self, other: Any) -> bool:
        return isinstance(other, Timeout) and self.as_dict() == other.as_dict()

    def __hash__(self) -> int:
        return hash((self.connect, self.read, self.write, self.pool))

    def __repr__(self) -> str:
        values = {self.connect, self.read, self.write, self.pool}
        if len(values) == 1:
            return f"{type(self).__name__}(timeout={self.connect})"
        return (
            f"{type(self).__name__}(connect={self.connect}, read={self.read}, "
            f"write={self.write}, pool={self.pool})"
        )


class Limits:
    """Connection pool limits.

    Args:
        max_connections: int, the most connections open at once; None for no limit.
        max_keepalive_connections: int, the most idle connections kept; None for no limit.
        keepalive_expiry: float seconds an idle connection is kept; None keeps it forever.
    """

    def __init__(
        self,
        *,
        max_connections: int | None = None,
        max_keepalive_connections: int | None = None,
        keepalive_expiry: float | None = 5.0,
    ) -> None:
        self.max_connections = max_connections
        self.max_keepalive_connections = max_keepalive_connections
        self.keepalive_expiry = keepalive_expiry

    def __eq__(self, other: Any) -> bool:
        return (
            isinstance(other, Limits)
            and self.max_connections == other.max_connections
            and self.max_keepalive_connections == other.max_keepalive_connections
            and self.keepalive_expiry == other.keepalive_expiry
        )

    def __hash__(self) -> int:
        return hash(
            (self.max_connections, self.max_keepalive_connections, self.keepalive_expiry)
        )

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(max_connections={self.max_connections}, "
            f"max_keepalive_connections={self.max_keepalive_connections}, "
            f"keepalive_expiry={self.keepalive_expiry})"
        )


class Proxy:
    """A proxy URL with optional credentials and headers.

    Args:
        url: str or `URL`; scheme http, https, socks5 or socks5h. Credentials in the URL
            userinfo become `auth` and are removed from `url`.
        ssl_context: an `ssl.SSLContext` for TLS to an https proxy, or None.
        auth: `(username, password)` str tuple, or None.
        headers: extra headers sent to the proxy (e.g. on CONNECT), or None.

    Raises:
        ValueError: for an unsupported proxy scheme.
    """

    def __init__(
        self,
        url: URL | str,
        *,
        ssl_context: ssl.SSLContext | None = None,
        auth: tuple[str, str] | None = None,
        headers: HeaderTypes | None = None,
    ) -> None:
        from ._headers import Headers

        url = URL(url)
        headers = Headers(headers)
        if url.scheme not in ("http", "https", "socks5", "socks5h"):
            raise ValueError(f"Unknown scheme for proxy URL {url!r}")
        if url.username or url.password:
            auth = (url.username, url.password)
            url = url.copy_with(username=None, password=None)
        self.url = url
        self.auth = auth
        self.headers = headers
        self.ssl_context = ssl_context

    @property
    def raw_auth(self) -> tuple[bytes, bytes] | None:
        """The credentials as `(username, password)` bytes, or None."""
        if self.auth is None:
            return None
        return (self.auth[0].encode("utf-8"), self.auth[1].encode("utf-8"))

    def __repr__(self) -> str:
        # Credentials never appear in a repr (they would end up in logs).
        auth = ", auth=('" + self.auth[0] + "', '[secure]')" if self.auth else ""
        return f"Proxy('{self.url}'{auth})"


DEFAULT_TIMEOUT_CONFIG = Timeout(timeout=5.0)
DEFAULT_LIMITS = Limits(max_connections=100, max_keepalive_connections=20)
DEFAULT_MAX_REDIRECTS = 20

#: Shared verifying contexts, by CA source: ("certifi",), ("file", path, mtime_ns, size),
#: ("dir", path, mtime_ns), ("file+dir", path, mtime_ns, size, dir path, dir mtime_ns) (both
#: SSL_CERT_FILE and SSL_CERT_DIR). A changed CA file gets a new context.
_CAKey = tuple[Any, ...]
_shared_contexts: dict[_CAKey, ssl.SSLContext] = {}
#: The shared contexts' siblings, one per (CA source, ALPN list) (see the module docstring).
_alpn_contexts: dict[tuple[_CAKey, tuple[str, ...]], ssl.SSLContext] = {}
#: id(shared context) -> its CA source, to find its siblings.
_shared_keys: dict[int, _CAKey] = {}
_shared_lock = threading.Lock()
_CERTIFI: _CAKey = ("certifi",)


def _new_verifying_context(cafile: str | None, capath: str | None) -> ssl.SSLContext:
    ctx = ssl.create_default_context(cafile=cafile, capath=capath)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    # create_default_context() honours SSLKEYLOGFILE by itself; we decide (trust_env) instead.
    ctx.keylog_filename = None  # type: ignore[assignment]
    return ctx


def _keylog_file(trust_env: bool) -> str | None:
    """SSLKEYLOGFILE (NSS key log format, for Wireshark), when the environment is trusted."""
    return (os.environ.get("SSLKEYLOGFILE") or None) if trust_env else None


def _context_for_key(key: _CAKey) -> ssl.SSLContext:
    """A new verifying context for a CA source key."""
    if key[0] == "certifi":
        import certifi

        return _new_verifying_context(certifi.where(), None)
    if key[0] == "file":
        return _new_verifying_context(key[1], None)
    if key[0] == "file+dir":
        return _new_verifying_context(key[1], key[4])
    return _new_verifying_context(None, key[1])


def _ca_key(cafile: str | None, capath: str | None) -> _CAKey:
    if cafile is not None and capath is not None:
        st = os.stat(cafile)
        return ("file+dir", cafile, st.st_mtime_ns, st.st_size, capath, os.stat(capath).st_mtime_ns)
    if cafile is not None:
        st = os.stat(cafile)
        return ("file", cafile, st.st_mtime_ns, st.st_size)
    if capath is not None:
        return ("dir", capath, os.stat(capath).st_mtime_ns)
    return _CERTIFI


def _default_ca_key(trust_env: bool) -> _CAKey:
    """The CA source of `verify=True`: SSL_CERT_FILE / SSL_CERT_DIR (when trusted and they
    name an existing file / directory), else certifi's bundle."""
    cafile = os.environ.get("SSL_CERT_FILE") if trust_env else None
    capath = os.environ.get("SSL_CERT_DIR") if trust_env else None
    cafile = cafile if cafile and os.path.isfile(cafile) else None
    capath = capath if capath and os.path.isdir(capath) else None
    return _ca_key(cafile, capath)


def _shared_context(key: _CAKey) -> ssl.SSLContext:
    """The process-wide verifying context for `key`, built on first use."""
    found = _shared_contexts.get(key)
    if found is None:
        with _shared_lock:
            found = _shared_contexts.get(key)
            if found is None:
                found = _context_for_key(key)
                _shared_contexts[key] = found
                _shared_keys[id(found)] = key
    return found


def create_ssl_context(
    verify: ssl.SSLContext | str | bool = True,
    cert: CertTypes | None = None,
    trust_env: bool = True,
) -> ssl.SSLContext:
    """Build (or reuse) the `ssl.SSLContext` for a transport.

    Args:
        verify: True to verify with certifi's CA bundle (the shared, cached context); False to
            disable verification (no hostname check either); a str path to a CA bundle file or a
            directory of hashed certificates; or a ready `ssl.SSLContext`, returned as given.
        cert: a client certificate: a PEM file path, `(certfile, keyfile)`, or
            `(certfile, keyfile, password)`; None for no client certificate.
        trust_env: when True and `verify` is True, honour SSL_CERT_FILE (a CA bundle file) and
            SSL_CERT_DIR (a directory of hashed certificates); when True, log TLS secrets
            to the file SSLKEYLOGFILE names (for Wireshark).

    Returns:
        An `ssl.SSLContext`. The default one is shared per process: do not mutate it.

    Raises:
        IOError: when a CA path or certificate file does not exist or cannot be read.
        ssl.SSLError: when a certificate or key is invalid.
    """
    shareable = cert is None and _keylog_file(trust_env) is None
    if isinstance(verify, ssl.SSLContext):
        ctx = verify
    elif verify is True:
        key = _default_ca_key(trust_env)
        if shareable:
            # Loading a CA bundle costs milliseconds: share one context per CA source.
            return _shared_context(key)
        ctx = _context_for_key(key)
    elif verify is False:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
    else:
        path = str(verify)
        if os.path.isfile(path):
            key = _ca_key(path, None)
        elif os.path.isdir(path):
            key = _ca_key(None, path)
        else:
            raise OSError(
                f"Could not find a suitable TLS CA certificate bundle, invalid path: {path}"
            )
        if shareable:
            return _shared_context(key)
        ctx = _context_for_key(key)
    keylog = _keylog_file(trust_env)
    if keylog is not None and not isinstance(verify, ssl.SSLContext):
        ctx.keylog_filename = keylog
    if cert is not None:
        _load_client_cert(ctx, cert)
    return ctx


class DeferredSSLContext:
    """The shared verifying context of one CA source, built on first use.

    A transport keeps this instead of the context itself, so a client that never makes a
    TLS connection never loads a CA bundle. `ssl_context_for_alpn` turns it into the shared
    ALPN sibling without building the base context; any other attribute (`wrap_socket`,
    `verify_mode`, ...) is read from the shared context, built then (`resolve()`).

    Args:
        key: the CA source key (see `_ca_key`).
    """

    __slots__ = ("key",)

    def __init__(self, key: _CAKey) -> None:
        self.key = key

    def resolve(self) -> ssl.SSLContext:
        """The shared `ssl.SSLContext` for this CA source (built now if it is not yet)."""
        return _shared_context(self.key)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):  # copy/pickle probes: no context is built for them
            raise AttributeError(name)
        return getattr(self.resolve(), name)

    def __repr__(self) -> str:
        return f"<DeferredSSLContext {self.key[0]}>"


#: One stand-in per CA source: clients share it as they share the context it stands for.
_deferred_contexts: dict[_CAKey, DeferredSSLContext] = {}
_DEFERRED_DEFAULT = _deferred_contexts.setdefault(_CERTIFI, DeferredSSLContext(_CERTIFI))


def transport_ssl_context(
    verify: ssl.SSLContext | str | bool = True,
    cert: CertTypes | None = None,
    trust_env: bool = True,
) -> ssl.SSLContext | DeferredSSLContext:
    """The TLS context a transport keeps: `create_ssl_context(verify, cert, trust_env)`,
    except that the shared default context is deferred (see the module docstring).

    Args:
        verify: as `create_ssl_context`.
        cert: as `create_ssl_context`.
        trust_env: as `create_ssl_context`.

    Returns:
        A `DeferredSSLContext` when the result would be a shared context of the default CA
        source (verify True, no client certificate, no SSLKEYLOGFILE): certifi's bundle, or
        SSL_CERT_FILE / SSL_CERT_DIR when trusted. Otherwise the `ssl.SSLContext` that
        `create_ssl_context` returns.

    Raises:
        IOError: as `create_ssl_context`, when the context is not deferred.
        ssl.SSLError: as `create_ssl_context`, when the context is not deferred (a deferred
            one raises it from the first TLS handshake: an SSL_CERT_FILE that exists but
            holds no valid PEM).
    """
    if verify is True and cert is None and _keylog_file(trust_env) is None:
        key = _default_ca_key(trust_env)
        found = _deferred_contexts.get(key)
        if found is None:
            found = _deferred_contexts.setdefault(key, DeferredSSLContext(key))
        return found
    return create_ssl_context(verify=verify, cert=cert, trust_env=trust_env)


def _load_client_cert(ctx: ssl.SSLContext, cert: CertTypes) -> None:
    """Load a client certificate: a PEM path, (cert, key) or (cert, key, password)."""
    if isinstance(cert, str):
        ctx.load_cert_chain(certfile=cert)
    elif len(cert) == 2:
        ctx.load_cert_chain(certfile=cert[0], keyfile=cert[1])
    else:
        ctx.load_cert_chain(certfile=cert[0], keyfile=cert[1], password=cert[2])


def ssl_context_for_alpn(
    context: ssl.SSLContext | DeferredSSLContext | None, alpn: tuple[str, ...]
) -> ssl.SSLContext:
    """The context to use for one TLS handshake that offers the ALPN protocols `alpn`.

    Args:
        context: the transport's context; None means the shared default one. A
            `DeferredSSLContext` stands for the shared context of its CA source (which is
            then not built: only the sibling is).
        alpn: protocol names in order of preference, e.g. ("h2", "http/1.1").

    Returns:
        For a shared context, a shared sibling with `alpn` set (never the shared context
        itself, so clients offering different protocols cannot affect each other). Any
        other context is returned after `set_alpn_protocols(alpn)`.
    """
    if context is None:
        context = _DEFERRED_DEFAULT
    if isinstance(context, DeferredSSLContext):
        key = context.key
    else:
        shared_key = _shared_keys.get(id(context))
        if shared_key is None or _shared_contexts.get(shared_key) is not context:
            context.set_alpn_protocols(list(alpn))
            return context
        key = shared_key
    found = _alpn_contexts.get((key, alpn))
    if found is None:
        with _shared_lock:
            found = _alpn_contexts.get((key, alpn))
            if found is None:
                found = _context_for_key(key)
                found.set_alpn_protocols(list(alpn))
                _alpn_contexts[(key, alpn)] = found
    return found

"""Clients for the scripted HTTP/2 server, built through wire's public API only."""

from __future__ import annotations

import typing

import wire
from tests.servers.h2script import H2ScriptServer

#: One MiB, in bytes.
MIB = 1024 * 1024


def h2_client(server: H2ScriptServer, **kwargs: typing.Any) -> wire.Client:
    """A sync client speaking HTTP/2 to `server` (TLS: ALPN; plain: prior knowledge)."""
    kwargs.setdefault("timeout", 5.0)
    if not server.options.tls:
        return wire.Client(http1=False, http2=True, **kwargs)
    return wire.Client(http2=True, verify=server.ca_cert_path, **kwargs)


def h2_async_client(server: H2ScriptServer, **kwargs: typing.Any) -> wire.AsyncClient:
    """The async twin of `h2_client`."""
    kwargs.setdefault("timeout", 5.0)
    if not server.options.tls:
        return wire.AsyncClient(http1=False, http2=True, **kwargs)
    return wire.AsyncClient(http2=True, verify=server.ca_cert_path, **kwargs)

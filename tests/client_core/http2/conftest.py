"""Fixtures: the scripted HTTP/2 server of tests/servers/h2script.py, and async backends.

- `h2_server`: a fresh server over TLS (ALPN "h2") with default SETTINGS, for one test.
- `start_h2_server(**options)`: start one with `H2Options` fields (tls, max_concurrent_streams,
  initial_window_size, max_frame_size); every server it started stops after the test.

The server picks the behaviour of each stream from its path (see the table in h2script.py) and
records what the client did: `.connections`, `.streams` (headers, body, DATA frame sizes, reset
code per stream) and `.observed(name)` for RST_STREAM codes, PING ACKs, window updates...
"""

from __future__ import annotations

import typing
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.servers.h2script import H2Options, H2ScriptServer

StartServer = Callable[..., H2ScriptServer]


@pytest.fixture(scope="session")
def h2_cert_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A directory with one trustme CA and server certificate, shared by every server."""
    return tmp_path_factory.mktemp("h2script-tls")


@pytest.fixture
def start_h2_server(h2_cert_dir: Path) -> Iterator[StartServer]:
    """A factory: `start_h2_server(**H2Options fields)` returns a started server."""
    started: list[H2ScriptServer] = []

    def start(**options: typing.Any) -> H2ScriptServer:
        server = H2ScriptServer(H2Options(**options), h2_cert_dir).start()
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


@pytest.fixture
def h2_server(start_h2_server: StartServer) -> H2ScriptServer:
    """A scripted HTTP/2 server over TLS with default SETTINGS."""
    return start_h2_server()


@pytest.fixture
def anyio_backend(request: pytest.FixtureRequest) -> str:
    return typing.cast(str, request.param)

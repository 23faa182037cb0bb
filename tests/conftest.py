"""Shared fixtures: local servers (session-scoped), a clean environment, the `wire` executable.

Servers (all on 127.0.0.1 with an ephemeral port; see tests/servers/):

- `server`: the ASGI test app (tests/servers/asgi_app.py) on uvicorn, HTTP/1.1 (h11).
- `https_server`: the same app on hypercorn over TLS, ALPN h2 + http/1.1, trustme certificates.
- `httpbin`: httpbin's Flask app under gunicorn, in a subprocess.
- `raw_server`: canned raw bytes per path, for malformed or truncated responses.

Every test runs without proxy, TLS, colour and wire configuration variables (`clean_env`).
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.servers import (
    LocalServer,
    RawServer,
    TLSLocalServer,
    run_gunicorn,
    run_hypercorn_tls,
    run_raw_server,
    run_uvicorn,
)
from tests.servers.asgi_app import app

#: Variables removed from os.environ for every test, so the host's settings never leak in.
CLEARED_ENV_VARS = (
    "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY",
    "http_proxy", "https_proxy", "all_proxy", "no_proxy",
    "SSL_CERT_FILE", "SSL_CERT_DIR", "SSLKEYLOGFILE",
    "NO_COLOR", "FORCE_COLOR", "NETRC", "WIRE_CONFIG_DIR",
)  # fmt: skip


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """Remove CLEARED_ENV_VARS from os.environ for the duration of each test."""
    for name in CLEARED_ENV_VARS:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(scope="session")
def server() -> Iterator[LocalServer]:
    """The ASGI test app on uvicorn (HTTP/1.1, h11): `.url` is "http://127.0.0.1:PORT"."""
    with run_uvicorn(app) as running:
        yield running


@pytest.fixture(scope="session")
def https_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TLSLocalServer]:
    """The ASGI test app on hypercorn over TLS (h2 and http/1.1 by ALPN).

    `.url` is "https://127.0.0.1:PORT", `.ca_cert_path` the CA PEM to trust, and
    `.ssl_context(alpn=...)` builds a client context that trusts it.
    """
    with run_hypercorn_tls(app, tmp_path_factory.mktemp("tls")) as running:
        yield running


@pytest.fixture(scope="session")
def httpbin() -> Iterator[LocalServer]:
    """httpbin (`httpbin:app`) under gunicorn in a subprocess: `.url` "http://127.0.0.1:PORT"."""
    with run_gunicorn("httpbin:app") as running:
        yield running


@pytest.fixture(scope="session")
def raw_server() -> Iterator[RawServer]:
    """A raw-socket server answering canned bytes per path (see tests/servers/raw.py)."""
    with run_raw_server() as running:
        yield running


@pytest.fixture(scope="session")
def wire_exe() -> str:
    """Path (str) of the installed `wire` console script, preferring this interpreter's venv."""
    found = shutil.which("wire", path=str(Path(sys.executable).parent)) or shutil.which("wire")
    if found is None:
        pytest.fail("the `wire` console script is not installed (pip install -e '.[test]')")
    return found


@pytest.fixture(scope="session")
def fault_server() -> Iterator[LocalServer]:
    """The fault-injection server (tests/servers/faults.py): scripted broken behaviour per path.

    `.script(path, *actions)` registers a script and returns its URL; `.received(path)` lists
    the requests that reached it (headers and body), to check what the client sent.
    """
    from tests.servers.faults import run_fault_server

    with run_fault_server() as running:
        yield running


@pytest.fixture(autouse=True)
def restore_registered_themes() -> Iterator[None]:
    """Forget user themes registered during a test (`wire.themes` keeps them per process)."""
    from wire import themes

    saved = dict(themes._REGISTERED)
    yield
    themes._REGISTERED.clear()
    themes._REGISTERED.update(saved)


# Property tests are deterministic in the default run (the same examples every time), so CI
# never goes red by chance; `HYPOTHESIS_PROFILE=explore` searches new examples, and the
# atheris targets in fuzz/ explore further.
try:
    from hypothesis import settings as _hypothesis_settings
except ImportError:  # pragma: no cover - hypothesis is in the test extra
    pass
else:
    _hypothesis_settings.register_profile("default", derandomize=True, deadline=None)
    _hypothesis_settings.register_profile("explore", derandomize=False, deadline=None)
    _hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

"""Start-up cost of the `wire` command: what a plain piped run and `wire --version` load.

Each run is a fresh interpreter (the installed entry point, `wire.cli.main`) whose
`sys.modules` is reported at exit: a piped `wire URL` over http:// imports no cookie jar
(`http.cookiejar`, `email`, `urllib.request`), no certifi and builds no `ssl.SSLContext`;
`wire --version` imports no client core and no httpcore at all. A run without options does
not import click either (`wire.cli._plain`).
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.servers import LocalServer
from tests.servers.asgi_app import JSON_BODY

#: Modules a plain piped `wire URL` over http:// must not import.
NOT_LOADED = (
    "http.cookiejar", "email", "urllib.request", "certifi", "socksio", "netrc", "hashlib",
    "rich", "pygments", "h2", "hpack", "trio", "anyio", "asyncio", "wire.client_core._timing",
    "click",  # a run without options needs no click (`wire.cli._plain`)
    "wire.themes._model", "wire.cli._exit",  # no colour drawn, no error reported
    "wire.cli._json_number",  # no JSON item parsed, no JSON body written
)  # fmt: skip
#: Modules `wire --version` must not import.
NOT_LOADED_BY_VERSION = ("wire.client_core", "httpcore", "ssl", "wire.cli._run")

# Counts the ssl.SSLContext objects created (imports ssl, so not for `--version`).
_COUNT_CONTEXTS = """\
import ssl
_new = ssl.SSLContext.__new__
def _counting_new(cls, *args, **kwargs):
    created.append(cls.__name__)
    return _new(cls, *args, **kwargs)
ssl.SSLContext.__new__ = _counting_new
"""
_SCRIPT = """\
import atexit, json, sys
created = []
{count_contexts}
@atexit.register
def report():
    loaded = [m for m in {modules!r} if m in sys.modules]
    sys.stderr.write(json.dumps({{"loaded": loaded, "contexts": len(created)}}))
sys.argv = ["wire", *{args!r}]
from wire.cli import main
main()
"""


def run_wire(
    *args: str, modules: tuple[str, ...], count_contexts: bool = True
) -> tuple[int, bytes, dict[str, object]]:
    """Run `wire ARGS` piped in a fresh interpreter; return (status, stdout, report)."""
    code = _SCRIPT.format(
        count_contexts=_COUNT_CONTEXTS if count_contexts else "", modules=modules,
        args=list(args),
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, timeout=60, stdin=subprocess.DEVNULL
    )
    report = json.loads(done.stderr.decode().splitlines()[-1])
    return done.returncode, done.stdout, report


def test_piped_get_loads_no_cookiejar_certifi_or_ssl_context(server: LocalServer) -> None:
    status, out, report = run_wire(f"{server.url}/json", modules=NOT_LOADED)
    assert (status, out) == (0, JSON_BODY)
    assert report == {"loaded": [], "contexts": 0}


def test_piped_get_with_cookies_still_sends_them(server: LocalServer) -> None:
    status, out, report = run_wire(f"{server.url}/cookies", "Cookie:a=1", modules=NOT_LOADED)
    assert status == 0 and json.loads(out) == {"cookies": {"a": "1"}}
    assert report["contexts"] == 0


def test_version_loads_no_client_core() -> None:
    status, out, report = run_wire(
        "--version", modules=NOT_LOADED_BY_VERSION, count_contexts=False
    )
    assert status == 0 and out.startswith(b"wire ")
    assert report == {"loaded": [], "contexts": 0}


@pytest.mark.parametrize("args", [["--max-time", "30"], ["--timing"]])
def test_options_that_need_the_lazy_parts_still_work(
    server: LocalServer, args: list[str]
) -> None:
    status, out, _ = run_wire(*args, f"{server.url}/json", modules=())
    assert (status, out) == (0, JSON_BODY)

"""Run the test servers: uvicorn and hypercorn in threads, httpbin under gunicorn in a subprocess.

Every runner is a context manager that yields a `LocalServer` once the server answers and stops
it (bounded waits) on exit. All of them listen on 127.0.0.1 only, on an ephemeral port.

Strategy for ephemeral ports: uvicorn and hypercorn get a socket that we bound to port 0
ourselves, so the port is known before they start and no other process can take it. gunicorn
binds port 0 itself and we read the port back from its "Listening at" log line.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import re
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

HOST = "127.0.0.1"
#: Seconds to wait for a server to start answering, and for it to stop.
START_TIMEOUT = 15.0
STOP_TIMEOUT = 10.0

_log = logging.getLogger("tests.servers")


@dataclass(frozen=True)
class LocalServer:
    """A running local server.

    Attributes:
        url: str such as "http://127.0.0.1:54321", no trailing slash.
        host: str, always "127.0.0.1".
        port: int TCP port.
    """

    url: str
    host: str
    port: int

    def join(self, path: str) -> str:
        """`url` + `path`; `path` is a str starting with "/" (query allowed)."""
        return self.url + path


@dataclass(frozen=True)
class TLSLocalServer(LocalServer):
    """A running local HTTPS server whose certificate a test CA signed.

    Attributes:
        ca_cert_path: str path to the CA certificate (PEM), for `--verify` or `cafile=`.
            The server certificate is valid for 127.0.0.1 and localhost.
    """

    ca_cert_path: str = ""

    def ssl_context(self, alpn: tuple[str, ...] = ("http/1.1",)) -> ssl.SSLContext:
        """A client SSLContext that trusts the test CA.

        Args:
            alpn: ALPN protocol names to offer, e.g. ("h2", "http/1.1"). Default HTTP/1.1 only.

        Returns:
            A new `ssl.SSLContext` (verification on, hostname checked).
        """
        context = ssl.create_default_context(cafile=self.ca_cert_path)
        context.set_alpn_protocols(list(alpn))
        return context


def _bind_ephemeral() -> socket.socket:
    """A TCP socket bound (not listening) to 127.0.0.1 on a free port."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((HOST, 0))
    return sock


def _wait_until(predicate: Callable[[], bool], what: str, alive: Callable[[], bool]) -> None:
    """Poll `predicate` every 20 ms for at most START_TIMEOUT seconds.

    Raises:
        RuntimeError: When `alive()` turns false (the server died) or time runs out.
    """
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if predicate():
            return
        if not alive():
            raise RuntimeError(f"{what} exited during start-up")
        time.sleep(0.02)
    raise RuntimeError(f"{what} did not start within {START_TIMEOUT} s")


def _join_or_warn(thread: threading.Thread, what: str) -> None:
    thread.join(STOP_TIMEOUT)
    if thread.is_alive():  # a daemon thread; it dies with the interpreter
        _log.warning("%s did not stop within %s s", what, STOP_TIMEOUT)


@contextlib.contextmanager
def run_uvicorn(app: Any) -> Iterator[LocalServer]:
    """Serve the ASGI `app` with uvicorn (HTTP/1.1, h11) in a daemon thread.

    Args:
        app: An ASGI 3 application.

    Yields:
        The `LocalServer`, once uvicorn reports it has started.

    Raises:
        RuntimeError: When uvicorn does not start within START_TIMEOUT seconds.
    """
    import uvicorn

    config = uvicorn.Config(
        app,
        http="h11",
        ws="none",  # keeps websockets (and its deprecation warnings) unimported
        lifespan="off",
        log_config=None,  # leave the process's logging alone; records reach pytest's capture
        log_level="warning",
        access_log=False,
        timeout_graceful_shutdown=2,
    )
    server = uvicorn.Server(config)
    sock = _bind_ephemeral()
    port = sock.getsockname()[1]
    # uvicorn only installs signal handlers in the main thread, so a thread needs no opt-out.
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        _wait_until(lambda: server.started, "uvicorn", thread.is_alive)
        yield LocalServer(url=f"http://{HOST}:{port}", host=HOST, port=port)
    finally:
        server.should_exit = True
        _join_or_warn(thread, "uvicorn")
        sock.close()


@dataclass(frozen=True)
class _CertFiles:
    ca_cert: Path
    cert_chain: Path
    key: Path


def make_certificates(directory: Path) -> _CertFiles:
    """Mint a trustme CA and a 127.0.0.1/localhost server certificate into `directory`."""
    import trustme

    ca = trustme.CA()
    cert = ca.issue_cert("127.0.0.1", "localhost")
    files = _CertFiles(directory / "ca.pem", directory / "server.pem", directory / "server.key")
    ca.cert_pem.write_to_path(str(files.ca_cert))
    files.cert_chain.write_bytes(b"".join(blob.bytes() for blob in cert.cert_chain_pems))
    cert.private_key_pem.write_to_path(str(files.key))
    return files


def _https_answers(url: str, ca_cert: Path) -> bool:
    context = ssl.create_default_context(cafile=str(ca_cert))
    try:
        with urllib.request.urlopen(url, context=context, timeout=2) as response:
            return bool(response.status == 200)
    except OSError:
        return False


@contextlib.contextmanager
def run_hypercorn_tls(app: Any, cert_dir: Path) -> Iterator[TLSLocalServer]:
    """Serve the ASGI `app` with hypercorn over TLS (ALPN h2 and http/1.1) in a daemon thread.

    Args:
        app: An ASGI 3 application; it must answer 200 on "/" (used as the readiness probe).
        cert_dir: An existing directory for the CA and server PEM files.

    Yields:
        The `TLSLocalServer`, once "/" answers over HTTPS.

    Raises:
        RuntimeError: When the server does not answer within START_TIMEOUT seconds.
    """
    from hypercorn.asyncio import serve
    from hypercorn.config import Config

    files = make_certificates(cert_dir)
    sock = _bind_ephemeral()
    port = sock.getsockname()[1]
    config = Config()
    # hypercorn takes over the descriptor (fd://) and closes it when it stops.
    config.bind = [f"fd://{sock.detach()}"]
    config.certfile, config.keyfile = str(files.cert_chain), str(files.key)
    config.alpn_protocols = ["h2", "http/1.1"]
    config.errorlog = logging.getLogger("tests.servers.hypercorn")
    config.accesslog = None
    config.graceful_timeout = 2.0

    loop_ready = threading.Event()
    state: dict[str, Any] = {}

    async def main() -> None:
        state["loop"], state["stop"] = asyncio.get_running_loop(), asyncio.Event()
        loop_ready.set()
        await serve(app, config, shutdown_trigger=state["stop"].wait)  # no signal handlers

    thread = threading.Thread(target=asyncio.run, args=(main(),), daemon=True)
    thread.start()
    url = f"https://{HOST}:{port}"
    try:
        _wait_until(lambda: _https_answers(url + "/", files.ca_cert), "hypercorn", thread.is_alive)
        yield TLSLocalServer(url=url, host=HOST, port=port, ca_cert_path=str(files.ca_cert))
    finally:
        if loop_ready.wait(STOP_TIMEOUT) and thread.is_alive():
            state["loop"].call_soon_threadsafe(state["stop"].set)
        _join_or_warn(thread, "hypercorn")


_LISTENING = re.compile(rb"Listening at: http://127\.0\.0\.1:(\d+)")


def _start_gunicorn(
    app_spec: str, log_path: Path, env: Mapping[str, str]
) -> subprocess.Popen[bytes]:
    command = [
        sys.executable, "-m", "gunicorn",
        "--bind", f"{HOST}:0",
        "--workers", "1",
        "--threads", "8",  # the gthread worker keeps connections alive, unlike plain sync
        "--log-level", "info",  # the "Listening at" line is logged at info
        "--error-logfile", "-",
        "--graceful-timeout", "2",
        app_spec,
    ]
    with log_path.open("wb") as log:
        return subprocess.Popen(
            command, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, env=dict(env)
        )


def stop_process(process: subprocess.Popen[bytes]) -> None:
    """Stop `process` (by its PID only): SIGTERM, wait STOP_TIMEOUT s, then SIGKILL and reap."""
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(STOP_TIMEOUT)


def _gunicorn_port(process: subprocess.Popen[bytes], log_path: Path) -> int:
    """Wait for gunicorn's "Listening at" line; its port. Raises RuntimeError on failure."""
    found: list[int] = []

    def listening() -> bool:
        match = _LISTENING.search(log_path.read_bytes())
        if match:
            found.append(int(match.group(1)))
        return bool(match)

    _wait_until(listening, "gunicorn", partial(_running, process))
    return found[0]


def _running(process: subprocess.Popen[bytes]) -> bool:
    return process.poll() is None


def _accepts(port: int) -> bool:
    try:
        with socket.create_connection((HOST, port), timeout=1):
            return True
    except OSError:
        return False


@contextlib.contextmanager
def run_gunicorn(app_spec: str = "httpbin:app", attempts: int = 3) -> Iterator[LocalServer]:
    """Serve a WSGI app (default httpbin) with gunicorn in a subprocess.

    Args:
        app_spec: str "module:attribute" that gunicorn imports. Default "httpbin:app".
        attempts: int start-up attempts before giving up. Default 3.

    Yields:
        The `LocalServer`, once the port accepts connections.

    Raises:
        RuntimeError: When no attempt starts within START_TIMEOUT seconds; the message ends
            with the last attempt's log.
    """
    env = {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}
    env["PYTHONWARNINGS"] = "ignore"  # the child's deprecation warnings are not ours to fail on
    with tempfile.TemporaryDirectory(prefix="wire-gunicorn-") as tmp:
        last_log = ""
        for attempt in range(attempts):
            log_path = Path(tmp) / f"gunicorn-{attempt}.log"
            process = _start_gunicorn(app_spec, log_path, env)
            try:
                port = _gunicorn_port(process, log_path)
                _wait_until(partial(_accepts, port), "gunicorn", partial(_running, process))
            except RuntimeError:
                stop_process(process)
                last_log = log_path.read_text(errors="replace")
                continue
            try:
                yield LocalServer(url=f"http://{HOST}:{port}", host=HOST, port=port)
            finally:
                stop_process(process)
            return
        raise RuntimeError(f"gunicorn {app_spec} did not start; last log:\n{last_log}")

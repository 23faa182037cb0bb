"""Shared plumbing for the benchmarks: free loopback ports, bounded waits, a local nginx.

Imported by the scripts in this folder (run as `python benchmarks/NAME.py`, so this folder is
on sys.path). Everything binds to 127.0.0.1; every process is returned to the caller, which
stops it by PID.
"""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import time
from pathlib import Path

__all__ = ["free_port", "start_nginx", "wait_for_port"]


def free_port() -> int:
    """An ephemeral TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for_port(
    process: subprocess.Popen[bytes], port: int, name: str, timeout: float = 10.0
) -> None:
    """Wait (bounded, `timeout` seconds) until 127.0.0.1:`port` accepts a connection.

    Raises:
        RuntimeError: the port did not open in time; `process` has been killed.
    """
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.05)
    process.kill()
    raise RuntimeError(f"{name} did not start")


def start_nginx(root: Path) -> tuple[subprocess.Popen[bytes], str]:
    """nginx serving a ~1 KiB `small.json` from `root/www` on 127.0.0.1 (keep-alive on).

    Args:
        root: an empty directory for the config, the document root and nginx's temp files.

    Returns:
        (the nginx process, the URL of small.json). The caller stops the process.
    """
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    port = free_port()
    www, tmp = root / "www", root / "tmp"
    www.mkdir()
    tmp.mkdir()
    item = {"id": 1, "name": "item", "tags": ["alpha", "beta"], "owner": {"login": "user"}}
    (www / "small.json").write_text(json.dumps({"items": [item] * 12}, indent=1))
    for path in (root, www):  # nginx's worker may run as another user (nobody)
        path.chmod(0o755)
    (www / "small.json").chmod(0o644)
    conf = root / "nginx.conf"
    conf.write_text(f"""
worker_processes 1;
daemon off;
pid {root}/nginx.pid;
error_log {root}/error.log warn;
events {{ worker_connections 4096; }}
http {{
  access_log off; sendfile on; tcp_nodelay on; gzip off;
  keepalive_timeout 120s; keepalive_requests 1000000;
  types {{ application/json json; }}
  client_body_temp_path {tmp}/body; proxy_temp_path {tmp}/proxy;
  fastcgi_temp_path {tmp}/fastcgi; uwsgi_temp_path {tmp}/uwsgi; scgi_temp_path {tmp}/scgi;
  server {{ listen 127.0.0.1:{port}; root {www}; }}
}}
""")
    process = subprocess.Popen([nginx, "-c", str(conf), "-p", str(root)])
    wait_for_port(process, port, "nginx")
    return process, f"http://127.0.0.1:{port}/small.json"

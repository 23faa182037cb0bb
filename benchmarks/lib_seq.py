#!/usr/bin/env python3
"""Library benchmark: sequential keep-alive GETs with wire.Client, raw httpcore and httpx.

Starts nginx on 127.0.0.1 (an ephemeral port, its own config and document root in a temporary
directory, keep-alive on, access log off) serving a ~1 KiB JSON document, then runs each client
in its own subprocess (a fresh interpreter): one untimed warm-up GET opens the single
keep-alive connection, then `--requests` GETs are timed with `time.perf_counter`, each
response body read in full and its status checked. Every client is measured `--runs` times,
interleaved (wire, httpcore, httpx, wire, ...), and the median requests/s is reported with
its ratio to httpx.Client and to raw httpcore. nginx is stopped by its PID at the end.

Clients:
    wire      wire.Client().get(url).content
    httpcore  httpcore.ConnectionPool().request("GET", url)  (the floor: no client features)
    httpx     httpx.Client().get(url).content                (only if httpx is importable)

Targets (issue 3): wire >= 1.5 x httpx.Client and >= 0.9 x raw httpcore.

Usage (httpx is not a dependency of wire; use an interpreter that has it, e.g. the peers venv;
this checkout is put first on the workers' PYTHONPATH so that `import wire` finds it):
    /tmp/wire-peers/bin/python benchmarks/lib_seq.py [--requests 2000] [--runs 5]
    python benchmarks/lib_seq.py --client wire --client httpcore --profile
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CLIENTS = ("wire", "httpcore", "httpx")
BODY = json.dumps(
    {"status": "ok", "items": [{"id": i, "name": f"item-{i}", "tags": ["a"]} for i in range(18)]},
    indent=1,
).encode()

NGINX_CONF = """
worker_processes 1;
daemon off;
pid {tmp}/nginx.pid;
error_log {tmp}/error.log warn;
events {{ worker_connections 64; }}
http {{
    access_log off;
    keepalive_timeout 60s;
    keepalive_requests 1000000;
    client_body_temp_path {tmp}/body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    types {{ application/json json; }}
    server {{
        listen 127.0.0.1:{port};
        root {tmp}/www;
    }}
}}
"""

WORKER = """
import json, sys, time
name, url, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
profile = len(sys.argv) > 4
if name == "httpcore":
    import httpcore
    pool = httpcore.ConnectionPool()
    def get():
        response = pool.request("GET", url)
        assert response.status == 200 and response.content
    close = pool.close
else:
    module = __import__(name)
    client = module.Client()
    def get():
        response = client.get(url)
        assert response.status_code == 200 and response.content
    close = client.close
get()  # warm-up: opens the one keep-alive connection
if profile:
    import cProfile, pstats
    profiler = cProfile.Profile()
    profiler.enable()
start = time.perf_counter()
for _ in range(n):
    get()
elapsed = time.perf_counter() - start
if profile:
    profiler.disable()
    pstats.Stats(profiler, stream=sys.stderr).sort_stats("tottime").print_stats(30)
close()
print(json.dumps({"rps": n / elapsed}))
"""


def free_port() -> int:
    """An unused TCP port on 127.0.0.1 (the OS picks it)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def start_nginx(tmp: Path) -> tuple[subprocess.Popen[bytes], str]:
    """Start nginx in the foreground on a free port; return (process, URL of the document).

    Raises:
        RuntimeError: nginx is not installed or did not accept connections within 10 s.
    """
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    if not os.path.exists(nginx):
        raise RuntimeError("nginx is not installed")
    # nginx's worker may run as an unprivileged user: let it read the document root.
    tmp.chmod(0o755)
    (tmp / "www").mkdir(mode=0o755)
    (tmp / "www" / "small.json").write_bytes(BODY)
    port = free_port()
    (tmp / "nginx.conf").write_text(NGINX_CONF.format(tmp=tmp, port=port))
    process = subprocess.Popen(
        [nginx, "-c", str(tmp / "nginx.conf"), "-p", str(tmp), "-e", str(tmp / "error.log")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(100):  # bounded: 100 x 0.1 s
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return process, f"http://127.0.0.1:{port}/small.json"
        except OSError:
            time.sleep(0.1)
    stop(process)
    raise RuntimeError(f"nginx did not start; see {tmp / 'error.log'}")


def stop(process: subprocess.Popen[bytes]) -> None:
    """Stop one process we started, by its PID (SIGTERM, then SIGKILL after 5 s)."""
    if process.poll() is None:
        os.kill(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            os.kill(process.pid, signal.SIGKILL)
            process.wait(timeout=5)


def run_client(name: str, url: str, requests: int, python: str, profile: bool) -> float:
    """Requests/s of one measured run of `name` in a fresh interpreter."""
    env = {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    argv = [python, "-c", WORKER, name, url, str(requests)] + (["profile"] if profile else [])
    result = subprocess.run(argv, capture_output=True, text=True, timeout=600, env=env)
    if result.returncode != 0:
        raise RuntimeError(f"{name} failed: {result.stderr.strip().splitlines()[-1:]}")
    if profile:
        print(f"--- profile of {name} ---\n{result.stderr}", file=sys.stderr)
    rps: float = json.loads(result.stdout.strip().splitlines()[-1])["rps"]
    return rps


def available(name: str, python: str) -> bool:
    """Whether `python` can import the client's module."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    code = f"import {name}"
    return subprocess.run([python, "-c", code], env=env, capture_output=True).returncode == 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000, help="timed GETs per run")
    parser.add_argument("--runs", type=int, default=5, help="measured runs per client")
    parser.add_argument("--client", action="append", choices=CLIENTS, help="repeatable")
    parser.add_argument("--python", default=sys.executable, help="interpreter for workers")
    parser.add_argument("--profile", action="store_true", help="cProfile one run per client")
    args = parser.parse_args()
    clients = [c for c in (args.client or CLIENTS) if available(c, args.python)]
    results: dict[str, list[float]] = {name: [] for name in clients}
    with tempfile.TemporaryDirectory(prefix="wire-bench-") as tmp:
        process, url = start_nginx(Path(tmp))
        try:
            if args.profile:
                for name in clients:
                    run_client(name, url, args.requests, args.python, profile=True)
            for _ in range(args.runs):
                for name in clients:
                    results[name].append(run_client(name, url, args.requests, args.python, False))
        finally:
            stop(process)
    medians = {name: statistics.median(values) for name, values in results.items()}
    print(f"# {args.requests} sequential keep-alive GETs of a {len(BODY)} B JSON from nginx, "
          f"{args.runs} runs, python {args.python}, loadavg {os.getloadavg()[0]:.2f}")
    print("| client | median req/s | min | max | x httpx | x httpcore |")
    print("|---|---|---|---|---|---|")
    for name, values in results.items():
        ratios = [
            f"{medians[name] / medians[ref]:.2f}" if ref in medians else "-"
            for ref in ("httpx", "httpcore")
        ]
        print(f"| {name} | {medians[name]:.0f} | {min(values):.0f} | {max(values):.0f} | "
              f"{ratios[0]} | {ratios[1]} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())

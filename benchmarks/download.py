#!/usr/bin/env python3
"""Download benchmark: `wire --download` next to curl, throughput and peak memory.

Starts nginx on 127.0.0.1 (ephemeral ports, its own config, document root and self-signed
certificate under `--dir`, sendfile on, access log off), serving random files of the sizes
asked for (default 256 MiB and 1 GiB, created once and kept) over plain HTTP/1.1, HTTP/1.1
over TLS, and HTTP/2 over TLS. Each tool downloads each file `--runs` times, round-robin, into
`--dir` (the same disk for every tool; the file is checked for size, then deleted). A run is
timed from the process start to its exit (start-up included, as a user sees it) and its peak
RSS is read from `os.wait4`. The table gives the median MB/s (10^6 bytes/s), the range, the
median peak RSS, and the ratio to curl over the same protocol. nginx is stopped by its PID.

Tools (skipped when not installed):
    curl        curl -s -o OUT URL                 (--http1.1 / --http2, -k over TLS)
    wire        wire --download -o OUT URL         (--http1.1 / --http2, --verify no)
    wire-lib    this script's --fetch mode: wire.Client streaming into
                wire.cli._download.download() (the CLI's download path without the CLI)

Targets (issue 6): wire >= 0.85 x curl, peak RSS <= 35 MiB and flat as the size grows; over
HTTP/2 the same within 10 %.

Usage:
    python benchmarks/download.py                 # 256 MiB and 1 GiB, h1, h1tls, h2, 3 runs
    python benchmarks/download.py --sizes 64 --runs 5 --protocols h1
    python benchmarks/download.py --fetch URL OUT [--http2]   # one library download (internal)
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TOOLS = ("curl", "wire", "wire-lib")
MiB = 1 << 20

NGINX_CONF = """
worker_processes 1;
daemon off;
pid {dir}/nginx.pid;
error_log {dir}/nginx-error.log warn;
events {{ worker_connections 64; }}
http {{
    access_log off;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 100000;
    client_body_temp_path {dir}/tmp-body;
    proxy_temp_path {dir}/tmp-proxy;
    fastcgi_temp_path {dir}/tmp-fastcgi;
    uwsgi_temp_path {dir}/tmp-uwsgi;
    scgi_temp_path {dir}/tmp-scgi;
    types {{ application/octet-stream bin; }}
    server {{
        listen 127.0.0.1:{h1_port};
        root {dir}/data;
    }}
    server {{
        listen 127.0.0.1:{h2_port} ssl http2;
        ssl_certificate {dir}/cert.pem;
        ssl_certificate_key {dir}/key.pem;
        http2_chunk_size 16k;
        root {dir}/data;
    }}
}}
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def make_file(path: Path, size: int) -> None:
    """Create `path` with `size` random bytes, once (reused by later runs)."""
    if path.exists() and path.stat().st_size == size:
        return
    with open(path, "wb") as file:
        for _ in range(size // MiB):
            file.write(os.urandom(MiB))
        file.write(os.urandom(size % MiB))


def make_certificate(directory: Path) -> None:
    if (directory / "cert.pem").exists():
        return
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
         "-subj", "/CN=127.0.0.1", "-keyout", str(directory / "key.pem"),
         "-out", str(directory / "cert.pem")],
        check=True, capture_output=True,
    )  # fmt: skip


def start_nginx(directory: Path) -> tuple[int, int, int]:
    """Start nginx in the background; return (pid, HTTP/1.1 port, HTTP/2 TLS port)."""
    h1_port, h2_port = free_port(), free_port()
    conf = directory / "nginx.conf"
    conf.write_text(NGINX_CONF.format(dir=directory, h1_port=h1_port, h2_port=h2_port))
    process = subprocess.Popen(
        ["nginx", "-c", str(conf), "-p", str(directory)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:  # bounded wait for both listeners
        try:
            for port in (h1_port, h2_port):
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return process.pid, h1_port, h2_port
        except OSError:
            time.sleep(0.05)
    os.kill(process.pid, signal.SIGTERM)
    raise SystemExit("nginx did not start (see nginx-error.log in --dir)")


def stop_nginx(pid: int) -> None:
    os.kill(pid, signal.SIGQUIT)  # graceful; only the master we started
    try:
        os.waitpid(pid, 0)
    except ChildProcessError:
        pass


def wire_executable() -> str | None:
    beside = Path(sys.executable).with_name("wire")
    return str(beside) if beside.exists() else shutil.which("wire")


#: Per protocol: curl's flags, wire's flags, and whether the library client offers h2.
PROTOCOL_FLAGS: dict[str, tuple[list[str], list[str], bool]] = {
    "h1": ([], [], False),
    "h1tls": (["--http1.1", "-k"], ["--http1.1", "--verify", "no"], False),
    "h2": (["--http2", "-k"], ["--http2", "--verify", "no"], True),
}


def command(tool: str, protocol: str, url: str, out: Path) -> list[str] | None:
    """The argv for one download, or None when the tool is missing."""
    curl_flags, wire_flags, h2 = PROTOCOL_FLAGS[protocol]
    if tool == "curl":
        return ["curl", "-s", *curl_flags, "-o", str(out), url] if shutil.which("curl") else None
    if tool == "wire":
        exe = wire_executable()
        return None if exe is None else [exe, *wire_flags, "--download", "-o", str(out), url]
    if tool == "wire-lib":
        return [sys.executable, __file__, "--fetch", url, str(out), *(["--http2"] if h2 else [])]
    raise ValueError(tool)


def measure(argv: list[str], out: Path, size: int) -> tuple[float, float] | None:
    """Run once; return (MB/s, peak RSS MiB), or None when it failed or the size is wrong."""
    out.unlink(missing_ok=True)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # bytecode is compiled before timing
    started = time.perf_counter()
    process = subprocess.Popen(
        argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env
    )
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    assert process.stderr is not None
    error = process.stderr.read().decode(errors="replace").strip()
    process.stderr.close()
    process.returncode = os.waitstatus_to_exitcode(status)
    got = out.stat().st_size if out.exists() else 0
    out.unlink(missing_ok=True)
    if process.returncode != 0 or got != size:
        print(f"  FAILED {argv[0]} (exit {process.returncode}, {got} bytes): {error[-200:]}")
        return None
    return size / 1e6 / elapsed, usage.ru_maxrss / 1024  # ru_maxrss is in KiB on Linux


def fetch(url: str, out: str, http2: bool) -> None:
    """--fetch: one download through wire.Client and the CLI's download() (no CLI)."""
    from wire.cli._download import NullProgress, download
    from wire.client_core import Client

    with Client(http2=http2, verify=url.startswith("http:")) as client, client.stream(
        "GET", url, headers={"Accept-Encoding": "identity"}
    ) as response:
        response.raise_for_status()
        download(
            response, original_url_path="/", output=Path(out), progress=NullProgress(), fsync=False
        )


def report(results: dict[tuple[str, str, int], list[tuple[float, float]]]) -> None:
    print("| protocol | size | tool | median MB/s | min-max MB/s | median peak RSS MiB | x curl |")
    print("|---|---|---|---|---|---|---|")
    for (protocol, tool, size), runs in results.items():
        if not runs:
            print(f"| {protocol} | {size // MiB} MiB | {tool} | FAILED | | | |")
            continue
        rates = [rate for rate, _ in runs]
        median = statistics.median(rates)
        rss = statistics.median(rss for _, rss in runs)
        curl = results.get((protocol, "curl", size))
        ratio = f"{median / statistics.median(r for r, _ in curl):.2f}" if curl else "-"
        print(f"| {protocol} | {size // MiB} MiB | {tool} | {median:.0f} | "
              f"{min(rates):.0f}-{max(rates):.0f} | {rss:.1f} | {ratio} |")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="256,1024", help="file sizes in MiB, comma-separated")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--protocols", default="h1,h1tls,h2",
        help="h1 (plain HTTP/1.1), h1tls (HTTP/1.1 over TLS), h2 (HTTP/2 over TLS)",
    )  # fmt: skip
    parser.add_argument("--tools", default=",".join(TOOLS))
    parser.add_argument("--dir", default="/tmp/wire-bench-download", type=Path)
    parser.add_argument("--fetch", nargs=2, metavar=("URL", "OUT"), help=argparse.SUPPRESS)
    parser.add_argument("--http2", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.fetch:
        fetch(args.fetch[0], args.fetch[1], args.http2)
        return
    directory: Path = args.dir.resolve()
    (directory / "data").mkdir(parents=True, exist_ok=True)
    sizes = [int(value) * MiB for value in args.sizes.split(",")]
    for size in sizes:
        make_file(directory / "data" / f"f{size // MiB}.bin", size)
    make_certificate(directory)
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "wire")], check=True)
    pid, h1_port, h2_port = start_nginx(directory)
    results: dict[tuple[str, str, int], list[tuple[float, float]]] = {}
    try:
        for run in range(args.runs):  # round-robin: run 1 of everything, then run 2...
            for protocol in args.protocols.split(","):
                base = (f"http://127.0.0.1:{h1_port}" if protocol == "h1"
                        else f"https://127.0.0.1:{h2_port}")  # fmt: skip
                if protocol not in PROTOCOL_FLAGS:
                    raise SystemExit(f"unknown protocol {protocol!r}")
                for size in sizes:
                    for tool in args.tools.split(","):
                        url = f"{base}/f{size // MiB}.bin"
                        argv = command(tool, protocol, url, directory / "out.bin")
                        if argv is None:
                            continue
                        subprocess.run(["sync"], check=False)
                        outcome = measure(argv, directory / "out.bin", size)
                        runs = results.setdefault((protocol, tool, size), [])
                        if outcome is not None:
                            runs.append(outcome)
            print(f"run {run + 1}/{args.runs} done", file=sys.stderr)
    finally:
        stop_nginx(pid)
    load = open("/proc/loadavg").read().split()[:3] if Path("/proc/loadavg").exists() else []
    print(f"# {args.runs} runs, loadavg {' '.join(load)}, files in {directory}")
    report(dict(sorted(results.items(), key=lambda item: (item[0][0], item[0][2]))))


if __name__ == "__main__":
    main()

"""Download speed of one large body over TLS: HTTP/2 against HTTP/1.1, wire next to httpx.

What it does:

1. Mints a trustme CA and certificate, and starts hypercorn (this interpreter's, a
   subprocess) on 127.0.0.1 with ALPN h2 + http/1.1, serving a tiny ASGI app that answers
   `/{size}` with `size` zero bytes in 1 MiB chunks. Nothing leaves the machine.
2. For wire (this interpreter) and httpx (`--peers-python`, skipped when missing), over
   HTTP/2 and HTTP/1.1, downloads `--mib` MiB through `Client.stream()` / `iter_raw()` in a
   fresh subprocess; runs are interleaved, `--runs` times. Prints median MB/s.

HTTP/2 flow control (RFC 9113 §6.9.2) starts at 65,535-byte windows, one window per round
trip; the figures show whether a download is held back by it (compare h2 with HTTP/1.1, and
wire with httpx). hypercorn's own HTTP/2 code is usually the limit: compare clients, not
protocols, for the client's share.

    python benchmarks/h2_download.py               # 256 MiB, 3 runs
    python benchmarks/h2_download.py --mib 64 --runs 5
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from _local import free_port, wait_for_port

PEERS_PYTHON = "/tmp/wire-peers/bin/python"

APP = '''
CHUNK = bytes(1024 * 1024)


async def app(scope, receive, send):
    if scope["type"] != "http":
        return
    size = int(scope["path"].strip("/") or "0")
    headers = [(b"content-length", str(size).encode())]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    left = size
    while left > 0:
        n = min(left, len(CHUNK))
        left -= n
        await send({"type": "http.response.body", "body": CHUNK[:n], "more_body": left > 0})
    if size == 0:
        await send({"type": "http.response.body", "body": b""})
'''

WORKER = '''
import sys, time
name, http2, url, ca = sys.argv[1], sys.argv[2] == "h2", sys.argv[3], sys.argv[4]
lib = __import__("wire.client_core" if name == "wire" else name, fromlist=["Client"])
with lib.Client(http2=http2, verify=ca, timeout=120) as client:
    start, size = time.perf_counter(), 0
    with client.stream("GET", url) as response:
        for chunk in response.iter_raw():
            size += len(chunk)
        version = response.http_version
    elapsed = time.perf_counter() - start
print(size, elapsed, version)
'''


def start_hypercorn(directory: Path) -> tuple[subprocess.Popen[bytes], str, str]:
    """hypercorn over TLS in a subprocess; returns (process, base URL, CA path)."""
    import trustme

    ca = trustme.CA()
    cert = ca.issue_cert("127.0.0.1")
    ca.cert_pem.write_to_path(str(directory / "ca.pem"))
    cert.private_key_pem.write_to_path(str(directory / "key.pem"))
    cert.cert_chain_pems[0].write_to_path(str(directory / "cert.pem"))
    (directory / "bigapp.py").write_text(APP)
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "hypercorn", "--certfile", "cert.pem", "--keyfile", "key.pem",
         "-b", f"127.0.0.1:{port}", "bigapp:app"],
        cwd=directory, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    wait_for_port(process, port, "hypercorn", timeout=15)
    return process, f"https://127.0.0.1:{port}", str(directory / "ca.pem")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mib", type=int, default=256)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--peers-python", default=PEERS_PYTHON)
    args = parser.parse_args()
    size = args.mib * 1024 * 1024
    clients = [("wire", sys.executable)]
    probe = subprocess.run([args.peers_python, "-c", "import httpx, h2"], capture_output=True)
    if probe.returncode == 0:
        clients.append(("httpx", args.peers_python))
    rates: dict[tuple[str, str], list[float]] = {}
    with tempfile.TemporaryDirectory(prefix="wire-h2-") as tmp:
        process, base, ca = start_hypercorn(Path(tmp))
        try:
            for _ in range(args.runs):
                for name, python in clients:
                    for protocol in ("h2", "h1"):
                        done = subprocess.run(
                            [python, "-c", WORKER, name, protocol, f"{base}/{size}", ca],
                            capture_output=True, text=True, timeout=600, check=True,
                        )
                        received, elapsed, version = done.stdout.split()
                        assert int(received) == size, done.stdout
                        rate = size / float(elapsed) / 1e6
                        rates.setdefault((name, version), []).append(rate)
                        print(f"  {name} {version}: {rate:.0f} MB/s", file=sys.stderr)
        finally:
            process.terminate()
            process.wait(10)
    print(f"\n{args.mib} MiB over TLS from hypercorn, {args.runs} runs")
    print("| client | protocol | median MB/s | runs |")
    print("|---|---|---|---|")
    for (name, version), found in rates.items():
        runs = json.dumps([round(r) for r in found])
        print(f"| {name} | {version} | {statistics.median(found):.0f} | {runs} |")


if __name__ == "__main__":
    main()

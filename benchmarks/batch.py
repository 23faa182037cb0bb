#!/usr/bin/env python3
"""`wire batch` throughput: N requests at concurrency C, next to httpx.AsyncClient + a semaphore.

What it does:

1. Starts nginx on 127.0.0.1 (an ephemeral port, a private config in a temporary directory)
   serving a ~1 KiB JSON file with keep-alive; it is stopped by its PID at the end.
2. Writes an input file of N lines, `GET http://127.0.0.1:PORT/small.json`.
3. Times, `--runs` times each, in fresh processes:
   - `wire batch FILE -c C -q` (this interpreter, `python -m wire`), stdout to /dev/null;
   - the same job written by hand with httpx (`--peers-python`, default /tmp/wire-peers):
     one `httpx.AsyncClient` with its pool raised to C, an `asyncio.Semaphore(C)`, one task
     per line, the body read, one NDJSON result line written per request (as wire does);
   - the same hand-written job with `wire.AsyncClient(rate_limit=RateLimit(max_concurrency=C))`
     instead of the semaphore (the core's limit, for library users).
   Each figure is requests per second of wall-clock time for the whole process (start-up
   included), and for `wire batch` also its own figure (from its summary line, start-up
   excluded).
4. Prints a table of medians (min, max) and the ratio to httpx.

    python benchmarks/batch.py                           # 10,000 requests, c=100, 3 runs
    python benchmarks/batch.py --requests 2000 --conc 50 --runs 5

The machine is shared and noisy: compare medians from one run, side by side.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _local import start_nginx

PEERS_PYTHON = "/tmp/wire-peers/bin/python"
#: Seconds one measured process may take before it is abandoned.
RUN_TIMEOUT = 600

#: The hand-written job, run with `python - FILE CONC LIBRARY`; LIBRARY is "httpx" (with a
#: semaphore) or "wire" (with the core's RateLimit).
HAND_WRITTEN = r"""
import asyncio, json, sys, time

path, conc, library = sys.argv[1], int(sys.argv[2]), sys.argv[3]

async def main():
    if library == "httpx":
        import httpx as lib
        client = lib.AsyncClient(limits=lib.Limits(max_connections=conc,
                                                   max_keepalive_connections=conc))
        gate = asyncio.Semaphore(conc)
    else:
        import wire as lib
        client = lib.AsyncClient(
            limits=lib.Limits(max_connections=conc, max_keepalive_connections=conc),
            rate_limit=lib.RateLimit(max_concurrency=conc))
        gate = None
    out = sys.stdout

    async def one(number, url):
        start = time.perf_counter()
        status = size = error = None
        try:
            if gate is not None:
                async with gate:
                    response = await client.get(url)
            else:
                response = await client.get(url)
            status, size = response.status_code, len(response.content)
        except Exception as exc:
            error = str(exc)
        out.write(json.dumps({"line": number, "method": "GET", "url": url, "status": status,
                              "elapsed": time.perf_counter() - start, "size": size,
                              "error": error}) + "\n")

    with open(path) as handle:
        urls = [line.split()[1] for line in handle if line.strip()]
    async with client:
        await asyncio.gather(*(one(n, url) for n, url in enumerate(urls, 1)))

asyncio.run(main())
"""


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # compiled once, not on every run
    return env


def time_process(command: list[str], stdin_text: str | None = None) -> tuple[float, str]:
    """Run `command` with stdout to /dev/null; return (wall seconds, stderr text)."""
    start = time.perf_counter()
    done = subprocess.run(
        command, input=stdin_text, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        text=True, timeout=RUN_TIMEOUT, env=_env(), check=False,
    )  # fmt: skip
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise RuntimeError(f"{command[:3]} exited {done.returncode}: {done.stderr[-300:]}")
    return seconds, done.stderr


def measure(args: argparse.Namespace, requests_file: Path) -> dict[str, list[float]]:
    n, conc = args.requests, args.conc
    jobs: dict[str, tuple[list[str], str | None]] = {
        "wire batch": ([sys.executable, "-m", "wire", "batch", str(requests_file),
                        "-c", str(conc), "-q"], None),
        "httpx + semaphore": ([args.peers_python, "-", str(requests_file), str(conc), "httpx"],
                              HAND_WRITTEN),
        "wire.AsyncClient + RateLimit": ([sys.executable, "-", str(requests_file), str(conc),
                                          "wire"], HAND_WRITTEN),
    }  # fmt: skip
    results: dict[str, list[float]] = {name: [] for name in jobs}
    for run in range(args.runs):
        for name, (command, stdin_text) in jobs.items():  # interleaved: noise hits all alike
            try:
                seconds, _ = time_process(command, stdin_text)
            except (RuntimeError, subprocess.TimeoutExpired, FileNotFoundError) as exc:
                print(f"  {name}: {exc}", file=sys.stderr)
                continue
            results[name].append(n / seconds)
            print(f"  run {run + 1} {name}: {n / seconds:.0f} req/s", file=sys.stderr)
    return results


def wire_batch_inner_rate(args: argparse.Namespace, requests_file: Path) -> float | None:
    """`wire batch`'s own req/s (its summary line), start-up excluded."""
    command = [sys.executable, "-m", "wire", "batch", str(requests_file), "-c", str(args.conc)]
    _, stderr = time_process(command)
    match = re.search(r"\((\d+) req/s\)", stderr)
    return float(match.group(1)) if match else None


def report(results: dict[str, list[float]], inner: float | None, args: argparse.Namespace) -> None:
    print(f"\n{args.requests} GETs at concurrency {args.conc}, {args.runs} runs, "
          f"loadavg {os.getloadavg()[0]:.2f}\n")
    print("| job | median req/s | min | max | x httpx |")
    print("|---|---|---|---|---|")
    base = results.get("httpx + semaphore") or []
    for name, rates in results.items():
        if not rates:
            continue
        median = statistics.median(rates)
        ratio = f"{median / statistics.median(base):.2f}" if base else "-"
        print(f"| {name} | {median:.0f} | {min(rates):.0f} | {max(rates):.0f} | {ratio} |")
    if inner is not None:
        print(f"\nwire batch, start-up excluded (its summary line): {inner:.0f} req/s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=10_000)
    parser.add_argument("--conc", type=int, default=100)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--peers-python", default=PEERS_PYTHON)
    args = parser.parse_args()
    subprocess.run([sys.executable, "-m", "compileall", "-q", "wire"], check=False,
                   cwd=Path(__file__).resolve().parent.parent)  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="wire-batch-bench-") as tmp:
        process, url = start_nginx(Path(tmp))
        try:
            requests_file = Path(tmp) / "requests.txt"
            requests_file.write_text(f"GET {url}\n" * args.requests)
            results = measure(args, requests_file)
            inner = wire_batch_inner_rate(args, requests_file)
        finally:
            process.terminate()  # our child, by its PID
            process.wait(10)
    report(results, inner, args)


if __name__ == "__main__":
    main()

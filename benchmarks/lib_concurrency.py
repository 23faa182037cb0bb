"""Requests per second of `wire.AsyncClient` at several concurrencies, next to httpx and aiohttp.

What it does:

1. Starts nginx on 127.0.0.1 (an ephemeral port, a private config and a temporary directory)
   serving a ~1 KiB JSON file with keep-alive; nothing leaves the machine. Stopped at the end.
2. For each client and each concurrency C, runs a fresh interpreter (a subprocess) that opens
   one client with its pool limits raised to C, sends C untimed warm-up requests (so the
   connections are open), then times N GETs made by C asyncio tasks, each reading the body
   and checking the status. It records requests/s and the client's CPU time per request
   (`time.process_time`, steadier than wall time on a busy machine). Runs are interleaved
   (every client once, then every client again...), `--runs` times; medians are quoted.
3. Prints a table: median, min and max requests/s, wire's ratio to each client at the same
   concurrency, CPU us per request, and wire's ratio c=max / c=min (the pool "scales" when
   it is >= 1).

Clients: "wire" runs with this interpreter; "httpx" and "aiohttp" with `--peers-python`
(default /tmp/wire-peers/bin/python), skipped with a note when that interpreter lacks them.

    python benchmarks/lib_concurrency.py                      # c=10 and c=100, 5,000 GETs, 3 runs
    python benchmarks/lib_concurrency.py --conc 1 10 100 200 --requests 3000 --runs 5
    python benchmarks/lib_concurrency.py --clients wire aiohttp

The machine is shared and noisy: compare medians from one run, side by side.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _local import start_nginx

PEERS_PYTHON = "/tmp/wire-peers/bin/python"
#: Seconds a single measurement subprocess may take before it is abandoned.
WORKER_TIMEOUT = 300


# --------------------------------------------------------------------------- worker side
async def _make_client(name: str, conc: int):  # type: ignore[no-untyped-def]
    """(get(url) coroutine function, aclose coroutine function) for a client name."""
    if name == "aiohttp":
        import aiohttp

        session = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=conc))

        async def get_aiohttp(url: str) -> None:
            async with session.get(url) as response:
                await response.read()
                assert response.status == 200

        return get_aiohttp, session.close
    module = __import__(name)  # wire or httpx: the same API
    client = module.AsyncClient(
        limits=module.Limits(max_connections=conc, max_keepalive_connections=conc)
    )

    async def get(url: str) -> None:
        response = await client.get(url)
        assert response.status_code == 200

    return get, client.aclose


async def _measure(name: str, url: str, n: int, conc: int) -> tuple[float, float]:
    """(requests per second, client CPU microseconds per request) for one timed batch."""
    get, aclose = await _make_client(name, conc)
    try:
        await asyncio.gather(*(get(url) for _ in range(conc)))  # warm-up: opens connections
        remaining = n

        async def worker() -> None:
            nonlocal remaining
            while remaining > 0:  # bounded: n requests in all
                remaining -= 1
                await get(url)

        start, cpu_start = time.perf_counter(), time.process_time()
        await asyncio.gather(*(worker() for _ in range(conc)))
        cpu = time.process_time() - cpu_start
        return n / (time.perf_counter() - start), cpu / n * 1e6
    finally:
        await aclose()


def worker_main(name: str, url: str, n: int, conc: int, runs: int) -> None:
    results = [asyncio.run(_measure(name, url, n, conc)) for _ in range(runs)]
    print(json.dumps(results))


# --------------------------------------------------------------------------- driver side
def _python_for(name: str, peers_python: str) -> str | None:
    python = sys.executable if name == "wire" else peers_python
    module = "aiohttp" if name == "aiohttp" else name
    probe = subprocess.run([python, "-c", f"import {module}"], capture_output=True)
    return python if probe.returncode == 0 else None


def run_one(
    python: str, name: str, url: str, n: int, conc: int, runs: int
) -> list[list[float]]:
    command = [python, os.path.abspath(__file__), "--worker", name, "--url", url,
               "--requests", str(n), "--runs", str(runs), "--conc", str(conc)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=WORKER_TIMEOUT)
    if done.returncode != 0:
        raise RuntimeError(done.stderr.strip().splitlines()[-1] if done.stderr else "failed")
    return list(json.loads(done.stdout.strip().splitlines()[-1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", nargs="+", default=["wire", "httpx", "aiohttp"])
    parser.add_argument("--conc", nargs="+", type=int, default=[10, 100])
    parser.add_argument("--requests", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--peers-python", default=PEERS_PYTHON)
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker_main(args.worker, args.url, args.requests, args.conc[0], args.runs)
        return
    with tempfile.TemporaryDirectory(prefix="wire-bench-") as tmp:
        process, url = start_nginx(Path(tmp))
        try:
            results = _run_all(args, url)
        finally:
            process.terminate()
            process.wait(10)
    _report(results, args)


Results = dict[tuple[str, int], list[list[float]]]


def _run_all(args: argparse.Namespace, url: str) -> Results:
    """Measure every (client, concurrency), interleaved run by run.

    Interleaving matters on a shared machine: a burst of load elsewhere then slows one run of
    every client rather than all the runs of one client.
    """
    print(f"# lib_concurrency: {args.requests} GETs of {url}, {args.runs} runs, "
          f"loadavg {os.getloadavg()}")
    pythons = {name: _python_for(name, args.peers_python) for name in args.clients}
    for name, python in pythons.items():
        if python is None:
            print(f"  {name}: not importable, skipped")
    results: Results = {}
    for run in range(args.runs):
        for conc in args.conc:
            for name, python in pythons.items():
                if python is None:
                    continue
                try:
                    found = run_one(python, name, url, args.requests, conc, 1)
                except (RuntimeError, subprocess.TimeoutExpired) as exc:
                    print(f"  {name} c={conc}: {exc}")
                    continue
                results.setdefault((name, conc), []).extend(found)
                rate, cpu = found[0]
                print(f"  run {run + 1} {name} c={conc}: {rate:.0f} req/s, "
                      f"{cpu:.0f} CPU us/request", file=sys.stderr)
    return results


def _median(results: Results, key: tuple[str, int], column: int = 0) -> float:
    return statistics.median(row[column] for row in results[key])


def _report(results: Results, args: argparse.Namespace) -> None:
    print("\n| client | concurrency | median req/s | min | max | wire / client | CPU us/req |")
    print("|---|---|---|---|---|---|---|")
    for (name, conc), rows in sorted(results.items(), key=lambda item: item[0][::-1]):
        rates = [row[0] for row in rows]
        median = statistics.median(rates)
        ratio = (f"{_median(results, ('wire', conc)) / median:.2f}"
                 if ("wire", conc) in results else "-")
        print(f"| {name} | {conc} | {median:.0f} | {min(rates):.0f} | {max(rates):.0f} "
              f"| {ratio} | {_median(results, (name, conc), 1):.0f} |")
    low, high = min(args.conc), max(args.conc)
    if ("wire", low) in results and ("wire", high) in results:
        scale = _median(results, ("wire", high)) / _median(results, ("wire", low))
        print(f"\nwire c={high} / c={low}: {scale:.2f} (the pool scales when >= 1)")
    for peer in ("httpx", "aiohttp"):
        if ("wire", high) in results and (peer, high) in results:
            ratio = _median(results, ("wire", high)) / _median(results, (peer, high))
            print(f"wire / {peer} at c={high}: {ratio:.2f}")
    print(f"loadavg after {os.getloadavg()}")


if __name__ == "__main__":
    main()

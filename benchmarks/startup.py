#!/usr/bin/env python3
"""Start-up benchmark: how long one `wire URL` takes next to a bare `python -c pass`.

A tiny HTTP server (http.server, in a thread, on 127.0.0.1 with an ephemeral port) serves a
small JSON document. Each command runs `--runs` times (after `--warmup` unmeasured runs) with
stdout piped to /dev/null, and the medians are printed with their ratio to `python -c pass`.
HTTPie's `http` and the `httpx` CLI are timed too when they are on PATH.

Then `python -X importtime -c "import wire"` lists the slowest imports, and FAIL is printed
(exit status 1) if `import wire` pulls in a module that must stay lazy: rich, pygments, click,
h2 or trio.

The target (issue 5) is `wire URL` ≤ 0.35 × the httpx CLI: the ratio to `httpx URL` is printed
when the httpx CLI is found (on PATH, or in the `--peers` bin directory). Runs never set
PYTHONDONTWRITEBYTECODE (it would recompile every module on every run); precompile first with
`python -m compileall -q wire`.

Usage:
    python benchmarks/startup.py [--runs 20] [--warmup 2] [--top 15] [--peers /tmp/wire-peers/bin]
"""

from __future__ import annotations

import argparse
import http.server
import os
import shutil
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from pathlib import Path

BODY = b'{"name": "wire", "fast": true, "items": [1, 2, 3]}'
#: Top-level packages that `import wire` must not import (they are for the CLI, lazily).
FORBIDDEN = ("rich", "pygments", "click", "h2", "trio")


class _Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 (the http.server API)
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(BODY)))
        self.end_headers()
        self.wfile.write(BODY)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        """Silence the per-request log line."""


def _clean_env() -> dict[str, str]:
    """os.environ without proxy variables (requests go straight to 127.0.0.1) and without
    PYTHONDONTWRITEBYTECODE (cached bytecode is what users run)."""
    return {
        k: v for k, v in os.environ.items()
        if "proxy" not in k.lower() and k != "PYTHONDONTWRITEBYTECODE"
    }


def time_command(argv: Sequence[str], runs: int, warmup: int) -> tuple[list[float], int, str]:
    """Run `argv` warmup + runs times.

    Returns:
        (wall-clock seconds of each measured run, the last exit status, the last stderr line).
    """
    env, times, returncode, last_error = _clean_env(), [], 0, ""
    for index in range(warmup + runs):
        start = time.perf_counter()
        completed = subprocess.run(
            list(argv), stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE, env=env, timeout=60, check=False,
        )  # fmt: skip
        elapsed = time.perf_counter() - start
        returncode = completed.returncode
        last_error = (completed.stderr.decode(errors="replace").strip().splitlines() or [""])[-1]
        if index >= warmup:
            times.append(elapsed)
    return times, returncode, last_error


def import_times(python: str, module: str = "wire") -> list[tuple[int, int, str]]:
    """(self µs, cumulative µs, module name) for each import of `python -c "import module"`."""
    completed = subprocess.run(
        [python, "-X", "importtime", "-c", f"import {module}"],
        capture_output=True, text=True, env=_clean_env(), timeout=60, check=True,
    )  # fmt: skip
    rows = []
    for line in completed.stderr.splitlines():
        if not line.startswith("import time:") or "self [us]" in line:
            continue
        self_us, cumulative_us, name = line[len("import time:") :].split("|")
        rows.append((int(self_us), int(cumulative_us), name.strip()))
    return rows


def forbidden_imports(rows: Sequence[tuple[int, int, str]]) -> list[str]:
    """Module names in `rows` that belong to a FORBIDDEN top-level package."""
    return sorted({name for _, _, name in rows if name.split(".")[0] in FORBIDDEN})


def _find_wire() -> str | None:
    return shutil.which("wire", path=str(Path(sys.executable).parent)) or shutil.which("wire")


def _commands(url: str, peers: str | None) -> list[tuple[str, list[str]]]:
    commands = [("python -c pass", [sys.executable, "-c", "pass"])]
    wire = _find_wire()
    if wire is not None:
        commands.append(("wire URL", [wire, url]))
    for label, exe in (("http URL (HTTPie)", "http"), ("httpx URL", "httpx")):
        found = (shutil.which(exe, path=peers) if peers else None) or shutil.which(exe)
        if found is not None:
            commands.append((label, [found, url]))
    return commands


def benchmark(url: str, runs: int, warmup: int, peers: str | None = None) -> bool:
    """Time each command against `url` and print a table; False if one exits non-zero."""
    ok, baseline = True, None
    medians: dict[str, float] = {}
    print(f"{'command':<22} {'median ms':>10} {'min ms':>8} {'x python':>9}  (runs={runs})")
    for label, argv in _commands(url, peers):
        times, returncode, last_error = time_command(argv, runs, warmup)
        median = statistics.median(times)
        medians[label] = median
        baseline = baseline or median
        note = "" if returncode == 0 else f"  FAIL: exit status {returncode}: {last_error}"
        ok = ok and returncode == 0
        print(
            f"{label:<22} {median * 1e3:>10.1f} {min(times) * 1e3:>8.1f} "
            f"{median / baseline:>9.2f}{note}"
        )
    if _find_wire() is None:
        print("wire URL: FAIL: no `wire` executable next to this interpreter or on PATH")
        ok = False
    if "wire URL" in medians and "httpx URL" in medians:
        ratio = medians["wire URL"] / medians["httpx URL"]
        print(f"wire URL / httpx URL = {ratio:.2f} (target <= 0.35)")
    return ok


def report_imports(top: int) -> bool:
    """Print the slowest imports of `import wire`; False (and FAIL) if a forbidden one is in."""
    import_times(sys.executable)  # once unmeasured, so bytecode compilation is not counted
    rows = import_times(sys.executable)
    total = max((cumulative for _, cumulative, name in rows if name == "wire"), default=0)
    print(f"\nimport wire: {total / 1e3:.1f} ms cumulative; top {top} by cumulative time:")
    for self_us, cumulative_us, name in sorted(rows, key=lambda r: r[1], reverse=True)[:top]:
        print(f"  {cumulative_us / 1e3:>8.1f} ms  (self {self_us / 1e3:>6.1f} ms)  {name}")
    bad = forbidden_imports(rows)
    if bad:
        print(f"FAIL: `import wire` imports {', '.join(bad)} (must be lazy)")
        return False
    print(f"OK: `import wire` imports none of {', '.join(FORBIDDEN)}")
    return True


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark; returns the exit status (0 ok, 1 a FAIL was printed)."""
    parser = argparse.ArgumentParser(description="wire start-up benchmark")
    parser.add_argument("--runs", type=int, default=20, help="measured runs per command")
    parser.add_argument("--warmup", type=int, default=2, help="unmeasured runs first")
    parser.add_argument("--top", type=int, default=15, help="imports to list")
    parser.add_argument("--peers", help="bin directory holding the `http` and `httpx` CLIs")
    args = parser.parse_args(argv)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1})
    thread.daemon = True
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/"
        ok = benchmark(url, max(1, args.runs), max(0, args.warmup), args.peers)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(10)
    ok = report_imports(args.top) and ok
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

"""`wire batch FILE|-`: NDJSON results, errors per line, exit status, concurrency, rate, and
bounded read-ahead of the input."""

from __future__ import annotations

import asyncio
import io
import json
import socket
import subprocess
import time
import uuid
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from tests.servers import LocalServer
from wire.cli._batch import READ_BATCH_LINES, BatchResult, _produce, batch_command, parse_line
from wire.cli._env import Environment


def run(args: list[str], stdin: bytes = b"", *, tty: bool = False) -> tuple[int, list[Any], str]:
    env = Environment.for_testing(stdout_isatty=False, stderr_isatty=tty, stdin=stdin)
    result = CliRunner().invoke(batch_command, args, obj=env, catch_exceptions=False)
    lines = env.stdout.getvalue().decode().splitlines()  # type: ignore[attr-defined]
    results = sorted((json.loads(line) for line in lines), key=lambda r: r["line"])
    return result.exit_code, results, env.stderr.getvalue()  # type: ignore[attr-defined]


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("", None), ("   \n", None), ("# GET :8000/x", None), ("  # indented", None),
        (":8000/json", [":8000/json"]),
        ("POST :8000/p 'name=a b' n:=1\n", ["POST", ":8000/p", "name=a b", "n:=1"]),
    ],
)  # fmt: skip
def test_parse_line(text: str, words: list[str] | None) -> None:
    assert parse_line(text) == words


def test_result_json_shape() -> None:
    result = BatchResult(line=3, method="GET", url="http://a.test/", status=200, elapsed=0.1234567,
                         size=10)  # fmt: skip
    assert json.loads(result.to_json()) == {
        "line": 3, "method": "GET", "url": "http://a.test/", "status": 200,
        "elapsed": 0.123457, "size": 10, "error": None,
    }  # fmt: skip
    assert not result.is_failure
    assert BatchResult(line=1, status=503).is_failure
    assert BatchResult(line=1, error="boom").is_failure


def test_batch_file_mixed_results(server: LocalServer, tmp_path: Path) -> None:
    port = closed_port()
    requests = tmp_path / "requests.txt"
    requests.write_text(
        f"{server.url}/json\n"
        "# a comment\n"
        "\n"
        f"POST {server.url}/echo a=1\n"
        f"{server.url}/status/500\n"
        f"{server.url}/x 'unbalanced\n"
        f"http://127.0.0.1:{port}/\n",
        encoding="utf-8",
    )
    code, results, err = run([str(requests), "--concurrency", "3"])
    assert code == 1
    assert [r["line"] for r in results] == [1, 4, 5, 6, 7]
    first, post, failed, bad, refused = results
    assert (first["method"], first["url"], first["status"], first["size"]) == (
        "GET", f"{server.url}/json", 200, 40
    )
    assert first["error"] is None and first["elapsed"] > 0
    assert (post["method"], post["status"]) == ("POST", 200)
    assert failed["status"] == 500
    assert bad["status"] is None and bad["error"].startswith("line 6:")
    assert refused["status"] is None and "127.0.0.1" in refused["error"]
    assert err.startswith("wire batch: 5 requests, 2 ok, 3 failed, in ")


def test_batch_from_stdin_all_ok(server: LocalServer) -> None:
    stdin = "".join(f"{server.url}/echo n=={i}\n" for i in range(20)).encode()
    code, results, err = run(["-", "-c", "5", "--quiet"], stdin=stdin)
    assert (code, err) == (0, "")
    assert [r["line"] for r in results] == list(range(1, 21))
    assert all(r["status"] == 200 and r["error"] is None for r in results)
    assert results[7]["url"] == f"{server.url}/echo?n=7"


def test_batch_concurrency_runs_requests_side_by_side(server: LocalServer) -> None:
    stdin = f"{server.url}/slow?delay=0.3\n".encode() * 6
    start = time.monotonic()
    code, results, _ = run(["-", "-c", "6", "-q"], stdin=stdin)
    parallel = time.monotonic() - start
    start = time.monotonic()
    run(["-", "-c", "2", "-q"], stdin=stdin)
    limited = time.monotonic() - start
    assert code == 0 and len(results) == 6
    assert parallel < 0.85  # one wave
    assert limited >= 0.85  # three waves


def test_batch_rate_limit_paces_the_starts(server: LocalServer) -> None:
    stdin = f"{server.url}/\n".encode() * 6
    start = time.monotonic()
    code, _, _ = run(["-", "-c", "6", "--rate", "20", "-q"], stdin=stdin)
    assert code == 0
    assert time.monotonic() - start >= 0.24  # five 50 ms intervals after the first


def test_batch_retries(server: LocalServer) -> None:
    stdin = f"{server.url}/flaky/{uuid.uuid4().hex}/1?retry_after=0\n".encode()
    code, results, err = run(["-", "--retry", "2"], stdin=stdin)
    assert code == 0 and results[0]["status"] == 200
    assert "wire: retry 1/2" in err


def test_missing_file_is_one_error_line(tmp_path: Path) -> None:
    code, results, err = run([str(tmp_path / "nope.txt")])
    assert (code, results) == (1, [])
    assert err.startswith("wire: error: batch: cannot read") and err.count("\n") == 1


def test_progress_bar_goes_to_stderr_on_a_terminal(server: LocalServer) -> None:
    stdin = f"{server.url}/\n".encode() * 3
    code, results, err = run(["-"], stdin=stdin, tty=True)
    assert code == 0 and len(results) == 3
    assert "wire batch: 3 requests, 3 ok, 0 failed" in err


def test_read_ahead_is_bounded() -> None:
    """With no worker draining the queue, the producer stops reading after about 2 x N lines."""

    class CountingSource(io.RawIOBase):
        def __init__(self) -> None:
            self.lines_read = 0

        def readable(self) -> bool:
            return True

        def readline(self, size: int | None = -1) -> bytes:
            self.lines_read += 1
            return b"http://127.0.0.1:9/\n" if self.lines_read <= 100_000 else b""

    source = CountingSource()

    async def main() -> None:
        queue: asyncio.Queue[Any] = asyncio.Queue(maxsize=2 * 10)
        task = asyncio.create_task(_produce(source, queue, 10))  # type: ignore[arg-type]
        await asyncio.sleep(0.3)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    asyncio.run(main())
    assert source.lines_read <= 2 * 10 + 2 * READ_BATCH_LINES


def test_installed_wire_dispatches_batch(server: LocalServer, wire_exe: str) -> None:
    done = subprocess.run(
        [wire_exe, "batch", "-", "-q"], input=f"{server.url}/json\n".encode(),
        capture_output=True, timeout=30, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["status"] == 200

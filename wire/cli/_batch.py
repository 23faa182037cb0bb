"""`wire batch FILE|-`: many requests, one per input line, with bounded concurrency and rate.

    $ cat requests.txt
    :8000/json
    POST :8000/post name=wire n:=3
    # comments and blank lines are skipped
    $ wire batch requests.txt --concurrency 20 --rate 100 > results.ndjson

Each line is a request in wire's own syntax, `[METHOD] URL [ITEM...]`, split with shell
quoting rules. Each result is one JSON line on stdout, in completion order:

    {"line": 2, "method": "POST", "url": "http://localhost:8000/post", "status": 200,
     "elapsed": 0.0042, "size": 312, "error": null}

`elapsed` is float seconds from sending to the end of the body; `size` is the body's bytes as
received (before any content decoding); `error` a one-line message (then `status` and `size`
may be null). The exit status is 0 when every request got a response below 400, else 1.

Strategy (memory): the input is read lazily in small batches (off the event loop for stdin),
into a queue of at most 2 x N lines that N workers drain; each result is written as soon as
it is known. So 100,000 lines hold no more than about 3 x N requests in memory at once.
Concurrency is the worker count; the rate is the client core's `RateLimit` token bucket.
"""

from __future__ import annotations

import asyncio
import json
import shlex
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import IO, Any

import click

from ._env import Environment

__all__ = ["BatchResult", "batch_command", "parse_line", "run_batch"]

#: Lines read from the input per step (stdin is read in a thread, one step at a time).
READ_BATCH_LINES = 256


@dataclass
class BatchResult:
    """The outcome of one input line (see the module docstring for the JSON form)."""

    line: int
    method: str | None = None
    url: str | None = None
    status: int | None = None
    elapsed: float | None = None
    size: int | None = None
    error: str | None = None

    def to_json(self) -> bytes:
        """One NDJSON line (bytes, UTF-8, newline-terminated)."""
        data = {
            "line": self.line, "method": self.method, "url": self.url, "status": self.status,
            "elapsed": None if self.elapsed is None else round(self.elapsed, 6),
            "size": self.size, "error": self.error,
        }  # fmt: skip
        return json.dumps(data, ensure_ascii=False).encode("utf-8") + b"\n"

    @property
    def is_failure(self) -> bool:
        """True for an error or a status of 400 or more."""
        return self.error is not None or (self.status is not None and self.status >= 400)


def parse_line(text: str) -> list[str] | None:
    """The words of one input line, or None for a blank line or a `#` comment.

    Raises:
        ValueError: for unbalanced quotes.
    """
    stripped = text.strip()
    if not stripped or stripped.startswith("#"):
        return None
    return shlex.split(stripped)


def _build(client: Any, words: list[str]) -> Any:
    from ._build import BuildError, build_request_spec

    spec = build_request_spec({"args": tuple(words), "ignore_stdin": True})
    if spec.files:
        raise BuildError("file uploads (name@file) are not supported in batch lines")
    form: dict[str, list[str]] | None = None
    if spec.form is not None:
        form = {}
        for key, value in spec.form:
            form.setdefault(key, []).append(value)
    request = client.build_request(
        spec.method, spec.url, params=list(spec.params) or None, headers=list(spec.headers),
        content=spec.content, data=form or None,
    )
    for name in spec.unset_headers:
        if name in request.headers:
            del request.headers[name]
    return request


async def _send_one(client: Any, number: int, text: str) -> BatchResult:
    from ._exit import describe_error

    result = BatchResult(line=number)
    try:
        words = parse_line(text)
        assert words is not None  # blank lines never reach the workers
        request = _build(client, words)
    except Exception as exc:  # the line's own error, reported in its result
        result.error = f"line {number}: {exc}"
        return result
    result.method, result.url = request.method, str(request.url)
    start = time.perf_counter()
    try:
        response = await client.send(request, stream=True)
        try:
            size = 0
            async for chunk in response.aiter_raw():
                size += len(chunk)
        finally:
            await response.aclose()
        result.status, result.size = response.status_code, size
    except Exception as exc:
        result.error = describe_error(exc, method=request.method, url=str(request.url)).message
    result.elapsed = time.perf_counter() - start
    return result


def _numbered_lines(source: IO[bytes]) -> Iterator[list[tuple[int, str]]]:
    """Batches of `(line number, text)` for non-blank, non-comment lines."""
    batch: list[tuple[int, str]] = []
    for number, raw in enumerate(source, start=1):
        text = raw.decode("utf-8", errors="replace")
        if text.strip() and not text.lstrip().startswith("#"):
            batch.append((number, text))
        if len(batch) >= READ_BATCH_LINES:
            yield batch
            batch = []
    if batch:
        yield batch


@dataclass
class _Tally:
    done: int = 0
    failed: int = 0


async def _produce(source: IO[bytes], queue: asyncio.Queue[Any], workers: int) -> None:
    batches = _numbered_lines(source)
    while True:  # ends at the end of the input
        batch = await asyncio.to_thread(next, batches, None)
        if batch is None:
            break
        for item in batch:
            await queue.put(item)
    for _ in range(workers):
        await queue.put(None)


async def _work(
    client: Any, queue: asyncio.Queue[Any], env: Environment, tally: _Tally, progress: Any
) -> None:
    while True:  # ends at the None the producer puts once per worker
        item = await queue.get()
        if item is None:
            return
        result = await _send_one(client, *item)
        env.stdout.write(result.to_json())
        tally.done += 1
        tally.failed += result.is_failure
        if progress is not None:
            progress.advance()


def _client(options: Mapping[str, Any], concurrency: int) -> Any:
    from ..client_core import AsyncClient, Limits, RateLimit

    rate = options.get("rate")
    return AsyncClient(
        timeout=options.get("timeout") or 30.0,
        follow_redirects=bool(options.get("follow")),
        verify=str(options.get("verify", "yes")).lower() not in ("no", "false", "0", "off"),
        limits=Limits(max_connections=concurrency, max_keepalive_connections=concurrency),
        rate_limit=RateLimit(requests_per_second=rate) if rate else None,
        retry=options.get("retry_policy"),
        trust_env=False,
    )


async def _run_async(
    env: Environment, source: IO[bytes], options: Mapping[str, Any], progress: Any
) -> _Tally:
    concurrency = int(options.get("concurrency") or 10)
    queue: asyncio.Queue[Any] = asyncio.Queue(maxsize=2 * concurrency)
    tally = _Tally()
    async with _client(options, concurrency) as client:
        workers = [
            asyncio.create_task(_work(client, queue, env, tally, progress))
            for _ in range(concurrency)
        ]
        await asyncio.gather(_produce(source, queue, concurrency), *workers)
    return tally


class _Progress:
    """A rich progress bar on stderr (count, rate, elapsed); total unknown for stdin."""

    def __init__(self, env: Environment, total: int | None) -> None:
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
        )

        console = Console(file=env.stderr, width=env.width, force_terminal=env.stderr_isatty)
        self._progress = Progress(
            TextColumn("batch"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
            console=console, transient=True,
        )  # fmt: skip
        self._task = self._progress.add_task("batch", total=total)

    def __enter__(self) -> _Progress:
        self._progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._progress.stop()

    def advance(self) -> None:
        """Count one finished request."""
        self._progress.advance(self._task)


def _count_lines(path: str) -> int | None:
    try:
        with open(path, "rb") as handle:
            return sum(1 for line in handle if line.strip() and not line.lstrip().startswith(b"#"))
    except OSError:
        return None


def run_batch(env: Environment, path: str, options: Mapping[str, Any]) -> int:
    """Run every request of `path` ("-" for stdin); return the exit status (0 or 1).

    Args:
        env: the `Environment` (stdout gets the NDJSON, stderr the progress and summary).
        path: str file path, or "-" for `env.stdin`.
        options: concurrency (int), rate (float req/s or None), timeout (float s or None),
            follow (bool), verify ("yes"/"no"), retry_policy (`Retry` or None), quiet (bool).

    Returns:
        0 when every request got a response with a status below 400, else 1.

    Raises:
        OSError: when `path` cannot be opened.
    """
    source: IO[bytes] = env.stdin if path == "-" else open(path, "rb")  # noqa: SIM115
    show_progress = env.stderr_isatty and not options.get("quiet")
    start = time.perf_counter()
    try:
        if show_progress:
            total = None if path == "-" else _count_lines(path)
            with _Progress(env, total) as progress:
                tally = asyncio.run(_run_async(env, source, options, progress))
        else:
            tally = asyncio.run(_run_async(env, source, options, None))
    finally:
        env.stdout.flush()
        if source is not env.stdin:
            source.close()
    seconds = time.perf_counter() - start
    if not options.get("quiet"):
        rate = tally.done / seconds if seconds > 0 else 0.0
        env.stderr.write(
            f"wire batch: {tally.done} requests, {tally.done - tally.failed} ok, "
            f"{tally.failed} failed, in {seconds:.2f} s ({rate:.0f} req/s)\n"
        )
        env.stderr.flush()
    return 1 if tally.failed else 0


@click.command(
    name="batch",
    context_settings={"help_option_names": ["--help"], "max_content_width": 100},
    help="Send one request per line of FILE ('-' for stdin), in wire's syntax "
    "'[METHOD] URL [ITEM...]'; print one JSON result per line (NDJSON).",
)
@click.argument("path", metavar="FILE|-")
@click.option("--concurrency", "-c", type=click.IntRange(1, 10_000), default=10,
              show_default=True, metavar="N", help="Requests in flight at once.")
@click.option("--rate", type=click.FloatRange(min=0, min_open=True), metavar="R",
              help="At most R requests started per second (default: no limit).")
@click.option("--timeout", type=float, metavar="SECONDS",
              help="Seconds to wait for each connection and each read (default 30).")
@click.option("--retry", type=click.IntRange(0), default=0, metavar="N",
              help="Retry each request up to N times (connect errors; 429, 502, 503, 504).")
@click.option("--follow", "-F", is_flag=True, help="Follow redirects.")
@click.option("--verify", default="yes", show_default=True, metavar="yes|no",
              help="Verify TLS certificates.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar and no summary on stderr.")
@click.pass_context
def batch_command(ctx: click.Context, /, path: str, **options: Any) -> None:
    """`wire batch FILE|-` (help above)."""
    from ._exchange import retry_policy_from_options
    from ._exit import ExitStatus, print_error

    env = ctx.obj if isinstance(ctx.obj, Environment) else Environment.from_process()
    options["retry_policy"] = retry_policy_from_options(env, options)
    try:
        status = run_batch(env, path, options)
    except OSError as exc:
        print_error(env, f"batch: cannot read {path!r}: {exc.strerror}")
        status = int(ExitStatus.ERROR)
    ctx.exit(status)

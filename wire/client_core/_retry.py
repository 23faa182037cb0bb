"""`Retry`: when and how long to wait before sending a request again.

The policy is a frozen value; `RetryLoop` applies it to one request. The rules:

- A request is retried after a connect error (`ConnectError`, `ConnectTimeout`: nothing was
  sent, so any method is safe) when `retry_connect_errors` is set, and after a response whose
  status is in `status_codes` (429, 502, 503, 504 by default).
- Only idempotent methods (RFC 9110 §9.2.2: GET, HEAD, OPTIONS, TRACE, PUT, DELETE) are
  retried after a response, unless `methods` says otherwise (`methods=None`: all methods).
  A request whose body is a one-shot stream is never re-sent (it could not be replayed).
- The wait before retry *n* (1-based) is `min(max_backoff, backoff_factor * 2 ** (n - 1))`
  seconds; with `jitter` ("full jitter") it is drawn uniformly from [0, that].
- A `Retry-After` header (RFC 9110 §10.2.3: delay-seconds or an HTTP-date) replaces the
  backoff when `respect_retry_after` is set. A wait longer than `max_retry_after` ends the
  retries and returns the response: waiting less than the server asked would only earn
  another refusal.
- `max_time` bounds the whole sequence: no retry starts whose wait would end later than
  `max_time` seconds after the first attempt.

Strategy (sync and async from one source): the client iterates a `RetryLoop` with
`async for` (the generated sync client with `for`). `__anext__` sleeps with the running
async library (asyncio or trio), `__next__` with `time.sleep`; the decisions are plain
methods without I/O, shared by both.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ._exceptions import ConnectError, ConnectTimeout, TransportError
from ._utils import current_async_library

if TYPE_CHECKING:  # pragma: no cover
    from ._models import Request, Response

__all__ = [
    "DEFAULT_RETRY_METHODS",
    "DEFAULT_RETRY_STATUS_CODES",
    "Retry",
    "RetryEvent",
    "RetryLoop",
    "async_sleep",
    "parse_retry_after",
]

#: RFC 9110 §9.2.2: the idempotent methods, safe to send twice.
DEFAULT_RETRY_METHODS: frozenset[str] = frozenset(
    {"GET", "HEAD", "OPTIONS", "TRACE", "PUT", "DELETE"}
)
#: Too Many Requests, Bad Gateway, Service Unavailable, Gateway Timeout: usually transient.
DEFAULT_RETRY_STATUS_CODES: frozenset[int] = frozenset({429, 502, 503, 504})


def parse_retry_after(value: str, *, now: float | None = None) -> float | None:
    """Parse a `Retry-After` value (RFC 9110 §10.2.3) into seconds to wait.

    Args:
        value: str, either delay-seconds (`"120"`) or an HTTP-date
            (`"Wed, 21 Oct 2015 07:28:00 GMT"`).
        now: the current time as a POSIX timestamp (float seconds); None uses `time.time()`.

    Returns:
        float seconds, at least 0.0 (a date in the past means "now"); None when the value is
        neither form.

    Example:
        >>> parse_retry_after("3")
        3.0
        >>> parse_retry_after("soon") is None
        True
    """
    import email.utils  # lazily: only a Retry-After date needs it

    text = value.strip()
    if text.isdigit():
        return float(text)
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:  # RFC 9110 §5.6.7: HTTP-dates are always UTC
        return None
    current = time.time() if now is None else now
    return max(0.0, when.timestamp() - current)


@dataclass(frozen=True)
class RetryEvent:
    """What a retry is about to do; handed to `Retry.on_retry` before the wait.

    Attributes:
        request: the `Request` about to be sent again.
        attempt: int, the retry number about to happen (1 for the first retry).
        delay: float seconds the client waits before it.
        response: the `Response` that caused the retry (its body unread; the client closes it
            after this event), or None.
        error: the `TransportError` that caused the retry, or None.
    """

    request: Request
    attempt: int
    delay: float
    response: Response | None = None
    error: TransportError | None = None

    @property
    def reason(self) -> str:
        """A short description: `"HTTP 503 Service Unavailable"` or `"ConnectError: ..."`."""
        if self.response is not None:
            phrase = self.response.reason_phrase
            return f"HTTP {self.response.status_code}" + (f" {phrase}" if phrase else "")
        return f"{type(self.error).__name__}: {self.error}"


@dataclass(frozen=True)
class Retry:
    """A retry policy for `Client(retry=...)` and `AsyncClient(retry=...)`.

        client = wire.Client(retry=wire.Retry(retries=5, backoff_factor=0.2))

    Args:
        retries: int >= 0, the most retries after the first attempt (default 3).
        backoff_factor: float seconds; retry n waits `backoff_factor * 2 ** (n - 1)`
            (default 0.5).
        max_backoff: float seconds, the cap on one backoff wait (default 30.0).
        jitter: bool, draw each wait uniformly from [0, backoff] ("full jitter", default
            True), so that many clients do not retry in step.
        status_codes: the int statuses that trigger a retry (default 429, 502, 503, 504).
        methods: upper-case str methods that may be retried after a response (default: the
            idempotent ones); None allows every method.
        retry_connect_errors: bool, retry when the connection could not be made
            (`ConnectError`, `ConnectTimeout`) whatever the method (default True).
        respect_retry_after: bool, wait as long as a `Retry-After` header asks (default True).
        max_retry_after: float seconds; a longer `Retry-After` ends the retries (default 60.0).
        max_time: float seconds, the budget from the first attempt; None for no budget.
        on_retry: a callable given a `RetryEvent` before each wait (e.g. to log it); None for
            none. It must not block: it runs inside the send loop.

    Raises:
        ValueError: for a negative count or duration.
    """

    retries: int = 3
    backoff_factor: float = 0.5
    max_backoff: float = 30.0
    jitter: bool = True
    status_codes: Collection[int] = DEFAULT_RETRY_STATUS_CODES
    methods: Collection[str] | None = DEFAULT_RETRY_METHODS
    retry_connect_errors: bool = True
    respect_retry_after: bool = True
    max_retry_after: float = 60.0
    max_time: float | None = None
    on_retry: Callable[[RetryEvent], object] | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        for name in ("retries", "backoff_factor", "max_backoff", "max_retry_after"):
            value = getattr(self, name)
            if not isinstance(value, int | float) or value < 0 or math.isnan(value):
                raise ValueError(f"Retry({name}=...) must be a number >= 0, not {value!r}")
        if self.max_time is not None and self.max_time < 0:
            raise ValueError(f"Retry(max_time=...) must be >= 0 or None, not {self.max_time!r}")

    def backoff(self, attempt: int, rng: Callable[[], float] | None = None) -> float:
        """The wait in float seconds before retry number `attempt` (1-based), without Retry-After.

        Args:
            attempt: int >= 1.
            rng: returns a float in [0, 1) for the jitter; None uses `random.random`.

        Returns:
            float seconds in [0, max_backoff].

        Example:
            >>> Retry(backoff_factor=1.0, jitter=False).backoff(3)
            4.0
        """
        exponent = min(attempt - 1, 62)  # beyond this the cap applies anyway; avoid overflow
        ceiling = min(self.max_backoff, self.backoff_factor * (2.0**exponent))
        if not self.jitter:
            return ceiling
        if rng is None:
            import random

            rng = random.random
        return ceiling * rng()

    def allows_method(self, method: str) -> bool:
        """Whether a request with `method` (str, any case) may be retried after a response."""
        return self.methods is None or method.upper() in self.methods


def _is_replayable(request: Request) -> bool:
    # A bytes body (or none) can be sent again; a one-shot iterator cannot.
    from ._content import ByteStream

    return isinstance(request.stream, ByteStream)


class RetryLoop:
    """Applies a `Retry` to one request: iterate it, send once per item, report each outcome.

        loop = RetryLoop(policy, request)
        for _ in loop:                      # `async for` in AsyncClient
            try:
                response = send(request)
            except TransportError as exc:
                if not loop.should_retry_error(exc):
                    raise
                continue
            if not loop.should_retry_response(response):
                return response
            response.close()

    Each `should_retry_*` that answers True schedules the next attempt and its wait; the
    next step of the iteration sleeps that long. The iteration ends when nothing is scheduled.

    Args:
        policy: the `Retry`, or None to send exactly once.
        request: the `Request` being sent.
        clock: monotonic clock in float seconds (default `time.monotonic`).
        rng: jitter source in [0, 1); None uses `random.random`.
    """

    def __init__(
        self,
        policy: Retry | None,
        request: Request,
        *,
        clock: Callable[[], float] = time.monotonic,
        rng: Callable[[], float] | None = None,
    ) -> None:
        self.policy = policy
        self.request = request
        self.retries_done = 0
        self._clock = clock
        self._rng = rng
        self._started: float | None = None
        self._pending_delay: float | None = 0.0  # the first attempt goes at once

    # --- decisions (no I/O) -------------------------------------------------------------------

    def _schedule(
        self, delay: float, response: Response | None, error: TransportError | None
    ) -> bool:
        policy = self.policy
        assert policy is not None
        if policy.max_time is not None and self._started is not None:
            if self._clock() - self._started + delay > policy.max_time:
                return False
        self.retries_done += 1
        self._pending_delay = delay
        if policy.on_retry is not None:
            policy.on_retry(
                RetryEvent(self.request, self.retries_done, delay, response=response, error=error)
            )
        return True

    def should_retry_error(self, error: TransportError) -> bool:
        """Whether to send again after `error`; True schedules the retry (and its wait).

        Args:
            error: the `TransportError` the attempt raised.

        Returns:
            True for a connect error with retries left (and `retry_connect_errors`).
        """
        policy = self.policy
        if policy is None or self.retries_done >= policy.retries:
            return False
        if not policy.retry_connect_errors or not isinstance(error, ConnectError | ConnectTimeout):
            return False
        return self._schedule(policy.backoff(self.retries_done + 1, self._rng), None, error)

    def retry_delay(self, response: Response) -> float | None:
        """The wait before sending again after `response`, or None not to retry (pure).

        Args:
            response: the `Response` of the last attempt (headers read).

        Returns:
            float seconds, or None when the status, method, body, retry count or
            Retry-After cap rules out another attempt.
        """
        policy = self.policy
        if policy is None or self.retries_done >= policy.retries:
            return None
        if response.status_code not in policy.status_codes:
            return None
        if not policy.allows_method(self.request.method) or not _is_replayable(self.request):
            return None
        delay = policy.backoff(self.retries_done + 1, self._rng)
        header = response.headers.get("Retry-After")
        if policy.respect_retry_after and header is not None:
            asked = parse_retry_after(header)
            if asked is not None:
                if asked > policy.max_retry_after:
                    return None
                delay = asked
        return delay

    def should_retry_response(self, response: Response) -> bool:
        """Whether to send again after `response`; True schedules the retry (and its wait).

        The caller must then close `response`.
        """
        delay = self.retry_delay(response)
        return delay is not None and self._schedule(delay, response, None)

    def _next_delay(self) -> float:
        delay = self._pending_delay
        if delay is None:
            raise StopIteration
        self._pending_delay = None
        if self._started is None:
            self._started = self._clock()
        return delay

    # --- iteration: the waits -------------------------------------------------------------------

    def __iter__(self) -> Iterator[int]:
        return self

    def __next__(self) -> int:
        delay = self._next_delay()
        if delay > 0:
            time.sleep(delay)
        return self.retries_done

    def __aiter__(self) -> RetryLoop:
        return self

    async def __anext__(self) -> int:
        try:
            delay = self._next_delay()
        except StopIteration:
            raise StopAsyncIteration from None
        if delay > 0:
            await async_sleep(delay)
        return self.retries_done


async def async_sleep(seconds: float) -> None:
    """Sleep `seconds` (float) under whichever async library runs the caller (asyncio or trio).

    Raises:
        RuntimeError: outside an async library's event loop.
    """
    if current_async_library() == "trio":
        import trio

        await trio.sleep(seconds)
    else:
        import asyncio

        await asyncio.sleep(seconds)

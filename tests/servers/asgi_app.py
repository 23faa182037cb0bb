"""The plain ASGI 3 test application that the `server` and `https_server` fixtures serve.

No framework: one `app` coroutine reads the whole request body, then dispatches on the path
through `ROUTES` (a table of regular expressions). Every route accepts every method.

Routes (all bodies UTF-8):

| path | answer |
| --- | --- |
| `/` | 200 `text/plain` `Hello, world!` |
| `/json` | 200 `JSON_BODY`, written literally (key order, `café`, `1.10` kept) |
| `/echo` | 200 JSON: method, path, raw_path, query, http_version, headers (pairs), body (text) |
| `/echo_body` | 200, the raw request body with the request's Content-Type |
| `/status/{code}` | that status (200-599), empty body |
| `/redirect/{n}` | 302 to `/redirect/{n-1}`; `/redirect/0` is 200 `done` |
| `/redirect_to?url=U&status=S` | status S (300-399, default 302), `Location: U` |
| `/redirect_loop` | 302 to itself |
| `/gzip` `/deflate` `/deflate_raw` `/br` `/zstd` | `COMPRESSED_PAYLOAD` compressed, or 501 |
| `/stream/{n}` | n NDJSON lines (`stream_line(i)`), one chunk each, chunked framing |
| `/bytes/{n}` | `deterministic_bytes(n)`, Content-Length; honours `Range: bytes=a-b` (206) |
| `/slow?delay=s` | waits s seconds (at most `MAX_DELAY`) then 200 `slow` |
| `/slow_body?delay=s` | headers and half the body, a stall of s seconds (default 5), the rest |
| `/headers` | 200 JSON `{"headers": {name: value}}` (names lower-case, repeats joined `, `) |
| `/cookies/set?k=v` | one `Set-Cookie: k=v; Path=/` per pair, JSON `{"cookies": {k: v}}` |
| `/cookies` | 200 JSON `{"cookies": {name: value}}` from the request's Cookie header |
| `/download/{name}` | `DOWNLOAD_BODY`, `Content-Disposition: attachment; filename="{name}"` |
| `/hostile_filename` | `Content-Disposition: attachment; filename="../../etc/passwd"` |
| `/short` | declares Content-Length 100, sends 50 bytes, then the connection is closed |
| `/basic-auth/{user}/{passwd}` | 200 `{"authenticated": true, "user": user}` or 401 + challenge |

Anything else is 404 `text/plain` `Not Found`. Waits end early when the client disconnects, so
a timed-out client never keeps the server busy.
"""

from __future__ import annotations

import asyncio
import base64
import gzip
import json
import re
import zlib
from collections.abc import Awaitable, Callable, MutableMapping, Sequence
from dataclasses import dataclass
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import parse_qsl, quote, unquote

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
Headers = Sequence[tuple[bytes, bytes]]

#: The `/json` body, byte for byte.
JSON_BODY = '{"zeta": 1, "alpha": "café", "n": 1.10}'.encode()
#: What every compressed route (`/gzip`, `/deflate`, ...) decodes to.
COMPRESSED_PAYLOAD = json.dumps(
    {"compressed": True, "message": "Hello, compressed world! café", "items": list(range(32))}
).encode()
#: The `/download/{name}` body.
DOWNLOAD_BODY = "id,name\n1,café\n2,naïve\n".encode()
#: Upper bound, in seconds, of every wait the app performs.
MAX_DELAY = 10.0
#: Upper bound, in bytes, of `/bytes/{n}`.
MAX_BYTES = 64 * 1024 * 1024
#: Upper bound of `/stream/{n}` and `/redirect/{n}`.
MAX_COUNT = 10_000
#: Content-Length that `/short` declares, and how many bytes it really sends.
SHORT_DECLARED, SHORT_SENT = 100, 50

_CHUNK = 64 * 1024


def deterministic_bytes(n: int, start: int = 0) -> bytes:
    """The `/bytes/{n}` body: `bytes(range(256))` repeated, cut to length.

    Args:
        n: How many bytes (int, >= 0).
        start: Offset (int, bytes) into the infinite repetition; lets a test compute a
            Range slice as `deterministic_bytes(b - a + 1, start=a)`. Default 0.

    Returns:
        bytes of length `n`; byte i is `(start + i) % 256`.
    """
    block = bytes(range(256))
    head = start % 256
    return (block[head:] + block * (n // 256 + 2))[:n]


def stream_line(i: int) -> bytes:
    """Line `i` (0-based) of `/stream/{n}`: one JSON object plus `\\n`."""
    return json.dumps({"id": i, "message": f"line {i}"}).encode() + b"\n"


@dataclass(frozen=True)
class Request:
    """One fully-read request, as the handlers see it.

    Attributes:
        method: str, upper-case as sent.
        path: str, percent-decoded (ASGI `path`).
        raw_path: bytes as sent, without the query.
        query_string: bytes as sent, without the `?`.
        headers: list of (name, value) bytes pairs; names lower-case (ASGI).
        body: bytes, the whole request body (dechunked).
        http_version: str such as "1.1" or "2".
    """

    method: str
    path: str
    raw_path: bytes
    query_string: bytes
    headers: list[tuple[bytes, bytes]]
    body: bytes
    http_version: str

    def header(self, name: str) -> str | None:
        """The first value of header `name` (case-insensitive), latin-1 decoded, or None."""
        wanted = name.lower().encode("latin-1")
        for key, value in self.headers:
            if key == wanted:
                return value.decode("latin-1")
        return None

    def query(self) -> dict[str, str]:
        """The query as a dict (last value wins); raw and percent-encoded bytes read as UTF-8."""
        return dict(parse_qsl(self.query_string.decode("utf-8", "replace"), keep_blank_values=True))


async def respond(
    send: Send,
    status: int,
    body: bytes = b"",
    headers: Headers = (),
    content_type: str | None = None,
) -> None:
    """Send a complete response with a Content-Length.

    Args:
        send: The ASGI send callable.
        status: int status code.
        body: bytes body (not sent for HEAD by the server itself). Default empty.
        headers: extra (name, value) bytes pairs. Default none.
        content_type: str Content-Type, or None for none. Default None.
    """
    out = list(headers)
    if content_type is not None:
        out.append((b"content-type", content_type.encode("latin-1")))
    # RFC 9110 §8.6: no Content-Length on 1xx/204, and 304 keeps the selected length.
    if status not in (204, 304):
        out.append((b"content-length", str(len(body)).encode("ascii")))
    await send({"type": "http.response.start", "status": status, "headers": out})
    await send({"type": "http.response.body", "body": body, "more_body": False})


async def respond_json(send: Send, data: object, status: int = 200, headers: Headers = ()) -> None:
    """Send `data` as UTF-8 JSON (non-ASCII kept literal)."""
    body = json.dumps(data, ensure_ascii=False).encode()
    await respond(send, status, body, headers, "application/json")


async def wait_or_disconnect(receive: Receive, delay: float) -> bool:
    """Wait `delay` seconds (clamped to 0..MAX_DELAY) unless the client goes away first.

    Returns:
        True when the client disconnected during the wait, False when the wait ran out.
    """

    async def disconnected() -> None:
        # Bounded: the loop only spins while the server hands us messages, and the whole
        # wait is cut by wait_for below.
        while (await receive())["type"] != "http.disconnect":
            pass

    try:
        await asyncio.wait_for(disconnected(), timeout=max(0.0, min(delay, MAX_DELAY)))
    except TimeoutError:
        return False
    return True


def _float_param(req: Request, name: str, default: float) -> float:
    try:
        return float(req.query().get(name, default))
    except ValueError:
        return default


Params = dict[str, str]
Handler = Callable[[Request, Params, Send, Receive], Awaitable[None]]


async def _root(req: Request, p: Params, send: Send, receive: Receive) -> None:
    await respond(send, 200, b"Hello, world!", content_type="text/plain; charset=utf-8")


async def _json(req: Request, p: Params, send: Send, receive: Receive) -> None:
    await respond(send, 200, JSON_BODY, content_type="application/json")


async def _echo(req: Request, p: Params, send: Send, receive: Receive) -> None:
    await respond_json(
        send,
        {
            "method": req.method,
            "path": req.path,
            "raw_path": req.raw_path.decode("latin-1"),
            "query": req.query_string.decode("latin-1"),
            "http_version": req.http_version,
            "headers": [[k.decode("latin-1"), v.decode("latin-1")] for k, v in req.headers],
            "body": req.body.decode("utf-8", errors="replace"),
        },
    )


async def _echo_body(req: Request, p: Params, send: Send, receive: Receive) -> None:
    content_type = req.header("content-type") or "application/octet-stream"
    await respond(send, 200, req.body, content_type=content_type)


async def _status(req: Request, p: Params, send: Send, receive: Receive) -> None:
    code = int(p["code"])
    if not 200 <= code <= 599:
        await respond(send, 400, b"status must be 200-599", content_type="text/plain")
        return
    await respond(send, code)


async def _redirect(req: Request, p: Params, send: Send, receive: Receive) -> None:
    n = int(p["n"])
    if n <= 0:
        await respond(send, 200, b"done", content_type="text/plain")
    elif n > MAX_COUNT:
        await respond(send, 400, b"too many", content_type="text/plain")
    else:
        await respond(send, 302, headers=[(b"location", f"/redirect/{n - 1}".encode())])


async def _redirect_to(req: Request, p: Params, send: Send, receive: Receive) -> None:
    query = req.query()
    status = int(query.get("status", "302") or "302")
    if "url" not in query or not 300 <= status <= 399:
        await respond(send, 400, b"need url= and a 3xx status=", content_type="text/plain")
        return
    # Location may carry non-ASCII after decoding; send it as UTF-8 bytes like many servers do.
    await respond(send, status, headers=[(b"location", query["url"].encode())])


async def _redirect_loop(req: Request, p: Params, send: Send, receive: Receive) -> None:
    await respond(send, 302, headers=[(b"location", b"/redirect_loop")])


def _compress(encoding: str, data: bytes) -> bytes | None:
    """`data` compressed with `encoding`, or None when that codec is not installed."""
    if encoding == "gzip":
        return gzip.compress(data, mtime=0)
    if encoding == "deflate":
        return zlib.compress(data)  # RFC 9110 §8.4.1.2: "deflate" is the zlib format.
    if encoding == "deflate_raw":
        # Some servers send raw DEFLATE (RFC 1951) without the zlib wrapper; clients cope.
        raw = zlib.compressobj(wbits=-zlib.MAX_WBITS)
        return raw.compress(data) + raw.flush()
    try:
        if encoding == "br":
            import brotli

            return bytes(brotli.compress(data))
        import zstandard

        return bytes(zstandard.ZstdCompressor().compress(data))
    except ImportError:
        return None


async def _compressed(req: Request, p: Params, send: Send, receive: Receive) -> None:
    encoding = p["encoding"]
    body = _compress(encoding, COMPRESSED_PAYLOAD)
    if body is None:
        await respond(send, 501, f"{encoding} not installed".encode(), content_type="text/plain")
        return
    header = b"deflate" if encoding == "deflate_raw" else encoding.encode()
    await respond(send, 200, body, [(b"content-encoding", header)], "application/json")


async def _stream(req: Request, p: Params, send: Send, receive: Receive) -> None:
    n = min(int(p["n"]), MAX_COUNT)
    delay = min(max(_float_param(req, "delay", 0.0), 0.0), 1.0)
    headers = [(b"content-type", b"application/x-ndjson")]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    for i in range(n):
        await send({"type": "http.response.body", "body": stream_line(i), "more_body": True})
        if delay and await wait_or_disconnect(receive, delay):
            return
    await send({"type": "http.response.body", "body": b"", "more_body": False})


_RANGE = re.compile(r"bytes=(\d+)-(\d*)$")


async def _bytes(req: Request, p: Params, send: Send, receive: Receive) -> None:
    n = int(p["n"])
    if n > MAX_BYTES:
        await respond(send, 400, b"too large", content_type="text/plain")
        return
    first, last, status = 0, n - 1, 200
    headers = [(b"content-type", b"application/octet-stream"), (b"accept-ranges", b"bytes")]
    match = _RANGE.match(req.header("range") or "")
    if match:
        # RFC 9110 §14.2: one byte range; an open end means "to the end".
        first = int(match.group(1))
        last = min(int(match.group(2)), n - 1) if match.group(2) else n - 1
        if first >= n or first > last:
            range_headers = [(b"content-range", f"bytes */{n}".encode())]
            await respond(send, 416, headers=range_headers)
            return
        status = 206
        headers.append((b"content-range", f"bytes {first}-{last}/{n}".encode()))
    length = last - first + 1 if n else 0
    headers.append((b"content-length", str(length).encode()))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    for offset in range(first, first + length, _CHUNK):
        size = min(_CHUNK, first + length - offset)
        chunk = deterministic_bytes(size, start=offset)
        await send({"type": "http.response.body", "body": chunk, "more_body": True})
    await send({"type": "http.response.body", "body": b"", "more_body": False})


async def _slow(req: Request, p: Params, send: Send, receive: Receive) -> None:
    if await wait_or_disconnect(receive, _float_param(req, "delay", 1.0)):
        return
    await respond(send, 200, b"slow", content_type="text/plain")


async def _slow_body(req: Request, p: Params, send: Send, receive: Receive) -> None:
    body = b"first half|second half"
    head, tail = body[:11], body[11:]
    headers = [(b"content-type", b"text/plain"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": head, "more_body": True})
    if await wait_or_disconnect(receive, _float_param(req, "delay", 5.0)):
        return
    await send({"type": "http.response.body", "body": tail, "more_body": False})


async def _headers(req: Request, p: Params, send: Send, receive: Receive) -> None:
    merged: dict[str, str] = {}
    for key, value in req.headers:
        name, text = key.decode("latin-1"), value.decode("latin-1")
        # RFC 9110 §5.3: repeated fields combine with ", " (Cookie uses "; " in RFC 6265).
        merged[name] = f"{merged[name]}, {text}" if name in merged else text
    await respond_json(send, {"headers": merged})


async def _cookies_set(req: Request, p: Params, send: Send, receive: Receive) -> None:
    pairs = parse_qsl(req.query_string.decode("utf-8", "replace"), keep_blank_values=True)
    headers = [(b"set-cookie", f"{k}={quote(v)}; Path=/".encode()) for k, v in pairs]
    await respond_json(send, {"cookies": dict(pairs)}, headers=headers)


async def _cookies(req: Request, p: Params, send: Send, receive: Receive) -> None:
    jar: SimpleCookie = SimpleCookie()
    jar.load(req.header("cookie") or "")
    await respond_json(send, {"cookies": {k: unquote(m.value) for k, m in jar.items()}})


def _content_disposition(name: str) -> bytes:
    if name.isascii():
        return f'attachment; filename="{name}"'.encode()
    # RFC 6266 §4.3: an ASCII fallback plus the RFC 8187 UTF-8 form for non-ASCII names.
    fallback = name.encode("ascii", errors="replace").decode().replace("?", "_")
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name)}".encode()


async def _download(req: Request, p: Params, send: Send, receive: Receive) -> None:
    headers = [(b"content-disposition", _content_disposition(p["name"]))]
    await respond(send, 200, DOWNLOAD_BODY, headers, "text/csv; charset=utf-8")


async def _hostile_filename(req: Request, p: Params, send: Send, receive: Receive) -> None:
    headers = [(b"content-disposition", b'attachment; filename="../../etc/passwd"')]
    await respond(send, 200, b"root:x:0:0:not really\n", headers, "text/plain")


async def _short(req: Request, p: Params, send: Send, receive: Receive) -> None:
    headers = [
        (b"content-type", b"application/octet-stream"),
        (b"content-length", str(SHORT_DECLARED).encode()),
    ]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    body = deterministic_bytes(SHORT_SENT)
    await send({"type": "http.response.body", "body": body, "more_body": True})
    # Returning without finishing makes the server drop the connection: the client sees a
    # body 50 bytes short of its declared length (uvicorn logs an error about it).


async def _basic_auth(req: Request, p: Params, send: Send, receive: Receive) -> None:
    expected = base64.b64encode(f"{p['user']}:{p['passwd']}".encode()).decode()
    if req.header("authorization") == f"Basic {expected}":
        await respond_json(send, {"authenticated": True, "user": p["user"]})
        return
    # RFC 9110 §11.6.1: a 401 carries a challenge; RFC 7617 §2 defines the Basic one.
    challenge = [(b"www-authenticate", b'Basic realm="wire tests", charset="UTF-8"')]
    await respond_json(send, {"authenticated": False}, status=401, headers=challenge)


ROUTES: list[tuple[re.Pattern[str], Handler]] = [
    (re.compile(pattern), handler)
    for pattern, handler in [
        (r"/", _root),
        (r"/json", _json),
        (r"/echo", _echo),
        (r"/echo_body", _echo_body),
        (r"/status/(?P<code>\d{3})", _status),
        (r"/redirect/(?P<n>\d+)", _redirect),
        (r"/redirect_to", _redirect_to),
        (r"/redirect_loop", _redirect_loop),
        (r"/(?P<encoding>gzip|deflate|deflate_raw|br|zstd)", _compressed),
        (r"/stream/(?P<n>\d+)", _stream),
        (r"/bytes/(?P<n>\d+)", _bytes),
        (r"/slow", _slow),
        (r"/slow_body", _slow_body),
        (r"/headers", _headers),
        (r"/cookies/set", _cookies_set),
        (r"/cookies", _cookies),
        (r"/download/(?P<name>[^/]+)", _download),
        (r"/hostile_filename", _hostile_filename),
        (r"/short", _short),
        (r"/basic-auth/(?P<user>[^/]+)/(?P<passwd>[^/]+)", _basic_auth),
    ]
]


async def _read_request(scope: Scope, receive: Receive) -> Request | None:
    """Read the whole body; None when the client disconnected first."""
    chunks: list[bytes] = []
    while True:  # ends at the last body message or a disconnect, both always sent by servers
        message = await receive()
        if message["type"] == "http.disconnect":
            return None
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    return Request(
        method=scope["method"],
        path=scope["path"],
        raw_path=scope.get("raw_path") or scope["path"].encode(),
        query_string=scope.get("query_string", b""),
        headers=[(bytes(k), bytes(v)) for k, v in scope.get("headers", [])],
        body=b"".join(chunks),
        http_version=scope.get("http_version", "1.1"),
    )


async def _lifespan(receive: Receive, send: Send) -> None:
    """Acknowledge lifespan startup and shutdown; the app holds no state to set up."""
    while True:  # ends at "lifespan.shutdown", which every server sends last
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return


async def app(scope: Scope, receive: Receive, send: Send) -> None:
    """The ASGI 3 entry point: HTTP requests, plus lifespan events acknowledged.

    Args:
        scope: The ASGI connection scope.
        receive: The ASGI receive callable.
        send: The ASGI send callable.

    Raises:
        RuntimeError: For a scope type other than "http" or "lifespan" (websocket).
    """
    if scope["type"] == "lifespan":
        await _lifespan(receive, send)
        return
    if scope["type"] != "http":
        raise RuntimeError(f"unsupported ASGI scope type {scope['type']!r}")
    req = await _read_request(scope, receive)
    if req is None:
        return
    for pattern, handler in ROUTES:
        match = pattern.fullmatch(req.path)
        if match:
            await handler(req, match.groupdict(), send, receive)
            return
    await respond(send, 404, b"Not Found", content_type="text/plain")


# --- retries (issue 7) ---------------------------------------------------------------------------

#: Requests seen per `/flaky/{key}/...` key; keys are unique per test, so runs never collide.
FLAKY_COUNTS: dict[str, int] = {}


async def _flaky(req: Request, p: Params, send: Send, receive: Receive) -> None:
    """`/flaky/{key}/{n}?status=S&retry_after=V`: the first n requests for `key` answer S
    (default 503, with `Retry-After: V` when given); later ones 200 JSON `{"attempts": k}`."""
    key = p["key"]
    count = FLAKY_COUNTS[key] = FLAKY_COUNTS.get(key, 0) + 1
    if count <= int(p["n"]):
        query = req.query()
        headers = []
        if "retry_after" in query:
            headers.append((b"retry-after", query["retry_after"].encode("latin-1")))
        status = int(query.get("status", "503"))
        await respond(send, status, b"try again", headers, "text/plain")
        return
    await respond_json(send, {"attempts": count, "method": req.method})


ROUTES.append((re.compile(r"/flaky/(?P<key>[^/]+)/(?P<n>\d+)"), _flaky))


# --- downloads: resume, ranges, hostile names (issue 6) --------------------------------------


class ServedFile:
    """A file `/served/{key}` answers with, which a test may change between two requests.

    Attributes:
        body: bytes of the current version.
        etag: str ETag sent (quotes included), or None for none.
        last_modified: str Last-Modified sent, or None for none.
        honour_range: bool; False makes the route ignore Range (always a full 200).
        honour_if_range: bool; False applies Range even when If-Range does not match.
        cut_after: int or None; the next response sends this many body bytes, then drops
            the connection (one-shot: reset to None once used).
        content_disposition: bytes Content-Disposition value, or None for none.
        range_status: int or None; when set, requests with a Range get this status and an
            empty body (a server failing mid-resume).
        next_versions: list of (body, etag) pairs; after each request the first one, if
            any, becomes the current version (the file changes between two requests).
        requests: list of dicts, the request headers (lower-case names) of every request.
    """

    def __init__(
        self,
        body: bytes,
        etag: str | None = '"v1"',
        *,
        last_modified: str | None = None,
        honour_range: bool = True,
        honour_if_range: bool = True,
        cut_after: int | None = None,
        content_disposition: bytes | None = None,
    ) -> None:
        self.body = body
        self.etag = etag
        self.last_modified = last_modified
        self.honour_range = honour_range
        self.honour_if_range = honour_if_range
        self.cut_after = cut_after
        self.content_disposition = content_disposition
        self.range_status: int | None = None
        self.next_versions: list[tuple[bytes, str | None]] = []
        self.requests: list[dict[str, str]] = []


#: `/served/{key}` files by key; tests register their own (unique) keys.
SERVED_FILES: dict[str, ServedFile] = {}


def _served_range(req: Request, served: ServedFile) -> tuple[int, int] | None | bool:
    """(first, last) when the Range applies; None for a full answer; False for a 416."""
    match = _SERVED_RANGE.match(req.header("range") or "")
    if match is None or not served.honour_range:
        return None
    if_range = req.header("if-range")
    current = served.etag if served.etag is not None else served.last_modified
    if if_range is not None and served.honour_if_range and if_range != current:
        return None  # RFC 9110 §13.1.5: the condition failed, send the whole representation
    size = len(served.body)
    first = int(match.group(1))
    last = min(int(match.group(2)), size - 1) if match.group(2) else size - 1
    if first >= size or first > last:
        return False
    return first, last


_SERVED_RANGE = re.compile(r"bytes=(\d+)-(\d*)$")


async def _served(req: Request, p: Params, send: Send, receive: Receive) -> None:
    served = SERVED_FILES.get(p["key"])
    if served is None:
        await respond(send, 404, b"no such served file", content_type="text/plain")
        return
    served.requests.append({k.decode(): v.decode("latin-1") for k, v in req.headers})
    body, cut = served.body, served.cut_after
    served.cut_after = None
    if served.range_status is not None and req.header("range") is not None:
        await respond(send, served.range_status, b"", content_type="text/plain")
        return
    headers = [(b"content-type", b"application/octet-stream"), (b"accept-ranges", b"bytes")]
    if served.etag is not None:
        headers.append((b"etag", served.etag.encode()))
    if served.last_modified is not None:
        headers.append((b"last-modified", served.last_modified.encode()))
    if served.content_disposition is not None:
        headers.append((b"content-disposition", served.content_disposition))
    wanted = _served_range(req, served)
    if served.next_versions:
        served.body, served.etag = served.next_versions.pop(0)
    if wanted is False:
        headers.append((b"content-range", f"bytes */{len(body)}".encode()))
        await respond(send, 416, b"", headers)
        return
    status = 200
    if isinstance(wanted, tuple):
        first, last = wanted
        headers.append((b"content-range", f"bytes {first}-{last}/{len(body)}".encode()))
        body, status = body[first : last + 1], 206
    headers.append((b"content-length", str(len(body)).encode()))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    sent = body if cut is None else body[:cut]
    for offset in range(0, len(sent), _CHUNK):
        chunk = sent[offset : offset + _CHUNK]
        await send({"type": "http.response.body", "body": chunk, "more_body": True})
    if cut is None:
        await send({"type": "http.response.body", "body": b"", "more_body": False})
    # With a cut, returning unfinished makes the server drop the connection mid-body.


ROUTES.append((re.compile(r"/served/(?P<key>[^/]+)"), _served))


# --- the command line (issue 5) ----------------------------------------------------------------

#: The `/sse` body: two events, the first with JSON data.
SSE_BODY = b'event: update\ndata: {"n": 1, "ok": true}\n\ndata: plain text\n\n'
#: The `/xml` body, unindented.
XML_BODY = (
    b'<?xml version="1.0" encoding="utf-8"?><root><item id="1">caf\xc3\xa9</item><empty/></root>'
)


async def _sse(req: Request, p: Params, send: Send, receive: Receive) -> None:
    """`/sse`: `SSE_BODY` as text/event-stream, one event per chunk."""
    headers = [(b"content-type", b"text/event-stream")]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    for event in SSE_BODY.split(b"\n\n")[:-1]:
        await send({"type": "http.response.body", "body": event + b"\n\n", "more_body": True})
    await send({"type": "http.response.body", "body": b"", "more_body": False})


async def _xml(req: Request, p: Params, send: Send, receive: Receive) -> None:
    """`/xml`: `XML_BODY` as application/xml."""
    await respond(send, 200, XML_BODY, content_type="application/xml; charset=utf-8")


async def _many_headers(req: Request, p: Params, send: Send, receive: Receive) -> None:
    """`/many_headers/{n}`: n extra `X-N-i` headers, body `ok`."""
    n = min(int(p["n"]), 1000)
    headers = [(f"x-n-{i}".encode(), b"v") for i in range(n)]
    await respond(send, 200, b"ok", headers, "text/plain")


async def _set_domain_cookie(req: Request, p: Params, send: Send, receive: Receive) -> None:
    """`/cookies/set_scoped`: `a=1` for this host on `/`, `b=2` on `/cookies/deep` only."""
    headers = [
        (b"set-cookie", b"a=1; Path=/"),
        (b"set-cookie", b"b=2; Path=/cookies/deep"),
    ]
    await respond_json(send, {"set": ["a", "b"]}, headers=headers)


ROUTES.extend([
    (re.compile(r"/sse"), _sse),
    (re.compile(r"/xml"), _xml),
    (re.compile(r"/many_headers/(?P<n>\d+)"), _many_headers),
    (re.compile(r"/cookies/set_scoped"), _set_domain_cookie),
    (re.compile(r"/cookies/deep"), _cookies),
    (re.compile(r"/anything(?:/.*)?"), _echo),
])

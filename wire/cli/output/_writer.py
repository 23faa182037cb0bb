"""Write requests and responses to stdout exactly as the OutputPlan says (the output's I/O).

Layout (like HTTPie): head, a blank line, the body; after a printed request, one blank line
separates it from the response. Heads and transformed bodies always end with a newline; raw
bodies are written untouched. Output is flushed after each head, after each streamed chunk and
at the end of each message, so a slow or endless body never hides what came before it.

Body strategies, chosen by the plan:

- ``raw_passthrough``: ``response.iter_bytes()`` chunks (Content-Encoding already undone) go
  straight to ``env.stdout``, byte for byte, in constant memory.
- ``stream``: chunks are decoded incrementally (the response charset, undecodable bytes
  replaced), sanitised when bound for a terminal, and written as they arrive.
- otherwise (format and/or colours): the body is buffered up to ``DEFAULT_FORMAT_LIMIT``
  bytes (10 MiB), then formatted and sanitised; it is highlighted too when it is at most
  ``DEFAULT_HIGHLIGHT_LIMIT`` bytes (1 MiB: pygments needs about a second per MiB), and
  otherwise written formatted but uncoloured, in pieces. A body over the format limit is
  written as in ``stream`` mode instead (unformatted, uncoloured, still sanitised).

Memory stays bounded whatever the server sends: chunks are cut into pieces of at most
``_PIECE_SIZE`` bytes before any copy, JSON is formatted as a stream (its output is never
held whole), and in line-by-line mode a line longer than the highlight limit is formatted
without colours, one longer than the format limit stops being buffered and is written plain.

Unless raw, a body whose first chunk looks binary (``is_binary``) is replaced by
``BINARY_SUPPRESSED_NOTICE`` and the rest of it is not read.

rich and pygments are imported only inside the functions that colour.
"""

from __future__ import annotations

import codecs
from collections.abc import Iterable, Iterator
from dataclasses import replace
from itertools import chain
from typing import TYPE_CHECKING, Any, BinaryIO

from ...themes import get_theme
from ._binary import BINARY_SUPPRESSED_NOTICE, is_binary, resolve_charset
from ._formatters import (
    format_body,
    is_json_media_type,
    iter_format_body,
    iter_format_json,
    media_type,
    sort_header_lines,
)
from ._messages import request_head_text, response_head_text
from ._sanitize import TerminalSanitizer, sanitize_for_terminal

if TYPE_CHECKING:
    from .._env import Environment
    from ._plan import OutputPlan

#: Largest body (in bytes) that is buffered to be formatted: 10 MiB.
DEFAULT_FORMAT_LIMIT = 10 * 1024 * 1024

#: Largest body (in bytes) that is syntax-highlighted: 1 MiB. Bigger ones are formatted
#: without colours (highlighting costs about a second and tens of MiB per MiB).
DEFAULT_HIGHLIGHT_LIMIT = 1024 * 1024

# Most bytes (or characters) handled, copied or written at once.
_PIECE_SIZE = 64 * 1024

# Most characters of formatted text highlighted: formatting can multiply a body's size
# (indentation), and highlighting time grows with the text, not the body.
_HIGHLIGHT_TEXT_LIMIT = 8 * DEFAULT_HIGHLIGHT_LIMIT


class _Output:
    """stdout plus the layout state: what was last written, and a deferred separator."""

    def __init__(self, stdout: BinaryIO) -> None:
        self._stdout = stdout
        self.wrote_anything = False
        self.ends_with_newline = True
        self._pending = b""

    def defer(self, separator: bytes) -> None:
        # Written only before the next non-empty output: no blank line after a head
        # whose body turns out to be empty.
        self._pending = separator

    def write_bytes(self, data: bytes) -> None:
        if not data:
            return
        if self._pending:
            self._stdout.write(self._pending)
            self._pending = b""
        self._stdout.write(data)
        self.wrote_anything = True
        self.ends_with_newline = data.endswith(b"\n")

    def write_text(self, text: str) -> None:
        # Lone surrogates cannot be encoded; show them as escapes rather than failing.
        self.write_bytes(text.encode("utf-8", errors="backslashreplace"))

    def end_line(self) -> None:
        if self.wrote_anything and not self.ends_with_newline:
            self.write_bytes(b"\n")

    def flush(self) -> None:
        self._stdout.flush()


def _colorize_head(env: Environment, plan: OutputPlan, text: str, is_request: bool) -> str:
    from ._highlight import head_spans, render_spans

    return render_spans(
        head_spans(text, is_request=is_request),
        theme=get_theme(plan.theme),
        color_system=env.color_system or "standard",
    )


def _colorize_body(env: Environment, plan: OutputPlan, text: str, mime: str | None) -> str:
    from ._highlight import body_spans, render_spans

    return render_spans(
        body_spans(text, mime),
        theme=get_theme(plan.theme),
        color_system=env.color_system or "standard",
    )


def _notice(env: Environment, plan: OutputPlan, text: str) -> str:
    if not plan.colors:
        return text
    from ._highlight import render_spans

    spans = [(text, "notice")]
    return render_spans(
        spans, theme=get_theme(plan.theme), color_system=env.color_system or "standard"
    )


def _write_head(
    env: Environment, plan: OutputPlan, out: _Output, text: str, *, is_request: bool
) -> None:
    if plan.format and plan.format_options.headers_sort:
        text = sort_header_lines(text)
    if plan.sanitize:
        text = sanitize_for_terminal(text)
    if plan.colors:
        text = _colorize_head(env, plan, text, is_request)
    out.write_text(text + "\n")
    out.flush()


def _pieces(chunks: Iterable[bytes | bytearray]) -> Iterator[bytes]:
    # A decoder may hand over one huge chunk: cut it without copying it whole.
    for chunk in chunks:
        if len(chunk) <= _PIECE_SIZE:
            yield bytes(chunk)
            continue
        view = memoryview(chunk)
        for start in range(0, len(view), _PIECE_SIZE):
            yield bytes(view[start : start + _PIECE_SIZE])


def _text_pieces(text: str) -> Iterator[str]:
    for start in range(0, len(text), _PIECE_SIZE):
        yield text[start : start + _PIECE_SIZE]


def _first_chunk(chunks: Iterator[bytes]) -> bytes:
    for chunk in chunks:
        if chunk:
            return chunk
    return b""


def _write_plain(
    plan: OutputPlan, out: _Output, text_pieces: Iterable[str], *, flush_each: bool = False
) -> None:
    """Write text as is (sanitised for a terminal), piece by piece, then end the line."""
    sanitizer = TerminalSanitizer() if plan.sanitize else None
    for text in text_pieces:
        out.write_text(sanitizer.feed(text) if sanitizer else text)
        if flush_each:
            out.flush()
    if sanitizer:
        out.write_text(sanitizer.flush())
    out.end_line()


def _decoded(chunks: Iterable[bytes], decoder: codecs.IncrementalDecoder) -> Iterator[str]:
    for chunk in chunks:
        yield decoder.decode(chunk)
    yield decoder.decode(b"", final=True)


def _stream_text(
    env: Environment,
    plan: OutputPlan,
    out: _Output,
    chunks: Iterable[bytes],
    encoding: str,
    mime: str | None = None,
) -> None:
    if plan.format or plan.colors:
        _stream_lines(env, plan, out, chunks, encoding, mime)
        return
    decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
    _write_plain(plan, out, _decoded(_pieces(chunks), decoder), flush_each=True)


def _stream_lines(
    env: Environment,
    plan: OutputPlan,
    out: _Output,
    chunks: Iterable[bytes],
    encoding: str,
    mime: str | None,
) -> None:
    """Write complete lines as they arrive, each formatted and highlighted on its own.

    A line that grows past ``DEFAULT_FORMAT_LIMIT`` without ending is not buffered further:
    it and the rest of the body are written plain (sanitised), as they arrive.
    """
    decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
    # The unfinished line, as a list: only new text is searched and nothing is re-copied,
    # so a long line costs linear time.
    pending: list[str] = []
    pending_size = 0
    pieces = _pieces(chunks)
    for piece in pieces:
        text = decoder.decode(piece)
        if "\n" not in text:
            pending.append(text)
            pending_size += len(text)
            if pending_size > DEFAULT_FORMAT_LIMIT:
                plain = replace(plan, format=False, colors=False)
                _write_plain(plain, out, chain(pending, _decoded(pieces, decoder)), flush_each=True)
                return
            continue
        complete, _, tail = text.rpartition("\n")
        lines = ("".join(pending) + complete).split("\n")
        pending, pending_size = [tail], len(tail)
        for line in lines:
            _write_line(env, plan, out, line, mime)
        out.flush()
    last = "".join(pending) + decoder.decode(b"", final=True)
    if last:
        _write_line(env, plan, out, last, mime)
    out.end_line()


#: Fields of a text/event-stream line (WHATWG HTML §9.2.6) coloured like header names.
_EVENT_FIELDS = ("data", "event", "id", "retry")


def _line_mime(mime: str | None) -> str | None:
    # Each NDJSON / JSON Lines / JSON text sequence record is a JSON document.
    bare = (mime or "").split(";", 1)[0].strip().lower()
    if bare in ("application/x-ndjson", "application/jsonl", "application/json-seq"):
        return "application/json"
    return "application/json" if is_json_media_type(bare) else mime


def _write_line(
    env: Environment, plan: OutputPlan, out: _Output, line: str, mime: str | None
) -> None:
    line = line.removesuffix("\r")
    if len(line) > DEFAULT_HIGHLIGHT_LIMIT and media_type(mime) != "text/event-stream":
        # A long record: formatted as a stream, not coloured (like a long buffered body).
        _write_buffered_text(env, plan, out, line, _line_mime(mime), highlight=False)
        return
    out.write_text(_render_line(env, plan, line, mime) + "\n")


def _render_line(env: Environment, plan: OutputPlan, line: str, mime: str | None) -> str:
    if len(line) > DEFAULT_HIGHLIGHT_LIMIT and plan.colors:
        plan = replace(plan, colors=False)
    if media_type(mime) == "text/event-stream":
        return _render_event_line(env, plan, line)
    return _render_text_body(env, plan, line, _line_mime(mime)).rstrip("\n")


def _render_event_line(env: Environment, plan: OutputPlan, line: str) -> str:
    name, colon, value = line.partition(":")
    if plan.sanitize:
        name, value = sanitize_for_terminal(name), sanitize_for_terminal(value)
    if not colon or name not in _EVENT_FIELDS:
        return name + colon + value
    space = " " if value.startswith(" ") else ""
    value = value[len(space):]
    # Validity only: iter_format_json checks it without building the formatted text.
    is_json = name == "data" and iter_format_json(value, 0) is not None
    if not plan.colors:
        return f"{name}:{space}{value}"
    from ._highlight import body_spans, render_spans

    spans = [(name, "header_name"), (":", "header_separator"), (space, None)]
    spans += body_spans(value, "application/json") if is_json else [(value, "string")]
    return render_spans(
        spans, theme=get_theme(plan.theme), color_system=env.color_system or "standard"
    )


def _render_text_body(env: Environment, plan: OutputPlan, text: str, mime: str | None) -> str:
    if plan.format:
        text = format_body(text, mime, plan.format_options)
    if plan.sanitize:
        text = sanitize_for_terminal(text)
    if text and not text.endswith("\n"):
        text += "\n"
    if plan.colors:
        text = _colorize_body(env, plan, text, mime)
    return text


def _write_body(
    env: Environment,
    plan: OutputPlan,
    out: _Output,
    chunks: Iterator[bytes],
    *,
    charset: str | None,
    mime: str | None,
    format_limit: int,
) -> None:
    if plan.raw_passthrough:
        for chunk in chunks:
            out.write_bytes(chunk)
            out.flush()
        return
    first = _first_chunk(chunks)
    encoding = resolve_charset(charset)
    if not first:
        return
    # The first piece is enough to judge, and decoding a huge first chunk whole is not.
    if is_binary(first[:_PIECE_SIZE], encoding):
        out.write_text(_notice(env, plan, BINARY_SUPPRESSED_NOTICE) + "\n")
        return
    if plan.stream:
        _stream_text(env, plan, out, chain([first], chunks), encoding, mime)
        return
    buffer = bytearray()
    pieces = _pieces(chain([first], chunks))
    for piece in pieces:
        buffer += piece
        if len(buffer) > format_limit:
            # Too big to format in memory: show it plain (still sanitised), streaming.
            _stream_text(
                env, replace(plan, format=False, colors=False), out,
                chain(_pieces([buffer]), pieces), encoding,
            )
            return
    size = len(buffer)
    text = buffer.decode(encoding, errors="replace")
    del buffer  # only the text is needed from here
    _write_buffered_text(env, plan, out, text, mime, highlight=size <= DEFAULT_HIGHLIGHT_LIMIT)


def _write_buffered_text(
    env: Environment,
    plan: OutputPlan,
    out: _Output,
    text: str,
    mime: str | None,
    *,
    highlight: bool,
) -> None:
    """Format (streaming), sanitise and, when ``highlight`` allows, colour a whole body."""
    pieces = iter_format_body(text, mime, plan.format_options) if plan.format else iter([text])
    if plan.colors and highlight:
        formatted, rest = _gather(pieces, _HIGHLIGHT_TEXT_LIMIT)
        if rest is None:
            _write_colored(env, plan, out, formatted, mime)
            return
        pieces = chain([formatted], rest)  # formatting made it too big to highlight
    _write_plain(plan, out, (part for piece in pieces for part in _text_pieces(piece)))


def _gather(pieces: Iterator[str], limit: int) -> tuple[str, Iterator[str] | None]:
    """Join pieces until more than ``limit`` characters: (text, None) when all fitted, else
    (the text so far, the pieces left)."""
    gathered: list[str] = []
    total = 0
    for piece in pieces:
        gathered.append(piece)
        total += len(piece)
        if total > limit:
            return "".join(gathered), pieces
    return "".join(gathered), None


def _write_colored(
    env: Environment, plan: OutputPlan, out: _Output, text: str, mime: str | None
) -> None:
    from ._highlight import iter_body_spans, iter_render_spans

    if plan.sanitize:
        text = sanitize_for_terminal(text)
    if text and not text.endswith("\n"):
        text += "\n"
    rendered = iter_render_spans(
        iter_body_spans(text, mime),
        theme=get_theme(plan.theme),
        color_system=env.color_system or "standard",
    )
    for piece in rendered:
        out.write_text(piece)


def _charset_param(content_type: str | None) -> str | None:
    # RFC 9110 §8.3.1: parameters follow ";", names are case-insensitive, values may be
    # quoted.
    for parameter in (content_type or "").split(";")[1:]:
        name, _, value = parameter.partition("=")
        if name.strip().lower() == "charset":
            return value.strip().strip('"') or None
    return None


def _request_content(request: Any) -> bytes:
    # Imported here: the output modules stay importable (and fast) without the client core.
    from ...client_core._exceptions import RequestNotRead

    try:
        content = request.content
    except RequestNotRead:
        # A streaming upload (file, generator) is sent as it is read; it cannot be shown
        # without consuming it.
        return b""
    return content if isinstance(content, bytes) else b""


def write_request(
    env: Environment, plan: OutputPlan, request: Any, http_version: str = "HTTP/1.1"
) -> None:
    """Write the request head and/or body, as the plan says, then a blank line.

    Args:
        env (Environment): ``env.stdout`` (binary) receives the output; ``color_system``
            and ``width`` shape colours.
        plan (OutputPlan): From ``plan_output``; ``show_request_headers`` and
            ``show_request_body`` choose what is written.
        request (httpx-like Request): ``method``, ``url`` (``raw_path``), ``headers``
            (``multi_items()``, ``get()``) and ``content`` (bytes) are read. A streaming
            request whose content was not read shows no body.
        http_version (str): The protocol the request goes out in ("HTTP/1.1" or
            "HTTP/2"), for its request line; default "HTTP/1.1".

    Returns:
        None. Nothing is written when the plan shows neither part; otherwise the output ends
        with a blank line that separates the request from the response.

    Raises:
        OSError: Writing to stdout failed (e.g. ``BrokenPipeError`` when the reader went
            away); the caller decides how to exit.
    """
    out = _Output(env.stdout)
    if plan.show_request_headers:
        _write_head(env, plan, out, request_head_text(request, http_version), is_request=True)
        out.defer(b"\n")
    if plan.show_request_body:
        content = _request_content(request)
        content_type = request.headers.get("content-type")
        _write_body(
            env,
            plan,
            out,
            iter([content]),
            charset=_charset_param(content_type) or "utf-8",
            mime=content_type,
            format_limit=DEFAULT_FORMAT_LIMIT,
        )
    if out.wrote_anything:
        out.defer(b"")  # a head with no body to follow needs no head/body separator
        out.end_line()
        out.write_bytes(b"\n")
    out.flush()


def write_response(
    env: Environment,
    plan: OutputPlan,
    response: Any,
    *,
    format_limit: int = DEFAULT_FORMAT_LIMIT,
    body: Iterable[bytes] | None = None,
) -> None:
    """Write the response head and/or body, as the plan says, streaming the body.

    Args:
        env (Environment): ``env.stdout`` (binary) receives the output; ``color_system``
            and ``width`` shape colours.
        plan (OutputPlan): From ``plan_output``.
        response (httpx-like Response): A streaming response whose body has not been read:
            ``http_version``, ``status_code``, ``reason_phrase``, ``headers``, ``encoding``
            (charset, None for unknown → UTF-8) and ``iter_bytes()`` (Content-Encoding
            decoded chunks) are used. The caller closes it; a binary body on a terminal is
            left partly unread.
        format_limit (int): Largest body, in bytes, buffered for formatting and colouring;
            bigger ones are written plain, streaming. Default ``DEFAULT_FORMAT_LIMIT``
            (10 MiB).
        body (Iterable[bytes] | None): The body chunks to write instead of
            ``response.iter_bytes()`` (e.g. wrapped in a deadline check); None reads the
            response. Default None.

    Returns:
        None.

    Raises:
        OSError: Writing to stdout failed (e.g. ``BrokenPipeError``).
        wire.client_core.RequestError: Reading the body failed (``ReadTimeout``,
            ``RemoteProtocolError``, ``DecodingError``...), re-raised unchanged after
            flushing what was already written.
    """
    out = _Output(env.stdout)
    try:
        if plan.show_response_headers:
            _write_head(env, plan, out, response_head_text(response), is_request=False)
            out.defer(b"\n")
        if plan.show_response_body:
            _write_body(
                env,
                plan,
                out,
                iter(response.iter_bytes() if body is None else body),
                charset=plan.response_charset or response.encoding,
                mime=plan.response_mime or response.headers.get("content-type"),
                format_limit=format_limit,
            )
    finally:
        out.flush()


def meta_text(elapsed: float, remote_address: str | None) -> str:
    """The meta block (``m``): elapsed time and remote address, one per line.

    Args:
        elapsed (float): Seconds from sending the request to the end of the body.
        remote_address (str | None): ``host:port`` of the peer, or None when unknown.

    Returns:
        str: e.g. ``"Elapsed time: 0.012s\\nRemote address: 127.0.0.1:8000"``.
    """
    lines = [f"Elapsed time: {elapsed:.3f}s"]
    if remote_address:
        lines.append(f"Remote address: {remote_address}")
    return "\n".join(lines)


def write_meta(env: Environment, plan: OutputPlan, text: str, *, separate: bool) -> None:
    """Write the meta block (``m``), after a blank line when ``separate``.

    Args:
        env (Environment): ``env.stdout`` receives it.
        plan (OutputPlan): Colours come from its theme (the ``notice`` slot).
        text (str): From ``meta_text``.
        separate (bool): Whether something was printed before it in this message.

    Raises:
        OSError: Writing to stdout failed.
    """
    out = _Output(env.stdout)
    if separate:
        out.write_bytes(b"\n")
    out.write_text(_notice(env, plan, text) + "\n")
    out.flush()

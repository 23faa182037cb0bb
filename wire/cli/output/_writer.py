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
  bytes, then formatted, sanitised and highlighted in one go. A bigger body is written as
  in ``stream`` mode instead (unformatted, still sanitised), so memory stays bounded.

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
from ._formatters import format_body, format_json, is_json_media_type, sort_header_lines
from ._messages import request_head_text, response_head_text
from ._sanitize import TerminalSanitizer, sanitize_for_terminal

if TYPE_CHECKING:
    from .._env import Environment
    from ._plan import OutputPlan

#: Largest body (in bytes) that is buffered to be formatted and highlighted: 10 MiB.
DEFAULT_FORMAT_LIMIT = 10 * 1024 * 1024


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


def _first_chunk(chunks: Iterator[bytes]) -> bytes:
    for chunk in chunks:
        if chunk:
            return chunk
    return b""


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
    sanitizer = TerminalSanitizer() if plan.sanitize else None
    for chunk in chunks:
        text = decoder.decode(chunk)
        out.write_text(sanitizer.feed(text) if sanitizer else text)
        out.flush()
    tail = decoder.decode(b"", final=True)
    out.write_text(sanitizer.feed(tail) + sanitizer.flush() if sanitizer else tail)
    out.end_line()


def _stream_lines(
    env: Environment,
    plan: OutputPlan,
    out: _Output,
    chunks: Iterable[bytes],
    encoding: str,
    mime: str | None,
) -> None:
    """Write complete lines as they arrive, each formatted and highlighted on its own."""
    decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
    pending = ""
    for chunk in chunks:
        pending += decoder.decode(chunk)
        if "\n" not in pending:
            continue
        complete, _, pending = pending.rpartition("\n")
        for line in complete.split("\n"):
            out.write_text(_render_line(env, plan, line, mime) + "\n")
        out.flush()
    pending += decoder.decode(b"", final=True)
    if pending:
        out.write_text(_render_line(env, plan, pending, mime) + "\n")
    out.end_line()


#: Fields of a text/event-stream line (WHATWG HTML §9.2.6) coloured like header names.
_EVENT_FIELDS = ("data", "event", "id", "retry")


def _render_line(env: Environment, plan: OutputPlan, line: str, mime: str | None) -> str:
    line = line.removesuffix("\r")
    bare = (mime or "").split(";", 1)[0].strip().lower()
    if bare == "text/event-stream":
        return _render_event_line(env, plan, line)
    if bare in ("application/x-ndjson", "application/jsonl", "application/json-seq") or (
        is_json_media_type(bare)
    ):
        return _render_text_body(env, plan, line, "application/json").rstrip("\n")
    return _render_text_body(env, plan, line, mime).rstrip("\n")


def _render_event_line(env: Environment, plan: OutputPlan, line: str) -> str:
    name, colon, value = line.partition(":")
    if plan.sanitize:
        name, value = sanitize_for_terminal(name), sanitize_for_terminal(value)
    if not colon or name not in _EVENT_FIELDS:
        return name + colon + value
    space = " " if value.startswith(" ") else ""
    value = value[len(space):]
    is_json = name == "data" and format_json(value, 0) is not None
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
    if is_binary(first, encoding):
        out.write_text(_notice(env, plan, BINARY_SUPPRESSED_NOTICE) + "\n")
        return
    if plan.stream:
        _stream_text(env, plan, out, chain([first], chunks), encoding, mime)
        return
    buffer = bytearray(first)
    for chunk in chunks:
        buffer += chunk
        if len(buffer) > format_limit:
            # Too big to format in memory: show it plain (still sanitised), streaming.
            _stream_text(
                env, replace(plan, format=False, colors=False), out,
                chain([bytes(buffer)], chunks), encoding,
            )
            return
    text = bytes(buffer).decode(encoding, errors="replace")
    out.write_text(_render_text_body(env, plan, text, mime))


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


def write_request(env: Environment, plan: OutputPlan, request: Any) -> None:
    """Write the request head and/or body, as the plan says, then a blank line.

    Args:
        env (Environment): ``env.stdout`` (binary) receives the output; ``color_system``
            and ``width`` shape colours.
        plan (OutputPlan): From ``plan_output``; ``show_request_headers`` and
            ``show_request_body`` choose what is written.
        request (httpx-like Request): ``method``, ``url`` (``raw_path``), ``headers``
            (``multi_items()``, ``get()``) and ``content`` (bytes) are read. A streaming
            request whose content was not read shows no body.

    Returns:
        None. Nothing is written when the plan shows neither part; otherwise the output ends
        with a blank line that separates the request from the response.

    Raises:
        OSError: Writing to stdout failed (e.g. ``BrokenPipeError`` when the reader went
            away); the caller decides how to exit.
    """
    out = _Output(env.stdout)
    if plan.show_request_headers:
        _write_head(env, plan, out, request_head_text(request), is_request=True)
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

"""Request and response heads as plain text, built from httpx-compatible models. Pure: no I/O.

The text is what went over the wire for HTTP/1.1 (RFC 9112 §3 request line, §4 status line,
§5 field lines), with ``\\n`` line ends and no trailing newline; headers keep the order and
case they were sent or received in, and repeated fields stay separate lines.

No sanitising or colouring happens here: the writer sanitises the text for terminals and
``_highlight`` colours it.
"""

from __future__ import annotations

from typing import Any

#: Version shown in request lines: the request model does not know which version the
#: connection will negotiate, and HTTP/1.1 is what the head looks like on the wire.
DEFAULT_REQUEST_HTTP_VERSION = "HTTP/1.1"


def header_lines(headers: Any) -> list[str]:
    """Render header fields as ``Name: value`` lines, in order, duplicates kept.

    Args:
        headers (httpx-like Headers | Mapping[str, str]): Uses ``headers.raw`` (a list of
            ``(bytes, bytes)``, names in their original case) decoded with
            ``headers.encoding`` when present, else ``headers.multi_items()``, else
            ``headers.items()``.

    Returns:
        list[str]: One ``"Name: value"`` string per field (RFC 9110 §5.2 field lines).
    """
    raw = getattr(headers, "raw", None)
    if isinstance(raw, list):
        # The raw view keeps each name's case as sent or received (multi_items lower-cases).
        encoding = getattr(headers, "encoding", "utf-8")
        return [f"{n.decode(encoding)}: {v.decode(encoding)}" for n, v in raw]
    pairs = headers.multi_items() if hasattr(headers, "multi_items") else headers.items()
    return [f"{name}: {value}" for name, value in pairs]


def _request_target(url: Any) -> str:
    # The origin-form target (RFC 9112 §3.2.1): path plus query exactly as sent.
    raw_path = getattr(url, "raw_path", None)
    if isinstance(raw_path, bytes):
        return raw_path.decode("ascii", errors="backslashreplace") or "/"
    return str(url)


#: Fields an HTTP/2 request never carries (RFC 9113 §8.2.2): not shown for one.
_HTTP2_OMITTED = ("connection:", "keep-alive:", "proxy-connection:", "transfer-encoding:",
                  "upgrade:")


def request_head_text(request: Any, http_version: str = DEFAULT_REQUEST_HTTP_VERSION) -> str:
    """Build the request line and header block of a request.

    Args:
        request (httpx-like Request): ``request.method`` (str), ``request.url`` (an object
            with ``raw_path`` bytes: path and query, percent-encoded) and ``request.headers``
            are read. The Host header is printed only if the request carries it.
        http_version (str): Version for the request line. Default ``"HTTP/1.1"``; with
            ``"HTTP/2"`` the connection-specific fields, which HTTP/2 does not send (RFC 9113
            §8.2.2), are left out (Host stands for the ``:authority`` pseudo-header).

    Returns:
        str: e.g. ``"GET /path?q=1 HTTP/1.1\\nHost: example.org\\nAccept: */*"`` (no
        trailing newline).
    """
    start_line = f"{request.method} {_request_target(request.url)} {http_version}"
    lines = header_lines(request.headers)
    if http_version == "HTTP/2":
        lines = [line for line in lines if not line.lower().startswith(_HTTP2_OMITTED)]
    return "\n".join([start_line, *lines])


def status_line_text(response: Any) -> str:
    """Build the status line of a response.

    Args:
        response (httpx-like Response): ``http_version`` (str, e.g. ``"HTTP/1.1"``),
            ``status_code`` (int) and ``reason_phrase`` (str, may be empty) are read.

    Returns:
        str: e.g. ``"HTTP/1.1 200 OK"``; ``"HTTP/2 204"`` when the reason phrase is empty
        (HTTP/2 has none, RFC 9113 §8.3.2).
    """
    parts = [response.http_version or "HTTP/1.1", str(response.status_code)]
    if response.reason_phrase:
        parts.append(str(response.reason_phrase))
    return " ".join(parts)


def response_head_text(response: Any) -> str:
    """Build the status line and header block of a response, headers in received order.

    Args:
        response (httpx-like Response): See ``status_line_text``; ``response.headers`` too.

    Returns:
        str: e.g. ``"HTTP/1.1 200 OK\\nContent-Type: application/json"`` (no trailing
        newline).
    """
    return "\n".join([status_line_text(response), *header_lines(response.headers)])

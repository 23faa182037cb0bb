"""Request and response heads as text (wire.cli.output._messages)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from wire.cli.output._messages import request_head_text, response_head_text


@dataclass
class _Headers:
    items: list[tuple[str, str]]

    def multi_items(self) -> list[tuple[str, str]]:
        return list(self.items)


@dataclass
class _URL:
    raw_path: bytes


@dataclass
class _Request:
    method: str
    url: _URL
    headers: _Headers


@dataclass
class _Response:
    http_version: str
    status_code: int
    reason_phrase: str
    headers: _Headers


def test_request_head_keeps_order_case_and_duplicates() -> None:
    request = _Request(
        "POST",
        _URL(b"/p%C3%A9?q=1&q=2"),
        _Headers([("Host", "example.org"), ("X-B", "2"), ("accept", "*/*"), ("X-B", "3")]),
    )
    assert request_head_text(request) == (
        "POST /p%C3%A9?q=1&q=2 HTTP/1.1\nHost: example.org\nX-B: 2\naccept: */*\nX-B: 3"
    )


@pytest.mark.parametrize(
    ("version", "status", "reason", "first_line"),
    [
        ("HTTP/1.1", 200, "OK", "HTTP/1.1 200 OK"),
        ("HTTP/1.0", 404, "Not Found", "HTTP/1.0 404 Not Found"),
        ("HTTP/2", 204, "", "HTTP/2 204"),
        ("HTTP/1.1", 299, "Custom Reason Here", "HTTP/1.1 299 Custom Reason Here"),
    ],
)
def test_response_head(version: str, status: int, reason: str, first_line: str) -> None:
    headers = _Headers(
        [("Set-Cookie", "a=1"), ("Content-Type", "text/plain"), ("Set-Cookie", "b=2")]
    )
    assert response_head_text(_Response(version, status, reason, headers)) == (
        f"{first_line}\nSet-Cookie: a=1\nContent-Type: text/plain\nSet-Cookie: b=2"
    )


def test_response_head_without_headers() -> None:
    assert response_head_text(_Response("HTTP/1.1", 200, "OK", _Headers([]))) == "HTTP/1.1 200 OK"

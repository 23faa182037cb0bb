"""`-v` shows the request as it really goes out: its request line names the protocol the
connection negotiated (HTTP/1.1 or HTTP/2), and over HTTP/2 the connection-specific fields it
does not send are left out (RFC 9113 §8.2.2)."""

from __future__ import annotations

import socket

import pytest
from click.testing import CliRunner

from wire.cli._command import cli
from wire.cli._env import Environment


def invoke(args: list[str]) -> tuple[int, str, str]:
    env = Environment.for_testing(stdout_isatty=False, stderr_isatty=False)
    result = CliRunner().invoke(cli, args, obj=env, catch_exceptions=False)
    out = env.stdout.getvalue().decode("utf-8")  # type: ignore[attr-defined]
    return result.exit_code, out, env.stderr.getvalue()  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("flags", "request_line", "connection_shown"),
    [([], "GET /json HTTP/2", False), (["--http1.1"], "GET /json HTTP/1.1", True)],
)
def test_request_line_names_the_negotiated_protocol(
    https_server, flags: list[str], request_line: str, connection_shown: bool
) -> None:
    args = ["-v", *flags, "--verify", https_server.ca_cert_path, f"{https_server.url}/json"]
    code, out, err = invoke(args)
    assert (code, err) == (0, "")
    head = out.split("\n\n")[0].split("\n")
    assert head[0] == request_line
    assert head[1] == f"Host: 127.0.0.1:{https_server.port}"
    assert ("Connection: keep-alive" in head) is connection_shown


def test_each_hop_of_a_redirect_and_timing_still_work(https_server) -> None:
    args = ["-v", "--all", "--follow", "--timing", "--verify", https_server.ca_cert_path,
            f"{https_server.url}/redirect/2"]
    code, out, err = invoke(args)
    assert code == 0
    assert [line for line in out.split("\n") if line.startswith("GET ")] == [
        "GET /redirect/2 HTTP/2", "GET /redirect/1 HTTP/2", "GET /redirect/0 HTTP/2",
    ]
    assert "receive" in err  # the --timing chart, on stderr


def test_request_is_shown_when_the_connection_fails() -> None:
    with socket.socket() as sock:  # a port nothing listens on (bound, never listening)
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
        code, out, err = invoke(["-v", f"http://127.0.0.1:{port}/x"])
    assert code == 1
    assert out.startswith("GET /x HTTP/1.1\n")
    assert err.startswith("wire: error: cannot connect")


def test_wire_curl_verbose_shows_the_request_then_the_response(server) -> None:
    from wire.cli._curl import curl_command

    env = Environment.for_testing(stdout_isatty=False, stderr_isatty=False)
    result = CliRunner().invoke(
        curl_command, ["-v", f"{server.url}/json"], obj=env, catch_exceptions=False
    )
    out = env.stdout.getvalue().decode()  # type: ignore[attr-defined]
    assert result.exit_code == 0
    request, response = out.split("\n\n")[:2]
    assert request.split("\n")[0] == "GET /json HTTP/1.1"
    assert response.startswith("HTTP/1.1 200 OK\n")


@pytest.mark.parametrize(("flags", "version"), [([], "HTTP/2"), (["--http1.1"], "HTTP/1.1")])
def test_wire_curl_offers_http2_over_tls_as_curl_does(
    https_server, flags: list[str], version: str
) -> None:
    from wire.cli._curl import curl_command

    env = Environment.for_testing(stdout_isatty=False, stderr_isatty=False)
    args = [*flags, "-i", "-k", f"{https_server.url}/json"]
    result = CliRunner().invoke(curl_command, args, obj=env, catch_exceptions=False)
    out = env.stdout.getvalue().decode()  # type: ignore[attr-defined]
    assert (result.exit_code, env.stderr.getvalue()) == (0, "")  # type: ignore[attr-defined]
    assert out.startswith(f"{version} 200")

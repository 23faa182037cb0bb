"""The `wire` command end to end, against real local servers.

In-process runs go through click's CliRunner with an injected `Environment` (so a test can
pretend stdout is a terminal); subprocess runs use the installed `wire` executable.
"""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.servers.asgi_app import JSON_BODY, deterministic_bytes
from wire.cli._command import cli
from wire.cli._env import Environment

ANSI = re.compile(r"\x1b\[[0-9;]*m")


def invoke(args: list[str], env: Environment) -> tuple[int, bytes, str]:
    """Run `wire ARGS` in-process with `env`; return (exit code, stdout bytes, stderr text)."""
    result = CliRunner().invoke(cli, args, obj=env, catch_exceptions=False)
    return result.exit_code, env.stdout.getvalue(), env.stderr.getvalue()  # type: ignore[attr-defined]


def piped() -> Environment:
    return Environment.for_testing(stdout_isatty=False, stderr_isatty=False)


def terminal(color: str | None = "256") -> Environment:
    return Environment.for_testing(stdout_isatty=True, stderr_isatty=True, color_system=color)


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# --- output --------------------------------------------------------------------------------


def test_piped_output_is_the_body_byte_for_byte(server) -> None:
    code, out, err = invoke([f"{server.url}/json"], piped())
    assert (code, out, err) == (0, JSON_BODY, "")


def test_piped_binary_body_is_byte_exact(server) -> None:
    code, out, _ = invoke([f"{server.url}/bytes/70000"], piped())
    assert code == 0
    assert out == deterministic_bytes(70000)


def test_terminal_shows_coloured_status_headers_and_highlighted_json(server) -> None:
    code, out, _ = invoke([f"{server.url}/json"], terminal())
    text = out.decode("utf-8")
    plain = ANSI.sub("", text)
    assert code == 0
    assert plain.startswith("HTTP/1.1 200 OK\n")
    assert re.search(r"^content-type: application/json", plain, re.M | re.I)
    # JSON is indented, keeps the server's key order, real UTF-8 and numbers as sent.
    body = plain.split("\n\n", 1)[1]
    assert body == '{\n    "zeta": 1,\n    "alpha": "café",\n    "n": 1.10\n}\n'
    assert "\x1b[" in text  # coloured
    status_line = text.splitlines()[0]
    assert "\x1b[" in status_line


def test_terminal_without_colour_support_prints_plain_text(server) -> None:
    code, out, _ = invoke([f"{server.url}/json"], terminal(color=None))
    assert code == 0
    assert b"\x1b[" not in out
    assert out.decode().startswith("HTTP/1.1 200 OK\n")


def test_headers_only_and_body_only(server) -> None:
    _, out, _ = invoke(["-h", f"{server.url}/json"], terminal(color=None))
    assert out.decode().startswith("HTTP/1.1 200 OK\n") and b'"zeta"' not in out
    _, out, _ = invoke(["-b", f"{server.url}/json"], terminal(color=None))
    assert not out.startswith(b"HTTP/1.1") and b'"zeta": 1' in out


def test_verbose_prints_the_request_too(server) -> None:
    code, out, _ = invoke(["-v", "POST", f"{server.url}/echo", "a=1"], terminal(color=None))
    text = out.decode()
    assert code == 0
    assert text.startswith("POST /echo HTTP/1.1\n")
    assert '"a": "1"' in text.split("HTTP/1.1 200 OK")[0]
    assert "HTTP/1.1 200 OK" in text


def test_print_rejects_unknown_letters(server) -> None:
    code, out, err = invoke(["--print", "hz", f"{server.url}/json"], piped())
    assert code == 1 and out == b""
    assert "z" in err and err.count("\n") == 1


def test_terminal_escape_sequences_from_the_server_never_reach_the_terminal(server) -> None:
    url = f"{server.url}/echo_body"
    hostile = "title\x1b]0;pwned\x07 and \x1b[2J clear"
    env = terminal(color=None)
    code, out, _ = invoke(["POST", url, "Content-Type:text/plain", f"x={hostile}", "--form"], env)
    assert code == 0
    assert b"\x1b" not in out and b"\x07" not in out


# --- requests ------------------------------------------------------------------------------


def test_post_json_items_to_httpbin(httpbin) -> None:
    code, out, _ = invoke(["POST", f"{httpbin.url}/post", "name=wire", "n:=3"], piped())
    assert code == 0
    echoed = json.loads(out)
    assert echoed["json"] == {"name": "wire", "n": 3}
    assert echoed["headers"]["Content-Type"] == "application/json"


def test_method_defaults_to_post_with_body_items(server) -> None:
    _, out, _ = invoke([f"{server.url}/echo", "a=1"], piped())
    assert json.loads(out)["method"] == "POST"
    _, out, _ = invoke([f"{server.url}/echo"], piped())
    assert json.loads(out)["method"] == "GET"


def test_form_headers_and_query_items(server) -> None:
    args = ["-f", f"{server.url}/echo", "X-Token:abc", "q==a b", "name=wire", "name=two"]
    _, out, _ = invoke(args, piped())
    echoed = json.loads(out)
    headers = {k.lower(): v for k, v in echoed["headers"]}
    assert headers["x-token"] == "abc"
    assert headers["content-type"].startswith("application/x-www-form-urlencoded")
    assert echoed["query"] == "q=a+b"
    assert echoed["body"] == "name=wire&name=two"


def test_unset_and_empty_headers(server) -> None:
    _, out, _ = invoke([f"{server.url}/echo", "User-Agent:", "X-Empty;"], piped())
    headers = {k.lower(): v for k, v in json.loads(out)["headers"]}
    assert "user-agent" not in headers
    assert headers["x-empty"] == ""


def test_localhost_shorthand(server) -> None:
    code, out, _ = invoke([f":{server.port}/json"], piped())
    assert (code, out) == (0, JSON_BODY)


def test_file_upload_item(server, tmp_path: Path) -> None:
    upload = tmp_path / "hello.txt"
    upload.write_text("hello file")
    _, out, _ = invoke([f"{server.url}/echo", f"f@{upload}"], piped())
    echoed = json.loads(out)
    assert 'filename="hello.txt"' in echoed["body"]
    assert "hello file" in echoed["body"]


def test_basic_auth_option(server) -> None:
    code, out, _ = invoke(["-a", "ann:secret", f"{server.url}/basic-auth/ann/secret"], piped())
    assert code == 0 and json.loads(out) == {"authenticated": True, "user": "ann"}


def test_auth_without_password_and_no_terminal_is_an_error(server) -> None:
    code, out, err = invoke(["-a", "ann", f"{server.url}/basic-auth/ann/secret"], piped())
    assert code == 1 and out == b""
    assert "--auth" in err and err.count("\n") == 1


def test_follow_redirects(server) -> None:
    code, out, _ = invoke(["-F", f"{server.url}/redirect/3"], piped())
    assert (code, out) == (0, b"done")


# --- exit codes and errors -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "flags", "expected"),
    [
        ("/status/200", ["--check-status"], 0),
        ("/status/404", [], 4),  # the status check is on by default
        ("/status/404", ["--no-check-status"], 0),
        ("/status/404", ["--check-status"], 4),
        ("/status/500", ["--check-status"], 5),
        ("/redirect/1", ["--check-status"], 3),
    ],
)
def test_check_status_exit_codes(server, path: str, flags: list[str], expected: int) -> None:
    code, _, err = invoke([*flags, f"{server.url}{path}"], piped())
    assert code == expected
    if expected:
        assert err.startswith("wire: warning: HTTP ")


def test_too_many_redirects_exits_6(server) -> None:
    code, _, err = invoke(["-F", "--max-redirects", "3", f"{server.url}/redirect_loop"], piped())
    assert code == 6
    assert err.startswith("wire: error: too many redirects") and err.count("\n") == 1


def test_timeout_exits_2(server) -> None:
    code, _, err = invoke(["--timeout", "0.3", f"{server.url}/slow?delay=3"], piped())
    assert code == 2
    assert "timed out" in err and "Traceback" not in err and err.count("\n") == 1


def test_connection_refused_is_one_line_exit_1() -> None:
    port = closed_port()
    code, _, err = invoke([f"http://127.0.0.1:{port}/"], piped())
    assert code == 1
    assert err.startswith("wire: error: cannot connect") and err.count("\n") == 1
    assert f"127.0.0.1:{port}" in err and "is the server running" in err


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["URL_PLACEHOLDER", "n:=3x"], "'n:=3x'"),
        (["URL_PLACEHOLDER", "nosep"], "'nosep'"),
        (["URL_PLACEHOLDER", "--verify", "/no/such/ca.pem"], "--verify"),
        (["URL_PLACEHOLDER", "--timeout", "-1"], "--timeout"),
        (["--json", "--form", "URL_PLACEHOLDER"], "--json"),
        (["http://a b/"], "invalid URL"),
    ],
)
def test_bad_input_is_one_line_exit_1(server, args: list[str], fragment: str) -> None:
    args = [a.replace("URL_PLACEHOLDER", f"{server.url}/echo") for a in args]
    code, out, err = invoke(args, piped())
    assert code == 1 and out == b""
    assert err.startswith("wire: error: ") and fragment in err and err.count("\n") == 1


def test_tls_verification_failure_is_explained(https_server) -> None:
    code, _, err = invoke([f"{https_server.url}/json"], piped())
    assert code == 1
    assert "certificate" in err.lower() and "--verify" in err and err.count("\n") == 1


def test_tls_with_custom_ca(https_server) -> None:
    args = ["--verify", https_server.ca_cert_path, f"{https_server.url}/json"]
    code, out, _ = invoke(args, piped())
    assert (code, out) == (0, JSON_BODY)


# --- downloads -----------------------------------------------------------------------------


def test_download_writes_an_identical_file(server, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    code, out, err = invoke(["-d", f"{server.url}/bytes/300000"], piped())
    assert code == 0 and out == b""
    assert (tmp_path / "300000").read_bytes() == deterministic_bytes(300000)
    assert not list(tmp_path.glob("*.part"))


def test_download_never_overwrites(server, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "100").write_bytes(b"keep me")
    assert invoke(["-d", f"{server.url}/bytes/100"], piped())[0] == 0
    assert (tmp_path / "100").read_bytes() == b"keep me"
    assert (tmp_path / "100-1").read_bytes() == deterministic_bytes(100)


def test_download_uses_content_disposition_and_output(server, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert invoke(["-d", f"{server.url}/download/report.csv"], piped())[0] == 0
    assert (tmp_path / "report.csv").exists()
    assert invoke(["-d", f"{server.url}/hostile_filename"], piped())[0] == 0
    assert (tmp_path / "passwd").exists()
    assert invoke(["-d", "-o", "chosen.bin", f"{server.url}/bytes/10"], piped())[0] == 0
    assert (tmp_path / "chosen.bin").read_bytes() == deterministic_bytes(10)


def test_short_download_fails_and_keeps_the_part_file(server, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    code, _, err = invoke(["-d", "-o", "short.bin", f"{server.url}/short"], piped())
    assert code == 1
    assert not (tmp_path / "short.bin").exists()
    assert (tmp_path / "short.bin.part").exists()
    assert "short.bin.part" in err and err.count("\n") == 1


def test_download_of_an_error_page_saves_nothing(server, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    code, _, _ = invoke(["-d", f"{server.url}/status/404"], piped())
    assert code == 4
    assert list(tmp_path.iterdir()) == []


# --- the installed executable --------------------------------------------------------------


def _run_exe(wire_exe: str, *args: str) -> subprocess.CompletedProcess[bytes]:
    env = {k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", "NO_COLOR")}
    return subprocess.run(
        [wire_exe, *args], capture_output=True, timeout=30, stdin=subprocess.DEVNULL, env=env
    )


def test_installed_executable_pipes_the_raw_body(wire_exe: str, server) -> None:
    done = _run_exe(wire_exe, f"{server.url}/json")
    assert (done.returncode, done.stdout, done.stderr) == (0, JSON_BODY, b"")


def test_installed_executable_exit_code_and_stderr(wire_exe: str, server) -> None:
    done = _run_exe(wire_exe, f"{server.url}/status/404", "--check-status")
    assert done.returncode == 4
    assert done.stderr.decode().strip() == "wire: warning: HTTP 404 Not Found"


def test_python_dash_m_wire_prints_version() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "wire", "--version"], capture_output=True, timeout=30
    )
    assert done.returncode == 0
    assert re.fullmatch(rb"wire \d+\.\d+\.\d+\S*\n", done.stdout)


def test_piped_run_imports_no_rich_or_pygments(server) -> None:
    script = (
        "import sys\n"
        "from wire.cli._command import cli\n"
        f"try:\n    cli.main([{server.url + '/json'!r}], standalone_mode=False)\n"
        "except SystemExit:\n    pass\n"
        "loaded = sorted(m for m in ('rich', 'pygments', 'h2', 'trio') if m in sys.modules)\n"
        "sys.stderr.write(repr(loaded))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, timeout=30, stdin=subprocess.DEVNULL
    )
    assert done.stdout == JSON_BODY
    assert done.stderr.decode() == "[]"


# --- fixes made while integrating ----------------------------------------------------------


def test_query_items_are_added_to_the_urls_own_query(server) -> None:
    code, out, _ = invoke([f"{server.url}/echo?a=1", "b==2", "a==3"], piped())
    assert code == 0
    assert json.loads(out)["query"] == "a=1&b=2&a=3"


def test_304_not_modified_is_not_a_failure(fault_server) -> None:
    url = fault_server.canned(
        "/not-modified", b"HTTP/1.1 304 Not Modified\r\nETag: \"x\"\r\nContent-Length: 0\r\n\r\n"
    )
    code, _, err = invoke([url], piped())
    assert (code, err) == (0, "")


@pytest.mark.parametrize(
    "flags",
    [["--checksum", "sha256:" + "0" * 64], ["--output-dir", "."], ["--overwrite"],
     ["--decompress"], ["--segments", "4"], ["--continue"]],
)
def test_download_only_options_without_download_are_errors(server, flags: list[str]) -> None:
    code, out, err = invoke([*flags, f"{server.url}/json"], piped())
    assert code == 1 and out == b""
    assert err == f"wire: error: {flags[0]} only works with --download\n"


@pytest.mark.parametrize(("flags", "version"), [([], "2"), (["--http1.1"], "1.1")])
def test_downloads_negotiate_http2_and_ask_for_identity_unless_decompressing(
    https_server, tmp_path: Path, monkeypatch, flags: list[str], version: str
) -> None:
    monkeypatch.chdir(tmp_path)
    base = ["--verify", https_server.ca_cert_path, "-d", *flags]
    assert invoke([*base, "-o", "plain.json", f"{https_server.url}/echo"], piped())[0] == 0
    echoed = json.loads((tmp_path / "plain.json").read_bytes())
    headers = {k.lower(): v for k, v in echoed["headers"]}
    assert echoed["http_version"] == version
    assert headers["accept-encoding"] == "identity"
    args = [*base, "--decompress", "-o", "decoded.json", f"{https_server.url}/echo"]
    assert invoke(args, piped())[0] == 0
    echoed = json.loads((tmp_path / "decoded.json").read_bytes())
    headers = {k.lower(): v for k, v in echoed["headers"]}
    assert echoed["http_version"] == version
    assert headers["accept-encoding"] != "identity"

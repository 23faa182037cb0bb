"""The installed `wire` executable as a process: stdin handling, a pseudo-terminal (colours,
progress bar), the generated man page and shell completions."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.shell_completion import get_completion_class

from tests.servers.asgi_app import JSON_BODY
from wire.cli._command import cli

ROOT = Path(__file__).resolve().parents[2]


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", "NO_COLOR")}
    env.update(extra)
    return env


# --- stdin ----------------------------------------------------------------------------------


def test_dev_null_stdin_is_a_get_without_body(wire_exe: str, server) -> None:
    done = subprocess.run(
        [wire_exe, f"{server.url}/echo"], stdin=subprocess.DEVNULL, capture_output=True,
        timeout=30, env=_env(),
    )
    assert done.returncode == 0
    assert b'"method": "GET"' in done.stdout and b'"body": ""' in done.stdout


def test_idle_pipe_on_stdin_never_hangs(wire_exe: str, server) -> None:
    # An open pipe nobody writes to (cron, CI runners, editors): wire must not wait for EOF.
    read_end, write_end = os.pipe()
    try:
        started = time.monotonic()
        done = subprocess.run(
            [wire_exe, f"{server.url}/echo"], stdin=read_end, capture_output=True,
            timeout=30, env=_env(),
        )
        assert time.monotonic() - started < 10
    finally:
        os.close(read_end)
        os.close(write_end)
    assert done.returncode == 0 and b'"method": "GET"' in done.stdout


def test_piped_body_is_posted(wire_exe: str, server) -> None:
    done = subprocess.run(
        [wire_exe, "POST", f"{server.url}/echo_body"], input=b'{"a":1}', capture_output=True,
        timeout=30, env=_env(),
    )
    assert (done.returncode, done.stdout) == (0, b'{"a":1}')


def test_file_on_stdin_is_the_body(wire_exe: str, server, tmp_path: Path) -> None:
    body = tmp_path / "body.json"
    body.write_bytes(b'{"from": "file"}')
    with body.open("rb") as stdin:
        done = subprocess.run(
            [wire_exe, f"{server.url}/echo_body"], stdin=stdin, capture_output=True,
            timeout=30, env=_env(),
        )
    assert (done.returncode, done.stdout) == (0, b'{"from": "file"}')


# --- pseudo-terminal ------------------------------------------------------------------------


def _run_in_pty(argv: list[str], cwd: Path | None = None, timeout: float = 30) -> tuple[int, bytes]:
    """Run `argv` with stdin, stdout and stderr on a pseudo-terminal; return (status, output)."""
    main_fd, child_fd = pty.openpty()
    process = subprocess.Popen(
        argv, stdin=child_fd, stdout=child_fd, stderr=child_fd, cwd=cwd, close_fds=True,
        env=_env(TERM="xterm-256color", COLUMNS="100", LINES="40"),
    )
    os.close(child_fd)
    output = b""
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([main_fd], [], [], 0.1)
            if ready:
                try:
                    chunk = os.read(main_fd, 65536)
                except OSError:  # EIO: the child closed the terminal
                    break
                if not chunk:
                    break
                output += chunk
            elif process.poll() is not None:
                break
        status = process.wait(timeout=max(deadline - time.monotonic(), 1))
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        os.close(main_fd)
    return status, output


def test_terminal_output_is_coloured(wire_exe: str, server) -> None:
    status, output = _run_in_pty([wire_exe, f"{server.url}/json"])
    assert status == 0
    assert b"\x1b[" in output
    assert b"HTTP/1.1" in output and b"200 OK" in output and b'"zeta"' in output


def test_no_color_wins_on_a_terminal(wire_exe: str, server) -> None:
    main_fd, child_fd = pty.openpty()
    try:
        done = subprocess.run(
            [wire_exe, f"{server.url}/json"], stdin=child_fd, stdout=child_fd, stderr=child_fd,
            timeout=30, env=_env(NO_COLOR="1", TERM="xterm-256color"),
        )
        os.close(child_fd)
        output = b""
        while select.select([main_fd], [], [], 0.2)[0]:
            try:
                chunk = os.read(main_fd, 65536)
            except OSError:
                break
            if not chunk:
                break
            output += chunk
    finally:
        os.close(main_fd)
    assert done.returncode == 0 and b"\x1b[" not in output and b'"zeta": 1' in output


def test_download_progress_bar_on_a_terminal(wire_exe: str, server, tmp_path: Path) -> None:
    status, output = _run_in_pty(
        [wire_exe, "-d", "-o", "file.bin", f"{server.url}/bytes/300000"], cwd=tmp_path
    )
    assert status == 0
    assert (tmp_path / "file.bin").stat().st_size == 300000
    assert "━".encode() in output  # the bar
    assert b"\x1b[" in output and b"Saved to" in output


def test_piped_output_stays_raw(wire_exe: str, server) -> None:
    done = subprocess.run(
        [wire_exe, f"{server.url}/json"], capture_output=True, stdin=subprocess.DEVNULL,
        timeout=30, env=_env(TERM="xterm-256color"),
    )
    assert (done.returncode, done.stdout, done.stderr) == (0, JSON_BODY, b"")


def test_help_under_a_terminal_is_rich(wire_exe: str) -> None:
    status, output = _run_in_pty([wire_exe, "--help"])
    assert status == 0
    assert b" Request body " in output and "╭".encode() in output and b"\x1b[" in output


# --- generated files ------------------------------------------------------------------------


def test_man_page_is_current() -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "gen_man.py"), "--check"],
        capture_output=True, timeout=60,
    )
    assert done.returncode == 0, done.stderr.decode()


def test_man_page_documents_the_exit_codes_and_groups() -> None:
    page = (ROOT / "man" / "wire.1").read_text()
    assert ".SH EXIT STATUS" in page and "\\-\\-no\\-check\\-status" in page
    assert ".SS Network" in page and ".SS TLS" in page


@pytest.mark.parametrize(
    ("shell", "name"), [("bash", "wire.bash"), ("zsh", "_wire"), ("fish", "wire.fish")]
)
def test_completion_scripts_are_current(shell: str, name: str) -> None:
    completion = get_completion_class(shell)
    assert completion is not None
    source = completion(cli, {}, "wire", "_WIRE_COMPLETE").source()
    assert (ROOT / "completions" / name).read_text().rstrip("\n") == source.rstrip("\n")


def test_style_completion_lists_themes() -> None:
    completion = get_completion_class("bash")
    assert completion is not None
    items = completion(cli, {}, "wire", "_WIRE_COMPLETE").get_completions(
        ["--style"], "so"
    )
    assert [item.value for item in items] == ["solarized", "solarized-light"]


def test_password_prompt_on_a_terminal(wire_exe: str, server) -> None:
    main_fd, child_fd = pty.openpty()
    process = subprocess.Popen(
        [wire_exe, "-b", "-a", "ann", f"{server.url}/basic-auth/ann/secret"],
        stdin=child_fd, stdout=child_fd, stderr=child_fd, close_fds=True, env=_env(NO_COLOR="1"),
    )
    os.close(child_fd)
    output = b""
    try:
        deadline = time.monotonic() + 30
        answered = False
        while time.monotonic() < deadline:
            if not select.select([main_fd], [], [], 0.1)[0]:
                if process.poll() is not None:
                    break
                continue
            try:
                chunk = os.read(main_fd, 65536)
            except OSError:
                break
            if not chunk:
                break
            output += chunk
            if not answered and b"password for ann:" in output:
                os.write(main_fd, b"secret\n")
                answered = True
        status = process.wait(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        os.close(main_fd)
    assert status == 0
    assert b"secret" not in output  # the answer is not echoed
    assert b'"authenticated": true' in output

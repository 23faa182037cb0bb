"""The installed `wire` command over HTTP/2 against the scripted server (subprocesses)."""

from __future__ import annotations

import hashlib
import json
import subprocess
import typing
from pathlib import Path

from tests.servers.h2script import H2ScriptServer, pattern


def run_wire(wire_exe: str, *args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([wire_exe, *args], capture_output=True, timeout=30, check=False)


def test_cli_prints_the_body_over_http2(wire_exe: str, h2_server: H2ScriptServer) -> None:
    done = run_wire(wire_exe, "--http2", "--verify", h2_server.ca_cert_path,
                    h2_server.join("/echo?x=1"))  # fmt: skip
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout)
    assert [":path", "/echo?x=1"] in answer["headers"]
    assert h2_server.connections == 1


def test_cli_shows_http2_in_the_status_line(wire_exe: str, h2_server: H2ScriptServer) -> None:
    done = run_wire(wire_exe, "--headers", "--http2", "--verify", h2_server.ca_cert_path,
                    h2_server.join("/bytes?n=5"))  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0] == b"HTTP/2 200 OK"
    assert b"content-length: 5" in done.stdout


def test_cli_h2c_prior_knowledge(wire_exe: str, start_h2_server: typing.Any) -> None:
    server = start_h2_server(tls=False)
    done = run_wire(wire_exe, "--body", "--http2-prior-knowledge", server.join("/trailers"))
    assert (done.returncode, done.stdout.strip()) == (0, b"body with trailers"), done.stderr


def test_cli_download_of_a_padded_multi_frame_body(
    wire_exe: str, h2_server: H2ScriptServer, tmp_path: Path
) -> None:
    size = 3 * 1024 * 1024 + 17
    target, url = tmp_path / "padded.bin", h2_server.join(f"/bytes?n={size}&frame=9000&pad=cycle")
    done = run_wire(wire_exe, "--download", "--http2", "--verify", h2_server.ca_cert_path,
                    "-o", str(target), url)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert hashlib.sha256(target.read_bytes()).digest() == hashlib.sha256(pattern(size)).digest()

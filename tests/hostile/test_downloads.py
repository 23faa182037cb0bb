"""`--download` against hostile servers: an incomplete transfer never gets the final name.

Truncation, reset, timeout, Ctrl-C and a failed local write all leave ``NAME.part`` (with the
bytes received) and never ``NAME``. Resuming against a server that ignores Range or answers
with the wrong Content-Range never produces a corrupt final file. Hostile
Content-Disposition names stay inside the target folder and never become hidden or spoofed.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import wire
from tests.servers.faults import (
    Drip,
    FaultServer,
    RecordedRequest,
    Reply,
    Reset,
    Send,
    Sleep,
    response,
)
from wire.cli._download import NullProgress, download

from ._support import UNSAFE_FOR_TERMINAL, assert_clean_failure, assert_clean_success, run_wire

pytestmark = pytest.mark.hostile

BODY = bytes(range(256)) * 4  # 1,024 bytes
HEAD = (
    b'HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nETag: "v1"\r\n'
    b"Content-Length: 1024\r\nConnection: close\r\n\r\n"
)

FAILURES = {
    "truncated": ([Send(HEAD + BODY[:500])], 1),
    "reset": ([Send(HEAD + BODY[:500]), Reset()], 1),
    "timeout": ([Send(HEAD + BODY[:500]), Sleep(10)], 2),
    "chunked-truncated": (
        [
            Send(
                b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                b"200\r\n" + BODY[:512] + b"\r\n200\r\n" + BODY[:100]
            )
        ],
        1,
    ),
}


@pytest.fixture
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _names(directory: Path) -> set[str]:
    return {path.name for path in directory.iterdir() if not path.name.endswith(".json")}


@pytest.mark.parametrize("name", FAILURES)
def test_command_keeps_only_the_part_file(
    fault_server: FaultServer, in_tmp: Path, name: str
) -> None:
    actions, code = FAILURES[name]
    url = fault_server.script(f"/dl/{name}.bin", *actions)
    outcome = run_wire(["--timeout", "0.5", "--download", url])
    assert_clean_failure(outcome, code)
    assert not (in_tmp / f"{name}.bin").exists()
    part = in_tmp / f"{name}.bin.part"
    assert part.exists()
    assert BODY.startswith(part.read_bytes()) and part.stat().st_size >= 100
    assert "part" in outcome.err  # the user is told where the partial data is


@pytest.mark.parametrize("name", FAILURES)
def test_command_with_output_keeps_only_the_part_file(
    fault_server: FaultServer, in_tmp: Path, name: str
) -> None:
    actions, code = FAILURES[name]
    url = fault_server.script(f"/dl/o-{name}.bin", *actions)
    outcome = run_wire(["--timeout", "0.5", "--download", "--output", "chosen.bin", url])
    assert_clean_failure(outcome, code)
    assert not (in_tmp / "chosen.bin").exists()
    assert (in_tmp / "chosen.bin.part").exists()


@pytest.mark.parametrize("name", FAILURES)
def test_library_download_raises_and_keeps_the_part(
    fault_server: FaultServer, tmp_path: Path, name: str
) -> None:
    actions, _ = FAILURES[name]
    url = fault_server.script(f"/dl/lib-{name}.bin", *actions)
    with pytest.raises(Exception) as info, wire.Client(timeout=0.5) as client:  # noqa: B017
        with client.stream("GET", url) as reply:
            download(
                reply,
                original_url_path=f"/dl/lib-{name}.bin",
                output=None,
                output_dir=tmp_path,
                progress=NullProgress(),
                fsync=False,
            )
    assert not isinstance(info.value, (AssertionError, TypeError, AttributeError))
    assert not (tmp_path / f"lib-{name}.bin").exists()
    assert (tmp_path / f"lib-{name}.bin.part").exists()


def _wire_process(
    wire_exe: str, args: list[str], cwd: Path, **kwargs: object
) -> subprocess.Popen[str]:
    env = {key: value for key, value in os.environ.items() if not key.endswith("_proxy")}
    return subprocess.Popen(
        [wire_exe, *args],
        cwd=cwd,
        env=env,
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        **kwargs,
    )  # type: ignore[call-overload]


def test_ctrl_c_exits_130_and_keeps_the_part(
    fault_server: FaultServer, wire_exe: str, tmp_path: Path
) -> None:
    url = fault_server.script("/dl/ctrl-c.bin", Send(HEAD + BODY[:300]), Drip(BODY[300:], 0.05))
    process = _wire_process(wire_exe, ["--download", url], tmp_path)
    try:
        part = tmp_path / "ctrl-c.bin.part"
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and not part.exists():
            time.sleep(0.05)
        time.sleep(0.3)  # a few dripped bytes more: the interrupt lands mid-body
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=10)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(5)
    assert process.returncode == 130, err
    assert "Traceback" not in err
    assert part.exists()
    assert not (tmp_path / "ctrl-c.bin").exists()


def _limit_file_size() -> None:
    import resource

    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # write() then fails with EFBIG
    resource.setrlimit(resource.RLIMIT_FSIZE, (600, 600))


@pytest.mark.skipif(sys.platform == "win32", reason="RLIMIT_FSIZE is POSIX")
def test_failed_local_write_keeps_the_part(
    fault_server: FaultServer, wire_exe: str, tmp_path: Path
) -> None:
    url = fault_server.canned("/dl/too-big.bin", HEAD + BODY)
    process = _wire_process(
        wire_exe, ["--timeout", "5", "--download", url], tmp_path, preexec_fn=_limit_file_size
    )
    try:
        _, err = process.communicate(timeout=20)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(5)
    assert process.returncode == 1, err
    assert "Traceback" not in err
    assert len([line for line in err.splitlines() if "error" in line]) == 1, err
    assert not (tmp_path / "too-big.bin").exists()
    assert (tmp_path / "too-big.bin.part").exists()


def _resumable(server: FaultServer, path: str, answer_range: object) -> str:
    """First request: truncated; later ones: `answer_range(request)` for Range requests."""

    def build(request: RecordedRequest) -> bytes:
        if request.header("range") is None:
            if len(server.received(path)) == 1:
                return HEAD + BODY[:400]  # the first attempt is cut short
            return HEAD + BODY
        return answer_range(request)  # type: ignore[operator,no-any-return]

    return server.script(path, Reply(build))


@pytest.mark.parametrize(
    ("name", "answer"),
    [
        ("ignores-range", lambda request: HEAD + BODY),
        (
            "wrong-start",
            lambda request: response(
                b"206 Partial Content",
                [(b"Content-Range", b"bytes 100-1023/1024"), (b"ETag", b'"v1"')],
                BODY[100:],
            ),
        ),
        (
            "wrong-total",
            lambda request: response(
                b"206 Partial Content",
                [(b"Content-Range", b"bytes 400-2047/2048"), (b"ETag", b'"v1"')],
                BODY[400:] + BODY,
            ),
        ),
        (
            "garbage-range",
            lambda request: response(
                b"206 Partial Content",
                [(b"Content-Range", b"bytes lots"), (b"ETag", b'"v1"')],
                BODY[400:],
            ),
        ),
        (
            "no-range",
            lambda request: response(b"206 Partial Content", [(b"ETag", b'"v1"')], BODY[400:]),
        ),
        (
            "other-etag",
            lambda request: response(
                b"206 Partial Content",
                [(b"Content-Range", b"bytes 400-1023/1024"), (b"ETag", b'"v2"')],
                b"X" * 624,
            ),
        ),
    ],
)
def test_resume_never_builds_a_corrupt_file(
    fault_server: FaultServer, in_tmp: Path, name: str, answer: object
) -> None:
    url = _resumable(fault_server, f"/dl/resume-{name}.bin", answer)
    first = run_wire(["--timeout", "5", "--download", url])
    assert first.code == 1 and (in_tmp / f"resume-{name}.bin.part").exists()
    second = run_wire(["--timeout", "5", "--download", "--continue", url])
    assert not second.crashed and "Traceback" not in second.err
    final = in_tmp / f"resume-{name}.bin"
    if second.code == 0:
        assert final.read_bytes() == BODY  # restarted from scratch, or appended correctly
    else:
        assert_clean_failure(second, 1)
        assert not final.exists()


def test_resume_appends_after_a_correct_206(fault_server: FaultServer, in_tmp: Path) -> None:
    def partial(request: RecordedRequest) -> bytes:
        start = int(re.match(r"bytes=(\d+)-", request.header("range") or "").group(1))  # type: ignore[union-attr]
        return response(
            b"206 Partial Content",
            [(b"Content-Range", b"bytes %d-1023/1024" % start), (b"ETag", b'"v1"')],
            BODY[start:],
        )

    url = _resumable(fault_server, "/dl/resume-good.bin", partial)
    assert run_wire(["--timeout", "5", "--download", url]).code == 1
    outcome = run_wire(["--timeout", "5", "--download", "--continue", url])
    assert_clean_success(outcome)
    assert (in_tmp / "resume-good.bin").read_bytes() == BODY
    assert fault_server.received("/dl/resume-good.bin")[-1].header("range") == "bytes=400-"


HOSTILE_NAMES = [
    ('filename="../../escape.txt"', "escape"),
    ('filename="/etc/passwd"', "passwd"),
    ('filename="..\\\\..\\\\win.txt"', "win"),
    ('filename=".bashrc"', "bashrc"),
    ('filename=".."', None),
    ('filename="."', None),
    ('filename=""', None),
    ("filename*=UTF-8''%2E%2E%2F%2E%2E%2Fx.txt", "x"),
    ("filename*=UTF-8''evil%E2%80%AEtxt.exe", "evil"),
    ("filename*=UTF-8''a%00b%0Ac%1B%5B2J.txt", None),
    ("filename*=UTF-8''%C2%9B31m.txt", None),
    ('filename="' + "A" * 5_000 + '.txt"', None),
    ("filename*=UTF-8''" + "%C3%A9" * 3_000 + ".txt", None),
    ('filename="CON.txt"', None),
    ('filename="nul"', None),
    ('filename="  spaced .txt. . "', None),
]


@pytest.mark.parametrize(
    ("disposition", "expected_stem"),
    HOSTILE_NAMES,
    ids=[f"name{index}" for index in range(len(HOSTILE_NAMES))],
)
def test_hostile_names_stay_inside_and_visible(
    fault_server: FaultServer, in_tmp: Path, disposition: str, expected_stem: str | None
) -> None:
    index = HOSTILE_NAMES.index((disposition, expected_stem))
    raw = response(
        b"200 OK", [(b"Content-Disposition", b"attachment; " + disposition.encode())], b"payload"
    )
    url = fault_server.canned(f"/dl/hostile-{index}/fallback.bin", raw)
    outcome = run_wire(["--timeout", "5", "--download", url])
    assert_clean_success(outcome)
    assert not UNSAFE_FOR_TERMINAL.search(outcome.err)
    created = list(in_tmp.iterdir())
    assert len(created) == 1, created
    saved = created[0]
    assert saved.parent == in_tmp and saved.read_bytes() == b"payload"
    assert not saved.name.startswith(".")
    assert not UNSAFE_FOR_TERMINAL.search(saved.name)
    assert len(saved.name.encode()) <= 255
    assert saved.name.split(".")[0].upper() not in {"CON", "NUL", "PRN", "AUX"}
    assert saved.name == saved.name.strip(" .")
    if expected_stem is not None:
        assert expected_stem in saved.name
    assert not (in_tmp.parent / "escape.txt").exists()

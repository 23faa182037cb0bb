"""`wire --download` end to end against real local servers: resume, integrity, safe names,
segments, progress and Ctrl-C.

The `/served/{key}` route (tests/servers/asgi_app.py) serves a file each test registers under
its own key, and can ignore Range or If-Range, cut the connection mid-body, or change the file
between two requests; the raw server sends bytes no server library would.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.servers.asgi_app import COMPRESSED_PAYLOAD, SERVED_FILES, ServedFile
from wire.cli._command import cli
from wire.cli._env import Environment
from wire.cli._segments import plan_segments

MiB = 1 << 20
BODY = bytes(range(256)) * 1200  # 307,200 bytes: several 64 KiB chunks
NEW_BODY = bytes(reversed(range(256))) * 1300


def run(args: list[str], *, tty: bool = False) -> tuple[int, str]:
    """Run `wire ARGS` in-process; return (exit code, stderr text). Nothing goes to stdout."""
    env = Environment.for_testing(stdout_isatty=tty, stderr_isatty=tty)
    result = CliRunner().invoke(cli, args, obj=env, catch_exceptions=False)
    assert env.stdout.getvalue() == b""  # type: ignore[attr-defined]
    return result.exit_code, env.stderr.getvalue()  # type: ignore[attr-defined]


@pytest.fixture
def served(server) -> Iterator[tuple[str, ServedFile]]:
    """A fresh `/served/{key}` file (BODY, ETag "v1"): yields (its URL, the ServedFile)."""
    key = uuid.uuid4().hex[:12]
    SERVED_FILES[key] = ServedFile(BODY)
    yield f"{server.url}/served/{key}", SERVED_FILES[key]
    del SERVED_FILES[key]


@pytest.fixture(autouse=True)
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def listing(directory: Path) -> list[str]:
    return sorted(path.name for path in directory.iterdir())


def cut_download(url: str, file: ServedFile, at: int, *extra: str) -> str:
    """Start a download that the server cuts after `at` bytes; return stderr."""
    file.cut_after = at
    code, err = run(["-d", "-o", "f.bin", *extra, url])
    assert code == 1
    return err


# --- resume ---------------------------------------------------------------------------------


def test_continue_after_a_cut_connection_asks_for_the_rest_only(served, in_tmp: Path) -> None:
    url, file = served
    err = cut_download(url, file, 100_000)
    assert "partial data kept in 'f.bin.part'" in err and "--continue" in err
    assert (in_tmp / "f.bin.part").read_bytes() == BODY[:100_000]
    state = json.loads((in_tmp / "f.bin.part.json").read_text())
    assert (state["etag"], state["total"], state["url"]) == ('"v1"', len(BODY), url)

    code, err = run(["-d", "-c", "-o", "f.bin", url])
    assert (code, err) == (0, "Saved to f.bin (resumed after 100.0 kB)\n")
    assert (in_tmp / "f.bin").read_bytes() == BODY
    assert listing(in_tmp) == ["f.bin"]
    last = file.requests[-1]
    assert (last["range"], last["if-range"]) == ("bytes=100000-", '"v1"')


def test_continue_without_output_finds_the_part_by_name(served, server, in_tmp: Path) -> None:
    url, file = served
    (in_tmp / "dl").mkdir()
    file.cut_after = 70_000
    assert run(["-d", "--output-dir", "dl", url])[0] == 1
    name = url.rsplit("/", 1)[1]
    assert listing(in_tmp / "dl") == [f"{name}.part", f"{name}.part.json"]
    code, err = run(["-d", "--continue", "--output-dir", "dl", url])
    assert code == 0 and "resumed after 70.0 kB" in err
    assert listing(in_tmp / "dl") == [name]
    assert (in_tmp / "dl" / name).read_bytes() == BODY


def test_file_changed_between_two_requests_is_never_spliced(served, in_tmp: Path) -> None:
    url, file = served
    cut_download(url, file, 100_000)
    # The -c run's first request still sees v1; the file changes before the Range request,
    # so If-Range fails and the server sends the whole new file.
    file.next_versions = [(NEW_BODY, '"v2"')]
    code, err = run(["-d", "-c", "-o", "f.bin", url])
    assert (code, err) == (0, "Saved to f.bin\n")
    assert (in_tmp / "f.bin").read_bytes() == NEW_BODY
    assert file.requests[-1]["if-range"] == '"v1"'
    assert listing(in_tmp) == ["f.bin"]


def test_changed_file_seen_in_the_first_response_restarts_at_once(served, in_tmp: Path) -> None:
    url, file = served
    cut_download(url, file, 100_000)
    file.body, file.etag = NEW_BODY, '"v2"'
    before = len(file.requests)
    assert run(["-d", "-c", "-o", "f.bin", url]) == (0, "Saved to f.bin\n")
    assert (in_tmp / "f.bin").read_bytes() == NEW_BODY
    assert len(file.requests) == before + 1 and "range" not in file.requests[-1]


def test_server_ignoring_if_range_cannot_splice_another_version(served, in_tmp: Path) -> None:
    url, file = served
    cut_download(url, file, 100_000)
    file.honour_if_range = False  # answers the Range with a 206 of whatever it has now
    file.next_versions = [(NEW_BODY, '"v2"')]
    before = len(file.requests)
    assert run(["-d", "-c", "-o", "f.bin", url])[0] == 0
    assert (in_tmp / "f.bin").read_bytes() == NEW_BODY
    ranges = [request.get("range") for request in file.requests[before:]]
    assert ranges == [None, "bytes=100000-", None]  # the 206 of "v2" was refused


@pytest.mark.parametrize("etag", ['"v1"', None])
def test_server_ignoring_range_restarts_cleanly(served, in_tmp: Path, etag: str | None) -> None:
    url, file = served
    file.etag, file.honour_range = etag, False
    if etag is None:
        file.last_modified = None
    cut_download(url, file, 100_000)
    assert run(["-d", "-c", "-o", "f.bin", url]) == (0, "Saved to f.bin\n")
    assert (in_tmp / "f.bin").read_bytes() == BODY
    assert listing(in_tmp) == ["f.bin"]


def test_without_a_validator_nothing_is_resumed(served, in_tmp: Path) -> None:
    url, file = served
    file.etag = None
    cut_download(url, file, 100_000)
    assert listing(in_tmp) == ["f.bin.part"]  # no state: nothing could prove sameness
    before = len(file.requests)
    assert run(["-d", "-c", "-o", "f.bin", url]) == (0, "Saved to f.bin\n")
    assert (in_tmp / "f.bin").read_bytes() == BODY
    assert len(file.requests) == before + 1


def test_last_modified_is_the_validator_without_an_etag(served, in_tmp: Path) -> None:
    url, file = served
    file.etag, file.last_modified = None, "Tue, 01 Jul 2025 00:00:00 GMT"
    cut_download(url, file, 100_000)
    assert run(["-d", "-c", "-o", "f.bin", url])[0] == 0
    assert file.requests[-1]["if-range"] == "Tue, 01 Jul 2025 00:00:00 GMT"
    assert (in_tmp / "f.bin").read_bytes() == BODY


def test_416_for_a_complete_part_counts_as_success(served, in_tmp: Path) -> None:
    url, file = served
    (in_tmp / "f.bin.part").write_bytes(BODY)
    state = {"version": 1, "url": url, "etag": '"v1"', "last_modified": None,
             "total": len(BODY), "segments": []}  # fmt: skip
    (in_tmp / "f.bin.part.json").write_text(json.dumps(state))
    code, err = run(["-d", "-c", "-o", "f.bin", url])
    assert (code, err) == (0, "Saved to f.bin (resumed after 307.2 kB)\n")
    assert file.requests[-1]["range"] == f"bytes={len(BODY)}-"
    assert (in_tmp / "f.bin").read_bytes() == BODY
    assert listing(in_tmp) == ["f.bin"]


def test_continue_with_nothing_to_continue_is_a_plain_download(served, in_tmp: Path) -> None:
    url, _ = served
    assert run(["-d", "-c", "-o", "f.bin", url]) == (0, "Saved to f.bin\n")
    assert (in_tmp / "f.bin").read_bytes() == BODY


def test_an_error_answer_to_the_range_request_keeps_the_part(served, in_tmp: Path) -> None:
    url, file = served
    cut_download(url, file, 1000)
    file.range_status = 503
    code, err = run(["-d", "-c", "-o", "f.bin", url])
    assert (code, err) == (
        1,
        "wire: error: the server answered HTTP 503 when asked for the rest of the file; "
        "partial data kept in 'f.bin.part'\n",
    )
    assert (in_tmp / "f.bin.part").read_bytes() == BODY[:1000]
    assert (in_tmp / "f.bin.part.json").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-c", "--decompress"], "--decompress cannot be combined with --continue"),
        (["--segments", "2", "--decompress"], "--decompress cannot be combined"),
        (["-c", "POST"], "--continue and --segments work with GET requests only"),
        (["--checksum", "sha256:12"], "--checksum: a sha256 digest is 64 hex digits"),
    ],
)
def test_impossible_options_are_one_line_errors(
    served, in_tmp: Path, args: list[str], message: str
) -> None:
    url, _ = served
    flags = [a for a in args if a != "POST"]
    method = ["POST"] if "POST" in args else []
    code, err = run(["-d", *flags, *method, url])
    assert code == 1 and message in err and err.count("\n") == 1
    assert listing(in_tmp) == []


# --- integrity ------------------------------------------------------------------------------


def test_a_connection_cut_mid_body_is_an_error_with_the_part_kept(served, in_tmp: Path) -> None:
    url, file = served
    err = cut_download(url, file, 50_000)
    assert err.startswith("wire: error: ") and err.count("\n") == 1
    assert not (in_tmp / "f.bin").exists()
    assert (in_tmp / "f.bin.part").read_bytes() == BODY[:50_000]


def test_matching_checksum_saves(served, in_tmp: Path) -> None:
    import hashlib

    url, _ = served
    digest = hashlib.sha256(BODY).hexdigest()
    assert run(["-d", "--checksum", f"sha256:{digest}", "-o", "f.bin", url])[0] == 0
    assert (in_tmp / "f.bin").read_bytes() == BODY


def test_checksum_mismatch_refuses_the_rename(served, in_tmp: Path) -> None:
    url, _ = served
    code, err = run(["-d", "--checksum", "sha1:" + "0" * 40, "-o", "f.bin", url])
    assert code == 1
    assert err.startswith(f"wire: error: sha1 checksum mismatch: expected {'0' * 40}, got ")
    assert err.endswith("the file was not saved (data kept in 'f.bin.part')\n")
    assert "f.bin" not in listing(in_tmp)


def test_output_never_overwrites_without_overwrite(served, in_tmp: Path) -> None:
    url, _ = served
    (in_tmp / "f.bin").write_bytes(b"precious")
    code, err = run(["-d", "-o", "f.bin", url])
    assert (code, err) == (
        1,
        "wire: error: cannot write the download: 'f.bin' exists; add --overwrite to replace it\n",
    )
    assert listing(in_tmp) == ["f.bin"] and (in_tmp / "f.bin").read_bytes() == b"precious"
    assert run(["-d", "--overwrite", "-o", "f.bin", url]) == (0, "Saved to f.bin\n")
    assert (in_tmp / "f.bin").read_bytes() == BODY


def test_output_dir_must_exist(served, in_tmp: Path) -> None:
    url, _ = served
    code, err = run(["-d", "--output-dir", "missing", url])
    assert code == 1 and err.startswith("wire: error: cannot write the download: ")


def test_decompress_saves_the_decoded_body(server, in_tmp: Path) -> None:
    assert run(["-d", "-o", "raw.json", f"{server.url}/gzip"])[0] == 0
    assert (in_tmp / "raw.json").read_bytes()[:2] == b"\x1f\x8b"  # saved exactly as sent
    assert run(["-d", "--decompress", "-o", "plain.json", f"{server.url}/gzip"])[0] == 0
    assert (in_tmp / "plain.json").read_bytes() == COMPRESSED_PAYLOAD


def test_downloads_ask_for_identity_encoding(served) -> None:
    url, file = served
    assert run(["-d", "-o", "f.bin", url])[0] == 0
    assert file.requests[-1]["accept-encoding"] == "identity"


# --- safe names -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("disposition", "expected"),
    [
        (b'attachment; filename="../../etc/passwd"', "passwd"),
        (b'attachment; filename="/etc/shadow"', "shadow"),
        (b'attachment; filename="..\\\\..\\\\windows\\\\win.ini"', "win.ini"),
        (b'attachment; filename=".bashrc"', "bashrc"),
        (b'attachment; filename=".."', None),  # nothing left: the URL's name instead
        (b"attachment; filename*=UTF-8''..%2F..%2F.ssh%2Fauthorized_keys", "authorized_keys"),
        (b"attachment; filename*=UTF-8''%E2%80%AEtxt.exe", "txt.exe"),  # RTL override
        (b'attachment; filename="CON.txt"', "_CON.txt"),
        (b'attachment; filename="' + b"A" * 400 + b'.txt"', "A" * 236 + ".txt"),
    ],
)
def test_hostile_content_disposition_names(
    served, in_tmp: Path, disposition: bytes, expected: str | None
) -> None:
    url, file = served
    file.content_disposition = disposition
    (in_tmp / "dl").mkdir()
    assert run(["-d", "--output-dir", "dl", url])[0] == 0
    name = expected if expected is not None else url.rsplit("/", 1)[1]
    assert listing(in_tmp) == ["dl"]
    assert listing(in_tmp / "dl") == [name]
    assert len(name.encode()) <= 240


def test_control_characters_never_reach_the_name_or_the_terminal(raw_server, in_tmp) -> None:
    url = raw_server.set_response(
        "/evil-name",
        b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n"
        b'Content-Disposition: attachment; filename="a\x1b[31mb\x07.txt"\r\n\r\nok',
    )
    code, err = run(["-d", url])
    assert (code, listing(in_tmp)) == (0, ["a[31mb.txt"])
    assert "\x1b" not in err and "\x07" not in err


def test_name_never_comes_from_a_redirect_target(served, server, in_tmp: Path) -> None:
    url, file = served
    file.content_disposition = None
    target = url.removeprefix(server.url)
    assert run(["-d", "-F", f"{server.url}/redirect_to?url={target}"])[0] == 0
    assert listing(in_tmp) == ["redirect_to"]
    assert (in_tmp / "redirect_to").read_bytes() == BODY


# --- progress -------------------------------------------------------------------------------


def test_terminal_gets_a_summary_line_and_quiet_gets_nothing(served, in_tmp: Path) -> None:
    url, _ = served
    code, err = run(["-d", "-o", "a.bin", url], tty=True)
    lines = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", err).splitlines()  # the bar's cursor moves
    assert code == 0 and lines[-1] == "Saved to a.bin"
    assert lines[-2].startswith("Done. 307.2 kB in ")
    assert run(["-d", "-q", "-o", "b.bin", url], tty=True) == (0, "")
    assert (in_tmp / "b.bin").read_bytes() == BODY


def test_piped_stderr_gets_no_bar(served) -> None:
    url, _ = served
    assert run(["-d", "-o", "a.bin", url]) == (0, "Saved to a.bin\n")


# --- segments -------------------------------------------------------------------------------

BIG = bytes(range(251)) * (4 * MiB // 251 + 1)  # ~4 MiB, not a multiple of the segment size


def test_segments_fetch_ranges_in_parallel_into_one_file(served, in_tmp: Path) -> None:
    url, file = served
    file.body = BIG
    assert run(["-d", "--segments", "4", "-o", "big.bin", url]) == (0, "Saved to big.bin\n")
    assert (in_tmp / "big.bin").read_bytes() == BIG
    assert listing(in_tmp) == ["big.bin"]
    ranges = [request.get("range") for request in file.requests]
    planned = plan_segments(len(BIG), 4)
    # the first request has no Range: its body serves the first range
    assert ranges == [None, *(f"bytes={s.start}-{s.end}" for s in planned[1:])]
    assert all(r.get("if-range") == '"v1"' for r in file.requests if "range" in r)


def test_segments_over_http2_are_streams_of_one_connection(https_server, in_tmp: Path) -> None:
    """Four ranges as four streams on one HTTP/2 connection, read by four threads; the 200
    that carries the first range is cancelled once that range is written."""
    key = uuid.uuid4().hex[:12]
    SERVED_FILES[key] = file = ServedFile(BIG)
    try:
        url = f"{https_server.url}/served/{key}"
        args = ["-d", "--http2", "--verify", https_server.ca_cert_path, "--segments", "4",
                "-o", "big.bin", url]
        assert run(args) == (0, "Saved to big.bin\n")
    finally:
        del SERVED_FILES[key]
    assert (in_tmp / "big.bin").read_bytes() == BIG
    assert listing(in_tmp) == ["big.bin"]
    assert len(file.requests) == 4


def test_segments_fall_back_to_one_stream_when_ranges_are_ignored(served, in_tmp: Path) -> None:
    url, file = served
    file.body, file.honour_range = BIG, False
    assert run(["-d", "--segments", "3", "-o", "big.bin", url])[0] == 0
    assert (in_tmp / "big.bin").read_bytes() == BIG
    assert listing(in_tmp) == ["big.bin"]


def test_an_interrupted_segmented_download_resumes_each_range(served, in_tmp: Path) -> None:
    url, file = served
    file.body = BIG
    file.cut_after = 300_000  # the first response, which carries the first range
    code, _ = run(["-d", "--segments", "4", "-o", "big.bin", url])
    assert code == 1
    state = json.loads((in_tmp / "big.bin.part.json").read_text())
    assert len(state["segments"]) == 4 and state["segments"][0][2] == 300_000
    missing = [f"bytes={a + done}-{b}" for a, b, done in state["segments"] if a + done <= b]
    before = len(file.requests)
    code, err = run(["-d", "-c", "--segments", "4", "-o", "big.bin", url])
    assert code == 0 and err.startswith("Saved to big.bin (resumed after ")
    assert (in_tmp / "big.bin").read_bytes() == BIG
    assert listing(in_tmp) == ["big.bin"]
    asked = [request.get("range") for request in file.requests[before:]]
    assert asked[0] is None and sorted(asked[1:]) == sorted(missing)  # type: ignore[type-var]


def test_segments_are_not_used_for_a_small_file(served, in_tmp: Path) -> None:
    url, file = served
    assert run(["-d", "--segments", "8", "-o", "f.bin", url])[0] == 0
    assert (in_tmp / "f.bin").read_bytes() == BODY
    assert len(file.requests) == 1


# --- Ctrl-C ---------------------------------------------------------------------------------


@pytest.mark.skipif(sys.platform == "win32", reason="SIGINT to a child process")
def test_ctrl_c_exits_130_and_keeps_the_part(wire_exe: str, server, tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", "NO_COLOR")}
    process = subprocess.Popen(
        [wire_exe, "-d", "-o", "slow.txt", f"{server.url}/slow_body?delay=10"],
        cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
    )  # fmt: skip
    try:
        part = tmp_path / "slow.txt.part"
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and not part.exists():
            time.sleep(0.05)
        time.sleep(0.5)  # the first half arrives (buffered in the file object); then a stall
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=10)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == 130
    assert part.read_bytes() == b"first half|"
    assert b"partial data kept in 'slow.txt.part'" in err and b"--continue" in err
    assert not (tmp_path / "slow.txt").exists()


def test_output_dir_applies_to_output_too(served, in_tmp: Path) -> None:
    url, _ = served
    (in_tmp / "dl").mkdir()
    assert run(["-d", "--output-dir", "dl", "-o", "f.bin", url]) == (0, "Saved to dl/f.bin\n")
    assert listing(in_tmp / "dl") == ["f.bin"]


def test_range_requests_carry_the_original_headers(served, in_tmp: Path) -> None:
    url, file = served
    file.cut_after = 1000
    assert run(["-d", "-o", "f.bin", url, "X-Token:secret"])[0] == 1
    assert run(["-d", "-c", "-o", "f.bin", url, "X-Token:secret"])[0] == 0
    last = file.requests[-1]
    assert (last["range"], last["x-token"]) == ("bytes=1000-", "secret")


def test_run_download_reuses_the_callers_client(served, in_tmp: Path) -> None:
    from wire.cli._download_cmd import run_download
    from wire.cli.output._plan import OutputOptions, plan_output
    from wire.client_core import Client

    url, file = served
    cut_download(url, file, 5000)
    env = Environment.for_testing(stdout_isatty=False, stderr_isatty=False)
    plan = plan_output(env, OutputOptions(download=True))
    sent: list[str] = []
    with Client(event_hooks={"request": [lambda r: sent.append(r.headers.get("range"))]}) as client:
        request = client.build_request("GET", url, headers={"Accept-Encoding": "identity"})
        response = client.send(request, stream=True)
        try:
            options = {"output": "f.bin", "continue_": True}
            status = run_download(env, plan, request, response, options, client=client)
        finally:
            response.close()
    assert status == 0 and sent == [None, "bytes=5000-"]
    assert (in_tmp / "f.bin").read_bytes() == BODY

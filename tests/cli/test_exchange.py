"""`--exchange-json`, `--har`, `--timing`, `--retry` and `--curl` on the main command, end to
end against the local servers, plus the pure pieces (body encoding, the timing chart)."""

from __future__ import annotations

import base64
import json
import shlex
import uuid
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.servers import LocalServer, TLSLocalServer
from tests.servers.asgi_app import JSON_BODY, deterministic_bytes
from wire.cli._command import cli
from wire.cli._env import Environment
from wire.cli._exchange import body_fields, exchange_to_dict
from wire.cli.output._timing_chart import render_timing
from wire.client_core._timing import Phase, Timing


def invoke(args: list[str], env: Environment) -> tuple[int, bytes, str]:
    result = CliRunner().invoke(cli, args, obj=env, catch_exceptions=False)
    return result.exit_code, env.stdout.getvalue(), env.stderr.getvalue()  # type: ignore[attr-defined]


def piped() -> Environment:
    return Environment.for_testing(stdout_isatty=False, stderr_isatty=False)


# --- --exchange-json ---------------------------------------------------------------------------


def test_exchange_json_is_one_object_with_everything(server: LocalServer) -> None:
    code, out, err = invoke([f"{server.url}/json", "--exchange-json"], piped())
    assert (code, err) == (0, "")
    assert out.count(b"\n") == 1  # one line when piped: `| jq .status` works
    data = json.loads(out)
    assert data["status"] == 200
    assert (data["reason"], data["http_version"]) == ("OK", "HTTP/1.1")
    assert data["request"]["method"] == "GET"
    assert data["request"]["url"] == f"{server.url}/json"
    assert ["content-type", "application/json"] in data["headers"]
    assert (data["body"], data["body_encoding"]) == (JSON_BODY.decode(), "text")
    assert data["remote_address"] == f"127.0.0.1:{server.port}"
    assert data["redirects"] == []
    timing = data["timing"]
    assert timing["dns"] is None  # an IP literal: nothing to resolve
    for phase in ("connect", "send", "wait", "receive", "total"):
        assert timing[phase] >= 0.0
    assert timing["tls"] is None


def test_exchange_json_binary_body_is_base64(server: LocalServer) -> None:
    _, out, _ = invoke([f"{server.url}/bytes/300", "--exchange-json"], piped())
    data = json.loads(out)
    assert data["body_encoding"] == "base64"
    assert base64.b64decode(data["body"]) == deterministic_bytes(300)


def test_exchange_json_lists_the_redirect_chain(server: LocalServer) -> None:
    _, out, _ = invoke([f"{server.url}/redirect/2", "--follow", "--exchange-json"], piped())
    data = json.loads(out)
    assert data["url"] == f"{server.url}/redirect/0"
    assert data["body"] == "done"
    assert data["redirects"] == [
        {"method": "GET", "url": f"{server.url}/redirect/2", "status": 302,
         "location": "/redirect/1"},
        {"method": "GET", "url": f"{server.url}/redirect/1", "status": 302,
         "location": "/redirect/0"},
    ]  # fmt: skip


def test_exchange_json_is_indented_on_a_terminal(server: LocalServer) -> None:
    env = Environment.for_testing(stdout_isatty=True, stderr_isatty=False)
    _, out, _ = invoke([f"{server.url}/json", "--exchange-json"], env)
    assert out.startswith(b'{\n  "request": {')
    assert json.loads(out)["status"] == 200


def test_exchange_json_over_tls_has_a_tls_phase(https_server: TLSLocalServer) -> None:
    url = f"{https_server.url}/json"
    args = [url, "--exchange-json", "--verify", str(https_server.ca_cert_path)]
    code, out, err = invoke(args, piped())
    assert code == 0, err
    timing = json.loads(out)["timing"]
    assert timing["tls"] > 0.0
    assert timing["tls_version"] in ("TLSv1.2", "TLSv1.3")


def test_library_history_gives_the_redirects(server: LocalServer) -> None:
    import wire

    with wire.Client(follow_redirects=True) as client:
        response = client.get(f"{server.url}/redirect/1")
    data = exchange_to_dict(response, None)
    assert [hop["status"] for hop in data["redirects"]] == [302]
    assert data["timing"] is None and data["remote_address"] is None


@pytest.mark.parametrize(
    ("content", "charset", "expected"),
    [
        (b"caf\xc3\xa9", None, ("café", "text")),
        (b"caf\xe9", "latin-1", ("café", "text")),
        (b"caf\xe9", None, ("Y2Fm6Q==", "base64")),
        (b"a\x00b", None, ("YQBi", "base64")),
        (b"", None, ("", "text")),
    ],
)
def test_body_fields(content: bytes, charset: str | None, expected: tuple[str, str]) -> None:
    assert body_fields(content, charset) == expected


# --- --har ----------------------------------------------------------------------------------


def test_har_file_has_one_entry_per_hop(server: LocalServer, tmp_path: Path) -> None:
    har = tmp_path / "out.har"
    code, out, _ = invoke([f"{server.url}/redirect/1", "--follow", "--har", str(har)], piped())
    assert (code, out) == (0, b"done")  # the usual output is unchanged
    log = json.loads(har.read_text(encoding="utf-8"))["log"]
    assert log["version"] == "1.2"
    assert log["creator"]["name"] == "wire"
    first, last = log["entries"]
    assert (first["request"]["url"], first["response"]["status"]) == (
        f"{server.url}/redirect/1", 302
    )
    assert first["response"]["redirectURL"] == "/redirect/0"
    assert last["response"]["content"]["text"] == "done"
    assert last["response"]["status"] == 200
    assert last["serverIPAddress"] == "127.0.0.1"
    assert set(last["timings"]) == {"blocked", "dns", "connect", "ssl", "send", "wait", "receive"}
    assert last["timings"]["ssl"] == -1


def test_har_records_the_posted_body(server: LocalServer, tmp_path: Path) -> None:
    har = tmp_path / "post.har"
    invoke(["POST", f"{server.url}/echo", "a=1", "--har", str(har)], piped())
    entry = json.loads(har.read_text(encoding="utf-8"))["log"]["entries"][0]
    assert entry["request"]["postData"] == {"mimeType": "application/json", "text": '{"a": "1"}'}
    assert entry["request"]["bodySize"] == len('{"a": "1"}')


# --- --timing -------------------------------------------------------------------------------


def test_timing_goes_to_stderr_and_keeps_stdout_clean(server: LocalServer) -> None:
    code, out, err = invoke([f"{server.url}/slow?delay=0.1", "--timing"], piped())
    assert (code, out) == (0, b"slow")
    names = [line.split()[0] for line in err.splitlines()]
    assert names == ["connect", "send", "wait", "receive", "total"]
    assert f"remote 127.0.0.1:{server.port}, HTTP/1.1" in err
    wait_ms = float(err.splitlines()[2].split()[1])
    assert wait_ms >= 90.0


def test_timing_chart_plain_text() -> None:
    timing = Timing(
        phases=(Phase("dns", 0.0, 0.010), Phase("connect", 0.010, 0.010),
                Phase("wait", 0.020, 0.060), Phase("receive", 0.080, 0.020)),
        total=0.100,
        remote_address=("10.0.0.1", 443),
        http_version="HTTP/2",
        tls_version="TLSv1.3",
    )  # fmt: skip
    text = render_timing(timing, width=80)
    assert text.splitlines() == [
        "dns           10.0 ms  ██████",
        "connect       10.0 ms        █████",
        "wait          60.0 ms             ██████████████████████████████████",
        "receive       20.0 ms                                               ███████████",
        "total        100.0 ms  remote 10.0.0.1:443, HTTP/2, TLSv1.3",
    ]


def test_timing_chart_in_colour_uses_ansi() -> None:
    timing = Timing(phases=(Phase("wait", 0.0, 0.001),), total=0.001)
    assert "\x1b[" in render_timing(timing, width=60, color="256")


# --- --retry -------------------------------------------------------------------------------


def flaky(server: LocalServer, failures: int) -> str:
    return f"{server.url}/flaky/{uuid.uuid4().hex}/{failures}?retry_after=0"


def test_retry_reports_each_retry_on_stderr(server: LocalServer) -> None:
    url = flaky(server, 2)
    code, out, err = invoke([url, "--retry", "3"], piped())
    assert code == 0
    assert json.loads(out) == {"attempts": 3, "method": "GET"}
    assert err.splitlines() == [
        f"wire: retry 1/3 in 0.00 s: HTTP 503 Service Unavailable (GET {url})",
        f"wire: retry 2/3 in 0.00 s: HTTP 503 Service Unavailable (GET {url})",
    ]


def test_without_retry_the_first_answer_stands(server: LocalServer) -> None:
    code, _, err = invoke([flaky(server, 1)], piped())
    assert code == 5  # --check-status is on by default: a 5xx exits 5
    assert "retry" not in err


def test_post_is_retried_only_with_retry_all_methods(server: LocalServer) -> None:
    code, _, err = invoke(["POST", flaky(server, 1), "a=1", "--retry", "2"], piped())
    assert code == 5 and "retry" not in err
    code, out, _ = invoke(
        ["POST", flaky(server, 1), "a=1", "--retry", "2", "--retry-all-methods"], piped()
    )
    assert code == 0 and json.loads(out)["method"] == "POST"


def test_retry_max_time_stops_long_waits(server: LocalServer) -> None:
    url = f"{server.url}/flaky/{uuid.uuid4().hex}/1?retry_after=5"
    code, _, err = invoke([url, "--retry", "2", "--retry-max-time", "1"], piped())
    assert code == 5 and "retry" not in err


# --- --curl ---------------------------------------------------------------------------------


def test_curl_prints_the_command_and_sends_nothing() -> None:
    # Port 9 (discard) on loopback: nothing is sent, so nothing needs to listen there.
    args = ["PUT", "http://127.0.0.1:9/items?x=1", "name=it's", "X-Token:abc", "--curl",
            "--follow", "--verify", "no"]  # fmt: skip
    code, out, err = invoke(args, piped())
    assert (code, err) == (0, "")
    words = shlex.split(out.decode())
    assert words[:3] == ["curl", "-X", "PUT"]
    assert words[-1] == "http://127.0.0.1:9/items?x=1"
    pairs = list(zip(words, words[1:], strict=False))
    assert ("-H", "X-Token: abc") in pairs
    assert ("-H", "Content-Type: application/json") in pairs
    assert ("--data-binary", '{"name": "it\'s"}') in pairs
    assert "-k" in words and "-L" in words


def test_curl_with_basic_auth() -> None:
    code, out, _ = invoke(["http://127.0.0.1:9/", "-a", "me:s3cret", "--curl"], piped())
    words = shlex.split(out.decode())
    assert code == 0
    assert ("-u", "me:s3cret") in list(zip(words, words[1:], strict=False))

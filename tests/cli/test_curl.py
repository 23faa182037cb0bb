"""curl, both ways: parsing curl arguments (table-driven), wire → curl → wire round trips, and
`wire curl ...` end to end against the local servers."""

from __future__ import annotations

import json
import shlex
import subprocess
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import wire
from tests.servers import LocalServer
from wire.cli._curl import CurlRequest, FilePart, curl_command, parse_curl_args, to_curl
from wire.cli._env import Environment


def parse(line: str, files: dict[str, bytes] | None = None) -> CurlRequest:
    return parse_curl_args(shlex.split(line), read_file=lambda path: (files or {})[path])


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("curl example.org", {"url": "http://example.org", "effective_method": "GET"}),
        ("curl -X put https://a.test/x", {"effective_method": "PUT"}),
        ("curl -XDELETE https://a.test/", {"effective_method": "DELETE"}),
        ("curl -I https://a.test/", {"effective_method": "HEAD", "head": True}),
        ("curl -d a=1 -d b=2 https://a.test/", {"data": ["a=1", "b=2"],
                                               "effective_method": "POST"}),
        ("curl --data-raw @x https://a.test/", {"data": ["@x"]}),
        ("curl --data-binary @body https://a.test/", {"data": ["line1\nline2\n"]}),
        ("curl -d @body https://a.test/", {"data": ["line1line2"]}),
        ("curl --data-urlencode 'q=a b&c' https://a.test/", {"data": ["q=a+b%26c"]}),
        ("curl --data-urlencode 'a b' https://a.test/", {"data": ["a+b"]}),
        ("curl --json '{\"a\":1}' https://a.test/", {"json": ['{"a":1}'],
                                                    "effective_method": "POST"}),
        ("curl -G -d q=1 https://a.test/", {"get": True, "effective_method": "GET"}),
        ("curl -F name=wire -F 'up=@f.txt;type=text/plain' https://a.test/",
         {"form": [("name", "wire"), ("up", FilePart("f.txt", "text/plain", None))]}),
        ("curl --form-string 'x=@literal' https://a.test/", {"form": [("x", "@literal")]}),
        ("curl -u me:pw https://a.test/", {"auth": ("me", "pw")}),
        ("curl -kLsS --compressed https://a.test/", {"insecure": True, "follow": True,
                                                     "compressed": True, "untranslated": []}),
        ("curl -H 'X-A: 1' -H 'X-B:' -H 'X-C;' https://a.test/",
         {"headers": [("X-A", "1"), ("X-B", None), ("X-C", "")]}),
        ("curl -b 'a=1; b=2' -A agent/1 -e https://ref.test/ https://a.test/",
         {"headers": [("Cookie", "a=1; b=2"), ("User-Agent", "agent/1"),
                      ("Referer", "https://ref.test/")]}),
        ("curl -x proxy.test:3128 -m 2.5 --connect-timeout 1 https://a.test/",
         {"proxy": "http://proxy.test:3128", "max_time": 2.5, "connect_timeout": 1.0}),
        ("curl --url https://a.test/u", {"url": "https://a.test/u"}),
        ("curl -o out.html --weird -b jar.txt https://a.test/",
         {"untranslated": ["-o out.html", "--weird", "-b jar.txt (a cookie file)"]}),
        ("curl https://a.test/ https://b.test/",
         {"untranslated": ["https://b.test/ (a second URL)"]}),
    ],
)  # fmt: skip
def test_parse_curl_args(line: str, expected: dict[str, Any]) -> None:
    request = parse(line, files={"body": b"line1\nline2\n"})
    for name, value in expected.items():
        got = request.effective_method() if name == "effective_method" else getattr(request, name)
        assert got == value, name


def test_one_pasted_string_is_split_like_a_shell() -> None:
    request = parse_curl_args(["curl -H 'X-Name: a b' https://a.test/"])
    assert request.headers == [("X-Name", "a b")]


@pytest.mark.parametrize("line", ["curl -H", "curl -X POST", "curl -m soon https://a.test/"])
def test_invalid_curl_lines(line: str) -> None:
    with pytest.raises(ValueError):
        parse(line)


# --- wire → curl ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "kwargs", "expected_words"),
    [
        ("GET", {}, ["curl", "-H", "Accept: */*", "--compressed"]),
        ("HEAD", {}, ["curl", "-I"]),
        ("POST", {"content": b"a=1"}, ["--data-binary", "a=1"]),
        ("POST", {}, ["curl", "-X", "POST"]),
        ("DELETE", {"headers": {"X-Quote": "it's"}}, ["curl", "-X", "DELETE", "-H", "Accept"]),
        ("GET", {"headers": {"X-Quote": "it's"}}, ["-H", "X-Quote: it's", "https://a.test/"]),
    ],
)
def test_to_curl_words(method: str, kwargs: dict[str, Any], expected_words: list[str]) -> None:
    with wire.Client() as client:
        request = client.build_request(method, "https://a.test/p?q=1", **kwargs)
    command, notes = to_curl(request)
    words = shlex.split(command)
    assert notes == []
    assert words[-1] == "https://a.test/p?q=1"
    joined = " ".join(words)
    assert " ".join(expected_words) in joined
    assert "Host:" not in joined and "Content-Length" not in joined


def test_to_curl_binary_body_is_a_note() -> None:
    request = wire.Request("POST", "https://a.test/", content=b"\x00\x01")
    command, notes = to_curl(request)
    assert "--data-binary @FILE" in command
    assert notes == ["the body is binary (2 bytes): send it with --data-binary @FILE"]


def test_wire_to_curl_to_wire_round_trip() -> None:
    with wire.Client() as client:
        request = client.build_request(
            "PATCH", "https://a.test/x", content=b'{"a": "b c"}',
            headers={"Content-Type": "application/json", "X-Token": "t$`\"'"},
        )  # fmt: skip
    command, _ = to_curl(request, auth=("u", "p w"), verify=False, follow=True, proxy="http://p:1")
    back = parse_curl_args([command])
    assert back.effective_method() == "PATCH"
    assert back.url == "https://a.test/x"
    assert back.data == ['{"a": "b c"}']
    assert ("X-Token", "t$`\"'") in back.headers
    assert (back.auth, back.insecure, back.follow, back.proxy) == (("u", "p w"), True, True,
                                                                    "http://p:1")
    assert back.compressed and back.untranslated == []


# --- wire curl, end to end -------------------------------------------------------------------


def run_curl(args: list[str]) -> tuple[int, bytes, str]:
    env = Environment.for_testing(stdout_isatty=False, stderr_isatty=False)
    result = CliRunner().invoke(curl_command, args, obj=env, catch_exceptions=False)
    return result.exit_code, env.stdout.getvalue(), env.stderr.getvalue()  # type: ignore[attr-defined]


def headers_of(echo: dict[str, Any]) -> dict[str, str]:
    return {name.lower(): value for name, value in echo["headers"]}


def test_wire_curl_posts_form_data(server: LocalServer) -> None:
    code, out, err = run_curl(["-sS", "-X", "POST", f"{server.url}/echo", "-d", "a=1",
                               "--data-urlencode", "q=x y", "-H", "X-A: 1"])  # fmt: skip
    assert (code, err) == (0, "")
    echo = json.loads(out)
    assert echo["method"] == "POST"
    assert echo["body"] == "a=1&q=x+y"
    headers = headers_of(echo)
    assert headers["content-type"] == "application/x-www-form-urlencoded"
    assert headers["x-a"] == "1"
    assert "accept-encoding" not in headers  # curl asks for no coding without --compressed
    assert headers["user-agent"].startswith("wire/")


def test_wire_curl_json(server: LocalServer) -> None:
    _, out, _ = run_curl([f"{server.url}/echo", "--json", '{"k": [1]}'])
    echo = json.loads(out)
    assert (echo["method"], echo["body"]) == ("POST", '{"k": [1]}')
    assert headers_of(echo)["content-type"] == "application/json"


def test_wire_curl_multipart_file(server: LocalServer, tmp_path: Path) -> None:
    upload = tmp_path / "hello.txt"
    upload.write_text("hello file")
    _, out, _ = run_curl([f"{server.url}/echo", "-F", "name=wire",
                          "-F", f"doc=@{upload};type=text/plain"])  # fmt: skip
    echo = json.loads(out)
    assert headers_of(echo)["content-type"].startswith("multipart/form-data; boundary=")
    assert 'name="doc"; filename="hello.txt"' in echo["body"]
    assert "Content-Type: text/plain" in echo["body"] and "hello file" in echo["body"]


def test_wire_curl_get_with_data_goes_to_the_query(server: LocalServer) -> None:
    _, out, _ = run_curl(["-G", f"{server.url}/echo", "-d", "a=1", "-d", "b=2"])
    echo = json.loads(out)
    assert (echo["method"], echo["query"], echo["body"]) == ("GET", "a=1&b=2", "")


def test_wire_curl_basic_auth_and_cookies(server: LocalServer) -> None:
    _, out, _ = run_curl(["-u", "ann:pw", f"{server.url}/basic-auth/ann/pw"])
    assert json.loads(out) == {"authenticated": True, "user": "ann"}
    _, out, _ = run_curl(["-b", "a=1; b=2", f"{server.url}/cookies"])
    assert json.loads(out) == {"cookies": {"a": "1", "b": "2"}}


def test_wire_curl_follows_with_location_and_shows_headers_with_head(server: LocalServer) -> None:
    code, out, _ = run_curl(["-L", f"{server.url}/redirect/2"])
    assert (code, out) == (0, b"done")
    _, out, _ = run_curl(["-I", f"{server.url}/json"])
    assert out.startswith(b"HTTP/1.1 200 OK")
    assert b'"zeta"' not in out


def test_wire_curl_reports_what_it_did_not_translate(server: LocalServer) -> None:
    code, out, err = run_curl([f"{server.url}/json", "--limit-rate", "1k", "--weird"])
    assert code == 0 and out == b'{"zeta": 1, "alpha": "caf\xc3\xa9", "n": 1.10}'
    assert err.splitlines() == [
        "wire: curl: not translated: --limit-rate 1k",
        "wire: curl: not translated: --weird",
    ]


def test_wire_curl_fail_sets_the_exit_status(server: LocalServer) -> None:
    assert run_curl([f"{server.url}/status/404"])[0] == 0
    assert run_curl(["-f", f"{server.url}/status/404"])[0] == 4


def test_wire_curl_errors_are_one_line(tmp_path: Path) -> None:
    code, _, err = run_curl(["-F", f"f=@{tmp_path / 'missing'}", "http://127.0.0.1:9/"])
    assert code == 1 and err.startswith("wire: error: curl: cannot read") and err.count("\n") == 1
    code, _, err = run_curl(["-X"])
    assert code == 1 and err == "wire: error: curl: curl option -X needs a value\n"


def test_installed_wire_dispatches_the_curl_subcommand(server: LocalServer, wire_exe: str) -> None:
    done = subprocess.run(
        [wire_exe, "curl", f"{server.url}/json"], capture_output=True, timeout=30, check=False
    )
    assert (done.returncode, done.stdout) == (0, b'{"zeta": 1, "alpha": "caf\xc3\xa9", "n": 1.10}')

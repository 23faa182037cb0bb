"""The complete command line (issue 5), end to end against the local servers.

In-process runs use click's CliRunner with an injected `Environment` (a pretend terminal or a
pipe, a fake clock); stdout is compared exactly, with the volatile headers (Date, Server) and
the ephemeral port replaced.
"""

from __future__ import annotations

import json
import re
import socket
import threading
import zlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

# The proxy fixtures of the client-core tests (proxy.py, pproxy), reused by name.
from tests.client_core.test_proxies import PASSWORD, USER, http_proxy, socks_proxy
from tests.servers.asgi_app import JSON_BODY
from wire.cli._command import cli
from wire.cli._env import Environment

ANSI = re.compile(r"\x1b\[[0-9;]*m")
__all__ = ["http_proxy", "socks_proxy"]  # imported fixtures, used by name


def invoke(args: list[str], env: Environment) -> tuple[int, str, str]:
    """Run `wire ARGS` in-process; return (exit code, stdout text, stderr text)."""
    result = CliRunner().invoke(cli, args, obj=env, catch_exceptions=False)
    out = env.stdout.getvalue().decode("utf-8")  # type: ignore[attr-defined]
    return result.exit_code, out, env.stderr.getvalue()  # type: ignore[attr-defined]


def stripped(text: str, port: int) -> str:
    """Drop the Date and Server headers, and write the port as PORT."""
    lines = [
        line for line in text.split("\n")
        if not re.match(r"(?i)(date|server): ", line)
    ]
    return "\n".join(lines).replace(str(port), "PORT")


def piped(stdin: bytes = b"", environ: dict[str, str] | None = None) -> Environment:
    return Environment.for_testing(
        stdout_isatty=False, stderr_isatty=False, stdin=stdin, environ=environ
    )


def terminal(color: str | None = None, environ: dict[str, str] | None = None) -> Environment:
    clock = iter([10.0, 10.25, 10.5, 10.75, 11.0])
    return Environment.for_testing(
        stdout_isatty=True, color_system=color, environ=environ, monotonic=lambda: next(clock)
    )


def echoed(out: str) -> dict[str, object]:
    data = json.loads(out)
    data["headers"] = {k.lower(): v for k, v in data["headers"]}
    return data


# --- exact output ---------------------------------------------------------------------------


def test_terminal_output_is_exact(server) -> None:
    code, out, err = invoke([f"{server.url}/json"], terminal())
    assert (code, err) == (0, "")
    assert stripped(out, server.port) == (
        "HTTP/1.1 200 OK\n"
        "content-type: application/json\n"
        "content-length: 40\n"
        "\n"
        '{\n    "zeta": 1,\n    "alpha": "café",\n    "n": 1.10\n}\n'
    )


def test_verbose_post_is_exact(server) -> None:
    args = ["-v", "--unsorted", f"{server.url}/echo_body", "name=wire", "n:=1.10"]
    code, out, _ = invoke(args, terminal())
    assert code == 0
    assert stripped(out, server.port) == (
        "POST /echo_body HTTP/1.1\n"
        "Host: 127.0.0.1:PORT\n"
        "Accept-Encoding: gzip, deflate, br, zstd\n"
        "Connection: keep-alive\n"
        "User-Agent: wire/VERSION\n"
        "Content-Type: application/json\n"
        "Accept: application/json, */*;q=0.5\n"
        "Content-Length: 27\n"
        "\n"
        '{\n    "name": "wire",\n    "n": 1.10\n}\n'
        "\n"
        "HTTP/1.1 200 OK\n"
        "content-type: application/json\n"
        "content-length: 27\n"
        "\n"
        '{\n    "name": "wire",\n    "n": 1.10\n}\n'
    ).replace("VERSION", _version()).replace(
        "Accept-Encoding: gzip, deflate, br, zstd", _accept_encoding(out)
    )


def _version() -> str:
    from wire import __version__

    return __version__


def _accept_encoding(out: str) -> str:
    # Which codecs are offered depends on the optional packages installed.
    match = re.search(r"^Accept-Encoding: .*$", out, re.M)
    assert match is not None
    return match.group()


def test_sorted_and_format_options(server) -> None:
    args = ["-b", "--sorted", "--format-options", "json.indent:2", f"{server.url}/json"]
    code, out, _ = invoke(args, terminal())
    assert code == 0
    assert out == '{\n  "alpha": "café",\n  "n": 1.10,\n  "zeta": 1\n}\n'


def test_headers_sort_keeps_the_status_line_first(server) -> None:
    args = ["-h", "--format-options", "headers.sort:true", f"{server.url}/json"]
    _, out, _ = invoke(args, terminal())
    names = [line.split(":")[0] for line in stripped(out, server.port).split("\n")[1:] if line]
    assert out.startswith("HTTP/1.1 200 OK\n") and names == sorted(names, key=str.lower)


def test_xml_is_indented(server) -> None:
    code, out, _ = invoke(["-b", f"{server.url}/xml"], terminal())
    assert code == 0
    assert out == (
        '<?xml version="1.0" encoding="utf-8"?>\n<root>\n  <item id="1">café</item>\n'
        "  <empty/>\n</root>\n"
    )


def test_response_mime_and_charset_override_the_server(server) -> None:
    body = '{"b":1,"é":2}'.encode("latin-1")
    args = [
        "-b", "--response-mime", "application/json", "--response-charset", "latin-1",
        "--raw", body.decode("latin-1"), f"{server.url}/echo_body", "Content-Type:text/plain",
    ]
    # The raw body is sent as UTF-8; read back as latin-1 the é becomes two characters.
    code, out, _ = invoke(args, terminal())
    assert code == 0
    assert out == '{\n    "b": 1,\n    "Ã©": 2\n}\n'


def test_event_stream_events_are_highlighted_as_they_come(server) -> None:
    code, out, _ = invoke(["-b", f"{server.url}/sse"], terminal(color="256"))
    assert code == 0
    assert ANSI.sub("", out) == 'event: update\ndata: {"n": 1, "ok": true}\n\ndata: plain text\n\n'
    data_line = out.split("\n")[1]
    assert data_line.count("\x1b[") > 4  # field name, key, number, keyword coloured


def test_stream_formats_each_ndjson_line(server) -> None:
    code, out, _ = invoke(["-b", "--stream", f"{server.url}/stream/2"], terminal())
    assert code == 0
    assert out == (
        '{\n    "id": 0,\n    "message": "line 0"\n}\n'
        '{\n    "id": 1,\n    "message": "line 1"\n}\n'
    )


def test_pretty_none_on_a_terminal_prints_the_body_as_sent(server) -> None:
    code, out, _ = invoke(["-b", "--pretty", "none", f"{server.url}/json"], terminal("256"))
    assert (code, out) == (0, JSON_BODY.decode() + "\n")


@pytest.mark.parametrize(
    ("style", "sequence"),
    [("auto", "\x1b[1;34m"), ("monokai", "\x1b[38;2;102;217;239m")],
)
def test_style_drives_the_body_colours(server, style: str, sequence: str) -> None:
    _, out, _ = invoke(["-b", "--style", style, f"{server.url}/json"], terminal("truecolor"))
    assert out.startswith(("{", "\x1b["))
    assert f'{sequence}"zeta"' in out


# --- print selection ------------------------------------------------------------------------


def test_meta_shows_elapsed_time_and_remote_address(server) -> None:
    code, out, _ = invoke(["-p", "m", f"{server.url}/json"], terminal())
    assert code == 0
    assert out == f"Elapsed time: 0.250s\nRemote address: 127.0.0.1:{server.port}\n"


def test_vv_adds_the_meta_after_the_response(server) -> None:
    _, out, _ = invoke(["-vv", f"{server.url}/json"], terminal())
    assert out.startswith("GET /json HTTP/1.1\n")
    assert out.endswith(f"}}\n\nElapsed time: 0.250s\nRemote address: 127.0.0.1:{server.port}\n")


def test_all_prints_each_redirect(server) -> None:
    code, out, _ = invoke(["--all", "-F", "-h", f"{server.url}/redirect/2"], terminal())
    assert code == 0
    statuses = re.findall(r"^HTTP/1.1 (\d+)", out, re.M)
    assert statuses == ["302", "302", "200"]


def test_without_all_only_the_final_response_is_printed(server) -> None:
    _, out, _ = invoke(["-F", "-h", f"{server.url}/redirect/2"], terminal())
    assert re.findall(r"^HTTP/1.1 (\d+)", out, re.M) == ["200"]


@pytest.mark.parametrize(("flags", "warning"), [(["-q"], True), (["-qq"], False)])
def test_quiet(server, flags: list[str], warning: bool) -> None:
    code, out, err = invoke([*flags, f"{server.url}/status/404"], piped())
    assert (code, out) == (4, "")
    assert (err == "wire: warning: HTTP 404 Not Found\n") is warning


def test_failing_status_still_prints_the_response(server) -> None:
    code, out, err = invoke([f"{server.url}/status/418"], terminal())
    assert code == 4 and out.startswith("HTTP/1.1 418 ") and err == ""


def test_offline_prints_the_request_and_sends_nothing() -> None:
    code, out, err = invoke(["--offline", "PUT", "example.invalid/x", "a=1", "X-Y:z"], piped())
    assert (code, err) == (0, "")
    assert out.startswith("PUT /x HTTP/1.1\nHost: example.invalid\n")
    assert "X-Y: z\n" in out and out.endswith('{"a": "1"}\n\n')


def test_max_headers(server) -> None:
    code, out, err = invoke(["--max-headers", "3", f"{server.url}/many_headers/5"], piped())
    assert code == 1 and out == ""
    assert "more than --max-headers 3" in err and err.count("\n") == 1
    assert invoke(["--max-headers", "20", f"{server.url}/many_headers/5"], piped())[:2] == (0, "ok")


# --- request bodies -------------------------------------------------------------------------


def test_piped_stdin_is_the_body_and_makes_a_post(server) -> None:
    code, out, _ = invoke([f"{server.url}/echo"], piped(stdin=b'{"a": 1}'))
    data = echoed(out)
    assert code == 0 and data["method"] == "POST" and data["body"] == '{"a": 1}'
    assert data["headers"]["content-type"] == "application/json"  # type: ignore[index]


@pytest.mark.parametrize("args", [["-I"], ["x=1"]])
def test_stdin_is_not_read_with_ignore_stdin_or_body_items(server, args: list[str]) -> None:
    code, out, _ = invoke([f"{server.url}/echo", *args], piped(stdin=b"from stdin"))
    assert code == 0 and "from stdin" not in echoed(out)["body"]  # type: ignore[operator]


def test_raw_and_file_bodies(server, tmp_path: Path) -> None:
    _, out, _ = invoke(["--raw", "hello", f"{server.url}/echo"], piped())
    assert echoed(out)["body"] == "hello" and echoed(out)["method"] == "POST"
    doc = tmp_path / "doc.xml"
    doc.write_text("<a/>")
    _, out, _ = invoke(["PUT", f"{server.url}/echo", f"@{doc}"], piped())
    data = echoed(out)
    assert data["body"] == "<a/>" and data["headers"]["content-type"] in (  # type: ignore[index]
        "application/xml", "text/xml",
    )


def test_only_one_body_source(server) -> None:
    code, _, err = invoke(["--raw", "x", f"{server.url}/echo", "a=1"], piped())
    assert code == 1 and "one way" in err


def test_multipart_with_boundary_and_file_options(server, tmp_path: Path) -> None:
    upload = tmp_path / "data.bin"
    upload.write_bytes(b"12345")
    args = [
        "--multipart", "--boundary", "XyZ", f"{server.url}/echo", "name=wire",
        f"f@{upload};type=text/csv;filename=report.csv",
    ]
    _, out, _ = invoke(args, piped())
    data = echoed(out)
    assert data["headers"]["content-type"] == "multipart/form-data; boundary=XyZ"  # type: ignore[index]
    assert data["body"] == (
        '--XyZ\r\nContent-Disposition: form-data; name="name"\r\n\r\nwire\r\n'
        '--XyZ\r\nContent-Disposition: form-data; name="f"; filename="report.csv"\r\n'
        "Content-Type: text/csv\r\n\r\n12345\r\n--XyZ--\r\n"
    )


def test_multipart_without_files(server) -> None:
    _, out, _ = invoke(["--multipart", f"{server.url}/echo", "a=1"], piped())
    assert echoed(out)["headers"]["content-type"].startswith("multipart/form-data; boundary=")  # type: ignore[index]


def test_compress_only_when_smaller_and_always_with_xx(server) -> None:
    big = "x" * 2000
    _, out, _ = invoke(["-x", f"{server.url}/echo", f"a={big}"], piped())
    assert echoed(out)["headers"]["content-encoding"] == "deflate"  # type: ignore[index]
    _, out, _ = invoke(["-x", f"{server.url}/echo", "a=1"], piped())
    assert "content-encoding" not in echoed(out)["headers"]  # type: ignore[operator]
    _, out, _ = invoke(["-xx", f"{server.url}/echo", "a=1"], piped())
    assert echoed(out)["headers"]["content-encoding"] == "deflate"  # type: ignore[index]


def test_compressed_body_round_trips(server) -> None:
    env = piped()
    CliRunner().invoke(cli, ["-xx", f"{server.url}/echo_body", "a=1"], obj=env)
    # /echo_body answers the deflated bytes; wire decodes Content-Encoding? No: the echo
    # carries no Content-Encoding header, so the bytes are the zlib stream itself.
    assert zlib.decompress(env.stdout.getvalue()) == b'{"a": "1"}'  # type: ignore[attr-defined]


def test_chunked(server) -> None:
    _, out, _ = invoke(["--chunked", f"{server.url}/echo", "a=1"], piped())
    headers = echoed(out)["headers"]
    assert headers["transfer-encoding"] == "chunked" and "content-length" not in headers  # type: ignore[operator,index]


# --- auth -------------------------------------------------------------------------------------


def test_bearer_auth(server) -> None:
    _, out, _ = invoke(["-A", "bearer", "-a", "t0k", f"{server.url}/echo"], piped())
    assert echoed(out)["headers"]["authorization"] == "Bearer t0k"  # type: ignore[index]


def test_digest_auth(httpbin) -> None:
    args = ["-A", "digest", "-a", "ann:pw", f"{httpbin.url}/digest-auth/auth/ann/pw"]
    code, out, _ = invoke(args, piped())
    assert code == 0 and json.loads(out) == {"authenticated": True, "user": "ann"}


def test_netrc(server, tmp_path: Path) -> None:
    netrc = tmp_path / "netrc"
    netrc.write_text("machine 127.0.0.1 login ann password secret\n")
    netrc.chmod(0o600)
    environ = {"NETRC": str(netrc)}
    url = f"{server.url}/basic-auth/ann/secret"
    assert invoke([url], piped(environ=environ))[0] == 0
    assert invoke(["--ignore-netrc", url], piped(environ=environ))[0] == 4


def test_credentials_stay_on_the_first_origin_unless_location_trusted(server) -> None:
    other = f"http://localhost:{server.port}/echo"
    url = f"{server.url}/redirect_to?url={other}"
    _, out, _ = invoke(["-F", "-a", "ann:pw", url], piped())
    assert "authorization" not in echoed(out)["headers"]  # type: ignore[operator]
    _, out, _ = invoke(["-F", "--location-trusted", "-a", "ann:pw", url], piped())
    assert echoed(out)["headers"]["authorization"].startswith("Basic ")  # type: ignore[index]


# --- sessions ---------------------------------------------------------------------------------


def test_session_keeps_headers_auth_and_scoped_cookies(server, tmp_path: Path) -> None:
    session = tmp_path / "s.json"
    args = ["--session", str(session)]
    invoke([*args, "-a", "ann:pw", f"{server.url}/cookies/set_scoped", "X-Team:blue"], piped())
    saved = json.loads(session.read_text())
    assert saved["headers"] == [{"name": "X-Team", "value": "blue"}]
    assert saved["auth"] == {"type": "basic", "raw_auth": "ann:pw"}
    assert [(c["name"], c["domain"], c["path"]) for c in saved["cookies"]] == [
        ("a", "127.0.0.1", "/"), ("b", "127.0.0.1", "/cookies/deep"),
    ]
    _, out, _ = invoke([*args, f"{server.url}/echo"], piped())
    headers = echoed(out)["headers"]
    assert headers["x-team"] == "blue" and headers["cookie"] == "a=1"  # type: ignore[index]
    assert headers["authorization"].startswith("Basic ")  # type: ignore[index]
    _, out, _ = invoke([*args, f"{server.url}/cookies/deep"], piped())
    assert json.loads(out)["cookies"] == {"a": "1", "b": "2"}
    # Another host (same server, other name) gets none of the cookies.
    _, out, _ = invoke([*args, f"http://localhost:{server.port}/cookies"], piped())
    assert json.loads(out)["cookies"] == {}


def test_httpie_session_files_are_read_and_domainless_cookies_stay_home(
    server, tmp_path: Path
) -> None:
    session = tmp_path / "httpie.json"
    session.write_text(json.dumps({
        "__meta__": {"about": "HTTPie session file", "httpie": "2.6.0"},
        "auth": {"type": None, "username": None, "password": None},
        "cookies": {"sid": {"value": "42", "path": "/", "secure": False, "expires": None}},
        "headers": {"X-Old": "yes"},
    }))
    _, out, _ = invoke(["--session-read-only", str(session), f"{server.url}/echo"], piped())
    headers = echoed(out)["headers"]
    assert headers["x-old"] == "yes" and headers["cookie"] == "sid=42"  # type: ignore[index]
    # The cookie had no domain: it is bound to 127.0.0.1, never sent to another host.
    _, out, _ = invoke(
        ["--session-read-only", str(session), f"http://localhost:{server.port}/cookies"], piped()
    )
    assert json.loads(out)["cookies"] == {}
    assert "__meta__" in json.loads(session.read_text())  # read-only: untouched
    assert json.loads(session.read_text())["__meta__"]["about"] == "HTTPie session file"


def test_named_sessions_live_in_the_config_dir(server, tmp_path: Path) -> None:
    environ = {"WIRE_CONFIG_DIR": str(tmp_path)}
    invoke(["--session", "dev", f"{server.url}/echo", "X-A:1"], piped(environ=environ))
    path = tmp_path / "sessions" / f"127.0.0.1_{server.port}" / "dev.json"
    assert json.loads(path.read_text())["headers"] == [{"name": "X-A", "value": "1"}]
    assert path.stat().st_mode & 0o777 == 0o600


# --- network flags ----------------------------------------------------------------------------


def test_max_time_is_a_total_deadline(server) -> None:
    code, _, err = invoke(["--max-time", "0.5", f"{server.url}/slow_body?delay=5"], piped())
    assert code == 2 and "--max-time" in err and err.count("\n") == 1


def test_resolve_keeps_the_name_in_host(server) -> None:
    args = ["--resolve", f"api.test:{server.port}:127.0.0.1", f"http://api.test:{server.port}/echo"]
    code, out, _ = invoke(args, piped())
    assert code == 0 and echoed(out)["headers"]["host"] == f"api.test:{server.port}"  # type: ignore[index]


def test_path_as_is(server) -> None:
    _, out, _ = invoke([f"{server.url}/anything/a/../b"], piped())
    assert echoed(out)["raw_path"] == "/anything/b"
    _, out, _ = invoke(["--path-as-is", f"{server.url}/anything/a/../b?q=1"], piped())
    data = echoed(out)
    assert (data["raw_path"], data["query"]) == ("/anything/a/../b", "q=1")


@pytest.mark.parametrize(
    ("flags", "version"),
    [([], "2"), (["--http2"], "2"), (["--http1.1"], "1.1"), (["--http2-prior-knowledge"], "2")],
)
def test_http2_is_offered_over_tls_by_default(https_server, flags: list[str], version: str) -> None:
    args = [*flags, "--verify", https_server.ca_cert_path, f"{https_server.url}/echo"]
    code, out, _ = invoke(args, piped())
    assert code == 0 and echoed(out)["http_version"] == version


def test_ssl_version_and_bad_ciphers(https_server) -> None:
    base = ["--verify", https_server.ca_cert_path, f"{https_server.url}/json"]
    assert invoke(["--ssl", "tls1.3", *base], piped())[:2] == (0, JSON_BODY.decode())
    code, _, err = invoke(["--ciphers", "NOT-A-CIPHER", *base], piped())
    assert code == 1 and "TLS options" in err


def test_missing_client_certificate_is_one_line(https_server, tmp_path: Path) -> None:
    args = ["--cert", str(tmp_path / "none.pem"), f"{https_server.url}/json"]
    code, out, err = invoke(args, piped())
    assert (code, out) == (1, "") and err.startswith("wire: error: --cert: ")
    assert err.count("\n") == 1


def test_default_scheme(https_server) -> None:
    bare = https_server.url.removeprefix("https://")
    args = ["--default-scheme", "https", "--verify", https_server.ca_cert_path, f"{bare}/json"]
    assert invoke(args, piped())[:2] == (0, JSON_BODY.decode())


def test_bad_proxy_value() -> None:
    code, _, err = invoke(["--proxy", "ftp:x", "example.invalid"], piped())
    assert code == 1 and "--proxy" in err


@pytest.fixture
def unix_server(tmp_path: Path) -> Iterator[str]:
    """A one-request HTTP server on a Unix socket; yields the socket path."""
    path = str(tmp_path / "wire.sock")
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(path)
    listener.listen(1)
    listener.settimeout(10)

    def serve() -> None:
        try:
            conn, _ = listener.accept()
        except OSError:
            return
        with conn:
            data = b""
            while b"\r\n\r\n" not in data and len(data) < 65536:
                chunk = conn.recv(4096)
                if not chunk:
                    break
                data += chunk
            conn.sendall(
                b"HTTP/1.1 200 OK\r\nContent-Length: 6\r\nConnection: close\r\n\r\nvia uds"
            )

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield path
    listener.close()
    thread.join(timeout=10)


def test_unix_socket(unix_server: str) -> None:
    code, out, _ = invoke(["--unix-socket", unix_server, "http://anything/"], piped())
    assert (code, out) == (0, "via ud")


# --- config, --no- forms, themes, help ------------------------------------------------------------


def test_config_default_options_and_no_forms(server, tmp_path: Path) -> None:
    (tmp_path / "config.toml").write_text('default_options = ["--headers", "--no-check-status"]\n')
    environ = {"WIRE_CONFIG_DIR": str(tmp_path)}
    code, out, _ = invoke([f"{server.url}/status/404"], terminal(environ=environ))
    assert code == 0 and out.startswith("HTTP/1.1 404") and out.endswith("\n\n") is False
    code, out, _ = invoke(["--no-headers", "--check-status", f"{server.url}/json"],
                          terminal(environ=environ))
    assert code == 0 and out.startswith("HTTP/1.1 200 OK") and '"zeta"' in out


def test_invalid_config_is_one_line_exit_1(tmp_path: Path) -> None:
    (tmp_path / "config.toml").write_text("default_options = 3\n")
    code, _, _ = invoke(["example.invalid"], piped(environ={"WIRE_CONFIG_DIR": str(tmp_path)}))
    assert code == 1


def test_usage_errors_exit_1() -> None:
    result = CliRunner().invoke(cli, ["--no-such-option", "x"], obj=piped())
    assert result.exit_code == 1


def test_style_list_previews_every_theme(tmp_path: Path) -> None:
    themes = tmp_path / "themes"
    themes.mkdir()
    (themes / "mine.toml").write_text('base = "nord"\nstatus_2xx = "bold #00ff00"\n')
    env = terminal(color="truecolor", environ={"WIRE_CONFIG_DIR": str(tmp_path)})
    code, out, _ = invoke(["--style", "list"], env)
    names = [line.split()[0] for line in ANSI.sub("", out).split("\n") if line[:1].isalpha()]
    assert code == 0
    assert names == [
        "auto", "solarized", "solarized-light", "monokai", "dracula", "nord", "github-light",
        "mine",
    ]
    assert "\x1b[1;38;2;0;255;0m200 OK" in out


def test_user_theme_colours_the_output(server, tmp_path: Path) -> None:
    themes = tmp_path / "themes"
    themes.mkdir()
    (themes / "loud.toml").write_text('json_key = "#ff0000"\n')
    env = terminal(color="truecolor", environ={"WIRE_CONFIG_DIR": str(tmp_path)})
    _, out, _ = invoke(["-b", "--style", "loud", f"{server.url}/json"], env)
    assert '\x1b[38;2;255;0;0m"zeta"' in out


def test_unknown_style_is_an_error() -> None:
    code, _, err = invoke(["--style", "nope", "example.invalid"], piped())
    assert code == 1 and "unknown theme 'nope'" in err


def test_help_is_grouped() -> None:
    result = CliRunner().invoke(cli, ["--help"])
    assert result.exit_code == 0
    for title in ("Request body", "Output", "Formatting", "Sessions", "Network", "TLS"):
        assert f"─ {title} ─" in result.output
    assert "--[no-]check-status" in result.output


# --- proxies (the client-core tests' proxy.py and pproxy servers) -----------------------------


def test_http_proxy_for_one_scheme(server, http_proxy: str) -> None:
    with_auth = http_proxy.replace("://", f"://{USER}:{PASSWORD}@")
    code, out, _ = invoke(["--proxy", f"http:{with_auth}", f"{server.url}/echo"], piped())
    assert code == 0 and echoed(out)["path"] == "/echo"
    # A proxy for https:// only leaves http:// requests alone (the proxy would answer 407).
    code, _, _ = invoke(["--proxy", f"https:{http_proxy}", f"{server.url}/echo"], piped())
    assert code == 0
    code, _, _ = invoke(["--proxy", f"http:{http_proxy}", f"{server.url}/echo"], piped())
    assert code == 4  # 407 from the proxy: it was used


def test_socks_proxy(https_server, socks_proxy: str) -> None:
    args = [
        "--proxy", f"all:socks5://{socks_proxy}", "--verify", https_server.ca_cert_path,
        f"{https_server.url}/json",
    ]
    assert invoke(args, piped())[:2] == (0, JSON_BODY.decode())


def test_force_color_colours_piped_output(server) -> None:
    env = Environment.for_testing(
        stdout_isatty=False, color_system="standard", environ={"FORCE_COLOR": "1"}
    )
    code, out, _ = invoke([f"{server.url}/json"], env)
    assert code == 0 and "\x1b[" in out
    assert ANSI.sub("", out) == JSON_BODY.decode() + "\n"  # coloured, not reformatted


def test_every_boolean_flag_has_a_no_form() -> None:
    import click

    missing = [
        param.opts[0]
        for param in cli.params
        if isinstance(param, click.Option) and param.is_flag and not param.hidden
        and param.is_bool_flag and not param.secondary_opts
        and param.name not in ("help", "version")
    ]
    assert missing == []

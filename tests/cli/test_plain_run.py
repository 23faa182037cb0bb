"""The plain run (`wire.cli._plain`): `wire [METHOD] URL [ITEM]...` without click.

It must be the click command with every option at its default: the same request spec, output
options and retry policy from the same arguments, and the same stdout, stderr and exit status
for whole runs (compared with `wire --check-status ...`, which states a default and so goes
through click).
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from tests.servers import LocalServer
from wire.cli import _command, _plain, _run
from wire.cli._build import build_request_spec
from wire.cli._env import Environment
from wire.cli._exchange import retry_policy_from_options, wants_extras

#: Argument lists a plain run accepts (the host is filled in).
PLAIN_ARGS = [
    ["{url}/json"],
    ["GET", "{url}/json"],
    ["POST", "{url}/echo", "name=wire", "n:=3", "X-Token:abc", "q==search"],
    ["{url}/echo", "a[b][]=x", "Accept:"],
    [":{port}/json"],
    ["{host}:{port}/json"],
]


def _fill(args: list[str], server: LocalServer) -> list[str]:
    host, _, port = server.url.removeprefix("http://").partition(":")
    return [arg.format(url=server.url, host=host, port=port) for arg in args]


def _click_options(args: list[str]) -> dict[str, Any]:
    """The options dict click hands to `_run.run` for `wire ARGS`."""
    ctx = _command.cli.make_context("wire", list(args), obj=Environment.for_testing())
    return dict(ctx.params)


@pytest.mark.parametrize("args", PLAIN_ARGS)
def test_plain_options_mean_what_clicks_defaults_mean(server: LocalServer, args: list[str]) -> None:
    args = _fill(args, server)
    plain: Mapping[str, Any] = {"args": tuple(args)}
    full = _click_options(args)
    assert full["args"] == plain["args"]

    def spec(options: Mapping[str, Any]) -> Any:
        return build_request_spec(options, prompt_password=None, read_stdin=lambda method: None)

    assert spec(plain) == spec(full)
    assert _run._output_options(plain) == _run._output_options(full)
    env = Environment.for_testing()
    assert retry_policy_from_options(env, plain) == retry_policy_from_options(env, full) is None
    assert wants_extras(plain) is wants_extras(full) is False
    # The options `_run` reads with a fallback of its own.
    for name, fallback in (("check_status", True), ("style", "auto")):
        assert full[name] == fallback


@pytest.mark.parametrize(
    ("argv", "environ", "expected"),
    [
        (["http://x/"], {}, True),
        (["POST", "http://x/", "a=1", "H:v"], {}, True),
        ([], {}, False),
        (["-v", "http://x/"], {}, False),
        (["http://x/", "--follow"], {}, False),
        (["http://x/", "-"], {}, False),
        (["curl", "http://x/"], {}, False),
        (["batch", "file.txt"], {}, False),
        (["http://x/"], {"_WIRE_COMPLETE": "bash_source"}, False),
    ],
)
def test_is_plain(argv: list[str], environ: dict[str, str], expected: bool) -> None:
    assert _plain.is_plain(argv, environ) is expected


def test_config_default_options_need_click(tmp_path: Path) -> None:
    environ = {"WIRE_CONFIG_DIR": str(tmp_path)}
    assert _plain.is_plain(["http://x/"], environ) is True  # no config file
    (tmp_path / "config.toml").write_text('default_options = ["--follow"]\n')
    assert _plain.is_plain(["http://x/"], environ) is False
    (tmp_path / "config.toml").write_text("default_options = [\n")  # invalid: click reports it
    assert _plain.is_plain(["http://x/"], environ) is False


def test_subcommands_are_the_commands(server: LocalServer) -> None:
    assert _plain.SUBCOMMANDS == _command.SUBCOMMANDS


# --- whole runs, plain and through click ----------------------------------------------------------


def _run_wire(args: list[str]) -> tuple[int, bytes, bytes]:
    code = f"import sys; from wire.cli import main; sys.argv[1:] = {args!r}; main()"
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, timeout=60, stdin=subprocess.DEVNULL
    )
    return done.returncode, done.stdout, done.stderr


@pytest.mark.parametrize(
    "args",
    [
        ["{url}/json"],
        ["{url}/status/404"],
        ["{url}/status/503"],
        ["{url}/redirect/1"],
        ["POST", "{url}/echo", "name=wire", "n:=3"],
        ["{url}/echo", "bad:=json{{"],
        ["http://127.0.0.1:9/unreachable"],
        ["http://exa mple.org/"],
        ["ftp://example.org/"],
    ],
)
def test_a_plain_run_is_the_click_run(server: LocalServer, args: list[str]) -> None:
    args = _fill(args, server)
    plain = _run_wire(args)
    through_click = _run_wire(["--check-status", *args])
    assert plain == through_click


# --- what escapes the run ends the process as click would -----------------------------------


def _raising(exc: BaseException) -> Any:
    def run(env: Environment, options: Mapping[str, Any]) -> Any:
        raise exc

    return run


@pytest.mark.parametrize("exc", [KeyboardInterrupt(), EOFError()])
def test_interrupt_outside_the_exchange_aborts_as_click_does(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], exc: BaseException
) -> None:
    monkeypatch.setattr(_run, "run", _raising(exc))
    assert _plain.run_plain(["http://127.0.0.1:9/"]) == 1
    plain_err = capsys.readouterr().err
    with pytest.raises(SystemExit) as exited:
        _command.cli.main(["--check-status", "http://127.0.0.1:9/"], prog_name="wire")
    assert exited.value.code == 1
    assert plain_err == capsys.readouterr().err == "\nAborted!\n"


def test_a_click_abort_from_a_prompt_is_reported_as_click_does(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import click

    monkeypatch.setattr(_run, "run", _raising(click.exceptions.Abort()))
    assert _plain.run_plain(["http://127.0.0.1:9/"]) == 1
    assert capsys.readouterr().err == "Aborted!\n"


def test_a_broken_stdout_pipe_exits_1(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_run, "run", _raising(BrokenPipeError(32, "Broken pipe")))
    monkeypatch.setattr(sys, "stdout", sys.stdout)
    monkeypatch.setattr(sys, "stderr", sys.stderr)
    assert _plain.run_plain(["http://127.0.0.1:9/"]) == 1
    sys.stdout.flush()  # the pacified stream ignores EPIPE


def test_other_errors_propagate(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_run, "run", _raising(RuntimeError("bug")))
    with pytest.raises(RuntimeError, match="bug"):
        _plain.run_plain(["http://127.0.0.1:9/"])

"""The output plan decision table (wire.cli.output._plan), table-driven."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from wire.cli._env import Environment
from wire.cli.output._plan import OutputOptions, OutputPlan, plan_output, resolve_print_spec


@dataclass
class _Headers:
    values: dict[str, str] = field(default_factory=dict)

    def get(self, name: str, default: str | None = None) -> str | None:
        return self.values.get(name.lower(), default)


@dataclass
class _Response:
    headers: _Headers


def _env(tty: bool, color: str | None = "256") -> Environment:
    return Environment.for_testing(stdout_isatty=tty, color_system=color if tty else None)


@pytest.mark.parametrize(
    ("tty", "options", "expected"),
    [
        (True, OutputOptions(), "hb"),
        (False, OutputOptions(), "b"),
        (True, OutputOptions(verbose=1), "HBhb"),
        (False, OutputOptions(verbose=2), "HBhbm"),
        (True, OutputOptions(quiet=1, verbose=1), ""),
        (True, OutputOptions(meta=True), "m"),
        (True, OutputOptions(headers_only=True, meta=True), "hm"),
        (False, OutputOptions(offline=True), "HB"),
        (True, OutputOptions(headers_only=True), "h"),
        (True, OutputOptions(body_only=True), "b"),
        (True, OutputOptions(headers_only=True, body_only=True), "hb"),
        (True, OutputOptions(verbose=1, headers_only=True), "h"),  # -h narrows -v (HTTPie)
        (True, OutputOptions(print_spec="Hh", verbose=1, body_only=True), "Hh"),
        (False, OutputOptions(print_spec="B"), "B"),
        (True, OutputOptions(print_spec=""), ""),
    ],
)
def test_print_spec_table(tty: bool, options: OutputOptions, expected: str) -> None:
    assert resolve_print_spec(options, tty) == expected


@pytest.mark.parametrize("spec", ["x", "Hx", "hbq", "HB h"])
def test_unknown_print_letter_is_rejected(spec: str) -> None:
    bad = next(letter for letter in spec if letter not in "HBhbm")
    with pytest.raises(ValueError) as info:
        plan_output(_env(True), OutputOptions(print_spec=spec))
    assert str(info.value) == f"--print: unknown letter {bad!r} (expected H, B, h, b, m)"


def test_unknown_pretty_and_theme_are_rejected() -> None:
    with pytest.raises(ValueError, match=r"--pretty: unknown value 'some'"):
        plan_output(_env(True), OutputOptions(pretty="some"))
    with pytest.raises(ValueError, match=r"unknown theme 'nope' \(available: auto"):
        plan_output(_env(True), OutputOptions(style="nope"))


# Columns: tty, color_system, pretty → colors, format, stream, raw_passthrough, sanitize
@pytest.mark.parametrize(
    ("tty", "color", "pretty", "colors", "fmt", "stream", "raw", "sanitize"),
    [
        (True, "256", None, True, True, False, False, True),
        (True, None, None, False, True, False, False, True),  # NO_COLOR: still formatted
        (True, "standard", "all", True, True, False, False, True),
        (True, "truecolor", "colors", True, False, False, False, True),
        (True, "256", "format", False, True, False, False, True),
        (True, "256", "none", False, False, True, False, True),
        (False, None, None, False, False, True, True, False),
        (False, None, "none", False, False, True, True, False),
        (False, None, "format", False, True, False, False, False),
        (False, None, "all", False, True, False, False, False),  # no colour depth → none
        (False, "256", "all", True, True, False, False, False),  # FORCE_COLOR-style env
        (False, None, "colors", False, False, True, False, False),
    ],
)
def test_pretty_table(
    tty: bool,
    color: str | None,
    pretty: str | None,
    colors: bool,
    fmt: bool,
    stream: bool,
    raw: bool,
    sanitize: bool,
) -> None:
    env = Environment.for_testing(stdout_isatty=tty, color_system=color)
    plan = plan_output(env, OutputOptions(pretty=pretty))
    assert (plan.colors, plan.format, plan.stream, plan.raw_passthrough, plan.sanitize) == (
        colors,
        fmt,
        stream,
        raw,
        sanitize,
    )


def test_default_terminal_plan_in_full() -> None:
    plan = plan_output(_env(True), OutputOptions(style="solarized"))
    assert plan == OutputPlan(
        show_request_headers=False,
        show_request_body=False,
        show_response_headers=True,
        show_response_body=True,
        colors=True,
        format=True,
        stream=False,
        raw_passthrough=False,
        theme="solarized",
        sanitize=True,
    )


@pytest.mark.parametrize("tty", [True, False])
def test_download_never_prints_the_body(tty: bool) -> None:
    plan = plan_output(_env(tty), OutputOptions(download=True, print_spec="hb"))
    assert plan.show_response_headers
    assert not plan.show_response_body


@pytest.mark.parametrize(
    ("content_type", "stream"),
    [
        ("text/event-stream", True),
        ("Text/Event-Stream; charset=utf-8", True),
        ("application/x-ndjson", True),
        ("application/json", False),
        (None, False),
    ],
)
def test_event_streams_are_streamed_even_when_pretty(
    content_type: str | None, stream: bool
) -> None:
    headers = _Headers({"content-type": content_type} if content_type else {})
    plan = plan_output(_env(True), OutputOptions(), _Response(headers))
    assert plan.stream is stream
    assert plan.colors  # the head is still coloured

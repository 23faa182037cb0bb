"""Option validation in `wire.cli._build.build_request_spec` (pure: no network, no files)."""

from __future__ import annotations

from typing import Any

import pytest

from wire.cli._build import BuildError, build_request_spec


def _build(**options: Any) -> Any:
    return build_request_spec({"args": ("http://example.org/",), **options})


@pytest.mark.parametrize("name", ["timeout", "connect_timeout", "max_time"])
@pytest.mark.parametrize("value", [float("nan"), float("inf"), float("-inf"), 0.0, -1.0])
def test_durations_must_be_finite_and_positive(name: str, value: float) -> None:
    flag = "--" + name.replace("_", "-")
    with pytest.raises(BuildError, match=f"^{flag} must be a positive number of seconds"):
        _build(**{name: value})


@pytest.mark.parametrize("value", [float("nan"), float("inf"), -1.0])
def test_retry_max_time_must_be_finite(value: float) -> None:
    with pytest.raises(BuildError, match="^--retry-max-time must be 0 or more seconds"):
        _build(retry_max_time=value)


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        ({"timeout": 2.5}, (2.5, None, None)),
        ({"connect_timeout": 1, "max_time": 30}, (30.0, 1.0, 30.0)),  # 30: the default timeout
        ({"retry_max_time": 0.0}, (30.0, None, None)),  # 0 is allowed: no retry starts late
    ],
)
def test_valid_durations_are_kept(options: dict[str, Any], expected: tuple[Any, ...]) -> None:
    client = _build(**options).client
    assert (client.timeout, client.connect_timeout, client.max_time) == expected


def test_continue_needs_download() -> None:
    with pytest.raises(BuildError, match=r"^--continue only works with --download$"):
        _build(continue_=True)
    assert _build(continue_=True, download=True).method == "GET"

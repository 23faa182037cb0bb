"""Import-time costs: output and themes modules must not load rich or pygments."""

from __future__ import annotations

import subprocess
import sys

import pytest

_CHECK = (
    "import sys, importlib; importlib.import_module({module!r}); "
    "print(sorted(m for m in sys.modules if m.split('.')[0] in ('rich', 'pygments')))"
)


@pytest.mark.parametrize(
    "module",
    [
        "wire.cli.output._writer",
        "wire.cli.output",
        "wire.cli.output._plan",
        "wire.cli.output._progress",
        "wire.cli._env",
        "wire.themes",
    ],
)
def test_import_pulls_in_neither_rich_nor_pygments(module: str) -> None:
    result = subprocess.run(
        [sys.executable, "-c", _CHECK.format(module=module)],
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    assert result.stdout.strip() == "[]"

"""Theme names without `Theme` objects: `BUILTIN_THEME_NAMES` and `check_theme`.

Naming and checking a theme must not build one (start-up time: a piped run draws no
colour), and must agree with the themes themselves.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from wire import themes
from wire.themes._builtin import BUILTIN_THEMES


def test_builtin_names_are_the_builtin_themes_in_order() -> None:
    assert themes.BUILTIN_THEME_NAMES == tuple(BUILTIN_THEMES)
    assert themes.available_themes()[: len(BUILTIN_THEMES)] == list(BUILTIN_THEMES)


@pytest.mark.parametrize("name", [*BUILTIN_THEMES, "no-such-theme", "AUTO", ""])
def test_check_theme_agrees_with_get_theme(name: str) -> None:
    try:
        themes.get_theme(name)
    except ValueError as exc:
        with pytest.raises(ValueError) as checked:
            themes.check_theme(name)
        assert str(checked.value) == str(exc)
    else:
        themes.check_theme(name)


def test_package_names_load_on_first_use() -> None:
    code = (
        "import sys, wire.themes as t; t.check_theme('monokai'); t.available_themes(); "
        "print('wire.themes._model' in sys.modules, 'wire.themes._builtin' in sys.modules); "
        "t.get_theme('auto'); t.Theme, t.LIGHT_THEMES, t.STYLE_PREFIX; "
        "print('wire.themes._model' in sys.modules, 'wire.themes._builtin' in sys.modules)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert done.stdout.split() == ["False", "False", "True", "True"]
    with pytest.raises(AttributeError):
        themes.NO_SUCH_NAME  # type: ignore[attr-defined]  # noqa: B018

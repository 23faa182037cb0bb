"""User theme files (wire.themes._user) and the theme registry."""

from __future__ import annotations

from pathlib import Path

import pytest

from wire.themes import LIGHT_THEMES, available_themes, get_theme, register_theme
from wire.themes._builtin import BUILTIN_THEMES
from wire.themes._user import ThemeFileError, load_theme_file, load_user_themes


def test_at_least_six_builtin_themes_light_and_dark() -> None:
    assert len(BUILTIN_THEMES) >= 6
    assert LIGHT_THEMES and set(BUILTIN_THEMES) - LIGHT_THEMES - {"auto"}


def test_theme_file_starts_from_its_base(tmp_path: Path) -> None:
    path = tmp_path / "mine.toml"
    path.write_text('base = "dracula"\ndescription = "loud"\nstatus_2xx = "bold #00ff00"\n')
    theme = load_theme_file(path)
    assert (theme.name, theme.description, theme.status_2xx) == ("mine", "loud", "bold #00ff00")
    assert theme.json_key == get_theme("dracula").json_key


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ('base = "nope"\n', "unknown base 'nope'"),
        ('colour = "red"\n', "unknown slot 'colour'"),
        ("status_2xx = 3\n", "status_2xx must be a style string"),
        ("status_2xx = \n", "theme file"),
    ],
)
def test_invalid_theme_files(tmp_path: Path, text: str, fragment: str) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(text)
    with pytest.raises(ThemeFileError) as info:
        load_theme_file(path)
    assert fragment in str(info.value) and str(path) in str(info.value)


def test_load_user_themes_of_a_missing_folder(tmp_path: Path) -> None:
    assert load_user_themes(tmp_path / "none") == {}


def test_registered_themes_are_listed_and_builtins_are_protected(tmp_path: Path) -> None:
    path = tmp_path / "zz-test-theme.toml"
    path.write_text("")
    register_theme(load_theme_file(path))
    assert available_themes()[-1] == "zz-test-theme"
    assert get_theme("zz-test-theme").status_2xx == get_theme("auto").status_2xx
    with pytest.raises(ValueError, match="built-in"):
        register_theme(get_theme("auto"))

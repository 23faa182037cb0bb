"""Theme lookup and the built-in themes as data (wire.themes)."""

from __future__ import annotations

import dataclasses
import re

import pytest

from wire.themes import DEFAULT_THEME, Theme, available_themes, get_theme

# rich's 16 standard colour names (what "auto" may use, so the terminal palette decides).
_ANSI_16 = {
    *(
        f"{prefix}{name}"
        for prefix in ("", "bright_")
        for name in ("black", "red", "green", "yellow", "blue", "magenta", "cyan", "white")
    ),
}
_ATTRIBUTES = {"bold", "dim", "italic", "underline", "none", "not"}


def test_available_themes_lists_the_default_first() -> None:
    names = available_themes()
    assert names[0] == DEFAULT_THEME == "auto"
    assert "solarized" in names
    assert len(names) == len(set(names))


@pytest.mark.parametrize("name", available_themes())
def test_get_theme_by_name(name: str) -> None:
    theme = get_theme(name)
    assert isinstance(theme, Theme)
    assert theme.name == name
    assert theme.description


@pytest.mark.parametrize("name", ["x", "Auto", "", "auto "])
def test_unknown_theme(name: str) -> None:
    with pytest.raises(ValueError) as info:
        get_theme(name)
    available = "auto, solarized, solarized-light, monokai, dracula, nord, github-light"
    assert str(info.value) == f"unknown theme {name!r} (available: {available})"


def test_auto_theme_uses_only_the_16_ansi_colours_and_no_background() -> None:
    for slot, style in get_theme("auto").slots().items():
        words = set(style.split())
        assert "on" not in words, slot
        assert words <= _ANSI_16 | _ATTRIBUTES, (slot, style)


def test_themes_are_frozen_plain_data() -> None:
    theme = get_theme("auto")
    with pytest.raises(dataclasses.FrozenInstanceError):
        theme.name = "other"  # type: ignore[misc]
    assert all(isinstance(value, str) for value in theme.slots().values())
    assert "name" not in theme.slots() and "status_2xx" in theme.slots()


@pytest.mark.parametrize(
    ("status", "slot"),
    [
        (100, "status_1xx"),
        (200, "status_2xx"),
        (308, "status_3xx"),
        (418, "status_4xx"),
        (599, "status_5xx"),
        (99, "status_5xx"),
        (600, "status_5xx"),
    ],
)
def test_status_style_by_class(status: int, slot: str) -> None:
    theme = get_theme("solarized")
    assert theme.status_style(status) == getattr(theme, slot)


def test_solarized_uses_the_solarized_palette() -> None:
    palette = {
        "#268bd2",
        "#859900",
        "#b58900",
        "#cb4b16",
        "#dc322f",
        "#2aa198",
        "#d33682",
        "#93a1a1",
    }
    for style in get_theme("solarized").slots().values():
        colours = set(re.findall(r"#[0-9a-f]{6}", style))
        assert colours <= palette

"""User themes: TOML files in ``<config dir>/themes/``, one theme per file.

A theme file names the built-in theme it starts from and the slots it changes (any slot of
:class:`~wire.themes.Theme`; values are rich style strings)::

    # ~/.config/wire/themes/mine.toml  →  wire --style mine
    base = "monokai"                 # optional; default "auto"
    description = "Monokai, louder"  # optional
    status_2xx = "bold #a6e22e"
    json_key = "underline #66d9ef"

The theme's name is the file's name without ``.toml``. Nothing here imports rich; a style
string is checked when it is first drawn.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from ._builtin import BUILTIN_THEMES
from ._model import Theme

__all__ = ["ThemeFileError", "load_theme_file", "load_user_themes"]


class ThemeFileError(ValueError):
    """A theme file that cannot be used; ``str()`` names the file and the problem."""


def load_theme_file(path: Path) -> Theme:
    """Read one theme file.

    Args:
        path: the ``.toml`` file; its stem is the theme's name.

    Returns:
        Theme: the base theme with the file's slots replaced.

    Raises:
        ThemeFileError: the file cannot be read, is not TOML, names an unknown base or slot,
            or gives a slot a value that is not a string.
    """
    import tomllib

    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ThemeFileError(f"theme file {path}: {exc}") from exc
    base_name = data.pop("base", "auto")
    base = BUILTIN_THEMES.get(str(base_name))
    if base is None:
        known = ", ".join(BUILTIN_THEMES)
        raise ThemeFileError(f"theme file {path}: unknown base {base_name!r} ({known})")
    slots = base.slots()
    changes: dict[str, str] = {"name": path.stem}
    changes["description"] = str(data.pop("description", f"{path.name} (based on {base.name})"))
    for key, value in data.items():
        if key not in slots:
            raise ThemeFileError(f"theme file {path}: unknown slot {key!r}")
        if not isinstance(value, str):
            raise ThemeFileError(f"theme file {path}: {key} must be a style string")
        changes[key] = value
    return dataclasses.replace(base, **changes)


def load_user_themes(directory: Path) -> dict[str, Theme]:
    """Load every ``*.toml`` theme in ``directory`` (sorted by name).

    Args:
        directory: the themes folder; a missing folder has no themes.

    Returns:
        dict[str, Theme]: by name.

    Raises:
        ThemeFileError: a file is invalid (see ``load_theme_file``).
    """
    if not directory.is_dir():
        return {}
    themes = {}
    for path in sorted(directory.glob("*.toml")):
        theme = load_theme_file(path)
        themes[theme.name] = theme
    return themes

"""Colour themes for wire's terminal output.

A :class:`Theme` is plain data (rich style strings by meaning: status codes, headers, JSON keys,
progress bar...). This package imports neither rich nor pygments; ``wire.themes._adapters``
converts a Theme for them and is imported only when colours are actually drawn.

Example:
    >>> from wire.themes import get_theme, available_themes
    >>> available_themes()[0]
    'auto'
    >>> get_theme("auto").status_2xx
    'green'
"""

from __future__ import annotations

from ._builtin import BUILTIN_THEMES, LIGHT_THEMES
from ._model import STYLE_PREFIX, Theme

__all__ = [
    "DEFAULT_THEME",
    "LIGHT_THEMES",
    "STYLE_PREFIX",
    "Theme",
    "available_themes",
    "get_theme",
    "register_theme",
]

# Themes added at run time (user theme files), by name; built-ins cannot be replaced.
_REGISTERED: dict[str, Theme] = {}

#: The theme used when ``--style`` is not given.
DEFAULT_THEME = "auto"


def available_themes() -> list[str]:
    """Return the names of every theme ``get_theme`` accepts.

    Returns:
        list[str]: Theme names: the built-ins, the default (``"auto"``) first, then the
        registered user themes in the order they were registered.
    """
    return [*BUILTIN_THEMES, *_REGISTERED]


def register_theme(theme: Theme) -> None:
    """Make a theme (e.g. a user's, from ``wire.themes._user``) available by its name.

    Args:
        theme (Theme): The theme; registering a name again replaces the earlier one.

    Raises:
        ValueError: When ``theme.name`` is a built-in theme's name.
    """
    if theme.name in BUILTIN_THEMES:
        raise ValueError(f"the theme name {theme.name!r} is taken by a built-in theme")
    _REGISTERED[theme.name] = theme


def get_theme(name: str) -> Theme:
    """Look a theme up by name.

    Args:
        name (str): A theme name as typed after ``--style``; matched exactly (case-sensitive).

    Returns:
        Theme: The theme.

    Raises:
        ValueError: When no theme has that name; the message lists the available names,
            e.g. ``unknown theme 'x' (available: auto, solarized)``.
    """
    try:
        return BUILTIN_THEMES.get(name) or _REGISTERED[name]
    except KeyError:
        available = ", ".join(available_themes())
        raise ValueError(f"unknown theme {name!r} (available: {available})") from None

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

from ._builtin import BUILTIN_THEMES
from ._model import STYLE_PREFIX, Theme

__all__ = ["DEFAULT_THEME", "STYLE_PREFIX", "Theme", "available_themes", "get_theme"]

#: The theme used when ``--style`` is not given.
DEFAULT_THEME = "auto"


def available_themes() -> list[str]:
    """Return the names of every theme ``get_theme`` accepts.

    Returns:
        list[str]: Theme names, the default (``"auto"``) first.
    """
    return list(BUILTIN_THEMES)


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
        return BUILTIN_THEMES[name]
    except KeyError:
        available = ", ".join(available_themes())
        raise ValueError(f"unknown theme {name!r} (available: {available})") from None

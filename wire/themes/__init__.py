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

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from ._builtin import LIGHT_THEMES
    from ._model import STYLE_PREFIX, Theme

__all__ = [
    "BUILTIN_THEME_NAMES",
    "DEFAULT_THEME",
    "LIGHT_THEMES",
    "STYLE_PREFIX",
    "Theme",
    "available_themes",
    "check_theme",
    "get_theme",
    "register_theme",
]

#: The built-in themes' names, in the order ``available_themes()`` lists them: the keys of
#: ``_builtin.BUILTIN_THEMES`` (a test keeps them equal). Strategy (start-up time): naming
#: and checking a theme needs no `Theme` object, so a run that draws no colour never imports
#: ``_model`` and ``_builtin`` (building the `Theme` dataclass costs about 2 ms).
BUILTIN_THEME_NAMES: tuple[str, ...] = (
    "auto", "solarized", "solarized-light", "monokai", "dracula", "nord", "github-light",
)  # fmt: skip

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
    return [*BUILTIN_THEME_NAMES, *_REGISTERED]


def register_theme(theme: Theme) -> None:
    """Make a theme (e.g. a user's, from ``wire.themes._user``) available by its name.

    Args:
        theme (Theme): The theme; registering a name again replaces the earlier one.

    Raises:
        ValueError: When ``theme.name`` is a built-in theme's name.
    """
    if theme.name in BUILTIN_THEME_NAMES:
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
    if name in BUILTIN_THEME_NAMES:
        from ._builtin import BUILTIN_THEMES

        return BUILTIN_THEMES[name]
    check_theme(name)
    return _REGISTERED[name]


def check_theme(name: str) -> None:
    """Check that a theme has that name, as `get_theme` does, without building any theme.

    Args:
        name (str): A theme name as typed after ``--style``; matched exactly (case-sensitive).

    Raises:
        ValueError: When no theme has that name (the message of `get_theme`).
    """
    if name not in BUILTIN_THEME_NAMES and name not in _REGISTERED:
        available = ", ".join(available_themes())
        raise ValueError(f"unknown theme {name!r} (available: {available})")


def __getattr__(name: str) -> Any:
    # The names that need `_model` or `_builtin`, imported on first use (start-up time).
    if name in ("STYLE_PREFIX", "Theme"):
        from . import _model

        return getattr(_model, name)
    if name == "LIGHT_THEMES":
        from ._builtin import LIGHT_THEMES

        return LIGHT_THEMES
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

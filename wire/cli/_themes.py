"""The command line's side of themes: user theme files, and `wire --style list`.

User themes are read only when `--style` names a theme that is not built in (or for the
list), so a plain request never reads the themes folder nor imports tomllib.
"""

from __future__ import annotations

from collections.abc import Mapping

from ..themes import BUILTIN_THEME_NAMES, available_themes, get_theme, register_theme
from ._config import config_dir
from ._env import Environment
from ._status import ExitStatus

__all__ = ["PREVIEW", "ensure_theme", "list_themes", "theme_names"]

#: The sample each theme is drawn with by `--style list`: (text, slot) runs.
PREVIEW: tuple[tuple[str, str | None], ...] = (
    ("HTTP/1.1", "status_line"), (" ", None), ("200 OK", "status_2xx"), ("  ", None),
    ("404", "status_4xx"), ("  ", None), ("Content-Type", "header_name"), (":", "header_separator"),
    (" json  ", "header_value"), ("{", "punctuation"), ('"id"', "json_key"),
    (": ", "punctuation"), ("7", "number"), (", ", "punctuation"), ('"ok"', "json_key"),
    (": ", "punctuation"), ("true", "keyword"), (", ", "punctuation"), ('"name"', "json_key"),
    (": ", "punctuation"), ('"wire"', "string"), ("}", "punctuation"),
)  # fmt: skip


def _load_user_themes(env: Environment) -> None:
    from ..themes._user import load_user_themes

    directory = config_dir(env.environ)
    if directory is None:
        return
    for theme in load_user_themes(directory / "themes").values():
        if theme.name not in BUILTIN_THEME_NAMES:
            register_theme(theme)


def theme_names(environ: Mapping[str, str] | None = None) -> list[str]:
    """Every name `--style` accepts: the themes (user ones read from the config dir when
    `environ` locates it; invalid files are skipped) and `list`."""
    if environ is None:
        import os

        environ = os.environ
    directory = config_dir(environ)
    names = list(BUILTIN_THEME_NAMES)
    if directory is not None:
        names += sorted(p.stem for p in (directory / "themes").glob("*.toml"))
    return [*names, "list"]


def ensure_theme(env: Environment, name: str) -> None:
    """Make `name` available: a built-in theme, or a user theme file loaded now.

    Raises:
        ValueError: a theme file is invalid (`ThemeFileError`), or no theme has that name
            (the message lists the available ones).
    """
    if name in BUILTIN_THEME_NAMES:
        return
    _load_user_themes(env)
    get_theme(name)


def list_themes(env: Environment) -> ExitStatus:
    """Print every theme (built-in, then the user's) with a coloured preview line.

    Colours are drawn when stdout can show them (`env.color_system`); otherwise each theme is
    listed with its description only.

    Returns:
        SUCCESS, or ERROR when a user theme file is invalid.
    """
    from ..themes import LIGHT_THEMES
    from ._exit import print_error

    try:
        _load_user_themes(env)
    except ValueError as exc:
        print_error(env, str(exc))
        return ExitStatus.ERROR
    lines = []
    for name in available_themes():
        theme = get_theme(name)
        kind = "light" if name in LIGHT_THEMES else "any" if name == "auto" else "dark"
        if name not in BUILTIN_THEME_NAMES:
            kind = "user"
        lines.append(f"{name}  ({kind}) {theme.description}")
        if env.color_system is not None:
            from .output._highlight import render_spans

            lines.append("    " + render_spans(PREVIEW, theme=theme, color_system=env.color_system))
    env.stdout.write(("\n".join(lines) + "\n").encode("utf-8"))
    env.stdout.flush()
    return ExitStatus.SUCCESS

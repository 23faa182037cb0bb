"""wire's configuration directory and `config.toml`.

Where the directory is (first match wins):

    ===================================  ================================
    condition                            directory
    ===================================  ================================
    ``WIRE_CONFIG_DIR`` is set           that path
    ``XDG_CONFIG_HOME`` is set           ``$XDG_CONFIG_HOME/wire``
    ``HOME`` is set                      ``$HOME/.config/wire``
    otherwise                            none (no config is read)
    ===================================  ================================

It holds ``config.toml``, ``themes/*.toml`` (user themes, see ``wire.themes``) and
``sessions/`` (named sessions, see ``_sessions``). ``config.toml`` has one key today:

    default_options = ["--style=monokai", "--timeout=10"]

These options are read before the command line's, so the command line wins (every boolean
flag has a ``--no-`` form to turn a default off). Only the variables passed in are read, never
``os.environ`` directly, so tests inject them.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from pathlib import Path

__all__ = ["ConfigError", "config_dir", "load_default_options"]

#: Name of the configuration file inside the config directory.
CONFIG_FILE = "config.toml"


class ConfigError(ValueError):
    """`config.toml` cannot be read or holds an invalid value; `str()` names the file."""


def config_dir(environ: Mapping[str, str]) -> Path | None:
    """Return wire's configuration directory (see the table in the module docstring).

    Args:
        environ: environment variables; ``WIRE_CONFIG_DIR``, ``XDG_CONFIG_HOME`` and
            ``HOME`` are read.

    Returns:
        The directory (it may not exist), or None when no variable locates one.
    """
    directory = _config_dir_path(environ)
    if directory is None:
        return None
    from pathlib import Path

    return Path(directory)


def _config_dir_path(environ: Mapping[str, str]) -> str | None:
    # `config_dir` as a str: reading config.toml on every run needs no pathlib (start-up).
    explicit = environ.get("WIRE_CONFIG_DIR")
    if explicit:
        return os.path.expanduser(explicit)
    xdg = environ.get("XDG_CONFIG_HOME")
    if xdg:
        return os.path.join(xdg, "wire")
    home = environ.get("HOME")
    if home:
        return os.path.join(home, ".config", "wire")
    return None


def load_default_options(environ: Mapping[str, str]) -> list[str]:
    """Read ``default_options`` from ``config.toml``.

    Args:
        environ: environment variables, to locate the config directory.

    Returns:
        The options (list of str, in order); ``[]`` when there is no config file.

    Raises:
        ConfigError: the file is not valid TOML, or ``default_options`` is not a list of
            strings.
    """
    directory = _config_dir_path(environ)
    if directory is None:
        return []
    path = os.path.join(directory, CONFIG_FILE)
    try:
        with open(path, "rb") as handle:
            raw = handle.read()
    except (FileNotFoundError, NotADirectoryError):
        return []
    except OSError as exc:
        raise ConfigError(f"cannot read {path}: {exc.strerror or exc}") from exc
    import tomllib  # only when a config file exists: it costs a few milliseconds

    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from exc
    options = data.get("default_options", [])
    if not isinstance(options, list) or not all(isinstance(o, str) for o in options):
        raise ConfigError(f"{path}: default_options must be a list of strings")
    return list(options)

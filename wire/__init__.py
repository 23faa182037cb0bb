"""wire: a command-line HTTP client, and the httpx-compatible client core inside it.

`import wire` gives the client core's public API (`wire.get`, `wire.Client`,
`wire.AsyncClient`, `wire.Response`, ...), with httpx 0.28's names and semantics.

Strategy (start-up time): the client core is imported on the first attribute access, not
by `import wire` itself, so `wire --version` and other paths that need only the version pay
nothing for it. It imports no click, rich, pygments, h2 or trio either way; httpcore is loaded
on the first request.
"""

from __future__ import annotations

import importlib
import typing

from .__version__ import __version__ as __version__

if typing.TYPE_CHECKING:  # pragma: no cover
    from .client_core import *  # noqa: F403
    from .client_core import AsyncHTTPTransport, HTTPTransport  # noqa: F401


def _client_core() -> typing.Any:
    # importlib rather than `from . import`: the latter asks this module for the attribute
    # first, which would call __getattr__ again.
    return importlib.import_module("wire.client_core")


def __getattr__(name: str) -> typing.Any:
    # Load the client core on first use; `__all__` itself comes from it too.
    if name.startswith("__") and name not in ("__all__", "__title__", "__description__"):
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    client_core = _client_core()
    if name == "__all__":
        value: typing.Any = ["__version__", *client_core.__all__]
    else:
        value = getattr(client_core, name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_client_core().__all__))

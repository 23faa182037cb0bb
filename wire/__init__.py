"""wire: a command-line HTTP client, and the httpx-compatible client core inside it.

`import wire` gives the client core's public API (`wire.get`, `wire.Client`,
`wire.AsyncClient`, `wire.Response`, ...), with httpx 0.28's names and semantics. It imports
no click, rich, pygments, h2 or trio; httpcore is loaded on the first request.
"""

from __future__ import annotations

import typing

from . import client_core as _client_core
from .__version__ import __version__
from .client_core import *  # noqa: F403
from .client_core import __all__ as _core_all

if typing.TYPE_CHECKING:  # pragma: no cover
    from .client_core import AsyncHTTPTransport, HTTPTransport  # noqa: F401

__all__ = ["__version__", *_core_all]


def __getattr__(name: str) -> typing.Any:
    return getattr(_client_core, name)

"""Local test servers: the ASGI test app, threaded uvicorn/hypercorn, gunicorn, a raw server."""

from __future__ import annotations

from .raw import RawServer, run_raw_server
from .threaded import (
    LocalServer,
    TLSLocalServer,
    run_gunicorn,
    run_hypercorn_tls,
    run_uvicorn,
    stop_process,
)

__all__ = [
    "LocalServer",
    "RawServer",
    "TLSLocalServer",
    "run_gunicorn",
    "run_hypercorn_tls",
    "run_raw_server",
    "run_uvicorn",
    "stop_process",
]

"""Fixtures for the hostile suite, and the `hostile` marker.

The suite asserts the behaviour issue 8 asks for, much of which is still being built. While
it is, it runs only when asked for: ``pytest -m hostile`` (or ``WIRE_HOSTILE=1 pytest``).
Drop `pytest_ignore_collect` below once the suite is green, so the default run includes it.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.servers.faults import FaultServer, run_fault_server


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "hostile: hostile servers and bad input (issue 8); run with -m hostile"
    )


def pytest_ignore_collect(collection_path: Path, config: pytest.Config) -> bool | None:
    if collection_path.name.startswith("test_") and collection_path.suffix == ".py":
        asked = "hostile" in (config.option.markexpr or "")
        if not asked and os.environ.get("WIRE_HOSTILE") != "1":
            return True
    return None


@pytest.fixture(scope="session")
def other_fault_server() -> Iterator[FaultServer]:
    """A second fault server (another port): the far side of cross-origin redirects."""
    with run_fault_server() as running:
        yield running


@pytest.fixture
def faults(fault_server: FaultServer) -> FaultServer:
    """The session's fault server, typed (see tests/servers/faults.py)."""
    return fault_server

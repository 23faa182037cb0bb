"""Fixtures for the hostile suite, and the `hostile` marker.

The suite asserts the behaviour issue 8 asks for. It is part of the default run; `-m hostile`
runs it alone.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.servers.faults import FaultServer, run_fault_server


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "hostile: hostile servers and bad input (issue 8); run with -m hostile"
    )


@pytest.fixture(scope="session")
def other_fault_server() -> Iterator[FaultServer]:
    """A second fault server (another port): the far side of cross-origin redirects."""
    with run_fault_server() as running:
        yield running


@pytest.fixture
def faults(fault_server: FaultServer) -> FaultServer:
    """The session's fault server, typed (see tests/servers/faults.py)."""
    return fault_server

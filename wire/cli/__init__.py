"""wire's command line. `main` is the console-script entry point."""

from __future__ import annotations


def main() -> None:
    """Run the `wire` command (a click command) and exit with its status."""
    from ._command import main as _main

    _main()

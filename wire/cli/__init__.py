"""wire's command line. `main` is the console-script entry point."""

from __future__ import annotations


def main() -> None:
    """Run the `wire` command and exit with its status.

    A plain `wire [METHOD] URL [ITEM]...` (no option) runs without click (`_plain`, for
    start-up time); everything else runs the click command (`_command`).
    """
    import sys

    from ._plain import run_plain

    status = run_plain(sys.argv[1:])
    if status is not None:
        sys.exit(status)
    from ._command import main as _main

    _main()

"""`python -m wire` runs the command line."""

from wire.cli import main

main()

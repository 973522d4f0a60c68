"""The ``microopt`` command: ``microopt --help`` lists the subcommands."""

from microopt.cli.main import main

__all__ = ["main"]

"""The ``microopt`` command line: one subcommand per module of ``microopt.cli``.

Each subcommand module has ``add_parser(subparsers)``, which declares its arguments and sets
``run(args, parser) -> int`` as the function to call. Bad arguments, including names and
expressions that only turn out wrong once read, end in ``parser.error``: a one-line message
naming the problem and the valid choices, and exit status 2, as for any argparse error.
"""

from __future__ import annotations

import argparse
import sys

from microopt.cli import graph_command

SUBCOMMANDS = (graph_command,)

DESCRIPTION = """\
microopt: learn how neural networks are optimized, from the command line.
Run `microopt SUBCOMMAND --help` for the options of each subcommand."""


def build_parser() -> argparse.ArgumentParser:
    from microopt import __version__

    parser = argparse.ArgumentParser(prog="microopt", description=DESCRIPTION)
    parser.add_argument("--version", action="version", version=f"microopt {__version__}")
    subparsers = parser.add_subparsers(title="subcommands", metavar="SUBCOMMAND", required=True)
    for module in SUBCOMMANDS:
        module.add_parser(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run ``microopt`` with ``argv`` (default: the process's arguments); return the exit status."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        return args.run(args, args.parser)
    except SystemExit as exit:  # argparse's --help (0) and errors (2)
        return exit.code if isinstance(exit.code, int) else 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130

"""The ``microopt`` command line: one subcommand per module of ``microopt.cli``.

Each subcommand module has ``add_parser(subparsers)``, which declares its arguments and sets
``run(args, parser) -> int`` as the function to call. Bad arguments, including names and
expressions that only turn out wrong once read, end in ``parser.error``: a one-line message
naming the problem and the valid choices, and exit status 2, as for any argparse error.
"""

from __future__ import annotations

import argparse
import difflib
import os
import sys

from microopt import __version__
from microopt.cli import (assignment_command, bench_command, demo_command, graph_command, race_command,
                          site_command, sweep_command, train_command)

SUBCOMMANDS = (demo_command, train_command, race_command, sweep_command, graph_command, bench_command,
               assignment_command, site_command)

DESCRIPTION = """\
microopt: learn how neural networks are optimized, from the command line.
Run `microopt SUBCOMMAND --help` for the options of each subcommand."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="microopt", description=DESCRIPTION)
    parser.add_argument("--version", action="version", version=f"microopt {__version__}")
    subparsers = parser.add_subparsers(title="subcommands", metavar="SUBCOMMAND", required=True)
    for module in SUBCOMMANDS:
        module.add_parser(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run ``microopt`` with ``argv`` (default: the process's arguments); return the exit status."""
    argv = sys.argv[1:] if argv is None else list(argv)
    try:
        if argv[:1] == [bench_command.NAME]:  # the bench module parses its own options
            return bench_command.run(argv[1:])
        parser = build_parser()
        # parse_known_args, not parse_args: an unknown flag is then refused by the subcommand's
        # parser, with its usage (`usage: microopt race ...`), not the top level's.
        args, unknown = parser.parse_known_args(argv)
        if unknown:
            args.parser.error(unrecognized(args.parser, unknown))
        return args.run(args, args.parser)
    except SystemExit as exit:  # argparse's --help (0) and errors (2)
        return exit.code if isinstance(exit.code, int) else 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # the reader went away (`microopt ... | head`): stop quietly
        _silence_stdout()
        return 1
    except OSError as error:  # e.g. an --out folder that cannot be created or written
        print(f"microopt: error: {error}", file=sys.stderr)
        return 1


def unrecognized(parser: argparse.ArgumentParser, unknown: list[str]) -> str:
    """argparse's message for arguments no parser took, with the nearest flag when one is close."""
    message = f"unrecognized arguments: {' '.join(unknown)}"
    flags = [option for action in parser._actions for option in action.option_strings]  # argparse has no public list
    typed = next((word.split("=")[0] for word in unknown if word.startswith("--")), None)
    if typed is None:
        return message
    # a flag with something glued on (--lr-typo), else one a letter or two away (--stepz)
    close = [flag for flag in flags if flag.startswith("--") and typed.startswith(flag + "-")]
    close += [f"--{name}" for name in difflib.get_close_matches(typed[2:], [flag[2:] for flag in flags], n=1,
                                                                cutoff=0.7)]
    return message + (f" (did you mean {close[0]}?)" if close else "")


def _silence_stdout() -> None:
    """Point stdout at /dev/null, so the flush at exit does not fail on the closed pipe again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):  # no real file descriptor (e.g. under pytest)
        pass

"""``microopt bench``: the benchmark suite of ``microopt.bench``, which parses its own arguments.

``main`` hands everything after ``bench`` to ``microopt.bench.main`` unparsed, so the options
(``--quick``, ``--repeat N``, ``--json``) and ``microopt bench --help`` are the bench module's own.
"""

from __future__ import annotations

import argparse

from microopt import bench

NAME = "bench"


def add_parser(subparsers) -> argparse.ArgumentParser:
    # Listed in `microopt --help` only: main() sends `microopt bench ...` to run() before parsing.
    parser = subparsers.add_parser(NAME, add_help=False,
                                   help="time microopt against micrograd and PyTorch (see microopt bench --help)")
    parser.set_defaults(run=lambda args, parser: run([]), parser=parser)
    return parser


def run(argv: list[str]) -> int:
    return bench.main(argv)

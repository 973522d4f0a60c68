"""Hostile sizes on the command line: refused by argparse before anything is allocated.

Without limits, ``microopt train --samples 1000000000`` or ``--hidden 100000,100000`` allocated
until MemoryError. Each case asserts the exit status 2 and the one-line usage error naming the
flag, the number and the limit; a ``tracemalloc`` peak proves nothing large was built first.
"""

from __future__ import annotations

import tracemalloc

import pytest

from microopt._validate import whole_number_argument
from microopt.cli import common
from microopt.cli.main import main

REFUSED = [
    (["train", "--samples", "1000000000"],
     "argument --samples: Invalid samples: 1000000000 (must be a whole number from 1 to 100,000)."),
    (["race", "--problem", "moons", "--samples", "100001"],
     "argument --samples: Invalid samples: 100001 (must be a whole number from 1 to 100,000)."),
    (["train", "--hidden", "100000,100000"],
     "Invalid hidden: '100000,100000' (must be at most 10 comma-separated whole numbers from 1 to 1,024)"),
    (["train", "--hidden", "1025"],
     "Invalid hidden: '1025' (must be at most 10 comma-separated whole numbers from 1 to 1,024)"),
    (["train", "--hidden", ",".join(["4"] * 11)], "(must be at most 10 comma-separated whole numbers"),
    (["train", "--hidden", "1024,1024"], "(must make an MLP of at most 100,000 weights; this one has 1,055,747)"),
    (["lr-sweep", "--per-decade", "1000000"],
     "argument --per-decade: Invalid per-decade: 1000000 (must be a whole number from 1 to 100)."),
    (["lr-sweep", "--per-decade", "0"],
     "argument --per-decade: Invalid per-decade: 0 (must be a whole number from 1 to 100)."),
    (["lr-sweep", "--steps", "10000000"],
     "argument --steps: Invalid steps: 10000000 (must be a whole number from 1 to 1,000,000)."),
    (["race", "--steps", "1000001"],
     "argument --steps: Invalid steps: 1000001 (must be a whole number from 1 to 1,000,000)."),
    (["demo", "--moons-steps", "99999999"],
     "argument --moons-steps: Invalid moons-steps: 99999999 (must be a whole number from 1"),
    (["train", "--epochs", "100001"],
     "argument --epochs: Invalid epochs: 100001 (must be a whole number from 1 to 100,000)."),
    (["train", "--epochs", "1e9"],
     "argument --epochs: Invalid epochs: '1e9' (must be a whole number from 1 to 100,000)."),
    (["train", "--samples", "-3"],
     "argument --samples: Invalid samples: -3 (must be a whole number from 1 to 100,000)."),
]


@pytest.mark.parametrize("argv, message", REFUSED, ids=[" ".join(argv)[:40] for argv, _ in REFUSED])
def test_oversized_requests_are_usage_errors_before_any_work(argv, message, capsys):
    tracemalloc.start()
    try:
        assert main([*argv, "--no-progress"]) == 2
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    errors = [line for line in capsys.readouterr().err.splitlines() if "error:" in line]
    assert len(errors) == 1 and errors[0].startswith(f"microopt {argv[0]}: error:"), errors
    assert message in errors[0]
    assert peak < 20_000_000  # a refused 10^9-sample dataset would have needed tens of GB


@pytest.mark.parametrize("text, sizes", [("16,16", [16, 16]), ("1024", [1024]), ("64,64,64", [64, 64, 64]),
                                         (" 8 , 8 ", [8, 8])])
def test_sizes_within_the_limits_are_accepted(text, sizes):
    assert common.int_list(text) == sizes


def test_the_weight_count_is_the_mlps_own():
    from microopt.nn import MLP

    # 2 inputs, the layers, 3 outputs: what int_list counts against MAX_WEIGHTS
    assert len(MLP(2, [64, 64, 3]).parameters()) == (2 + 1) * 64 + (64 + 1) * 64 + (64 + 1) * 3


@pytest.mark.parametrize("maximum, text, value", [(10, "10", 10), (10, "1", 1), (None, "123456789", 123456789)])
def test_whole_number_type_accepts_its_range(maximum, text, value):
    assert whole_number_argument("n", maximum=maximum)(text) == value

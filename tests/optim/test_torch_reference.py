"""Every optimizer against torch.optim, step by step, on Rosenbrock and a 2-4-1 tanh MLP.

The expected trajectories were written by tests/fixtures/generate_optim_fixtures.py with
torch 2.13.0 in float64 (single-tensor path, foreach=False); the same module defines the
problems, so the losses below are built from Values with exactly the same operations.
When torch is importable, the live tests rerun torch itself.
"""

from __future__ import annotations

import json
import math

import pytest

import microopt.optim as optim
from microopt import Value
from microopt.optim.registry import torch_backed
from tests.fixtures.generate_optim_fixtures import FIXTURE, PROBLEMS, all_cases, case_id, run_torch

REL = 1e-10  # relative agreement required at every step
ABS = 1e-13  # floor for parameters that pass through zero

FIXTURE_CASES = json.loads(FIXTURE.read_text())["cases"]


def run_microopt(case: dict, steps: int) -> list[list[float]]:
    """The same run as the generator's run_torch, with microopt Values and optimizers."""
    loss_fn, start = PROBLEMS[case["problem"]]
    params = [Value(x) for x in start]
    if case["groups"]:
        groups = [{"params": params[a:b], **overrides} for a, b, overrides in case["groups"]]
    else:
        groups = params
    optimizer = getattr(optim, case["optimizer"])(groups, **case["kwargs"])
    trajectory = []
    for _ in range(steps):
        optimizer.zero_grad()
        loss_fn(params).backward()
        optimizer.step()
        trajectory.append([p.data for p in params])
    return trajectory


def assert_same_trajectory(ours: list[list[float]], expected: list[list[float]]) -> None:
    assert len(ours) == len(expected)
    for step, (row, expected_row) in enumerate(zip(ours, expected), start=1):
        for i, (a, b) in enumerate(zip(row, expected_row)):
            assert math.isclose(a, b, rel_tol=REL, abs_tol=ABS), (
                f"step {step}, parameter {i}: microopt {a!r}, torch {b!r}"
            )


@pytest.mark.parametrize("case", FIXTURE_CASES, ids=case_id)
def test_matches_torch_fixture(case):
    assert_same_trajectory(run_microopt(case, len(case["trajectory"])), case["trajectory"])


def test_fixture_is_current_and_covers_every_torch_optimizer():
    assert [case_id(c) for c in FIXTURE_CASES] == [case_id(c) for c in all_cases()]
    covered = {c["optimizer"] for c in FIXTURE_CASES}
    assert covered == set(torch_backed())
    for name in covered:
        problems = {c["problem"] for c in FIXTURE_CASES if c["optimizer"] == name}
        assert problems == {"rosenbrock", "mlp"}
    # every option the task asks for appears in at least one case
    options = {k for c in FIXTURE_CASES for k in c["kwargs"]}
    assert {"weight_decay", "maximize", "amsgrad", "nesterov", "centered", "momentum",
            "decoupled_weight_decay", "lr_decay", "initial_accumulator_value", "dampening",
            "momentum_decay", "rho", "alpha", "betas", "eps", "etas", "step_sizes"} <= options


def test_trajectories_actually_move():
    # A fixture where nothing moves would let a do-nothing optimizer pass.
    for case in FIXTURE_CASES:
        start = PROBLEMS[case["problem"]][1]
        moved = max(abs(a - b) for a, b in zip(case["trajectory"][-1], start))
        assert moved > 1e-3, case_id(case)


@pytest.mark.parametrize(
    "case",
    [c for c in all_cases() if c["problem"] == "rosenbrock"] + [c for c in all_cases() if c["groups"]],
    ids=case_id,
)
def test_matches_torch_live(case):
    pytest.importorskip("torch")
    assert_same_trajectory(run_microopt(case, 30), run_torch(case, 30))

"""Traced quantities equal PyTorch's optimizer state; tracing changes no number; imports stay light."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from microopt import Value, optim
from microopt.teach import trace, trace_steps
from tests.fixtures import generate_teach_fixtures as generator

FIXTURE = json.loads((Path(__file__).parents[1] / "fixtures" / "teach_torch.json").read_text())
CASES = {case["name"]: case for case in FIXTURE["cases"]}
ALGORITHMS = [name for name in optim.__all__ if name[0].isupper() and name != "Optimizer"]


def traced_run(case):
    w = [Value(x, label=f"w{i}") for i, x in enumerate(FIXTURE["start"])]
    optimizer = getattr(optim, case["optimizer"])(w, **case["hyperparameters"])
    return w, trace_steps(optimizer, lambda: generator.loss(w), steps=len(case["steps"]))


def assert_matches(case, steps):
    """The traced locals (named as in the docstring) against torch's buffers, step by step."""
    w, t = traced_run(case)
    for k, expected in enumerate(steps, start=1):
        for i in range(len(w)):
            row = next(r for r in t.rows if r.step == k and r.param == f"w{i}")
            assert row.data_after == pytest.approx(expected["params"][i], rel=1e-12, abs=1e-15)
            for torch_key, name in case["traced_name"].items():
                assert row.quantities[name] == pytest.approx(expected["state"][torch_key][i],
                                                             rel=1e-12, abs=1e-15), (k, i, name)


@pytest.mark.parametrize("name", sorted(CASES))
def test_traced_quantities_equal_the_torch_fixture(name):
    assert_matches(CASES[name], CASES[name]["steps"])


@pytest.mark.parametrize("name", sorted(CASES))
def test_traced_quantities_equal_live_torch(name):
    torch = pytest.importorskip("torch")
    torch.set_default_dtype(torch.float64)
    case = CASES[name]
    assert_matches(case, generator.run(case["optimizer"], case["hyperparameters"], case["traced_name"]))


@pytest.mark.parametrize("name", ALGORITHMS)
def test_tracing_changes_no_number(name):
    def run(traced: bool):
        w = [Value(x) for x in FIXTURE["start"]]
        optimizer = getattr(optim, name)(w, lr=0.05)
        for _ in range(7):
            optimizer.zero_grad()
            generator.loss(w).backward()
            if traced:
                with trace(optimizer):
                    optimizer.step()
            else:
                optimizer.step()
        return [p.data for p in w], optimizer.state_dict()

    assert run(traced=True) == run(traced=False)  # bit for bit, state included


def test_importing_teach_and_exercises_loads_no_drawing_or_notebook_library():
    code = ("import sys, microopt.teach, microopt.exercises; "
            "print(sorted(m for m in ('graphviz', 'ipywidgets', 'IPython', 'matplotlib', 'torch') "
            "if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"

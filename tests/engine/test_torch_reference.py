"""microopt's values and gradients against PyTorch's, on the fixture programs.

The fixtures were written by tests/fixtures/generate_engine_fixtures.py with torch 2.13.0 in
float64; the live test reruns the generator's torch code when torch is importable. Among
them, every op of the registry at an ordinary point and with nan and ±inf operands, so NaN
propagates exactly as in PyTorch, op by op.
"""

import json
import math

import pytest

from microopt.engine.ops import OPS
from tests.engine.programs import FIXTURES, load_generator, ops_used, run_microopt

CASES = json.loads((FIXTURES / "engine_torch.json").read_text())["cases"]


def close(got: float, expected, rel=1e-12, abs_=1e-300) -> bool:
    expected = float(expected)  # "inf" and "nan" are stored as strings: JSON has neither
    if math.isnan(expected):
        return math.isnan(got)
    if math.isinf(expected):
        return got == expected
    return math.isclose(got, expected, rel_tol=rel, abs_tol=abs_)


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_matches_torch_fixture(case):
    value, grads = run_microopt(case["inputs"], case["program"])
    assert close(value, case["value"]), (value, case["value"])
    for i, (got, expected) in enumerate(zip(grads, case["grads"])):
        assert close(got, expected), f"input {i}: microopt {got!r}, torch {expected!r}"


def test_fixture_covers_the_edge_cases():
    names = {c["name"] for c in CASES}
    assert {"tanh_1000", "sigmoid_-1000", "softplus_1000", "relu_zero", "abs_zero",
            "pow_zero_base", "sqrt_zero", "reused", "relu_nan_at_0", "sum_inf_minus_inf",
            "sum_overflow"} <= names


def missing_torch_cases(ops, cases) -> list[str]:
    """Ops that have a PyTorch equivalent but no fixture case, or no nan case."""
    used = ops_used(cases)
    with_nan = ops_used([c for c in cases if "nan" in map(str, c["inputs"])])
    return sorted(name for name, op in ops.items() if op.torch is not None
                  and (name not in used or name not in with_nan))


def test_every_op_with_a_torch_equivalent_has_fixture_cases():
    assert missing_torch_cases(OPS, CASES) == []


def test_an_op_added_without_fixture_cases_fails(monkeypatch):
    import dataclasses

    from microopt.engine import ops

    dummy = dataclasses.replace(OPS["tanh"], name="dummy")
    monkeypatch.setitem(ops.OPS, "dummy", dummy)
    assert missing_torch_cases(ops.OPS, CASES) == ["dummy"]


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_matches_torch_live(case):
    pytest.importorskip("torch")
    value, grads = load_generator().run_torch(case["inputs"], case["program"])
    got_value, got_grads = run_microopt(case["inputs"], case["program"])
    assert close(got_value, value)
    for got, expected in zip(got_grads, grads):
        assert close(got, expected)

"""microopt's values and gradients against PyTorch's, on the fixture programs.

The fixtures were written by tests/fixtures/generate_engine_fixtures.py with torch 2.13.0 in
float64; the live test reruns the generator's torch code when torch is importable.
"""

import json
import math

import pytest

from tests.engine.programs import FIXTURES, load_generator, run_microopt

CASES = json.loads((FIXTURES / "engine_torch.json").read_text())["cases"]


def close(got: float, expected, rel=1e-12, abs_=1e-300) -> bool:
    expected = float(expected)  # "inf" is stored as a string: JSON has no infinity
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
            "pow_zero_base", "sqrt_zero", "reused"} <= names


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_matches_torch_live(case):
    pytest.importorskip("torch")
    value, grads = load_generator().run_torch(case["inputs"], case["program"])
    got_value, got_grads = run_microopt(case["inputs"], case["program"])
    assert close(got_value, value)
    for got, expected in zip(got_grads, grads):
        assert close(got, expected)

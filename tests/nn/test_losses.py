"""Losses: PyTorch fixtures (float64), live torch, hand-derived values, gradcheck, bad input."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from microopt import Value, gradcheck
from microopt.nn import (accuracy, binary_cross_entropy_with_logits, cross_entropy, hinge_loss,
                         mse_loss)

FIXTURES = json.loads((Path(__file__).parents[1] / "fixtures" / "losses_torch.json").read_text())
LOSSES = {f.__name__: f for f in (mse_loss, hinge_loss, binary_cross_entropy_with_logits, cross_entropy)}


def _as_values(outputs):
    if isinstance(outputs[0], list):
        return [[Value(x) for x in row] for row in outputs]
    return [Value(x) for x in outputs]


def _grads(values):
    if isinstance(values[0], list):
        return [[v.grad for v in row] for row in values]
    return [v.grad for v in values]


def _flat(nested):
    return [x for row in nested for x in row] if isinstance(nested[0], list) else list(nested)


@pytest.mark.parametrize("case", FIXTURES["cases"], ids=lambda c: c["name"])
def test_matches_torch_fixture(case):
    values = _as_values(case["outputs"])
    loss = LOSSES[case["loss"]](values, case["targets"])
    loss.backward()
    assert loss.data == pytest.approx(case["value"], rel=1e-12, abs=1e-12)
    assert _flat(_grads(values)) == pytest.approx(_flat(case["grad"]), rel=1e-12, abs=1e-12)


@pytest.mark.parametrize("case", FIXTURES["cases"], ids=lambda c: c["name"])
def test_floats_give_the_same_value_as_values(case):
    loss = LOSSES[case["loss"]](case["outputs"], case["targets"])
    assert loss.data == pytest.approx(case["value"], rel=1e-12, abs=1e-12)


def test_extreme_logits_stay_finite():
    bce = binary_cross_entropy_with_logits(z := [Value(1000.0), Value(-1000.0)], [0, 1])
    bce.backward()
    assert bce.data == pytest.approx(1000.0)  # each sample costs |z| = 1000: mean 1000
    assert [v.grad for v in z] == [0.5, -0.5]  # (sigmoid(z) - y) / n
    rows = [[Value(1000.0), Value(-1000.0)], [Value(-1000.0), Value(1000.0)]]
    ce = cross_entropy(rows, [1, 0])
    ce.backward()
    assert ce.data == pytest.approx(2000.0)  # log-sum-exp = 1000, minus z_c = -1000
    assert all(math.isfinite(v.grad) for row in rows for v in row)


def test_hand_derived_values():
    # mse: errors 1 and -2 -> (1 + 4) / 2
    assert mse_loss([2.0, 0.0], [1.0, 2.0]).data == 2.5
    # hinge: margins y s = 3, 0.5, -1 -> costs 0, 0.5, 2
    assert hinge_loss([3.0, -0.5, 1.0], [1, -1, -1]).data == pytest.approx(2.5 / 3)
    # bce at z = 0 is log 2 whatever the target; gradient sigmoid(0) - y = 0.5 - y
    z = Value(0.0)
    loss = binary_cross_entropy_with_logits([z], [1])
    loss.backward()
    assert loss.data == pytest.approx(math.log(2.0))
    assert z.grad == -0.5
    # cross entropy with k equal logits is log k; gradient softmax - onehot = 1/3 - [j = c]
    row = [Value(0.7), Value(0.7), Value(0.7)]
    loss = cross_entropy([row], [2])
    loss.backward()
    assert loss.data == pytest.approx(math.log(3.0))
    assert [v.grad for v in row] == pytest.approx([1 / 3, 1 / 3, -2 / 3])


def test_one_sum_node_then_the_mean():
    loss = mse_loss([Value(1.0), Value(2.0), Value(3.0)], [0.0, 0.0, 0.0])
    assert loss.op == "/ 3"  # the batch size is folded into the division
    total = loss.parents[0]
    assert total.op == "sum" and len(total.parents) == 3


def test_cross_entropy_accepts_any_integer_class_index():
    numpy = pytest.importorskip("numpy")
    loss = cross_entropy([[0.0, 0.0, 0.0]], [numpy.int64(2)])
    assert loss.data == pytest.approx(math.log(3.0))


def test_targets_may_be_values():
    t = Value(1.0)
    loss = mse_loss([3.0], [t])
    loss.backward()
    assert t.grad == -4.0  # d/dt (p - t)^2 = -2 (p - t) = -4


small = st.floats(-5.0, 5.0, allow_nan=False)


@settings(max_examples=30, deadline=None)
@given(st.lists(small, min_size=1, max_size=4), st.data())
def test_gradcheck_bce_and_mse(logits, data):
    targets = data.draw(st.lists(st.sampled_from([0, 1]), min_size=len(logits), max_size=len(logits)))
    assert gradcheck(lambda *z: binary_cross_entropy_with_logits(list(z), targets), logits)
    assert gradcheck(lambda *z: mse_loss(list(z), [float(t) for t in targets]), logits)


@settings(max_examples=30, deadline=None)
@given(st.lists(small, min_size=6, max_size=6), st.lists(st.integers(0, 2), min_size=2, max_size=2))
def test_gradcheck_cross_entropy(flat, targets):
    def f(*z):
        return cross_entropy([list(z[:3]), list(z[3:])], targets)
    assert gradcheck(f, flat)


@settings(max_examples=30, deadline=None)
@given(st.lists(small.filter(lambda s: abs(abs(s) - 1.0) > 1e-3), min_size=1, max_size=4), st.data())
def test_gradcheck_hinge_away_from_the_kink(scores, data):
    targets = data.draw(st.lists(st.sampled_from([-1, 1]), min_size=len(scores), max_size=len(scores)))
    assert gradcheck(lambda *s: hinge_loss(list(s), targets), scores)


@settings(max_examples=30, deadline=None)
@given(st.lists(st.lists(small, min_size=3, max_size=3), min_size=1, max_size=5), st.data())
def test_cross_entropy_is_nonnegative_and_shift_invariant(rows, data):
    targets = data.draw(st.lists(st.integers(0, 2), min_size=len(rows), max_size=len(rows)))
    loss = cross_entropy(rows, targets).data
    shifted = cross_entropy([[x + 100.0 for x in row] for row in rows], targets).data
    assert loss >= 0.0
    assert shifted == pytest.approx(loss, abs=1e-9)


def test_accuracy():
    assert accuracy([2.0, -1.0, 0.5, -0.2], [1, 0, 0, 0]) == 0.75  # scores vs 0/1
    assert accuracy([Value(2.0), Value(-1.0)], [1, -1]) == 1.0  # scores vs -1/+1
    assert accuracy([0.9, 0.2], [1, 1], threshold=0.5) == 0.5  # probabilities
    assert accuracy([[0.1, 2.0, 0.3], [5.0, 1.0, 0.0], [1.0, 1.0, 0.0]], [1, 2, 0]) == pytest.approx(2 / 3)
    assert isinstance(accuracy([1.0], [1]), float)


@pytest.mark.parametrize("call, message", [
    (lambda: mse_loss([1.0, 2.0], [1.0]), "2 predictions but 1 targets"),
    (lambda: mse_loss([], []), "empty batch"),
    (lambda: mse_loss(Value(1.0), [1.0]), "Wrap a single sample in a list"),
    (lambda: mse_loss(["a"], [1.0]), "prediction 0 must be a Value or a number"),
    (lambda: mse_loss([[1.0, 2.0]], [[1.0]]), "must be a list of 2 numbers"),
    (lambda: hinge_loss([0.5, 0.1], [1, 0]), "target 1 is 0"),
    (lambda: binary_cross_entropy_with_logits([0.5], [-1]), "target 0 is -1"),
    (lambda: cross_entropy([[0.1, 0.2]], [2]), "whole number in 0..1, got 2"),
    (lambda: cross_entropy([[0.1, 0.2], [0.1]], [0, 0]), "sample 1 has 1"),
    (lambda: cross_entropy([0.1, 0.2], [0, 1]), "must be a list of k logits"),
    (lambda: cross_entropy([[0.3]], [0]), "at least 2 classes"),
    (lambda: accuracy([0.5, 0.1], [2, 0]), "targets must be 0/1 or -1/+1"),
])
def test_bad_input_is_explained(call, message):
    with pytest.raises((ValueError, TypeError), match=message.replace("+", r"\+").replace("[", r"\[")):
        call()


def test_live_torch_random_batches():
    torch = pytest.importorskip("torch")
    import random

    import torch.nn.functional as F

    rng = random.Random(7)
    logits = [[rng.gauss(0, 3) for _ in range(4)] for _ in range(6)]
    targets = [rng.randrange(4) for _ in range(6)]
    rows = _as_values(logits)
    ours = cross_entropy(rows, targets)
    ours.backward()
    x = torch.tensor(logits, dtype=torch.float64, requires_grad=True)
    theirs = F.cross_entropy(x, torch.tensor(targets))
    theirs.backward()
    assert ours.data == pytest.approx(theirs.item(), rel=1e-12)
    assert _flat(_grads(rows)) == pytest.approx(x.grad.flatten().tolist(), rel=1e-10, abs=1e-14)

    z = [rng.gauss(0, 10) for _ in range(8)] + [800.0, -800.0]
    y = [float(rng.randrange(2)) for _ in z]
    values = _as_values(z)
    ours = binary_cross_entropy_with_logits(values, y)
    ours.backward()
    x = torch.tensor(z, dtype=torch.float64, requires_grad=True)
    theirs = F.binary_cross_entropy_with_logits(x, torch.tensor(y, dtype=torch.float64))
    theirs.backward()
    assert ours.data == pytest.approx(theirs.item(), rel=1e-12)
    assert [v.grad for v in values] == pytest.approx(x.grad.tolist(), rel=1e-10, abs=1e-14)

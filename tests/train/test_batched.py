"""compile_batched: the compiled step on numpy arrays, agreeing with the eager engine to 1e-12 (not bitwise)."""

from __future__ import annotations

import subprocess
import sys

import pytest

import microopt
from microopt import Value
from microopt.nn import MLP, binary_cross_entropy_with_logits, hinge_loss, mse_loss
from microopt.train.batched import compile_batched
from microopt.train.compile import CompileError

pytest.importorskip("numpy")

X = [[0.5, -1.0], [1.5, 0.25], [-0.75, 0.5], [0.1, 2.0], [-1.2, -0.3]]
SIGNS = [1, -1, 1, -1, 1]


def close(a: float, b: float) -> bool:
    return abs(a - b) <= 1e-12 * max(abs(b), 1e-300)


def eager_step(loss, model, Xb, yb):
    model.zero_grad()
    out = loss(Xb, yb)
    out.backward()
    return out.data, [p.grad for p in model.parameters()]


@pytest.mark.parametrize("activation", ["relu", "tanh", "sigmoid", "leaky_relu", "softplus"])
@pytest.mark.parametrize("loss_fn, targets", [(hinge_loss, SIGNS), (mse_loss, [0.5, -1.0, 2.0, 0.0, 1.5]),
                                              (binary_cross_entropy_with_logits, [1, 0, 1, 0, 0])],
                         ids=["hinge", "mse", "bce"])
def test_losses_and_gradients_agree_with_eager_to_1e_12_over_training(activation, loss_fn, targets):
    model = MLP(2, [6, 4, 1], activation=activation, seed=2)
    params = model.parameters()

    def loss(Xb, yb):
        return loss_fn([model(x) for x in Xb], yb) + 1e-3 * microopt.sum(p * p for p in params)

    step = compile_batched(loss, params, X, targets)
    for _ in range(4):  # new weights each step: the replay reads them
        eager_loss, eager_grads = eager_step(loss, model, X, targets)
        model.zero_grad()
        replayed = step(X, targets)
        assert close(replayed, eager_loss)
        assert all(close(p.grad, g) for p, g in zip(params, eager_grads))
        assert all(type(p.grad) is float for p in params)
        for p in params:
            p.data -= 0.1 * p.grad


def test_the_program_works_on_every_sample_at_once():
    model = MLP(2, [3, 1])
    step = compile_batched(lambda Xb, yb: hinge_loss([model(x) for x in Xb], yb), model.parameters(), X, SIGNS)
    assert "x0, x1 = x.T" in step.source and "for (" not in step.source  # no loop over the samples
    assert "M1 = column_stack((x0, x1,))" in step.source  # a neuron's inputs, one column each
    assert "npsum(" in step.source  # a bias' gradient: summed over the samples


def test_a_batch_whose_samples_differ_is_refused():
    model = MLP(2, [3, 1])

    def loss(Xb, yb):
        scores = [model(x) for x in Xb]
        return mse_loss([scores[0] * 2.0] + scores[1:], yb)

    with pytest.raises(CompileError, match="do not all have the same graph"):
        compile_batched(loss, model.parameters(), X, [0.0] * 5)


def test_guards_are_checked_as_in_compile_step():
    w = Value(1.0)
    step = compile_batched(lambda Xb, yb: microopt.sum([(w * x[0]).relu() for x in Xb]) if Xb[0][0] > 0.0 else w,
                           [w], [[1.0], [2.0]], [0.0, 0.0])
    assert step([[3.0], [-1.0]], [0.0, 0.0]) == 3.0
    with pytest.raises(CompileError, match="would change the graph"):
        step([[-3.0], [1.0]], [0.0, 0.0])


def test_numpy_is_imported_only_by_the_batched_replay():
    check = ("import sys, microopt.train, microopt.train.compile; print('numpy' in sys.modules); "
             "import microopt.train.batched; print('numpy' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", check], capture_output=True, text=True, check=True)
    assert result.stdout.split() == ["False", "True"]

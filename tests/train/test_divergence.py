"""Divergence: training stops at the first bad step, says where and with which lr, keeps the history."""

import math

import pytest

from microopt.optim import SGD, Optimizer
from microopt.train import DivergenceError, fit, race
from tests.train.conftest import small_model


def scripted_loss(values):
    """A loss that reports the given numbers, one per step (its gradient reaches the model)."""
    script = iter(values)

    def loss(outputs, targets):
        return outputs[0] * 0.0 + next(script)

    return loss


def test_a_too_large_learning_rate_raises_with_the_step_and_lr(curve):
    model = small_model(nin=1)
    with pytest.raises(DivergenceError) as caught:
        fit(model, SGD(model.parameters(), lr=100.0), curve, epochs=50, progress=False)
    error = caught.value
    assert error.lr == 100.0 and error.step > 0
    assert f"Training diverged at step {error.step} (epoch {error.epoch}) with lr = 100" in str(error)
    assert "Try a smaller learning rate, e.g. 10 (10x smaller)" in str(error)
    # the history stops just before the step that diverged
    assert len(error.history.steps) == error.step and error.history.stop_reason == "diverged"
    first = error.history.steps[0]["loss"]
    assert not error.loss <= 1e3 * first  # inf, nan, or more than 1000 times the first loss


def test_a_nan_loss_stops_training_at_once(curve):
    model = small_model(nin=1)
    with pytest.raises(DivergenceError, match=r"at step 2 \(epoch 2\) with lr = 0.1: the loss became nan"):
        fit(model, SGD(model.parameters(), lr=0.1), curve, epochs=5, progress=False,
            loss=scripted_loss([1.0, 0.5, math.nan, 0.1]))


@pytest.mark.parametrize("factor, diverges", [(1e3, True), (1e4, False), (None, False)])
def test_divergence_factor_sets_how_much_growth_counts_as_divergence(curve, factor, diverges):
    model = small_model(nin=1)
    run = dict(epochs=3, progress=False, loss=scripted_loss([2.0, 2500.0, 3000.0]), divergence_factor=factor)
    if diverges:
        with pytest.raises(DivergenceError, match=r"the loss 2500 is more than 1000 times the first loss 2"):
            fit(model, SGD(model.parameters(), lr=0.1), curve, **run)
    else:
        history = fit(model, SGD(model.parameters(), lr=0.1), curve, **run)
        assert history.column("loss", per="step") == [2.0, 2500.0, 3000.0]


def test_an_infinite_loss_diverges_even_without_a_factor(curve):
    model = small_model(nin=1)
    with pytest.raises(DivergenceError, match="the loss became inf"):
        fit(model, SGD(model.parameters(), lr=0.1), curve, epochs=3, progress=False, divergence_factor=None,
            loss=scripted_loss([1.0, math.inf]))


def test_an_overflow_in_the_forward_pass_is_divergence(curve):
    model = small_model(nin=1)

    def exponential_loss(outputs, targets):
        return (outputs[0] * 1e6).exp() if outputs[0].data > 0 else (outputs[0] * -1e6).exp()

    with pytest.raises(DivergenceError, match=r"at step 0 .*a number overflowed in the forward pass") as caught:
        fit(model, SGD(model.parameters(), lr=0.1), curve, epochs=1, progress=False, loss=exponential_loss)
    assert isinstance(caught.value.__cause__, OverflowError) and caught.value.loss == math.inf


def test_a_resumed_run_compares_with_the_first_loss_of_the_whole_run(curve):
    model = small_model(nin=1)
    optimizer = SGD(model.parameters(), lr=0.1)
    history = fit(model, optimizer, curve, epochs=1, progress=False, loss=scripted_loss([1.0]))
    with pytest.raises(DivergenceError, match=r"at step 1 .*more than 1000 times the first loss 1\b"):
        fit(model, optimizer, curve, epochs=2, progress=False, loss=scripted_loss([1500.0]), history=history)


class CubedSGD(Optimizer):
    """A student's optimizer, θ ← θ - lr · g³: Python's ``**`` raises OverflowError past 1e308."""

    def __init__(self, params, lr=0.1):
        super().__init__(params, {"lr": lr})

    def update(self, p, state, *, lr):
        p.data -= lr * p.grad ** 3


def test_an_overflow_in_the_optimizer_step_is_divergence(curve):
    model = small_model(nin=1)
    with pytest.raises(DivergenceError, match=r"at step 0 .*overflowed in the optimizer step") as caught:
        fit(model, CubedSGD(model.parameters()), curve, epochs=1, progress=False,
            loss=lambda outputs, targets: outputs[0] * 1e200)
    assert isinstance(caught.value.__cause__, OverflowError)
    assert caught.value.history.steps == []  # the step that failed is not recorded


class Cliff:
    """f(x, y) = 1e200 x: finite, but its gradient cubed is not."""

    name, start, minimum_value = "cliff", (1.0, 0.0), None

    def __call__(self, x, y):
        return x * 1e200 + y * 0.0


def test_a_race_reports_an_overflow_in_the_optimizer_step():
    result = race({"cubed": CubedSGD}, Cliff(), steps=3)
    run = result["cubed"]
    assert run.diverged and run.diverged_at == 0 and "overflowed in the optimizer step" in run.message
    assert run.losses == [1e200] and run.trajectory == [(1.0, 0.0)] and run.final_loss == math.inf

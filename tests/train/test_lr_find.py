"""lr_find: the range test on problems whose stable learning rates are known by hand.

On f(w) = (a w)², the mean squared error of the one-weight model w·x on the single sample
(x, t) = (a, 0), the curvature is L = f''(w) = 2a², and gradient descent converges exactly when
lr < 2/L: each step multiplies w by (1 - lr·L). The suggestion must land below that limit, and
the test can only stop on divergence once the lr has passed it.
"""

import doctest
import importlib
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from microopt.data import make_moons
from microopt.engine.value import Value
from microopt.nn import MLP, Module
from microopt.optim import SGD, Adam
from microopt.train import LRFinderResult, fit, lr_find


class Scale(Module):
    """The model w·x: one weight, no bias."""

    def __init__(self, w: float = 3.0) -> None:
        self.w = Value(w)

    def forward(self, x):
        return self.w * x[0]


def bowl(a: float, **options) -> LRFinderResult:
    """The range test on f(w) = (a w)², curvature L = 2a², from w = 3."""
    model = Scale()
    return lr_find(model, SGD(model.parameters(), lr=0.1), ([[a]], [0.0]), loss="mse", **options)


def test_the_ramp_is_exponential_from_start_to_end():
    result = bowl(0.1, start_lr=1e-4, end_lr=1.0, num_steps=41)  # limit 2/L = 100: never diverges
    assert not result.diverged and result.reason is None and len(result.lrs) == 41
    assert result.lrs[0] == 1e-4 and result.lrs[-1] == pytest.approx(1.0, rel=1e-12)
    # four decades in 40 steps: every step multiplies the lr by 10^(1/10)
    ratios = [b / a for a, b in zip(result.lrs, result.lrs[1:])]
    assert ratios == pytest.approx([10 ** 0.1] * 40, rel=1e-12)


def test_the_losses_are_the_bowl_under_gradient_descent_and_the_smoothing_is_adams_bias_correction():
    a, beta = 0.5, 0.9
    result = bowl(a, start_lr=0.01, end_lr=1.0, num_steps=20, beta=beta)
    w, expected = 3.0, []
    for lr in result.lrs:  # by hand: loss (a w)², then w ← w - lr · 2a² w
        expected.append((a * w) ** 2)
        w -= lr * 2 * a * a * w
    assert result.losses == pytest.approx(expected, rel=1e-12)
    avg = 0.0
    for i, (loss, smoothed) in enumerate(zip(result.losses, result.smoothed_losses)):
        avg = beta * avg + (1 - beta) * loss
        assert smoothed == pytest.approx(avg / (1 - beta ** (i + 1)), rel=1e-12)
    assert result.smoothed_losses[0] == result.losses[0]  # bias correction: no pull towards 0 at the start


@settings(max_examples=25, deadline=None)
@given(a=st.floats(0.5, 100.0), num_steps=st.integers(50, 300))
def test_the_suggestions_land_inside_the_stable_range(a, num_steps):
    limit = 2 / (2 * a * a)  # 2/L
    result = bowl(a, num_steps=num_steps)
    for suggestion in (result.steepest_lr, result.minimum_lr):
        assert limit / 100 < suggestion < limit
    # below the limit the loss only falls, so a stop on divergence comes from past the limit
    if result.diverged:
        assert result.lrs[-1] > limit
    if 10.0 >= 20 * limit:  # end_lr = 10 goes far past the limit: the test must have stopped
        assert result.diverged and len(result.lrs) < num_steps


def test_the_suggestion_is_inside_the_stable_range_of_a_two_weight_regression():
    # y = w x + b with MSE on x = 1, 2, 3: Hessian H = (2/N) Σ [x, 1]ᵀ[x, 1] = (2/3) [[14, 6], [6, 3]]
    X, y = [[1.0], [2.0], [3.0]], [2.0, 3.0, 5.0]
    trace, det = (2 / 3) * 17, (2 / 3) ** 2 * (14 * 3 - 36)
    largest = trace / 2 + math.sqrt(trace ** 2 / 4 - det)
    limit = 2 / largest
    model = MLP(1, [1])
    result = lr_find(model, SGD(model.parameters(), lr=0.1), (X, y), loss="mse")
    assert result.diverged and result.lrs[-1] > limit
    assert limit / 100 < result.suggestion < limit
    assert result.suggestion == result.steepest_lr


def test_divergence_stops_the_test_and_says_why():
    result = bowl(10.0, num_steps=100)  # limit 0.01, the ramp ends at 10
    assert result.diverged and len(result.lrs) < 100
    assert "exceeded 4 times its minimum" in result.reason
    assert result.smoothed_losses[-1] > 4 * min(result.smoothed_losses)
    assert all(s <= 4 * min(result.smoothed_losses[:i + 1]) for i, s in enumerate(result.smoothed_losses[:-1]))
    without_factor = bowl(10.0, num_steps=400, stop_factor=None)  # runs until floats give up
    assert without_factor.diverged and len(without_factor.lrs) < 400
    assert "inf" in without_factor.reason or "overflowed" in without_factor.reason
    assert len(without_factor.lrs) > len(bowl(10.0, num_steps=400).lrs)


def test_the_minimum_and_steepest_suggestions_read_the_trimmed_smoothed_curve():
    result = bowl(5.0, num_steps=100)
    start, end = 100 // 10, len(result.lrs) - 5  # fast.ai's trim: the first 10% and the last 5 steps
    lrs, smoothed = result.lrs[start:end], result.smoothed_losses[start:end]
    assert result.minimum_lr == lrs[smoothed.index(min(smoothed))] / 10
    slopes = [(s1 - s0) / math.log(l1 / l0) for l0, l1, s0, s1 in zip(lrs, lrs[1:], smoothed, smoothed[1:])]
    assert result.steepest_lr == lrs[slopes.index(min(slopes))]
    minimum = bowl(5.0, num_steps=100, suggestion="minimum")
    assert minimum.suggestion == minimum.minimum_lr == result.minimum_lr


def test_model_and_optimizer_are_restored():
    data = make_moons(24, noise=0.1, seed=0)
    model = MLP(2, [4, 1], activation="tanh")
    optimizer = Adam(model.parameters(), lr=0.01)
    fit(model, optimizer, data, epochs=3, progress=False)  # Adam now has m, v and a step count
    for p in model.parameters():
        p.grad = 0.25
    weights, state, count = model.state_dict(), optimizer.state_dict(), optimizer._step_count
    result = lr_find(model, optimizer, data, batch_size=8, num_steps=30)
    assert len(result.lrs) > 5  # it trained: the weights moved during the test
    assert model.state_dict() == weights
    assert optimizer.state_dict() == state and optimizer.param_groups[0]["lr"] == 0.01
    assert optimizer._step_count == count == 3  # the count schedulers read
    assert all(p.grad == 0.25 for p in model.parameters())


def test_restored_even_when_the_loss_raises():
    model = Scale()
    optimizer = SGD(model.parameters(), lr=0.1)

    def broken(outputs, targets):
        raise RuntimeError("a bug in the loss")

    with pytest.raises(RuntimeError, match="a bug in the loss"):
        lr_find(model, optimizer, ([[1.0]], [0.0]), loss=broken)
    assert model.w.data == 3.0 and optimizer.param_groups[0]["lr"] == 0.1


def test_a_loss_that_is_infinite_at_once_gives_no_suggestion():
    model = Scale(w=1e200)
    result = lr_find(model, SGD(model.parameters(), lr=0.1), ([[1e200]], [0.0]), loss="mse")
    assert result.diverged and result.lrs == [] and "inf" in result.reason
    assert result.suggestion is None and result.steepest_lr is None and result.minimum_lr is None


def test_minibatches_cycle_through_the_data():
    data = make_moons(20, noise=0.1, seed=0)
    model = MLP(2, [4, 1], activation="tanh")
    result = lr_find(model, SGD(model.parameters(), lr=0.1), data, batch_size=5, num_steps=12, end_lr=1e-3)
    assert len(result.lrs) == 12 and not result.diverged  # 4 batches per pass, three passes
    assert len(set(result.losses)) > 1  # each step sees another batch


def test_table_and_repr():
    result = bowl(5.0, num_steps=50)
    assert "lr range test" in result.table() and "stopped at step" in str(result)
    assert repr(result).startswith("LRFinderResult(") and "diverged=True" in repr(result)


@pytest.mark.parametrize("options, message", [
    ({"start_lr": 0.0}, "Invalid start_lr: 0.0 (must be a finite number > 0)"),
    ({"start_lr": math.nan}, "Invalid start_lr: nan"),
    ({"end_lr": 1e-8}, "Invalid end_lr: 1e-08 (must be a finite number > 1e-07)"),
    ({"num_steps": 1}, "Invalid num_steps: 1 (must be a whole number >= 2)"),
    ({"num_steps": 10.5}, "Invalid num_steps: 10.5"),
    ({"beta": 1.0}, "Invalid beta: 1.0 (must be a finite number >= 0 and < 1)"),
    ({"stop_factor": 1.0}, "Invalid stop_factor: 1.0 (must be a finite number > 1)"),
    ({"batch_size": 0}, "Invalid batch_size: 0 (must be a whole number >= 1)"),
    ({"suggestion": "valley"}, "Invalid suggestion: 'valley' (must be 'steepest' or 'minimum')"),
])
def test_bad_settings_are_refused(options, message):
    model = Scale()
    with pytest.raises(ValueError) as error:
        lr_find(model, SGD(model.parameters(), lr=0.1), ([[1.0]], [0.0]), loss="mse", **options)
    assert str(error.value).startswith(message)


def test_a_model_or_optimizer_of_the_wrong_kind_is_refused():
    model = Scale()
    with pytest.raises(TypeError, match="needs a microopt.nn.Module"):
        lr_find(lambda x: x[0], SGD(model.parameters(), lr=0.1), ([[1.0]], [0.0]), loss="mse")
    with pytest.raises(TypeError, match="needs a microopt optimizer"):
        lr_find(model, "sgd", ([[1.0]], [0.0]), loss="mse")
    with pytest.raises(TypeError, match="must be a pair"):
        lr_find(model, SGD(model.parameters(), lr=0.1), [[1.0]], loss="mse")


def test_docstring_example():
    # (microopt.train.lr_find is the function: the module is reached through importlib)
    result = doctest.testmod(importlib.import_module("microopt.train.lr_find"))
    assert result.attempted > 0 and result.failed == 0

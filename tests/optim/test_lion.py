"""Lion has no torch.optim reference: check it against the paper's equations, written here
independently with plain floats and a hand-derived gradient, and against steps worked by hand.

Chen et al. (2023), "Symbolic Discovery of Optimization Algorithms", Algorithm 2:
    c = β1·m + (1 - β1)·g
    θ = θ - η·(sign(c) + λ·θ)
    m = β2·m + (1 - β2)·g
"""

from __future__ import annotations

import math

import pytest

from microopt import Value
from microopt.optim import Lion
from tests.fixtures.generate_optim_fixtures import PROBLEMS


def rosenbrock_gradient(x, y):
    # f = (1 - x)² + 100 (y - x²)²,  df/dx = -2(1 - x) - 400 x (y - x²),  df/dy = 200 (y - x²)
    return [-2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x)]


def paper_lion(theta, lr, beta1, beta2, wd, steps):
    """Algorithm 2 of the paper, verbatim, on Rosenbrock; returns θ after each step."""
    theta, m, out = list(theta), [0.0] * len(theta), []
    for _ in range(steps):
        g = rosenbrock_gradient(*theta)
        for i in range(len(theta)):
            c = beta1 * m[i] + (1 - beta1) * g[i]
            sign_c = 1.0 if c > 0 else -1.0 if c < 0 else 0.0
            theta[i] = theta[i] - lr * (sign_c + wd * theta[i])
            m[i] = beta2 * m[i] + (1 - beta2) * g[i]
        out.append(list(theta))
    return out


@pytest.mark.parametrize("lr, betas, wd", [
    (1e-4, (0.9, 0.99), 0.0),  # the paper's defaults
    (0.05, (0.9, 0.99), 0.0),
    (0.05, (0.95, 0.98), 0.1),
    (0.02, (0.5, 0.999), 1.0),
])
def test_matches_the_papers_algorithm_on_rosenbrock(lr, betas, wd):
    loss_fn, start = PROBLEMS["rosenbrock"]
    expected = paper_lion(start, lr, *betas, wd, steps=30)
    params = [Value(x) for x in start]
    opt = Lion(params, lr=lr, betas=betas, weight_decay=wd)
    for step in range(30):
        opt.zero_grad()
        loss_fn(params).backward()
        opt.step()
        for ours, theirs in zip(params, expected[step]):
            # θ(1 - ηλ) - η·sign(c) and θ - η(sign(c) + λθ) round differently: 1e-12, not exact
            assert math.isclose(ours.data, theirs, rel_tol=1e-12, abs_tol=1e-14), step
    assert params[0].data != start[0]


def test_first_two_steps_by_hand():
    # f(w) = w², w0 = 1, lr 0.1, betas (0.9, 0.99), weight decay 0.5
    # step 1: g = 2,   c = 0.1·2 = 0.2 > 0,             w = 1·(1 - 0.05) - 0.1 = 0.85
    #         m = 0.01·2 = 0.02
    # step 2: g = 1.7, c = 0.9·0.02 + 0.1·1.7 = 0.188,   w = 0.85·0.95 - 0.1 = 0.7075
    #         m = 0.99·0.02 + 0.01·1.7 = 0.0368
    w = Value(1.0)
    opt = Lion([w], lr=0.1, weight_decay=0.5)
    w.grad = 2 * w.data
    opt.step()
    assert w.data == pytest.approx(0.85, abs=1e-15)
    assert opt.state[w]["m"] == pytest.approx(0.02, abs=1e-15)
    w.grad = 2 * w.data
    opt.step()
    assert w.data == pytest.approx(0.7075, abs=1e-15)
    assert opt.state[w]["m"] == pytest.approx(0.0368, abs=1e-15)


def test_every_step_has_size_lr_whatever_the_gradient():
    for grad in (1e-9, 3.0, -1e6):
        w = Value(0.0)
        opt = Lion([w], lr=0.01)
        w.grad = grad
        opt.step()
        assert w.data == -math.copysign(0.01, grad)


def test_sign_of_zero_is_zero_so_a_zero_gradient_does_not_move():
    w = Value(0.7)
    opt = Lion([w], lr=0.1)
    opt.step()  # grad 0.0 and m 0: c = 0
    assert w.data == 0.7


@pytest.mark.parametrize("g2, expected", [
    # c = 0.9·0.01 - 0.1·0.2 = -0.011 < 0: w moves back up. Mixing with β2 instead of β1
    # would give c = 0.99·0.01 - 0.01·0.2 > 0 and w = -0.2.
    (-0.2, 0.0),
    # c = 0.9·0.01 - 0.1·0.085 = +0.0005 > 0: w keeps going down. Updating m before the step
    # would give c = 0.9·(0.99·0.01 - 0.01·0.085) - 0.0085 < 0 and w = 0.
    (-0.085, -0.2),
])
def test_step_mixes_with_beta1_before_m_is_updated_with_beta2(g2, expected):
    w = Value(0.0)
    opt = Lion([w], lr=0.1)
    w.grad = 1.0
    opt.step()  # c = 0.1 > 0: w = -0.1, m = 0.01
    w.grad = g2
    opt.step()
    assert w.data == pytest.approx(expected, abs=1e-15)

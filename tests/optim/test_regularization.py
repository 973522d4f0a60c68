"""Penalties, and the statements of microopt/optim/regularization.py about weight decay, proved."""

from __future__ import annotations

import math

import pytest

import microopt.optim as optim
from microopt import Value
from microopt.optim import SGD, Adam, AdamW, l1_penalty, l2_penalty
from tests.fixtures.generate_optim_fixtures import PROBLEMS

LAMBDA = 0.1


def test_l1_value_and_gradient_by_hand():
    ws = [Value(-2.0), Value(3.0), Value(0.0)]
    penalty = l1_penalty(ws, 0.5)
    assert penalty.data == 2.5  # 0.5 · (2 + 3 + 0)
    penalty.backward()
    assert [w.grad for w in ws] == [-0.5, 0.5, 0.0]  # 0.5 · sign(w), sign(0) = 0


def test_l2_value_and_gradient_by_hand():
    ws = [Value(-2.0), Value(3.0)]
    penalty = l2_penalty(ws, 0.5)
    assert penalty.data == 3.25  # 0.5/2 · (4 + 9)
    penalty.backward()
    assert [w.grad for w in ws] == [-1.0, 1.5]  # 0.5 · w


def test_penalties_are_one_sum_node():
    ws = [Value(float(i)) for i in range(50)]
    for penalty in (l1_penalty(ws, 1.0), l2_penalty(ws, 1.0)):
        (product,) = [n for n in penalty.parents if n.op == "sum"]
        assert len(product.parents) == 50


def test_penalties_refuse_bad_input():
    with pytest.raises(ValueError, match=r"Invalid l2_penalty strength: -1 \(must be a number >= 0\)"):
        l2_penalty([Value(1.0)], -1)
    with pytest.raises(ValueError, match="l1_penalty got an empty parameter list"):
        l1_penalty([], 0.1)
    with pytest.raises(TypeError, match="l2_penalty needs Values, got float: 2.0"):
        l2_penalty([Value(1.0), 2.0], 0.1)


def run(make_optimizer, penalty_strength=0.0, steps=30, problem="mlp"):
    """Train on a fixture problem, optionally adding l2_penalty to the loss; θ after each step."""
    loss_fn, start = PROBLEMS[problem]
    params = [Value(x) for x in start]
    optimizer = make_optimizer(params)
    trajectory = []
    for _ in range(steps):
        optimizer.zero_grad()
        loss = loss_fn(params)
        if penalty_strength:
            loss = loss + l2_penalty(params, penalty_strength)
        loss.backward()
        optimizer.step()
        trajectory.append([p.data for p in params])
    return trajectory


def max_difference(a, b):
    return max(abs(x - y) for row_a, row_b in zip(a, b) for x, y in zip(row_a, row_b))


@pytest.mark.parametrize("problem", ["mlp", "rosenbrock"])
def test_sgd_l2_penalty_is_weight_decay(problem):
    # d/dθ (λ/2 θ²) = λθ, which is exactly what weight_decay=λ adds to the gradient
    lr = 0.1 if problem == "mlp" else 1e-3
    with_penalty = run(lambda ps: SGD(ps, lr=lr, momentum=0.9), LAMBDA, problem=problem)
    with_decay = run(lambda ps: SGD(ps, lr=lr, momentum=0.9, weight_decay=LAMBDA), problem=problem)
    # bit for bit: backward() computes (2θ)·(λ/2), which rounds exactly as λ·θ does
    assert with_penalty == with_decay
    assert max_difference(with_decay, run(lambda ps: SGD(ps, lr=lr, momentum=0.9), problem=problem)) > 1e-3


def test_sgd_coupled_and_decoupled_decay_coincide():
    # θ(1 - γλ) - γg  =  θ - γ(g + λθ): for plain SGD the two kinds of decay are one
    w_coupled, w_decoupled = Value(2.0), Value(2.0)
    coupled = SGD([w_coupled], lr=0.1, weight_decay=LAMBDA)
    plain = SGD([w_decoupled], lr=0.1)
    for _ in range(10):
        w_coupled.grad = math.cos(w_coupled.data)
        coupled.step()
        w_decoupled.grad = math.cos(w_decoupled.data)
        w_decoupled.data *= 1 - 0.1 * LAMBDA
        plain.step()
    assert w_coupled.data == pytest.approx(w_decoupled.data, rel=1e-14)


@pytest.mark.parametrize("name", ["Adagrad", "RMSprop", "Adadelta", "Adam", "Adamax", "NAdam", "RAdam"])
def test_every_coupled_weight_decay_is_the_l2_penalty(name):
    make = getattr(optim, name)
    with_penalty = run(lambda ps: make(ps, lr=0.01), LAMBDA)
    assert with_penalty == run(lambda ps: make(ps, lr=0.01, weight_decay=LAMBDA))  # bit for bit


def test_adam_l2_penalty_is_adams_weight_decay_but_not_adamws():
    with_penalty = run(lambda ps: Adam(ps, lr=0.01), LAMBDA)
    decoupled = run(lambda ps: AdamW(ps, lr=0.01, weight_decay=LAMBDA))
    # AdamW shrinks θ by (1 - γλ) outside the adaptive step: a different trajectory, not a
    # rounding difference
    assert max_difference(with_penalty, decoupled) > 1e-4
    assert AdamW([Value(1.0)], weight_decay=LAMBDA).defaults["decoupled_weight_decay"]


def test_adam_coupled_decay_is_divided_by_sqrt_v_while_adamw_decay_is_not():
    # A weight with a huge constant gradient: coupled decay λθ is drowned in g and barely
    # changes the step; decoupled decay removes exactly γλθ whatever g is.
    def final(optimizer_class, **kwargs):
        w = Value(1.0)
        opt = optimizer_class([w], lr=0.01, **kwargs)
        for _ in range(5):
            w.grad = 1000.0
            opt.step()
        return w.data

    no_decay = final(Adam)
    coupled = final(Adam, weight_decay=LAMBDA)
    decoupled = final(Adam, weight_decay=LAMBDA, decoupled_weight_decay=True)
    assert abs(coupled - no_decay) < 1e-6
    # five times γλθ with θ going from 1 down to about 0.95: close to 5γλ, a little less
    assert decoupled - no_decay == pytest.approx(-5 * 0.01 * LAMBDA, rel=0.03)

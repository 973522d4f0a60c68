"""check_optimizer on an optimizer written as two pure functions (optax's init/update), any state layout.

What decides is what the pair computes, as for a class: the parameters after each step
against PyTorch's rules (torch.optim.Adam's per-step formulas, which microopt's Adam matches:
tests/optim). Where the state's names can be read (t/step/count, m/mu, v/nu), the message
names the quantity that differs first.
"""

from __future__ import annotations

import math
from collections import namedtuple

import pytest

from microopt.exercises import check_optimizer
from microopt.exercises.functional import per_parameter
from microopt.exercises.mistakes import NEGATIVE_V_HINT

State = namedtuple("State", "count mu nu")  # optax's ScaleByAdamState names


def adam_init(params):
    return {"t": 0, "m": [0.0] * len(params), "v": [0.0] * len(params)}


def adam_update(params, grads, state, *, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0):
    beta1, beta2 = betas
    t = state["t"] + 1
    new_params, m, v = [], [], []
    for theta, grad, m_before, v_before in zip(params, grads, state["m"], state["v"]):
        g = grad + weight_decay * theta
        m.append(beta1 * m_before + (1 - beta1) * g)
        v.append(beta2 * v_before + (1 - beta2) * g * g)
        m_hat, v_hat = m[-1] / (1 - beta1 ** t), v[-1] / (1 - beta2 ** t)
        new_params.append(theta - lr * m_hat / (math.sqrt(v_hat) + eps))
    return new_params, {"t": t, "m": m, "v": v}


def optax_init(params):
    return State(0, [0.0] * len(params), [0.0] * len(params))


def _optax_update(forget_square: bool):
    def optax_update(params, grads, state, *, lr=1e-3, betas=(0.9, 0.999), eps=1e-8):
        beta1, beta2 = betas
        count = state.count + 1
        mu = [beta1 * m + (1 - beta1) * g for m, g in zip(state.mu, grads)]
        nu = [beta2 * v + (1 - beta2) * (g if forget_square else g * g) for v, g in zip(state.nu, grads)]
        return ([p - lr * (m / (1 - beta1 ** count)) / (math.sqrt(abs(v) / (1 - beta2 ** count)) + eps)
                 for p, m, v in zip(params, mu, nu)], State(count, mu, nu))
    return optax_update


def _failure(student, *args, **kwargs) -> str:
    with pytest.raises(AssertionError) as failure:
        check_optimizer(student, *args, steps=5, **kwargs)
    return str(failure.value)


def test_a_correct_pair_passes_whatever_its_state_layout(capsys):
    check_optimizer((adam_init, adam_update), "Adam", lr=0.01, weight_decay=0.1, steps=5)
    assert capsys.readouterr().out == (
        "check_optimizer: adam_update matches Adam(lr=0.01, weight_decay=0.1) on 3 problems x 5 steps "
        "(quantities compared by name: state step, state m, state v).\n")
    check_optimizer((optax_init, _optax_update(False)), "Adam", lr=0.05, betas=(0.8, 0.99), steps=5, verbose=False)


def test_a_wrong_pair_gets_the_first_differing_quantity_under_the_references_name_and_its_hint():
    message = _failure((optax_init, _optax_update(True)), "Adam", lr=0.01)
    assert message.startswith("optax_update differs from Adam(lr=0.01) on the tilted bowl")
    assert "your state['nu'] (read as v) differs first" in message
    assert message.endswith(f"Hint: {NEGATIVE_V_HINT}")  # g instead of g²: v went negative


def test_the_state_is_read_per_parameter_from_any_layout():
    assert per_parameter({"t": 3, "m": [1.0, 2.0], "v": [3.0, 4.0]}, 2) == [
        {"t": 3, "m": 1.0, "v": 3.0}, {"t": 3, "m": 2.0, "v": 4.0}]
    assert per_parameter(State(2, [0.5], [0.25]), 1) == [{"count": 2, "mu": 0.5, "nu": 0.25}]
    assert per_parameter([{"m": 1.0}, {"m": 2.0}], 2) == [{"m": 1.0}, {"m": 2.0}]
    assert per_parameter("opaque", 2) == [{}, {}]


def test_a_pair_that_returns_the_wrong_shape_or_whose_init_fails_is_told_what_to_return():
    def update(params, grads, state, *, lr=1e-3):
        return [p - lr * g for p, g in zip(params, grads)]  # forgot the state

    assert ("update() raised TypeError at step 1 on the tilted bowl f(x, y) = (x-1)² + 5(y+0.5)² + xy + tanh(x+y): "
            "update returned [") in _failure((adam_init, update), "SGD", lr=0.1)
    assert "it must return (the new values of the 2 parameters as a list, the new state)" in _failure(
        (adam_init, update), "SGD", lr=0.1)

    def broken_init(params):
        return {"m": [0.0] * len(params[5])}

    assert _failure((broken_init, adam_update), "Adam", lr=0.1).startswith(
        "broken_init() failed: IndexError: list index out of range. init takes the list of the parameters' values.")


def test_a_pair_that_runs_microopts_adam_is_refused():
    def delegating_update(params, grads, state, *, lr=1e-3):
        from microopt import Value
        from microopt.optim import Adam

        weights = [Value(p) for p in params]
        for w, g in zip(weights, grads):
            w.grad = g
        Adam(weights, lr=lr).step()
        return [w.data for w in weights], state

    assert _failure((adam_init, delegating_update), "Adam", lr=0.01).startswith(
        "delegating_update() called microopt's own Adam.update at step 1")


def test_a_wrong_default_of_the_update_is_named():
    def update(params, grads, state, *, lr=1e-3, betas=(0.9, 0.99), eps=1e-8, weight_decay=0.0):
        return adam_update(params, grads, state, lr=lr, betas=betas, eps=eps, weight_decay=weight_decay)

    assert "Hint: your default betas=(0.9, 0.99) differs from Adam's betas=(0.9, 0.999)" in _failure(
        (adam_init, update), "Adam", lr=0.01)

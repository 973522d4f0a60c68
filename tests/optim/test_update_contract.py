"""The per-parameter contract that microopt.teach relies on.

``Optimizer.step()`` calls ``update(p, state, **hyperparameters)`` for each parameter, and the
quantities of each docstring's equations are plain locals of ``update`` with the docstring's
names, the applied step being ``update``. The tracer reads those locals when update returns;
this test reads them the same way (sys.settrace) and checks names and values.
"""

from __future__ import annotations

import sys

import pytest

import microopt.optim as optim
from microopt import Value


def locals_at_return(optimizer, grad, data=1.5, steps=6):
    """Step one parameter ``steps`` times; the locals of update() and θ before/after the last step."""
    code = type(optimizer).update.__code__
    captured = {}

    def tracer(frame, event, arg):
        if frame.f_code is code:
            def local_tracer(frame, event, arg):
                if event == "return":
                    captured.update(frame.f_locals)
                return local_tracer
            return local_tracer
        return None

    p = optimizer.param_groups[0]["params"][0]
    p.data = data
    for _ in range(steps):
        p.grad = grad
        before = p.data
        sys.settrace(tracer)
        try:
            optimizer.step()
        finally:
            sys.settrace(None)
    return captured, before, p.data


# (optimizer, kwargs, names the docstring promises as locals)
CASES = [
    ("SGD", {"lr": 0.1}, {"g", "direction", "update"}),
    ("SGD", {"lr": 0.1, "momentum": 0.9, "nesterov": True}, {"g", "b", "direction", "update"}),
    ("Adagrad", {}, {"g", "t", "clr", "sum_sq", "update"}),
    ("RMSprop", {"centered": True, "momentum": 0.5}, {"g", "square_avg", "grad_avg", "avg", "b", "update"}),
    ("Adadelta", {}, {"g", "square_avg", "delta", "acc_delta", "update"}),
    ("Adam", {"amsgrad": True}, {"g", "t", "m", "v", "v_max", "m_hat", "v_hat", "update"}),
    ("AdamW", {"weight_decay": 0.0}, {"g", "t", "m", "v", "m_hat", "v_hat", "update"}),
    ("Adamax", {}, {"g", "t", "m", "u", "update"}),
    ("NAdam", {}, {"g", "t", "mu", "mu_next", "mu_product", "m", "v", "v_hat", "denom", "update"}),
    ("RAdam", {"betas": (0.9, 0.9)}, {"g", "t", "m", "v", "m_hat", "rho_inf", "rho_t", "r",
                                      "adaptive_lr", "update"}),
    ("Lion", {}, {"g", "c", "update", "m"}),
    ("Rprop", {}, {"g", "s", "factor", "step_size", "update"}),
]


@pytest.mark.parametrize("name, kwargs, names", CASES, ids=[f"{c[0]}{c[1]}" for c in CASES])
def test_update_exposes_the_docstrings_quantities(name, kwargs, names):
    optimizer = getattr(optim, name)([Value(0.0)], **kwargs)
    found, before, after = locals_at_return(optimizer, grad=0.8)  # at t = 6
    assert names <= set(found), f"missing {names - set(found)}"
    # `update` is the step actually applied: θ_after = θ_before - update
    assert after == before - found["update"]
    # and the gradient the equations start from
    assert found["g"] == 0.8


def test_state_buffers_carry_the_docstrings_names():
    expected = {
        "SGD": {"momentum_buffer"}, "Adagrad": {"step", "sum_sq"},
        "RMSprop": {"step", "square_avg", "grad_avg", "momentum_buffer"},
        "Adadelta": {"step", "square_avg", "acc_delta"}, "Adam": {"step", "m", "v", "v_max"},
        "AdamW": {"step", "m", "v"}, "Adamax": {"step", "m", "u"},
        "NAdam": {"step", "mu_product", "m", "v"}, "RAdam": {"step", "m", "v"}, "Lion": {"m"},
        "Rprop": {"step", "prev", "step_size"},
    }
    for name, buffers in expected.items():
        kwargs = {"momentum": 0.9} if name == "SGD" else {"amsgrad": True} if name == "Adam" else {}
        w = Value(1.0)
        opt = getattr(optim, name)([w], **kwargs)
        w.grad = 0.5
        opt.step()
        assert set(opt.state[w]) == buffers, name


def test_the_locals_hold_the_equations_values_for_adam():
    # after one step with g = 0.8: m = 0.1·0.8, v = 0.001·0.64, m_hat = g, v_hat = g²
    optimizer = optim.Adam([Value(0.0)], lr=0.1)
    found, _, _ = locals_at_return(optimizer, grad=0.8, steps=1)
    assert found["t"] == 1
    assert found["m"] == pytest.approx(0.08, rel=1e-15)
    assert found["v"] == pytest.approx(0.00064, rel=1e-12)
    assert found["m_hat"] == pytest.approx(0.8, rel=1e-15)
    assert found["v_hat"] == pytest.approx(0.64, rel=1e-12)
    assert found["update"] == pytest.approx(0.1 * 0.8 / (0.8 + 1e-8), rel=1e-12)


def test_radam_rectifies_from_step_6_with_default_betas():
    # rho_t = 4.996 at t = 5 (plain momentum step: update = lr · m_hat), 5.994 at t = 6
    found, _, _ = locals_at_return(optim.RAdam([Value(0.0)], lr=0.1), grad=0.8, steps=5)
    assert found["rho_t"] == pytest.approx(4.995998, abs=1e-6) and "r" not in found
    assert found["update"] == 0.1 * found["m_hat"]
    found, _, _ = locals_at_return(optim.RAdam([Value(0.0)], lr=0.1), grad=0.8, steps=6)
    assert found["rho_t"] == pytest.approx(5.994164, abs=1e-6) and 0 < found["r"] < 1

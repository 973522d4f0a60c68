"""Properties over random hyperparameters: live against torch.optim when it is importable, and
torch-free facts that hold for every optimizer (lr = 0, maximize, zero gradients, scaling)."""

from __future__ import annotations

import math

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import microopt.optim as optim
from microopt import Value
from microopt.optim.registry import OPTIMIZERS, torch_backed

TORCH_OPTIMIZERS = torch_backed()
ALL_OPTIMIZERS = list(OPTIMIZERS)  # tests/optim/test_registry.py: each has a strategy below


def unit(low=0.0, high=1.0):
    return st.floats(low, high, allow_nan=False, allow_infinity=False)


lr = st.floats(1e-4, 0.1)
decay = st.one_of(st.just(0.0), unit(0.0, 0.5))
betas = st.tuples(unit(0.0, 0.99), unit(0.5, 0.9999))
eps = st.sampled_from([0.0, 1e-10, 1e-8, 1e-3])
flag = st.booleans()

HYPERPARAMETERS = {
    "SGD": st.builds(dict, lr=lr, momentum=unit(0.0, 0.99), dampening=unit(0.0, 1.0),
                     weight_decay=decay, maximize=flag),
    "Adagrad": st.builds(dict, lr=lr, lr_decay=unit(0.0, 0.5), weight_decay=decay,
                         initial_accumulator_value=unit(0.0, 1.0), eps=eps.filter(bool), maximize=flag),
    "RMSprop": st.builds(dict, lr=lr, alpha=unit(0.5, 0.999), eps=eps.filter(bool),
                         weight_decay=decay, momentum=unit(0.0, 0.99), centered=flag, maximize=flag),
    "Adadelta": st.builds(dict, lr=unit(0.1, 1.0), rho=unit(0.0, 1.0), eps=eps.filter(bool),
                          weight_decay=decay, maximize=flag),
    "Adam": st.builds(dict, lr=lr, betas=betas, eps=eps.filter(bool), weight_decay=decay,
                      amsgrad=flag, maximize=flag, decoupled_weight_decay=flag),
    "AdamW": st.builds(dict, lr=lr, betas=betas, eps=eps.filter(bool), weight_decay=decay,
                       amsgrad=flag, maximize=flag),
    "Adamax": st.builds(dict, lr=lr, betas=betas, eps=eps.filter(bool), weight_decay=decay, maximize=flag),
    "NAdam": st.builds(dict, lr=lr, betas=betas, eps=eps.filter(bool), weight_decay=decay,
                       momentum_decay=unit(0.0, 0.1), decoupled_weight_decay=flag, maximize=flag),
    "RAdam": st.builds(dict, lr=lr, betas=betas, eps=eps.filter(bool), weight_decay=decay,
                       decoupled_weight_decay=flag, maximize=flag),
    "Lion": st.builds(dict, lr=lr, betas=betas, weight_decay=decay, maximize=flag),
    "Rprop": st.builds(dict, lr=lr, etas=st.tuples(unit(0.1, 0.9), unit(1.1, 2.0)),
                       step_sizes=st.tuples(unit(0.0, 1e-3), unit(0.01, 50.0)), maximize=flag),
}

start = st.tuples(unit(-2.0, 2.0), unit(-2.0, 2.0))


def f(x, y):
    """A bent valley with a tanh coupling; works on Values and on torch tensors."""
    return (1 - x) ** 2 + 10 * (y - x * x) ** 2 + (x * y).tanh()


def run(name, kwargs, xy, steps=8, loss=f):
    params = [Value(v) for v in xy]
    opt = getattr(optim, name)(params, **kwargs)
    for _ in range(steps):
        opt.zero_grad()
        loss(*params).backward()
        opt.step()
    return [p.data for p in params]


@pytest.mark.parametrize("name", TORCH_OPTIMIZERS)
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), xy=start)
def test_matches_torch_for_any_hyperparameters(name, data, xy):
    torch = pytest.importorskip("torch")
    torch.set_default_dtype(torch.float64)
    kwargs = data.draw(HYPERPARAMETERS[name])
    params = [torch.tensor(v, requires_grad=True) for v in xy]
    opt = getattr(torch.optim, OPTIMIZERS[name].torch)(params, foreach=False, **kwargs)
    for _ in range(8):
        opt.zero_grad()
        f(*params).backward()
        opt.step()
    expected = [p.item() for p in params]
    assume(all(math.isfinite(v) and abs(v) < 1e6 for v in expected))  # skip runs that diverged
    for ours, theirs in zip(run(name, kwargs, xy), expected):
        assert math.isclose(ours, theirs, rel_tol=1e-9, abs_tol=1e-12), (kwargs, ours, theirs)


@pytest.mark.parametrize("name", ALL_OPTIMIZERS)
@settings(max_examples=15, deadline=None)
@given(data=st.data(), xy=start)
def test_zero_learning_rate_never_moves(name, data, xy):
    kwargs = {**data.draw(HYPERPARAMETERS[name]), "lr": 0.0}
    if name == "Rprop":  # lr is only the first step size, which is then clamped to step_sizes
        kwargs["step_sizes"] = (0.0, kwargs["step_sizes"][1])
    assert run(name, kwargs, xy, steps=3) == list(xy)


def bounded(x, y):
    """Bounded gradients, so that climbing it (maximize) cannot overflow."""
    return (x * y).tanh() + (x - 0.5 * y).sin() + (2 * y).cos()


@pytest.mark.parametrize("name", ALL_OPTIMIZERS)
@settings(max_examples=15, deadline=None)
@given(data=st.data(), xy=start)
def test_maximizing_f_is_minimizing_minus_f(name, data, xy):
    kwargs = data.draw(HYPERPARAMETERS[name])
    maximized = run(name, {**kwargs, "maximize": True}, xy, loss=bounded)
    minimized = run(name, {**kwargs, "maximize": False}, xy, loss=lambda x, y: -bounded(x, y))
    assert maximized == minimized  # bit for bit: negation is exact in floating point


@pytest.mark.parametrize("name", ALL_OPTIMIZERS)
@settings(max_examples=10, deadline=None)
@given(data=st.data(), xy=start)
def test_a_zero_gradient_without_weight_decay_leaves_a_fresh_parameter_alone(name, data, xy):
    kwargs = data.draw(HYPERPARAMETERS[name])
    if "weight_decay" in kwargs:
        kwargs["weight_decay"] = 0.0
    params = [Value(v) for v in xy]
    opt = getattr(optim, name)(params, **kwargs)
    for _ in range(3):
        opt.step()  # grads stay 0.0
    assert [p.data for p in params] == list(xy)


@pytest.mark.parametrize("name", ["Adam", "Adamax", "Lion", "Rprop"])
@settings(max_examples=10, deadline=None)
@given(xy=st.tuples(*[unit(-2.0, 2.0).filter(lambda v: v == 0.0 or abs(v) > 1e-3)] * 2),
       scale=st.floats(1e-3, 1e3))
def test_sign_like_optimizers_ignore_the_scale_of_the_loss(name, xy, scale):
    # Without eps, m/√v (Adam), m/u (Adamax), sign(c) (Lion) and sign(g) (Rprop) do not change when g is
    # multiplied by a constant c > 0: these steps depend on the direction of g, not its size.
    # (eps = 1e-300 rather than 0, so that a zero gradient gives 0/eps = 0, not 0/0; and no
    # starts so close to 0 that g² underflows to where eps matters.)
    kwargs = {"lr": 0.01} if name in ("Lion", "Rprop") else {"lr": 0.01, "eps": 1e-300}
    plain = run(name, kwargs, xy, steps=5)
    scaled = run(name, kwargs, xy, steps=5, loss=lambda x, y: scale * f(x, y))
    for a, b in zip(plain, scaled):
        assert math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)

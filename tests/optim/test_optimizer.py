"""The shared machinery: construction, param groups, step, closure, refusals (with their messages)."""

from __future__ import annotations

import math
import operator

import pytest

from microopt import Value
from microopt.optim import (OPTIMIZERS, SGD, Adadelta, Adagrad, Adam, Adamax, AdamW, Lion, NAdam, Optimizer,
                            RAdam, RMSprop, Rprop)
from microopt.optim.registry import torch_backed

ALL = [spec.cls for spec in OPTIMIZERS.values()]


def quadratic_grads(params, centre=1.0):
    """Set grads of f = Σ (w - centre)², so df/dw = 2 (w - centre)."""
    for w in params:
        w.grad = 2.0 * (w.data - centre)


# ----------------------------------------------------------------- worked examples
def test_sgd_first_steps_by_hand():
    # f(w) = w², w0 = 3, lr 0.1, momentum 0.9, dampening 0.5
    # step 1: g = 6, b = g = 6 (no dampening on the first step), w = 3 - 0.6 = 2.4
    # step 2: g = 4.8, b = 0.9 * 6 + 0.5 * 4.8 = 7.8, w = 2.4 - 0.78 = 1.62
    w = Value(3.0)
    opt = SGD([w], lr=0.1, momentum=0.9, dampening=0.5)
    w.grad = 2 * w.data
    opt.step()
    assert w.data == pytest.approx(2.4, abs=1e-15)
    assert opt.state[w]["momentum_buffer"] == 6.0
    w.grad = 2 * w.data
    opt.step()
    assert opt.state[w]["momentum_buffer"] == pytest.approx(7.8, abs=1e-15)
    assert w.data == pytest.approx(1.62, abs=1e-15)


def test_adam_first_step_is_lr_times_sign_of_gradient():
    # t = 1: m = (1-β1) g, v = (1-β2) g², so m_hat = g, v_hat = g², update = lr g/(|g| + eps)
    w = Value(0.5)
    opt = Adam([w], lr=0.01)
    w.grad = -4.0
    opt.step()
    assert w.data == pytest.approx(0.5 + 0.01 * 4.0 / (4.0 + 1e-8), abs=1e-16)
    assert opt.state[w] == {"step": 1, "m": pytest.approx(-0.4), "v": pytest.approx(0.016)}


def test_rprop_steps_by_hand():
    # lr 0.1, etas (0.5, 1.2). g: +2 (first step: size 0.1), +3 (same sign: 0.12),
    # -1 (sign change: size 0.06 and no step), -1 (prev was zeroed: s = 0, step 0.06 upward)
    w = Value(0.0)
    opt = Rprop([w], lr=0.1)
    expected = [(2.0, -0.1), (3.0, -0.22), (-1.0, -0.22), (-1.0, -0.16)]
    for grad, data in expected:
        w.grad = grad
        opt.step()
        assert w.data == pytest.approx(data, abs=1e-15)
    assert opt.state[w]["step_size"] == pytest.approx(0.06, abs=1e-15)


def test_every_optimizer_decreases_a_quadratic():
    for cls in ALL:
        params = [Value(3.0), Value(-2.0)]
        opt = cls(params, lr=0.05) if cls is not Lion else cls(params, lr=0.01)
        start = sum((w.data - 1.0) ** 2 for w in params)
        for _ in range(20):
            quadratic_grads(params)
            opt.step()
        assert sum((w.data - 1.0) ** 2 for w in params) < start, cls.__name__


def test_defaults_are_torchs():
    w = Value(1.0)
    assert SGD([w]).defaults == dict(lr=1e-3, momentum=0, dampening=0, weight_decay=0,
                                     nesterov=False, maximize=False)
    assert Adam([w]).defaults == dict(lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0,
                                      amsgrad=False, maximize=False, decoupled_weight_decay=False)
    assert AdamW([w]).defaults["weight_decay"] == 1e-2
    assert AdamW([w]).defaults["decoupled_weight_decay"] is True
    assert Adagrad([w]).defaults == dict(lr=1e-2, lr_decay=0, weight_decay=0,
                                         initial_accumulator_value=0, eps=1e-10, maximize=False)
    assert RMSprop([w]).defaults == dict(lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0,
                                         momentum=0, centered=False, maximize=False)
    assert Adadelta([w]).defaults == dict(lr=1.0, rho=0.9, eps=1e-6, weight_decay=0, maximize=False)
    assert Adamax([w]).defaults == dict(lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0,
                                        maximize=False)
    assert NAdam([w]).defaults == dict(lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0,
                                       momentum_decay=4e-3, decoupled_weight_decay=False,
                                       maximize=False)
    assert RAdam([w]).defaults == dict(lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0,
                                       decoupled_weight_decay=False, maximize=False)
    assert Lion([w]).defaults == dict(lr=1e-4, betas=(0.9, 0.99), weight_decay=0.0, maximize=False)
    assert Rprop([w]).defaults == dict(lr=1e-2, etas=(0.5, 1.2), step_sizes=(1e-6, 50), maximize=False)


# ----------------------------------------------------------------- construction
def test_a_generator_is_read_once_and_kept():
    params = [Value(1.0), Value(2.0)]
    opt = SGD((w for w in params), lr=0.1)
    assert opt.param_groups[0]["params"] == params
    quadratic_grads(params)
    opt.step()
    assert [w.data for w in params] == [1.0, pytest.approx(1.8)]


def test_param_groups_have_every_hyperparameter_and_their_own_lr():
    a, b = Value(2.0), Value(2.0)
    opt = SGD([{"params": [a]}, {"params": [b], "lr": 0.5}], lr=0.1, momentum=0.9)
    assert opt.param_groups[0]["lr"] == 0.1 and opt.param_groups[1]["lr"] == 0.5
    assert opt.param_groups[1]["momentum"] == 0.9
    a.grad = b.grad = 1.0
    opt.step()
    assert (a.data, b.data) == (pytest.approx(1.9), pytest.approx(1.5))


def test_editing_lr_in_a_group_takes_effect_on_the_next_step():
    w = Value(1.0)
    opt = SGD([w], lr=0.1)
    opt.param_groups[0]["lr"] = 0.0
    w.grad = 5.0
    opt.step()
    assert w.data == 1.0


def test_extra_keys_in_a_group_are_kept_and_ignored_by_update():
    # schedulers store "initial_lr" in each group; update() must not receive it
    w = Value(1.0)
    opt = Adam([{"params": [w], "initial_lr": 0.1, "name": "weights"}], lr=0.1)
    w.grad = 1.0
    opt.step()
    assert opt.param_groups[0]["name"] == "weights"
    assert w.data == pytest.approx(0.9)


def test_add_param_group_fills_defaults():
    a, b = Value(1.0), Value(1.0)
    opt = Adam([a], lr=0.01, betas=[0.8, 0.9])
    opt.add_param_group({"params": b, "eps": 1e-3})
    assert opt.param_groups[1]["params"] == [b]
    assert opt.param_groups[1]["betas"] == (0.8, 0.9)  # lists become tuples, as torch keeps them
    assert opt.param_groups[1]["eps"] == 1e-3


def test_zero_grad_resets_every_group():
    a, b = Value(1.0), Value(1.0)
    opt = SGD([{"params": [a]}, {"params": [b]}])
    a.grad, b.grad = 3.0, -2.0
    opt.zero_grad()
    assert (a.grad, b.grad) == (0.0, 0.0)


def test_state_is_created_empty_on_first_access():
    w = Value(1.0)
    opt = Adam([w])
    assert w not in opt.state
    assert opt.state[w] == {}
    w.grad = 1.0
    opt.step()
    assert set(opt.state[w]) == {"step", "m", "v"}


def test_every_parameter_is_stepped_even_with_zero_gradient():
    # microopt grads are 0.0, never None: weight decay still shrinks a weight with no gradient
    w = Value(2.0)
    SGD([w], lr=0.1, weight_decay=0.5).step()
    assert w.data == pytest.approx(2.0 - 0.1 * 0.5 * 2.0)


def test_step_counts_and_returns_the_closure_loss():
    w = Value(3.0)
    opt = SGD([w], lr=0.25)
    calls = []

    def closure():
        opt.zero_grad()
        loss = w * w
        loss.backward()
        calls.append(loss.data)
        return loss

    loss = opt.step(closure)
    assert loss.data == 9.0 and calls == [9.0]
    assert w.data == 1.5  # the update used the gradient the closure computed: 3 - 0.25 * 6
    assert opt.step() is None
    assert opt._step_count == 2


def test_a_subclass_only_writes_update():
    class SignDescent(Optimizer):
        def __init__(self, params, lr=0.1):
            super().__init__(params, dict(lr=lr))

        def update(self, p, state, *, lr):
            p.data -= lr * math.copysign(1.0, p.grad)

    w = Value(1.0)
    opt = SignDescent([w])
    w.grad = 123.0
    opt.step()
    assert w.data == pytest.approx(0.9)


def test_base_class_update_says_what_to_write():
    with pytest.raises(NotImplementedError, match=r"must define update\(self, p, state"):
        Optimizer([Value(1.0)], {"lr": 0.1}).step()


def test_repr_lists_each_group():
    text = repr(SGD([{"params": [Value(1.0)]}, {"params": [Value(1.0), Value(2.0)], "lr": 0.5}], lr=0.1))
    assert text.startswith("SGD (\nParameter Group 0\n    params: 1 Values")
    assert "Parameter Group 1\n    params: 2 Values" in text and "    lr: 0.5" in text


# ----------------------------------------------------------------- refusals
def test_refuses_an_empty_parameter_list():
    with pytest.raises(ValueError, match="optimizer got an empty parameter list"):
        SGD([])
    with pytest.raises(ValueError, match="empty parameter list in a param group"):
        SGD([{"params": []}])


def test_refuses_a_parameter_given_twice():
    w = Value(1.0)
    with pytest.raises(ValueError, match="lists the same parameter more than once"):
        SGD([w, w])
    with pytest.raises(ValueError, match="some parameters appear in more than one parameter group"):
        SGD([{"params": [w]}, {"params": [Value(2.0), w]}])
    opt = SGD([w])
    with pytest.raises(ValueError, match="more than one parameter group"):
        opt.add_param_group({"params": [w]})


def test_refuses_what_is_not_a_value():
    with pytest.raises(TypeError, match="optimizer can only optimize Values, but one of the params is float: 1.5"):
        SGD([Value(1.0), 1.5])
    with pytest.raises(TypeError, match=r"got a single Value.*Wrap it in a list"):
        SGD(Value(1.0))
    with pytest.raises(TypeError, match="got one dict"):
        SGD({"params": [Value(1.0)]})
    with pytest.raises(TypeError, match="param_group must be a dict, got list"):
        SGD([Value(1.0)]).add_param_group([Value(2.0)])
    with pytest.raises(ValueError, match="param_group has no 'params' key"):
        SGD([Value(1.0)]).add_param_group({"lr": 0.1})


def test_refuses_a_set_because_its_order_is_unstable():
    with pytest.raises(TypeError, match="ordering of Values in sets changes between runs"):
        SGD({Value(1.0), Value(2.0)})
    with pytest.raises(TypeError, match="Please use a list instead"):
        SGD([{"params": {Value(1.0)}}])


def test_refuses_a_non_leaf_value():
    a = Value(1.0)
    with pytest.raises(ValueError, match=r"can't optimize a non-leaf Value: .* computed by '\* 2'"):
        SGD([a * 2])


FINITE_AT_LEAST_ZERO = "(must be a finite number >= 0)."
REFUSED = [
    (SGD, {"lr": -0.1}, "Invalid learning rate: -0.1 " + FINITE_AT_LEAST_ZERO),
    (SGD, {"lr": math.nan}, "Invalid learning rate: nan " + FINITE_AT_LEAST_ZERO),
    (SGD, {"momentum": -0.5}, "Invalid momentum value: -0.5 " + FINITE_AT_LEAST_ZERO),
    (SGD, {"weight_decay": -1}, "Invalid weight_decay value: -1 " + FINITE_AT_LEAST_ZERO),
    (SGD, {"nesterov": True}, "Nesterov momentum requires a momentum and zero dampening, got momentum=0.0, "
                              "dampening=0.0. Set momentum > 0 and dampening=0, or nesterov=False."),
    (SGD, {"nesterov": True, "momentum": 0.9, "dampening": 0.1},
     "Nesterov momentum requires a momentum and zero dampening, got momentum=0.9, dampening=0.1"),
    (SGD, {"dampening": 1.5}, "Invalid dampening: 1.5 (must be a finite number >= 0 and <= 1)."),
    (Adam, {"eps": -1e-8}, "Invalid epsilon value: -1e-08 " + FINITE_AT_LEAST_ZERO),
    (Adam, {"betas": (1.0, 0.999)}, "Invalid beta parameter at index 0: 1.0 (must be a finite number >= 0 "
                                    "and < 1). A scheduler that cycles momentum (OneCycleLR, CyclicLR) sets "
                                    "betas[0]: keep its max_momentum below 1."),
    (Adam, {"betas": (0.9, -0.1)}, "Invalid beta parameter at index 1: -0.1 (must be a finite number >= 0 and < 1)"),
    (Adam, {"betas": (0.9,)}, "Invalid betas: (0.9,) (must be a pair (betas[0], betas[1])). "
                              "For example betas=(0.9, 0.999)."),
    (AdamW, {"weight_decay": -0.01}, "Invalid weight_decay value: -0.01 " + FINITE_AT_LEAST_ZERO),
    (Adagrad, {"lr_decay": -1.0}, "Invalid lr_decay value: -1.0 " + FINITE_AT_LEAST_ZERO),
    (Adagrad, {"initial_accumulator_value": -0.1},
     "Invalid initial_accumulator_value value: -0.1 " + FINITE_AT_LEAST_ZERO),
    (Adagrad, {"eps": -1.0}, "Invalid epsilon value: -1.0 " + FINITE_AT_LEAST_ZERO),
    (RMSprop, {"alpha": -0.9}, "Invalid alpha value: -0.9 (must be a finite number >= 0 and <= 1)."),
    (RMSprop, {"momentum": -0.1}, "Invalid momentum value: -0.1 " + FINITE_AT_LEAST_ZERO),
    (Adadelta, {"rho": 1.5}, "Invalid rho value: 1.5 (must be a finite number >= 0 and <= 1)."),
    (Adamax, {"betas": (0.9, 1.0)}, "Invalid beta parameter at index 1: 1.0"),
    (NAdam, {"momentum_decay": -4e-3}, "Invalid momentum_decay value: -0.004 " + FINITE_AT_LEAST_ZERO),
    (RAdam, {"lr": -1e-3}, "Invalid learning rate: -0.001 " + FINITE_AT_LEAST_ZERO),
    (Lion, {"betas": (0.9, 1.2)}, "Invalid beta parameter at index 1: 1.2"),
    (Lion, {"weight_decay": -1.0}, "Invalid weight_decay value: -1.0 " + FINITE_AT_LEAST_ZERO),
    (Rprop, {"etas": (1.5, 1.2)}, "Invalid eta values: 1.5, 1.2 (must be 0 < eta_minus < 1 < eta_plus). "
                                  "For example etas=(0.5, 1.2)."),
    (Rprop, {"etas": (0.5, 0.9)}, "Invalid eta values: 0.5, 0.9"),
    (Rprop, {"step_sizes": (1.0, 0.1)}, "Invalid step sizes: (1.0, 0.1) (must be 0 <= min <= max). "
                                        "For example step_sizes=(1e-6, 50)."),
    (Rprop, {"step_sizes": 0.1}, "Invalid step_sizes: 0.1 (must be a pair (step_sizes[0], step_sizes[1]))."),
]


@pytest.mark.parametrize("cls, kwargs, message", REFUSED, ids=lambda x: getattr(x, "__name__", None))
def test_refuses_invalid_hyperparameters(cls, kwargs, message):
    with pytest.raises(ValueError) as error:
        cls([Value(1.0)], **kwargs)
    assert str(error.value).startswith(message)


@pytest.mark.parametrize("cls, kwargs, message", REFUSED, ids=lambda x: getattr(x, "__name__", None))
def test_where_torch_refuses_too_our_message_starts_with_torchs_live(cls, kwargs, message):
    # PyTorch's wording first, where PyTorch has one; microopt then adds the rule and advice.
    torch = pytest.importorskip("torch")
    if cls.__name__ not in torch_backed():
        pytest.skip(f"{cls.__name__} is not in torch.optim")
    theirs = getattr(torch.optim, OPTIMIZERS[cls.__name__].torch)
    try:
        theirs([torch.zeros(1, requires_grad=True)], **kwargs)
    except ValueError as error:
        with pytest.raises(ValueError) as ours:
            cls([Value(1.0)], **kwargs)
        assert str(ours.value).startswith(str(error))
    except (TypeError, IndexError):
        pass  # torch fails on the shape ((0.9,) cannot be unpacked): nothing to match


def test_refuses_invalid_hyperparameters_in_a_group_override_too():
    with pytest.raises(ValueError, match=r"Invalid learning rate: -1 \(must be a finite number >= 0\)"):
        Adam([{"params": [Value(1.0)]}, {"params": [Value(2.0)], "lr": -1}])


def test_refuses_a_hyperparameter_that_is_not_a_number():
    with pytest.raises(ValueError, match=r"Invalid learning rate: '0.1' \(must be a finite number >= 0\)"):
        SGD([Value(1.0)], lr="0.1")
    with pytest.raises(ValueError, match=r"Invalid beta parameter at index 0: None"):
        Adam([Value(1.0)], betas=(None, 0.9))


def float_division_by_zero() -> str:
    """This Python's own message for ``x / 0.0``: "float division by zero" up to CPython 3.13,
    "division by zero" from 3.14 (Pyodide's, where tests/pyodide runs this file)."""
    try:
        operator.truediv(1.0, 0.0)
    except ZeroDivisionError as error:
        return str(error)


def test_a_zero_denominator_is_explained_not_silently_nan():
    # Adam with eps=0 and a zero gradient: m_hat / (√v_hat + eps) = 0/0 (torch stores nan)
    w = Value(1.0, label="w")
    opt = Adam([w], eps=0.0)
    with pytest.raises(ZeroDivisionError) as error:
        opt.step()
    assert float_division_by_zero() in ("float division by zero", "division by zero")
    assert str(error.value) == (
        "Adam divided by zero updating param_groups[0]['params'][0] Value(data=1, grad=0, label='w') "
        f"(state {{'step': 1, 'm': 0.0, 'v': 0.0}}): {float_division_by_zero()}. √v_hat + ε is 0: eps=0 and this "
        "parameter's gradients have all been 0 so far. Use eps > 0 (Adam's default is 1e-08). No parameter "
        "was updated by this step.")


def test_a_huge_gradient_gives_infinities_as_torch_does_not_an_exception():
    # g² overflows to inf, so v = inf and the Adam step m_hat/√v_hat is 0; SGD's step is -inf
    w, u = Value(1.0), Value(1.0)
    adam, sgd = Adam([w]), SGD([u], lr=1.0)
    w.grad = u.grad = 1e200
    adam.step()
    sgd.step()
    assert w.data == 1.0 and u.data == -1e200
    u.grad = math.inf
    sgd.step()
    assert u.data == -math.inf


def test_centered_rmsprop_survives_a_variance_that_rounds_below_zero():
    # A constant gradient has variance 0: square_avg - grad_avg² is 0 up to rounding, which
    # made math.sqrt fail at step 53 before the clamp at 0.
    w = Value(0.0)
    opt = RMSprop([w], lr=0.01, alpha=0.5, centered=True)
    for _ in range(100):
        w.grad = 1e-3
        opt.step()
    assert math.isfinite(w.data) and w.data < 0


def test_named_parameters_keep_their_names_like_torch():
    from microopt.nn import MLP

    model = MLP(2, [3, 1])
    opt = Adam(model.named_parameters(), lr=0.1)
    assert opt.param_groups[0]["params"] == model.parameters()
    assert opt.param_groups[0]["param_names"] == [name for name, _ in model.named_parameters()]
    assert opt.state_dict()["param_groups"][0]["param_names"][0] == "layers.0.neurons.0.w.0"
    with pytest.raises(ValueError, match="all optimizer params should be with/without names"):
        SGD([("w", Value(1.0)), Value(2.0)])
    with pytest.raises(ValueError, match="all optimizer param groups should be with/without names"):
        opt.add_param_group({"params": [Value(1.0)]})


@pytest.mark.parametrize("name", torch_backed())
def test_signature_and_defaults_match_torch_live(name):
    # torch's extra arguments (foreach, fused, capturable, differentiable) are tensor-engine
    # machinery with no meaning for scalar Values
    torch = pytest.importorskip("torch")
    import inspect

    machinery = {"foreach", "fused", "capturable", "differentiable"}
    theirs = {arg: p.default for arg, p in
              inspect.signature(getattr(torch.optim, OPTIMIZERS[name].torch).__init__).parameters.items()
              if arg not in machinery}
    ours = {arg: p.default for arg, p in inspect.signature(OPTIMIZERS[name].cls.__init__).parameters.items()}
    assert list(ours) == list(theirs)  # the same names in the same order
    assert ours == theirs

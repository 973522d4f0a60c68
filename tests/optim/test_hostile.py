"""Hostile and careless input to the optimizers: each case asserts the exact outcome.

Hyperparameters edited in ``param_groups`` between steps, flags that are not bools, huge ints,
PyTorch habits (``p.grad = None``), zero denominators, and saved states that do not fit.
"""

from __future__ import annotations

import inspect
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from microopt import Value
from microopt.optim import OPTIMIZERS, SGD, Adadelta, Adagrad, Adam, Adamax, NAdam, RAdam, RMSprop, Rprop
from microopt.optim.lr_scheduler import OneCycleLR

FINITE = "(must be a finite number >= 0)."
EDITED = "param_groups[0] was edited since the last step (by hand or by a scheduler): nothing was updated"


def stepped(cls, **kwargs):
    """An optimizer over two parameters, after one step (so it has state to lose)."""
    params = [Value(1.0), Value(-2.0)]
    opt = cls(params, **kwargs)
    for p in params:
        p.grad = 0.5
    opt.step()
    return params, opt


# ----------------------------------------------------------------- edited between steps
EDITS = [
    (SGD, {}, "lr", -1.0, "Invalid learning rate: -1.0 " + FINITE),
    (SGD, {}, "lr", math.nan, "Invalid learning rate: nan " + FINITE),
    (SGD, {}, "lr", math.inf, "Invalid learning rate: inf " + FINITE),
    (SGD, {}, "lr", "0.1", "Invalid learning rate: '0.1' " + FINITE),
    (SGD, {}, "lr", None, "Invalid learning rate: None " + FINITE),
    (SGD, {}, "lr", True, "Invalid learning rate: True " + FINITE),
    (SGD, {}, "momentum", -0.9, "Invalid momentum value: -0.9 " + FINITE),
    (SGD, {}, "dampening", 2.0, "Invalid dampening: 2.0 (must be a finite number >= 0 and <= 1)."),
    (SGD, {}, "nesterov", "yes", "Invalid nesterov: 'yes' (must be True or False)."),
    (SGD, {}, "nesterov", True, "Nesterov momentum requires a momentum and zero dampening, got momentum=0.0"),
    (SGD, {}, "maximize", 1, "Invalid maximize: 1 (must be True or False)."),
    (SGD, {}, "weight_decay", -0.1, "Invalid weight_decay value: -0.1 " + FINITE),
    (Adam, {}, "betas", (1.0, 0.999), "Invalid beta parameter at index 0: 1.0 (must be a finite number >= 0 and < 1)"),
    (Adam, {}, "betas", 0.9, "Invalid betas: 0.9 (must be a pair (betas[0], betas[1]))."),
    (Adam, {}, "betas", (0.9, 0.999, 0.9), "Invalid betas: (0.9, 0.999, 0.9) (must be a pair"),
    (Adam, {}, "eps", -1e-8, "Invalid epsilon value: -1e-08 " + FINITE),
    (Adam, {}, "amsgrad", None, "Invalid amsgrad: None (must be True or False)."),
    (Adam, {}, "decoupled_weight_decay", "False", "Invalid decoupled_weight_decay: 'False' (must be True or False)."),
    (Adam, {}, "lr", 10**400, "Invalid learning rate: " + str(10**400)),
    (Adagrad, {}, "lr_decay", -1, "Invalid lr_decay value: -1 " + FINITE),
    (RMSprop, {}, "alpha", 1.5, "Invalid alpha value: 1.5 (must be a finite number >= 0 and <= 1)."),
    (RMSprop, {}, "centered", 0, "Invalid centered: 0 (must be True or False)."),
    (Adadelta, {}, "rho", -0.1, "Invalid rho value: -0.1 (must be a finite number >= 0 and <= 1)."),
    (NAdam, {}, "momentum_decay", math.inf, "Invalid momentum_decay value: inf " + FINITE),
    (RAdam, {}, "betas", (0.9, math.nan), "Invalid beta parameter at index 1: nan"),
    (Rprop, {}, "etas", (2.0, 3.0), "Invalid eta values: 2.0, 3.0 (must be 0 < eta_minus < 1 < eta_plus)."),
    (Rprop, {}, "step_sizes", (1.0, 0.0), "Invalid step sizes: (1.0, 0.0) (must be 0 <= min <= max)."),
]


@pytest.mark.parametrize("cls, kwargs, name, value, message", EDITS,
                         ids=[f"{c[0].__name__}-{c[2]}={c[3]!r:.20}" for c in EDITS])
def test_a_bad_edit_between_steps_is_refused_at_step_and_nothing_moves(cls, kwargs, name, value, message):
    params, opt = stepped(cls, **kwargs)
    data, state = [p.data for p in params], {p: dict(s) for p, s in opt.state.items()}
    opt.param_groups[0][name] = value
    with pytest.raises(ValueError) as error:
        opt.step()
    assert str(error.value).startswith(message)
    assert EDITED in str(error.value)
    assert [p.data for p in params] == data and {p: dict(s) for p, s in opt.state.items()} == state


def test_a_deleted_hyperparameter_is_named_at_step():
    _, opt = stepped(Adam)
    del opt.param_groups[0]["betas"]
    with pytest.raises(ValueError, match=r"a param group lacks the hyperparameters \['betas'\] of Adam"):
        opt.step()


def test_a_good_edit_takes_effect_and_a_repaired_group_steps_again():
    params, opt = stepped(SGD, lr=0.1)
    opt.param_groups[0]["lr"] = -1.0
    with pytest.raises(ValueError):
        opt.step()
    opt.param_groups[0]["lr"] = np.float32(0.5)  # numpy numbers are welcome
    before = params[0].data
    opt.step()
    assert params[0].data == before - 0.5 * 0.5 and type(opt.param_groups[0]["lr"]) is float


@settings(max_examples=40, deadline=None)
@given(lr=st.floats(allow_nan=True, allow_infinity=True))
def test_any_lr_edit_is_used_exactly_or_refused_naming_it(lr):
    params, opt = stepped(SGD, lr=0.1)
    before = params[0].data
    opt.param_groups[0]["lr"] = lr
    if math.isfinite(lr) and lr >= 0:
        opt.step()
        assert params[0].data == before - lr * 0.5
    else:
        with pytest.raises(ValueError, match=r"^Invalid learning rate: "):
            opt.step()
        assert params[0].data == before


# ----------------------------------------------------------------- flags and huge numbers
FLAGS = [(name, flag) for name, spec in OPTIMIZERS.items()
         for flag, p in inspect.signature(spec.cls.__init__).parameters.items() if isinstance(p.default, bool)]


@pytest.mark.parametrize("name, flag", FLAGS, ids=[f"{n}-{f}" for n, f in FLAGS])
@pytest.mark.parametrize("value", [1, "True", None])
def test_boolean_flags_refuse_what_is_not_a_bool(name, flag, value):
    with pytest.raises(ValueError) as error:
        OPTIMIZERS[name].cls([Value(1.0)], **{flag: value})
    assert str(error.value) == f"Invalid {flag}: {value!r} (must be True or False)."


@pytest.mark.parametrize("name, flag", FLAGS[:4], ids=[f"{n}-{f}" for n, f in FLAGS[:4]])
def test_numpy_bools_are_flags(name, flag):
    opt = OPTIMIZERS[name].cls([Value(1.0)], **{flag: np.bool_(False)})
    assert opt.param_groups[0][flag] is False


@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_a_huge_int_learning_rate_is_a_named_error(name):
    with pytest.raises(ValueError) as error:
        OPTIMIZERS[name].cls([Value(1.0)], lr=10**400)
    assert str(error.value) == (f"Invalid learning rate: {10**400} (must be a finite number >= 0; this one is "
                                "larger than any float).")


# ----------------------------------------------------------------- PyTorch habits at step()
@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_grad_none_is_explained_naming_the_parameter(name):
    a, b = Value(1.0), Value(2.0, label="b")
    opt = OPTIMIZERS[name].cls([a, b])
    a.grad, b.grad = 0.5, None
    with pytest.raises(TypeError) as error:
        opt.step()
    assert str(error.value) == (
        f"{name}.step(): param_groups[0]['params'][1] {b!r} has grad None. microopt gradients are numbers "
        "that start at 0.0: clear them with optimizer.zero_grad() or p.grad = 0.0 (PyTorch's p.grad = None "
        "does not apply here). The 1 parameter before it were already updated by this step; the rest were not.")


@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_data_that_is_not_a_number_is_explained(name):
    w = Value(1.0)
    opt = OPTIMIZERS[name].cls([w])
    w.data, w.grad = "1.0", 0.5
    with pytest.raises(TypeError) as error:
        opt.step()
    assert str(error.value).startswith(f"{name}.step(): param_groups[0]['params'][0] has data '1.0' (str), which "
                                       "is not a number. Set p.data to a float. No parameter was updated")


def test_a_non_value_appended_to_a_group_is_explained():
    opt = SGD([Value(1.0)], lr=0.1)
    opt.param_groups[0]["params"].append(3.0)
    with pytest.raises(TypeError, match=r"SGD.step\(\): param_groups\[0\]\['params'\]\[1\] is float: 3.0, not a "
                                        r"Value. .* The 1 parameter before it were already updated"):
        opt.step()


# ----------------------------------------------------------------- zero denominators
DENOMINATORS = [(Adam, "√v_hat + ε"), (Adagrad, "√sum_sq + ε"), (RMSprop, "avg = √square_avg + ε"),
                (Adadelta, "√(square_avg + ε)"), (Adamax, "u = max(|g| + ε, β₂ u)"), (NAdam, "denom = √v_hat + ε"),
                (RAdam, "√v + ε")]


@pytest.mark.parametrize("cls, denominator", DENOMINATORS, ids=[c.__name__ for c, _ in DENOMINATORS])
def test_eps_zero_names_the_denominator_and_the_default(cls, denominator):
    kwargs = {"betas": (0.9, 0.9)} if cls is RAdam else {}  # RAdam divides by √v + ε from t = 6 then
    w = Value(1.0)
    opt = cls([w], eps=0.0, **kwargs)
    default = inspect.signature(cls.__init__).parameters["eps"].default
    with pytest.raises(ZeroDivisionError) as error:
        for _ in range(8):
            opt.step()  # the gradient stays 0.0
    assert (f"{denominator} is 0: eps=0 and this parameter's gradients have all been 0 so far. Use eps > 0 "
            f"({cls.__name__}'s default is {default}).") in str(error.value)


def test_a_nan_gradient_in_adamax_gives_nan_as_in_torch_not_a_division_by_zero():
    w = Value(1.0)
    opt = Adamax([w])
    w.grad = math.nan
    opt.step()
    assert math.isnan(w.data) and math.isnan(opt.state[w]["u"])


def test_a_nan_gradient_in_adamax_matches_torch_live():
    torch = pytest.importorskip("torch")
    p = torch.tensor([1.0], dtype=torch.float64, requires_grad=True)
    opt = torch.optim.Adamax([p], foreach=False)
    p.grad = torch.tensor([math.nan], dtype=torch.float64)
    opt.step()
    assert math.isnan(p.item())


def test_a_scheduler_cannot_cycle_adams_beta1_to_one():
    opt = Adam([Value(1.0)])
    with pytest.raises(ValueError) as error:
        OneCycleLR(opt, max_lr=0.1, total_steps=10, max_momentum=1.0)
    assert str(error.value) == ("Invalid max_momentum: 1.0 (must be a finite number >= 0 and < 1). It becomes the "
                                "momentum, or Adam's betas[0].")
    assert opt.param_groups[0]["betas"] == (0.9, 0.999)


def test_beta1_set_to_one_by_hand_is_refused_before_the_bias_correction_divides_by_zero():
    _, opt = stepped(Adam)
    opt.param_groups[0]["betas"] = (1.0, 0.999)
    with pytest.raises(ValueError, match=r"Invalid beta parameter at index 0: 1.0 .* keep its max_momentum below 1"):
        opt.step()


# ----------------------------------------------------------------- saved states that do not fit
def adam_state():
    _, opt = stepped(Adam)
    return opt.state_dict()


STATE_EDITS = [
    (lambda sd: sd["state"][0].update(step=-5), "Invalid buffer 'step': -5 (must be a whole number >= 0)."),
    (lambda sd: sd["state"][0].update(step=2.5), "Invalid buffer 'step': 2.5 (must be a whole number >= 0)."),
    (lambda sd: sd["state"][0].update(step=True), "Invalid buffer 'step': True (must be a whole number >= 0)."),
    (lambda sd: sd["state"][0].update(v=-1.0), "Invalid buffer 'v': -1.0 (must be a number >= 0)."),
    (lambda sd: sd["state"][0].update(m=None), "Invalid buffer 'm': None (must be a number)."),
    (lambda sd: sd["state"][0].update(m=10**400), "Invalid buffer 'm': " + str(10**400)),
    (lambda sd: sd["state"][1].pop("v"), "keeps ['m', 'step', 'v', 'v_max']; missing: ['v']."),
    (lambda sd: sd["state"][1].update(exp_avg=0.1), "; unknown: ['exp_avg']. Was it saved from another optimizer?"),
    (lambda sd: sd["param_groups"][0].update(amsgrad=1), "Invalid amsgrad: 1 (must be True or False)."),
    (lambda sd: sd["param_groups"][0].update(lr=10**400), "Invalid learning rate: " + str(10**400)),
    (lambda sd: sd["param_groups"][0].update(betas=[0.9, 2.0]), "Invalid beta parameter at index 1: 2.0"),
]


@pytest.mark.parametrize("mutate, words", STATE_EDITS, ids=[w[:30] for _, w in STATE_EDITS])
def test_a_saved_state_that_does_not_fit_is_refused_and_nothing_changes(mutate, words):
    sd = adam_state()
    mutate(sd)
    params, opt = stepped(Adam, lr=0.5)
    before = opt.state_dict()
    with pytest.raises(ValueError) as error:
        opt.load_state_dict(sd)
    assert words in str(error.value)
    assert opt.state_dict() == before


@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_every_optimizer_refuses_an_unknown_buffer(name):
    kwargs = {"momentum": 0.9} if name == "SGD" else {}
    _, opt = stepped(OPTIMIZERS[name].cls, **kwargs)
    sd = opt.state_dict()
    sd["state"][0]["typo"] = 0.0
    with pytest.raises(ValueError, match=rf"entry 0 has buffers .* but {name} keeps .*; unknown: \['typo'\]"):
        opt.load_state_dict(sd)


def test_a_diverged_state_loads_back_for_inspection():
    params, opt = stepped(Adam)
    sd = opt.state_dict()
    sd["state"][0].update(m=math.nan, v=math.inf)
    opt.load_state_dict(sd)
    assert math.isnan(opt.state[params[0]]["m"]) and opt.state[params[0]]["v"] == math.inf


def test_numpy_numbers_load_as_python_numbers():
    params, opt = stepped(Adam)
    sd = opt.state_dict()
    sd["state"][0].update(step=np.int64(3), m=np.float32(0.25))
    opt.load_state_dict(sd)
    assert opt.state[params[0]]["step"] == 3 and type(opt.state[params[0]]["m"]) is float

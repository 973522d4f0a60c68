"""Hostile and careless input to the schedulers: each case asserts the exact outcome.

Saved states whose values are impossible (load_state_dict refuses them and changes nothing),
constructor values that are infinite, huge or of the wrong shape, and schedules that would
hand the optimizer a negative learning rate.
"""

from __future__ import annotations

import copy
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from microopt import Value
from microopt.optim import SGD, Adam
from microopt.optim.lr_scheduler import (ChainedScheduler, ConstantLR, CosineAnnealingLR,
                                         CosineAnnealingWarmRestarts, CyclicLR, ExponentialLR, LambdaLR,
                                         LinearLR, MultiStepLR, OneCycleLR, PolynomialLR, ReduceLROnPlateau,
                                         SequentialLR, StepLR)


def sgd(lr: float = 0.1) -> SGD:
    return SGD([Value(0.0)], lr=lr, momentum=0.9)


def built(make):
    opt = sgd()
    scheduler = make(opt)
    for _ in range(3):
        opt.step()
        scheduler.step(1.0) if isinstance(scheduler, ReduceLROnPlateau) else scheduler.step()
    return opt, scheduler


# ----------------------------------------------------------------- load_state_dict checks values
MAKERS = {
    "StepLR": lambda opt: StepLR(opt, step_size=2, gamma=0.5),
    "MultiStepLR": lambda opt: MultiStepLR(opt, milestones=[2, 4]),
    "ExponentialLR": lambda opt: ExponentialLR(opt, gamma=0.9),
    "CosineAnnealingLR": lambda opt: CosineAnnealingLR(opt, T_max=10),
    "CosineAnnealingWarmRestarts": lambda opt: CosineAnnealingWarmRestarts(opt, T_0=3),
    "LinearLR": lambda opt: LinearLR(opt, start_factor=0.5, total_iters=4),
    "ConstantLR": lambda opt: ConstantLR(opt, factor=0.5, total_iters=4),
    "PolynomialLR": lambda opt: PolynomialLR(opt, total_iters=5),
    "CyclicLR": lambda opt: CyclicLR(opt, base_lr=0.01, max_lr=0.1, step_size_up=2),
    "OneCycleLR": lambda opt: OneCycleLR(opt, max_lr=1.0, total_steps=10),
    "ReduceLROnPlateau": lambda opt: ReduceLROnPlateau(opt, patience=1),
}

BAD_STATES = [
    ("StepLR", "gamma", -3, "Invalid gamma: -3 (must be a finite number > 0)."),
    ("StepLR", "gamma", math.inf, "Invalid gamma: inf (must be a finite number > 0)."),
    ("StepLR", "step_size", 0, "Invalid step_size: 0 (must be a whole number >= 1)."),
    ("StepLR", "step_size", 2.5, "Invalid step_size: 2.5 (must be a whole number >= 1)."),
    ("StepLR", "last_epoch", math.nan, "Invalid last_epoch: nan (must be a whole number >= -1)."),
    ("StepLR", "last_epoch", -5, "Invalid last_epoch: -5 (must be a whole number >= -1)."),
    ("StepLR", "base_lrs", ["a"], "Invalid entry of base_lrs: 'a' (must be a finite number >= 0)."),
    ("StepLR", "base_lrs", [-0.1], "Invalid entry of base_lrs: -0.1 (must be a finite number >= 0)."),
    ("StepLR", "base_lrs", [0.1, 0.2], "Invalid base_lrs: [0.1, 0.2] (must have one entry per param group (1))."),
    ("StepLR", "_last_lr", [math.nan], "Invalid entry of _last_lr: nan (must be a finite number)."),
    ("StepLR", "_step_count", -1, "Invalid _step_count: -1 (must be a whole number >= 0)."),
    ("MultiStepLR", "milestones", [4, 2], "Invalid milestones: [4, 2] (must be a list of whole numbers >= 0, "
                                          "increasing)."),
    ("MultiStepLR", "milestones", [1.5], "Invalid entry of milestones: 1.5 (must be a whole number >= 0)."),
    ("ExponentialLR", "gamma", 0, "Invalid gamma: 0 (must be a finite number > 0)."),
    ("CosineAnnealingLR", "T_max", 0, "Invalid T_max: 0 (must be a whole number >= 1)."),
    ("CosineAnnealingLR", "eta_min", -1.0, "Invalid eta_min: -1.0 (must be a finite number >= 0)."),
    ("CosineAnnealingWarmRestarts", "T_0", 0, "Invalid T_0: 0 (must be a whole number >= 1)."),
    ("CosineAnnealingWarmRestarts", "T_i", -2, "Invalid T_i: -2 (must be a whole number >= 1)."),
    ("CosineAnnealingWarmRestarts", "T_mult", 0, "Invalid T_mult: 0 (must be a whole number >= 1)."),
    ("CosineAnnealingWarmRestarts", "T_cur", math.nan, "Invalid T_cur: nan (must be a finite number >= -1)."),
    ("LinearLR", "start_factor", 0.0, "Invalid start_factor: 0.0 (must be a finite number > 0 and <= 1)."),
    ("LinearLR", "end_factor", 2.0, "Invalid end_factor: 2.0 (must be a finite number >= 0 and <= 1)."),
    ("LinearLR", "total_iters", 0, "Invalid total_iters: 0 (must be a whole number >= 1)."),
    ("ConstantLR", "factor", -1.0, "Invalid factor: -1.0 (must be a finite number > 0 and <= 1)."),
    ("PolynomialLR", "power", -2.0, "Invalid power: -2.0 (must be a finite number >= 0)."),
    ("PolynomialLR", "total_iters", 0, "Invalid total_iters: 0 (must be a whole number >= 1)."),
    ("CyclicLR", "max_lrs", [-1.0], "Invalid entry of max_lrs: -1.0 (must be a finite number >= 0)."),
    ("CyclicLR", "total_size", 0.0, "Invalid total_size: 0.0 (must be a finite number > 0)."),
    ("CyclicLR", "step_ratio", 1.5, "Invalid step_ratio: 1.5 (must be a finite number > 0 and < 1)."),
    ("CyclicLR", "scale_mode", "epochs", "Invalid scale_mode: 'epochs' (must be 'cycle' or 'iterations')."),
    ("CyclicLR", "gamma", -1.0, "Invalid gamma: -1.0 (must be a finite number > 0)."),
    ("OneCycleLR", "total_steps", 0, "Invalid total_steps: 0 (must be a whole number >= 1)."),
    ("OneCycleLR", "anneal_strategy", "exp", "Invalid anneal_strategy: 'exp' (must be 'cos' or 'linear')."),
    ("ReduceLROnPlateau", "factor", 2.0, "Invalid factor: 2.0 (must be a finite number >= 0 and < 1)."),
    ("ReduceLROnPlateau", "patience", -1, "Invalid patience: -1 (must be a whole number >= 0)."),
    ("ReduceLROnPlateau", "num_bad_epochs", 1.5, "Invalid num_bad_epochs: 1.5 (must be a whole number >= 0)."),
    ("ReduceLROnPlateau", "mode", "avg", "Invalid mode: 'avg' (must be 'min' or 'max')."),
    ("ReduceLROnPlateau", "best", math.nan, "Invalid best: nan (must be a number)."),
    ("ReduceLROnPlateau", "min_lrs", [-0.5], "Invalid entry of min_lrs: -0.5 (must be a finite number >= 0)."),
    ("ReduceLROnPlateau", "last_epoch", -1, "Invalid last_epoch: -1 (must be a whole number >= 0)."),
    ("ReduceLROnPlateau", "eps", -1e-8, "Invalid eps: -1e-08 (must be a finite number >= 0)."),
]


@pytest.mark.parametrize("name, key, value, message", BAD_STATES,
                         ids=[f"{n}-{k}={v!r}" for n, k, v, _ in BAD_STATES])
def test_load_state_dict_refuses_impossible_values_and_changes_nothing(name, key, value, message):
    _, scheduler = built(MAKERS[name])
    saved = scheduler.state_dict()
    saved[key] = value
    before = copy.deepcopy(scheduler.state_dict())
    with pytest.raises(ValueError) as error:
        scheduler.load_state_dict(saved)
    assert str(error.value).startswith(f"{name}.load_state_dict: {message}")
    assert str(error.value).endswith("Nothing was loaded; pass the output of state_dict() of a scheduler built "
                                     "like this one.")
    assert scheduler.state_dict() == before


@pytest.mark.parametrize("name", list(MAKERS))
def test_its_own_state_still_loads(name):
    opt, scheduler = built(MAKERS[name])
    saved = scheduler.state_dict()
    _, other = built(MAKERS[name])
    other.load_state_dict(saved)
    assert other.state_dict() == saved


def test_a_combined_scheduler_loads_all_or_nothing():
    opt = sgd()
    scheduler = SequentialLR(opt, [LinearLR(opt, 0.5, total_iters=2), StepLR(opt, 3)], milestones=[2])
    for _ in range(4):
        opt.step()
        scheduler.step()
    saved = scheduler.state_dict()
    saved["last_epoch"] = 0
    saved["_schedulers"][0]["total_iters"] = 7       # fine on its own...
    saved["_schedulers"][1]["gamma"] = -3            # ...but the second child is impossible
    before = copy.deepcopy(scheduler.state_dict())
    with pytest.raises(ValueError, match=r"StepLR.load_state_dict: Invalid gamma: -3"):
        scheduler.load_state_dict(saved)
    assert scheduler.state_dict() == before


# ----------------------------------------------------------------- constructor values
CONSTRUCTOR = [
    (lambda opt: StepLR(opt, 2, gamma=math.inf), "Invalid gamma: inf (must be a finite number > 0)."),
    (lambda opt: StepLR(opt, 2, gamma=10**400), f"Invalid gamma: {10**400} (must be a finite number > 0; this one "
                                                "is larger than any float)."),
    (lambda opt: StepLR(opt, 10**400), None),  # a whole number: huge but valid, no overflow
    (lambda opt: MultiStepLR(opt, milestones=5), "Invalid milestones: 5 (must be a list of whole numbers >= 0, "
                                                 "increasing). For example milestones=[30, 80]."),
    (lambda opt: MultiStepLR(opt, milestones="5"), "Invalid milestones: '5' (must be a list of whole numbers"),
    (lambda opt: MultiStepLR(opt, milestones=[2, None]), "Invalid entry of milestones: None"),
    (lambda opt: ExponentialLR(opt, gamma="0.9"), "Invalid gamma: '0.9' (must be a finite number > 0)."),
    (lambda opt: CosineAnnealingLR(opt, T_max=math.inf), "Invalid T_max: inf (must be a whole number >= 1)."),
    (lambda opt: CosineAnnealingLR(opt, T_max=10, eta_min=math.nan), "Invalid eta_min: nan"),
    (lambda opt: LinearLR(opt, start_factor=True), "Invalid start_factor: True (must be a finite number > 0"),
    (lambda opt: CyclicLR(opt, 0.01, 0.1, cycle_momentum=1), "Invalid cycle_momentum: 1 (must be True or False)."),
    (lambda opt: CyclicLR(opt, 0.01, 0.1, scale_fn=3), "Invalid scale_fn: 3 (must be a function)."),
    (lambda opt: CyclicLR(opt, 0.01, 0.1, max_momentum=-0.9), "Invalid max_momentum: -0.9 (must be a finite"),
    (lambda opt: OneCycleLR(opt, 1.0, total_steps=10, three_phase="yes"),
     "Invalid three_phase: 'yes' (must be True or False)."),
    (lambda opt: OneCycleLR(opt, 1.0, total_steps=10, div_factor=math.inf), "Invalid div_factor: inf"),
    (lambda opt: OneCycleLR(opt, 1.0, epochs=2.0, steps_per_epoch=5), "Invalid epochs: 2.0 (must be a whole"),
    (lambda opt: ReduceLROnPlateau(opt, patience=math.inf), "Invalid patience: inf (must be a whole number >= 0)."),
    (lambda opt: ReduceLROnPlateau(opt, threshold=math.nan), "Invalid threshold: nan (must be a finite number"),
    (lambda opt: ReduceLROnPlateau(opt, mode=None), "Invalid mode: None (must be 'min' or 'max')."),
    (lambda opt: ChainedScheduler(StepLR(opt, 2)), "Invalid schedulers: StepLR("),
    (lambda opt: ChainedScheduler([]), "Invalid schedulers: [] (must hold at least one scheduler)."),
]


@pytest.mark.parametrize("make, message", CONSTRUCTOR, ids=range(len(CONSTRUCTOR)))
def test_constructor_values(make, message):
    opt = sgd()
    before = [dict(group) for group in opt.param_groups]
    if message is None:
        make(opt)
        return
    with pytest.raises((ValueError, TypeError)) as error:
        make(opt)
    assert str(error.value).startswith(message)
    assert [{k: v for k, v in g.items() if k != "initial_lr"} for g in opt.param_groups] == \
           [{k: v for k, v in g.items() if k != "initial_lr"} for g in before]


def test_numpy_numbers_are_accepted():
    opt = sgd()
    scheduler = StepLR(opt, step_size=np.int64(2), gamma=np.float32(0.5))
    assert scheduler.step_size == 2 and scheduler.gamma == 0.5 and type(scheduler.gamma) is float
    MultiStepLR(sgd(), milestones=np.array([2, 5]))


# ----------------------------------------------------------------- negative learning rates never reach a step
def test_a_lambda_that_goes_negative_is_stopped_at_the_optimizer_step():
    opt = sgd()
    scheduler = LambdaLR(opt, lambda e: 1.0 - e)  # -1 at epoch 2
    opt.step()
    scheduler.step()
    opt.step()  # lr 0.0 is allowed
    scheduler.step()
    w = opt.param_groups[0]["params"][0]
    before = w.data
    with pytest.raises(ValueError) as error:
        opt.step()
    assert str(error.value).startswith("Invalid learning rate: -0.1 (must be a finite number >= 0). "
                                       "param_groups[0] was edited since the last step (by hand or by a scheduler)")
    assert w.data == before


def test_linear_lr_down_to_zero_never_goes_below_zero():
    # torch's recursive rule rounds to about -4e-18 at the end (start 0.045, 8 steps): microopt stops at 0
    opt = SGD([Value(0.0)], lr=1.0)
    scheduler = LinearLR(opt, start_factor=0.04500895369713612, end_factor=0.0, total_iters=8)
    for _ in range(10):
        opt.step()
        scheduler.step()
    assert scheduler.get_last_lr() == [0.0]


@settings(max_examples=40, deadline=None)
@given(start=st.floats(0.01, 1.0), total_iters=st.integers(1, 30), lr=st.floats(1e-4, 10.0))
def test_linear_lr_to_zero_can_always_be_stepped_to_the_end(start, total_iters, lr):
    opt = SGD([Value(0.0)], lr=lr)
    scheduler = LinearLR(opt, start_factor=start, end_factor=0.0, total_iters=total_iters)
    for _ in range(total_iters + 2):
        opt.step()  # never refused: no negative lr
        scheduler.step()
    assert 0.0 <= scheduler.get_last_lr()[0] < 1e-15 * lr  # 0 up to torch's rounding, never below


def test_cyclic_lr_cannot_set_adams_beta1_to_one():
    opt = Adam([Value(0.0)])
    with pytest.raises(ValueError, match=r"Invalid base_momentum: 1.0 \(must be a finite number >= 0 and < 1\)"):
        CyclicLR(opt, 0.01, 0.1, base_momentum=1.0, max_momentum=1.0)
    assert opt.param_groups[0]["betas"] == (0.9, 0.999) and opt.param_groups[0]["lr"] == 1e-3


@settings(max_examples=30, deadline=None)
@given(gamma=st.floats(allow_nan=True, allow_infinity=True) | st.integers(-10, 10))
def test_gamma_is_used_or_refused_by_name(gamma):
    if isinstance(gamma, float) and math.isfinite(gamma) and gamma > 0 or isinstance(gamma, int) and gamma > 0:
        assert ExponentialLR(sgd(), gamma=gamma).gamma == float(gamma)
    else:
        with pytest.raises(ValueError, match=r"^Invalid gamma: "):
            ExponentialLR(sgd(), gamma=gamma)

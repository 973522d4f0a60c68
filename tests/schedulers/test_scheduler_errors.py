"""Bad arguments: each raises an error that names the argument and shows the offending value."""

from __future__ import annotations

import re

import pytest

from microopt import Value
from microopt.optim import SGD, Optimizer
from microopt.optim.lr_scheduler import (ChainedScheduler, ConstantLR, CosineAnnealingLR,
                                         CosineAnnealingWarmRestarts, CyclicLR, ExponentialLR,
                                         LambdaLR, LinearLR, MultiplicativeLR, MultiStepLR,
                                         OneCycleLR, PolynomialLR, ReduceLROnPlateau,
                                         SequentialLR, StepLR)


def sgd(lr: float = 0.1, groups: int = 1) -> SGD:
    return SGD([{"params": [Value(0.0)], "lr": lr} for _ in range(groups)], momentum=0.9)


class PlainGD(Optimizer):
    """An optimizer with neither momentum nor betas, for OneCycleLR's momentum check."""

    def __init__(self, params, lr=0.1):
        super().__init__(params, {"lr": lr})

    def update(self, p, state, *, lr):
        p.data -= lr * p.grad


BAD_ARGUMENTS = [
    # constructor, kwargs, error, message (regex)
    (StepLR, {"step_size": 0}, ValueError, r"Invalid step_size: 0 \(must be an integer >= 1\)"),
    (StepLR, {"step_size": 2.5}, ValueError, r"Invalid step_size: 2.5"),
    (StepLR, {"step_size": True}, ValueError, r"Invalid step_size: True"),
    (StepLR, {"step_size": 3, "gamma": 0.0}, ValueError, r"Invalid gamma: 0.0 \(must be > 0"),
    (StepLR, {"step_size": 3, "gamma": -0.5}, ValueError, r"Invalid gamma: -0.5"),
    (MultiStepLR, {"milestones": [10, 5]}, ValueError,
     r"Invalid milestones: \[10, 5\] \(must be increasing, e.g. \[5, 10\]\)"),
    (MultiStepLR, {"milestones": [-1, 5]}, ValueError, r"Invalid milestones: \[-1, 5\] \(every entry"),
    (MultiStepLR, {"milestones": [2.5]}, ValueError, r"Invalid milestones: \[2.5\]"),
    (MultiStepLR, {"milestones": [3], "gamma": 0}, ValueError, r"Invalid gamma: 0"),
    (ExponentialLR, {"gamma": 0.0}, ValueError, r"Invalid gamma: 0.0"),
    (ExponentialLR, {"gamma": float("nan")}, ValueError, r"Invalid gamma: nan"),
    (CosineAnnealingLR, {"T_max": 0}, ValueError, r"Invalid T_max: 0 \(must be an integer >= 1\)"),
    (CosineAnnealingLR, {"T_max": 2.5}, ValueError, r"Invalid T_max: 2.5"),
    (CosineAnnealingLR, {"T_max": 10, "eta_min": -0.1}, ValueError, r"Invalid eta_min: -0.1"),
    (LinearLR, {"start_factor": 0.0}, ValueError, r"Invalid start_factor: 0.0 \(must be in \(0, 1\]"),
    (LinearLR, {"start_factor": 1.5}, ValueError, r"Invalid start_factor: 1.5"),
    (LinearLR, {"end_factor": 1.5}, ValueError, r"Invalid end_factor: 1.5 \(must be in \[0, 1\]\)"),
    (LinearLR, {"end_factor": -0.1}, ValueError, r"Invalid end_factor: -0.1"),
    (LinearLR, {"total_iters": 0}, ValueError, r"Invalid total_iters: 0"),
    (ConstantLR, {"factor": 0.0}, ValueError, r"Invalid factor: 0.0 \(must be in \(0, 1\]"),
    (ConstantLR, {"factor": 1.5}, ValueError, r"Invalid factor: 1.5"),
    (ConstantLR, {"total_iters": 0}, ValueError, r"Invalid total_iters: 0"),
    (PolynomialLR, {"total_iters": -2}, ValueError, r"Invalid total_iters: -2"),
    (PolynomialLR, {"power": -1.0}, ValueError, r"Invalid power: -1.0 \(must be a number >= 0\)"),
    (LambdaLR, {"lr_lambda": 0.95}, TypeError, r"lr_lambda must be a function of the epoch.*0.95"),
    (MultiplicativeLR, {"lr_lambda": [0.95]}, TypeError, r"lr_lambda must be a function.*0.95"),
    (CosineAnnealingWarmRestarts, {"T_0": 0}, ValueError, r"Expected positive integer T_0, but got 0"),
    (CosineAnnealingWarmRestarts, {"T_0": 2.5}, ValueError, r"Expected positive integer T_0"),
    (CosineAnnealingWarmRestarts, {"T_0": 5, "T_mult": 0}, ValueError,
     r"Expected integer T_mult >= 1, but got 0"),
    (CosineAnnealingWarmRestarts, {"T_0": 5, "T_mult": 1.5}, ValueError, r"T_mult >= 1, but got 1.5"),
    (CosineAnnealingWarmRestarts, {"T_0": 5, "eta_min": -1.0}, ValueError, r"Invalid eta_min: -1.0"),
    (CyclicLR, {"base_lr": 0.1, "max_lr": 1.0, "mode": "sine"}, ValueError,
     r"mode is invalid and scale_fn is None: mode='sine'"),
    (CyclicLR, {"base_lr": 0.1, "max_lr": 1.0, "scale_mode": "epochs"}, ValueError,
     r"scale_mode 'epochs' is unknown"),
    (CyclicLR, {"base_lr": 0.1, "max_lr": 1.0, "step_size_up": 0}, ValueError,
     r"Invalid step_size_up: 0 \(must be a number of iterations > 0\)"),
    (CyclicLR, {"base_lr": 0.1, "max_lr": 1.0, "step_size_down": -3}, ValueError,
     r"Invalid step_size_down: -3"),
    (CyclicLR, {"base_lr": 0.1, "max_lr": 1.0, "mode": "exp_range", "gamma": 0.0}, ValueError,
     r"Invalid gamma: 0.0"),
    (CyclicLR, {"base_lr": -0.1, "max_lr": 1.0}, ValueError,
     r"Invalid base_lr: -0.1 \(must be a learning rate >= 0\)"),
    (CyclicLR, {"base_lr": 0.1, "max_lr": "1.0"}, ValueError, r"Invalid max_lr: '1.0'"),
    (CyclicLR, {"base_lr": [0.1, 0.2], "max_lr": 1.0}, ValueError,
     r"base_lr must have one value per param group"),
    (CyclicLR, {"base_lr": 0.1, "max_lr": [1.0, 2.0, 3.0]}, ValueError,
     r"max_lr must have one value per param group: the optimizer has 1 groups, max_lr has 3"),
    (OneCycleLR, {"max_lr": 1.0}, ValueError,
     r"You must define either total_steps OR \(epochs AND steps_per_epoch\)"),
    (OneCycleLR, {"max_lr": 1.0, "epochs": 3}, ValueError, r"steps_per_epoch=None"),
    (OneCycleLR, {"max_lr": 1.0, "total_steps": 0}, ValueError,
     r"Expected positive integer total_steps, but got 0"),
    (OneCycleLR, {"max_lr": 1.0, "total_steps": 10.0}, ValueError,
     r"Expected positive integer total_steps, but got 10.0"),
    (OneCycleLR, {"max_lr": 1.0, "epochs": 0, "steps_per_epoch": 5}, ValueError,
     r"Expected positive integer epochs, but got 0"),
    (OneCycleLR, {"max_lr": 1.0, "epochs": 2, "steps_per_epoch": -5}, ValueError,
     r"Expected positive integer steps_per_epoch, but got -5"),
    (OneCycleLR, {"max_lr": 1.0, "total_steps": 10, "pct_start": 1.5}, ValueError,
     r"Expected float between 0 and 1 pct_start, but got 1.5"),
    (OneCycleLR, {"max_lr": 1.0, "total_steps": 10, "pct_start": 0}, ValueError,
     r"Expected float between 0 and 1 pct_start, but got 0"),
    (OneCycleLR, {"max_lr": 1.0, "total_steps": 10, "pct_start": 0.1}, ValueError,
     r"pct_start=0.1 with total_steps=10 gives a warm-up phase of zero steps"),
    (OneCycleLR, {"max_lr": 1.0, "total_steps": 10, "anneal_strategy": "exp"}, ValueError,
     r"anneal_strategy must be one of 'cos' or 'linear', instead got 'exp'"),
    (OneCycleLR, {"max_lr": 1.0, "total_steps": 10, "div_factor": 0.0}, ValueError,
     r"Invalid div_factor: 0.0"),
    (OneCycleLR, {"max_lr": 1.0, "total_steps": 10, "final_div_factor": -1.0}, ValueError,
     r"Invalid final_div_factor: -1.0"),
    (OneCycleLR, {"max_lr": -1.0, "total_steps": 10}, ValueError,
     r"Invalid max_lr: -1.0 \(must be a learning rate >= 0\)"),
    (OneCycleLR, {"max_lr": [1.0, 2.0], "total_steps": 10}, ValueError,
     r"max_lr must have one value per param group: the optimizer has 1 groups, max_lr has 2"),
    (OneCycleLR, {"max_lr": 1.0, "total_steps": 10, "base_momentum": [0.8, 0.85]}, ValueError,
     r"base_momentum must have one value per param group"),
    (ReduceLROnPlateau, {"mode": "minimum"}, ValueError, r"mode 'minimum' is unknown"),
    (ReduceLROnPlateau, {"threshold_mode": "relative"}, ValueError,
     r"threshold mode 'relative' is unknown"),
    (ReduceLROnPlateau, {"factor": 1.0}, ValueError, r"Factor should be < 1.0, got factor=1.0"),
    (ReduceLROnPlateau, {"factor": -0.5}, ValueError, r"Invalid factor: -0.5"),
    (ReduceLROnPlateau, {"min_lr": [0.0, 0.1]}, ValueError, r"min_lr must have one value per param group"),
    (ReduceLROnPlateau, {"min_lr": -1e-3}, ValueError, r"Invalid min_lr: -0.001"),
    (ReduceLROnPlateau, {"patience": -1}, ValueError, r"Invalid patience: -1 \(must be an integer >= 0\)"),
    (ReduceLROnPlateau, {"cooldown": 1.5}, ValueError, r"Invalid cooldown: 1.5"),
    (ReduceLROnPlateau, {"threshold": -1e-4}, ValueError, r"Invalid threshold: -0.0001"),
    (ReduceLROnPlateau, {"eps": -1.0}, ValueError, r"Invalid eps: -1.0"),
]


@pytest.mark.parametrize("cls, kwargs, error, message", BAD_ARGUMENTS,
                         ids=[f"{c.__name__}-{'-'.join(map(str, kw.values()))}"
                              for c, kw, _, _ in BAD_ARGUMENTS])
def test_bad_argument_is_refused_with_a_clear_message(cls, kwargs, error, message):
    with pytest.raises(error, match=message):
        cls(sgd(), **kwargs)


@pytest.mark.parametrize("cls, kwargs", [
    (StepLR, {"step_size": 2}), (ExponentialLR, {"gamma": 0.5}),
    (OneCycleLR, {"max_lr": 1.0, "total_steps": 5}), (ReduceLROnPlateau, {}),
    (SequentialLR, {"schedulers": [], "milestones": []}),
])
def test_needs_an_optimizer(cls, kwargs):
    with pytest.raises(TypeError, match=r"list is not an Optimizer.*SGD\(params, lr=0.1\)"):
        cls([Value(1.0)], **kwargs)


def test_lambda_count_must_match_the_groups():
    with pytest.raises(ValueError, match=r"optimizer has 2 groups, lr_lambda has 3 values"):
        LambdaLR(sgd(groups=2), [lambda e: 1.0] * 3)


def test_one_cycle_refuses_to_step_past_total_steps_with_torchs_message():
    opt = sgd()
    scheduler = OneCycleLR(opt, max_lr=1.0, total_steps=5)
    for _ in range(5):  # total_steps steps after construction are allowed
        opt.step()
        scheduler.step()
    opt.step()
    with pytest.raises(ValueError, match=re.escape(
            "Tried to step 6 times. The specified number of total steps is 5")):
        scheduler.step()


def test_one_cycle_momentum_needs_momentum_or_betas():
    opt = PlainGD([Value(1.0)])
    with pytest.raises(ValueError, match="optimizer must support momentum or beta1.*PlainGD"):
        OneCycleLR(opt, max_lr=1.0, total_steps=10)
    scheduler = OneCycleLR(opt, max_lr=1.0, total_steps=10, cycle_momentum=False)
    assert scheduler.get_last_lr() == [pytest.approx(0.04)]


def test_cyclic_momentum_needs_momentum_or_betas():
    opt = PlainGD([Value(1.0)])
    with pytest.raises(ValueError, match="optimizer must support momentum or beta1.*PlainGD"):
        CyclicLR(opt, base_lr=0.1, max_lr=1.0)
    assert CyclicLR(opt, 0.1, 1.0, cycle_momentum=False).get_last_lr() == [0.1]


@pytest.mark.parametrize("metric", ["0.5", None, [0.5], True])
def test_plateau_step_needs_a_number(metric):
    scheduler = ReduceLROnPlateau(sgd())
    with pytest.raises(TypeError, match="needs the metric it watches, a number such as the "
                                        "validation loss: got"):
        scheduler.step(metric)


def test_warm_restarts_refuses_a_negative_epoch():
    opt = sgd()
    scheduler = CosineAnnealingWarmRestarts(opt, T_0=5)
    opt.step()
    with pytest.raises(ValueError, match="Expected non-negative epoch, but got -1"):
        scheduler.step(-1)


class TestChainedScheduler:
    def test_needs_at_least_one_scheduler(self):
        with pytest.raises(ValueError, match="at least one scheduler"):
            ChainedScheduler([])

    def test_refuses_plateau(self):
        opt = sgd()
        with pytest.raises(ValueError, match="ChainedScheduler does not support `ReduceLROnPlateau`"):
            ChainedScheduler([StepLR(opt, 2), ReduceLROnPlateau(opt)])

    def test_refuses_another_optimizer(self):
        opt = sgd()
        with pytest.raises(ValueError, match="same optimizer.*StepLR at index 1"):
            ChainedScheduler([ExponentialLR(opt, 0.9), StepLR(sgd(), 2)])

    def test_refuses_what_is_not_a_scheduler(self):
        opt = sgd()
        with pytest.raises(TypeError, match=r"schedulers\[1\] is not a scheduler: int"):
            ChainedScheduler([StepLR(opt, 2), 3], optimizer=opt)


class TestSequentialLR:
    def test_needs_at_least_one_scheduler(self):
        with pytest.raises(ValueError, match="at least one scheduler"):
            SequentialLR(sgd(), [], milestones=[])

    def test_milestone_count(self):
        opt = sgd()
        with pytest.raises(ValueError, match=r"number of schedulers 2 and the number of "
                                             r"milestones to be equal to 2: milestones=\[3, 6\]"):
            SequentialLR(opt, [StepLR(opt, 2), ExponentialLR(opt, 0.9)], milestones=[3, 6])

    @pytest.mark.parametrize("milestones, message", [
        ([6, 3], r"Invalid milestones: \[6, 3\] \(must be strictly increasing, e.g. \[3, 6\]\)"),
        ([4, 4], r"Invalid milestones: \[4, 4\] \(must be strictly increasing"),
        ([0, 4], r"Invalid milestones: \[0, 4\] \(every entry must be an integer >= 1\)"),
    ])
    def test_milestones_increase(self, milestones, message):
        opt = sgd()
        schedulers = [StepLR(opt, 2), ExponentialLR(opt, 0.9), ExponentialLR(opt, 0.5)]
        with pytest.raises(ValueError, match=message):
            SequentialLR(opt, schedulers, milestones=milestones)

    def test_refuses_plateau(self):
        opt = sgd()
        with pytest.raises(ValueError, match="does not support `ReduceLROnPlateau`.*index 1"):
            SequentialLR(opt, [StepLR(opt, 2), ReduceLROnPlateau(opt)], milestones=[3])

    def test_refuses_another_optimizer(self):
        opt = sgd()
        with pytest.raises(ValueError, match="same optimizer.*ExponentialLR at index 1"):
            SequentialLR(opt, [StepLR(opt, 2), ExponentialLR(sgd(), 0.9)], milestones=[3])

    def test_refuses_what_is_not_a_scheduler(self):
        opt = sgd()
        with pytest.raises(TypeError, match=r"schedulers\[1\] is not a scheduler: str"):
            SequentialLR(opt, [StepLR(opt, 2), "cosine"], milestones=[3])

    @pytest.mark.parametrize("combiner", ["SequentialLR", "ChainedScheduler"])
    def test_refuses_nesting(self, combiner):
        opt = sgd()
        inner = (SequentialLR(opt, [StepLR(opt, 2), ExponentialLR(opt, 0.9)], milestones=[3])
                 if combiner == "SequentialLR"
                 else ChainedScheduler([StepLR(opt, 2), ExponentialLR(opt, 0.9)]))
        with pytest.raises(ValueError, match=rf"schedulers\[1\] is a {combiner}, which cannot"):
            SequentialLR(opt, [LinearLR(opt), inner], milestones=[5])

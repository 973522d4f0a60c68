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
    # constructor, kwargs, error, the whole message
    (StepLR, {'step_size': 0}, ValueError,
     'Invalid step_size: 0 (must be a whole number >= 1).'),
    (StepLR, {'step_size': 2.5}, ValueError,
     'Invalid step_size: 2.5 (must be a whole number >= 1).'),
    (StepLR, {'step_size': True}, ValueError,
     'Invalid step_size: True (must be a whole number >= 1).'),
    (StepLR, {'step_size': 3, 'gamma': 0.0}, ValueError,
     'Invalid gamma: 0.0 (must be a finite number > 0). The lr is multiplied by it: use a value below 1 to decay, '
     'e.g. 0.1.'),
    (StepLR, {'step_size': 3, 'gamma': -0.5}, ValueError,
     'Invalid gamma: -0.5 (must be a finite number > 0). The lr is multiplied by it: use a value below 1 to decay, '
     'e.g. 0.1.'),
    (MultiStepLR, {'milestones': [10, 5]}, ValueError,
     'Invalid milestones: [10, 5] (must be a list of whole numbers >= 0, increasing). For example [5, 10].'),
    (MultiStepLR, {'milestones': [-1, 5]}, ValueError,
     'Invalid entry of milestones: -1 (must be a whole number >= 0). milestones is [-1, 5].'),
    (MultiStepLR, {'milestones': [2.5]}, ValueError,
     'Invalid entry of milestones: 2.5 (must be a whole number >= 0). milestones is [2.5].'),
    (MultiStepLR, {'milestones': [3], 'gamma': 0}, ValueError,
     'Invalid gamma: 0 (must be a finite number > 0). The lr is multiplied by it: use a value below 1 to decay, '
     'e.g. 0.1.'),
    (ExponentialLR, {'gamma': 0.0}, ValueError,
     'Invalid gamma: 0.0 (must be a finite number > 0). The lr is multiplied by it: use a value below 1 to decay, '
     'e.g. 0.1.'),
    (ExponentialLR, {'gamma': float("nan")}, ValueError,
     'Invalid gamma: nan (must be a finite number > 0). The lr is multiplied by it: use a value below 1 to decay, '
     'e.g. 0.1.'),
    (CosineAnnealingLR, {'T_max': 0}, ValueError,
     'Invalid T_max: 0 (must be a whole number >= 1).'),
    (CosineAnnealingLR, {'T_max': 2.5}, ValueError,
     'Invalid T_max: 2.5 (must be a whole number >= 1).'),
    (CosineAnnealingLR, {'T_max': 10, 'eta_min': -0.1}, ValueError,
     'Invalid eta_min: -0.1 (must be a finite number >= 0). It is the lowest lr of the cosine.'),
    (LinearLR, {'start_factor': 0.0}, ValueError,
     'Invalid start_factor: 0.0 (must be a finite number > 0 and <= 1). The lr is multiplied by it, then divided by '
     'it again: 0 could not be undone.'),
    (LinearLR, {'start_factor': 1.5}, ValueError,
     'Invalid start_factor: 1.5 (must be a finite number > 0 and <= 1). The lr is multiplied by it, then divided by '
     'it again: 0 could not be undone.'),
    (LinearLR, {'end_factor': 1.5}, ValueError,
     'Invalid end_factor: 1.5 (must be a finite number >= 0 and <= 1). The lr ends at end_factor * lr.'),
    (LinearLR, {'end_factor': -0.1}, ValueError,
     'Invalid end_factor: -0.1 (must be a finite number >= 0 and <= 1). The lr ends at end_factor * lr.'),
    (LinearLR, {'total_iters': 0}, ValueError,
     'Invalid total_iters: 0 (must be a whole number >= 1).'),
    (ConstantLR, {'factor': 0.0}, ValueError,
     'Invalid factor: 0.0 (must be a finite number > 0 and <= 1). The lr is multiplied by it, then divided by it '
     'again: 0 could not be undone.'),
    (ConstantLR, {'factor': 1.5}, ValueError,
     'Invalid factor: 1.5 (must be a finite number > 0 and <= 1). The lr is multiplied by it, then divided by it '
     'again: 0 could not be undone.'),
    (ConstantLR, {'total_iters': 0}, ValueError,
     'Invalid total_iters: 0 (must be a whole number >= 1).'),
    (PolynomialLR, {'total_iters': -2}, ValueError,
     'Invalid total_iters: -2 (must be a whole number >= 1).'),
    (PolynomialLR, {'power': -1.0}, ValueError,
     'Invalid power: -1.0 (must be a finite number >= 0). power=1 is a straight line down to 0.'),
    (LambdaLR, {'lr_lambda': 0.95}, TypeError,
     'Invalid lr_lambda: 0.95 (must be a function of the epoch). For example lr_lambda=lambda e: 0.95 ** e.'),
    (MultiplicativeLR, {'lr_lambda': [0.95]}, TypeError,
     'Invalid lr_lambda: 0.95 (must be a function of the epoch). For example lr_lambda=lambda e: 0.95 ** e.'),
    (CosineAnnealingWarmRestarts, {'T_0': 0}, ValueError,
     'Invalid T_0: 0 (must be a whole number >= 1).'),
    (CosineAnnealingWarmRestarts, {'T_0': 2.5}, ValueError,
     'Invalid T_0: 2.5 (must be a whole number >= 1).'),
    (CosineAnnealingWarmRestarts, {'T_0': 5, 'T_mult': 0}, ValueError,
     'Invalid T_mult: 0 (must be a whole number >= 1).'),
    (CosineAnnealingWarmRestarts, {'T_0': 5, 'T_mult': 1.5}, ValueError,
     'Invalid T_mult: 1.5 (must be a whole number >= 1).'),
    (CosineAnnealingWarmRestarts, {'T_0': 5, 'eta_min': -1.0}, ValueError,
     'Invalid eta_min: -1.0 (must be a finite number >= 0). It is the lowest lr of the cosine.'),
    (CyclicLR, {'base_lr': 0.1, 'max_lr': 1.0, 'mode': 'sine'}, ValueError,
     "Invalid mode: 'sine' (must be 'triangular' or 'triangular2' or 'exp_range'). Or pass scale_fn, a function of "
     "the cycle or iteration."),
    (CyclicLR, {'base_lr': 0.1, 'max_lr': 1.0, 'scale_mode': 'epochs'}, ValueError,
     "Invalid scale_mode: 'epochs' (must be 'cycle' or 'iterations')."),
    (CyclicLR, {'base_lr': 0.1, 'max_lr': 1.0, 'step_size_up': 0}, ValueError,
     'Invalid step_size_up: 0 (must be a finite number > 0). It is a number of iterations (batches), e.g. 2000.'),
    (CyclicLR, {'base_lr': 0.1, 'max_lr': 1.0, 'step_size_down': -3}, ValueError,
     'Invalid step_size_down: -3 (must be a finite number > 0). It is a number of iterations (batches), e.g. 2000.'),
    (CyclicLR, {'base_lr': 0.1, 'max_lr': 1.0, 'mode': 'exp_range', 'gamma': 0.0}, ValueError,
     'Invalid gamma: 0.0 (must be a finite number > 0). The lr is multiplied by it: use a value below 1 to decay, '
     'e.g. 0.1.'),
    (CyclicLR, {'base_lr': -0.1, 'max_lr': 1.0}, ValueError,
     'Invalid base_lr: -0.1 (must be a finite number >= 0). Pass a learning rate such as 0.1.'),
    (CyclicLR, {'base_lr': 0.1, 'max_lr': '1.0'}, ValueError,
     "Invalid max_lr: '1.0' (must be a finite number >= 0). Pass a learning rate such as 0.1."),
    (CyclicLR, {'base_lr': [0.1, 0.2], 'max_lr': 1.0}, ValueError,
     'Invalid base_lr: [0.1, 0.2] (must have one value per param group: the optimizer has 1 groups, base_lr has 2 '
     'values). Pass one value, or a list with one per group.'),
    (CyclicLR, {'base_lr': 0.1, 'max_lr': [1.0, 2.0, 3.0]}, ValueError,
     'Invalid max_lr: [1.0, 2.0, 3.0] (must have one value per param group: the optimizer has 1 groups, max_lr has '
     '3 values). Pass one value, or a list with one per group.'),
    (OneCycleLR, {'max_lr': 1.0}, ValueError,
     'Invalid total_steps: None (needs a number, or both epochs and steps_per_epoch (got epochs=None, '
     'steps_per_epoch=None)). Pass total_steps=, or epochs= and steps_per_epoch=.'),
    (OneCycleLR, {'max_lr': 1.0, 'epochs': 3}, ValueError,
     'Invalid total_steps: None (needs a number, or both epochs and steps_per_epoch (got epochs=3, '
     'steps_per_epoch=None)). Pass total_steps=, or epochs= and steps_per_epoch=.'),
    (OneCycleLR, {'max_lr': 1.0, 'total_steps': 0}, ValueError,
     'Invalid total_steps: 0 (must be a whole number >= 1).'),
    (OneCycleLR, {'max_lr': 1.0, 'total_steps': 10.0}, ValueError,
     'Invalid total_steps: 10.0 (must be a whole number >= 1).'),
    (OneCycleLR, {'max_lr': 1.0, 'epochs': 0, 'steps_per_epoch': 5}, ValueError,
     'Invalid epochs: 0 (must be a whole number >= 1).'),
    (OneCycleLR, {'max_lr': 1.0, 'epochs': 2, 'steps_per_epoch': -5}, ValueError,
     'Invalid steps_per_epoch: -5 (must be a whole number >= 1).'),
    (OneCycleLR, {'max_lr': 1.0, 'total_steps': 10, 'pct_start': 1.5}, ValueError,
     'Invalid pct_start: 1.5 (must be a finite number >= 0 and <= 1). It is the share of the steps spent warming '
     'up, e.g. 0.3.'),
    (OneCycleLR, {'max_lr': 1.0, 'total_steps': 10, 'pct_start': '0.3'}, ValueError,
     "Invalid pct_start: '0.3' (must be a finite number >= 0 and <= 1). It is the share of the steps spent "
     "warming up, e.g. 0.3."),
    (OneCycleLR, {'max_lr': 1.0, 'total_steps': 10, 'pct_start': 0.1}, ValueError,
     "Invalid pct_start: 0.1 (with total_steps=10, pct_start * total_steps = 1 gives a warm-up phase of zero "
     "steps). Choose another pct_start."),
    (OneCycleLR, {'max_lr': 1.0, 'total_steps': 10, 'anneal_strategy': 'exp'}, ValueError,
     "Invalid anneal_strategy: 'exp' (must be 'cos' or 'linear')."),
    (OneCycleLR, {'max_lr': 1.0, 'total_steps': 10, 'div_factor': 0.0}, ValueError,
     'Invalid div_factor: 0.0 (must be a finite number > 0). The lr is divided by it.'),
    (OneCycleLR, {'max_lr': 1.0, 'total_steps': 10, 'final_div_factor': -1.0}, ValueError,
     'Invalid final_div_factor: -1.0 (must be a finite number > 0). The lr is divided by it.'),
    (OneCycleLR, {'max_lr': -1.0, 'total_steps': 10}, ValueError,
     'Invalid max_lr: -1.0 (must be a finite number >= 0). Pass a learning rate such as 0.1.'),
    (OneCycleLR, {'max_lr': [1.0, 2.0], 'total_steps': 10}, ValueError,
     'Invalid max_lr: [1.0, 2.0] (must have one value per param group: the optimizer has 1 groups, max_lr has 2 '
     'values). Pass one value, or a list with one per group.'),
    (OneCycleLR, {'max_lr': 1.0, 'total_steps': 10, 'base_momentum': [0.8, 0.85]}, ValueError,
     'Invalid base_momentum: [0.8, 0.85] (must have one value per param group: the optimizer has 1 groups, '
     'base_momentum has 2 values). Pass one value, or a list with one per group.'),
    (ReduceLROnPlateau, {'mode': 'minimum'}, ValueError,
     "Invalid mode: 'minimum' (must be 'min' or 'max'). Use 'min' for a loss, 'max' for an accuracy."),
    (ReduceLROnPlateau, {'threshold_mode': 'relative'}, ValueError,
     "Invalid threshold_mode: 'relative' (must be 'rel' or 'abs'). 'rel' compares with best · (1 ± threshold), "
     "'abs' with best ± threshold."),
    (ReduceLROnPlateau, {'factor': 1.0}, ValueError,
     'Invalid factor: 1.0 (must be a finite number >= 0 and < 1). The lr becomes lr * factor, e.g. 0.1.'),
    (ReduceLROnPlateau, {'factor': -0.5}, ValueError,
     'Invalid factor: -0.5 (must be a finite number >= 0 and < 1). The lr becomes lr * factor, e.g. 0.1.'),
    (ReduceLROnPlateau, {'min_lr': [0.0, 0.1]}, ValueError,
     'Invalid min_lr: [0.0, 0.1] (must have one value per param group: the optimizer has 1 groups, min_lr has 2 '
     'values). Pass one value, or a list with one per group.'),
    (ReduceLROnPlateau, {'min_lr': -0.001}, ValueError,
     'Invalid min_lr: -0.001 (must be a finite number >= 0). Pass a learning rate such as 0.1.'),
    (ReduceLROnPlateau, {'patience': -1}, ValueError,
     'Invalid patience: -1 (must be a whole number >= 0).'),
    (ReduceLROnPlateau, {'cooldown': 1.5}, ValueError,
     'Invalid cooldown: 1.5 (must be a whole number >= 0).'),
    (ReduceLROnPlateau, {'threshold': -0.0001}, ValueError,
     'Invalid threshold: -0.0001 (must be a finite number >= 0).'),
    (ReduceLROnPlateau, {'eps': -1.0}, ValueError,
     'Invalid eps: -1.0 (must be a finite number >= 0).'),
]


@pytest.mark.parametrize("cls, kwargs, error, message", BAD_ARGUMENTS,
                         ids=[f"{c.__name__}-{'-'.join(map(str, kw.values()))}"
                              for c, kw, _, _ in BAD_ARGUMENTS])
def test_bad_argument_is_refused_with_a_clear_message(cls, kwargs, error, message):
    opt = sgd()
    before = [dict(group) for group in opt.param_groups]
    with pytest.raises(error) as info:
        cls(opt, **kwargs)
    assert str(info.value) == message
    assert opt.param_groups == before  # a refused scheduler leaves the optimizer as it was


@pytest.mark.parametrize("cls, kwargs", [
    (StepLR, {"step_size": 2}), (ExponentialLR, {"gamma": 0.5}),
    (OneCycleLR, {"max_lr": 1.0, "total_steps": 5}), (ReduceLROnPlateau, {}),
    (SequentialLR, {"schedulers": [], "milestones": []}),
])
def test_needs_an_optimizer(cls, kwargs):
    with pytest.raises(TypeError, match=r"Invalid optimizer: \[Value\(data=1.*\] \(must be a microopt.optim "
                                        r"optimizer, not a list\). Build one first, e.g. SGD\(params, lr=0.1\)."):
        cls([Value(1.0)], **kwargs)


def test_lambda_count_must_match_the_groups():
    with pytest.raises(ValueError, match=r"Invalid lr_lambda: .* \(must have one value per param group: the "
                                         r"optimizer has 2 groups, lr_lambda has 3 values\)"):
        LambdaLR(sgd(groups=2), [lambda e: 1.0] * 3)


def test_one_cycle_refuses_to_step_past_total_steps_and_says_what_to_do():
    opt = sgd()
    scheduler = OneCycleLR(opt, max_lr=1.0, total_steps=5)
    for _ in range(5):  # total_steps steps after construction are allowed
        opt.step()
        scheduler.step()
    opt.step()
    with pytest.raises(ValueError) as error:
        scheduler.step()
    assert str(error.value) == (
        "Invalid step: 6 (OneCycleLR was built for total_steps=5 steps after construction, and this is one "
        "more). Build it with total_steps (or epochs and steps_per_epoch) covering the whole run, and call "
        "step() once per batch.")
    assert scheduler.last_epoch == 5  # the refused step did not count


def test_one_cycle_momentum_needs_momentum_or_betas():
    opt = PlainGD([Value(1.0)])
    with pytest.raises(ValueError, match=re.escape(
            "Invalid cycle_momentum: True (needs an optimizer with a momentum or betas[0]; PlainGD has "
            "neither). Pass cycle_momentum=False.")):
        OneCycleLR(opt, max_lr=1.0, total_steps=10)
    scheduler = OneCycleLR(opt, max_lr=1.0, total_steps=10, cycle_momentum=False)
    assert scheduler.get_last_lr() == [pytest.approx(0.04)]


def test_cyclic_momentum_needs_momentum_or_betas():
    opt = PlainGD([Value(1.0)])
    with pytest.raises(ValueError, match=r"Invalid cycle_momentum: True \(needs an optimizer with a momentum"):
        CyclicLR(opt, base_lr=0.1, max_lr=1.0)
    assert CyclicLR(opt, 0.1, 1.0, cycle_momentum=False).get_last_lr() == [0.1]


@pytest.mark.parametrize("metric", ["0.5", None, [0.5], True])
def test_plateau_step_needs_a_number(metric):
    scheduler = ReduceLROnPlateau(sgd())
    with pytest.raises(TypeError, match=r"Invalid metrics: .* \(must be a number\). Pass the metric this "
                                        r"scheduler watches, such as the validation loss"):
        scheduler.step(metric)


def test_warm_restarts_refuses_a_negative_epoch():
    opt = sgd()
    scheduler = CosineAnnealingWarmRestarts(opt, T_0=5)
    opt.step()
    with pytest.raises(ValueError, match=r"Invalid epoch: -1 \(must be a finite number >= 0\)"):
        scheduler.step(-1)


class TestChainedScheduler:
    def test_needs_at_least_one_scheduler(self):
        with pytest.raises(ValueError, match="at least one scheduler"):
            ChainedScheduler([])

    def test_refuses_plateau(self):
        opt = sgd()
        with pytest.raises(ValueError, match=r"Invalid schedulers\[1\]: ReduceLROnPlateau\(.*\) \(ChainedScheduler "
                                             r"cannot hold a ReduceLROnPlateau, whose step\(\) needs the metric\)"):
            ChainedScheduler([StepLR(opt, 2), ReduceLROnPlateau(opt)])

    def test_refuses_another_optimizer(self):
        opt = sgd()
        with pytest.raises(ValueError, match=r"Invalid schedulers\[1\]: StepLR\(.*\) \(must act on the same optimizer "
                                             r"as ChainedScheduler\)"):
            ChainedScheduler([ExponentialLR(opt, 0.9), StepLR(sgd(), 2)])

    def test_refuses_what_is_not_a_scheduler(self):
        opt = sgd()
        with pytest.raises(TypeError, match=r"Invalid schedulers\[1\]: 3 \(must be a scheduler\)"):
            ChainedScheduler([StepLR(opt, 2), 3], optimizer=opt)


class TestSequentialLR:
    def test_needs_at_least_one_scheduler(self):
        with pytest.raises(ValueError, match="at least one scheduler"):
            SequentialLR(sgd(), [], milestones=[])

    def test_milestone_count(self):
        opt = sgd()
        with pytest.raises(ValueError, match=r"Invalid milestones: \[3, 6\] \(must have one entry fewer than "
                                             r"the 2 schedulers: the epochs where each hands over to the next\)"):
            SequentialLR(opt, [StepLR(opt, 2), ExponentialLR(opt, 0.9)], milestones=[3, 6])

    @pytest.mark.parametrize("milestones, message", [
        ([6, 3], r"Invalid milestones: \[6, 3\] \(must be a list of whole numbers >= 1, strictly increasing\). "
                 r"For example \[3, 6\]."),
        ([4, 4], r"Invalid milestones: \[4, 4\] \(must be a list of whole numbers >= 1, strictly increasing"),
        ([0, 4], r"Invalid entry of milestones: 0 \(must be a whole number >= 1\). milestones is \[0, 4\]."),
        (5, r"Invalid milestones: 5 \(must be a list of whole numbers >= 1, strictly increasing\). "
            r"For example milestones=\[30, 80\]."),
    ])
    def test_milestones_increase(self, milestones, message):
        opt = sgd()
        schedulers = [StepLR(opt, 2), ExponentialLR(opt, 0.9), ExponentialLR(opt, 0.5)]
        with pytest.raises(ValueError, match=message):
            SequentialLR(opt, schedulers, milestones=milestones)

    def test_refuses_plateau(self):
        opt = sgd()
        with pytest.raises(ValueError, match=r"Invalid schedulers\[1\]: ReduceLROnPlateau\(.*\) \(SequentialLR cannot "
                                             r"hold a ReduceLROnPlateau"):
            SequentialLR(opt, [StepLR(opt, 2), ReduceLROnPlateau(opt)], milestones=[3])

    def test_refuses_another_optimizer(self):
        opt = sgd()
        with pytest.raises(ValueError, match=r"Invalid schedulers\[1\]: ExponentialLR\(.*\) \(must act on the same "
                                             r"optimizer as SequentialLR\)"):
            SequentialLR(opt, [StepLR(opt, 2), ExponentialLR(sgd(), 0.9)], milestones=[3])

    def test_refuses_what_is_not_a_scheduler(self):
        opt = sgd()
        with pytest.raises(TypeError, match=r"Invalid schedulers\[1\]: 'cosine' \(must be a scheduler\)"):
            SequentialLR(opt, [StepLR(opt, 2), "cosine"], milestones=[3])

    @pytest.mark.parametrize("combiner", ["SequentialLR", "ChainedScheduler"])
    def test_refuses_a_combiner_that_would_have_to_restart_at_a_milestone(self, combiner):
        opt = sgd()
        inner = (SequentialLR(opt, [StepLR(opt, 2), ExponentialLR(opt, 0.9)], milestones=[3])
                 if combiner == "SequentialLR"
                 else ChainedScheduler([StepLR(opt, 2), ExponentialLR(opt, 0.9)]))
        with pytest.raises(ValueError, match=rf"Invalid schedulers\[1\]: {combiner}\(.*\) \(a {combiner} cannot "
                                             r"restart at a milestone\). List its schedulers here instead"):
            SequentialLR(opt, [LinearLR(opt), inner], milestones=[5])

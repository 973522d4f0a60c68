"""Saving and resuming schedulers, and the warning about calling them in the wrong order."""

from __future__ import annotations

import json
import warnings

import pytest

from microopt import Value
from microopt.optim import SGD
from microopt.optim.lr_scheduler import (CyclicLR, ExponentialLR, LambdaLR, LinearLR,
                                         ReduceLROnPlateau, SequentialLR, StepLR)
from tests.fixtures import generate_scheduler_fixtures as generator
from tests.schedulers.fixture import CASES, IDS, build_microopt

SAVE_AT = 13  # an epoch inside every schedule's interesting part (warm-ups end by 10)


def step(optimizer, scheduler, case: dict, epoch: int) -> None:
    optimizer.step()
    if "step_args" in case:
        scheduler.step(case["step_args"][epoch])
    else:
        scheduler.step()


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_json_round_trip_resumes_identically(case):
    """Save optimizer and scheduler through JSON at epoch 13, rebuild, load, continue."""
    optimizer, scheduler = build_microopt(case)
    for epoch in range(SAVE_AT):
        step(optimizer, scheduler, case, epoch)
    saved = json.dumps({"optimizer": optimizer.state_dict(), "scheduler": scheduler.state_dict()})

    optimizer2, scheduler2 = build_microopt(case)
    loaded = json.loads(saved)
    optimizer2.load_state_dict(loaded["optimizer"])
    scheduler2.load_state_dict(loaded["scheduler"])
    assert scheduler2.get_last_lr() == scheduler.get_last_lr()
    for epoch in range(SAVE_AT, case["steps"]):
        step(optimizer, scheduler, case, epoch)
        step(optimizer2, scheduler2, case, epoch)
        assert scheduler2.get_last_lr() == scheduler.get_last_lr(), f"epoch {epoch + 1}"
        assert generator.momenta(optimizer2) == generator.momenta(optimizer)
    assert scheduler2.get_last_lr() == case["lrs"][-1]


def test_state_dict_holds_the_counters_not_the_optimizer():
    opt = SGD([Value(1.0)], lr=0.1)
    scheduler = StepLR(opt, step_size=2, gamma=0.5)
    opt.step()
    scheduler.step()
    state = scheduler.state_dict()
    assert "optimizer" not in state
    assert state["last_epoch"] == 1 and state["_step_count"] == 2
    assert state["base_lrs"] == [0.1] and state["step_size"] == 2 and state["gamma"] == 0.5


def test_state_dict_is_a_copy():
    opt = SGD([Value(1.0)], lr=0.1)
    scheduler = StepLR(opt, step_size=2)
    scheduler.state_dict()["base_lrs"].append(5.0)
    assert scheduler.base_lrs == [0.1]


def test_plateau_state_with_infinite_best_goes_through_json():
    opt = SGD([Value(1.0)], lr=0.1)
    scheduler = ReduceLROnPlateau(opt)
    text = json.dumps(scheduler.state_dict())
    assert "Infinity" in text  # best is +inf until the first metric
    other = ReduceLROnPlateau(SGD([Value(1.0)], lr=0.1))
    other.load_state_dict(json.loads(text))
    assert other.best == float("inf")


def test_lambda_functions_are_not_saved_but_callable_objects_are():
    class Warmup:
        def __init__(self, epochs):
            self.epochs = epochs

        def __call__(self, epoch):
            return min(1.0, (epoch + 1) / self.epochs)

    opt = SGD([{"params": [Value(1.0)], "lr": 0.1}, {"params": [Value(1.0)], "lr": 0.2}])
    scheduler = LambdaLR(opt, [lambda e: 0.9 ** e, Warmup(4)])
    scheduler.lr_lambdas[1].epochs = 8  # the object's state changes during training
    state = json.loads(json.dumps(scheduler.state_dict()))
    assert state["lr_lambdas"] == [None, {"epochs": 8}]

    other = LambdaLR(SGD([{"params": [Value(1.0)], "lr": 0.1}, {"params": [Value(1.0)], "lr": 0.2}]),
                     [lambda e: 0.5 ** e, Warmup(4)])
    other.load_state_dict(state)
    assert other.lr_lambdas[1].epochs == 8
    assert other.lr_lambdas[0](1) == 0.5  # the constructor's function stays


def test_cyclic_scale_fn_object_state_is_saved():
    class Decay:
        def __init__(self, rate):
            self.rate = rate

        def __call__(self, cycle):
            return self.rate ** (cycle - 1)

    opt = SGD([Value(1.0)], lr=0.1, momentum=0.9)
    scheduler = CyclicLR(opt, base_lr=0.01, max_lr=0.1, step_size_up=2, scale_fn=Decay(0.5))
    scheduler._scale_fn_custom.rate = 0.25
    state = json.loads(json.dumps(scheduler.state_dict()))
    assert state["_scale_fn_custom"] == {"rate": 0.25}
    other = CyclicLR(SGD([Value(1.0)], lr=0.1, momentum=0.9), base_lr=0.01, max_lr=0.1,
                     step_size_up=2, scale_fn=Decay(0.5))
    other.load_state_dict(state)
    assert other.scale_fn(2) == 0.25

    plain = CyclicLR(opt, base_lr=0.01, max_lr=0.1, scale_fn=lambda cycle: 1.0)
    assert plain.state_dict()["_scale_fn_custom"] is None  # a function is code, not data


def test_load_state_dict_refuses_entries_of_the_wrong_kind():
    # A hand-edited or damaged state must fail on load, not later inside step().
    state = StepLR(SGD([Value(1.0)], lr=0.1), step_size=2).state_dict()
    scheduler = StepLR(SGD([Value(1.0)], lr=0.1), step_size=2)
    before = scheduler.state_dict()
    for key, bad in (("last_epoch", "3"), ("base_lrs", 0.1), ("gamma", [0.1])):
        with pytest.raises(ValueError, match=f"entry '{key}' is .*keeps a (number|list) there"):
            scheduler.load_state_dict({**state, key: bad})
        assert scheduler.state_dict() == before
    scheduler.load_state_dict(json.loads(json.dumps(state)))  # JSON's lists for tuples are fine
    assert scheduler.state_dict() == state


def test_load_state_dict_refuses_another_kind_of_scheduler():
    opt = SGD([Value(1.0)], lr=0.1)
    step_state = StepLR(opt, step_size=2).state_dict()
    with pytest.raises(ValueError, match=r"keys \['step_size'\].*another kind of scheduler"):
        ExponentialLR(SGD([Value(1.0)], lr=0.1), gamma=0.5).load_state_dict(step_state)
    with pytest.raises(TypeError, match="dict returned by state_dict"):
        StepLR(opt, step_size=2).load_state_dict([("last_epoch", 3)])


def test_sequential_load_state_dict_needs_the_same_number_of_schedulers():
    opt = SGD([Value(1.0)], lr=0.1)
    two = SequentialLR(opt, [ExponentialLR(opt, 0.5), ExponentialLR(opt, 0.9)], milestones=[3])
    state = two.state_dict()
    opt3 = SGD([Value(1.0)], lr=0.1)
    three = SequentialLR(opt3, [ExponentialLR(opt3, 0.5), ExponentialLR(opt3, 0.9),
                                ExponentialLR(opt3, 0.9)], milestones=[3, 5])
    with pytest.raises(ValueError, match="holds 2 schedulers, this SequentialLR has 3"):
        three.load_state_dict(state)


def test_resuming_with_last_epoch_needs_initial_lr():
    opt = SGD([Value(1.0)], lr=0.1)
    with pytest.raises(KeyError, match=r"param_groups\[0\] has no 'initial_lr'.*last_epoch=4"):
        StepLR(opt, step_size=2, last_epoch=4)


def test_plateau_min_lr_follows_added_param_groups():
    opt = SGD([Value(1.0)], lr=1.0)
    scheduler = ReduceLROnPlateau(opt, patience=0, min_lr=0.5)
    opt.add_param_group({"params": [Value(2.0)], "lr": 0.6})
    scheduler.step(1.0)
    scheduler.step(2.0)  # worse: reduce both groups, the new one too, floored at 0.5
    assert scheduler.get_last_lr() == [0.5, 0.5]

    opt = SGD([Value(1.0)], lr=1.0)
    scheduler = ReduceLROnPlateau(opt, patience=0, min_lr=[0.5])
    opt.add_param_group({"params": [Value(2.0)], "lr": 0.6})
    scheduler.step(1.0)
    with pytest.raises(RuntimeError, match=r"Invalid min_lrs: \[0.5\] \(must have one value per param group, and the "
                                           r"optimizer has 2 now"):
        scheduler.step(2.0)


# ---------------------------------------------------------------------- the order warning
def test_warns_when_scheduler_steps_before_optimizer():
    opt = SGD([Value(1.0)], lr=0.1)
    scheduler = StepLR(opt, step_size=1, gamma=0.5)
    with pytest.warns(UserWarning, match=r"`scheduler.step\(\)` before `optimizer.step\(\)`"):
        scheduler.step()
    # The schedule has moved on: the first update will use 0.05, never 0.1.
    assert opt.param_groups[0]["lr"] == 0.05


def test_right_order_does_not_warn():
    opt = SGD([Value(1.0)], lr=0.1)
    scheduler = LinearLR(opt)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for _ in range(3):
            opt.step()
            scheduler.step()


def test_warns_once_and_counts_only_optimizer_steps_since_construction():
    opt = SGD([Value(1.0)], lr=0.1)
    opt.step()  # before the scheduler exists: does not count, as in torch
    scheduler = ExponentialLR(opt, gamma=0.5)
    with pytest.warns(UserWarning, match="skipped"):
        scheduler.step()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        scheduler.step()  # the mistake is reported once


def test_sequential_warns_through_its_first_scheduler():
    opt = SGD([Value(1.0)], lr=0.1)
    scheduler = SequentialLR(opt, [LinearLR(opt), ExponentialLR(opt, 0.9)], milestones=[5])
    with pytest.warns(UserWarning, match="before `optimizer.step"):
        scheduler.step()

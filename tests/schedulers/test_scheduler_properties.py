"""Properties that hold for every setting: recursive rules agree with their closed forms,
OneCycleLR stays inside its bounds, ReduceLROnPlateau reduces on a predictable beat."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from microopt import Value
from microopt.optim import SGD, Adam
from microopt.optim.lr_scheduler import (ChainedScheduler, ConstantLR, CosineAnnealingLR,
                                         CosineAnnealingWarmRestarts, CyclicLR, ExponentialLR,
                                         LambdaLR, LinearLR, MultiplicativeLR, MultiStepLR,
                                         OneCycleLR,
                                         PolynomialLR, ReduceLROnPlateau, SequentialLR, StepLR)

EPOCHS = 120

base_lrs = st.lists(st.floats(1e-4, 10.0), min_size=1, max_size=3)


def sgd(lrs: list[float]) -> SGD:
    return SGD([{"params": [Value(0.0)], "lr": lr} for lr in lrs], momentum=0.9)


def assert_recursive_matches_closed_form(optimizer, scheduler, epochs: int = EPOCHS) -> None:
    scale = max(scheduler.base_lrs)
    for epoch in range(epochs + 1):
        for got, closed in zip(scheduler.get_last_lr(), scheduler.closed_form_lr(), strict=True):
            # The recursion rounds once per step: a few ulps after 120 steps.
            assert math.isclose(got, closed, rel_tol=1e-12, abs_tol=1e-13 * scale), (
                f"epoch {epoch}: recursive {got!r}, closed form {closed!r}")
        optimizer.step()
        scheduler.step()


@settings(max_examples=25, deadline=None)
@given(lrs=base_lrs, step_size=st.integers(1, 30), gamma=st.floats(0.1, 1.5))
def test_step_lr_recursive_equals_closed_form(lrs, step_size, gamma):
    opt = sgd(lrs)
    assert_recursive_matches_closed_form(opt, StepLR(opt, step_size, gamma))


@settings(max_examples=25, deadline=None)
@given(lrs=base_lrs, milestones=st.lists(st.integers(0, EPOCHS), max_size=6),
       gamma=st.floats(0.1, 1.5))
def test_multistep_lr_recursive_equals_closed_form(lrs, milestones, gamma):
    opt = sgd(lrs)
    assert_recursive_matches_closed_form(opt, MultiStepLR(opt, sorted(milestones), gamma))


@settings(max_examples=25, deadline=None)
@given(lrs=base_lrs, gamma=st.floats(0.8, 1.05))
def test_exponential_lr_recursive_equals_closed_form(lrs, gamma):
    opt = sgd(lrs)
    assert_recursive_matches_closed_form(opt, ExponentialLR(opt, gamma))


@settings(max_examples=25, deadline=None)
@given(lrs=base_lrs, T_max=st.integers(1, 60), eta_min=st.sampled_from([0.0, 1e-5, 1e-4]))
def test_cosine_recursive_equals_closed_form_over_several_periods(lrs, T_max, eta_min):
    opt = sgd(lrs)
    assert_recursive_matches_closed_form(opt, CosineAnnealingLR(opt, T_max, eta_min))


@settings(max_examples=25, deadline=None)
@given(lrs=base_lrs, start=st.floats(0.01, 1.0), end=st.floats(0.0, 1.0),
       total_iters=st.integers(1, 60))
def test_linear_lr_recursive_equals_closed_form(lrs, start, end, total_iters):
    opt = sgd(lrs)
    assert_recursive_matches_closed_form(opt, LinearLR(opt, start, end, total_iters))


@settings(max_examples=25, deadline=None)
@given(lrs=base_lrs, factor=st.floats(0.01, 1.0), total_iters=st.integers(1, 60))
def test_constant_lr_recursive_equals_closed_form(lrs, factor, total_iters):
    opt = sgd(lrs)
    assert_recursive_matches_closed_form(opt, ConstantLR(opt, factor, total_iters))


@settings(max_examples=25, deadline=None)
@given(lrs=base_lrs, total_iters=st.integers(1, 60), power=st.floats(0.0, 5.0))
def test_polynomial_lr_recursive_equals_closed_form(lrs, total_iters, power):
    opt = sgd(lrs)
    assert_recursive_matches_closed_form(opt, PolynomialLR(opt, total_iters, power))


@settings(max_examples=20, deadline=None)
@given(lrs=base_lrs, a=st.floats(0.9, 1.0), b=st.floats(0.0, 0.1))
def test_multiplicative_lr_recursive_equals_closed_form(lrs, a, b):
    opt = sgd(lrs)
    assert_recursive_matches_closed_form(opt, MultiplicativeLR(opt, lambda e: a + b * math.sin(e)))


@settings(max_examples=20, deadline=None)
@given(T_0=st.integers(1, 10), T_mult=st.integers(1, 3), eta_min=st.sampled_from([0.0, 0.01]))
def test_warm_restarts_counting_agrees_with_whole_epochs_passed_directly(T_0, T_mult, eta_min):
    """step() counts T_cur up and restarts; step(e) computes T_cur and T_i from e."""
    counting_opt, direct_opt = sgd([0.1]), sgd([0.1])
    counting = CosineAnnealingWarmRestarts(counting_opt, T_0, T_mult, eta_min)
    direct = CosineAnnealingWarmRestarts(direct_opt, T_0, T_mult, eta_min)
    for epoch in range(1, 60):
        counting_opt.step()
        counting.step()
        direct_opt.step()
        direct.step(epoch)
        assert math.isclose(counting.get_last_lr()[0], direct.get_last_lr()[0], rel_tol=1e-9,
                            abs_tol=1e-15), epoch
        assert counting.last_epoch == direct.last_epoch == epoch


@settings(max_examples=25, deadline=None)
@given(base=st.floats(1e-4, 1.0), height=st.floats(0.0, 1.0), up=st.integers(1, 8),
       down=st.integers(1, 8), mode=st.sampled_from(["triangular", "triangular2", "exp_range"]),
       gamma=st.floats(0.5, 1.0))
def test_cyclic_lr_stays_between_base_and_max_and_repeats(base, height, up, down, mode, gamma):
    opt = sgd([0.1])
    scheduler = CyclicLR(opt, base_lr=base, max_lr=base + height, step_size_up=up,
                         step_size_down=down, mode=mode, gamma=gamma)
    seq = []
    for _ in range(3 * (up + down)):
        lr = scheduler.get_last_lr()[0]
        momentum = opt.param_groups[0]["momentum"]
        assert base * (1 - 1e-12) <= lr <= (base + height) * (1 + 1e-12)
        assert 0.8 - 1e-12 <= momentum <= 0.9 + 1e-12
        seq.append(lr)
        opt.step()
        scheduler.step()
    if mode == "triangular":  # no amplitude scaling: every cycle is the same triangle
        period = up + down
        for e in range(period, len(seq)):
            assert math.isclose(seq[e], seq[e - period], rel_tol=1e-9), e
        assert max(seq) == pytest.approx(base + height, rel=1e-12)


@settings(max_examples=20, deadline=None)
@given(lr=st.floats(1e-3, 1.0), factor=st.floats(0.05, 1.0), total_iters=st.integers(1, 10),
       gamma=st.floats(0.8, 1.0))
def test_chained_factors_multiply(lr, factor, total_iters, gamma):
    opt = sgd([lr])
    constant, exponential = ConstantLR(opt, factor, total_iters), ExponentialLR(opt, gamma)
    chained = ChainedScheduler([constant, exponential])
    for epoch in range(30):
        f = factor if epoch < total_iters else 1.0
        assert math.isclose(chained.get_last_lr()[0], lr * f * gamma ** epoch, rel_tol=1e-12)
        opt.step()
        chained.step()


@settings(max_examples=20, deadline=None)
@given(lrs=base_lrs, a=st.floats(-1.0, 1.0), b=st.floats(1.0, 2.0))  # b >= |a|: factors >= 0
def test_lambda_lr_is_base_times_lambda(lrs, a, b):
    opt = sgd(lrs)
    fn = lambda e: b + a * math.sin(e)  # noqa: E731 (any function of the epoch will do)
    scheduler = LambdaLR(opt, fn)
    for epoch in range(30):
        assert scheduler.get_last_lr() == [lr * fn(epoch) for lr in lrs]
        opt.step()
        scheduler.step()


@settings(max_examples=20, deadline=None)
@given(lr=st.floats(1e-3, 1.0), milestone=st.integers(1, 20),
       second=st.sampled_from(["exponential", "cosine", "step"]))
def test_sequential_runs_the_next_scheduler_from_its_own_epoch_zero(lr, milestone, second):
    """After the milestone m, SequentialLR's lr at epoch e is the second scheduler's at e - m."""
    def make(opt):
        return {"exponential": lambda: ExponentialLR(opt, 0.9),
                "cosine": lambda: CosineAnnealingLR(opt, T_max=7, eta_min=1e-4),
                "step": lambda: StepLR(opt, 3, 0.5)}[second]()

    opt = sgd([lr])
    sequential = SequentialLR(opt, [LinearLR(opt, 0.1, total_iters=5), make(opt)], [milestone])
    alone_opt = sgd([lr])
    alone = make(alone_opt)
    for _ in range(milestone):
        opt.step()
        sequential.step()
    for _ in range(30):
        assert sequential.get_last_lr() == alone.get_last_lr()
        opt.step()
        sequential.step()
        alone_opt.step()
        alone.step()


@settings(max_examples=30, deadline=None)
@given(max_lr=st.floats(1e-3, 10.0), total_steps=st.integers(5, 80),
       pct_start=st.floats(0.05, 0.95), three_phase=st.booleans(),
       anneal_strategy=st.sampled_from(["cos", "linear"]), adam=st.booleans())
def test_one_cycle_stays_between_its_bounds(max_lr, total_steps, pct_start, three_phase,
                                            anneal_strategy, adam):
    opt = Adam([Value(0.0)], lr=1e-3) if adam else sgd([0.1])
    if pct_start * total_steps == 1.0:
        pct_start += 0.01  # a zero-step warm-up is refused (tested in test_scheduler_errors)
    scheduler = OneCycleLR(opt, max_lr=max_lr, total_steps=total_steps, pct_start=pct_start,
                           three_phase=three_phase, anneal_strategy=anneal_strategy)
    group = opt.param_groups[0]
    min_lr = max_lr / 25.0 / 1e4
    tolerance = 1e-12 * max_lr  # the linear anneal rounds at its ends
    for step in range(total_steps):  # step total_steps extrapolates past the end, as in torch
        if step > 0:
            opt.step()
            scheduler.step()
        lr = scheduler.get_last_lr()[0]
        momentum = group["betas"][0] if adam else group["momentum"]
        assert min_lr - tolerance <= lr <= max_lr + tolerance, (step, lr)
        assert 0.85 - 1e-12 <= momentum <= 0.95 + 1e-12, (step, momentum)
        if adam:
            assert group["betas"][1] == 0.999
    if scheduler._schedule_phases[-2]["end_step"] < total_steps - 1:  # the last phase has steps
        assert math.isclose(lr, min_lr, rel_tol=1e-9, abs_tol=tolerance)


@settings(max_examples=40, deadline=None)
@given(patience=st.integers(0, 5), cooldown=st.integers(0, 5), factor=st.sampled_from([0.5, 0.9]),
       epochs=st.integers(1, 40))
def test_plateau_on_a_flat_metric_reduces_every_patience_plus_cooldown_plus_one(
        patience, cooldown, factor, epochs):
    """Epoch 1 sets the best; then the count reaches patience + 1 at epoch patience + 2,
    and after each cut waits out the cooldown before counting again: cuts at epochs
    patience + 2 + k·(patience + 1 + cooldown). eps=0: cuts smaller than eps would be skipped."""
    opt = sgd([1.0])
    scheduler = ReduceLROnPlateau(opt, factor=factor, patience=patience, cooldown=cooldown, eps=0.0)
    expected = 1.0
    for epoch in range(1, epochs + 1):
        opt.step()
        scheduler.step(0.5)
        since_first_cut = epoch - (patience + 2)
        if since_first_cut >= 0 and since_first_cut % (patience + 1 + cooldown) == 0:
            expected *= factor
        assert scheduler.get_last_lr() == [expected], epoch


@settings(max_examples=40, deadline=None)
@given(metrics=st.lists(st.floats(-100.0, 100.0), min_size=1, max_size=40),
       mode=st.sampled_from(["min", "max"]), patience=st.integers(0, 3),
       min_lr=st.sampled_from([0.0, 0.01, 0.3]))
def test_plateau_never_raises_the_lr_nor_goes_below_min_lr(metrics, mode, patience, min_lr):
    opt = sgd([1.0])
    scheduler = ReduceLROnPlateau(opt, mode=mode, patience=patience, min_lr=min_lr)
    previous = 1.0
    for metric in metrics:
        opt.step()
        scheduler.step(metric)
        lr = scheduler.get_last_lr()[0]
        assert min_lr <= lr <= previous
        previous = lr


@settings(max_examples=30, deadline=None)
@given(start=st.floats(-10.0, 10.0), steps=st.lists(st.floats(0.01, 1.0), max_size=40),
       mode=st.sampled_from(["min", "max"]), threshold_mode=st.sampled_from(["rel", "abs"]))
def test_plateau_keeps_the_lr_while_the_metric_improves_enough(start, steps, mode, threshold_mode):
    """Improvements of at least 0.01 beat a threshold of 1e-4 (abs) or 1e-4·|best| (rel, |best| ≤ 60)."""
    opt = sgd([1.0])
    scheduler = ReduceLROnPlateau(opt, mode=mode, patience=0, threshold_mode=threshold_mode)
    sign = -1.0 if mode == "min" else 1.0
    metric = start
    for step in [0.0, *steps]:
        metric += sign * step
        opt.step()
        scheduler.step(metric)
        assert scheduler.num_bad_epochs == 0
    assert scheduler.get_last_lr() == [1.0]

"""Worked examples: the sequences in each docstring and in torch.optim.lr_scheduler's documentation, by hand.

Each expected number is derived in the comment beside it from the scheduler's formula, not
copied from a run. Index 0 is the lr right after construction (epoch 0).
"""

from __future__ import annotations

import math

import pytest

from microopt import Value
from microopt.optim import SGD
from microopt.optim.lr_scheduler import (ChainedScheduler, ConstantLR, CosineAnnealingLR,
                                         CosineAnnealingWarmRestarts, CyclicLR, ExponentialLR,
                                         LambdaLR, LinearLR, MultiplicativeLR, MultiStepLR,
                                         OneCycleLR, PolynomialLR, ReduceLROnPlateau,
                                         SequentialLR, StepLR)


def sgd(lr: float, momentum: float = 0.0) -> SGD:
    return SGD([Value(1.0)], lr=lr, momentum=momentum)


def lrs(optimizer, scheduler, epochs: int) -> list[float]:
    """The lr at epochs 0..epochs-1, stepping in the right order."""
    seq = [scheduler.get_last_lr()[0]]
    for _ in range(epochs - 1):
        optimizer.step()
        scheduler.step()
        seq.append(scheduler.get_last_lr()[0])
    return seq


def assert_close(got: list[float], expected: list[float]) -> None:
    assert len(got) == len(expected)
    for e, (x, y) in enumerate(zip(got, expected)):
        assert math.isclose(x, y, rel_tol=1e-12, abs_tol=1e-15), f"epoch {e}: {x!r} != {y!r}"


def test_step_lr_example():
    opt = sgd(0.1)
    # ×0.5 at epochs 3 and 6: 0.1·0.5^⌊e/3⌋
    assert_close(lrs(opt, StepLR(opt, step_size=3, gamma=0.5), 7),
                 [0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.025])


def test_multistep_lr_docstring_example():
    opt = sgd(1.0)
    # one ×0.1 at epoch 2, another at epoch 5
    assert_close(lrs(opt, MultiStepLR(opt, milestones=[2, 5], gamma=0.1), 7),
                 [1.0, 1.0, 0.1, 0.1, 0.1, 0.01, 0.01])


def test_multistep_lr_repeated_milestone_decays_twice():
    opt = sgd(1.0)
    assert_close(lrs(opt, MultiStepLR(opt, milestones=[2, 2], gamma=0.5), 4),
                 [1.0, 1.0, 0.25, 0.25])


def test_exponential_lr_docstring_example():
    opt = sgd(1.0)
    assert_close(lrs(opt, ExponentialLR(opt, gamma=0.5), 5), [1.0, 0.5, 0.25, 0.125, 0.0625])


def test_cosine_annealing_docstring_example_goes_back_up_past_t_max():
    opt = sgd(1.0)
    r = math.sqrt(2) / 2  # cos(π/4)
    # (1 + cos(πe/4))/2 for e = 0..6: down to 0 at e = T_max = 4, then up along the cosine
    expected = [1.0, (1 + r) / 2, 0.5, (1 - r) / 2, 0.0, (1 - r) / 2, 0.5]
    assert_close(lrs(opt, CosineAnnealingLR(opt, T_max=4), 7), expected)


def test_cosine_annealing_with_eta_min_reaches_eta_min_at_t_max():
    opt = sgd(0.1)
    seq = lrs(opt, CosineAnnealingLR(opt, T_max=2, eta_min=0.02), 3)
    # η_min + (η_max - η_min)(1 + cos(πe/2))/2: 0.1, 0.06, 0.02
    assert_close(seq, [0.1, 0.06, 0.02])


def test_linear_lr_example():
    opt = sgd(0.1)
    # factor 0.25 + 0.75·e/4 = 0.25, 0.4375, 0.625, 0.8125, 1, 1
    assert_close(lrs(opt, LinearLR(opt, start_factor=0.25, total_iters=4), 6),
                 [0.025, 0.04375, 0.0625, 0.08125, 0.1, 0.1])


def test_lambda_lr_docstring_example():
    opt = sgd(0.1)
    assert_close(lrs(opt, LambdaLR(opt, lambda e: min(1.0, (e + 1) / 4)), 5),
                 [0.025, 0.05, 0.075, 0.1, 0.1])


def test_sequential_lr_docstring_example():
    opt = sgd(0.1)
    warmup = LinearLR(opt, start_factor=0.5, total_iters=2)
    decay = ExponentialLR(opt, gamma=0.5)
    scheduler = SequentialLR(opt, [warmup, decay], milestones=[3])
    # LinearLR: 0.1·(0.5, 0.75, 1); at epoch 3 ExponentialLR restarts at its epoch 0: 0.1, then ×0.5
    assert_close(lrs(opt, scheduler, 6), [0.05, 0.075, 0.1, 0.1, 0.05, 0.025])


def test_one_cycle_example_lr_and_momentum():
    opt = sgd(0.1, momentum=0.9)
    scheduler = OneCycleLR(opt, max_lr=1.0, total_steps=10)
    seq, momenta = [scheduler.get_last_lr()[0]], [opt.param_groups[0]["momentum"]]
    for _ in range(9):
        opt.step()
        scheduler.step()
        seq.append(scheduler.get_last_lr()[0])
        momenta.append(opt.param_groups[0]["momentum"])
    # initial_lr = 1/25 = 0.04, min_lr = 0.04/1e4 = 4e-6. Phase 1 ends at 0.3·10 - 1 = 2:
    # pct = e/2, lr = 1 + (0.04 - 1)/2·(1 + cos(π e/2)) = 0.04, 0.52, 1.
    # Phase 2 from step 2 to 9: pct = (e - 2)/7, lr = 4e-6 + (1 - 4e-6)/2·(1 + cos(π pct)).
    expected = [0.04, 0.52, 1.0] + [4e-6 + (1 - 4e-6) / 2 * (1 + math.cos(math.pi * k / 7))
                                    for k in range(1, 8)]
    assert_close(seq, expected)
    assert seq[3] == pytest.approx(0.950484632, abs=1e-9)  # torch's value too: the live test below
    assert seq[4] == pytest.approx(0.8117456539, abs=1e-10)
    assert seq[-1] == pytest.approx(4e-6, rel=1e-12)
    # momentum runs the other way between 0.95 and 0.85
    expected_momenta = [0.95, 0.90, 0.85] + [0.95 + (0.85 - 0.95) / 2 * (1 + math.cos(math.pi * k / 7))
                                             for k in range(1, 8)]
    assert_close(momenta, expected_momenta)


def test_one_cycle_example_is_torchs_live():
    torch = pytest.importorskip("torch")
    param = torch.nn.Parameter(torch.zeros(1, dtype=torch.float64))
    opt = torch.optim.SGD([param], lr=0.1, momentum=0.9)
    scheduler = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=1.0, total_steps=10)
    for _ in range(3):
        opt.step()
        scheduler.step()
    assert scheduler.get_last_lr()[0] == pytest.approx(0.950484632, abs=1e-9)


def test_one_cycle_cycles_adam_beta1_and_keeps_beta2():
    from microopt.optim import Adam

    opt = Adam([Value(1.0)], lr=1e-3, betas=(0.9, 0.99))
    scheduler = OneCycleLR(opt, max_lr=0.01, total_steps=10, anneal_strategy="linear")
    assert opt.param_groups[0]["betas"] == (0.95, 0.99)  # max_momentum at the start
    opt.step()
    scheduler.step()
    # linear, pct = 1/2 of the warm-up phase: β1 = 0.95 + (0.85 - 0.95)·0.5
    assert opt.param_groups[0]["betas"] == pytest.approx((0.90, 0.99), rel=1e-15)
    assert scheduler.get_last_lr() == pytest.approx([0.0004 + (0.01 - 0.0004) * 0.5], rel=1e-15)


def test_polynomial_lr_docstring_example():
    opt = sgd(1.0)
    # (1 - e/4)^2: 1, 9/16, 1/4, 1/16, 0, then it stays at 0
    assert_close(lrs(opt, PolynomialLR(opt, total_iters=4, power=2.0), 6),
                 [1.0, 0.5625, 0.25, 0.0625, 0.0, 0.0])


def test_constant_lr_docstring_example():
    opt = sgd(0.1)
    assert_close(lrs(opt, ConstantLR(opt, factor=0.5, total_iters=3), 5),
                 [0.05, 0.05, 0.05, 0.1, 0.1])


def test_multiplicative_lr_docstring_example():
    opt = sgd(1.0)
    # ×λ(e) from epoch 1 on: λ = 0.5 at odd epochs, 1 at even ones
    assert_close(lrs(opt, MultiplicativeLR(opt, lambda e: 0.5 if e % 2 else 1.0), 6),
                 [1.0, 0.5, 0.5, 0.25, 0.25, 0.125])


def test_warm_restarts_docstring_example():
    opt = sgd(1.0)
    r = math.sqrt(2) / 2
    # cycle of 2 epochs (T_cur 0, 1), then of 4 (T_cur 0..3), then of 8
    expected = [1.0, 0.5, 1.0, (1 + r) / 2, 0.5, (1 - r) / 2, 1.0]
    assert_close(lrs(opt, CosineAnnealingWarmRestarts(opt, T_0=2, T_mult=2), 7), expected)


def test_warm_restarts_fractional_epochs_follow_the_same_cosine():
    opt = sgd(1.0)
    scheduler = CosineAnnealingWarmRestarts(opt, T_0=2, T_mult=2)
    opt.step()
    scheduler.step(0.5)  # T_cur = 0.5 of T_i = 2
    assert_close(scheduler.get_last_lr(), [(1 + math.cos(math.pi / 4)) / 2])
    opt.step()
    scheduler.step(3.0)  # cycles start at 0, 2, 6: epoch 3 is T_cur = 1 of T_i = 4
    assert_close(scheduler.get_last_lr(), [(1 + math.cos(math.pi / 4)) / 2])
    assert (scheduler.T_cur, scheduler.T_i, scheduler.last_epoch) == (1.0, 4, 3)


def test_cyclic_lr_docstring_example():
    opt = SGD([Value(1.0)], lr=0.1, momentum=0.9)
    scheduler = CyclicLR(opt, base_lr=0.1, max_lr=0.5, step_size_up=2, mode="triangular2")
    seq, momenta = [scheduler.get_last_lr()[0]], [opt.param_groups[0]["momentum"]]
    for _ in range(8):
        opt.step()
        scheduler.step()
        seq.append(scheduler.get_last_lr()[0])
        momenta.append(opt.param_groups[0]["momentum"])
    # a triangle of 4 iterations: up to 0.5, back to 0.1; the second one is half as tall
    assert_close(seq, [0.1, 0.3, 0.5, 0.3, 0.1, 0.2, 0.3, 0.2, 0.1])
    assert_close(momenta, [0.9, 0.85, 0.8, 0.85, 0.9, 0.875, 0.85, 0.875, 0.9])


def test_chained_scheduler_docstring_example():
    opt = sgd(1.0)
    scheduler = ChainedScheduler([ConstantLR(opt, factor=0.1, total_iters=3),
                                  ExponentialLR(opt, gamma=0.5)])
    # ConstantLR's factor (0.1, then 1 from epoch 3) times ExponentialLR's 0.5^e
    assert_close(lrs(opt, scheduler, 5), [0.1, 0.05, 0.025, 0.125, 0.0625])


def test_reduce_on_plateau_docstring_example():
    opt = sgd(1.0)
    scheduler = ReduceLROnPlateau(opt, factor=0.5, patience=1)
    seen = []
    for metric in [5, 4, 4, 4, 4, 3, 3, 3]:
        opt.step()
        scheduler.step(metric)
        seen.append((scheduler.num_bad_epochs, scheduler.get_last_lr()[0]))
    # a third 4 is the second bad epoch: 2 > patience 1, so ×0.5 and the count restarts
    assert seen == [(0, 1.0), (0, 1.0), (1, 1.0), (0, 0.5), (1, 0.5), (0, 0.5), (1, 0.5),
                    (0, 0.25)]


def test_reduce_on_plateau_accepts_a_value_as_metric():
    opt = sgd(1.0)
    scheduler = ReduceLROnPlateau(opt, patience=0)
    scheduler.step(Value(2.0))
    scheduler.step(Value(3.0))  # worse: 1 bad epoch > patience 0
    assert scheduler.best == 2.0
    assert scheduler.get_last_lr() == [0.1]


def test_construction_sets_initial_lr_base_lrs_and_epoch_zero():
    opt = SGD([{"params": [Value(1.0)], "lr": 0.1}, {"params": [Value(2.0)], "lr": 0.3}])
    scheduler = LinearLR(opt, start_factor=0.5, total_iters=2)
    assert [g["initial_lr"] for g in opt.param_groups] == [0.1, 0.3]
    assert scheduler.base_lrs == [0.1, 0.3]
    assert scheduler.last_epoch == 0
    assert [g["lr"] for g in opt.param_groups] == [0.05, 0.15] == scheduler.get_last_lr()


def test_get_last_lr_is_a_copy():
    opt = sgd(0.1)
    scheduler = StepLR(opt, step_size=2)
    scheduler.get_last_lr()[0] = 123.0
    assert scheduler.get_last_lr() == [0.1]


def test_repr_shows_epoch_and_lr():
    opt = sgd(0.1)
    assert repr(StepLR(opt, step_size=2)) == "StepLR(last_epoch=0, lr=[0.1])"
    chained = ChainedScheduler([ExponentialLR(opt, gamma=0.5)])
    opt.step()
    chained.step()
    assert repr(chained) == "ChainedScheduler([ExponentialLR(last_epoch=1, lr=[0.05])], lr=[0.05])"


def test_reachable_as_optim_attribute():
    import microopt.optim

    assert microopt.optim.lr_scheduler.StepLR is StepLR


def test_package_docstring_example_runs():
    import doctest

    import microopt.optim.lr_scheduler as package

    result = doctest.testmod(package)
    assert result.attempted > 0 and result.failed == 0

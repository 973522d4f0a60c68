"""lr_sweep: too small is slow, too large diverges, the best lies in between."""

import math

import pytest

from microopt.functions import Quadratic
from microopt.optim import SGD, Adam
from microopt.train import evaluate, fit, log_space, lr_sweep
from tests.train.conftest import small_model


def test_too_small_is_slow_too_large_diverges():
    sweep = lr_sweep("quadratic", "gd", lrs=[1e-4, 0.01, 0.1, 1.0], steps=30)
    start = Quadratic()(*Quadratic.start)  # ½ (16 + 10 · 2.25) = 19.25
    assert sweep.initial_loss == start == 19.25
    assert sweep.losses[0] > 0.95 * start  # barely moved
    assert sweep.losses[2] < 1e-3 * start
    assert sweep.losses[3] == math.inf and sweep.diverged == [False, False, False, True]
    assert sweep.losses[2] < sweep.losses[1] < sweep.losses[0]
    assert sweep.best_lr == 0.1


def test_each_loss_is_the_function_after_k_steps_of_that_lr():
    sweep = lr_sweep(Quadratic(condition=1.0), SGD, lrs=[0.1, 0.5], steps=4)
    # ½(x² + y²) under gradient descent: (x, y) shrinks by (1 - lr) per step, f by (1 - lr)²
    start = Quadratic(condition=1.0)(*Quadratic.start)
    assert sweep.losses == pytest.approx([start * 0.9 ** 8, start * 0.5 ** 8], rel=1e-12)


def test_the_default_grid_is_log_spaced_from_1e_4_to_10():
    assert log_space() == [1e-4, 3.16e-4, 1e-3, 3.16e-3, 0.01, 0.0316, 0.1, 0.316, 1.0, 3.16, 10.0]
    assert log_space(1e-3, 1.0, per_decade=1) == [0.001, 0.01, 0.1, 1.0]
    sweep = lr_sweep("quadratic", "adam", steps=3)
    assert sweep.lrs == log_space() and len(sweep.losses) == 11


def test_a_dataset_sweep_reports_the_training_loss_after_k_steps(moons):
    sweep = lr_sweep(moons, lambda params, lr: Adam(params, lr=lr), lrs=[0.01, 0.1], steps=5, batch_size=10,
                     model=small_model)
    model = small_model()
    fit(model, Adam(model.parameters(), lr=0.1), moons, steps=5, batch_size=10, progress=False)
    assert sweep.losses[1] == evaluate(model, moons)["loss"]


def test_the_table_marks_the_best_lr_and_the_diverged_ones():
    sweep = lr_sweep("quadratic", "gd", lrs=[0.01, 0.1, 1.0], steps=20)
    lines = sweep.table().splitlines()
    assert lines[0] == "loss after 20 steps (started at 19.25)"
    assert lines[4].split() == ["0.1", f"{sweep.losses[1]:.4g}", "no", "<-", "best"]
    assert lines[5].split() == ["1", "inf", "yes"]
    assert sweep.rows()[2] == {"lr": 1.0, "loss": math.inf, "diverged": True}


def test_all_diverged_has_no_best_lr():
    assert lr_sweep("quadratic", "gd", lrs=[1.0, 10.0], steps=20).best_lr is None


@pytest.mark.parametrize("lrs, message", [
    ([], "lrs is empty"),
    ([0.1, -0.1], r"Invalid learning rate in lrs: -0.1"),
    ([0.1, 0.1], r"lrs has repeated values"),
])
def test_bad_learning_rates_are_refused(lrs, message):
    with pytest.raises(ValueError, match=message):
        lr_sweep("quadratic", "gd", lrs=lrs, steps=2)


def test_log_space_refuses_an_empty_range():
    with pytest.raises(ValueError, match=r"Invalid stop: 0.1 \(must be a finite number > 1\). log_space needs 0 <"):
        log_space(1.0, 0.1)


def test_the_callback_sees_each_learning_rate_in_order():
    rates = []
    sweep = lr_sweep("quadratic", "gd", lrs=[0.01, 0.1, 1.0], steps=5, callback=lambda run, _: rates.append(run.lr))
    assert rates == sweep.lrs == [0.01, 0.1, 1.0]

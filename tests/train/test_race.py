"""race: the same start for everyone, and each run identical to the optimizer run by hand."""

import math

import pytest

from microopt import Value
from microopt.functions import Quadratic, Rosenbrock, get
from microopt.optim import SGD, Adam, RMSprop
from microopt.train import PRESETS, evaluate, fit, lr_sweep, preset, race
from tests.train.conftest import small_model


def descend_by_hand(function, make_optimizer, start, steps):
    """The 2-D loop written out: the points visited and f at each."""
    x, y = Value(start[0]), Value(start[1])
    optimizer = make_optimizer([x, y])
    points, losses = [], []
    for _ in range(steps):
        points.append((x.data, y.data))
        optimizer.zero_grad()
        f = function(x, y)
        losses.append(f.data)
        f.backward()
        optimizer.step()
    points.append((x.data, y.data))
    losses.append(function(x.data, y.data))
    return points, losses


FACTORIES = {
    "sgd": lambda p: SGD(p, lr=1e-3),
    "momentum": lambda p: SGD(p, lr=1e-3, momentum=0.9),
    "adam": lambda p: Adam(p, lr=0.02),
    "rmsprop": lambda p: RMSprop(p, lr=0.01),
}


# --------------------------------------------------------------------- 2-D functions
def test_every_runner_starts_from_the_same_point_with_the_same_loss():
    result = race(FACTORIES, "rosenbrock", steps=20)
    start = Rosenbrock.start
    assert [run.trajectory[0] for run in result] == [start] * 4
    assert {run.losses[0] for run in result} == {Rosenbrock()(*start)}  # (1 + 1.2)² + 100 (1 - 1.44)² = 24.2
    assert Rosenbrock()(*start) == pytest.approx(24.2, rel=1e-12)
    assert all(len(run.losses) == len(run.trajectory) == 21 for run in result)


@pytest.mark.parametrize("name", list(FACTORIES))
def test_each_run_is_the_optimizer_run_by_hand(name):
    function = get("rosenbrock")
    result = race(FACTORIES, function, steps=30, start=(-1.0, 1.5))
    points, losses = descend_by_hand(function, FACTORIES[name], (-1.0, 1.5), 30)
    run = result[name]
    assert run.trajectory == points and run.losses == losses
    assert run.final_loss == losses[-1] and not run.diverged


def test_steps_to_threshold_is_the_first_step_at_or_below_it():
    result = race({"gd": lambda p: SGD(p, lr=0.1)}, Quadratic(condition=1.0), steps=60, threshold=0.01)
    # on ½(x² + y²) each step multiplies (x, y) by 0.9, so f by 0.81: f_k = f_0 · 0.81^k
    f0 = 0.5 * (4.0 ** 2 + 1.5 ** 2)
    expected = next(k for k in range(61) if f0 * 0.81 ** k <= 0.01)
    assert result["gd"].steps_to_threshold == expected
    assert result["gd"].losses[expected] == pytest.approx(f0 * 0.81 ** expected, rel=1e-9)
    never = race({"slow": lambda p: SGD(p, lr=1e-4)}, "quadratic", steps=5)
    assert never.threshold == 1e-3 and never["slow"].steps_to_threshold is None


def test_a_diverged_run_is_reported_not_raised():
    # on ½(x² + 10 y²), gradient descent is stable only for lr < 2/10
    result = race({"safe": lambda p: SGD(p, lr=0.1), "wild": lambda p: SGD(p, lr=1.0)}, "quadratic", steps=100)
    wild = result["wild"]
    assert wild.diverged and wild.final_loss == math.inf and wild.diverged_at == len(wild.losses) - 1
    assert "lr = 1" in wild.message and "smaller learning rate" in wild.message
    # y is multiplied by (1 - 10) = -9 per step until f exceeds 1000 times its start
    assert wild.losses[-1] > 1e3 * wild.losses[0] >= wild.losses[-2]
    assert not result["safe"].diverged and result.best() == "safe"
    assert "at step" in result.table() and "safe" in result.table()


def test_presets_by_name_and_an_lr_for_all_of_them():
    result = race(["gd", "momentum"], "quadratic", steps=10, lr=0.05)
    by_hand, _ = descend_by_hand(Quadratic(), lambda p: SGD(p, lr=0.05, momentum=0.9), Quadratic.start, 10)
    assert result["momentum"].trajectory == by_hand
    assert preset("adam")([Value(0.0)]).param_groups[0]["lr"] == PRESETS["adam"][1]["lr"]
    with pytest.raises(ValueError, match=r"Unknown optimizer 'adamm'; choose one of gd, sgd, momentum"):
        race(["adamm"], "quadratic", steps=1)


def test_the_table_lists_every_run_in_order():
    result = race(["gd", "adam"], "quadratic", steps=10)
    lines = result.table().splitlines()
    assert lines[0] == "quadratic, 10 steps per run"
    assert lines[1].split()[:5] == ["optimizer", "lr", "final", "loss", "steps"]
    assert lines[3].split()[:2] == ["gd", f"{PRESETS['gd'][1]['lr']:g}"]
    assert [line.split()[0] for line in lines[3:]] == ["gd", "adam"]
    assert result.rows()[1]["final_loss"] == result["adam"].final_loss


# --------------------------------------------------------------------- datasets
def test_a_dataset_race_starts_every_model_from_the_same_weights(moons, val_moons):
    # an unseeded factory would give each runner other weights: the race copies the first's
    seeds = iter(range(100))
    result = race(["gd", "adam"], moons, model=lambda: small_model(seed=next(seeds)), steps=6, batch_size=8,
                  test_data=val_moons)
    assert result["gd"].losses[0] == result["adam"].losses[0]
    assert len(result["gd"].losses) == 6


def test_a_dataset_run_is_fit_by_hand(moons, val_moons):
    result = race({"adam": lambda p: Adam(p, lr=0.05)}, moons, model=small_model, steps=7, batch_size=8, seed=3,
                  test_data=val_moons)
    model = small_model()
    history = fit(model, Adam(model.parameters(), lr=0.05), moons, steps=7, batch_size=8, seed=3, progress=False)
    run = result["adam"]
    assert run.losses == history.column("loss", per="step")
    assert run.final_loss == evaluate(model, moons)["loss"]
    assert (run.test_loss, run.test_accuracy) == tuple(evaluate(model, val_moons).values())
    assert "test accuracy" in result.table()


def test_a_compiled_race_and_sweep_give_the_eager_numbers_bit_for_bit(moons, val_moons):
    # compile=True is fit's: a step traced once and replayed; every number must be the eager one
    def both(compile):
        result = race(["gd", "adam"], moons, model=small_model, steps=5, batch_size=8, test_data=val_moons,
                      compile=compile)
        sweep = lr_sweep(moons, "momentum", lrs=[0.03, 0.3], model=small_model, steps=4, compile=compile)
        return [(run.losses, run.final_loss, run.test_accuracy) for run in result], sweep.losses
    assert both(True) == both(False)
    with pytest.raises(ValueError, match="compile= is for dataset races"):
        race(["gd"], "quadratic", steps=3, compile=True)


def test_a_diverging_dataset_run_is_reported(curve):
    result = race({"wild": lambda p: SGD(p, lr=50.0)}, curve, model=lambda: small_model(nin=1), steps=30)
    run = result["wild"]
    assert run.diverged and run.final_loss == math.inf and run.diverged_at == len(run.history.steps)
    assert result.best() is None


# --------------------------------------------------------------------- bad arguments
@pytest.mark.parametrize("kwargs, error, message", [
    ({"problem": "quadratic", "steps": 0}, ValueError, r"Invalid steps: 0"),
    ({"problem": "valley", "steps": 5}, ValueError, r"Unknown test function 'valley'"),
    ({"problem": "quadratic", "steps": 5, "start": (1.0, math.nan)}, ValueError, r"Invalid start: \(1.0, nan\)"),
    ({"problem": 3.0, "steps": 5}, TypeError, r"problem must be a 2-D test function"),
    ({"problem": "quadratic", "steps": 5, "model": small_model}, ValueError, r"model= and test_data= are for dataset"),
    ({"problem": ([[0.0, 1.0]], [1]), "steps": 5}, ValueError, r"A dataset race needs model="),
    ({"problem": ([[0.0, 1.0]], [1]), "steps": 5, "model": small_model, "start": (0, 0)}, ValueError,
     r"start= is for 2-D functions"),
])
def test_bad_arguments_are_refused(kwargs, error, message):
    with pytest.raises(error, match=message):
        race(["gd"], **kwargs)


def test_optimizers_must_be_factories_or_preset_names():
    with pytest.raises(TypeError, match=r"Optimizer 'x' must be a factory .* got int: 3"):
        race({"x": 3}, "quadratic", steps=1)
    with pytest.raises(ValueError, match="No optimizers given"):
        race([], "quadratic", steps=1)
    # a list naming an optimizer twice would become a dict with one run for it
    with pytest.raises(ValueError, match=r"Optimizer 'adam' is given twice"):
        race(["adam", "gd", "adam"], "quadratic", steps=1)


# --------------------------------------------------------------------- the per-run callback
def test_the_callback_gets_every_run_in_order_with_its_trained_model(moons, val_moons):
    seen = []
    result = race(["gd", "adam"], moons, model=small_model, steps=5, batch_size=8, test_data=val_moons,
                  callback=lambda run, model: seen.append((run, model)))
    assert [run.name for run, _ in seen] == ["gd", "adam"]
    for run, model in seen:
        assert run is result[run.name]
        # the model handed over is the one trained: it scores exactly the run's numbers
        assert evaluate(model, val_moons)["accuracy"] == run.test_accuracy
        assert evaluate(model, moons)["loss"] == run.final_loss


def test_on_a_function_the_callback_gets_the_final_point():
    points = {}
    result = race(FACTORIES, "rosenbrock", steps=10, callback=lambda run, xy: points.update({run.name: xy}))
    for name, (x, y) in points.items():
        assert (x.data, y.data) == result[name].trajectory[-1]


def test_each_run_knows_its_learning_rate():
    result = race({"slow": lambda p: SGD(p, lr=1e-3), "adam": "adam"}, "quadratic", steps=2)
    assert result["slow"].lr == 1e-3 and result["adam"].lr == PRESETS["adam"][1]["lr"]
    assert result.rows()[0]["lr"] == 1e-3


@pytest.mark.parametrize("kwargs, error, message", [
    ({"callback": 3}, TypeError, r"callback must be a function callback\(run, model\), got int: 3"),
    ({"n_jobs": 0}, ValueError, r"Invalid n_jobs: 0 \(must be a whole number >= 1, or -1 for every core\)"),
    ({"n_jobs": 1.5}, ValueError, r"Invalid n_jobs: 1.5 "),
    ({"n_jobs": True}, ValueError, r"Invalid n_jobs: True "),
    ({"steps": 2.0}, ValueError, r"Invalid steps: 2.0 \(must be a whole number >= 1\)"),
])
def test_bad_callbacks_and_job_counts_are_refused(kwargs, error, message):
    with pytest.raises(error, match=message):
        race(["gd"], "quadratic", **{"steps": 2, **kwargs})


def test_numpy_numbers_are_accepted():
    import numpy as np
    result = race(["gd"], "quadratic", steps=np.int64(3), start=(np.float32(1.0), np.float64(2.0)))
    assert len(result["gd"].losses) == 4 and result["gd"].trajectory[0] == (1.0, 2.0)

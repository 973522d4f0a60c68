"""viz reads training results through its protocols: train's own objects, and look-alikes of your own."""

from __future__ import annotations

import math
from dataclasses import dataclass

import matplotlib
import pytest

matplotlib.use("Agg")

from microopt.data import make_moons  # noqa: E402
from microopt.nn import MLP  # noqa: E402
from microopt.optim import SGD  # noqa: E402
from microopt.train import History, RaceResult, RaceRun, fit, lr_sweep, race  # noqa: E402
from microopt.viz import plot_contour, plot_losses, plot_lr_sweep  # noqa: E402
from microopt.viz.protocols import Race, Run, Sweep, TrainingRecords  # noqa: E402


def test_trains_results_satisfy_the_protocols():
    result = race(["gd", "adam"], "quadratic", steps=3)
    sweep = lr_sweep("quadratic", "gd", lrs=[0.01, 0.1], steps=3)
    assert isinstance(result, Race) and isinstance(result["gd"], Run)
    assert isinstance(sweep, Sweep) and isinstance(History(), TrainingRecords)
    assert not isinstance([1.0, 2.0], (Race, Run, Sweep, TrainingRecords))


def test_plot_losses_draws_a_history_per_step():
    model = MLP(2, [2, 1], seed=0)
    history = fit(model, SGD(model.parameters(), lr=0.1), make_moons(8), epochs=3, progress=False)
    line = plot_losses(history).axes[0].get_lines()[0]
    assert list(line.get_ydata()) == history.column("loss", per="step")


def test_a_race_draws_its_curves_and_its_trajectories():
    result = race(["gd", "adam"], "quadratic", steps=5)
    lines = plot_losses(result).axes[0].get_lines()
    assert [list(line.get_ydata()) for line in lines] == [result["gd"].losses, result["adam"].losses]
    drawn = plot_contour(result, resolution=20).axes[0].get_lines()  # the race's own function and paths
    assert [list(zip(line.get_xdata(), line.get_ydata())) for line in drawn] == [
        result["gd"].trajectory, result["adam"].trajectory]


def test_a_dataset_race_has_no_contour_to_draw():
    dataset_race = race(["gd"], make_moons(8), model=lambda: MLP(2, [2, 1], seed=0), steps=2)
    with pytest.raises(ValueError, match=r"plot_contour needs a race on a 2-D function; .* plot_losses\(race\)"):
        plot_contour(dataset_race)


def test_a_sweep_draws_on_a_log_lr_axis_with_the_diverged_run_as_a_gap():
    sweep = lr_sweep("quadratic", "gd", lrs=[0.01, 0.1, 1.0], steps=5)
    ax = plot_lr_sweep(sweep).axes[0]
    line = ax.get_lines()[0]
    assert list(line.get_xdata()) == [0.01, 0.1, 1.0] and ax.get_xscale() == "log"
    assert list(line.get_ydata())[:2] == sweep.losses[:2] and math.isnan(line.get_ydata()[2])


@dataclass
class MyRun:
    """A record of your own: it has what the Run protocol reads, and is plotted like a RaceRun."""

    losses: list
    diverged: bool
    trajectory: list


def test_look_alikes_of_your_own_plot_the_same_way():
    mine = {"mine": MyRun([3.0, 2.0, 1.0], False, [(1.0, 1.0), (0.5, 0.5), (0.1, 0.1)])}
    theirs = RaceResult([RaceRun("mine", [3.0, 2.0, 1.0], 1.0, [(1.0, 1.0), (0.5, 0.5), (0.1, 0.1)])],
                        "quadratic", 2, None)
    for runs in (mine, theirs):
        ax = plot_losses(runs).axes[0]
        assert list(ax.get_lines()[0].get_ydata()) == [3.0, 2.0, 1.0]
        ax = plot_contour("quadratic", runs, resolution=20).axes[0]
        assert list(ax.get_lines()[0].get_xdata()) == [1.0, 0.5, 0.1]

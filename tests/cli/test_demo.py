"""`microopt demo`: one small run end to end (module-scoped), plus the Rosenbrock story at full length."""

from __future__ import annotations

import contextlib
import io
import re

import pytest

from microopt.cli import common, demo_command
from microopt.cli.main import main
from tests.cli.images import assert_gif, assert_png

FILES = ["rosenbrock-lr-sweep.png", "rosenbrock-losses.png", "rosenbrock-trajectories.png",
         "rosenbrock-trajectories.gif", "moons-losses.png", "moons-decision-boundaries.png", "neuron.png"]


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """One small demo run: (exit status, printed text, output folder)."""
    out = tmp_path_factory.mktemp("demo") / "figures"
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        status = main(["demo", "--out", str(out), "--steps", "300", "--moons-steps", "25", "--no-progress"])
    return status, printed.getvalue(), out


def table_rows(text: str, names) -> dict[str, list[str]]:
    return {m.group(1): m.group(2).split() for line in text.splitlines()
            if (m := re.match(rf"({'|'.join(names)})\s+(\d.*)$", line))}  # name, then the lr


def test_demo_succeeds_and_lists_every_file(demo):
    status, printed, out = demo
    assert status == 0
    assert f"wrote {len(FILES)} files to {out}/:" in printed
    for name in FILES:
        assert f"  {out / name}" in printed


def test_demo_prints_both_comparison_tables(demo):
    _, printed, _ = demo
    rosenbrock, moons = printed.split("\n2. ")
    assert "rosenbrock, 300 steps per run" in rosenbrock
    assert "optimizer  " in rosenbrock and "steps to loss <= 0.001" in rosenbrock
    assert set(table_rows(rosenbrock, ["gd", "momentum", "rmsprop", "adam"])) == {"gd", "momentum", "rmsprop", "adam"}
    assert "moons, 25 steps per run" in moons and "test accuracy" in moons
    rows = table_rows(moons, ["sgd", "momentum", "rmsprop", "adam"])
    assert set(rows) == {"sgd", "momentum", "rmsprop", "adam"}
    for name, row in rows.items():  # lr, final loss, steps, accuracy, diverged
        assert float(row[0]) == demo_command.MOONS_LRS[name]
        assert row[3].endswith("%") and 0.0 <= float(row[3][:-1]) <= 100.0  # accuracy in percent
    assert "Highest test accuracy:" in moons


@pytest.mark.parametrize("name", [f for f in FILES if f.endswith(".png")])
def test_demo_figures_are_valid_pngs(demo, name):
    assert_png(demo[2] / name)


def test_demo_gif_has_every_frame(demo):
    assert_gif(demo[2] / "rosenbrock-trajectories.gif", frames=30)


def test_demo_table_lr_is_the_sweeps_best(demo):
    """The Rosenbrock race runs each optimizer at the rate its sweep found best."""
    _, printed, _ = demo
    problem = common.make_problem("rosenbrock")
    sweeps, best, race = demo_command.race_rosenbrock(problem, 300, show=False)
    rows = table_rows(printed.split("\n2. ")[0], list(best))
    for name, lr in best.items():
        assert float(rows[name][0]) == pytest.approx(lr, rel=1e-3)
        i = sweeps[name].lrs.index(lr)
        assert race[name].final_loss == sweeps[name].losses[i]  # the race repeats the sweep's best run
        assert min(sweeps[name].losses) == sweeps[name].losses[i]


def test_rosenbrock_story_at_the_default_length():
    """At 1000 steps Adam reaches f <= 1e-3 and GD does not: the story the demo prints is true."""
    problem = common.make_problem("rosenbrock")
    _, _, race = demo_command.race_rosenbrock(problem, 1000, show=False)
    assert race["adam"].steps_to_threshold is not None and race["adam"].steps_to_threshold < 1000
    assert race["gd"].steps_to_threshold is None
    assert race["adam"].final_loss < 1e-3 < race["gd"].final_loss
    line = race.summary()
    lowest = min((run for run in race if not run.diverged), key=lambda run: run.final_loss)
    assert line.startswith(f"Lowest final loss: {lowest.name} ({lowest.final_loss:.3g}).")
    first = min(run.steps_to_threshold for run in race if run.steps_to_threshold is not None)
    fastest = [run.name for run in race if run.steps_to_threshold == first]
    assert line.endswith(f"First to reach loss <= 0.001: {', '.join(fastest)}, at step {first}.")


def test_summary_names_the_actual_winner_not_adam_by_default():
    from microopt.train import RaceResult, RaceRun

    momentum_wins = RaceResult([RaceRun("gd", [5.0, 2.0], 2.0, steps_to_threshold=None),
                                RaceRun("momentum", [5.0, 0.001], 0.001, steps_to_threshold=1),
                                RaceRun("adam", [5.0, 0.5], 0.5, steps_to_threshold=None)], "f", 1, 0.01)
    assert momentum_wins.summary() == ("Lowest final loss: momentum (0.001). "
                                                   "First to reach loss <= 0.01: momentum, at step 1.")
    nobody = RaceResult([RaceRun("gd", [5.0, 2.0], 2.0)], "f", 1, 0.01)
    assert nobody.summary() == "Lowest final loss: gd (2). No run reached loss <= 0.01 in 1 steps."
    diverged = RaceResult([RaceRun("gd", [5.0, 1e9], float("inf"), diverged=True, diverged_at=1)], "f", 1, 0.01)
    assert diverged.summary() == "Every run diverged."


def test_demo_decision_boundaries_use_the_trained_models():
    """The models the race hands to its callback score exactly the race's test accuracy."""
    from microopt.train import evaluate, race

    problem = common.make_problem("moons", samples=40, hidden=[4], seed=1)
    with common.RunProgress(2, desc="race", enabled=False) as progress:
        result = race(common.factories({"adam": ("adam", 0.05), "sgd": ("sgd", 0.1)}), steps=15, callback=progress,
                      **common.race_arguments(problem, batch_size=8, seed=1))
    for name, model in progress.models.items():
        assert evaluate(model, problem.test)["accuracy"] == result[name].test_accuracy
    assert progress.models["adam"].state_dict() != progress.models["sgd"].state_dict()

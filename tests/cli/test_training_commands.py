"""`microopt race`, `lr-sweep` and `train`: the numbers printed are those of microopt.train's own runs."""

from __future__ import annotations

import re

import pytest

from microopt.cli.main import main
from microopt.data import make_moons, train_test_split
from microopt.nn import MLP
from microopt.optim import Adam
from microopt.train import fit, lr_sweep, preset, race
from tests.cli.images import assert_png


def row(printed: str, name: str) -> list[str]:
    """The cells of the table row that starts with ``name``."""
    line = next(line for line in printed.splitlines() if re.match(rf"{re.escape(name)}\s+(\d|-|inf|nan)", line))
    return line.split()


@pytest.fixture(autouse=True)
def no_tqdm_environment(monkeypatch):
    monkeypatch.delenv("TQDM_DISABLE", raising=False)


# ----------------------------------------------------------------- race
def test_race_on_a_function_matches_microopt_train_race(tmp_path, capsys):
    status = main(["race", "--problem", "quadratic", "--optimizers", "gd:0.1,momentum:0.05", "--steps", "40",
                   "--out", str(tmp_path), "--no-progress"])
    printed = capsys.readouterr().out
    assert status == 0
    expected = race({"gd": preset("gd", 0.1), "momentum": preset("momentum", 0.05)}, "quadratic", steps=40)
    assert "quadratic, 40 steps per run" in printed
    for name in ("gd", "momentum"):
        cells = row(printed, name)
        assert float(cells[2]) == pytest.approx(expected[name].final_loss, rel=1e-3)  # name, lr, final loss
        assert cells[3] == (str(expected[name].steps_to_threshold) if expected[name].steps_to_threshold is not None
                            else "-")
    assert_png(tmp_path / "race-quadratic-losses.png")
    assert_png(tmp_path / "race-quadratic-trajectories.png")
    assert f"{tmp_path / 'race-quadratic-trajectories.png'}" in printed


def test_race_reports_divergence_with_the_reason(capsys):
    assert main(["race", "--problem", "rosenbrock", "--optimizers", "gd:0.01,adam", "--steps", "20",
                 "--no-plots", "--no-progress"]) == 0
    printed = capsys.readouterr().out
    assert row(printed, "gd")[-2:] == ["step", "2"]  # "at step 2"
    assert "gd: Training diverged at step 2 with lr = 0.01" in printed


def test_race_on_moons_shows_test_accuracy(tmp_path, capsys):
    assert main(["race", "--problem", "moons", "--samples", "40", "--hidden", "4", "--optimizers", "adam:0.05,sgd:0.1",
                 "--steps", "8", "--batch-size", "10", "--no-plots", "--no-progress"]) == 0
    printed = capsys.readouterr().out
    X, y = make_moons(40, seed=0)
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.25, seed=0)
    expected = race({"adam": preset("adam", 0.05), "sgd": preset("sgd", 0.1)}, (X_train, y_train),
                    model=lambda: MLP(2, [4, 1], seed=0), steps=8, batch_size=10, test_data=(X_test, y_test))
    assert "test accuracy" in printed
    for name in ("adam", "sgd"):
        cells = row(printed, name)
        assert float(cells[2]) == pytest.approx(expected[name].final_loss, rel=1e-3)
        assert cells[4] == f"{expected[name].test_accuracy:.1%}"  # accuracy in percent


def test_race_on_a_dataset_draws_decision_boundaries_even_with_a_diverged_run(tmp_path, capsys):
    assert main(["race", "--problem", "moons", "--samples", "20", "--hidden", "3", "--optimizers", "sgd:1e4,adam",
                 "--steps", "4", "--out", str(tmp_path), "--no-progress"]) == 0
    assert row(capsys.readouterr().out, "sgd")[-3:] == ["at", "step", "1"]
    assert_png(tmp_path / "race-moons-losses.png")
    assert_png(tmp_path / "race-moons-decision-boundaries.png")


@pytest.fixture
def terminal(monkeypatch):
    """Bars are drawn as on a terminal (tests/cli/test_terminal.py runs the real one, a pty)."""
    monkeypatch.setattr("microopt.train.progress.watched", lambda: True)


def test_race_progress_bar_goes_to_stderr(terminal, capsys):
    assert main(["race", "--problem", "quadratic", "--optimizers", "gd", "--steps", "5", "--no-plots"]) == 0
    captured = capsys.readouterr()
    assert "race on quadratic" in captured.err and "race on" not in captured.out
    assert main(["race", "--problem", "quadratic", "--optimizers", "gd", "--steps", "5", "--no-plots",
                 "--no-progress"]) == 0
    assert capsys.readouterr().err == ""


# ----------------------------------------------------------------- lr-sweep
def test_lr_sweep_matches_microopt_train_lr_sweep(tmp_path, capsys):
    assert main(["lr-sweep", "--problem", "quadratic", "--optimizers", "gd", "--min-lr", "0.01", "--max-lr", "10",
                 "--per-decade", "1", "--steps", "30", "--out", str(tmp_path), "--no-progress"]) == 0
    printed = capsys.readouterr().out
    expected = lr_sweep("quadratic", "gd", lrs=[0.01, 0.1, 1.0, 10.0], steps=30)
    for lr, loss, diverged in zip(expected.lrs, expected.losses, expected.diverged):
        cells = row(printed, f"{lr:g}")
        assert cells[1] == "inf" if diverged else float(cells[1]) == pytest.approx(loss, rel=1e-3)
    assert row(printed, f"{expected.best_lr:g}")[-1] == "best"
    assert_png(tmp_path / "lr-sweep-quadratic.png")


def test_lr_sweep_on_a_dataset(capsys):
    assert main(["lr-sweep", "--problem", "circles", "--samples", "20", "--hidden", "3", "--optimizers", "adam",
                 "--min-lr", "0.01", "--max-lr", "0.1", "--per-decade", "1", "--steps", "3", "--no-plots",
                 "--no-progress"]) == 0
    printed = capsys.readouterr().out
    assert "adam: loss after 3 steps" in printed and row(printed, "0.01") and row(printed, "0.1")


# ----------------------------------------------------------------- train
def test_train_matches_fit_and_writes_figures(tmp_path, capsys):
    assert main(["train", "--problem", "moons", "--samples", "40", "--hidden", "4", "--optimizer", "adam:0.05",
                 "--epochs", "3", "--batch-size", "10", "--out", str(tmp_path), "--no-progress"]) == 0
    printed = capsys.readouterr().out
    X, y = make_moons(40, seed=0)
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.25, seed=0)
    model = MLP(2, [4, 1], seed=0)
    history = fit(model, Adam(model.parameters(), lr=0.05), (X_train, y_train), epochs=3, batch_size=10,
                  val_data=(X_test, y_test), progress=False)
    assert f"test accuracy: {history.last('val_accuracy'):.1%}" in printed
    assert float(row(printed, "2")[3]) == pytest.approx(history.last("val_loss"), rel=1e-3)
    assert_png(tmp_path / "train-moons-losses.png")
    assert_png(tmp_path / "train-moons-decision-boundary.png")


def test_train_on_three_spirals(capsys):
    assert main(["train", "--problem", "spirals", "--samples", "30", "--hidden", "4", "--epochs", "1",
                 "--no-plots", "--no-progress"]) == 0
    printed = capsys.readouterr().out
    assert "3 classes" in printed and "MLP(2 -> 4 -> 3" in printed


def test_train_shows_a_progress_bar_unless_told_not_to(terminal, capsys):
    argv = ["train", "--samples", "20", "--hidden", "2", "--epochs", "1", "--no-plots"]
    assert main(argv) == 0
    assert "fit" in capsys.readouterr().err
    assert main([*argv, "--no-progress"]) == 0
    assert capsys.readouterr().err == ""


def test_train_divergence_exits_1_with_the_reason(capsys):
    assert main(["train", "--samples", "20", "--optimizer", "sgd:1e6", "--epochs", "5", "--no-plots",
                 "--no-progress"]) == 1
    assert "diverged" in capsys.readouterr().out


# ----------------------------------------------------------------- bad arguments
@pytest.mark.parametrize("argv, message", [
    (["race", "--optimizers", "adamm"], "unknown optimizer 'adamm'; choose from gd, sgd, momentum"),
    (["race", "--optimizers", "adam:fast"], "Invalid learning rate of adam: 'fast' (must be a finite number > 0)."),
    (["race", "--optimizers", "adam:-1"], "Invalid learning rate of adam: -1.0 (must be a finite number > 0)."),
    (["race", "--optimizers", ","], "no optimizers given"),
    (["race", "--problem", "banana"], "unknown problem 'banana'; choose one of quadratic, rosenbrock"),
    (["race", "--problem", "moons", "--start", "0,0"], "--start is for 2-D functions; moons is a dataset"),
    (["race", "--start", "1"],
     "argument --start: Invalid start: '1' (must be a point X,Y of two finite numbers). For example -1.2,1."),
    (["race", "--steps", "0"], "argument --steps: Invalid steps: 0 (must be a whole number from 1 to 1,000,000)."),
    (["race", "--steps", "ten"],
     "argument --steps: Invalid steps: 'ten' (must be a whole number from 1 to 1,000,000)."),
    (["race", "--hidden", "8,x"],
     "argument --hidden: Invalid hidden: '8,x' (must be at most 10 comma-separated whole numbers"),
    (["race", "--lr", "inf"], "argument --lr: Invalid lr: inf (must be a finite number > 0)."),
    (["lr-sweep", "--min-lr", "1", "--max-lr", "0.1"], "--min-lr 1 must be smaller than --max-lr 0.1"),
    (["lr-sweep", "--optimizers", "foo"], "unknown optimizer 'foo'"),
    (["lr-sweep", "--optimizers", "gd:0.1"], "'gd:0.1': give optimizer names without a learning rate"),
    (["race", "--optimizers", "gd,gd"], "optimizer 'gd' is given twice"),
    (["race", "--start", "nan,1"],
     "argument --start: Invalid start: 'nan,1' (must be a point X,Y of two finite numbers)."),
    (["race", "--problem", "moons", "--samples", "1"], "--samples 1: Invalid n_samples: 1"),
    (["train", "--problem", "rosenbrock"], "unknown problem 'rosenbrock'; choose one of moons, circles, spirals"),
    (["train", "--optimizer", "adam,sgd"], "--optimizer takes one optimizer"),
    (["train", "--l2", "-1"], "argument --l2: Invalid l2: -1.0 (must be a finite number >= 0)."),
    (["train", "--activation", "cube"], "argument --activation: invalid choice: 'cube'"),
    (["demo", "--steps", "-5"], "argument --steps: Invalid steps: -5 (must be a whole number from 1 to 1,000,000)."),
])
def test_bad_arguments_exit_2_with_a_one_line_message(argv, message, capsys):
    assert main(argv) == 2
    errors = [line for line in capsys.readouterr().err.splitlines() if "error:" in line]
    assert len(errors) == 1 and errors[0].startswith(f"microopt {argv[0]}: error:")
    assert message in errors[0]


# ----------------------------------------------------------------- bench
def test_bench_hands_its_arguments_to_microopt_bench(monkeypatch):
    import microopt.bench

    received = []
    monkeypatch.setattr(microopt.bench, "main", lambda argv: received.append(argv) or 0)
    assert main(["bench", "--quick", "--json"]) == 0
    assert received == [["--quick", "--json"]]


def test_bench_help_is_the_bench_modules_own(capsys):
    assert main(["bench", "--help"]) == 0
    assert capsys.readouterr().out.startswith("usage: microopt bench")
    assert main(["bench", "--bogus"]) == 2

"""The progress bar: tqdm when asked for, silence otherwise, and no tqdm import when off."""

import subprocess
import sys

import pytest

from microopt.optim import SGD
from microopt.train import fit
from tests.train.conftest import small_model


@pytest.fixture
def terminal(monkeypatch):
    """Bars are drawn as on a terminal (tests/cli/test_terminal.py runs a real one, a pty)."""
    monkeypatch.setattr("microopt.train.progress.watched", lambda: True)


def train(moons, **options):
    model = small_model()
    return fit(model, SGD(model.parameters(), lr=0.1), moons, epochs=2, batch_size=10, **options)


def test_progress_true_draws_a_bar_over_all_steps(moons, terminal, capsys, monkeypatch):
    monkeypatch.delenv("TQDM_DISABLE", raising=False)
    history = train(moons, progress=True)
    err = capsys.readouterr().err
    assert "fit: 100%" in err and "4/4" in err
    assert f"loss={history.steps[-1]['loss']:.4g}" in err and "lr=0.1" in err


def test_progress_false_prints_nothing(moons, capsys):
    train(moons, progress=False)
    assert capsys.readouterr() == ("", "")


def test_no_bar_when_stderr_is_not_a_terminal(moons, capsys, monkeypatch):
    monkeypatch.delenv("TQDM_DISABLE", raising=False)
    train(moons, progress=True)  # capsys's stderr is no terminal, as a pipe or a log file is not
    assert capsys.readouterr() == ("", "")


def test_tqdm_disable_in_the_environment_silences_the_bar(moons, terminal, capsys, monkeypatch):
    monkeypatch.setenv("TQDM_DISABLE", "1")
    train(moons, progress=True)
    assert capsys.readouterr() == ("", "")


def test_a_resumed_run_continues_the_bar_where_it_stopped(moons, terminal, capsys, monkeypatch):
    monkeypatch.delenv("TQDM_DISABLE", raising=False)
    model = small_model()
    optimizer = SGD(model.parameters(), lr=0.1)
    history = fit(model, optimizer, moons, epochs=2, steps=3, batch_size=10, progress=False)
    fit(model, optimizer, moons, epochs=2, batch_size=10, progress=True, history=history)
    assert "3/4" in capsys.readouterr().err


def test_training_without_a_bar_never_imports_tqdm():
    program = (
        "import sys\n"
        "from microopt.data import make_moons\n"
        "from microopt.nn import MLP\n"
        "from microopt.optim import SGD\n"
        "from microopt.train import fit, race, lr_sweep\n"
        "model = MLP(2, [2, 1])\n"
        "fit(model, SGD(model.parameters(), lr=0.1), make_moons(6), epochs=1, progress=False)\n"
        "race(['gd'], 'quadratic', steps=2)\n"
        "print(sorted(m for m in ('tqdm', 'matplotlib', 'graphviz', 'ipywidgets') if m in sys.modules))\n"
    )
    result = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"

"""A bare ``microopt race`` is a good first run: no optimizer diverges, and the output names the winner."""

from __future__ import annotations

import pytest

from microopt.cli import race_command
from microopt.cli.main import main
from microopt.functions import NAMES


def _race(capsys, *argv: str) -> str:
    assert main(["race", *argv, "--no-plots", "--no-progress"]) == 0
    return capsys.readouterr().out


def _diverged_column(out: str) -> dict[str, str]:
    """optimizer -> its 'diverged' cell ("no" or "at step N"), read off the printed table."""
    lines = out.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("optimizer")) + 2  # header, rule
    rows = {}
    for line in lines[start:]:
        if not line or line.startswith("Lowest") or ":" in line.split()[0]:
            break
        cells = line.split()
        rows[cells[0]] = "no" if cells[-1] == "no" else " ".join(cells[-3:])
    return rows


def test_the_bare_command_runs_four_optimizers_none_diverging_and_names_the_winner(capsys):
    out = _race(capsys)
    assert _diverged_column(out) == {"gd": "no", "momentum": "no", "rmsprop": "no", "adam": "no"}
    assert "Lowest final loss: momentum (0.00182). No run reached loss <= 0.001 in 500 steps." in out


@pytest.mark.parametrize("problem", NAMES)
def test_no_default_run_diverges_on_any_bundled_function(problem, capsys):
    out = _race(capsys, "--problem", problem)
    assert set(_diverged_column(out).values()) == {"no"}, out
    assert "Lowest final loss: " in out


@pytest.mark.parametrize("problem", sorted(race_command.DEFAULT_FOR_PROBLEM))
def test_the_presets_rates_do_diverge_there(problem, capsys):
    """The exceptions are needed: with the presets' rates, something diverges."""
    out = _race(capsys, "--problem", problem, "--optimizers", race_command.DEFAULT_OPTIMIZERS)
    assert "at step" in " ".join(_diverged_column(out).values())

"""plot_decision_boundaries: one map per trained model of a race, titled from the race's own numbers."""

from __future__ import annotations

import matplotlib
import pytest

matplotlib.use("Agg")

from microopt.data import make_moons  # noqa: E402
from microopt.nn import MLP  # noqa: E402
from microopt.optim import SGD  # noqa: E402
from microopt.train import race  # noqa: E402
from microopt.viz import plot_decision_boundaries  # noqa: E402
from tests.cli.images import assert_png  # noqa: E402

X, Y = make_moons(24, seed=2)


def trained():
    models = {}
    result = race({"adam": "adam", "wild": lambda p: SGD(p, lr=1e5)}, (X, Y),
                  model=lambda: MLP(2, [3, 1], seed=0), steps=4, test_data=(X, Y),
                  callback=lambda run, model: models.update({run.name: model}))
    return result, models


def test_one_map_per_model_titled_with_its_test_accuracy_and_a_note_for_a_diverged_run(tmp_path):
    result, models = trained()
    assert result["wild"].diverged and not result["adam"].diverged
    fig = plot_decision_boundaries(models, X, Y, runs=result, resolution=12, path=tmp_path / "maps.png")
    adam, wild = fig.axes[:2]
    assert adam.get_title() == f"adam: test accuracy {result['adam'].test_accuracy:.1%}"
    assert [text.get_text() for text in wild.texts] == [f"wild\ndiverged at step {result['wild'].diverged_at}"]
    assert not wild.axison
    assert_png(tmp_path / "maps.png")


def test_three_models_take_two_rows_and_hide_the_empty_cell():
    _, models = trained()
    three = {"a": models["adam"], "b": models["adam"], "c": models["adam"]}
    fig = plot_decision_boundaries(three, X, Y, resolution=10)
    assert len(fig.axes) == 4 and [ax.get_visible() for ax in fig.axes] == [True, True, True, False]
    assert [ax.get_title() for ax in fig.axes[:3]] == ["a", "b", "c"]  # no race given: just the names


@pytest.mark.parametrize("kwargs, message", [
    ({"models": {}}, "plot_decision_boundaries got no models"),
    ({"resolution": 5}, r"Invalid resolution: 5 \(must be a whole number from 10 to 400\)"),
    ({"resolution": 10**6}, r"Invalid resolution: 1000000 \(must be a whole number from 10 to 400\)"),
    ({"columns": 0}, r"Invalid columns: 0 \(must be a whole number >= 1\)"),
])
def test_bad_arguments(kwargs, message):
    _, models = trained()
    with pytest.raises(ValueError, match=message):
        plot_decision_boundaries(**{"models": models, "X": X, "y": Y, **kwargs})

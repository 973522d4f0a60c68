"""History: rows, columns, text and JSON."""

import json
import math

import pytest

from microopt.train import History
from microopt.train.history import EPOCH_KEYS, STEP_KEYS


def make_history():
    steps = [{"step": i, "epoch": i // 2, "loss": 1.0 / (i + 1), "penalty": 0.0, "lr": 0.1 if i < 2 else 0.05,
              "grad_norm": 2.0, "accuracy": 0.5} for i in range(4)]
    epochs = [{"epoch": e, "train_loss": 0.75 - 0.4 * e, "train_accuracy": 0.5, "val_loss": None,
               "val_accuracy": None, "lr": 0.1 if e == 0 else 0.05} for e in range(2)]
    return History(steps, epochs, {"seed": 0})


def test_columns_by_level_and_by_name():
    history = make_history()
    assert history["train_loss"] == [0.75, 0.35] and history["lr"] == [0.1, 0.05]
    assert history["loss"] == [1.0, 0.5, 1 / 3, 0.25]  # only steps have "loss"
    assert history.column("lr", per="step") == [0.1, 0.1, 0.05, 0.05]
    assert history.column("epoch", per="step") == [0, 0, 1, 1]
    assert history.last("train_loss") == 0.35 and History().last("val_loss") is None
    assert len(history) == 2 and history.num_steps == 4


def test_unknown_fields_are_named_with_the_ones_that_exist():
    with pytest.raises(KeyError, match="History has no field 'acc'; epoch fields are epoch, train_loss"):
        make_history()["acc"]
    with pytest.raises(KeyError, match="History has no step field 'val_loss'"):
        make_history().column("val_loss", per="step")
    with pytest.raises(ValueError, match="per must be 'epoch' or 'step', got 'batch'"):
        make_history().column("loss", per="batch")


def test_table_shows_only_columns_with_numbers():
    lines = make_history().table().splitlines()
    assert lines[0].split() == ["epoch", "train_loss", "train_accuracy", "lr"]
    assert lines[2].split() == ["0", "0.75", "50.0%", "0.1"]  # accuracy in percent, as everywhere
    assert lines[3].split() == ["1", "0.35", "50.0%", "0.05"]


def test_repr_names_the_last_epoch():
    assert repr(make_history()) == (
        "History(2 epochs, 4 steps; last epoch: train_loss=0.35, train_accuracy=50.0%, lr=0.05)")
    assert repr(History()) == "History(0 steps, no complete epoch)"


def test_json_round_trip_keeps_every_number_exactly():
    history = make_history()
    history.steps[0]["loss"] = 0.1 + 0.2  # 0.30000000000000004 must come back as itself
    history.epochs[1]["val_loss"] = math.inf
    copy = History.from_dict(json.loads(json.dumps(history.to_dict())))
    assert copy.to_dict() == history.to_dict() and copy.steps[0]["loss"] == 0.1 + 0.2


@pytest.mark.parametrize("data, message", [
    ([], "A history must be a dict"),
    ({"steps": {}, "epochs": []}, "History 'steps' must be a list"),
    ({"steps": [], "epochs": [{"epoch": 0}]},
     "History epochs record 0 must have exactly the fields " + ", ".join(EPOCH_KEYS)),
    ({"steps": [dict.fromkeys(STEP_KEYS)], "epochs": [], "config": 3}, "History 'config' must be a dict"),
])
def test_from_dict_refuses_malformed_data(data, message):
    with pytest.raises(ValueError, match=message):
        History.from_dict(data)

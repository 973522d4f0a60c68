"""Hostile data and arguments given to race and lr_sweep: refused before any run, naming the sample."""

from __future__ import annotations

import math

import pytest

from microopt.nn import MLP
from microopt.train import lr_sweep, race


def small_model():
    return MLP(2, [2, 1], seed=0)


GOOD_X = [[0.0, 1.0], [1.0, 0.0], [1.0, 1.0], [0.0, 0.0]]
GOOD_Y = [0, 1, 0, 1]


def _with(index, row=None, label="keep"):
    X = [list(r) for r in GOOD_X]
    y = list(GOOD_Y)
    if row is not None:
        X[index] = row
    if label != "keep":
        y[index] = label
    return X, y


BAD_DATA = [
    (_with(1, [math.nan, 0.0]), ValueError, "X[1][0] is nan: training on it would make every loss nan"),
    (_with(2, [1.0, math.inf]), ValueError, "X[2][1] is inf: training on it would make every loss inf"),
    (_with(3, [1.0, -math.inf]), ValueError, "X[3][1] is -inf"),
    (_with(1, label=None), TypeError, "y[1] is None (NoneType): every sample needs a target"),
    (_with(0, label=math.nan), ValueError, "y[0] is nan"),
]


@pytest.mark.parametrize("data, error, words", BAD_DATA, ids=[w[:24] for _, _, w in BAD_DATA])
def test_race_refuses_bad_samples_before_training(data, error, words):
    built = []
    with pytest.raises(error) as raised:
        race(["gd"], data, model=lambda: built.append(1) or small_model(), steps=3)
    assert words in str(raised.value)
    assert "the race's dataset" in str(raised.value)


@pytest.mark.parametrize("data, error, words", BAD_DATA, ids=[w[:24] for _, _, w in BAD_DATA])
def test_lr_sweep_refuses_the_same_samples(data, error, words):
    with pytest.raises(error) as raised:
        lr_sweep(data, "sgd", steps=3, model=small_model)
    assert words in str(raised.value)


@pytest.mark.parametrize("kwargs, error, words", [
    ({"n_jobs": 0}, ValueError, "Invalid n_jobs: 0 (must be a whole number >= 1, or -1 for every core)."),
    ({"n_jobs": "x"}, ValueError, "Invalid n_jobs: 'x' (must be a whole number >= 1, or -1 for every core)."),
    ({"callback": 3}, TypeError, "callback must be a function callback(run, model), got int: 3."),
    ({"steps": 0}, ValueError, "Invalid steps: 0 (must be a whole number >= 1)."),
])
def test_bad_race_arguments_say_what_to_pass(kwargs, error, words):
    arguments = {"steps": 2, **kwargs}
    with pytest.raises(error) as raised:
        race(["gd"], "quadratic", **arguments)
    assert words in str(raised.value)


@pytest.mark.parametrize("kwargs, words", [
    ({"n_jobs": "x"}, "Invalid n_jobs: 'x'"),
    ({"steps": 0}, "Invalid steps: 0 (must be a whole number >= 1). Pass how many optimizer steps each run takes."),
])
def test_bad_sweep_arguments_say_what_to_pass(kwargs, words):
    arguments = {"steps": 2, **kwargs}
    with pytest.raises(ValueError) as raised:
        lr_sweep("quadratic", "sgd", **arguments)
    assert words in str(raised.value)

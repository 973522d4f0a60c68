"""Tiny problems shared by the training tests: a few samples and a few weights keep them fast."""

import pytest

from microopt.data import make_moons, make_polynomial
from microopt.nn import MLP


@pytest.fixture
def moons():
    """20 samples of two moons, labels 0/1: binary classification."""
    return make_moons(20, noise=0.1, seed=0)


@pytest.fixture
def val_moons():
    return make_moons(10, noise=0.1, seed=1)


@pytest.fixture
def curve():
    """12 noisy points of a cubic: regression."""
    return make_polynomial(12, degree=3, noise=0.1, seed=0)


def small_model(seed: int = 0, nin: int = 2, nout: int = 1) -> MLP:
    return MLP(nin, [4, nout], activation="tanh", seed=seed)

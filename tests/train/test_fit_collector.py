"""fit pauses the cyclic garbage collector during each step and restores it on every exit."""

import gc

import pytest

from microopt.nn import MLP
from microopt.optim import SGD
from microopt.train import fit

X, Y = [[0.0, 1.0], [1.0, 0.0], [0.5, 0.5]], [1.0, -1.0, 0.0]


def test_the_collector_is_paused_during_a_step_and_restored_after():
    seen = []

    def loss(outputs, targets):
        seen.append(gc.isenabled())
        from microopt.nn import mse_loss
        return mse_loss(outputs, targets)

    model = MLP(2, [3, 1])
    fit(model, SGD(model.parameters(), lr=0.1), (X, Y), steps=2, loss=loss, progress=False)
    assert seen == [False, False]
    assert gc.isenabled()


def test_the_collector_is_restored_when_a_step_fails():
    def broken(outputs, targets):
        raise KeyError("a bug in the student's loss")

    model = MLP(2, [3, 1])
    with pytest.raises(KeyError):
        fit(model, SGD(model.parameters(), lr=0.1), (X, Y), steps=1, loss=broken, progress=False)
    assert gc.isenabled()

"""EarlyStopping: patience counted as Keras counts it, and the best weights put back."""

import math

import pytest

from microopt.data import make_polynomial
from microopt.nn import MLP
from microopt.optim import Adam
from microopt.train import EarlyStopping, evaluate, fit
from tests.train.conftest import small_model


def feed(stopper, values, key="val_loss"):
    return [stopper({"epoch": e, key: v}) for e, v in enumerate(values)]


def test_stops_after_patience_epochs_without_improvement():
    stopper = EarlyStopping(patience=2)
    assert feed(stopper, [1.0, 0.8, 0.9, 0.85, 0.95]) == [False, False, False, False, True]
    assert (stopper.best, stopper.best_epoch, stopper.stopped_epoch) == (0.8, 1, 4)


def test_min_delta_counts_small_improvements_as_none():
    stopper = EarlyStopping(patience=1, min_delta=0.1)
    # 0.95 and 0.91 are within 0.1 of the best 1.0: two bad epochs
    assert feed(stopper, [1.0, 0.95, 0.91]) == [False, False, True]
    assert stopper.best == 1.0


def test_nan_is_never_an_improvement():
    stopper = EarlyStopping(patience=0, monitor="train_loss")
    assert feed(stopper, [1.0, math.nan], key="train_loss") == [False, True]


def test_the_best_weights_are_restored_when_training_stops():
    X, y = make_polynomial(24, noise=0.3, seed=0)
    model = MLP(1, [16, 1], activation="tanh")
    stopper = EarlyStopping(model=model, patience=3)
    history = fit(model, Adam(model.parameters(), lr=0.05), (X[:12], y[:12]), epochs=300, val_data=(X[12:], y[12:]),
                  callbacks=[stopper], progress=False)
    assert history.stop_reason == "callback" and len(history.epochs) == stopper.stopped_epoch + 1 < 300
    assert stopper.stopped_epoch - stopper.best_epoch == 4  # patience 3: the 4th bad epoch stops
    best = min(history["val_loss"])
    assert history["val_loss"][stopper.best_epoch] == best
    assert evaluate(model, (X[12:], y[12:]))["loss"] == best  # the model is back at its best epoch


def test_without_validation_data_the_message_says_what_to_do(moons):
    model = small_model()
    with pytest.raises(ValueError, match=r"monitors 'val_loss', but the epoch record has none: pass val_data="):
        fit(model, Adam(model.parameters()), moons, epochs=2, callbacks=[EarlyStopping()], progress=False)


@pytest.mark.parametrize("kwargs, message", [
    ({"monitor": "val_accuracy"}, r"Invalid monitor: 'val_accuracy'"),
    ({"patience": -1}, r"Invalid patience: -1"),
    ({"min_delta": -0.1}, r"Invalid min_delta: -0.1"),
])
def test_bad_settings_are_refused(kwargs, message):
    with pytest.raises(ValueError, match=message):
        EarlyStopping(**kwargs)

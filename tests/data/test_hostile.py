"""Hostile and careless calls of the data helpers: numpy numbers work, everything else is named.

numpy numbers (``np.int64(100)``, ``np.float32(0.1)``) give exactly the data Python numbers
give; bools, strings, NaN and out-of-range numbers are refused with the rule they break.
"""

import math

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from microopt.data import (Minibatches, make_blobs, make_circles, make_moons, make_polynomial, make_spirals,
                           to_signed_labels, train_test_split)

MAKERS = {
    "moons": lambda **k: make_moons(**{"n_samples": 10, **k}),
    "circles": lambda **k: make_circles(**{"n_samples": 10, **k}),
    "spirals": lambda **k: make_spirals(**{"n_samples": 9, **k}),
    "blobs": lambda **k: make_blobs(**{"n_samples": 10, **k}),
    "polynomial": lambda **k: make_polynomial(**{"n_samples": 10, **k}),
}


# --------------------------------------------------------------------- numpy numbers are numbers
@pytest.mark.parametrize("maker, name, value, plain", [
    ("moons", "n_samples", np.int64(10), 10), ("moons", "noise", np.float32(0.25), 0.25),
    ("moons", "seed", np.int64(3), 3), ("circles", "factor", np.float64(0.3), 0.3),
    ("circles", "n_samples", np.int32(10), 10), ("spirals", "n_classes", np.int64(3), 3),
    ("spirals", "noise", np.float64(0.1), 0.1), ("blobs", "centers", np.int64(3), 3),
    ("blobs", "n_features", np.int64(3), 3), ("blobs", "cluster_std", np.float32(0.5), 0.5),
    ("blobs", "center_box", (np.float64(-2), np.int64(2)), (-2.0, 2.0)),
    ("polynomial", "degree", np.int64(2), 2), ("polynomial", "seed", np.uint8(9), 9),
])
def test_numpy_numbers_make_the_same_data(maker, name, value, plain):
    assert MAKERS[maker](**{name: value}) == MAKERS[maker](**{name: plain})


def test_numpy_centers_are_points():
    centers = np.array([[0.0, 0.0], [4.0, 4.0]])
    assert make_blobs(6, centers=centers, cluster_std=0.0) == make_blobs(6, centers=[[0, 0], [4, 4]], cluster_std=0)


@pytest.mark.parametrize("test_size, plain", [(np.int64(3), 3), (np.float32(0.25), float(np.float32(0.25))),
                                              (np.float64(0.5), 0.5)])
def test_numpy_test_sizes(test_size, plain):
    X, y = [[float(i)] for i in range(10)], list(range(10))
    assert train_test_split(X, y, test_size=test_size) == train_test_split(X, y, test_size=plain)


def test_a_numpy_int_test_size_is_a_count_not_a_fraction():
    X_train, X_test, _, _ = train_test_split([[0.0]] * 10, [0] * 10, test_size=np.int64(4))
    assert (len(X_train), len(X_test)) == (6, 4)


def test_numpy_minibatch_sizes_and_seeds():
    X, y = [[float(i)] for i in range(7)], list(range(7))
    numpy_batches = Minibatches(X, y, batch_size=np.int64(3), seed=np.int64(5))
    plain = Minibatches(X, y, batch_size=3, seed=5)
    assert list(numpy_batches) == list(plain) and len(numpy_batches) == 3
    numpy_batches.set_epoch(np.int64(4))
    plain.set_epoch(4)
    assert list(numpy_batches) == list(plain)


def test_signed_labels_from_numpy():
    assert to_signed_labels(np.array([0, 1, 1])) == [-1, 1, 1]


# --------------------------------------------------------------------- refused, with the rule
@pytest.mark.parametrize("maker, options, words", [
    ("moons", {"n_samples": 10.0}, "Invalid n_samples: 10.0 (must be a whole number >= 2)"),
    ("moons", {"n_samples": True}, "Invalid n_samples: True (must be a whole number >= 2)"),
    ("moons", {"n_samples": "10"}, "Invalid n_samples: '10' (must be a whole number >= 2)"),
    ("moons", {"noise": math.nan}, "Invalid noise: nan (must be a finite number >= 0). It is a standard deviation."),
    ("moons", {"noise": math.inf}, "Invalid noise: inf (must be a finite number >= 0)"),
    ("moons", {"noise": "0.1"}, "Invalid noise: '0.1' (must be a finite number >= 0)"),
    ("moons", {"seed": 1.5}, "Invalid seed: 1.5 (must be a whole number). Pass an int, e.g. seed=0."),
    ("moons", {"seed": "a"}, "Invalid seed: 'a' (must be a whole number)"),
    ("moons", {"seed": None}, "Invalid seed: None (must be a whole number)"),
    ("circles", {"factor": 1.0}, "Invalid factor: 1.0 (must be a finite number > 0 and < 1). It is the inner"),
    ("circles", {"factor": math.nan}, "Invalid factor: nan"),
    ("circles", {"factor": True}, "Invalid factor: True"),
    ("spirals", {"n_classes": 2.5}, "Invalid n_classes: 2.5 (must be a whole number >= 2)"),
    ("spirals", {"n_samples": 2}, "Invalid n_samples: 2 (must be a whole number >= 3)"),
    ("blobs", {"centers": 0}, "Invalid centers: 0 (must be a whole number >= 1)"),
    ("blobs", {"centers": 2.0}, "Invalid centers: 2.0 (a number of classes, or a non-empty list of points"),
    ("blobs", {"centers": []}, "Invalid centers: [] (a number of classes, or a non-empty list"),
    ("blobs", {"centers": [[0.0, math.nan]]}, "Invalid centers[0][1]: nan (must be a finite number)"),
    ("blobs", {"centers": [[0.0, "1"]]}, "Invalid centers[0][1]: '1' (must be a finite number)"),
    ("blobs", {"center_box": (5, -5)}, "Invalid center_box: (5, -5) (must be (low, high) with low <= high)"),
    ("blobs", {"center_box": 5}, "Invalid center_box: 5 (must be a pair (low, high), e.g. (-5.0, 5.0))"),
    ("blobs", {"center_box": (0, math.inf)}, "Invalid center_box[1]: inf (must be a finite number)"),
    ("blobs", {"cluster_std": -0.5}, "Invalid cluster_std: -0.5 (must be a finite number >= 0)"),
    ("blobs", {"n_features": 0}, "Invalid n_features: 0 (must be a whole number >= 1)"),
    ("polynomial", {"degree": 1.0}, "Invalid degree: 1.0 (must be a whole number >= 0)"),
    ("polynomial", {"n_samples": 0}, "Invalid n_samples: 0 (must be a whole number >= 1)"),
])
def test_bad_arguments_name_the_rule(maker, options, words):
    with pytest.raises(ValueError) as caught:
        MAKERS[maker](**options)
    assert words in str(caught.value)


@pytest.mark.parametrize("options, words", [
    ({"test_size": 0.0}, "Invalid test_size: 0.0 (must be a finite number > 0 and < 1). Pass a fraction such as"),
    ({"test_size": math.nan}, "Invalid test_size: nan"),
    ({"test_size": True}, "Invalid test_size: True (a fraction in (0, 1) or a number of samples)"),
    ({"test_size": "0.2"}, "Invalid test_size: '0.2'"),
    ({"test_size": 10}, "Invalid test_size: 10 gives 10 test samples out of 10"),
    ({"test_size": -1}, "Invalid test_size: -1 gives -1 test samples out of 10"),
    ({"test_size": 0.01}, None),
    ({"seed": 0.5}, "Invalid seed: 0.5 (must be a whole number)"),
    ({"shuffle": "no"}, "Invalid shuffle: 'no' (must be True or False)"),
])
def test_bad_splits_name_the_rule(options, words):
    X, y = [[float(i)] for i in range(10)], list(range(10))
    if words is None:  # 1% of 10 samples rounds up to one test sample: accepted
        assert len(train_test_split(X, y, **options)[1]) == 1
        return
    with pytest.raises(ValueError) as caught:
        train_test_split(X, y, **options)
    assert words in str(caught.value)


@pytest.mark.parametrize("options, words", [
    ({"batch_size": np.float64(2)}, "Invalid batch_size: np.float64(2.0) (must be a whole number >= 1)"),
    ({"batch_size": True}, "Invalid batch_size: True"),
    ({"shuffle": 1}, "Invalid shuffle: 1 (must be True or False)"),
    ({"drop_last": "yes"}, "Invalid drop_last: 'yes' (must be True or False)"),
    ({"seed": 2.5}, "Invalid seed: 2.5 (must be a whole number)"),
    ({"batch_size": 5, "drop_last": True}, "Invalid batch_size: 5 with drop_last=True and only 3 samples"),
])
def test_bad_minibatches_name_the_rule(options, words):
    with pytest.raises(ValueError) as caught:
        Minibatches([[0.0], [1.0], [2.0]], [0, 1, 0], **{"batch_size": 2, **options})
    assert words in str(caught.value)


@pytest.mark.parametrize("epoch, words", [(-1, "Invalid epoch: -1 (must be a whole number >= 0)"),
                                          (1.0, "Invalid epoch: 1.0"), (None, "Invalid epoch: None")])
def test_a_bad_epoch_is_refused(epoch, words):
    batches = Minibatches([[0.0], [1.0]], [0, 1], batch_size=1)
    with pytest.raises(ValueError) as caught:
        batches.set_epoch(epoch)
    assert words in str(caught.value) and batches.epoch == 0


@pytest.mark.parametrize("labels, words", [([0, 2], "label 1 is 2"), ([0, None], "label 1 is None"),
                                           ([True, 0], "label 0 is True"), ([0, 0.5], "label 1 is 0.5")])
def test_signed_labels_only_from_0_and_1(labels, words):
    with pytest.raises(ValueError) as caught:
        to_signed_labels(labels)
    assert words in str(caught.value) and "cross_entropy" in str(caught.value)


@given(n=st.integers(2, 40), fraction=st.floats(0.01, 0.99))
@settings(max_examples=40, deadline=None)
def test_any_fraction_splits_or_says_why(n, fraction):
    X, y = [[float(i)] for i in range(n)], list(range(n))
    n_test = math.ceil(fraction * n)
    if 1 <= n_test <= n - 1:
        X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=fraction)
        assert (len(X_test), len(X_train)) == (n_test, n - n_test) and sorted(y_train + y_test) == y
    else:
        with pytest.raises(ValueError, match=rf"gives {n_test} test samples out of {n}"):
            train_test_split(X, y, test_size=fraction)

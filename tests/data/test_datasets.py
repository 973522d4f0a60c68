"""Datasets, train_test_split and minibatches: shapes, determinism, geometry, bad input."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings, strategies as st

from microopt.data import (Minibatches, make_blobs, make_circles, make_moons, make_polynomial, make_spirals,
                           minibatches, polynomial, to_signed_labels, train_test_split)

MAKERS = [make_moons, make_circles, make_spirals, make_blobs, make_polynomial]


@pytest.mark.parametrize("make", MAKERS, ids=lambda f: f.__name__)
def test_same_seed_same_data_other_seed_other_data(make):
    assert make(30, seed=3) == make(30, seed=3)
    assert make(30, seed=3) != make(30, seed=4)


@pytest.mark.parametrize("make, n_features, classes", [
    (make_moons, 2, {0, 1}), (make_circles, 2, {0, 1}), (make_spirals, 2, {0, 1, 2}), (make_blobs, 2, {0, 1}),
])
def test_classification_shapes(make, n_features, classes):
    X, y = make(61)
    assert len(X) == len(y) == 61
    assert all(len(x) == n_features and all(isinstance(v, float) for v in x) for x in X)
    assert set(y) == classes and all(type(label) is int for label in y)


def test_class_sizes_are_balanced():
    assert sorted(make_moons(11)[1]).count(0) == 6  # the odd sample goes to class 0
    assert [make_spirals(10, n_classes=4)[1].count(k) for k in range(4)] == [3, 3, 2, 2]


def test_samples_are_shuffled():
    _, y = make_moons(40)
    assert y != sorted(y)  # classes mixed, not 20 zeros then 20 ones


def test_noise_free_moons_lie_on_their_half_circles():
    X, y = make_moons(50, noise=0.0)
    for (a, b), label in zip(X, y):
        if label == 0:  # (cos t, sin t): unit circle, upper half
            assert math.hypot(a, b) == pytest.approx(1.0) and b >= -1e-12
        else:  # (1 - cos t, 1/2 - sin t): unit circle around (1, 1/2), lower half
            assert math.hypot(a - 1.0, b - 0.5) == pytest.approx(1.0) and b <= 0.5 + 1e-12


def test_noise_free_circles_have_the_two_radii():
    X, y = make_circles(20, noise=0.0, factor=0.3)
    for (a, b), label in zip(X, y):
        assert math.hypot(a, b) == pytest.approx(1.0 if label == 0 else 0.3)


def test_noise_free_spirals_have_radius_growing_with_the_angle():
    X, y = make_spirals(30, n_classes=3, noise=0.0)
    for (a, b), k in zip(X, y):
        r = math.hypot(a, b)
        theta = 4.0 * (k + r)  # the point is (r sin theta, r cos theta)
        assert a == pytest.approx(r * math.sin(theta), abs=1e-12)
        assert b == pytest.approx(r * math.cos(theta), abs=1e-12)


def test_blobs_are_centred_on_their_centers():
    X, y = make_blobs(3000, centers=[[0.0, 0.0, 1.0], [3.0, -3.0, 2.0]], cluster_std=0.5, seed=2)
    assert len(X[0]) == 3 and [y.count(c) for c in (0, 1)] == [1500, 1500]
    for c, center in enumerate([[0.0, 0.0, 1.0], [3.0, -3.0, 2.0]]):
        points = [x for x, label in zip(X, y) if label == c]
        for j in range(3):
            coordinate = [p[j] for p in points]
            mean = sum(coordinate) / len(coordinate)
            std = math.sqrt(sum((v - mean) ** 2 for v in coordinate) / len(coordinate))
            assert mean == pytest.approx(center[j], abs=0.05)  # 1500 draws: standard error 0.013
            assert std == pytest.approx(0.5, rel=0.06)


def test_blobs_with_a_number_of_centers_draws_them_in_the_box():
    X, y = make_blobs(40, centers=4, cluster_std=0.0, center_box=(-2.0, 2.0), seed=5)
    centers = {tuple(x) for x in X}
    assert len(centers) == 4 and set(y) == {0, 1, 2, 3}
    assert all(-2.0 <= v <= 2.0 for center in centers for v in center)


def test_polynomial_targets_follow_the_returned_coefficients():
    X, y, c = make_polynomial(50, degree=3, noise=0.0, seed=5, coef=True)
    assert len(c) == 4 and all(-1.0 <= ck <= 1.0 for ck in c)
    assert all(-1.0 <= x <= 1.0 for (x,) in X)
    assert y == pytest.approx([c[0] + c[1] * x + c[2] * x ** 2 + c[3] * x ** 3 for (x,) in X], abs=1e-12)
    assert polynomial([1.0, -2.0, 3.0], 2.0) == 1.0 - 4.0 + 12.0


def test_polynomial_noise_has_the_requested_spread():
    X, y, c = make_polynomial(2000, noise=0.5, coef=True)
    residuals = [t - polynomial(c, x) for (x,), t in zip(X, y)]
    mean = sum(residuals) / len(residuals)
    std = math.sqrt(sum((r - mean) ** 2 for r in residuals) / len(residuals))
    assert abs(mean) < 0.05 and std == pytest.approx(0.5, rel=0.06)  # 2000 draws: ~1.6% error


def test_to_signed_labels():
    assert to_signed_labels([0, 1, 1, 0]) == [-1, 1, 1, -1]
    with pytest.raises(ValueError, match="label 1 is 2"):
        to_signed_labels([0, 2])


@pytest.mark.parametrize("call, message", [
    (lambda: make_moons(1), "Invalid n_samples: 1"),
    (lambda: make_moons(10, noise=-0.1), "Invalid noise: -0.1"),
    (lambda: make_circles(10, factor=1.5), "Invalid factor: 1.5"),
    (lambda: make_spirals(2, n_classes=3), "Invalid n_samples: 2"),
    (lambda: make_spirals(10, n_classes=1), "Invalid n_classes: 1"),
    (lambda: make_polynomial(10, degree=-1), "Invalid degree: -1"),
    (lambda: make_polynomial(2.5), "Invalid n_samples: 2.5"),
    (lambda: make_blobs(10, centers=0), "Invalid centers: 0"),
    (lambda: make_blobs(10, centers=[[0.0, 1.0], [2.0]]), "Invalid centers"),
    (lambda: make_blobs(10, cluster_std=-1.0), "Invalid cluster_std: -1.0"),
    (lambda: make_blobs(2, centers=3), "Invalid n_samples: 2"),
])
def test_bad_dataset_arguments(call, message):
    with pytest.raises(ValueError, match=message):
        call()


# ----------------------------------------------------------------------- split
def test_train_test_split_partitions_the_data():
    X = [[float(i)] for i in range(10)]
    y = list(range(10))
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.25, seed=1)
    assert len(X_test) == 3 and len(X_train) == 7  # ceil(0.25 * 10) = 3, as scikit-learn
    assert sorted(y_train + y_test) == y
    assert all(x == [float(t)] for x, t in zip(X_train + X_test, y_train + y_test))  # pairs kept
    assert train_test_split(X, y, seed=1) == train_test_split(X, y, seed=1)
    assert train_test_split(X, y, test_size=4, shuffle=False)[3] == [6, 7, 8, 9]


@pytest.mark.parametrize("test_size, message", [
    (0.0, r"Invalid test_size: 0.0 \(must be a finite number > 0 and < 1\)"), (1.0, r"Invalid test_size: 1.0 \(must"),
    (10, "10 test samples out of 10"), (0, "0 test samples"), ("0.2", "Invalid test_size"),
])
def test_train_test_split_bad_sizes(test_size, message):
    with pytest.raises(ValueError, match=message):
        train_test_split([[0.0]] * 10, [0] * 10, test_size=test_size)


def test_train_test_split_length_mismatch():
    with pytest.raises(ValueError, match="X has 3 samples but y has 2"):
        train_test_split([[0.0]] * 3, [0, 1])


# ----------------------------------------------------------------------- minibatches
@settings(max_examples=40, deadline=None)
@given(st.integers(1, 40), st.integers(1, 15), st.booleans(), st.integers(0, 1000))
def test_each_epoch_covers_every_sample_once(n, batch_size, shuffle, seed):
    X = [[float(i)] for i in range(n)]
    y = list(range(n))
    batches = minibatches(X, y, batch_size, shuffle=shuffle, seed=seed)
    for _ in range(2):
        seen = [list(pair) for pair in batches]
        assert len(seen) == len(batches) == math.ceil(n / batch_size)
        assert all(len(yb) == batch_size for _, yb in seen[:-1])
        assert len(seen[-1][1]) == n - batch_size * (len(seen) - 1)  # the last partial batch is kept
        labels = [t for _, yb in seen for t in yb]
        assert sorted(labels) == y
        assert all(x == [float(t)] for xb, yb in seen for x, t in zip(xb, yb))


def test_reshuffles_each_epoch_deterministically():
    X, y = [[float(i)] for i in range(20)], list(range(20))
    a = minibatches(X, y, 5, seed=1)
    first, second = [yb for _, yb in a], [yb for _, yb in a]
    assert first != second  # a new order each epoch
    b = minibatches(X, y, 5, seed=1)
    assert [yb for _, yb in b] == first and [yb for _, yb in b] == second  # same seed, same epochs
    b.set_epoch(1)
    assert [yb for _, yb in b] == second  # resume at epoch 1
    assert [yb for _, yb in minibatches(X, y, 5, seed=2)] != first
    with pytest.raises(ValueError, match="Invalid epoch: -1"):
        b.set_epoch(-1)


def test_no_shuffle_keeps_order_and_drop_last_drops_the_remainder():
    X, y = [[float(i)] for i in range(7)], list(range(7))
    assert [yb for _, yb in minibatches(X, y, 3, shuffle=False)] == [[0, 1, 2], [3, 4, 5], [6]]
    dropped = minibatches(X, y, 3, shuffle=False, drop_last=True)
    assert len(dropped) == 2 and [yb for _, yb in dropped] == [[0, 1, 2], [3, 4, 5]]
    assert isinstance(dropped, Minibatches) and "7 samples" in repr(dropped)


@pytest.mark.parametrize("kwargs, message", [
    ({"batch_size": 0}, "Invalid batch_size: 0"),
    ({"batch_size": 2.0}, "Invalid batch_size: 2.0"),
    ({"batch_size": 9, "drop_last": True}, "would give no batch"),
])
def test_minibatches_bad_sizes(kwargs, message):
    with pytest.raises(ValueError, match=message):
        minibatches([[0.0]] * 4, [0] * 4, **kwargs)


def test_minibatches_empty_or_mismatched():
    with pytest.raises(ValueError, match="empty"):
        minibatches([], [], 2)
    with pytest.raises(ValueError, match="X has 2 samples but y has 1"):
        minibatches([[0.0], [1.0]], [0], 2)

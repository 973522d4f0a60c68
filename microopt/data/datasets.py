"""Small synthetic datasets, pure Python, seeded: the same ``seed`` always gives the same data.

Each ``make_*`` returns ``(X, y)``: ``X`` a list of samples, each a list of floats (the
features), and ``y`` one target per sample: a class index 0..k-1 (an int) for
classification, a float for regression. Samples come shuffled, so any slice of them is a
fair mix of the classes.

=================  =========  =======================================================
dataset            features   task
=================  =========  =======================================================
make_moons         2          two interleaving half circles, classes 0 and 1
make_circles       2          a small circle inside a big one, classes 0 (outer) and 1
make_spirals       2          ``n_classes`` interleaved spiral arms, classes 0..k-1
make_blobs         2 (or n)   one Gaussian cluster per class: linearly separable
make_polynomial    1          y = polynomial(x) + noise: regression, made to overfit
=================  =========  =======================================================
"""

from __future__ import annotations

import math
import operator
import random
from typing import Sequence

from microopt._validate import real_number, whole_number


def _check_count(name: str, value: object, minimum: int = 1) -> int:
    return whole_number(name, value, minimum=minimum)


def _check_noise(noise: object, name: str = "noise") -> float:
    return real_number(name, noise, minimum=0.0, advice="It is a standard deviation.")


def _check_seed(seed: object) -> int:
    return whole_number("seed", seed, advice="Pass an int, e.g. seed=0.")


def _linspace(start: float, stop: float, n: int) -> list[float]:
    """n evenly spaced points from start to stop, both included (one point: start)."""
    if n == 1:
        return [start]
    return [start + (stop - start) * i / (n - 1) for i in range(n)]


def _shuffled(X: list[list[float]], y: list, rng: random.Random) -> tuple[list[list[float]], list]:
    order = list(range(len(X)))
    rng.shuffle(order)
    return [X[i] for i in order], [y[i] for i in order]


def make_moons(n_samples: int = 100, noise: float = 0.1, seed: int = 0) -> tuple[list[list[float]], list[int]]:
    """Two interleaving half circles, as scikit-learn's ``make_moons``.

    Class 0 (``n_samples // 2`` rounded up): (cos t, sin t) for t in [0, π].
    Class 1 (the rest): (1 - cos t, 1/2 - sin t) for t in [0, π].
    Gaussian noise with standard deviation ``noise`` is added to both coordinates.
    Not linearly separable: a classic first task for a small MLP.

    >>> X, y = make_moons(4, noise=0.0)
    >>> len(X), sorted(y)
    (4, [0, 0, 1, 1])
    """
    n_samples = _check_count("n_samples", n_samples, 2)
    noise = _check_noise(noise)
    rng = random.Random(_check_seed(seed))
    n_outer = n_samples - n_samples // 2
    n_inner = n_samples // 2
    X = [[math.cos(t), math.sin(t)] for t in _linspace(0.0, math.pi, n_outer)]
    X += [[1.0 - math.cos(t), 0.5 - math.sin(t)] for t in _linspace(0.0, math.pi, n_inner)]
    y = [0] * n_outer + [1] * n_inner
    X = [[a + rng.gauss(0.0, noise), b + rng.gauss(0.0, noise)] for a, b in X]
    return _shuffled(X, y, rng)


def make_circles(n_samples: int = 100, noise: float = 0.05, factor: float = 0.5,
                 seed: int = 0) -> tuple[list[list[float]], list[int]]:
    """A circle of radius ``factor`` (class 1) inside the unit circle (class 0).

    As scikit-learn's ``make_circles``: the points are evenly spaced in angle, then Gaussian
    noise of standard deviation ``noise`` is added. Separable by radius, not by any line.

    >>> X, y = make_circles(8, noise=0.0, factor=0.5)
    >>> sorted(round(math.hypot(a, b), 6) for a, b in X)
    [0.5, 0.5, 0.5, 0.5, 1.0, 1.0, 1.0, 1.0]
    """
    n_samples = _check_count("n_samples", n_samples, 2)
    noise = _check_noise(noise)
    factor = real_number("factor", factor, above=0.0, below=1.0, advice="It is the inner circle's radius.")
    rng = random.Random(_check_seed(seed))
    n_outer = n_samples - n_samples // 2
    n_inner = n_samples // 2
    X = []
    for radius, n in ((1.0, n_outer), (float(factor), n_inner)):
        X += [[radius * math.cos(2 * math.pi * i / n), radius * math.sin(2 * math.pi * i / n)] for i in range(n)]
    y = [0] * n_outer + [1] * n_inner
    X = [[a + rng.gauss(0.0, noise), b + rng.gauss(0.0, noise)] for a, b in X]
    return _shuffled(X, y, rng)


def make_spirals(n_samples: int = 150, n_classes: int = 3, noise: float = 0.2,
                 seed: int = 0) -> tuple[list[list[float]], list[int]]:
    """``n_classes`` spiral arms winding out from the origin (the CS231n spiral dataset).

    Arm k has radius r going from 0 to 1 and angle θ = 4 (k + r) + noise (radians), so the
    arms interleave; the point is (r sin θ, r cos θ). Noise here perturbs the angle, with
    standard deviation ``noise``. ``n_samples`` is split as evenly as possible between the
    classes (the first arms get one more when it does not divide).

    >>> X, y = make_spirals(7, n_classes=3)
    >>> [y.count(k) for k in range(3)]
    [3, 2, 2]
    """
    n_classes = _check_count("n_classes", n_classes, 2)
    n_samples = _check_count("n_samples", n_samples, n_classes)
    noise = _check_noise(noise)
    rng = random.Random(_check_seed(seed))
    X: list[list[float]] = []
    y: list[int] = []
    for k in range(n_classes):
        n = n_samples // n_classes + (1 if k < n_samples % n_classes else 0)
        for r in _linspace(0.0, 1.0, n):
            theta = 4.0 * (k + r) + rng.gauss(0.0, noise)
            X.append([r * math.sin(theta), r * math.cos(theta)])
            y.append(k)
    return _shuffled(X, y, rng)


def make_blobs(n_samples: int = 100, centers: int | Sequence[Sequence[float]] = 2, cluster_std: float = 1.0,
               n_features: int = 2, center_box: tuple[float, float] = (-5.0, 5.0),
               seed: int = 0) -> tuple[list[list[float]], list[int]]:
    """Gaussian clusters, one per class, as scikit-learn's ``make_blobs``.

    ``centers``: the number of classes k (their centers drawn uniformly from ``center_box``
    in each of ``n_features`` coordinates) or the list of centers itself. Each sample of
    class c is center_c + Gaussian noise of standard deviation ``cluster_std`` per coordinate.
    Far-apart blobs are linearly separable: the task for a single neuron, the hinge loss
    and the perceptron. ``n_samples`` is split as evenly as possible (first classes first).

    >>> X, y = make_blobs(6, centers=[[0.0, 0.0], [4.0, 4.0]], cluster_std=0.0)
    >>> sorted(map(tuple, X))
    [(0.0, 0.0), (0.0, 0.0), (0.0, 0.0), (4.0, 4.0), (4.0, 4.0), (4.0, 4.0)]
    """
    n_features = _check_count("n_features", n_features, 1)
    noise = _check_noise(cluster_std, "cluster_std")
    rng = random.Random(_check_seed(seed))
    if _is_whole_number(centers):
        centers = _check_count("centers", centers, 1)
        low, high = _check_box(center_box)
        centers = [[rng.uniform(low, high) for _ in range(n_features)] for _ in range(centers)]
    else:
        centers = _check_centers(centers)
    k = len(centers)
    n_samples = _check_count("n_samples", n_samples, k)
    X: list[list[float]] = []
    y: list[int] = []
    for c, center in enumerate(centers):
        n = n_samples // k + (1 if c < n_samples % k else 0)
        X += [[v + rng.gauss(0.0, noise) for v in center] for _ in range(n)]
        y += [c] * n
    return _shuffled(X, y, rng)


def _is_whole_number(value: object) -> bool:
    try:
        operator.index(value)
    except TypeError:
        return False
    return True


def _check_box(center_box: object) -> tuple[float, float]:
    if not isinstance(center_box, (tuple, list)) or len(center_box) != 2:
        raise ValueError(f"Invalid center_box: {center_box!r} (must be a pair (low, high), e.g. (-5.0, 5.0)).")
    low, high = (real_number(f"center_box[{i}]", v) for i, v in enumerate(center_box))
    if not low <= high:
        raise ValueError(f"Invalid center_box: {center_box!r} (must be (low, high) with low <= high).")
    return low, high


def _check_centers(centers: object) -> list[list[float]]:
    rule = ("a number of classes, or a non-empty list of points that all have the same number of "
            "coordinates")
    try:
        points = [list(center) for center in centers]
    except TypeError:
        raise ValueError(f"Invalid centers: {centers!r:.80} ({rule}).") from None
    if not points or any(len(point) != len(points[0]) for point in points):
        raise ValueError(f"Invalid centers: {centers!r:.80} ({rule}).")
    return [[real_number(f"centers[{c}][{j}]", v) for j, v in enumerate(point)] for c, point in enumerate(points)]


def make_polynomial(n_samples: int = 20, degree: int = 3, noise: float = 0.2, seed: int = 0,
                    coef: bool = False):
    """A small, noisy 1-D regression task: y = Σ_k c_k x^k + noise, for x in [-1, 1].

    Made for watching overfitting: with a handful of noisy points, a big MLP bends toward
    every one of them, pushing the training loss below the noise variance (noise²), while it
    drifts away from the true curve in between, so the validation loss turns back up.
    Measured with the defaults split in half (``train_test_split(X, y, test_size=0.5)``) and
    ``MLP(1, [32, 32, 1], activation="tanh")`` trained full-batch by ``Adam(lr=0.01)``: the
    training loss reaches 0.02 (< noise² = 0.04); the validation loss is 0.08 at step 500
    and 0.10 at step 1500. The coefficients c_0..c_degree are drawn uniformly from
    [-1, 1] by the seeded generator; x is drawn uniformly from [-1, 1]; the noise is Gaussian
    with standard deviation ``noise``.

    Returns ``(X, y)`` with ``X = [[x], ...]`` and ``y`` floats, or ``(X, y, coefficients)``
    with ``coef=True`` (as scikit-learn's ``make_regression``), ``coefficients[k]`` being c_k,
    so you can draw the true curve next to the model's.

    >>> X, y, c = make_polynomial(5, degree=1, noise=0.0, coef=True)
    >>> all(abs(t - (c[0] + c[1] * x)) < 1e-12 for (x,), t in zip(X, y))
    True
    """
    n_samples = _check_count("n_samples", n_samples, 1)
    degree = _check_count("degree", degree, 0)
    noise = _check_noise(noise)
    rng = random.Random(_check_seed(seed))
    coefficients = [rng.uniform(-1.0, 1.0) for _ in range(degree + 1)]
    X = [[rng.uniform(-1.0, 1.0)] for _ in range(n_samples)]
    y = [polynomial(coefficients, x) + rng.gauss(0.0, noise) for (x,) in X]
    return (X, y, coefficients) if coef else (X, y)


def polynomial(coefficients: Sequence[float], x: float) -> float:
    """Σ_k c_k x^k, evaluated by Horner's rule: (((c_n x + c_{n-1}) x + ...) x + c_0)."""
    result = 0.0
    for c in reversed(coefficients):
        result = result * x + c
    return result


def to_signed_labels(y: Sequence[int]) -> list[int]:
    """Map 0/1 class labels to -1/+1 (0 -> -1, 1 -> +1), the labels ``hinge_loss`` expects.

    >>> to_signed_labels([0, 1, 1])
    [-1, 1, 1]
    """
    signed = []
    for i, label in enumerate(y):
        if isinstance(label, bool) or label not in (0, 1):
            raise ValueError(
                f"to_signed_labels needs 0/1 labels, but label {i} is {label!r}. "
                "Multi-class labels have no -1/+1 form; use cross_entropy for them."
            )
        signed.append(2 * int(label) - 1)
    return signed

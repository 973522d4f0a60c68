"""micrograd's demo on micrograd and on ``microopt.micrograd``, side by side: the same numbers, how fast.

``demo_steps`` is the training loop of micrograd's ``demo.ipynb`` (moons, ``MLP(2, [16, 16, 1])``,
SVM "max-margin" loss, L2 regularization 1e-4, SGD with lr = 1.0 - 0.9·k/100), written once
and run on any module pair with micrograd's ``Value`` and ``MLP``. ``time_side_by_side``
measures both in one process, in rotating turns; each sample is several consecutive training
steps *plus* the garbage collection of their own graphs (micrograd's closures make reference
cycles that only the collector frees, and that cost belongs to micrograd's time).
"""

from __future__ import annotations

import gc
import random
import statistics
import time
from types import ModuleType
from typing import Any, Sequence

from microopt.data import make_moons as own_moons

ALPHA = 1e-4  # the demo's L2 strength


def demo_data(n_samples: int = 100, seed: int = 1337) -> tuple[Any, Any]:
    """The demo's moons: scikit-learn's, after ``np.random.seed(1337)``, labels -1 and +1.

    Without scikit-learn, microopt's own ``make_moons`` (other points, the same kind of data).
    """
    try:
        import numpy as np
        from sklearn.datasets import make_moons
    except ImportError:
        X, y = own_moons(n_samples, noise=0.1, seed=seed)
        return X, [2 * label - 1 for label in y]
    np.random.seed(seed)
    X, y = make_moons(n_samples=n_samples, noise=0.1)
    return X, y * 2 - 1


def demo_model(micrograd_nn: ModuleType, sizes: Sequence[int] = (2, 16, 16, 1), seed: int = 1337):
    """``random.seed(1337)`` then ``MLP(2, [16, 16, 1])``, as the demo does."""
    random.seed(seed)
    return micrograd_nn.MLP(sizes[0], list(sizes[1:]))


def demo_loss(Value: type, model, X, y) -> tuple[Any, float]:  # noqa: N803 (micrograd's class name)
    """The demo's ``loss()`` with the whole batch: (total_loss, accuracy)."""
    inputs = [list(map(Value, xrow)) for xrow in X]
    scores = list(map(model, inputs))
    losses = [(1 + -yi * scorei).relu() for yi, scorei in zip(y, scores)]  # the SVM hinge loss
    data_loss = sum(losses) * (1.0 / len(losses))
    reg_loss = ALPHA * sum((p * p for p in model.parameters()))  # L2 regularization
    total_loss = data_loss + reg_loss
    accuracy = [(yi > 0) == (scorei.data > 0) for yi, scorei in zip(y, scores)]
    return total_loss, sum(accuracy) / len(accuracy)


def demo_step(Value: type, model, X, y, k: int) -> tuple[float, float]:  # noqa: N803
    """Iteration k of the demo's optimization loop; returns (loss, accuracy) before the update."""
    total_loss, acc = demo_loss(Value, model, X, y)
    model.zero_grad()
    total_loss.backward()
    learning_rate = 1.0 - 0.9 * k / 100
    for p in model.parameters():
        p.data -= learning_rate * p.grad
    return float(total_loss.data), float(acc)


def demo_steps(engine: ModuleType, nn: ModuleType, X, y, steps: int,
               sizes: Sequence[int] = (2, 16, 16, 1)) -> list[tuple[float, float]]:
    """(loss, accuracy) at each of the first ``steps`` iterations of the demo."""
    model = demo_model(nn, sizes)
    return [demo_step(engine.Value, model, X, y, k) for k in range(steps)]


def time_side_by_side(contenders: dict[str, tuple[ModuleType, ModuleType]], X, y, rounds: int = 5,
                      steps_per_sample: int = 3) -> dict[str, list[float]]:
    """Seconds per training step of each contender, one sample per round, turns rotating.

    A sample is ``steps_per_sample`` consecutive steps and then ``gc.collect()``, timed together,
    so each contender pays for its own garbage. The models keep training from sample to sample.
    """
    names = list(contenders)
    models = {name: demo_model(nn) for name, (_, nn) in contenders.items()}
    k = {name: 0 for name in names}
    seconds: dict[str, list[float]] = {name: [] for name in names}
    for round_ in range(rounds):
        for name in names[round_ % len(names):] + names[:round_ % len(names)]:
            engine = contenders[name][0]
            gc.collect()
            start = time.perf_counter()
            for _ in range(steps_per_sample):
                demo_step(engine.Value, models[name], X, y, k[name] % 100)
                k[name] += 1
            gc.collect()
            seconds[name].append((time.perf_counter() - start) / steps_per_sample)
    return seconds


def ratios(seconds: dict[str, list[float]], slow: str, fast: str) -> dict[str, float]:
    """slow/fast per round: the median and the range."""
    per_round = [a / b for a, b in zip(seconds[slow], seconds[fast])]
    return {"median": statistics.median(per_round), "min": min(per_round), "max": max(per_round)}

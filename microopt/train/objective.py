"""Which loss to minimize, and how well a model does on a dataset.

A dataset is a pair ``(X, y)`` as ``microopt.data`` makes them: ``X`` a list of samples (each
a list of features), ``y`` one target per sample. ``loss="auto"`` picks the loss from the
targets and the model's output, the choice a textbook would make:

==========================================  =================  ==================================
targets                                     model output       loss
==========================================  =================  ==================================
real numbers (or lists of them)             anything           ``mse``: mean squared error
-1 / +1                                     one score          ``hinge``: the SVM loss
0 / 1 (ints or bools)                       one score          ``bce``: binary cross-entropy
class indices 0..k-1                        k scores (logits)  ``cross_entropy``
==========================================  =================  ==================================

The floats 0.0 and 1.0 (or -1.0 and 1.0) alone could be classes or numbers to fit, so
``"auto"`` refuses them and asks for int labels or an explicit ``loss=``.

``check_dataset`` is the one check of a dataset that ``fit``, ``race``, ``lr_sweep`` and
``evaluate`` share: every sample a number or a list of numbers, all finite, all of one length;
every target a finite number, a bool (read as 0/1) or a list of numbers. A column of
targets, ``[[0], [1], ...]`` (numpy's ``(n, 1)`` shape), is read as the flat list it means.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from numbers import Integral, Real
from typing import Callable, Sequence

from microopt.engine.collector import paused_collector
from microopt.engine.value import Value
from microopt.nn.losses import (accuracy, binary_cross_entropy_with_logits, cross_entropy,
                                hinge_loss, mse_loss)

LOSSES: dict[str, Callable] = {
    "mse": mse_loss,
    "hinge": hinge_loss,
    "bce": binary_cross_entropy_with_logits,
    "cross_entropy": cross_entropy,
}
CLASSIFICATION = ("hinge", "bce", "cross_entropy")


@dataclass(frozen=True)
class Objective:
    """A loss function with its name, and whether accuracy means something for it."""

    name: str
    function: Callable[[Sequence, Sequence], Value]

    @property
    def is_classification(self) -> bool:
        return self.name in CLASSIFICATION

    def __call__(self, outputs: Sequence, targets: Sequence) -> Value:
        return self.function(outputs, targets)

    def accuracy(self, outputs: Sequence, targets: Sequence) -> float | None:
        """The fraction classified correctly (None for regression and custom losses)."""
        return accuracy(outputs, targets) if self.is_classification else None


def check_dataset(data: object, what: str) -> tuple[list, list]:
    """``data`` as ``(X, y)`` lists of equal, non-zero length, checked sample by sample (see above).

    Numbers come back as Python ints and floats (bools as 0/1), so numpy
    arrays and numbers are accepted. A NaN, an infinity, a None or a string is refused
    naming the sample, before any training.
    """
    if not isinstance(data, (tuple, list)) or len(data) != 2:
        raise TypeError(
            f"{what} must be a pair (X, y), e.g. microopt.data.make_moons(100), got "
            f"{type(data).__name__}: {data!r:.100}."
        )
    try:
        X, y = list(data[0]), list(data[1])
    except TypeError:
        raise TypeError(f"{what} must be a pair (X, y) of sequences, got X: {type(data[0]).__name__}, "
                        f"y: {type(data[1]).__name__}.") from None
    if not X:
        raise ValueError(f"{what} is empty (X == []); pass at least one sample.")
    if len(X) != len(y):
        raise ValueError(f"{what}: X has {len(X)} samples but y has {len(y)}; give one target per sample.")
    return _check_samples(X, what), _check_targets(y, what)


def _check_samples(X: list, what: str) -> list:
    samples = [_numbers(x, f"{what}: X[{i}]", "sample") for i, x in enumerate(X)]
    length = _length(samples[0])
    for i, sample in enumerate(samples):
        if _length(sample) != length:
            raise ValueError(
                f"{what}: X[{i}] has {_length(sample)} features but X[0] has {length}; every sample needs "
                "the same number of features."
            )
    return samples


def _check_targets(y: list, what: str) -> list:
    # A column [[t0], [t1], ...] means the targets t0, t1, ...: unwrap it.
    if all(_length(t) == 1 for t in y):
        y = [t[0] for t in y]
    targets = [_numbers(t, f"{what}: y[{i}]", "target") for i, t in enumerate(y)]
    length = _length(targets[0])
    for i, target in enumerate(targets):
        if _length(target) != length:
            raise ValueError(f"{what}: y[{i}] is {y[i]!r:.60} but y[0] is {y[0]!r:.60}; give every sample a "
                             "target of the same shape.")
    return targets


def _length(value: object) -> int | None:
    """The length of a list-like sample or target; None for a number."""
    return None if isinstance(value, (Real, str, bytes)) or not hasattr(value, "__len__") else len(value)


def _numbers(value: object, where: str, kind: str):
    """A number (bools as 0/1 ints, whole targets as ints) or a list of floats; refuse the rest."""
    if _length(value) is not None:
        return [_number(v, f"{where}[{j}]", kind) for j, v in enumerate(value)]
    return _number(value, where, kind)


def _number(value: object, where: str, kind: str) -> float | int:
    if isinstance(value, bool) or type(value).__name__ in ("bool", "bool_"):
        return int(value)  # True/False are the classes 1/0
    if not isinstance(value, Real):
        advice = ("every sample needs a target; drop the samples without one" if value is None and kind == "target"
                  else f"each {kind} must be a number or a list of numbers")
        raise TypeError(f"{where} is {value!r:.60} ({type(value).__name__}): {advice}.")
    if isinstance(value, Integral):
        return int(value)
    number = float(value)
    if not math.isfinite(number):
        raise ValueError(f"{where} is {number}: training on it would make every loss {number}. Remove or fix "
                         "that sample (e.g. replace missing values) before training.")
    return number


def class_labels(objective: Objective, y: list, what: str) -> list:
    """Targets for a classification loss: whole-number floats (``1.0``) become ints (``1``)."""
    if not objective.is_classification:
        return y
    return [int(t) if isinstance(t, float) and t.is_integer() else t for t in y]


def resolve_loss(loss: str | Callable, model: Callable, X: list, y: list) -> Objective:
    """The ``Objective`` for ``loss``: a name, a loss function, or ``"auto"`` (see the table)."""
    if callable(loss):
        name = next((n for n, f in LOSSES.items() if f is loss), getattr(loss, "__name__", "custom"))
        return Objective(name, loss)
    if loss == "auto":
        name = _auto_name(model, X, y)
        return Objective(name, LOSSES[name])
    if loss not in LOSSES:
        raise ValueError(
            f"Unknown loss {loss!r}; choose 'auto', {', '.join(repr(n) for n in LOSSES)}, "
            "or pass a function loss(outputs, targets) -> Value."
        )
    return Objective(loss, LOSSES[loss])


def _auto_name(model: Callable, X: list, y: list) -> str:
    if any(isinstance(t, list) for t in y):
        return "mse"
    if any(isinstance(t, float) for t in y):
        values = set(y)
        if values <= {0.0, 1.0} or values <= {-1.0, 1.0}:
            raise ValueError(
                f"loss='auto' cannot tell whether the targets {sorted(values)} are classes or numbers to fit. "
                "For classes give int labels (y = [int(t) for t in y]) or pass loss='bce' (0/1) or "
                "loss='hinge' (-1/+1); for regression pass loss='mse'."
            )
        return "mse"
    labels = set(y)
    several_outputs = isinstance(model(X[0]), (list, tuple))
    if several_outputs:
        return "cross_entropy"
    if labels <= {-1, 1}:
        return "hinge"
    if labels <= {0, 1}:
        return "bce"
    raise ValueError(
        f"loss='auto' cannot tell what to minimize: the targets are the classes {sorted(labels)[:6]} "
        "but the model has one output. Give the last layer one output per class (cross_entropy), "
        "or pass loss= explicitly."
    )


def evaluate(model: Callable, data: tuple[Sequence, Sequence], loss: str | Callable = "auto") -> dict:
    """``{"loss": ..., "accuracy": ...}`` of ``model`` on ``data = (X, y)``, without training.

    The loss is the mean over all samples; ``accuracy`` is None for regression. A model whose
    numbers overflowed gives ``loss = inf`` rather than an error.
    """
    X, y = check_dataset(data, "data")
    objective = resolve_loss(loss, model, X, y)
    return evaluate_objective(model, objective, X, class_labels(objective, y, "data"))


def evaluate_objective(model: Callable, objective: Objective, X: list, y: list) -> dict:
    """``evaluate`` for an already resolved ``Objective`` and checked ``X, y``."""
    try:
        # The graph holds no cycles: the collector would only rescan it. It is dropped inside
        # the block too, or the collector, resumed, would scan it once more.
        with paused_collector():
            outputs = [model(x) for x in X]
            value = objective(outputs, y).data
            accuracy = objective.accuracy(outputs, y)
            del outputs
    except OverflowError:
        return {"loss": math.inf, "accuracy": None}
    return {"loss": value, "accuracy": accuracy}

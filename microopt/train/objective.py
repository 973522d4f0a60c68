"""Which loss to minimize, and how well a model does on a dataset.

A dataset is a pair ``(X, y)`` as ``microopt.data`` makes them: ``X`` a list of samples (each
a list of features), ``y`` one target per sample. ``loss="auto"`` picks the loss from the
targets and the model's output, the choice a textbook would make:

==========================================  =================  ==================================
targets                                     model output       loss
==========================================  =================  ==================================
real numbers (or lists of them)             anything           ``mse``: mean squared error
-1 / +1                                     one score          ``hinge``: the SVM loss
0 / 1                                       one score          ``bce``: binary cross-entropy
class indices 0..k-1                        k scores (logits)  ``cross_entropy``
==========================================  =================  ==================================
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable, Sequence

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
    """``data`` as ``(X, y)`` lists of equal, non-zero length."""
    if not isinstance(data, (tuple, list)) or len(data) != 2:
        raise TypeError(
            f"{what} must be a pair (X, y), e.g. microopt.data.make_moons(100), got "
            f"{type(data).__name__}: {data!r:.100}."
        )
    X, y = list(data[0]), list(data[1])
    if not X:
        raise ValueError(f"{what} is empty (X == []); pass at least one sample.")
    if len(X) != len(y):
        raise ValueError(f"{what}: X has {len(X)} samples but y has {len(y)}; give one target per sample.")
    return X, y


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
    if any(isinstance(t, (list, tuple)) or isinstance(t, float) for t in y):
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
    return evaluate_objective(model, objective, X, y)


def evaluate_objective(model: Callable, objective: Objective, X: list, y: list) -> dict:
    """``evaluate`` for an already resolved ``Objective`` and checked ``X, y``."""
    try:
        outputs = [model(x) for x in X]
        value = objective(outputs, y).data
    except OverflowError:
        return {"loss": math.inf, "accuracy": None}
    return {"loss": value, "accuracy": objective.accuracy(outputs, y)}

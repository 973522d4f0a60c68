"""Divergence: the loss became NaN or infinite, or grew far beyond where it started.

A learning rate that is too large makes each step overshoot the minimum by more than the
last, so the loss grows geometrically until floats overflow. Training stops at the first
sign of it, with an error that says where and what to try, instead of producing NaNs.
"""

from __future__ import annotations

import math
from typing import Any

from microopt._validate import real_number

DEFAULT_DIVERGENCE_FACTOR = 1e3


class DivergenceError(RuntimeError):
    """Training diverged. ``step``, ``epoch``, ``lr``, ``loss`` say where; ``history`` holds
    every record up to (not including) the step that diverged."""

    def __init__(self, reason: str, *, step: int, lr: float | None, loss: float,
                 epoch: int | None = None, history: Any = None) -> None:
        self.reason = reason
        self.step = step
        self.epoch = epoch
        self.lr = lr
        self.loss = loss
        self.history = history
        where = f"step {step}" + (f" (epoch {epoch})" if epoch is not None else "")
        if lr is None:
            advice = "Try a smaller learning rate."
        else:
            where += f" with lr = {lr:g}"
            advice = f"Try a smaller learning rate, e.g. {lr / 10:g} (10x smaller)."
        super().__init__(f"Training diverged at {where}: {reason}. {advice}")

    def __reduce__(self):
        # Rebuilt from its fields, so it survives pickling (a joblib worker sending it back).
        return _rebuild_divergence, (self.reason, self.step, self.lr, self.loss, self.epoch, self.history)


def _rebuild_divergence(reason, step, lr, loss, epoch, history) -> DivergenceError:
    return DivergenceError(reason, step=step, lr=lr, loss=loss, epoch=epoch, history=history)


def divergence_reason(loss: float, first_loss: float, factor: float | None) -> str | None:
    """Why ``loss`` counts as divergence, or None if it does not.

    Diverged means: not a finite number, or (when ``factor`` is given and the first loss is
    positive) more than ``factor`` times the first loss of the run.
    """
    if not math.isfinite(loss):
        return f"the loss became {loss}"
    if factor is not None and first_loss > 0.0 and loss > factor * first_loss:
        return f"the loss {loss:.4g} is more than {factor:g} times the first loss {first_loss:.4g}"
    return None


def check_divergence_factor(factor: float | None) -> float | None:
    if factor is None:
        return None
    return real_number("divergence_factor", factor, above=1.0, finite=False,
                       advice="None stops only on NaN or infinite losses.")

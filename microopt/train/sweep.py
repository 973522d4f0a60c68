"""`lr_sweep`: the loss after k steps for a range of learning rates, in one picture.

Plotted on a log axis, the curve has the same shape for almost every problem: too small a
learning rate barely moves in k steps (the loss stays near where it started), too large a
one overshoots and diverges (the loss becomes inf), and the best lies in between, usually
just below the rate where divergence begins.

>>> sweep = lr_sweep("quadratic", "gd", lrs=[1e-3, 0.1, 1.0], steps=30)
>>> sweep.best_lr, sweep.diverged
(0.1, [False, False, True])
"""

from __future__ import annotations

import math
from typing import Any, Callable, Sequence

from microopt._validate import real_number, whole_number
from microopt.train.divergence import DEFAULT_DIVERGENCE_FACTOR
from microopt.train.presets import preset
from microopt.train.race import RaceResult, RunCallback, race
from microopt.train.text import format_table


def log_space(start: float = 1e-4, stop: float = 10.0, per_decade: int = 2) -> list[float]:
    """Learning rates evenly spaced in log10 from ``start`` to ``stop``, rounded to 3 digits.

    >>> log_space(1e-3, 1.0, per_decade=1)
    [0.001, 0.01, 0.1, 1.0]
    >>> log_space(0.01, 1.0)
    [0.01, 0.0316, 0.1, 0.316, 1.0]
    """
    start = real_number("start", start, above=0.0, advice="log_space needs 0 < start < stop.")
    stop = real_number("stop", stop, above=start, advice="log_space needs 0 < start < stop.")
    per_decade = whole_number("per_decade", per_decade, minimum=1,
                              advice="Pass how many learning rates to try per factor of 10, e.g. 2.")
    low, high = math.log10(start), math.log10(stop)
    n = max(1, round((high - low) * per_decade))
    return [float(f"{10 ** (low + (high - low) * i / n):.3g}") for i in range(n + 1)]


class SweepResult:
    """Learning rates and the loss each reached after ``steps`` steps (inf: diverged)."""

    def __init__(self, lrs: list[float], runs: RaceResult) -> None:
        self.lrs = lrs
        self.race = runs  # every run in full: loss curves, trajectories, divergence messages
        self.steps = runs.steps
        self.losses = [run.final_loss for run in runs]
        self.diverged = [run.diverged for run in runs]
        self.initial_loss = next(iter(runs)).losses[0]

    @property
    def best_lr(self) -> float | None:
        """The learning rate with the lowest loss after ``steps`` steps (None if all diverged)."""
        finite = [(loss, lr) for lr, loss in zip(self.lrs, self.losses) if math.isfinite(loss)]
        return min(finite)[1] if finite else None

    def rows(self) -> list[dict[str, Any]]:
        return [{"lr": lr, "loss": loss, "diverged": diverged}
                for lr, loss, diverged in zip(self.lrs, self.losses, self.diverged)]

    def table(self) -> str:
        """An aligned text table, the best learning rate marked with ``<- best``."""
        best = self.best_lr
        rows = [[lr, loss, "yes" if diverged else "no", "<- best" if lr == best else ""]
                for lr, loss, diverged in zip(self.lrs, self.losses, self.diverged)]
        title = f"loss after {self.steps} steps (started at {self.initial_loss:.4g})"
        return title + "\n" + format_table(["lr", "loss", "diverged", ""], rows)

    def __str__(self) -> str:
        return self.table()

    def __repr__(self) -> str:
        return f"SweepResult({len(self.lrs)} learning rates, {self.steps} steps, best_lr={self.best_lr!r})"


def lr_sweep(problem, optimizer: str | Callable = "sgd", *, lrs: Sequence[float] | None = None,
             steps: int = 100, start: tuple[float, float] | None = None, model: Callable[[], Any] | None = None,
             batch_size: int | None = None, loss: str | Callable = "auto", seed: int = 0,
             divergence_factor: float | None = DEFAULT_DIVERGENCE_FACTOR, callback: RunCallback | None = None,
             n_jobs: int = 1, compile: bool = False) -> SweepResult:  # noqa: A002 (fit's word)
    """Run ``optimizer`` on ``problem`` once per learning rate, each from the same start.

    Args:
        problem: as in ``race``: a 2-D test function (or its name), or a dataset ``(X, y)``
            with ``model``, a function that builds a fresh model (all runs share its weights).
        optimizer: a preset name (``"sgd"``, ``"adam"``...), an optimizer class, or any
            ``make(params, lr=...) -> optimizer``.
        lrs: the learning rates; default ``log_space(1e-4, 10)``: 1e-4, 3.16e-4, ..., 10.
        steps: k, the steps each run takes. The loss reported is f at the final point (2-D)
            or the loss on the whole training set after the last step (dataset).
        callback, n_jobs: as in ``race``: ``callback(run, model)`` once per learning rate, in
            order (``run.lr`` is its rate); ``n_jobs`` runs several at once, with the same results.
        compile: as in ``race`` (datasets only): each run compiled, the same numbers, faster.
    """
    lrs = log_space() if lrs is None else _check_lrs(lrs)
    if isinstance(optimizer, str):
        factories = {f"lr={lr:g}": preset(optimizer, lr) for lr in lrs}
    elif callable(optimizer):
        factories = {f"lr={lr:g}": (lambda params, lr=lr: optimizer(params, lr=lr)) for lr in lrs}
    else:
        raise TypeError(f"optimizer must be a preset name, an optimizer class or make(params, lr=...), "
                        f"got {type(optimizer).__name__}: {optimizer!r}.")
    runs = race(factories, problem, steps=steps, start=start, model=model, batch_size=batch_size, loss=loss,
                seed=seed, divergence_factor=divergence_factor, callback=callback, n_jobs=n_jobs, compile=compile)
    return SweepResult(lrs, runs)


def _check_lrs(lrs: Sequence[float]) -> list[float]:
    lrs = list(lrs)
    if not lrs:
        raise ValueError("lrs is empty; pass some learning rates, e.g. log_space(1e-4, 10).")
    lrs = [real_number("learning rate in lrs", lr, above=0.0, advice="Pass positive learning rates, "
                       "e.g. log_space(1e-4, 10).") for lr in lrs]
    labels = [f"{lr:g}" for lr in lrs]
    if len(set(labels)) != len(labels):
        raise ValueError(f"lrs has repeated values: {lrs!r}. Give each learning rate once.")
    return lrs

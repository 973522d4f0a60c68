"""`lr_find`: the learning-rate range test, as fast.ai's ``lr_find``.

One short training run in which the learning rate grows exponentially, step after step, from
``start_lr`` to ``end_lr`` (Smith 2017, "Cyclical Learning Rates for Training Neural
Networks", §3.3, with a linear ramp; fast.ai's exponential ramp, Gugger 2018)::

    lr_i = start_lr · (end_lr / start_lr)^(i / (num_steps - 1)),    i = 0 .. num_steps - 1

Each step takes one minibatch, so the loss is noisy; it is smoothed with a bias-corrected
exponential moving average, as Adam corrects its moments (fast.ai's ``beta = 0.98``)::

    avg_i = β · avg_{i-1} + (1 - β) · loss_i,    avg_{-1} = 0
    smoothed_i = avg_i / (1 - β^(i+1))

The test stops early once ``smoothed_i > stop_factor · min_{j<=i} smoothed_j`` (fast.ai: 4), or
the loss is no longer a finite number: the learning rate has passed the point where training
diverges. Plotted against log lr, the loss first barely moves (lr too small), then falls,
then shoots up. Two suggestions, both from the smoothed curve without its first 10% of steps
(still dominated by the start) and its last 5 (where divergence takes over), as fast.ai:

- ``"steepest"``: the lr where the smoothed loss falls fastest per unit of log lr;
- ``"minimum"``: one tenth of the lr at the lowest smoothed loss, a step back from the edge.

The test trains the model it is given; afterwards the model's weights and gradients and the
optimizer's ``state_dict()`` (buffers and hyperparameters, the lr included) and step count are
put back as they were, so ``fit`` can start from where the test started.

>>> from microopt.data import make_moons
>>> from microopt.nn import MLP
>>> from microopt.optim import SGD
>>> model = MLP(2, [8, 1])
>>> result = lr_find(model, SGD(model.parameters(), lr=0.1), make_moons(64), batch_size=16, num_steps=60)
>>> len(result.lrs) <= 60, result.lrs[0]
(True, 1e-07)
"""

from __future__ import annotations

import copy
import math
from typing import Any, Callable, Sequence

from microopt._validate import invalid, real_number, whole_number
from microopt.data import Minibatches
from microopt.train.objective import check_dataset, resolve_loss
from microopt.train.text import format_table

SUGGESTIONS = ("steepest", "minimum")


class LRFinderResult:
    """What one range test saw: ``lrs[i]``, ``losses[i]`` and ``smoothed_losses[i]`` per step.

    ``diverged`` is True when the test stopped before ``end_lr`` (``reason`` says why);
    ``suggestion`` is the lr picked by the method named in ``method``; ``steepest_lr`` and
    ``minimum_lr`` give both.
    """

    def __init__(self, lrs: list[float], losses: list[float], smoothed_losses: list[float], *, diverged: bool,
                 reason: str | None, method: str, num_steps: int) -> None:
        self.lrs = lrs
        self.losses = losses
        self.smoothed_losses = smoothed_losses
        self.diverged = diverged
        self.reason = reason
        self.method = method
        self.num_steps = num_steps  # asked for; len(lrs) is how many ran

    def _window(self) -> tuple[list[float], list[float]]:
        """The (lrs, smoothed losses) the suggestions read: without the start and the blow-up."""
        lrs, smoothed = self.lrs, self.smoothed_losses
        start, end = self.num_steps // 10, len(lrs) - 5
        if end - start >= 2:
            return lrs[start:end], smoothed[start:end]
        return lrs, smoothed  # a test too short to trim: read all of it

    @property
    def steepest_lr(self) -> float | None:
        """The lr at the steepest fall of the smoothed loss, d(smoothed)/d(log lr) most negative."""
        lrs, smoothed = self._window()
        finite = [(lr, s) for lr, s in zip(lrs, smoothed) if math.isfinite(s)]
        if len(finite) < 2:
            return None
        slopes = [((s1 - s0) / (math.log(lr1) - math.log(lr0)), lr0)
                  for (lr0, s0), (lr1, s1) in zip(finite, finite[1:])]
        return min(slopes)[1]

    @property
    def minimum_lr(self) -> float | None:
        """One tenth of the lr at the lowest smoothed loss."""
        finite = [(s, lr) for lr, s in zip(*self._window()) if math.isfinite(s)]
        return min(finite)[1] / 10.0 if finite else None

    @property
    def suggestion(self) -> float | None:
        """The suggested learning rate (by ``method``); None when too few steps ran."""
        return self.steepest_lr if self.method == "steepest" else self.minimum_lr

    def table(self, every: int = 10) -> str:
        """Every ``every``-th step as an aligned text table, the last step included."""
        rows = [[i, self.lrs[i], self.losses[i], self.smoothed_losses[i]]
                for i in range(len(self.lrs)) if i % every == 0 or i == len(self.lrs) - 1]
        end = f"stopped at step {len(self.lrs) - 1}: {self.reason}" if self.diverged else "reached end_lr"
        title = f"lr range test, {len(self.lrs)} of {self.num_steps} steps ({end}); suggestion {self.suggestion}"
        return title + "\n" + format_table(["step", "lr", "loss", "smoothed"], rows)

    def __str__(self) -> str:
        return self.table()

    def __repr__(self) -> str:
        return (f"LRFinderResult({len(self.lrs)} of {self.num_steps} steps, diverged={self.diverged}, "
                f"suggestion={self.suggestion!r} ({self.method}))")


def lr_find(model, optimizer, train_data: tuple[Sequence, Sequence], *, start_lr: float = 1e-7,
            end_lr: float = 10.0, num_steps: int = 100, batch_size: int | None = None,
            loss: str | Callable = "auto", beta: float = 0.98, stop_factor: float | None = 4.0,
            suggestion: str = "steepest", seed: int = 0) -> LRFinderResult:
    """Run the lr range test on ``model`` with ``optimizer``; both are restored afterwards.

    Args:
        model: a ``microopt.nn.Module`` (its ``state_dict()`` is saved and put back).
        optimizer: a ``microopt.optim`` optimizer over the model's parameters; every group's
            lr is set at each step, and its ``state_dict()`` is put back afterwards.
        train_data: ``(X, y)``; the test cycles through it in minibatches of ``batch_size``
            (None: all of it, every step), shuffled as ``fit`` shuffles (``seed``).
        start_lr, end_lr, num_steps: the exponential ramp (see the module docstring).
        loss: as in ``fit``.
        beta: the smoothing of the loss, in [0, 1) (0: no smoothing).
        stop_factor: stop once the smoothed loss exceeds this many times its minimum so far
            (None: stop only on a loss that is not a finite number).
        suggestion: ``"steepest"`` or ``"minimum"``, the method ``result.suggestion`` uses.
    """
    X, y = check_dataset(train_data, "train_data")
    start_lr, end_lr, num_steps, beta, stop_factor = _check_ramp(start_lr, end_lr, num_steps, beta, stop_factor)
    if suggestion not in SUGGESTIONS:
        raise ValueError(invalid("suggestion", suggestion, "must be 'steepest' or 'minimum'",
                                 "'steepest' reads the fastest fall of the loss, 'minimum' a tenth of its lowest."))
    batch_size = len(X) if batch_size is None else whole_number(
        "batch_size", batch_size, minimum=1, advice="Pass how many samples each step takes, or None for all.")
    for name in ("state_dict", "load_state_dict", "parameters"):
        if not callable(getattr(model, name, None)):
            raise TypeError(f"lr_find needs a microopt.nn.Module (it saves and restores state_dict()), "
                            f"got {type(model).__name__}: {model!r:.100}.")
    for name in ("zero_grad", "step", "param_groups", "state_dict", "load_state_dict"):
        if not hasattr(optimizer, name):
            raise TypeError(f"lr_find needs a microopt optimizer, e.g. SGD(model.parameters(), lr=0.1), "
                            f"got {type(optimizer).__name__}: {optimizer!r:.100}.")
    objective = resolve_loss(loss, model, X, y)
    batches = Minibatches(X, y, min(batch_size, len(X)), shuffle=batch_size < len(X), seed=seed)

    params = model.parameters()
    saved_weights, saved_grads = model.state_dict(), [p.grad for p in params]
    saved_optimizer = copy.deepcopy(optimizer.state_dict())
    saved_step_count = getattr(optimizer, "_step_count", None)  # what schedulers read to spot a skipped step
    try:
        lrs, losses, smoothed, reason = _ramp(model, optimizer, objective, batches, start_lr, end_lr, num_steps,
                                              beta, stop_factor)
    finally:
        model.load_state_dict(saved_weights)
        for p, grad in zip(params, saved_grads):
            p.grad = grad
        optimizer.load_state_dict(saved_optimizer)
        if saved_step_count is not None:
            optimizer._step_count = saved_step_count
    return LRFinderResult(lrs, losses, smoothed, diverged=reason is not None, reason=reason, method=suggestion,
                          num_steps=num_steps)


def _ramp(model, optimizer, objective, batches: Minibatches, start_lr: float, end_lr: float, num_steps: int,
          beta: float, stop_factor: float | None) -> tuple[list[float], list[float], list[float], str | None]:
    """The training run itself: (lrs, losses, smoothed losses, why it stopped early or None)."""
    lrs: list[float] = []
    losses: list[float] = []
    smoothed: list[float] = []
    avg, best = 0.0, math.inf
    for i in range(num_steps):
        epoch, position = divmod(i, len(batches))
        batch = batches.order(epoch)[position * batches.batch_size:(position + 1) * batches.batch_size]
        lr = start_lr * (end_lr / start_lr) ** (i / (num_steps - 1))
        for group in optimizer.param_groups:
            group["lr"] = lr
        optimizer.zero_grad()
        try:
            loss = objective([model(batches.X[j]) for j in batch], [batches.y[j] for j in batch])
        except OverflowError as error:
            return lrs, losses, smoothed, f"a number overflowed in the forward pass at lr = {lr:.3g} ({error})"
        if not math.isfinite(loss.data):
            return lrs, losses, smoothed, f"the loss became {loss.data} at lr = {lr:.3g}"
        avg = beta * avg + (1.0 - beta) * loss.data
        lrs.append(lr)
        losses.append(loss.data)
        smoothed.append(avg / (1.0 - beta ** (i + 1)))
        best = min(best, smoothed[-1])
        if stop_factor is not None and smoothed[-1] > stop_factor * best:
            return lrs, losses, smoothed, (f"the smoothed loss {smoothed[-1]:.4g} exceeded {stop_factor:g} times its "
                                           f"minimum {best:.4g} at lr = {lr:.3g}")
        loss.backward()
        try:
            optimizer.step()
        except OverflowError as error:
            return lrs, losses, smoothed, f"a number overflowed in the optimizer step at lr = {lr:.3g} ({error})"
    return lrs, losses, smoothed, None


def _check_ramp(start_lr: Any, end_lr: Any, num_steps: Any, beta: Any,
                stop_factor: Any) -> tuple[float, float, int, float, float | None]:
    start_lr = real_number("start_lr", start_lr, above=0.0, advice="The ramp starts at a tiny lr, e.g. 1e-7.")
    end_lr = real_number("end_lr", end_lr, above=start_lr,
                         advice=f"The ramp goes up from start_lr = {start_lr:g}: pass a larger end_lr, e.g. 10.")
    num_steps = whole_number("num_steps", num_steps, minimum=2, advice="A few hundred steps show the curve, e.g. 100.")
    beta = real_number("beta", beta, minimum=0.0, below=1.0, advice="fast.ai smooths with 0.98; 0 turns it off.")
    if stop_factor is not None:
        stop_factor = real_number("stop_factor", stop_factor, above=1.0,
                                  advice="fast.ai stops at 4 times the lowest loss; None stops only on inf/nan.")
    return start_lr, end_lr, num_steps, beta, stop_factor

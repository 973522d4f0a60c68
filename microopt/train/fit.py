"""`fit`: the training loop, written once, with everything a course asks of it.

Each step is the five lines every PyTorch tutorial shows::

    optimizer.zero_grad()                       # gradients accumulate, so reset them
    loss = loss_fn([model(x) for x in X_batch], y_batch) + penalty
    loss.backward()                             # dloss/dθ for every parameter θ
    optimizer.step()                            # θ ← θ - lr · (the optimizer's direction)
    scheduler.step()                            # the lr of the next step

and ``fit`` adds around them what you would otherwise write by hand: minibatches in a
seeded order, L1/L2 penalties, gradient clipping, validation after each epoch, a record of
every step and epoch (``History``), a progress bar, and a stop with a clear message when
the loss diverges.
"""

from __future__ import annotations

import math
import re
import signal
import threading
import warnings
from contextlib import contextmanager
from typing import Callable, Iterator, Sequence

from microopt._validate import flag, real_number, whole_number
from microopt.data import Minibatches
from microopt.engine.collector import paused_collector
from microopt.engine.value import Value
from microopt.optim import Optimizer, clip_grad_norm_, l1_penalty, l2_penalty
from microopt.optim.lr_scheduler import LRScheduler, ReduceLROnPlateau
from microopt.train.divergence import (DEFAULT_DIVERGENCE_FACTOR, DivergenceError,
                                       check_divergence_factor, divergence_reason)
from microopt.train.compile import CompiledTraining
from microopt.train.history import History
from microopt.train.objective import Objective, check_dataset, class_labels, evaluate_objective, resolve_loss
from microopt.train.progress import ProgressBar


class TrainingInterrupted(KeyboardInterrupt):
    """Ctrl-C stopped ``fit`` between two steps. ``history`` holds every step and epoch done.

    The model, optimizer, scheduler and ``history`` agree with each other (an interrupt that
    arrives during an optimizer step takes effect once the step is recorded), so saving them
    with ``save_checkpoint`` and calling ``fit(..., history=error.history)`` later continues
    the run bit for bit. It is a ``KeyboardInterrupt``: ``except KeyboardInterrupt`` catches it.
    """

    def __init__(self, history: History) -> None:
        self.history = history
        epoch, _ = divmod(history.num_steps, history.config["steps_per_epoch"])
        super().__init__(
            f"Training interrupted after {history.num_steps} steps (in epoch {epoch}); the model, optimizer, "
            "scheduler and history agree. Save them with save_checkpoint(..., history=error.history) and "
            "resume with fit(..., history=error.history)."
        )

    def __reduce__(self):  # rebuilt from the history, so it survives pickling
        return type(self), (self.history,)


def fit(model, optimizer, train_data: tuple[Sequence, Sequence], *, epochs: int | None = None,
        steps: int | None = None, batch_size: int | None = None, loss: str | Callable = "auto",
        scheduler=None, scheduler_interval: str = "step", l1: float = 0.0, l2: float = 0.0,
        clip_grad_norm: float | None = None, val_data: tuple[Sequence, Sequence] | None = None,
        seed: int = 0, shuffle: bool = True, progress: bool = True,
        callbacks: Sequence[Callable[[dict], bool | None]] = (),
        divergence_factor: float | None = DEFAULT_DIVERGENCE_FACTOR,
        history: History | None = None, compile: bool = False) -> History:  # noqa: A002 (torch.compile's word)
    """Train ``model`` with ``optimizer`` on ``train_data = (X, y)``; return the ``History``.

    Args:
        epochs: passes over the training data. ``steps``: stop after this many optimizer
            steps (possibly mid-epoch). Give either or both; both count from the start of the
            run, so with ``history=`` the same call finishes an interrupted run.
        batch_size: samples per step; None (the default) uses them all, which is plain
            gradient descent. Batches follow ``microopt.data.Minibatches(seed=seed)``: each
            epoch's order depends only on the seed and the epoch number.
        loss: ``"auto"``, ``"mse"``, ``"hinge"``, ``"bce"``, ``"cross_entropy"`` or a function
            ``loss(outputs, targets) -> Value`` (see ``microopt.train.objective``).
        scheduler: a ``microopt.optim.lr_scheduler`` scheduler, stepped after every optimizer
            step (``scheduler_interval="step"``, the default) or after every epoch
            (``"epoch"``). ``ReduceLROnPlateau`` is always stepped once per epoch, with the
            validation loss, or the training loss when there is no ``val_data``.
        l1, l2: penalty strengths: the loss minimized is
            ``loss + l1 · Σ|θ| + (l2 / 2) · Σθ²`` (``microopt.optim.l1_penalty``, ``l2_penalty``).
        clip_grad_norm: rescale the gradients so their L2 norm is at most this (before the step).
        val_data: ``(X, y)`` evaluated after every epoch.
        callbacks: functions called with each epoch's record after the epoch; one returning
            True stops training, and ``history.stop_reason`` says so (see ``EarlyStopping``).
        divergence_factor: stop with ``DivergenceError`` when the loss exceeds this many times
            the first loss of the run (None: only when it becomes NaN or infinite).
        history: the ``History`` of an earlier, interrupted call (from ``load_checkpoint``):
            training continues exactly where it stopped. Needs the same seed and batch size.
        progress: show a ``tqdm.auto`` bar (also off with the environment ``TQDM_DISABLE=1``).
        compile: replay each step from a graph traced once per batch size instead of building
            it again (``microopt.train.compile``): the same losses, gradients and weights, bit for
            bit, many times faster. A graph that depends on the data raises ``CompileError``.

    Raises ``DivergenceError`` (with ``.history``, the records so far) when the loss diverges,
    and ``TrainingInterrupted`` (a ``KeyboardInterrupt``, also with ``.history``) on Ctrl-C.
    """
    X, y = check_dataset(train_data, "train_data")
    val = check_dataset(val_data, "val_data") if val_data is not None else None
    epochs, steps = _check_length(epochs, steps)
    batch_size = len(X) if batch_size is None else whole_number(
        "batch_size", batch_size, minimum=1, advice="Pass how many samples each step uses, or None for all.")
    seed = whole_number("seed", seed, advice="Pass an int, e.g. seed=0.")
    shuffle, progress, compile = flag("shuffle", shuffle), flag("progress", progress), flag("compile", compile)
    batches = Minibatches(X, y, min(batch_size, len(X)), shuffle=shuffle and batch_size < len(X), seed=seed)
    _check_model_and_optimizer(model, optimizer, scheduler)
    callbacks = _check_callbacks(callbacks)
    if scheduler_interval not in ("step", "epoch"):
        raise ValueError(f"Invalid scheduler_interval: {scheduler_interval!r} (must be 'step' or 'epoch').")
    l1, l2 = (real_number(name, strength, minimum=0.0, advice="0 means no penalty.")
              for name, strength in (("l1", l1), ("l2", l2)))
    if clip_grad_norm is not None:
        clip_grad_norm = real_number("clip_grad_norm", clip_grad_norm, above=0.0, advice="None means no clipping.")
    divergence_factor = check_divergence_factor(divergence_factor)
    objective = resolve_loss(loss, model, X, y)
    y = class_labels(objective, y, "train_data")
    if val is not None:
        val = (val[0], class_labels(objective, val[1], "val_data"))

    config = {"seed": seed, "batch_size": batches.batch_size, "shuffle": batches.shuffle,
              "num_samples": len(X), "steps_per_epoch": len(batches), "loss": objective.name}
    history = _start_or_resume(history, config)
    run = _Run(model, optimizer, objective, scheduler, scheduler_interval, l1, l2, clip_grad_norm,
               divergence_factor, callbacks, history)
    if compile:
        run.compiled = CompiledTraining(model, objective, run.params, l1, l2)
    total = min(epochs * len(batches) if epochs is not None else math.inf,
                steps if steps is not None else math.inf)
    bar = ProgressBar(total, initial=history.num_steps, enabled=progress)
    try:
        if history.steps and len(history.epochs) < history.num_steps // len(batches):
            # Interrupted after an epoch's last step, before its end: finish that epoch first. The
            # optimizer was stepped before, in the interrupted process, so the scheduler's
            # "step() before optimizer.step()" warning would be wrong here.
            with warnings.catch_warnings():
                warnings.filterwarnings("ignore", message=re.escape("Detected call of `scheduler.step()`"))
                run.end_epoch(len(history.epochs), val, batches.batch_size, len(X))
        while history.num_steps < total:
            epoch, position = divmod(history.num_steps, len(batches))
            order = batches.order(epoch)
            for start in range(position * batches.batch_size, len(X), batches.batch_size):
                if history.num_steps >= total:
                    break
                batch = order[start:start + batches.batch_size]
                with paused_collector():  # a step's graph holds no cycles: the collector would only rescan it
                    record = run.step(epoch, [X[i] for i in batch], [y[i] for i in batch])
                bar.update(loss=record["loss"], lr=record["lr"])
            else:
                if run.end_epoch(epoch, val, batches.batch_size, len(X)):
                    break
    except KeyboardInterrupt as interrupt:
        history.stop_reason = "interrupted"
        raise TrainingInterrupted(history) from interrupt
    finally:
        bar.close()
    return history


class _Run:
    """The state of one call to ``fit``: what each step and each epoch end needs."""

    def __init__(self, model, optimizer, objective: Objective, scheduler, scheduler_interval: str,
                 l1: float, l2: float, clip_grad_norm: float | None, divergence_factor: float | None,
                 callbacks: Sequence[Callable[[dict], bool | None]], history: History) -> None:
        self.model, self.optimizer, self.objective, self.history = model, optimizer, objective, history
        self.params = model.parameters()
        self.l1, self.l2, self.clip_grad_norm = l1, l2, clip_grad_norm
        self.divergence_factor = divergence_factor
        self.callbacks = list(callbacks)
        self.scheduler = scheduler
        self.plateau = scheduler is not None and _is_plateau(scheduler)
        self.step_scheduler_per_step = scheduler is not None and not self.plateau and scheduler_interval == "step"
        self.step_scheduler_per_epoch = scheduler is not None and not self.plateau and scheduler_interval == "epoch"
        self.compiled = None  # fit(compile=True): a microopt.train.compile.CompiledTraining

    def step(self, epoch: int, X_batch: list, y_batch: list) -> dict:
        """One optimizer step on one minibatch; returns (and records) its step record."""
        step, lr = self.history.num_steps, self.optimizer.param_groups[0]["lr"]
        self.optimizer.zero_grad()
        try:
            forward = self._forward if self.compiled is None else self.compiled.forward
            loss, penalty, outputs, backward = forward(X_batch, y_batch)
        except OverflowError as err:
            raise self._diverged(f"a number overflowed in the forward pass ({err})", step, epoch, lr) from err
        # Divergence compares loss + penalty with the same sum at the run's first step.
        total = loss + penalty
        first = self.history.steps[0]["loss"] + self.history.steps[0]["penalty"] if self.history.steps else total
        reason = divergence_reason(total, first, self.divergence_factor)
        if reason is not None:
            raise self._diverged(reason, step, epoch, lr, total)

        backward()
        # The overflow-safe norm of clip_grad_norm_; max_norm = inf scales every gradient by
        # exactly 1.0, so without clipping it only measures.
        max_norm = self.clip_grad_norm if self.clip_grad_norm is not None else math.inf
        grad_norm = clip_grad_norm_(self.params, max_norm)
        record = {"step": step, "epoch": epoch, "loss": loss,
                  "penalty": penalty, "lr": lr, "grad_norm": grad_norm,
                  "accuracy": self.objective.accuracy(outputs, y_batch)}
        with _interrupts_deferred():  # the step, the scheduler and the record happen together or not at all
            try:
                self.optimizer.step()
            except OverflowError as err:  # float ** raises past 1e308 (a hand-written update)
                raise self._diverged(f"a number overflowed in the optimizer step ({err})", step, epoch, lr) from err
            if self.step_scheduler_per_step:
                self.scheduler.step()
            self.history.steps.append(record)
        return record

    def _forward(self, X_batch: list, y_batch: list) -> tuple[float, float, list, Callable[[], None]]:
        """The eager forward pass: (data loss, penalty, outputs, the backward pass to run)."""
        outputs = [self.model(x) for x in X_batch]
        data_loss = self.objective(outputs, y_batch)
        objective, penalty = data_loss, 0.0
        if self.l1 or self.l2:
            penalty_term = l1_penalty(self.params, self.l1) + l2_penalty(self.params, self.l2)
            objective, penalty = data_loss + penalty_term, penalty_term.data
        if not isinstance(data_loss, Value):
            raise TypeError(
                f"The loss function {self.objective.name!r} returned {type(data_loss).__name__}: {data_loss!r:.60}, "
                "not a Value, so there is nothing to backpropagate. Return the mean loss as a Value built "
                "from the outputs, e.g. microopt.nn.mse_loss(outputs, targets)."
            )
        return data_loss.data, penalty, outputs, objective.backward

    def end_epoch(self, epoch: int, val: tuple[list, list] | None, batch_size: int, num_samples: int) -> bool:
        """Validate, step epoch-level schedulers, record the epoch, run callbacks.

        Returns True when a callback asked to stop.
        """
        records = [r for r in self.history.steps if r["epoch"] == epoch]
        # Batch b holds batch_size samples, except the last, which holds what is left.
        sizes = [min(batch_size, num_samples - b * batch_size) for b in range(len(records))]
        train_loss = math.fsum(r["loss"] * n for r, n in zip(records, sizes)) / num_samples
        train_accuracy = None
        if self.objective.is_classification:
            train_accuracy = math.fsum(r["accuracy"] * n for r, n in zip(records, sizes)) / num_samples
        val_result = evaluate_objective(self.model, self.objective, *val) if val is not None else None
        val_loss = val_result["loss"] if val_result else None

        record = {"epoch": epoch, "train_loss": train_loss, "train_accuracy": train_accuracy,
                  "val_loss": val_loss, "val_accuracy": val_result["accuracy"] if val_result else None,
                  "lr": records[-1]["lr"]}
        with _interrupts_deferred():  # an epoch-level scheduler step is recorded with its epoch
            if self.plateau:
                self.scheduler.step(val_loss if val_loss is not None else train_loss)
            elif self.step_scheduler_per_epoch:
                self.scheduler.step()
            self.history.epochs.append(record)
        answers = [callback(record) for callback in self.callbacks]  # every callback sees every epoch
        if any(answer is True for answer in answers):
            self.history.stop_reason = "callback"
            return True
        return False

    def _diverged(self, reason: str, step: int, epoch: int, lr: float, loss: float = math.inf) -> DivergenceError:
        self.history.stop_reason = "diverged"
        return DivergenceError(reason, step=step, epoch=epoch, lr=lr, loss=loss, history=self.history)


def _is_plateau(scheduler) -> bool:
    return isinstance(scheduler, ReduceLROnPlateau)


@contextmanager
def _interrupts_deferred() -> Iterator[None]:
    """Hold back Ctrl-C (SIGINT) until the block has run, then raise it.

    Only in the main thread and only over Python's own handler: a handler someone else
    installed, or SIGINT ignored, is left alone.
    """
    if threading.current_thread() is not threading.main_thread() \
            or signal.getsignal(signal.SIGINT) is not signal.default_int_handler:
        yield
        return
    pending = []
    signal.signal(signal.SIGINT, lambda signum, frame: pending.append(signum))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, signal.default_int_handler)
    if pending:
        raise KeyboardInterrupt


def _check_model_and_optimizer(model, optimizer, scheduler) -> None:
    """A callable model with parameters, a microopt optimizer over them, a scheduler on that optimizer."""
    if isinstance(model, type):
        raise TypeError(f"fit needs a model, got the class {model.__name__} itself; create one first, e.g. "
                        f"model = {model.__name__}(...).")
    if not callable(model) or not callable(getattr(model, "parameters", None)):
        raise TypeError(
            f"fit needs a model: something called as model(x) that has .parameters(), e.g. "
            f"microopt.nn.MLP(2, [8, 1]); got {type(model).__name__}: {model!r:.80}."
        )
    if not isinstance(optimizer, Optimizer):
        kind = f"{type(optimizer).__module__}.{type(optimizer).__name__}".removeprefix("builtins.")
        shown = "" if kind.startswith("torch.") else f": {optimizer!r:.60}"
        raise TypeError(
            f"fit needs a microopt optimizer over the model's Values, e.g. "
            f"microopt.optim.SGD(model.parameters(), lr=0.1); got {kind}{shown}"
            + (" (a torch optimizer steps tensors, not microopt Values)" if kind.startswith("torch.") else "") + "."
        )
    params = {id(p) for p in model.parameters()}
    if not any(id(p) in params for group in optimizer.param_groups for p in group["params"]):
        raise ValueError(
            f"The optimizer updates none of the model's {len(params)} parameters: it was built on another "
            "model's. Build it on this one: optimizer = SGD(model.parameters(), lr=0.1)."
        )
    if scheduler is None:
        return
    if not isinstance(scheduler, LRScheduler):
        raise TypeError(f"fit needs a scheduler from microopt.optim.lr_scheduler (or None), e.g. "
                        f"StepLR(optimizer, step_size=10), got {type(scheduler).__name__}: {scheduler!r:.80}.")
    if scheduler.optimizer is not optimizer:
        raise ValueError("The scheduler drives another optimizer than the one given to fit, so its learning "
                         "rates would change nothing. Build it on this optimizer: StepLR(optimizer, ...).")


def _check_callbacks(callbacks) -> list:
    if callable(callbacks) or isinstance(callbacks, (str, bytes)):
        raise TypeError(f"callbacks must be a list of functions, got {type(callbacks).__name__}: "
                        f"{callbacks!r:.80}. Wrap it in a list: callbacks=[{getattr(callbacks, '__name__', 'fn')}].")
    try:
        callbacks = list(callbacks)
    except TypeError:
        raise TypeError(f"callbacks must be a list of functions, got {type(callbacks).__name__}: "
                        f"{callbacks!r:.80}.") from None
    for callback in callbacks:
        if not callable(callback):
            raise TypeError(f"fit: every callback must be a function of the epoch record (e.g. "
                            f"EarlyStopping(patience=3)), got {type(callback).__name__}: {callback!r:.80}.")
    return callbacks


def _start_or_resume(history: History | None, config: dict) -> History:
    """A new History, or the given one after checking it was recorded with the same settings."""
    if history is None:
        return History(config=config)
    if not isinstance(history, History):
        raise TypeError(f"history must be a History (from fit or load_checkpoint), got {type(history).__name__}.")
    different = {k: (history.config.get(k), v) for k, v in config.items() if history.config.get(k) != v}
    if different:
        listed = ", ".join(f"{k}: {old!r} then, {new!r} now" for k, (old, new) in different.items())
        raise ValueError(
            f"Cannot resume this history: it was recorded with other settings ({listed}). "
            "Resume with the same data, seed, batch_size and loss, or start a new run (history=None)."
        )
    expected_epochs = history.num_steps // config["steps_per_epoch"]
    # One epoch fewer: interrupted between an epoch's last step and its end, which fit then runs.
    if len(history.epochs) not in (expected_epochs, expected_epochs - 1):
        raise ValueError(
            f"Cannot resume this history: {history.num_steps} steps make {expected_epochs} complete "
            f"epochs, but it has {len(history.epochs)} epoch records. Was it edited by hand?"
        )
    history.stop_reason = None
    return history


def _check_length(epochs: int | None, steps: int | None) -> tuple[int | None, int | None]:
    if epochs is None and steps is None:
        raise ValueError("fit needs epochs= (passes over the data) or steps= (optimizer steps), e.g. epochs=10.")
    if epochs is not None:
        epochs = whole_number("epochs", epochs, minimum=1, advice="Pass how many passes over the data to make.")
    if steps is not None:
        steps = whole_number("steps", steps, minimum=1, advice="Pass how many optimizer steps to take.")
    return epochs, steps

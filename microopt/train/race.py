"""`race`: several optimizers, one problem, one starting point, side by side.

A fair comparison changes one thing only, the optimizer: every runner starts from the same
point (the same initial weights for a model), sees the same minibatches, and takes the same
number of steps. Two kinds of problem:

- a 2-D test function (``microopt.functions``, or its name): the parameters are two Values
  x and y, so each run also has a trajectory to draw on the contour plot;
- a dataset ``(X, y)`` with a ``model`` factory: each run trains a fresh model, and all of
  them start from the weights of the first one.

A run that diverges is reported (``diverged``, ``diverged_at``), not raised: seeing which
learning rates blow up is half of what a race is for.

>>> result = race(["gd", "momentum"], "quadratic", steps=50)
>>> result["momentum"].final_loss < result["gd"].final_loss
True
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import partial
from typing import Any, Callable, Iterator, Mapping, Sequence

from microopt._validate import flag, invalid, real_number, whole_number
from microopt.engine.value import Value
from microopt.functions import get
from microopt.train.divergence import (DEFAULT_DIVERGENCE_FACTOR, DivergenceError,
                                       check_divergence_factor, divergence_reason)
from microopt.train.fit import fit
from microopt.train.history import History
from microopt.train.objective import check_dataset, evaluate_objective, resolve_loss
from microopt.train.parallel import check_n_jobs, run_all
from microopt.train.presets import OptimizerFactory, resolve_optimizers
from microopt.train.text import format_percent, format_table


@dataclass
class RaceRun:
    """One optimizer's run.

    ``losses``: for a 2-D function, f at every point of ``trajectory`` (``steps + 1`` values,
    the start first); for a dataset, the minibatch loss before each step (``steps`` values).
    ``final_loss``: f at the last point, or the loss on the whole training set after the last
    step (inf when the run diverged). ``steps_to_threshold``: the first step whose loss is
    at or below the race's threshold (None if never). ``test_loss``/``test_accuracy``: on
    ``test_data`` after training (datasets only). ``lr``: the learning rate the optimizer
    started with (of its first parameter group).
    """

    name: str
    losses: list[float]
    final_loss: float
    trajectory: list[tuple[float, float]] | None = None
    steps_to_threshold: int | None = None
    test_loss: float | None = None
    test_accuracy: float | None = None
    diverged: bool = False
    diverged_at: int | None = None
    message: str | None = None
    lr: float | None = None
    history: History | None = field(default=None, repr=False)


class RaceResult:
    """The runs of a race, by optimizer name, in the order given.

    What ``microopt.viz`` reads from it (its plotting protocol): ``runs``, a mapping
    name -> run with ``losses``, ``diverged`` and, for 2-D functions, ``trajectory``; and
    ``function``, the 2-D test function raced on (None for a dataset).
    """

    def __init__(self, runs: list[RaceRun], problem: str, steps: int, threshold: float | None,
                 function=None) -> None:
        self.runs: dict[str, RaceRun] = {run.name: run for run in runs}
        self.problem = problem
        self.function = function  # the 2-D test function raced on, None for a dataset
        self.steps = steps
        self.threshold = threshold

    def __getitem__(self, name: str) -> RaceRun:
        return self.runs[name]

    def __iter__(self) -> Iterator[RaceRun]:
        return iter(self.runs.values())

    def __len__(self) -> int:
        return len(self.runs)

    def best(self) -> str | None:
        """The name of the run with the lowest final loss (None if every run diverged)."""
        finished = [run for run in self if not run.diverged]
        return min(finished, key=lambda run: run.final_loss).name if finished else None

    def rows(self) -> list[dict[str, Any]]:
        """One dict per run (without the curves): ready for a table or a DataFrame."""
        return [{"optimizer": run.name, "lr": run.lr, "final_loss": run.final_loss,
                 "steps_to_threshold": run.steps_to_threshold, "test_accuracy": run.test_accuracy,
                 "diverged_at": run.diverged_at} for run in self]

    def table(self) -> str:
        """An aligned text table of the runs, as ``microopt race`` prints it (accuracy in percent)."""
        reach = "steps to threshold" if self.threshold is None else f"steps to loss <= {self.threshold:g}"
        with_test = any(run.test_accuracy is not None for run in self)
        header = ["optimizer", "lr", "final loss", reach, *(["test accuracy"] if with_test else []), "diverged"]
        rows = [[run.name, run.lr, run.final_loss, run.steps_to_threshold,
                 *([format_percent(run.test_accuracy)] if with_test else []),
                 f"at step {run.diverged_at}" if run.diverged else "no"] for run in self]
        return f"{self.problem}, {self.steps} steps per run\n" + format_table(header, rows)

    def summary(self) -> str:
        """Who did best, read off the runs (never assumed): the lowest final loss, the first to the threshold.

        ``microopt race`` and ``microopt demo`` print it under the table.
        """
        best = self.best()
        if best is None:
            return "Every run diverged."
        text = f"Lowest final loss: {best} ({self[best].final_loss:.3g})."
        reached = [run for run in self if run.steps_to_threshold is not None]
        threshold = f"loss <= {self.threshold:g}" if self.threshold is not None else "the threshold"
        if not reached:
            return text + f" No run reached {threshold} in {self.steps} steps."
        first = min(run.steps_to_threshold for run in reached)
        names = ", ".join(run.name for run in reached if run.steps_to_threshold == first)
        return text + f" First to reach {threshold}: {names}, at step {first}."

    def __str__(self) -> str:
        return self.table()

    def __repr__(self) -> str:
        return f"RaceResult({self.problem}, {self.steps} steps, runs={list(self.runs)}, best={self.best()!r})"


RunCallback = Callable[[RaceRun, Any], None]


def race(optimizers: Mapping[str, OptimizerFactory | str] | Sequence[str], problem, *, steps: int,
         start: tuple[float, float] | None = None, model: Callable[[], Any] | None = None,
         lr: float | None = None, threshold: float | None = None, batch_size: int | None = None,
         loss: str | Callable = "auto", test_data: tuple[Sequence, Sequence] | None = None, seed: int = 0,
         divergence_factor: float | None = DEFAULT_DIVERGENCE_FACTOR, name: str | None = None,
         callback: RunCallback | None = None, n_jobs: int = 1, compile: bool = False) -> RaceResult:  # noqa: A002
    """Run every optimizer for ``steps`` steps on ``problem`` from the same start.

    Args:
        optimizers: ``{name: factory}`` with ``factory(params) -> optimizer``
            (``lambda p: SGD(p, lr=0.1)``), or preset names (``["gd", "momentum", "adam"]``,
            see ``microopt.train.presets``); ``lr`` sets the learning rate of the presets.
        problem: a 2-D test function (a ``Function2D`` or its name, e.g. ``"rosenbrock"``), or
            a dataset ``(X, y)`` together with ``model``, a function that builds a fresh model.
        start: the 2-D starting point (default: the function's own ``start``).
        threshold: "reached" means loss <= threshold. Default for a 2-D function with a known
            minimum: that minimum + 1e-3; otherwise None (``steps_to_threshold`` stays None).
        batch_size, loss, seed: passed to ``fit`` for datasets (seed fixes the minibatch order).
        test_data: ``(X, y)`` evaluated after training (datasets only).
        divergence_factor: as in ``fit``: a loss above this many times the first one diverged.
        name: what the table calls the problem (default: the function's name, or
            "dataset of N samples").
        callback: ``callback(run, model)``, called once per run, in the order of
            ``optimizers``, as soon as that run is done: ``run`` is its ``RaceRun``, ``model``
            the trained model (datasets) or the final point ``[x, y]`` as Values (2-D
            functions). For a progress bar, or to keep the models (to draw their decision
            boundaries with ``microopt.viz.plot_decision_boundaries``).
        n_jobs: how many runs at once (``microopt.train.parallel``): 1 in this process, k
            worker processes, -1 every core; on a Dask cluster when a ``dask.distributed``
            Client exists. The results are the same, bit for bit.
        compile: datasets only: each run's ``fit(compile=True)`` (``microopt.train.compile``),
            the same numbers, bit for bit, from a step traced once and replayed.
    """
    factories = resolve_optimizers(optimizers, lr)
    steps = whole_number("steps", steps, minimum=1, advice="Pass how many optimizer steps each run takes.")
    divergence_factor = check_divergence_factor(divergence_factor)
    check_n_jobs(n_jobs)
    compile = flag("compile", compile)  # noqa: A001 (fit's word, after torch.compile)
    if callback is not None and not callable(callback):
        raise TypeError(f"callback must be a function callback(run, model), got {type(callback).__name__}: "
                        f"{callback!r:.80}.")
    if isinstance(problem, (tuple, list)):
        if start is not None:
            raise ValueError("start= is for 2-D functions; a dataset race starts from the model's initial weights.")
        if model is None:
            raise ValueError("A dataset race needs model=, a function that builds a fresh model, "
                             "e.g. model=lambda: MLP(2, [8, 1]).")
        X, y = check_dataset(problem, "the race's dataset")
        test = check_dataset(test_data, "test_data") if test_data is not None else None
        initial = model().state_dict()  # every runner starts from these weights
        tasks = [partial(_run_dataset, run_name, factory, model, initial, (X, y), test, steps, threshold,
                         batch_size, loss, seed, divergence_factor, compile) for run_name, factory in factories.items()]
        function, title = None, f"dataset of {len(X)} samples"
    else:
        if model is not None or test_data is not None:
            raise ValueError("model= and test_data= are for dataset races; a 2-D function is its own model.")
        if compile:
            raise ValueError("compile= is for dataset races; a 2-D function's step has nothing to compile. "
                             "Leave compile=False.")
        function = _function(problem)
        start = _check_start(function.start if start is None else start)
        if threshold is None and function.minimum_value is not None:
            threshold = function.minimum_value + 1e-3
        tasks = [partial(_run_function, run_name, factory, function, start, steps, threshold, divergence_factor)
                 for run_name, factory in factories.items()]
        title = function.name or repr(function)
    results = run_all(tasks, n_jobs=n_jobs, callback=None if callback is None else (lambda done: callback(*done)))
    return RaceResult([run for run, _ in results], title if name is None else str(name), steps, threshold, function)


# --------------------------------------------------------------------- 2-D functions
def _run_function(name: str, factory: OptimizerFactory, function, start: tuple[float, float], steps: int,
                  threshold: float | None, divergence_factor: float | None) -> tuple[RaceRun, list[Value]]:
    """Minimize f(x, y) from ``start``: record every point and f there, stop if it diverges."""
    x, y = Value(start[0], label="x"), Value(start[1], label="y")
    optimizer = factory([x, y])
    lr = _first_lr(optimizer)
    trajectory: list[tuple[float, float]] = []
    losses: list[float] = []

    def diverged(step: int, reason: str) -> tuple[RaceRun, list[Value]]:
        error = DivergenceError(reason, step=step, lr=optimizer.param_groups[0]["lr"], loss=losses[-1])
        return RaceRun(name, losses, math.inf, trajectory, _reached(losses, threshold),
                       diverged=True, diverged_at=step, message=str(error), lr=lr), [x, y]

    for step in range(steps + 1):
        trajectory.append((x.data, y.data))
        optimizer.zero_grad()
        try:
            f = function(x, y)
        except OverflowError as err:
            losses.append(math.inf)
            return diverged(step, f"a number overflowed ({err})")
        losses.append(f.data)
        reason = divergence_reason(f.data, losses[0], divergence_factor)
        if reason is None and not (math.isfinite(x.data) and math.isfinite(y.data)):
            reason = f"the point became ({x.data}, {y.data})"
        if reason is not None:
            return diverged(step, reason)
        if step == steps:  # the last point is only measured, not stepped from
            break
        f.backward()
        try:
            optimizer.step()
        except OverflowError as err:  # float ** raises past 1e308 (a hand-written update)
            return diverged(step, f"a number overflowed in the optimizer step ({err})")
    return RaceRun(name, losses, losses[-1], trajectory, _reached(losses, threshold), lr=lr), [x, y]


def _function(problem):
    if isinstance(problem, str):
        return get(problem)
    if not callable(problem) or not hasattr(problem, "start"):
        raise TypeError(
            f"problem must be a 2-D test function (microopt.functions, or its name such as 'rosenbrock') "
            f"or a dataset (X, y), got {type(problem).__name__}: {problem!r:.80}."
        )
    return problem


# --------------------------------------------------------------------- datasets
def _run_dataset(name: str, factory: OptimizerFactory, make_model: Callable[[], Any], initial: dict,
                 data: tuple[list, list], test: tuple[list, list] | None, steps: int, threshold: float | None,
                 batch_size: int | None, loss, seed: int, divergence_factor: float | None,
                 compile: bool) -> tuple[RaceRun, Any]:  # noqa: A002
    """Train a fresh model, from the race's shared initial weights, for ``steps`` steps."""
    X, y = data
    model = make_model()
    model.load_state_dict(initial)
    objective = resolve_loss(loss, model, X, y)
    optimizer = factory(model.parameters())
    lr = _first_lr(optimizer)
    try:
        history = fit(model, optimizer, (X, y), steps=steps, batch_size=batch_size, loss=objective.function,
                      seed=seed, progress=False, divergence_factor=divergence_factor, compile=compile)
    except DivergenceError as err:
        losses = [*err.history.column("loss", per="step"), err.loss]
        return RaceRun(name, losses, math.inf, None, _reached(losses, threshold), diverged=True,
                       diverged_at=err.step, message=str(err), lr=lr, history=err.history), model
    losses = history.column("loss", per="step")
    final = evaluate_objective(model, objective, X, y)["loss"]
    tested = evaluate_objective(model, objective, *test) if test is not None else {"loss": None, "accuracy": None}
    return RaceRun(name, losses, final, None, _reached(losses, threshold), tested["loss"], tested["accuracy"],
                   lr=lr, history=history), model


# --------------------------------------------------------------------- helpers
def _first_lr(optimizer) -> float | None:
    groups = getattr(optimizer, "param_groups", None)
    return groups[0].get("lr") if groups else None


def _reached(losses: list[float], threshold: float | None) -> int | None:
    if threshold is None:
        return None
    return next((step for step, loss in enumerate(losses) if loss <= threshold), None)


def _check_start(start: object) -> tuple[float, float]:
    rule = "must be a point (x, y) of two finite numbers"
    if isinstance(start, (tuple, list)) and len(start) == 2:
        try:
            return real_number("start x", start[0]), real_number("start y", start[1])
        except ValueError:
            pass
    raise ValueError(invalid("start", start, rule, "Pass e.g. start=(-1.5, 2.0)."))

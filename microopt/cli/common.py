"""What the training subcommands share: problems, optimizer lists, progress bars, output files.

A *problem* is either a 2-D test function (``microopt.functions``: the parameters are the point
(x, y)) or a classification dataset (``microopt.data``) learned by an MLP, split into a
training and a test set with the same seed.
"""

from __future__ import annotations

import argparse
import math
import os
import pathlib
import sys
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Iterator

from microopt.functions import NAMES as FUNCTION_NAMES
from microopt.train.presets import PRESETS, preset

DATASETS = ("moons", "circles", "spirals")
PROBLEMS = (*FUNCTION_NAMES, *DATASETS)
DEFAULT_OUT = pathlib.Path("microopt-output")


# ----------------------------------------------------------------- arguments
def positive_int(text: str) -> int:
    """argparse type: a whole number >= 1."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{value} must be >= 1")
    return value


def positive_float(text: str) -> float:
    """argparse type: a finite number > 0 (learning rates, thresholds)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not 0.0 < value < float("inf"):
        raise argparse.ArgumentTypeError(f"{value:g} must be a finite number > 0")
    return value


def int_list(text: str) -> list[int]:
    """argparse type: layer sizes such as ``16,16``."""
    try:
        sizes = [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a comma-separated list of whole numbers") from None
    if not sizes or min(sizes) < 1:
        raise argparse.ArgumentTypeError(f"{text!r}: give layer sizes >= 1, e.g. 16,16")
    return sizes


def add_output_arguments(parser: argparse.ArgumentParser, *, plots: bool = True) -> None:
    parser.add_argument("--seed", type=int, default=0, help="seed of the data, the weights and the minibatches "
                        "(default: %(default)s)")
    parser.add_argument("--out", type=pathlib.Path, default=DEFAULT_OUT, metavar="DIR",
                        help="folder for the figures (default: %(default)s/)")
    if plots:
        parser.add_argument("--no-plots", action="store_true", help="print the results only, write no figures")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")


def add_problem_arguments(parser: argparse.ArgumentParser, default: str, *, functions: bool = True,
                          batch_size: int | None = None) -> None:
    choices = PROBLEMS if functions else DATASETS
    parser.add_argument("--problem", default=default, metavar="NAME",
                        help=f"one of {', '.join(choices)} (default: %(default)s)")
    group = parser.add_argument_group("datasets (moons, circles, spirals)")
    group.add_argument("--samples", type=positive_int, default=100, help="samples in the dataset, a quarter "
                       "of them held out for testing (default: %(default)s)")
    group.add_argument("--hidden", type=int_list, default=[8, 8], metavar="SIZES",
                       help="hidden layer sizes of the MLP (default: 8,8)")
    group.add_argument("--batch-size", type=positive_int, default=batch_size, metavar="B",
                       help=f"samples per step (default: {batch_size or 'all of them: full-batch gradient descent'})")
    if functions:
        group = parser.add_argument_group("2-D functions")
        group.add_argument("--start", type=_point, default=None, metavar="X,Y",
                           help="the starting point (default: the function's own)")


def _point(text: str) -> tuple[float, float]:
    try:
        x, y = (float(part) for part in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a point X,Y such as -1.2,1") from None
    if not (math.isfinite(x) and math.isfinite(y)):
        raise argparse.ArgumentTypeError(f"{text!r}: the start must be two finite numbers")
    return x, y


def check_problem(parser: argparse.ArgumentParser, name: str, *, functions: bool = True) -> str:
    key = name.strip().lower()
    choices = PROBLEMS if functions else DATASETS
    if key not in choices:
        parser.error(f"unknown problem {name!r}; choose one of {', '.join(choices)}")
    return key


def optimizer_choices(parser: argparse.ArgumentParser, specs: Iterable[str], lr: float | None, *,
                      own_lrs: bool = True) -> dict[str, tuple[str, float]]:
    """``{run name: (preset, lr)}`` from ``["gd:0.001,adam", ...]``: presets, each with an optional ``:lr``.

    An optimizer without its own learning rate gets ``lr``, or when that is None the preset's.
    ``own_lrs=False`` refuses the ``:lr`` suffix (for sweeps, which choose the rates).
    """
    choices: dict[str, tuple[str, float]] = {}
    for spec in (part.strip() for text in specs for part in text.split(",")):
        if not spec:
            continue
        name, _, lr_text = spec.partition(":")
        key = name.strip().lower()
        if key not in PRESETS:
            parser.error(f"unknown optimizer {name!r}; choose from {', '.join(PRESETS)}")
        own_lr = lr if lr is not None else PRESETS[key][1]["lr"]
        if lr_text and not own_lrs:
            parser.error(f"{spec!r}: give optimizer names without a learning rate here; "
                         "use --min-lr and --max-lr to choose the rates")
        if lr_text:
            try:
                own_lr = positive_float(lr_text)
            except argparse.ArgumentTypeError as error:
                parser.error(f"learning rate of {name!r}: {error}")
        label = key if key not in choices else spec  # "gd:0.1" when gd appears twice
        if label in choices:
            parser.error(f"optimizer {spec!r} is given twice")
        choices[label] = (key, own_lr)
    if not choices:
        parser.error("no optimizers given; e.g. --optimizers gd,momentum,adam")
    return choices


def factories(choices: dict[str, tuple[str, float]]) -> dict[str, Callable]:
    """``{run name: params -> optimizer}`` for ``microopt.train.race``."""
    return {name: preset(key, lr) for name, (key, lr) in choices.items()}


# ----------------------------------------------------------------- problems
@dataclass
class Problem:
    """What a race, a sweep or a training run works on (see the module docstring)."""

    name: str
    function: Any = None  # a microopt.functions object, or None for a dataset
    train: tuple[list, list] | None = None
    test: tuple[list, list] | None = None
    make_model: Callable[[], Any] | None = None
    classes: int = 0

    @property
    def description(self) -> str:
        if self.function is not None:
            return f"{self.name}: f(x, y) = {getattr(self.function, 'formula', self.name)}"
        return (f"{self.name}: {len(self.train[0])} training and {len(self.test[0])} test samples, "
                f"{self.classes} classes, model {self.make_model()!r}")


def problem_or_error(parser: argparse.ArgumentParser, args: argparse.Namespace, name: str, **options) -> Problem:
    """``make_problem`` from the command's arguments; a setting the data refuses is a usage error."""
    try:
        return make_problem(name, samples=args.samples, hidden=args.hidden, seed=args.seed, **options)
    except ValueError as error:  # e.g. too few samples for the dataset
        parser.error(f"--samples {args.samples}: {error}")


def make_problem(name: str, *, samples: int = 100, hidden: list[int] = (8, 8), seed: int = 0,
                 activation: str = "relu") -> Problem:
    """The ``Problem`` called ``name``: a 2-D function, or a dataset split 75/25 with its MLP."""
    from microopt import data, functions
    from microopt.nn import MLP

    if name in FUNCTION_NAMES:
        return Problem(name, function=functions.get(name))
    maker = {"moons": data.make_moons, "circles": data.make_circles, "spirals": data.make_spirals}[name]
    X, y = maker(samples, seed=seed)
    X_train, X_test, y_train, y_test = data.train_test_split(X, y, test_size=0.25, seed=seed)
    classes = len(set(y))
    outputs = 1 if classes == 2 else classes  # one logit for two classes, else one per class

    def make_model():
        return MLP(2, [*hidden, outputs], activation=activation, seed=seed)

    return Problem(name, train=(X_train, y_train), test=(X_test, y_test), make_model=make_model, classes=classes)


# ----------------------------------------------------------------- running
def progress(items: list, *, desc: str, enabled: bool) -> Iterator:
    """``items``, with a tqdm bar on stderr when ``enabled`` (``TQDM_DISABLE=1`` also hides it)."""
    if not enabled or os.environ.get("TQDM_DISABLE", "").strip().lower() not in ("", "0", "false", "no"):
        yield from items
        return
    from tqdm import tqdm

    with tqdm(items, desc=desc, file=sys.stderr, unit="run", leave=False, dynamic_ncols=True) as bar:
        for item in bar:
            bar.set_postfix_str(str(item))
            yield item


def race_with_progress(factories: dict, problem: Problem, *, steps: int, threshold: float | None = None,
                       batch_size: int | None = None, start=None, seed: int = 0, show_progress: bool = True,
                       models: dict | None = None):
    """``microopt.train.race``, one optimizer at a time so a progress bar can follow the runs.

    Each optimizer's run is exactly what one race over all of them would give: every run starts
    from the same point or the same initial weights (``make_model`` is seeded) and sees the
    same minibatches. ``models``, when given a dict, receives each dataset run's trained model
    (to draw its decision boundary).
    """
    from microopt.train import RaceResult, race

    runs = []
    threshold_used = threshold
    for name in progress(list(factories), desc=f"race on {problem.name}", enabled=show_progress):
        if problem.function is not None:
            result = race({name: factories[name]}, problem.function, steps=steps, start=start, threshold=threshold)
        else:
            built = []

            def make_model():
                built.append(problem.make_model())
                return built[-1]

            result = race({name: factories[name]}, problem.train, model=make_model, steps=steps,
                          threshold=threshold, batch_size=batch_size, test_data=problem.test, seed=seed)
            if models is not None:
                # race builds one model for the shared initial weights, then the run's own,
                # which it trains: with one optimizer, that is the last model built.
                models[name] = built[-1]
        runs.append(result[name])
        threshold_used = result.threshold
    return RaceResult(runs, problem.name, steps, threshold_used, problem.function)


def decision_boundaries(problem: Problem, race, models: dict):
    """One decision-boundary plot per trained model, two per row, titled with its test accuracy."""
    import matplotlib.pyplot as plt

    from microopt.viz.plots import plot_decision_boundary

    X, y = problem.train[0] + problem.test[0], problem.train[1] + problem.test[1]
    columns = min(2, len(models))
    rows = math.ceil(len(models) / columns)
    figure, axes = plt.subplots(rows, columns, figsize=(5.2 * columns, 4.2 * rows), squeeze=False)
    for ax, (name, model) in zip(axes.flat, models.items()):
        run = race[name]
        if run.diverged:  # its weights are no longer finite numbers: nothing to draw
            ax.text(0.5, 0.5, f"{name}\ndiverged at step {run.diverged_at}", ha="center", va="center",
                    transform=ax.transAxes)
            ax.set_axis_off()
            continue
        plot_decision_boundary(model, X, y, ax=ax, resolution=50,
                               title=f"{name}: test accuracy {run.test_accuracy:.0%}")
    for ax in list(axes.flat)[len(models):]:
        ax.set_visible(False)
    figure.tight_layout()
    return figure


def save_figure(fig, path: pathlib.Path, written: list[pathlib.Path]) -> None:
    """Write a matplotlib figure, close it (a CLI run makes many), and remember the file."""
    import matplotlib.pyplot as plt

    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110, bbox_inches="tight", pad_inches=0.1)
    plt.close(fig)
    written.append(path)


def use_agg_backend() -> None:
    """Draw off-screen: a command writes files and never opens windows."""
    import matplotlib

    matplotlib.use("Agg")


def print_files(out: pathlib.Path, written: list[pathlib.Path]) -> None:
    if not written:
        return
    print(f"\nwrote {len(written)} file{'s' if len(written) > 1 else ''} to {out}/:")
    for path in written:
        print(f"  {path}")

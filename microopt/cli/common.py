"""What the training subcommands share: problems, optimizer lists, a progress callback, output files.

A *problem* is either a 2-D test function (``microopt.functions``: the parameters are the point
(x, y)) or a classification dataset (``microopt.data``) learned by an MLP, split into a
training and a test set with the same seed.
"""

from __future__ import annotations

import argparse
import pathlib
import tempfile
from dataclasses import dataclass
from typing import Any, Callable, Iterable

from microopt import data, functions
from microopt._validate import invalid, real_number, real_number_argument, whole_number, whole_number_argument
from microopt.functions import NAMES as FUNCTION_NAMES
from microopt.nn import MLP
from microopt.train.presets import PRESETS, preset
from microopt.train.progress import ProgressBar
from microopt.viz.style import save

DATASETS = ("moons", "circles", "spirals")
PROBLEMS = (*FUNCTION_NAMES, *DATASETS)
DEFAULT_OUT = pathlib.Path("microopt-output")


# ----------------------------------------------------------------- arguments
# Limits on what one command may ask for: past them a run would allocate until MemoryError or
# take days, so argparse refuses the number with a usage error instead.
MAX_SAMPLES = 100_000  # dataset samples
MAX_LAYER = 1_024  # units in one hidden layer
MAX_LAYERS = 10  # hidden layers
MAX_WEIGHTS = 100_000  # weights and biases of the CLI's MLP (2 inputs, up to 3 outputs)
MAX_STEPS = 1_000_000  # steps of one run
MAX_EPOCHS = 100_000
MAX_PER_DECADE = 100  # learning rates per factor of 10 in a sweep


positive_int = whole_number_argument("number")


def int_list(text: str) -> list[int]:
    """argparse type: hidden layer sizes such as ``16,16``, within ``MAX_LAYER``, ``MAX_LAYERS``, ``MAX_WEIGHTS``."""
    rule = f"must be at most {MAX_LAYERS} comma-separated whole numbers from 1 to {MAX_LAYER:,}"
    advice = "For example 16,16."
    try:
        sizes = [whole_number("hidden", int(part), minimum=1, maximum=MAX_LAYER)
                 for part in text.split(",") if part.strip()]
    except ValueError:  # a size that is not a whole number, or outside 1..MAX_LAYER
        raise argparse.ArgumentTypeError(invalid("hidden", text, rule, advice)) from None
    if not 1 <= len(sizes) <= MAX_LAYERS:
        raise argparse.ArgumentTypeError(invalid("hidden", text, rule, advice))
    widths = [2, *sizes, 3]
    weights = sum((a + 1) * b for a, b in zip(widths, widths[1:]))
    if weights > MAX_WEIGHTS:
        raise argparse.ArgumentTypeError(invalid(
            "hidden", text, f"must make an MLP of at most {MAX_WEIGHTS:,} weights; this one has {weights:,}",
            "A scalar engine trains larger ones too slowly: use smaller layers, e.g. 16,16."))
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
    group.add_argument("--samples", type=whole_number_argument("samples", maximum=MAX_SAMPLES), default=100,
                       help="samples in the dataset, a quarter "
                       "of them held out for testing (default: %(default)s)")
    group.add_argument("--hidden", type=int_list, default=[8, 8], metavar="SIZES",
                       help="hidden layer sizes of the MLP (default: 8,8)")
    group.add_argument("--batch-size", type=whole_number_argument("batch-size"), default=batch_size, metavar="B",
                       help=f"samples per step (default: {batch_size or 'all of them: full-batch gradient descent'})")
    if functions:
        group = parser.add_argument_group("2-D functions")
        group.add_argument("--start", type=_point, default=None, metavar="X,Y",
                           help="the starting point (default: the function's own)")


def _point(text: str) -> tuple[float, float]:
    """argparse type: a start point ``X,Y`` of two finite numbers."""
    try:
        x, y = (real_number("start", float(part)) for part in text.split(","))
    except ValueError:  # not two parts, not numbers, or not finite
        rule = "must be a point X,Y of two finite numbers"
        raise argparse.ArgumentTypeError(invalid("start", text, rule, "For example -1.2,1.")) from None
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
                own_lr = real_number_argument(f"learning rate of {key}", above=0.0)(lr_text)
            except argparse.ArgumentTypeError as error:
                parser.error(str(error))
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
    def all_data(self) -> tuple[list, list]:
        """Training and test samples together ``(X, y)``: what the decision-boundary plots show."""
        return self.train[0] + self.test[0], self.train[1] + self.test[1]

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
def race_arguments(problem: Problem, *, start=None, batch_size: int | None = None, seed: int = 0,
                   test: bool = True) -> dict[str, Any]:
    """The keyword arguments of ``race`` and ``lr_sweep`` (``test=False``: no test set) for ``problem``."""
    if problem.function is not None:
        return {"problem": problem.function, "start": start}
    return {"problem": problem.train, "model": problem.make_model, "batch_size": batch_size, "seed": seed,
            **({"test_data": problem.test} if test else {})}


class RunProgress:
    """The callback a command gives ``race`` and ``lr_sweep``: a bar over the runs, and the trained models.

    The bar goes to stderr, and only when it is a terminal (see ``microopt.train.progress``).
    """

    def __init__(self, total: int, *, desc: str, enabled: bool) -> None:
        self.models: dict[str, Any] = {}
        self._bar = ProgressBar(total, desc=desc, unit="run", enabled=enabled, leave=False)

    def __call__(self, run, model) -> None:
        self.models[run.name] = model
        self._bar.update(label=run.name)

    def __enter__(self) -> RunProgress:
        return self

    def __exit__(self, *exc_info) -> None:
        self._bar.close()


def check_out(parser: argparse.ArgumentParser, out: pathlib.Path, *, file: bool = False) -> None:
    """Refuse an ``--out`` that cannot be written, before any work: a usage error, exit status 2.

    ``out`` is a folder (``file=True``: a file, whose folder is checked). Folders that do not exist
    yet are fine when they can be made: the nearest one that exists must be a folder (not a
    file) that this process can write in, which is tried with a temporary file, so read-only
    file systems and permissions are both caught. Nothing is created.
    """
    folder, where = (out.parent, "in a folder") if file else (out, "a folder")
    if file and out.is_dir():
        parser.error(invalid("--out", str(out), "must be a file name; this is a folder",
                             f"For example --out {out / 'graph.png'}."))
    existing = folder
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if not existing.is_dir():
        found = "this is a file" if existing == out else f"{existing} is a file"
        parser.error(invalid("--out", str(out), f"must be {where} that can be made; {found}", "Choose another --out."))
    try:
        with tempfile.TemporaryFile(dir=existing):
            pass
    except OSError as error:
        parser.error(invalid("--out", str(out), f"must be {where} this user can write in; {existing} is not "
                             f"writable ({error.strerror})", "Choose another --out, e.g. one in your home folder."))


def save_figure(fig, path: pathlib.Path, written: list[pathlib.Path]) -> None:
    """Write a matplotlib figure (``microopt.viz.style.save``) and remember the file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    save(fig, path)
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

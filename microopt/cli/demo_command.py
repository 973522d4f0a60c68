"""``microopt demo``: gradient descent, momentum, RMSprop and Adam, raced on two problems.

1. Rosenbrock's banana valley (a 2-D function, so the paths can be drawn). Every optimizer
   first gets a learning-rate sweep and then races at the rate that did best in it: each is
   compared at its best, not at a rate that happens to suit one of them.
2. Two moons, learned by an MLP 2-8-8-1 on minibatches of 16 (so plain gradient descent
   becomes stochastic: sgd), with a quarter of the points held out for testing. The
   learning rates are the usual starting points, 0.1 for plain and momentum SGD and 0.01
   for the adaptive methods; no tuning on the test set.

Everything printed and drawn comes from the runs themselves, including the summary lines.
"""

from __future__ import annotations

import argparse
import pathlib

from microopt._validate import whole_number_argument
from microopt.cli import common
from microopt.cli.sweep_command import sweep
from microopt.engine import Value
from microopt.nn import Neuron
from microopt.train import log_space, race
from microopt.train.text import format_percent
from microopt.viz import animate_trajectories, plot_contour, plot_decision_boundaries, plot_losses, plot_lr_sweep
from microopt.viz.graph import save_graph

OPTIMIZERS = ("gd", "momentum", "rmsprop", "adam")
SWEEP_LRS = (1e-4, 1.0, 2)  # from, to, rates per factor of 10
MOONS_LRS = {"sgd": 0.1, "momentum": 0.1, "rmsprop": 0.01, "adam": 0.01}
MOONS_BATCH_SIZE = 16
MOONS_THRESHOLD = 0.1
NEURON_FILE = "neuron.png"
NEURON_CAPTION = ("the computation graph of one tanh neuron, out = tanh(w1·x1 + w2·x2 + b), on the first "
                  "moons point after backward(): blue boxes are its parameters, each box shows data and grad")

DESCRIPTION = """\
Race gradient descent, SGD with momentum, RMSprop and Adam; print comparison tables
(final loss, steps to reach a threshold, test accuracy) and write into --out:
rosenbrock-lr-sweep.png, rosenbrock-losses.png, rosenbrock-trajectories.png and .gif,
moons-losses.png, moons-decision-boundaries.png, and neuron.png (the computation
graph of one neuron). Takes about 10 seconds.

"""


def add_parser(subparsers) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(
        "demo", help="race GD, momentum, RMSprop and Adam on Rosenbrock and on moons; write figures",
        description=DESCRIPTION + __doc__.split("\n\n", 1)[1].replace("``", ""),
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=pathlib.Path, default=common.DEFAULT_OUT, metavar="DIR",
                        help="folder for the figures (default: %(default)s/)")
    parser.add_argument("--steps", type=whole_number_argument("steps", maximum=common.MAX_STEPS), default=1000,
                        help="steps of every Rosenbrock run, in the sweeps and the race (default: %(default)s)")
    parser.add_argument("--moons-steps", type=whole_number_argument("moons-steps", maximum=common.MAX_STEPS),
                        default=300, metavar="N",
                        help="steps of every moons run (default: %(default)s)")
    parser.add_argument("--seed", type=int, default=0,
                        help="seed of the moons data, weights and minibatches (default: %(default)s)")
    parser.add_argument("--no-progress", action="store_true", help="no progress bars")
    parser.set_defaults(run=run, parser=parser)
    return parser


def run(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    common.check_out(parser, args.out)
    show = not args.no_progress
    written: list[pathlib.Path] = []
    common.use_agg_backend()

    rosenbrock = common.make_problem("rosenbrock")
    print(f"1. {rosenbrock.description}, from {rosenbrock.function.start}")
    sweeps, _, valley = race_rosenbrock(rosenbrock, args.steps, show)
    low, high, _ = SWEEP_LRS
    print(f"each optimizer at the learning rate that did best in its sweep from {low:g} to {high:g}:")
    print(valley.table())
    print(valley.summary())
    draw_rosenbrock(sweeps, valley, args.out, written)

    moons = common.make_problem("moons", samples=100, hidden=[8, 8], seed=args.seed)
    print(f"\n2. {moons.description}, minibatches of {MOONS_BATCH_SIZE}")
    with common.RunProgress(len(MOONS_LRS), desc="race on moons", enabled=show) as progress:
        learned = race(common.factories({n: (n, lr) for n, lr in MOONS_LRS.items()}), steps=args.moons_steps,
                       threshold=MOONS_THRESHOLD, name="moons", callback=progress,
                       **common.race_arguments(moons, batch_size=MOONS_BATCH_SIZE, seed=args.seed))
    print(learned.table())
    print("(steps to loss: the first step whose minibatch loss was at or below it; "
          "final loss: on all training points)")
    print(best_accuracy(learned))
    draw_moons(moons, learned, progress.models, args.out, written)
    draw_neuron(moons, args.out, written)
    common.print_files(args.out, written)
    print(f"{NEURON_FILE}: {NEURON_CAPTION}")
    return 0


def race_rosenbrock(problem: common.Problem, steps: int, show: bool):
    """A learning-rate sweep per optimizer, then a race, each at its best rate."""
    lrs = log_space(*SWEEP_LRS[:2], per_decade=SWEEP_LRS[2])
    sweeps = {name: sweep(problem, name, lrs, steps=steps, show_progress=show) for name in OPTIMIZERS}
    best = best_lrs(sweeps)
    with common.RunProgress(len(best), desc="race on rosenbrock", enabled=show) as progress:
        valley = race(common.factories({name: (name, lr) for name, lr in best.items()}), problem.function,
                      steps=steps, name=problem.name, callback=progress)
    return sweeps, best, valley


def best_lrs(sweeps: dict) -> dict[str, float]:
    """The best rate of each sweep; the smallest one tried when every rate diverged."""
    return {name: result.best_lr if result.best_lr is not None else result.lrs[0] for name, result in sweeps.items()}


def best_accuracy(race) -> str:
    accuracies = {run.name: run.test_accuracy for run in race if run.test_accuracy is not None}
    if not accuracies:
        return "No run finished training (all diverged)."
    top = max(accuracies.values())
    names = [name for name, accuracy in accuracies.items() if accuracy == top]
    return f"Highest test accuracy: {format_percent(top)}, by {', '.join(names)}."


def draw_rosenbrock(sweeps: dict, race, out: pathlib.Path, written: list) -> None:
    first = next(iter(sweeps.values()))
    figure = plot_lr_sweep(first.lrs, {name: result.losses for name, result in sweeps.items()},
                           title=f"Rosenbrock: loss after {race.steps} steps, by learning rate")
    common.save_figure(figure, out / "rosenbrock-lr-sweep.png", written)
    common.save_figure(plot_losses(race, title="Rosenbrock: f(x, y) per step, each at its best lr"),
                       out / "rosenbrock-losses.png", written)
    common.save_figure(plot_contour(race, title="Rosenbrock: the paths, each at its best lr"),
                       out / "rosenbrock-trajectories.png", written)
    path = out / "rosenbrock-trajectories.gif"
    animate_trajectories(race.function, race, path, frames=30)  # writes the GIF itself
    written.append(path)


def draw_moons(problem: common.Problem, race, models: dict, out: pathlib.Path, written: list) -> None:
    common.save_figure(plot_losses(race, title="moons: minibatch loss per step"), out / "moons-losses.png", written)
    common.save_figure(plot_decision_boundaries(models, *problem.all_data, runs=race),
                       out / "moons-decision-boundaries.png", written)


def draw_neuron(problem: common.Problem, out: pathlib.Path, written: list) -> None:
    """One tanh neuron on the first training point, after backward(): the graph every course draws."""
    neuron = Neuron(2, activation="tanh")
    for i, w in enumerate(neuron.w, start=1):
        w.label = f"w{i}"
    neuron.b.label = "b"
    x = [Value(v, label=f"x{i}") for i, v in enumerate(problem.train[0][0], start=1)]
    output = neuron(x)
    output.label = "out"
    output.backward()
    written.append(save_graph(output, out / NEURON_FILE, parameters=neuron))

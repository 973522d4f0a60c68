"""``microopt race``: several optimizers on one problem from one start, side by side."""

from __future__ import annotations

import argparse

from microopt._validate import real_number_argument, whole_number_argument
from microopt.cli import common
from microopt.train import race
from microopt.train.presets import PRESETS
from microopt.viz import plot_contour, plot_decision_boundaries, plot_losses

EXAMPLES = """\
Each optimizer is a preset name with an optional learning rate after a colon; without one,
--lr, else the preset's own ({presets}).

examples:
  microopt race --problem rosenbrock --optimizers gd:0.002,momentum:0.002,adam:0.1 --steps 1000
  microopt race --problem moons --optimizers sgd:0.1,adam --steps 300 --batch-size 16
""".format(presets=", ".join(f"{name} {settings['lr']:g}" for name, (_, settings) in PRESETS.items()))

# A bare `microopt race` is often a newcomer's first command, so its runs should all finish. At
# the presets' rates GD and momentum diverge at step 2 on Rosenbrock's steep valley walls, and
# momentum on Beale's; there they start at the rates below (from lr_sweep), where every run of
# every bundled 2-D function converges or keeps going (tests/cli/test_race_defaults.py).
DEFAULT_OPTIMIZERS = "gd,momentum,rmsprop,adam"
DEFAULT_FOR_PROBLEM = {"rosenbrock": "gd:0.001,momentum:0.001,rmsprop,adam",
                       "beale": "gd,momentum:0.001,rmsprop,adam"}


def add_parser(subparsers) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(
        "race", help="race optimizers on a 2-D function or a dataset, print a table, draw the runs",
        description="Run several optimizers on the same problem, from the same start, for the same "
                    "number of steps; print final loss, steps to reach a threshold and (datasets) test "
                    "accuracy; write the loss curves and the trajectories (2-D functions) or decision "
                    "boundaries (datasets).",
        epilog=EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter)
    common.add_problem_arguments(parser, default="rosenbrock")
    parser.add_argument("--optimizers", action="append", metavar="NAMES",
                        help=f"comma-separated presets, e.g. gd,momentum:0.05,adam (default: {DEFAULT_OPTIMIZERS}; "
                             + "; ".join(f"on {problem} {specs}" for problem, specs in DEFAULT_FOR_PROBLEM.items())
                             + ", where the presets' rates diverge)")
    parser.add_argument("--lr", type=real_number_argument("lr", above=0.0), default=None,
                        help="learning rate for every optimizer given without its own")
    parser.add_argument("--steps", type=whole_number_argument("steps", maximum=common.MAX_STEPS), default=500,
                        help="steps per run (default: %(default)s)")
    parser.add_argument("--threshold", type=real_number_argument("threshold"), default=None,
                        help="count the steps until the loss is <= this (default for 2-D functions: "
                             "the minimum + 0.001)")
    common.add_output_arguments(parser)
    parser.set_defaults(run=run, parser=parser)
    return parser


def run(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    name = common.check_problem(parser, args.problem)
    default = DEFAULT_FOR_PROBLEM.get(name, DEFAULT_OPTIMIZERS) if args.lr is None else DEFAULT_OPTIMIZERS
    choices = common.optimizer_choices(parser, args.optimizers or [default], args.lr)
    problem = common.problem_or_error(parser, args, name)
    if args.start is not None and problem.function is None:
        parser.error(f"--start is for 2-D functions; {name} is a dataset")
    if not args.no_plots:
        common.check_out(parser, args.out)
    with common.RunProgress(len(choices), desc=f"race on {name}", enabled=not args.no_progress) as progress:
        result = race(common.factories(choices), steps=args.steps, threshold=args.threshold, name=name,
                      callback=progress, **common.race_arguments(problem, start=args.start,
                                                                 batch_size=args.batch_size, seed=args.seed))
    print(problem.description)
    print(result.table())
    for run_ in result:
        if run_.diverged:
            print(f"{run_.name}: {run_.message}")
    print(result.summary())
    if args.no_plots:
        return 0
    common.use_agg_backend()
    written = []
    common.save_figure(plot_losses(result, title=f"{name}: loss per step"), args.out / f"race-{name}-losses.png",
                       written)
    if problem.function is not None:
        common.save_figure(plot_contour(result), args.out / f"race-{name}-trajectories.png",
                           written)
    else:
        common.save_figure(plot_decision_boundaries(progress.models, *problem.all_data, runs=result),
                           args.out / f"race-{name}-decision-boundaries.png", written)
    common.print_files(args.out, written)
    return 0

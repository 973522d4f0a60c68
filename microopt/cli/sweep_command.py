"""``microopt lr-sweep``: the loss after k steps for a range of learning rates, per optimizer."""

from __future__ import annotations

import argparse

from microopt._validate import real_number_argument, whole_number_argument
from microopt.cli import common
from microopt.train import log_space, lr_sweep
from microopt.viz import plot_lr_sweep

EXAMPLES = """\
examples:
  microopt lr-sweep --problem rosenbrock --optimizers gd,adam --steps 500
  microopt lr-sweep --problem moons --optimizers sgd --min-lr 0.01 --max-lr 10 --steps 50 --batch-size 16
"""


def add_parser(subparsers) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(
        "lr-sweep", help="the loss after k steps against the learning rate, to find a good one",
        description="Run each optimizer once per learning rate (log-spaced from --min-lr to --max-lr), "
                    "from the same start; print the loss each reached after --steps steps (inf: "
                    "diverged) with the best rate marked, and plot loss against learning rate.",
        epilog=EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter)
    common.add_problem_arguments(parser, default="rosenbrock")
    parser.add_argument("--optimizers", action="append", metavar="NAMES",
                        help="comma-separated presets, e.g. gd,adam (default: sgd)")
    parser.add_argument("--min-lr", type=real_number_argument("min-lr", above=0.0), default=1e-4,
                        help="(default: %(default)g)")
    parser.add_argument("--max-lr", type=real_number_argument("max-lr", above=0.0), default=1.0,
                        help="(default: %(default)g)")
    parser.add_argument("--per-decade", type=whole_number_argument("per-decade", maximum=common.MAX_PER_DECADE),
                        default=2,
                        help="learning rates per factor of 10 (default: %(default)s)")
    parser.add_argument("--steps", type=whole_number_argument("steps", maximum=common.MAX_STEPS), default=200,
                        help="steps per run (default: %(default)s)")
    common.add_output_arguments(parser)
    parser.set_defaults(run=run, parser=parser)
    return parser


def run(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    name = common.check_problem(parser, args.problem)
    if args.min_lr >= args.max_lr:
        parser.error(f"--min-lr {args.min_lr:g} must be smaller than --max-lr {args.max_lr:g}")
    choices = common.optimizer_choices(parser, args.optimizers or ["sgd"], None, own_lrs=False)
    problem = common.problem_or_error(parser, args, name)
    if args.start is not None and problem.function is None:
        parser.error(f"--start is for 2-D functions; {name} is a dataset")
    if not args.no_plots:
        common.check_out(parser, args.out)
    lrs = log_space(args.min_lr, args.max_lr, per_decade=args.per_decade)
    sweeps = {optimizer: sweep(problem, key, lrs, steps=args.steps, batch_size=args.batch_size, start=args.start,
                               seed=args.seed, show_progress=not args.no_progress)
              for optimizer, (key, _) in choices.items()}
    print(problem.description)
    for optimizer, result in sweeps.items():
        print(f"\n{optimizer}: {result.table()}")
    if args.no_plots:
        return 0
    common.use_agg_backend()
    written = []
    figure = plot_lr_sweep(lrs, {optimizer: result.losses for optimizer, result in sweeps.items()},
                           title=f"{name}: loss after {args.steps} steps")
    common.save_figure(figure, args.out / f"lr-sweep-{name}.png", written)
    common.print_files(args.out, written)
    return 0


def sweep(problem: common.Problem, optimizer: str, lrs: list[float], *, steps: int, batch_size: int | None = None,
          start=None, seed: int = 0, show_progress: bool = True):
    """``microopt.train.lr_sweep`` of the preset ``optimizer`` on ``problem``, with a bar over its runs."""
    with common.RunProgress(len(lrs), desc=f"{optimizer} lr sweep on {problem.name}", enabled=show_progress) as bar:
        return lr_sweep(optimizer=optimizer, lrs=lrs, steps=steps, callback=bar,
                        **common.race_arguments(problem, start=start, batch_size=batch_size, seed=seed, test=False))

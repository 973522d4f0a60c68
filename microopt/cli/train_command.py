"""``microopt train``: fit an MLP to a 2-D classification dataset with one optimizer."""

from __future__ import annotations

import argparse

from microopt._validate import real_number_argument, whole_number_argument
from microopt.cli import common
from microopt.nn.layers import ACTIVATIONS
from microopt.train import DivergenceError, fit
from microopt.train.text import format_percent
from microopt.viz import plot_decision_boundary, plot_losses

EXAMPLES = """\
examples:
  microopt train --problem moons --optimizer adam --lr 0.02 --epochs 30 --batch-size 16
  microopt train --problem spirals --samples 150 --hidden 16,16 --optimizer momentum:0.05 --epochs 50
"""


def add_parser(subparsers) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(
        "train", help="train an MLP on moons, circles or spirals; print the epochs, draw the result",
        description="Train an MLP on a 2-D classification dataset (a quarter of it held out as a test "
                    "set, evaluated after every epoch); print the loss and accuracy per epoch and "
                    "write the loss curves and the decision boundary.",
        epilog=EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter)
    common.add_problem_arguments(parser, default="moons", functions=False, batch_size=16)
    parser.add_argument("--activation", default="relu", choices=[a for a in ACTIVATIONS if a != "linear"],
                        help="activation of the hidden layers (default: %(default)s)")
    parser.add_argument("--optimizer", default="adam", metavar="NAME",
                        help="a preset, optionally with its learning rate: adam, sgd:0.1 ... (default: adam)")
    parser.add_argument("--lr", type=real_number_argument("lr", above=0.0), default=None,
                        help="learning rate (default: the preset's own)")
    parser.add_argument("--epochs", type=whole_number_argument("epochs", maximum=common.MAX_EPOCHS), default=20,
                        help="(default: %(default)s)")
    parser.add_argument("--l2", type=real_number_argument("l2", minimum=0.0), default=0.0,
                        help="L2 penalty strength (default: 0)")
    common.add_output_arguments(parser)
    parser.set_defaults(run=run, parser=parser)
    return parser


def run(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    name = common.check_problem(parser, args.problem, functions=False)
    choices = common.optimizer_choices(parser, [args.optimizer], args.lr)
    if len(choices) != 1:
        parser.error(f"--optimizer takes one optimizer, got {args.optimizer!r}; use `microopt race` to compare")
    (optimizer_name, (key, lr)), = choices.items()
    problem = common.problem_or_error(parser, args, name, activation=args.activation)
    if not args.no_plots:
        common.check_out(parser, args.out)
    model = problem.make_model()
    optimizer = common.factories(choices)[optimizer_name](model.parameters())
    print(problem.description)
    print(f"optimizer: {optimizer_name}, lr {lr:g}, batch size {args.batch_size}, {args.epochs} epochs")
    try:
        history = fit(model, optimizer, problem.train, epochs=args.epochs, batch_size=args.batch_size,
                      l2=args.l2, val_data=problem.test, seed=args.seed, progress=not args.no_progress)
    except DivergenceError as error:
        print(f"\n{error}")
        return 1
    every = max(1, len(history.epochs) // 10)  # about ten rows, and always the last epoch
    if every > 1:
        print(f"one row every {every} epochs and the last ({len(history.epochs)} epochs in all):")
    print(history.table(every=every))
    print("(val_: measured on the held-out test set after each epoch)")
    print(f"\ntest accuracy: {format_percent(history.last('val_accuracy'))}")
    if args.no_plots:
        return 0
    common.use_agg_backend()
    written = []
    common.save_figure(plot_losses(history, title=f"{name}: {optimizer_name}, loss per epoch"),
                       args.out / f"train-{name}-losses.png", written)
    common.save_figure(plot_decision_boundary(model, *problem.all_data,
                                              title=f"{name}: {optimizer_name} after {args.epochs} epochs"),
                       args.out / f"train-{name}-decision-boundary.png", written)
    common.print_files(args.out, written)
    return 0

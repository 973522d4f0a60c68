"""``microopt graph "EXPRESSION"``: build an expression from Values, backpropagate, draw the graph."""

from __future__ import annotations

import argparse
import pathlib
import sys

from microopt._validate import whole_number_argument
from microopt.cli.common import check_out
from microopt.cli.expression import FUNCTIONS, MAX_CHARACTERS, MAX_NODES, ExpressionError, build, parse_variables
from microopt.viz.graph import save_graph

DESCRIPTION = """\
Build EXPRESSION out of microopt Values, run backward(), print every gradient and
draw the computation graph to a file: PNG or SVG by the suffix of --out (.dot
writes the DOT source).

The expression may use numbers, variables, + - * / ** and the functions
{functions}.
It is parsed, never eval'ed: anything else is refused. Expressions longer than
{characters:,} characters, or making more Values than --max-nodes, are refused
before anything is evaluated.
""".format(functions=", ".join(FUNCTIONS), characters=MAX_CHARACTERS)

EXAMPLES = """\
examples:
  microopt graph "tanh(x*w + b)" --var x=2 --var w=-0.5 --var b=0.25 --param w,b
  microopt graph "x**2 + sin(x*y)" "x=1.5, y=-2" --out square.svg
"""


def add_parser(subparsers) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(
        "graph", help="draw the computation graph of an expression and print its gradients",
        description=DESCRIPTION, epilog=EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("expression", help='the expression, e.g. "tanh(x*w + b)"')
    # default=[]: without it argparse lists ASSIGNMENTS as required when the expression is missing
    parser.add_argument("assignments", nargs="*", default=[], metavar="ASSIGNMENTS",
                        help='variable values, e.g. "x=2, w=-0.5" (same as --var)')
    parser.add_argument("--var", action="append", default=[], metavar="NAME=VALUE",
                        help="the value of a variable; repeat for each, e.g. --var x=2 --var y=-3")
    parser.add_argument("--param", action="append", default=[], metavar="NAMES",
                        help="variables to draw as parameters (blue), e.g. --param w,b")
    parser.add_argument("--out", type=pathlib.Path, default=pathlib.Path("microopt-output/graph.png"), metavar="FILE",
                        help="the file to write: .png, .svg or .dot (default: %(default)s)")
    parser.add_argument("--rankdir", choices=("LR", "TB"), default="LR",
                        help="left to right (LR, default) or top to bottom (TB)")
    parser.add_argument("--local-grads", action="store_true",
                        help="label every edge with its local derivative d(result)/d(input)")
    parser.add_argument("--max-nodes", type=whole_number_argument("max-nodes"), default=MAX_NODES, metavar="N",
                        help="refuse expressions that make more Values than this (default: %(default)s)")
    parser.add_argument("--no-backward", action="store_true",
                        help="draw the graph before backward(): gradients shown as not computed")
    parser.set_defaults(run=run, parser=parser)
    return parser


def run(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    suffix = args.out.suffix.lower()
    if suffix not in (".png", ".svg", ".dot", ".gv"):
        parser.error(f"--out must end in .png, .svg or .dot, got {str(args.out)!r}")
    check_out(parser, args.out, file=True)
    try:
        variables = parse_variables([*args.assignments, *args.var])
        out, leaves = build(args.expression, variables, max_nodes=args.max_nodes)
    except ExpressionError as error:
        parser.error(str(error))
    param_names = [name.strip() for names in args.param for name in names.split(",") if name.strip()]
    unknown = [name for name in param_names if name not in leaves]
    if unknown:
        parser.error(f"--param {', '.join(unknown)}: not a variable of the expression "
                     f"(its variables: {', '.join(leaves) or 'none'})")
    for name in variables:
        if name not in leaves:
            print(f"note: variable {name!r} is not used in the expression", file=sys.stderr)

    print(f"{args.expression} = {out.data:.6g}")
    if not args.no_backward:
        out.backward()
        print("gradients d(output)/d(variable), by backpropagation:")
        for name, leaf in leaves.items():
            print(f"  d/d{name} = {leaf.grad:.6g}")

    from microopt.viz.render import RendererNotFoundError  # imports graphviz

    options = dict(parameters=[leaves[name] for name in param_names], rankdir=args.rankdir,
                   show_local_grads=args.local_grads, max_nodes=args.max_nodes)
    try:
        path = save_graph(out, args.out, **options)
    except RendererNotFoundError as error:
        dot_path = save_graph(out, args.out.with_suffix(".dot"), **options)
        print(f"microopt graph: error: {error} (wrote {dot_path})", file=sys.stderr)
        return 1
    except ValueError as error:  # too many nodes for a readable diagram
        parser.error(str(error))
    print(f"diagram: {path}")
    return 0

"""``microopt site --out DIR``: the lessons and the explorables as a static site (see ``microopt.site``)."""

from __future__ import annotations

import argparse
import pathlib
import sys
import time

from microopt._validate import invalid
from microopt.cli import common
from microopt.site import build
from microopt.site.katex import KatexError
from microopt.site.lessons import LessonError

DESCRIPTION = """\
Build a static site into --out: every lesson notebook executed and rendered as a page
with its outputs (math by KaTeX, fetched from npm at build time and copied next to the
pages), explorable pages that need no kernel (backpropagation step by step, the learning
rate, an optimizer race, an optimizer's update step by step) and an index. The pages ask
no other host for anything and open from disk (file://).

Executed notebooks are kept in DIR/lessons/notebooks/ and reused while their source is
unchanged, so a second build only renders. The first build of all 18 lessons takes
minutes; --lessons builds a few.

--lite also builds JupyterLite into DIR/lite/ (linked from the index): every lesson and
exercise runnable in the browser on Pyodide. It needs npm and microopt[browser], and a web
server to open it (python -m http.server -d DIR), not file://.
"""

EXAMPLES = """\
examples:
  microopt site --out site/                  # everything: open site/index.html
  microopt site --out site/ --lessons 01,02  # two lessons and the explorables
  microopt site --out site/ --no-lessons     # the explorables only (seconds, no npm)
  microopt site --out site/ --lite           # and JupyterLite in site/lite/ (serve site/ over HTTP)
"""


def add_parser(subparsers) -> argparse.ArgumentParser:
    parser = subparsers.add_parser("site", help="build the lessons and explorables as a static web site",
                                   description=DESCRIPTION, epilog=EXAMPLES,
                                   formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=pathlib.Path, required=True, metavar="DIR",
                        help="the folder to write the site into (new, empty, or an earlier site)")
    parser.add_argument("--notebooks", type=pathlib.Path, default=None, metavar="DIR",
                        help=f"the folder of the lesson notebooks (default: {build.default_notebooks()})")
    parser.add_argument("--lessons", default=None, metavar="NN,NN",
                        help="only these lessons, by number or name prefix, e.g. 01,02 (default: all)")
    parser.add_argument("--no-lessons", action="store_true", help="leave the lessons out (no notebook runs, no npm)")
    parser.add_argument("--no-explorables", action="store_true", help="leave the explorables out")
    parser.add_argument("--lite", action="store_true",
                        help="also build JupyterLite (the notebooks, run in the browser) into DIR/lite/")
    parser.set_defaults(run=run, parser=parser)
    return parser


def check_out(parser: argparse.ArgumentParser, out: pathlib.Path) -> None:
    """Refuse, before any work, an --out that cannot be written (``common.check_out``) or that is a
    non-empty folder other than an earlier site: the build would mix its files with the user's."""
    common.check_out(parser, out)
    if out.is_dir() and any(out.iterdir()) and not (out / "index.html").is_file():
        parser.error(invalid("--out", str(out), "must be a new or empty folder, or an earlier site; this one holds "
                             "other files", "Choose another --out, e.g. --out site/."))


def run(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    check_out(parser, args.out)
    if args.no_lessons and args.no_explorables and not args.lite:
        parser.error("--no-lessons and --no-explorables together leave nothing to build; drop one of them.")
    if args.notebooks is not None and not args.notebooks.is_dir():
        parser.error(f"Invalid --notebooks: {str(args.notebooks)!r} (not a folder). Pass the folder of the lessons, "
                     "e.g. --notebooks notebooks/.")
    chosen = None
    if args.lessons is not None:
        chosen = [part.strip() for part in args.lessons.split(",") if part.strip()]
        if not chosen:
            parser.error(f"Invalid --lessons: {args.lessons!r} (must name at least one lesson). "
                         "Pass e.g. --lessons 01,02.")
        if args.no_lessons:
            parser.error("--lessons and --no-lessons contradict each other; drop one of them.")
    if not args.no_lessons:
        try:  # every lesson named must exist, before anything runs
            build.select_lessons(args.notebooks or build.default_notebooks(), chosen)
        except ValueError as error:
            parser.error(str(error))
    started = time.perf_counter()
    try:
        index = build.build_site(args.out, notebooks=args.notebooks, chosen=chosen, with_lessons=not args.no_lessons,
                                 with_explorables=not args.no_explorables, with_lite=args.lite,
                                 log=lambda text: print(text, flush=True))
    except (KatexError, LessonError, RuntimeError) as error:  # RuntimeError: lite.LiteBuildError
        print(f"microopt site: error: {error}", file=sys.stderr)
        return 1
    print(f"site built in {time.perf_counter() - started:.0f} s: open {index}")
    return 0

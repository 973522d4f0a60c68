"""``microopt assignment``: release, grade and autograde a notebook assignment.

    microopt assignment release SOLUTION.ipynb --out DIR
    microopt assignment grade SOLUTION.ipynb SUBMISSIONS_DIR --out REPORT_DIR [--roster FILE]
    microopt assignment autograder SOLUTION.ipynb --out REPO_DIR
    microopt assignment benchmark SOLUTION.ipynb [--students 100]

The solution notebook is marked as for nbgrader (``### BEGIN SOLUTION`` / ``### END
SOLUTION``, ``### BEGIN HIDDEN TESTS`` / ``### END HIDDEN TESTS``, ``# points: N`` or
nbgrader's metadata); see ``microopt.exercises.assignment``.
"""

from __future__ import annotations

import argparse
import pathlib
import sys

from microopt._validate import real_number_argument, whole_number_argument
from microopt.cli import common
from microopt.exercises.assignment import grade
from microopt.exercises.assignment.autograder import autograder
from microopt.exercises.assignment.benchmark import BENCHMARK_CHECK_TIME_LIMIT, BENCHMARK_TIME_LIMIT, benchmark
from microopt.exercises.assignment.notebook import AssignmentError
from microopt.exercises.assignment.release import SolutionLeak, release

SECONDS = real_number_argument("time limit", above=0, finite=False, advice="Pass the seconds allowed (e.g. 120).")


def add_parser(subparsers) -> argparse.ArgumentParser:
    parser = subparsers.add_parser("assignment", help="release, grade and autograde a notebook assignment",
                                   description=__doc__.replace("``", ""),
                                   formatter_class=argparse.RawDescriptionHelpFormatter)
    actions = parser.add_subparsers(title="actions", metavar="ACTION", required=True)

    release = actions.add_parser("release", help="write the student notebook (no solutions, no hidden tests)")
    release.add_argument("solution", type=pathlib.Path, metavar="SOLUTION.ipynb")
    release.add_argument("--out", type=pathlib.Path, required=True, metavar="DIR", help="folder to write it into")
    release.set_defaults(run=run_release, parser=release)

    grade = actions.add_parser("grade", help="grade every submission; write grades.csv, feedback/, summary.html")
    grade.add_argument("solution", type=pathlib.Path, metavar="SOLUTION.ipynb")
    grade.add_argument("submissions", type=pathlib.Path, metavar="SUBMISSIONS_DIR",
                       help="one file per student, named by the student's id (alice.ipynb)")
    grade.add_argument("--out", type=pathlib.Path, required=True, metavar="REPORT_DIR")
    grade.add_argument("--roster", type=pathlib.Path, metavar="FILE",
                       help="student ids, one a line: those without a file get zero ('no submission')")
    _timing(grade)
    grade.set_defaults(run=run_grade, parser=grade)

    autograder = actions.add_parser("autograder", help="write pytest tests and autograding.json for GitHub Classroom")
    autograder.add_argument("solution", type=pathlib.Path, metavar="SOLUTION.ipynb")
    autograder.add_argument("--out", type=pathlib.Path, required=True, metavar="REPO_DIR")
    autograder.add_argument("--time-limit", type=SECONDS, default=120.0, metavar="SECONDS",
                            help="per notebook (default: %(default)s)")
    autograder.set_defaults(run=run_autograder, parser=autograder)

    benchmark = actions.add_parser("benchmark", help="time grading a generated class of the Adam assignment")
    benchmark.add_argument("solution", type=pathlib.Path, metavar="SOLUTION.ipynb",
                           help="the Adam assignment (notebooks/exercises/solutions/08_adam_solution.ipynb)")
    benchmark.add_argument("--students", type=common.positive_int, default=100, help="(default: %(default)s)")
    benchmark.add_argument("--out", type=pathlib.Path, default=None, metavar="DIR",
                           help="keep the class and the reports here (default: a temporary folder)")
    benchmark.set_defaults(time_limit=BENCHMARK_TIME_LIMIT, check_time_limit=BENCHMARK_CHECK_TIME_LIMIT)
    _timing(benchmark)
    benchmark.set_defaults(run=run_benchmark, parser=benchmark)
    return parser


def _timing(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--jobs", type=common.positive_int, default=None,
                        help="notebooks graded at once (default: one per core)")
    parser.add_argument("--ahead", type=whole_number_argument("ahead", minimum=0), default=None,
                        help="fresh kernels started ahead of need while others run (default: as many as --jobs)")
    parser.add_argument("--time-limit", type=SECONDS, default=parser.get_default("time_limit") or 120.0,
                        metavar="SECONDS", help="per notebook (default: %(default)s)")
    check_default = parser.get_default("check_time_limit")
    parser.add_argument("--check-time-limit", type=SECONDS, default=check_default, metavar="SECONDS",
                        help="per step of a student's code in a check, inside the notebooks (default: "
                             + (f"{check_default:g} s)" if check_default else "the checkers' own, 5 s)"))


def _fail(error: Exception) -> int:
    print(f"microopt assignment: error: {error}", file=sys.stderr)
    return 1


def run_release(args, parser) -> int:
    common.check_out(parser, args.out)
    try:
        path = release(args.solution, args.out)
    except (AssignmentError, SolutionLeak, FileNotFoundError) as error:
        return _fail(error)
    print(f"wrote {path}")
    return 0


def _print_result(result) -> None:
    reason = f"  ({result.problem})" if result.problem else ""
    print(f"{result.student:>20}  {result.total:g} / {result.max_points:g}  {result.seconds:5.1f} s{reason}",
          flush=True)


def run_grade(args, parser) -> int:
    common.check_out(parser, args.out)
    roster = None
    if args.roster is not None:
        roster = [line.strip() for line in args.roster.read_text(encoding="utf-8").splitlines() if line.strip()]
    try:
        results = grade(args.solution, args.submissions, args.out, roster=roster, jobs=args.jobs, ahead=args.ahead,
                        time_limit=args.time_limit, check_time_limit=args.check_time_limit,
                        progress=_print_result)
    except (AssignmentError, FileNotFoundError) as error:
        return _fail(error)
    print(f"graded {len(results)} submissions: {args.out / 'grades.csv'}, {args.out / 'feedback'}/, "
          f"{args.out / 'summary.html'}")
    return 0


def run_autograder(args, parser) -> int:
    common.check_out(parser, args.out)
    try:
        written = autograder(args.solution, args.out, time_limit=args.time_limit)
    except (AssignmentError, SolutionLeak, FileNotFoundError) as error:
        return _fail(error)
    print("wrote " + ", ".join(str(p) for p in written))
    return 0


def run_benchmark(args, parser) -> int:
    if args.out is not None:
        common.check_out(parser, args.out)
    print(benchmark(args.solution, students=args.students, jobs=args.jobs, ahead=args.ahead, time_limit=args.time_limit,
                    check_time_limit=args.check_time_limit, out=args.out))
    return 0

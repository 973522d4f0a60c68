"""How long grading a class takes: a generated class of the Adam assignment, graded end to end.

The class is built from the released notebook of the Adam assignment (Adam as two pure
functions, ``adam_init`` and ``adam_update``), its answer cells filled in as students would:
correct solutions in two styles (the state as a dict of lists, the teacher's answer; and as
a list of per-parameter dicts), every mistake of Adam's catalogue (``mistakes.catalogue``),
a wrong default, microopt's own Adam class pasted in (in its ``update`` style and in
PyTorch's ``step()`` style: the assignment asks for functions, so only the prediction
scores), a crash (the kernel exits), an infinite loop in ``adam_update`` (stopped by the
checkers' time limit), a notebook that loops at top level (stopped by the grader's time
limit), an empty notebook and a file that is not a notebook. Students are drawn from these
kinds in turn until the class has ``students`` of them.

``benchmark`` grades the class with ``grade`` (``jobs`` notebooks at once, one per core by
default, with ``ahead`` kernels starting meanwhile) and returns a report: the wall time;
the CPU seconds per notebook, this process's and its kernels' (what a busy machine cannot
hide: on a shared machine the wall time also holds other people's work); how much of the
kernels' start-up the pool hid; and the scores by kind.
"""

from __future__ import annotations

import collections
import copy
import pathlib
import tempfile
import time
from contextlib import contextmanager

from microopt.exercises.assignment.grade import grade
from microopt.exercises.assignment.notebook import BEGIN_SOLUTION, END_SOLUTION, read_assignment, strip_markers
from microopt.exercises.assignment.release import student_notebook
from microopt.exercises.mistakes import catalogue, student_source
from microopt.optim import Adam

# The limits a teacher would set for this assignment: a correct notebook runs in about 1 s (its
# kernel started ahead), one step of a correct optimizer in microseconds. The two looping kinds
# burn a core until their limit, so generous limits would make them most of the benchmark.
BENCHMARK_TIME_LIMIT = 6.0  # seconds per notebook
BENCHMARK_CHECK_TIME_LIMIT = 1.0  # seconds per step of a student's optimizer

ANSWER_CELL = "def adam_update"  # the answer cell of the Adam assignment defines adam_init and adam_update
PREDICTION = "first_step ="  # ... and one answer cell predicts the size of the first step
LOOPING_UPDATE = '''def adam_init(params):
    return {"t": 0, "m": [0.0] * len(params), "v": [0.0] * len(params)}


def adam_update(params, grads, state, *, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0):
    while True:
        pass
'''


def kinds(solution=None) -> list[tuple[str, str | None]]:
    """(kind, the answer cell's source) for every kind of student; None: a special notebook.

    The first correct kind is the teacher's own answer, read from ``solution`` (the Adam
    solution notebook; without it, the per-parameter style is used twice).
    """
    per_parameter = student_source(Adam, style="functions")
    teachers = _teachers_answer(solution) if solution is not None else per_parameter
    found = [("correct, state as a dict of lists", teachers), ("correct, state per parameter", per_parameter)]
    found += [(mistake.name, student_source(Adam, mistake, style="functions")) for mistake in catalogue(Adam)]
    wrong_beta = per_parameter.replace("betas=(0.9, 0.999)", "betas=(0.9, 0.99)", 1)
    found += [("wrong default betas", wrong_beta),
              ("microopt's Adam pasted (update style)", student_source(Adam, class_name="MyAdam")),
              ("microopt's Adam pasted (step style)", student_source(Adam, style="step", class_name="MyAdam")),
              ("infinite loop in adam_update", LOOPING_UPDATE),
              ("crash", None), ("loops at top level", None), ("empty notebook", None), ("not a notebook", None)]
    return found


def _teachers_answer(solution) -> str:
    cell = next(c for c in read_assignment(solution).notebook.cells if ANSWER_CELL in c.source)
    return strip_markers(cell.source, BEGIN_SOLUTION, END_SOLUTION)


def write_class(solution, folder, students: int) -> dict[str, str]:
    """Write ``students`` submissions into ``folder``; return student id -> kind."""
    import nbformat

    assignment = read_assignment(solution)
    released = student_notebook(assignment)
    folder = pathlib.Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    everyone = kinds(solution)
    roster = {}
    for n in range(students):
        kind, source = everyone[n % len(everyone)]
        student = f"student{n:03d}"
        roster[student] = kind
        if kind == "not a notebook":
            (folder / f"{student}.pdf").write_bytes(b"%PDF-1.4 not a notebook")
            continue
        notebook = copy.deepcopy(released)
        if kind == "empty notebook":
            notebook.cells = []
        for cell in notebook.cells:
            if source is not None and ANSWER_CELL in _answer_of(assignment, cell):
                cell.source = source
            elif PREDICTION in _answer_of(assignment, cell) and source is not None:
                cell.source = "first_step = 0.01  # Adam's first step is lr, whatever the gradient"
        if kind == "crash":
            notebook.cells.insert(1, nbformat.v4.new_code_cell("import os\nos._exit(3)"))
        elif kind == "loops at top level":
            notebook.cells.insert(1, nbformat.v4.new_code_cell("while True:\n    pass"))
        nbformat.write(notebook, folder / f"{student}.ipynb")
    return roster


def _answer_of(assignment, cell) -> str:
    """The teacher's source of the solution cell with this cell's id ("" if none)."""
    teacher = next((c for c in assignment.notebook.cells if c.get("id") == cell.get("id")), None)
    return teacher.source if teacher is not None else ""


@contextmanager
def cpu_seconds():
    """Yield a dict that gets, on exit, the CPU seconds of this process and of its finished children.

    Children are counted by ``resource`` (Linux, macOS); where it is missing (Windows) their
    entry is None.
    """
    try:
        import resource
    except ImportError:
        resource = None

    def children() -> float | None:
        if resource is None:
            return None
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        return usage.ru_utime + usage.ru_stime

    measured = {}
    own, kernels = time.process_time(), children()
    yield measured
    measured["own"] = time.process_time() - own
    measured["kernels"] = None if kernels is None else children() - kernels


def benchmark(solution, *, students: int = 100, jobs: int | None = None, ahead: int | None = None,
              time_limit: float = BENCHMARK_TIME_LIMIT, check_time_limit: float | None = BENCHMARK_CHECK_TIME_LIMIT,
              out=None) -> str:
    """Generate a class, grade it, and describe the time it took and the scores by kind."""
    with tempfile.TemporaryDirectory(prefix="microopt-class-") as scratch:
        folder = pathlib.Path(out) if out is not None else pathlib.Path(scratch)
        roster = write_class(solution, folder / "submissions", students)
        started = time.perf_counter()
        with cpu_seconds() as cpu:
            results = grade(solution, folder / "submissions", folder / "report", jobs=jobs, ahead=ahead,
                            time_limit=time_limit, check_time_limit=check_time_limit)
        seconds = time.perf_counter() - started
    return report(results, roster, read_assignment(solution).max_points, seconds, cpu,
                  f"jobs={jobs or 'one per core'}, ahead={ahead if ahead is not None else 'jobs'}, "
                  f"{time_limit:g} s per notebook, {check_time_limit or 'the default'} s per check")


def report(results, roster: dict[str, str], maximum: float, seconds: float, cpu: dict, settings: str) -> str:
    """The benchmark's text: times, CPU, the pool's overlap and the scores by kind."""
    ran = [r for r in results if r.kernel_start > 0]
    kernels = cpu["kernels"]
    cpu_text = (f"{cpu['own'] / len(results):.2f} s in the grader" +
                (f" + {kernels / max(len(ran), 1):.2f} s per kernel ({len(ran)} kernels)" if kernels is not None
                 else " (the kernels' CPU is not measured on this platform)"))
    started, waited = sum(r.kernel_start for r in ran), sum(r.kernel_wait for r in ran)
    lines = [f"graded {len(results)} submissions in {seconds:.1f} s ({seconds / len(results):.2f} s each; {settings})",
             f"CPU per notebook: {cpu_text}",
             f"kernel start-up: {started:.1f} s in all ({started / max(len(ran), 1):.2f} s each), of which notebooks "
             f"waited {waited:.1f} s: the pool hid {1 - waited / started if started else 0:.0%} of it",
             f"scores out of {maximum:g}:"]
    by_kind = collections.defaultdict(list)
    for result in results:
        by_kind[roster[result.student]].append(result.total)
    lines += [f"  {kind:45} {len(scores):3} students: {', '.join(sorted({f'{s:g}' for s in scores}))}"
              for kind, scores in by_kind.items()]
    return "\n".join(lines)

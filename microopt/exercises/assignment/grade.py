"""``grade``: run every submission in its own fresh kernel and score each graded cell.

For one submission (``grade_notebook``): the student's notebook is read, every graded cell
is replaced by the teacher's version with the hidden tests put back (matched by grade id or
cell id; a graded cell the student deleted is added after the cell before it), outputs are
cleared, and the notebook runs top to bottom in a new ``python3`` kernel (nbclient), errors
allowed, under one time limit for the whole notebook. A graded cell that ran without an
error scores its points.

Whatever goes wrong with one submission (a missing file, a file that is not a notebook, a
malformed one, a crash, a kernel that dies, a loop that never ends) gives zero for what did
not run, with the reason, and never stops the run. ``grade`` runs the submissions in
parallel, one worker process per core by default.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import multiprocessing
import os
import pathlib
import shutil
import tempfile
import time
from dataclasses import dataclass, field

from microopt.exercises.assignment.notebook import Assignment, cell_key, read_assignment
from microopt.exercises.assignment.report import write_reports

DEFAULT_TIME_LIMIT = 120.0  # seconds per notebook


@dataclass
class CellResult:
    key: str
    points: float  # scored
    max_points: float
    message: str = ""  # the error of a failed cell (the checker's explanation), or why it did not run


@dataclass
class Result:
    """One student's grade: a result per graded cell, and what went wrong with the notebook as a whole."""

    student: str
    cells: list[CellResult] = field(default_factory=list)
    problem: str = ""  # e.g. "not a notebook", "ran past the time limit of 60 s"
    errors: list[str] = field(default_factory=list)  # errors in the student's own cells
    seconds: float = 0.0

    @property
    def total(self) -> float:
        return sum(c.points for c in self.cells)

    @property
    def max_points(self) -> float:
        return sum(c.max_points for c in self.cells)


def _zero(assignment: Assignment, student: str, problem: str) -> Result:
    return Result(student, [CellResult(c.key, 0.0, c.points, problem) for c in assignment.graded], problem)


def prepare(assignment: Assignment, submission):
    """The notebook to run: the student's, with the teacher's graded cells (hidden tests in)."""
    import nbformat

    notebook = nbformat.from_dict(nbformat.from_dict(submission))  # a copy
    teacher = {c.key: c for c in assignment.graded}
    present = set()
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
        key = cell_key(cell, index)
        if key in teacher:
            cell.cell_type, cell.source = "code", teacher[key].source
            cell.setdefault("outputs", [])
            cell.setdefault("execution_count", None)
            present.add(key)
    keys = [cell_key(c, i) for i, c in enumerate(notebook.cells)]
    for graded in assignment.graded:  # a deleted test cell goes back after the teacher's cell before it
        if graded.key in present:
            continue
        before = [cell_key(c, i) for i, c in enumerate(assignment.notebook.cells[:graded.index])]
        position = max((keys.index(k) + 1 for k in before if k in keys), default=len(keys))
        cell = nbformat.v4.new_code_cell(graded.source)
        cell.metadata["microopt_key"] = graded.key
        notebook.cells.insert(position, cell)
        keys.insert(position, graded.key)
    return notebook


def _error_text(cell) -> str | None:
    for output in cell.get("outputs", []):
        if output.get("output_type") == "error":
            return f"{output.get('ename')}: {output.get('evalue')}"
    return None


def kernel_manager(sockets: str):
    """A ``python3`` kernel manager that talks over Unix sockets in the folder ``sockets``.

    Kernels started at the same moment by parallel workers then cannot race for a TCP port on
    127.0.0.1 (a lost race is a kernel that dies at start, or a client that waits forever).
    Keep ``sockets`` short: a Unix socket path holds about 100 characters.
    """
    from jupyter_client.manager import AsyncKernelManager

    return AsyncKernelManager(kernel_name="python3", transport="ipc", ip=os.path.join(sockets, "k"))


def execute(notebook, time_limit: float, folder: str) -> tuple[str, int | None]:
    """Run ``notebook`` in place in a fresh kernel; return (what stopped it early, the cell it stopped in).

    ("", None) when every cell ran. The cell that was stopped has no error output, so the caller
    must not count it (or any after it) as passed.
    """
    from nbclient import NotebookClient
    from nbclient.exceptions import CellTimeoutError, DeadKernelError

    sockets = tempfile.mkdtemp(prefix="mo-kernel-")
    client = NotebookClient(notebook, km=kernel_manager(sockets), timeout=time_limit, allow_errors=True,
                            interrupt_on_timeout=False, resources={"metadata": {"path": folder}},
                            shutdown_kernel="immediate",
                            extra_arguments=["--log-level=CRITICAL", "--HistoryManager.enabled=False"])
    deadline = time.perf_counter() + time_limit
    with contextlib.ExitStack() as cleanup:
        cleanup.callback(shutil.rmtree, sockets, ignore_errors=True)
        cleanup.enter_context(client.setup_kernel(cleanup_kc=True))  # shut the kernel down: we gave nbclient km
        for index, cell in enumerate(notebook.cells):
            if cell.cell_type != "code":
                continue
            remaining = deadline - time.perf_counter()
            if remaining <= 0:
                return f"the notebook ran past its time limit of {time_limit:g} s", index
            client.timeout = max(1, int(remaining))
            try:
                client.execute_cell(cell, index)
            except CellTimeoutError:
                return f"the notebook ran past its time limit of {time_limit:g} s (in cell {index + 1})", index
            except DeadKernelError:
                return (f"the kernel died in cell {index + 1} (did the code call exit() or use all the memory?)",
                        index)
    return "", None


def grade_notebook(assignment: Assignment | str | os.PathLike, path, *, time_limit: float = DEFAULT_TIME_LIMIT,
                   student: str | None = None) -> Result:
    """Grade one submission (a path; it may be missing or not a notebook). Never raises for the student's faults."""
    import nbformat

    started = time.perf_counter()
    if not isinstance(assignment, Assignment):
        assignment = read_assignment(assignment)
    path = pathlib.Path(path)
    student = student or path.stem
    if not path.exists():
        result = _zero(assignment, student, "no submission")
    elif path.suffix != ".ipynb":
        result = _zero(assignment, student, f"not a notebook ({path.name}): hand in the .ipynb file")
    else:
        try:
            submission = nbformat.read(path, as_version=4)
        except Exception as error:  # not JSON, not a notebook: the student's file, not our bug
            result = _zero(assignment, student, f"the file is not a readable notebook ({type(error).__name__})")
        else:
            result = _run(assignment, submission, student, time_limit)
    result.seconds = time.perf_counter() - started
    return result


def _run(assignment: Assignment, submission, student: str, time_limit: float) -> Result:
    notebook = prepare(assignment, submission)
    with tempfile.TemporaryDirectory(prefix="microopt-grade-") as folder:
        try:
            problem, stopped = execute(notebook, time_limit, folder)
        except Exception as error:  # the kernel could not start, or nbclient failed on this notebook
            return _zero(assignment, student, f"the notebook could not be run: {type(error).__name__}: {error}")
    result = Result(student, problem=problem)
    teacher = {c.key: c for c in assignment.graded}
    ran: dict[str, tuple[int, object]] = {}
    for index, cell in enumerate(notebook.cells):
        key = cell.metadata.get("microopt_key") or cell_key(cell, index)
        if key in teacher:
            ran[key] = index, cell
        elif cell.cell_type == "code" and (error := _error_text(cell)):
            result.errors.append(f"cell {index + 1}: {error}")
    for graded in assignment.graded:
        index, cell = ran[graded.key]
        error = _error_text(cell)
        if stopped is not None and index >= stopped:  # stopped in this cell or before it: it did not finish
            result.cells.append(CellResult(graded.key, 0.0, graded.points, f"did not finish: {problem}"))
        elif error is None and cell.get("execution_count") is None:
            result.cells.append(CellResult(graded.key, 0.0, graded.points, f"did not run: {problem}"))
        elif error is None:
            result.cells.append(CellResult(graded.key, graded.points, graded.points))
        else:
            result.cells.append(CellResult(graded.key, 0.0, graded.points, error))
    return result


def _grade_one(arguments) -> Result:
    solution, path, student, time_limit = arguments
    try:
        return grade_notebook(solution, path, time_limit=time_limit, student=student)
    except Exception as error:  # never lose the class to one submission
        return _zero(read_assignment(solution), student, f"grading failed: {type(error).__name__}: {error}")


def submissions(folder, roster=None) -> list[tuple[str, pathlib.Path]]:
    """(student id, path) for every file in ``folder``, and the students of ``roster`` with no file."""
    folder = pathlib.Path(folder)
    if not folder.is_dir():
        raise FileNotFoundError(f"Invalid submissions folder: {folder} (not a folder). Put one file per student in it.")
    found = {p.stem: p for p in sorted(folder.iterdir()) if p.is_file() and not p.name.startswith(".")}
    for student in roster or ():
        found.setdefault(student, folder / f"{student}.ipynb")  # missing: graded as "no submission"
    return sorted(found.items())


@contextlib.contextmanager
def _check_time_limit(seconds: float | None):
    """Set MICROOPT_CHECK_TIME_LIMIT for the kernels started inside (None: leave it)."""
    name, before = "MICROOPT_CHECK_TIME_LIMIT", os.environ.get("MICROOPT_CHECK_TIME_LIMIT")
    if seconds is not None:
        os.environ[name] = str(seconds)
    try:
        yield
    finally:
        if seconds is not None and before is None:
            del os.environ[name]
        elif seconds is not None:
            os.environ[name] = before


def grade(solution, submissions_folder, out=None, *, roster=None, jobs: int | None = None,
          time_limit: float = DEFAULT_TIME_LIMIT, check_time_limit: float | None = None,
          progress=None) -> list[Result]:
    """Grade every submission in ``submissions_folder``; with ``out``, write the reports there.

    ``jobs`` worker processes (default: one per core) each run one kernel at a time, each
    notebook within ``time_limit`` seconds; ``check_time_limit`` sets the checkers' own limit
    (per check, in the students' kernels). ``progress(result)`` is called as each submission
    finishes.
    """
    with _check_time_limit(check_time_limit):
        return _grade(solution, submissions_folder, out, roster, jobs, time_limit, progress)


def _grade(solution, submissions_folder, out, roster, jobs, time_limit, progress) -> list[Result]:
    assignment = read_assignment(solution)
    todo = [(str(assignment.path), path, student, time_limit)
            for student, path in submissions(submissions_folder, roster)]
    jobs = min(jobs or os.cpu_count() or 1, max(len(todo), 1))
    results = []
    if jobs == 1:  # no worker processes to start
        outcomes = map(_grade_one, todo)
    else:
        context = multiprocessing.get_context("spawn")  # no fork of a process that holds kernels' sockets
        pool = concurrent.futures.ProcessPoolExecutor(max_workers=jobs, mp_context=context)
        outcomes = pool.map(_grade_one, todo)
    for result in outcomes:
        results.append(result)
        if progress is not None:
            progress(result)
    if jobs > 1:
        pool.shutdown()
    if out is not None:
        write_reports(assignment, results, out)
    return results

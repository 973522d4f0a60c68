"""``grade``: run every submission in its own fresh kernel and score each graded cell.

For one submission (``grade_notebook``): the student's notebook is read, every graded cell
is replaced by the teacher's version with the hidden tests put back (matched by grade id or
cell id; a graded cell the student deleted is added after the cell before it), outputs are
cleared, and the notebook runs top to bottom in a new ``python3`` kernel (nbclient), errors
allowed, under one time limit for the whole notebook. A graded cell that ran without an
error scores its points.

Whatever goes wrong with one submission (a missing file, a file that is not a notebook, a
malformed one, a crash, a kernel that dies, a loop that never ends) gives zero for what did
not run, with the reason, and never stops the run.

``grade`` runs ``jobs`` notebooks at once (one per core by default) from one process: each
notebook's kernel is a process of its own, and this one only passes messages (asyncio). A
``KernelPool`` starts the next kernels while those notebooks run (``ahead``, as many as
``jobs`` by default), so no notebook waits the ~2 s a kernel takes to start; each kernel
still runs one notebook only.
"""

from __future__ import annotations

import asyncio
import collections
import concurrent.futures
import contextlib
import os
import pathlib
import sys
import time
from dataclasses import dataclass, field

from microopt._validate import whole_number
from microopt.exercises.assignment.kernels import Kernel, KernelPool
from microopt.exercises.assignment.kernels import kernel_manager as kernel_manager  # tests/notebooks' kernels
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
    seconds: float = 0.0  # running the notebook (its kernel was started before)
    kernel_start: float = 0.0  # seconds its kernel took to start (ahead of need, in a pool)
    kernel_wait: float = 0.0  # seconds the notebook waited for that kernel to be ready

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


async def execute(notebook, time_limit: float, kernel: Kernel) -> tuple[str, int | None]:
    """Run ``notebook`` in place in ``kernel``; return (what stopped it early, the cell it stopped in).

    ("", None) when every cell ran. The cell that was stopped has no error output, so the caller
    must not count it (or any after it) as passed.
    """
    from nbclient import NotebookClient
    from nbclient.exceptions import CellTimeoutError, DeadKernelError

    client = NotebookClient(notebook, km=kernel.km, timeout=time_limit, allow_errors=True,
                            interrupt_on_timeout=False, resources={"metadata": {"path": kernel.folder}})
    client.kc = kernel.kc
    deadline = time.perf_counter() + time_limit
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type != "code":
            continue
        remaining = deadline - time.perf_counter()
        if remaining <= 0:
            return f"the notebook ran past its time limit of {time_limit:g} s", index
        client.timeout = max(1, int(remaining))
        try:
            await client.async_execute_cell(cell, index)
        except CellTimeoutError:
            return f"the notebook ran past its time limit of {time_limit:g} s (in cell {index + 1})", index
        except DeadKernelError:
            return f"the kernel died in cell {index + 1} (did the code call exit() or use all the memory?)", index
    return "", None


def _load(assignment: Assignment, student: str, path: pathlib.Path):
    """The submission's notebook, or the zero ``Result`` of one that cannot run (missing, not a notebook)."""
    import nbformat

    if not path.exists():
        return _zero(assignment, student, "no submission")
    if path.suffix != ".ipynb":
        return _zero(assignment, student, f"not a notebook ({path.name}): hand in the .ipynb file")
    try:
        return prepare(assignment, nbformat.read(path, as_version=4))
    except Exception as error:  # not JSON, not a notebook: the student's file, not our bug
        return _zero(assignment, student, f"the file is not a readable notebook ({type(error).__name__})")


async def _run(assignment: Assignment, notebook, student: str, time_limit: float, pool: KernelPool) -> Result:
    """Run one prepared notebook in the pool's next kernel and score it."""
    asked = time.perf_counter()
    try:
        kernel = await pool.take()
    except Exception as error:
        return _zero(assignment, student, f"the notebook could not be run: its kernel did not start "
                                          f"({type(error).__name__}: {error})")
    started = time.perf_counter()
    try:
        problem, stopped = await execute(notebook, time_limit, kernel)
        result = _score(assignment, notebook, student, problem, stopped)
    except Exception as error:  # nbclient failed on this notebook
        result = _zero(assignment, student, f"the notebook could not be run: {type(error).__name__}: {error}")
    finally:
        await pool.done(kernel)
    result.seconds, result.kernel_start, result.kernel_wait = (time.perf_counter() - started, kernel.start_seconds,
                                                               started - asked)
    return result


def _score(assignment: Assignment, notebook, student: str, problem: str, stopped: int | None) -> Result:
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


async def _grade_all(assignment: Assignment, todo: list[tuple[str, pathlib.Path]], jobs: int, ahead: int,
                     time_limit: float, progress) -> list[Result]:
    """Grade ``todo`` ((student, path) pairs), ``jobs`` notebooks at a time; results in ``todo``'s order."""
    results: dict[int, Result] = {}

    def finished(i: int, result: Result) -> None:
        results[i] = result
        if progress is not None:
            progress(result)

    runnable = collections.deque()
    for i, (student, path) in enumerate(todo):
        try:
            loaded = _load(assignment, student, path)
        except Exception as error:  # never lose the class to one submission
            loaded = _zero(assignment, student, f"grading failed: {type(error).__name__}: {error}")
        if isinstance(loaded, Result):
            finished(i, loaded)
        else:
            runnable.append((i, student, loaded))
    if not runnable:
        return [results[i] for i in range(len(todo))]
    jobs = min(jobs, len(runnable))

    async def worker(pool: KernelPool) -> None:
        while runnable:
            i, student, notebook = runnable.popleft()
            try:
                result = await _run(assignment, notebook, student, time_limit, pool)
            except Exception as error:  # never lose the class to one submission
                result = _zero(assignment, student, f"grading failed: {type(error).__name__}: {error}")
            finished(i, result)

    async with KernelPool(len(runnable), jobs + ahead) as pool:
        await asyncio.gather(*(worker(pool) for _ in range(jobs)))
    return [results[i] for i in range(len(todo))]


def _run_async(coroutine):
    """Run ``coroutine`` to the end, also from a thread whose event loop is running (a notebook's)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return _in_new_loop(coroutine)
    with concurrent.futures.ThreadPoolExecutor(1) as thread:
        return thread.submit(_in_new_loop, coroutine).result()


def _in_new_loop(coroutine):
    loop = asyncio.SelectorEventLoop() if sys.platform == "win32" else asyncio.new_event_loop()  # zmq needs selectors
    try:
        return loop.run_until_complete(coroutine)
    finally:
        loop.close()


def grade_notebook(assignment: Assignment | str | os.PathLike, path, *, time_limit: float = DEFAULT_TIME_LIMIT,
                   student: str | None = None) -> Result:
    """Grade one submission (a path; it may be missing or not a notebook). Never raises for the student's faults."""
    if not isinstance(assignment, Assignment):
        assignment = read_assignment(assignment)
    path = pathlib.Path(path)
    [result] = _run_async(_grade_all(assignment, [(student or path.stem, path)], 1, 0, time_limit, None))
    return result


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
          ahead: int | None = None, time_limit: float = DEFAULT_TIME_LIMIT,
          check_time_limit: float | None = None, progress=None) -> list[Result]:
    """Grade every submission in ``submissions_folder``; with ``out``, write the reports there.

    ``jobs`` notebooks run at once (default: one per core), each within ``time_limit``
    seconds, while ``ahead`` fresh kernels start for the next ones (default: ``jobs``);
    ``check_time_limit`` sets the checkers' own limit (per step of a student's code, in the
    students' kernels). ``progress(result)`` is called as each submission finishes.
    """
    jobs = whole_number("jobs", jobs if jobs is not None else os.cpu_count() or 1, minimum=1,
                        advice="Pass how many notebooks may run at once (e.g. the number of cores).")
    ahead = whole_number("ahead", ahead if ahead is not None else jobs, minimum=0,
                         advice="Pass how many kernels to start ahead of need (0: start each when needed).")
    with _check_time_limit(check_time_limit):
        assignment = read_assignment(solution)
        todo = submissions(submissions_folder, roster)
        results = _run_async(_grade_all(assignment, todo, jobs, ahead, time_limit, progress))
    if out is not None:
        write_reports(assignment, results, out)
    return results

"""Every lesson notebook runs top to bottom in a fresh Jupyter kernel, within its time budget.

Each notebook gets its own kernel (nbclient), talking over Unix-domain sockets in a private
folder instead of TCP ports on 127.0.0.1 (the grader's ``kernel_manager``). Kernels started at
the same moment by parallel test workers (``pytest -n 2``) then cannot race for the same port,
which is how parallel notebook runs used to lose a message and stall (nbmake#129: "Address
already in use"). The client looks for each reply every quarter second (``notebook_client``),
so a lost zmq wake-up cannot make a cell wait out its whole ``TIMEOUT``.

The budget: a lesson runs in at most 60 s on two cores (``BUDGET``); the limit given to nbclient is
larger (``TIMEOUT``) so that a loaded machine reports a slow notebook as slow, not as a hang.
"""

from __future__ import annotations

import pathlib
import shutil
import tempfile
import time

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")

from microopt.exercises.assignment.kernels import kernel_manager, notebook_client  # noqa: E402 (after the importorskips)

FOLDER = pathlib.Path(__file__).resolve().parents[2] / "notebooks"
NOTEBOOKS = sorted(FOLDER.glob("[0-9][0-9]_*.ipynb"))
BUDGET = 60.0  # seconds per lesson on two cores, as the lessons promise
TIMEOUT = 300  # seconds per cell before nbclient gives up


def run_notebook(path: pathlib.Path, timeout: int = TIMEOUT) -> float:
    """Execute the notebook at ``path`` in a fresh kernel, in its own folder; return the seconds taken."""
    notebook = nbformat.read(str(path), as_version=4)
    sockets = tempfile.mkdtemp(prefix="mo-kernel-")  # short: a Unix socket path has ~100 characters
    try:
        # "immediate": the kernel is killed once the last cell has run (a polite shutdown waits
        # up to 5 s for a kernel that does not exit); nothing in it needs saving.
        client = notebook_client(notebook, km=kernel_manager(sockets), timeout=timeout, allow_errors=False,
                                 shutdown_kernel="immediate", resources={"metadata": {"path": str(path.parent)}})
        started = time.perf_counter()
        client.execute(cleanup_kc=True)  # nbclient shuts down only kernels it made itself, unless told to
        return time.perf_counter() - started
    finally:
        shutil.rmtree(sockets, ignore_errors=True)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_the_lesson_runs_top_to_bottom(path):
    seconds = run_notebook(path)
    print(f"{path.name}: {seconds:.1f} s")

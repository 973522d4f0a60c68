"""Run the longest tests first, so that both workers stay busy until the end; skip what Pyodide cannot run.

pytest-xdist's work stealing (``--dist worksteal`` in pyproject.toml) hands an idle worker
half of another's queue, but a long test that starts last still keeps the whole run waiting.
The lessons, the browser tests and end-to-end grading take seconds each; the other thousands
take milliseconds, so they fill in behind. The order inside each group, and so every module's
fixtures, stays pytest's own (the sort is stable).

Pyodide (CPython on WebAssembly, ``sys.platform == "emscripten"``, where tests/pyodide/ runs part
of this suite) has no subprocesses: ``subprocess.run`` raises ``OSError`` there, so tests marked
``needs_subprocess`` are skipped.
"""

from __future__ import annotations

import sys

import pytest

LONGEST_FIRST = (
    "tests/notebooks/test_run_notebooks.py",
    "tests/site/",
    "tests/exercises/test_assignment.py",
    "tests/bench/",
    "tests/cli/test_demo.py",
)


def _rank(item) -> int:
    for rank, prefix in enumerate(LONGEST_FIRST):
        if item.nodeid.startswith(prefix):
            return rank
    return len(LONGEST_FIRST)


def pytest_configure(config):
    config.addinivalue_line("markers", "needs_subprocess: starts a subprocess (skipped under Pyodide)")


def pytest_collection_modifyitems(config, items):
    items.sort(key=_rank)
    if sys.platform == "emscripten":
        skip = pytest.mark.skip(reason="needs a subprocess, and Pyodide (WebAssembly) has none")
        for item in items:
            if "needs_subprocess" in item.keywords:
                item.add_marker(skip)

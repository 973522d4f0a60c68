"""Run the longest tests first, so that both workers stay busy until the end.

pytest-xdist's work stealing (``--dist worksteal`` in pyproject.toml) hands an idle worker
half of another's queue, but a long test that starts last still keeps the whole run waiting.
The lessons, the browser tests and end-to-end grading take seconds each; the other thousands
take milliseconds, so they fill in behind. The order inside each group, and so every module's
fixtures, stays pytest's own (the sort is stable).
"""

from __future__ import annotations

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


def pytest_collection_modifyitems(items):
    items.sort(key=_rank)

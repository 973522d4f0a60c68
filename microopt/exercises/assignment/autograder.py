"""``autograder``: the assignment's checks as pytest tests, for GitHub Classroom (or any CI).

Writes into ``out``:

- ``tests/<name>_tests.ipynb``: the student notebook with the hidden tests kept (no solution:
  the same leak check as ``release``). It sits in the repository students clone, so in
  GitHub Classroom the "hidden" tests are readable there; keep them hidden by grading with
  ``microopt assignment grade`` instead when that matters.
- ``tests/test_<name>.py``: one pytest test per graded cell. The student's ``<name>.ipynb``
  (at the repository's root) runs once, in a fresh kernel, with the tests put back, exactly
  as ``grade`` does; each test passes when its cell ran without an error and fails with the
  checker's message.
- ``.github/classroom/autograding.json``: one GitHub Classroom test per graded cell, its
  points the cell's, its command ``python -m pytest 'tests/test_<name>.py::test_graded_cell[<cell>]'``.
"""

from __future__ import annotations

import json
import pathlib

from microopt.exercises.assignment.notebook import BEGIN_SOLUTION, END_SOLUTION, read_assignment
from microopt.exercises.assignment.release import SolutionLeak, secret_lines, student_notebook

TEST_FILE = '''"""Autograder of {name}: one test per graded cell (written by `microopt assignment autograder`)."""

import pathlib

import pytest

from microopt.exercises.assignment import grade_notebook

HERE = pathlib.Path(__file__).resolve().parent
TESTS = HERE / "{name}_tests.ipynb"
SUBMISSION = HERE.parent / "{name}.ipynb"
CELLS = {cells!r}  # graded cell -> points


def grade_submission():
    """The student's notebook, run once in a fresh kernel with the tests put back."""
    return grade_notebook(TESTS, SUBMISSION, time_limit={time_limit!r})


result = pytest.fixture(scope="module", name="result")(grade_submission)


@pytest.mark.parametrize("cell", list(CELLS))
def test_graded_cell(result, cell):
    graded = next(c for c in result.cells if c.key == cell)
    assert graded.points == graded.max_points, graded.message
'''


def autograder(solution, out, *, time_limit: float = 120.0) -> list[pathlib.Path]:
    """Write the tests notebook, the pytest file and GitHub Classroom's autograding.json."""
    import nbformat

    assignment = read_assignment(solution)
    notebook = student_notebook(assignment, keep_hidden_tests=True)
    text = nbformat.writes(notebook) + "\n".join(cell.source for cell in notebook.cells)
    leaked = next((line for line in secret_lines(assignment) if line in text), None)
    if leaked is not None or BEGIN_SOLUTION in text or END_SOLUTION in text:
        raise SolutionLeak(f"the tests notebook of {assignment.path.name} would contain the solution line "
                           f"{leaked!r}: mark every line of the answer as a solution.")
    out = pathlib.Path(out)
    tests = out / "tests"
    tests.mkdir(parents=True, exist_ok=True)
    written = [tests / f"{assignment.name}_tests.ipynb", tests / f"test_{assignment.name}.py",
               out / ".github" / "classroom" / "autograding.json"]
    written[0].write_text(nbformat.writes(notebook), encoding="utf-8")
    cells = {c.key: c.points for c in assignment.graded}
    written[1].write_text(TEST_FILE.format(name=assignment.name, cells=cells, time_limit=time_limit),
                          encoding="utf-8")
    written[2].parent.mkdir(parents=True, exist_ok=True)
    command = "python -m pytest 'tests/test_{name}.py::test_graded_cell[{key}]'"
    entries = [{"name": key, "setup": "", "run": command.format(name=assignment.name, key=key),
                "input": "", "output": "", "comparison": "included", "timeout": max(1, int(time_limit // 60) + 1),
                "points": points} for key, points in cells.items()]
    written[2].write_text(json.dumps({"tests": entries}, indent=2) + "\n", encoding="utf-8")
    return written

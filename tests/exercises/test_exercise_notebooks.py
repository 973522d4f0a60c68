"""The exercises: every solution passes its graded cells, every released template fails them
helpfully, the released notebooks are what the release tool makes of the solutions, and no
solution line is in them.

In-process runs (fast, and they say which cell failed); the kernel runs are in test_assignment.py.
"""

from __future__ import annotations

import contextlib
import importlib.util
import io
import pathlib

import nbformat
import pytest

from microopt.exercises.assignment import read_assignment, release
from microopt.exercises.assignment.notebook import points_of
from microopt.exercises.assignment.release import secret_lines

FOLDER = pathlib.Path(__file__).resolve().parents[2] / "notebooks" / "exercises"
SOLUTIONS = sorted((FOLDER / "solutions").glob("*_solution.ipynb"))
NAMES = [p.name.removesuffix("_solution.ipynb") for p in SOLUTIONS]


def _generator():
    spec = importlib.util.spec_from_file_location("make_notebooks", FOLDER / "make_notebooks.py")
    make = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(make)
    return make


def test_there_are_at_least_fourteen_exercises_and_the_generator_wrote_them(tmp_path):
    make = _generator()
    assert len(NAMES) >= 14 and sorted(make.NOTEBOOKS) == NAMES
    for name in NAMES:
        solution = FOLDER / "solutions" / f"{name}_solution.ipynb"
        built = nbformat.writes(make.build(make.NOTEBOOKS[name]))
        assert built.strip() == solution.read_text().strip(), f"rerun make_notebooks.py ({name})"
        released = release(solution, tmp_path)
        assert released.read_text() == (FOLDER / f"{name}.ipynb").read_text(), f"rerun make_notebooks.py ({name})"


def test_the_released_notebooks_contain_no_solution():
    students = sorted(FOLDER.glob("*.ipynb"))
    assert len(students) == len(NAMES) and not any("solution" in p.name for p in students)
    for name in NAMES:
        text = (FOLDER / f"{name}.ipynb").read_text()
        notebook = nbformat.reads(text, as_version=4)
        sources = "\n".join(cell.source for cell in notebook.cells)
        secrets = secret_lines(read_assignment(FOLDER / "solutions" / f"{name}_solution.ipynb"))
        assert secrets, name  # the test means something: each solution has lines to hide
        assert [s for s in secrets if s in text or s in sources] == [], name
        assert "BEGIN SOLUTION" not in text and "HIDDEN TESTS" not in text


def _cells(path):
    return [c for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code"]


@pytest.mark.parametrize("name", NAMES)
def test_the_solution_passes_every_graded_cell(name):
    namespace: dict = {}
    with contextlib.redirect_stdout(io.StringIO()):
        for cell in _cells(FOLDER / "solutions" / f"{name}_solution.ipynb"):
            exec(compile(cell.source, f"{name}: {cell.id}", "exec"), namespace)


@pytest.mark.parametrize("name", NAMES)
def test_the_template_fails_every_graded_cell_helpfully(name):
    namespace: dict = {}
    graded = 0
    with contextlib.redirect_stdout(io.StringIO()):
        for cell in _cells(FOLDER / f"{name}.ipynb"):
            code = compile(cell.source, f"{name}: {cell.id}", "exec")
            if "raise NotImplementedError" in cell.source:  # an answer still to write
                try:
                    exec(code, namespace)  # a function's stub raises when called, a top-level one now
                except NotImplementedError as error:
                    assert "TODO" in str(error)
                continue
            if points_of(cell) is None:
                exec(code, namespace)  # setup and demonstration cells run in the template too
                continue
            graded += 1
            with pytest.raises((AssertionError, NameError, NotImplementedError)) as info:
                exec(code, namespace)
            if info.type is AssertionError:
                assert "Hint: the TODO is not done yet" in str(info.value) or "no answer yet" in str(info.value)
    assert graded >= 1

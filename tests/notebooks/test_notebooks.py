"""The lesson notebooks: committed clean, well formed, and in step with the library's API.

Running them is ``tests/notebooks/test_run_notebooks.py`` (each in at most a minute on two cores, most in well
under half). These checks take a second and run with the rest of the tests:

- each notebook is valid nbformat 4 with the ``python3`` kernel and is committed without
  outputs or execution counts;
- it opens with a markdown title and ends with an "Exercises" section, one hint per exercise;
- every code cell is valid Python;
- every name a notebook imports from microopt exists, so a rename in the library fails here
  instead of in front of a student, and every ``check_*`` checker an exercise names exists;
- lessons 01-12 are there, no two notebooks share a number, and the README's "Notebooks" section
  lists every one.
"""

from __future__ import annotations

import ast
import importlib
import pathlib
import re

import pytest

nbformat = pytest.importorskip("nbformat")

NOTEBOOKS = sorted((pathlib.Path(__file__).resolve().parents[2] / "notebooks").glob("[0-9][0-9]_*.ipynb"))
README = pathlib.Path(__file__).resolve().parents[2] / "README.md"
# The lessons of notebooks 01-12; 13-18 are written by other owners and checked like these once they exist.
CORE = [
    "01_value_and_backprop.ipynb",
    "02_gradient_descent_and_learning_rate.ipynb",
    "03_momentum_rmsprop_adam.ipynb",
    "04_training_an_mlp_on_moons.ipynb",
    "05_overfitting_and_regularization.ipynb",
    "06_learning_rate_schedules.ipynb",
    "07_does_adam_converge_faster.ipynb",
    "08_stochastic_gradients_and_batch_size.ipynb",
    "09_conditioning_and_momentum.ipynb",
    "10_adaptive_methods_as_preconditioning.ipynb",
    "11_second_order_intuition.ipynb",
    "12_initialization_and_gradient_health.ipynb",
]


def _read(path: pathlib.Path):
    return nbformat.read(str(path), as_version=4)


def _code_cells(path: pathlib.Path) -> list[str]:
    return [cell.source for cell in _read(path).cells if cell.cell_type == "code"]


def test_the_lessons_are_there_numbered_once():
    names = [p.name for p in NOTEBOOKS]
    assert [name for name in CORE if name not in names] == []
    numbers = [int(name[:2]) for name in names]
    assert len(set(numbers)) == len(numbers), f"two notebooks share a number: {names}"
    assert all(1 <= n <= 18 for n in numbers), names


def test_readme_lists_every_lesson():
    section = README.read_text(encoding="utf-8").split("## Notebooks", 1)[1].split("\n## ", 1)[0]
    for path in NOTEBOOKS:
        assert f"`{path.stem}`" in section, f"README's Notebooks section does not list {path.stem}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_links_to_notebooks_resolve(path):
    # a lesson that sends the student to exercises/xyz.ipynb (or another lesson) must name a file that exists
    text = "\n".join(cell.source for cell in _read(path).cells if cell.cell_type == "markdown")
    for target in set(re.findall(r"\]\(([^)]+\.ipynb)\)", text)):
        assert (path.parent / target).is_file(), f"{path.name} links to {target}, which does not exist"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_named_checkers_exist(path):
    # an exercise that sends the student to microopt.exercises.check_xyz must name a real checker
    exercises = importlib.import_module("microopt.exercises")
    text = "\n".join(cell.source for cell in _read(path).cells)
    for name in set(re.findall(r"\bcheck_[a-z_]+(?=\()", text)):
        assert hasattr(exercises, name), f"{path.name} mentions {name}, which microopt.exercises does not have"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_valid_and_committed_without_outputs(path):
    nb = _read(path)
    nbformat.validate(nb)
    assert nb.metadata["kernelspec"]["name"] == "python3"
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "code":
            assert cell.outputs == [], f"{path.name} cell {i} has outputs: clear them before committing"
            assert cell.execution_count is None, f"{path.name} cell {i} has an execution count"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_reads_like_a_lesson(path):
    cells = _read(path).cells
    assert cells[0].cell_type == "markdown" and cells[0].source.startswith("# "), "starts with a title"
    assert cells[0].source.startswith(f"# {int(path.name[:2])}. "), "the title carries the lesson number"
    exercises = [c for c in cells if c.cell_type == "markdown" and "## Exercises" in c.source]
    assert len(exercises) == 1 and exercises[0] is cells[-1], "ends with one Exercises section"
    items = re.findall(r"^\d+\. ", exercises[0].source.split("## Exercises", 1)[1], flags=re.MULTILINE)
    hints = exercises[0].source.count("*Hint:*")
    assert len(items) >= 3 and hints == len(items), f"{len(items)} exercises but {hints} hints"
    # a lesson explains: at least a third of its cells are markdown
    assert sum(c.cell_type == "markdown" for c in cells) >= len(cells) // 3


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_code_cells_are_valid_python(path):
    for i, source in enumerate(_code_cells(path)):
        try:
            ast.parse(source)
        except SyntaxError as error:
            pytest.fail(f"{path.name}, code cell {i}: {error}")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_microopt_import_exists(path):
    checked = 0
    for source in _code_cells(path):
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "microopt":
                module = importlib.import_module(node.module)
                for alias in node.names:
                    assert hasattr(module, alias.name), f"{path.name}: from {node.module} import {alias.name}"
                    checked += 1
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name.split(".")[0] == "microopt":
                        importlib.import_module(alias.name)
                        checked += 1
    assert checked > 0, f"{path.name} imports nothing from microopt"

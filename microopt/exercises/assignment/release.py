"""``release``: the student notebook, from the solution notebook, with no solution in it.

Each solution region becomes a stub (``raise NotImplementedError`` with a TODO, indented
like the region, so a region inside a method stays a method body), hidden tests are removed,
outputs and execution counts cleared. Cell ids and metadata are kept: the grader matches a
student's cells to the teacher's by them.

Before writing, the release is searched for every line of every solution region that does
not also appear outside the solutions (``import math`` may; ``m_hat = m / (1 - beta1 ** t)``
may not). One found anywhere in the file (a markdown cell, a leftover output, metadata)
refuses the release: ``SolutionLeak``, naming the line.
"""

from __future__ import annotations

import copy
import pathlib

from microopt.exercises.assignment.notebook import (BEGIN_HIDDEN, BEGIN_SOLUTION, CODE_STUB, END_HIDDEN,
                                                    END_SOLUTION, MARKDOWN_STUB, Assignment, read_assignment,
                                                    regions, replace_regions)


class SolutionLeak(ValueError):
    """The student notebook would still contain a line of the teacher's solution."""


def student_notebook(assignment: Assignment, *, keep_hidden_tests: bool = False):
    """The released notebook (a new NotebookNode); ``keep_hidden_tests`` for autograder copies."""
    notebook = copy.deepcopy(assignment.notebook)
    for index, cell in enumerate(notebook.cells):
        where = f"{assignment.path.name}, cell {index + 1}"
        stub = CODE_STUB if cell.cell_type == "code" else MARKDOWN_STUB
        cell.source = replace_regions(cell.source, BEGIN_SOLUTION, END_SOLUTION, where, stub)
        if not keep_hidden_tests:
            cell.source = replace_regions(cell.source, BEGIN_HIDDEN, END_HIDDEN, where, None).rstrip("\n")
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    return notebook


def secret_lines(assignment: Assignment) -> list[str]:
    """Lines of the solutions that appear nowhere else in the solution notebook."""
    inside, outside = [], set()
    for index, cell in enumerate(assignment.notebook.cells):
        lines = cell.source.split("\n")
        spans = regions(cell.source, BEGIN_SOLUTION, END_SOLUTION, f"cell {index + 1}")
        hidden = {n for a, b in regions(cell.source, BEGIN_HIDDEN, END_HIDDEN, "") for n in range(a, b + 1)}
        solution = {n for a, b in spans for n in range(a + 1, b)}
        for number, line in enumerate(lines):
            text = line.strip()
            if number in solution:
                inside.append(text)
            elif number not in hidden:
                outside.add(text)
    return [line for line in dict.fromkeys(inside)
            if any(ch.isalnum() for ch in line) and not line.startswith("#") and line not in outside]


def check_no_leak(assignment: Assignment, text: str) -> None:
    for line in secret_lines(assignment):
        if line in text:
            raise SolutionLeak(
                f"the student version of {assignment.path.name} would contain the solution line {line!r}. "
                "Put every line of the answer between '### BEGIN SOLUTION' and '### END SOLUTION' (and not "
                "in a markdown or test cell), then release again.")
    for marker in (BEGIN_SOLUTION, END_SOLUTION, BEGIN_HIDDEN, END_HIDDEN):
        if marker in text:
            raise SolutionLeak(f"the student version of {assignment.path.name} still contains {marker!r}.")


def release(solution, out) -> pathlib.Path:
    """Write the student notebook of ``solution`` into the folder ``out``; return its path."""
    import nbformat

    assignment = read_assignment(solution)
    notebook = student_notebook(assignment)
    text = nbformat.writes(notebook)
    check_no_leak(assignment, text + "\n".join(cell.source for cell in notebook.cells))  # JSON escapes quotes
    out = pathlib.Path(out)
    out.mkdir(parents=True, exist_ok=True)
    target = out / f"{assignment.name}.ipynb"
    if target.resolve() == assignment.path.resolve():
        raise SolutionLeak(f"release would overwrite the solution {assignment.path}: choose another --out folder.")
    target.write_text(text, encoding="utf-8")
    return target

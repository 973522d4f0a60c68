"""Reading a solution notebook: its solution regions, hidden tests and graded cells.

A cell is identified by nbgrader's ``grade_id`` when it has one, else by its nbformat cell
``id`` (kept by the release, so a student's cell is matched to the teacher's even when the
student adds cells of their own).
"""

from __future__ import annotations

import pathlib
import re
from dataclasses import dataclass, field

BEGIN_SOLUTION, END_SOLUTION = "### BEGIN SOLUTION", "### END SOLUTION"
BEGIN_HIDDEN, END_HIDDEN = "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"
POINTS = re.compile(r"^\s*#\s*points\s*:\s*([0-9]+(?:\.[0-9]+)?)\s*$", re.MULTILINE)
CODE_STUB = '# TODO: your code here\nraise NotImplementedError("TODO: replace this line with your code")'
MARKDOWN_STUB = "YOUR ANSWER HERE"


class AssignmentError(ValueError):
    """A solution notebook whose markers cannot be read (says which cell and what to fix)."""


@dataclass(frozen=True)
class GradedCell:
    key: str  # grade_id or cell id: the column of grades.csv
    index: int  # position in the solution notebook
    points: float
    source: str  # the test code, hidden tests included (markers removed)


@dataclass
class Assignment:
    """A solution notebook, read: its path, the notebook, and its graded cells in order."""

    path: pathlib.Path
    notebook: object
    graded: list[GradedCell] = field(default_factory=list)

    @property
    def name(self) -> str:
        """The student notebook's name: the solution's, without ``_solution``."""
        return re.sub(r"[_-]solution$", "", self.path.stem)

    @property
    def max_points(self) -> float:
        return sum(cell.points for cell in self.graded)


def cell_key(cell, index: int) -> str:
    grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
    return str(grade_id or cell.get("id") or f"cell-{index}")


def regions(source: str, begin: str, end: str, where: str) -> list[tuple[int, int]]:
    """(first, last) line numbers of each ``begin``...``end`` region, markers included."""
    lines, found, start = source.split("\n"), [], None
    for number, line in enumerate(lines):
        text = line.strip()
        if text == begin:
            if start is not None:
                raise AssignmentError(f"{where}: '{begin}' twice without '{end}' between (line {number + 1}).")
            start = number
        elif text == end:
            if start is None:
                raise AssignmentError(f"{where}: '{end}' without '{begin}' before it (line {number + 1}).")
            found.append((start, number))
            start = None
    if start is not None:
        raise AssignmentError(f"{where}: '{begin}' (line {start + 1}) has no '{end}'. Close the region.")
    return found


def replace_regions(source: str, begin: str, end: str, where: str, stub: str | None) -> str:
    """``source`` with each region replaced by ``stub`` (indented like the marker), or removed."""
    lines = source.split("\n")
    for first, last in reversed(regions(source, begin, end, where)):
        indent = lines[first][: len(lines[first]) - len(lines[first].lstrip())]
        replacement = [indent + line for line in stub.split("\n")] if stub is not None else []
        lines[first:last + 1] = replacement
    return "\n".join(lines)


def strip_markers(source: str, begin: str, end: str) -> str:
    """``source`` with the marker lines removed and what they enclose kept."""
    return "\n".join(line for line in source.split("\n") if line.strip() not in (begin, end))


def is_solution(cell) -> bool:
    return BEGIN_SOLUTION in cell.source or bool(cell.get("metadata", {}).get("nbgrader", {}).get("solution"))


def points_of(cell) -> float | None:
    """The cell's points, from nbgrader's metadata or a ``# points: N`` line; None: not graded."""
    meta = cell.get("metadata", {}).get("nbgrader", {})
    if meta.get("grade") and "points" in meta:
        return float(meta["points"])
    match = POINTS.search(cell.source) if cell.cell_type == "code" else None
    return float(match.group(1)) if match else None


def read_assignment(path) -> Assignment:
    """Read a solution notebook; raise ``AssignmentError`` for markers that do not pair up."""
    import nbformat

    path = pathlib.Path(path)
    try:
        notebook = nbformat.read(path, as_version=4)
    except FileNotFoundError:
        raise
    except Exception as error:
        raise AssignmentError(f"{path} is not a readable notebook: {error}") from None
    assignment = Assignment(path, notebook)
    for index, cell in enumerate(notebook.cells):
        where = f"{path.name}, cell {index + 1}"
        regions(cell.source, BEGIN_SOLUTION, END_SOLUTION, where)
        regions(cell.source, BEGIN_HIDDEN, END_HIDDEN, where)
        points = points_of(cell)
        if points is not None:
            source = strip_markers(cell.source, BEGIN_HIDDEN, END_HIDDEN)
            assignment.graded.append(GradedCell(cell_key(cell, index), index, points, source))
    keys = [c.key for c in assignment.graded]
    if len(set(keys)) != len(keys):
        raise AssignmentError(f"{path.name}: two graded cells share an id ({keys}). Give each its own grade_id.")
    if not assignment.graded:
        raise AssignmentError(f"{path.name} has no graded cell: mark a test cell with '# points: N' "
                              "(or nbgrader's metadata).")
    return assignment

"""The reports of a graded class: ``grades.csv``, ``feedback/<student>.md`` and ``summary.html``."""

from __future__ import annotations

import csv
import html
import pathlib
import statistics
from typing import TYPE_CHECKING

from microopt.exercises.assignment.notebook import Assignment

if TYPE_CHECKING:  # only for the annotations: grade imports this module to write its reports
    from microopt.exercises.assignment.grade import Result


def _number(x: float) -> str:
    return f"{x:g}"


def write_reports(assignment: Assignment, results: list[Result], out) -> pathlib.Path:
    """Write the three reports into the folder ``out``; return it."""
    out = pathlib.Path(out)
    (out / "feedback").mkdir(parents=True, exist_ok=True)
    keys = [c.key for c in assignment.graded]
    with open(out / "grades.csv", "w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(["student", *keys, "total", "max"])
        for result in results:
            points = {c.key: c.points for c in result.cells}
            writer.writerow([result.student, *(_number(points.get(k, 0.0)) for k in keys),
                             _number(result.total), _number(assignment.max_points)])
    for result in results:
        (out / "feedback" / f"{result.student}.md").write_text(feedback(assignment, result), encoding="utf-8")
    (out / "summary.html").write_text(summary_html(assignment, results), encoding="utf-8")
    return out


def feedback(assignment: Assignment, result: Result) -> str:
    """One student's feedback: the score, and for each graded cell what the checks said."""
    lines = [f"# {assignment.name}: feedback for {result.student}", "",
             f"**Score: {_number(result.total)} / {_number(assignment.max_points)}**", ""]
    if result.problem:
        lines += [f"Problem with the submission: {result.problem}.", ""]
    for cell in result.cells:
        mark = "passed" if cell.points == cell.max_points else "failed"
        lines.append(f"## {cell.key}: {_number(cell.points)} / {_number(cell.max_points)} ({mark})")
        if cell.message:
            lines += ["", "```", cell.message, "```"]
        lines.append("")
    if result.errors:
        lines += ["## Errors in your own cells", "", *(f"- {e.splitlines()[0]}" for e in result.errors), ""]
    return "\n".join(lines)


def summary_html(assignment: Assignment, results: list[Result]) -> str:
    """A table: one row per student, one column per graded cell, the mean of each column."""
    keys = [c.key for c in assignment.graded]
    head = "".join(f"<th>{html.escape(k)}</th>" for k in keys)
    rows = []
    for result in results:
        points = {c.key: c for c in result.cells}
        cells = "".join(
            f'<td class="{"ok" if points[k].points == points[k].max_points else "no"}" '
            f'title="{html.escape(points[k].message.splitlines()[0] if points[k].message else "")}">'
            f"{_number(points[k].points)}</td>" for k in keys)
        rows.append(f"<tr><td>{html.escape(result.student)}</td>{cells}<td>{_number(result.total)}</td>"
                    f"<td>{html.escape(result.problem)}</td></tr>")
    means = "".join(f"<td>{statistics.fmean(next(c.points for c in r.cells if c.key == k) for r in results):.2f}</td>"
                    for k in keys) if results else ""
    total_mean = f"{statistics.fmean(r.total for r in results):.2f}" if results else ""
    return f"""<!doctype html>
<html><head><meta charset="utf-8"><title>{html.escape(assignment.name)}: grades</title>
<style>body{{font-family:sans-serif}} table{{border-collapse:collapse}} td,th{{border:1px solid #ccc;padding:4px 8px}}
td.ok{{background:#e6f4ea}} td.no{{background:#fce8e6}}</style></head><body>
<h1>{html.escape(assignment.name)}</h1>
<p>{len(results)} submissions, {_number(assignment.max_points)} points; hover a cell for the checker's message,
the students' feedback files have it in full.</p>
<table><tr><th>student</th>{head}<th>total</th><th>problem</th></tr>
{chr(10).join(rows)}
<tr><th>mean</th>{means}<td>{total_mean}</td><td></td></tr></table>
</body></html>
"""

"""The teacher's workflow: release never leaks, grade runs a small generated class end to end.

The class is the benchmark's (microopt.exercises.assignment.benchmark), cut to a handful of
students so the kernels (about 2 s each) keep the test short.
"""

from __future__ import annotations

import csv
import json
import pathlib

import nbformat
import pytest

from microopt.cli.main import main
from microopt.exercises.assignment import grade, read_assignment, release
from microopt.exercises.assignment.benchmark import kinds, write_class
from microopt.exercises.assignment.notebook import AssignmentError
from microopt.exercises.assignment.release import SolutionLeak

ADAM = pathlib.Path(__file__).resolve().parents[2] / "notebooks" / "exercises" / "solutions" / "08_adam_solution.ipynb"


def _notebook(path, *sources):
    nb = nbformat.v4.new_notebook()
    nb.metadata = {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"}}
    nb.cells = [nbformat.v4.new_markdown_cell(s[3:]) if s.startswith("md:") else nbformat.v4.new_code_cell(s)
                for s in sources]
    for i, cell in enumerate(nb.cells):
        cell.id = f"c{i}"
    nbformat.write(nb, path)
    return path


def test_release_replaces_solutions_removes_hidden_tests_and_clears_outputs(tmp_path, capsys):
    solution = _notebook(tmp_path / "hw_solution.ipynb",
                         "def double(x):\n    ### BEGIN SOLUTION\n    return 2 * x\n    ### END SOLUTION",
                         "# points: 2\nassert double(3) == 6\n### BEGIN HIDDEN TESTS\nassert double(-1) == -2\n"
                         "### END HIDDEN TESTS")
    nb = nbformat.read(solution, as_version=4)
    nb.cells[0].outputs = [nbformat.v4.new_output("stream", text="6\n")]
    nb.cells[0].execution_count = 3
    nbformat.write(nb, solution)
    assert main(["assignment", "release", str(solution), "--out", str(tmp_path / "out")]) == 0
    assert capsys.readouterr().out == f"wrote {tmp_path / 'out' / 'hw.ipynb'}\n"
    released = nbformat.read(tmp_path / "out" / "hw.ipynb", as_version=4)
    assert released.cells[0].source == ('def double(x):\n    # TODO: your code here\n'
                                        '    raise NotImplementedError("TODO: replace this line with your code")')
    assert released.cells[1].source == "# points: 2\nassert double(3) == 6"
    assert released.cells[0].outputs == [] and released.cells[0].execution_count is None
    assert [c.id for c in released.cells] == ["c0", "c1"]  # the grader matches cells by id


def test_release_refuses_to_write_a_solution_line_and_unpaired_markers(tmp_path):
    leaky = _notebook(tmp_path / "leaky_solution.ipynb",
                      "md:Hint: the answer is `return 2 * x`",
                      "def double(x):\n    ### BEGIN SOLUTION\n    return 2 * x\n    ### END SOLUTION",
                      "# points: 1\nassert double(1) == 2")
    with pytest.raises(SolutionLeak, match="would contain the solution line 'return 2 \\* x'"):
        release(leaky, tmp_path / "out")
    assert not (tmp_path / "out" / "leaky.ipynb").exists()
    unclosed = _notebook(tmp_path / "open_solution.ipynb", "### BEGIN SOLUTION\nx = 1", "# points: 1\nassert x")
    with pytest.raises(AssignmentError, match=r"cell 1: '### BEGIN SOLUTION' \(line 1\) has no '### END SOLUTION'"):
        release(unclosed, tmp_path / "out")
    assert main(["assignment", "release", str(unclosed), "--out", str(tmp_path / "out")]) == 1
    ungraded = _notebook(tmp_path / "nothing_solution.ipynb", "x = 1")
    with pytest.raises(AssignmentError, match="has no graded cell"):
        read_assignment(ungraded)


def test_the_generated_class_covers_every_kind():
    names = [kind for kind, _ in kinds(ADAM)]
    assert names[:2] == ["correct, state as a dict of lists", "correct, state per parameter"]
    assert {"crash", "infinite loop in adam_update", "loops at top level", "empty notebook", "not a notebook",
            "wrong default betas", "step count starting at 0", "g not squared", "used the previous m",
            "microopt's Adam pasted (update style)", "microopt's Adam pasted (step style)"} <= set(names)


def test_grade_end_to_end_scores_every_student(tmp_path, monkeypatch):
    monkeypatch.setenv("MICROOPT_CHECK_TIME_LIMIT", "0.5")  # the looping student's check gives up after 0.5 s
    everyone = dict(kinds())
    chosen = ["correct, state as a dict of lists", "eps inside sqrt", "microopt's Adam pasted (update style)",
              "infinite loop in adam_update", "crash", "empty notebook", "not a notebook"]
    # few kernels: the other styles and mistakes are checked in process (test_mistake_catalogue)
    roster = write_class(ADAM, tmp_path / "all", len(everyone))
    folder = tmp_path / "submissions"
    folder.mkdir()
    for path in (tmp_path / "all").iterdir():
        if roster[path.stem] in chosen:
            path.rename(folder / path.name)
    assert main(["assignment", "grade", str(ADAM), str(folder), "--out", str(tmp_path / "report"),
                 "--time-limit", "30", "--jobs", "2"]) == 0
    with open(tmp_path / "report" / "grades.csv", newline="") as file:
        rows = {row["student"]: row for row in csv.DictReader(file)}
    by_kind = {roster[student]: row for student, row in rows.items()}
    assert set(by_kind) == set(chosen)
    maximum = read_assignment(ADAM).max_points
    assert all(float(row["max"]) == maximum for row in rows.values())
    # 3 + 2 points for the checks of adam_init/adam_update, 1 for the prediction of the first step
    assert float(by_kind["correct, state as a dict of lists"]["total"]) == maximum == 6
    # eps inside the square root shows on the flat bowl: both checks fail, the prediction holds
    assert float(by_kind["eps inside sqrt"]["total"]) == 1
    # the library's own Adam class is not what the assignment asks for: only the prediction scores
    assert float(by_kind["microopt's Adam pasted (update style)"]["total"]) == 1
    assert float(by_kind["infinite loop in adam_update"]["total"]) == 1
    for kind in ("crash", "empty notebook", "not a notebook"):
        assert float(by_kind[kind]["total"]) == 0
    student = {kind: s for s, kind in roster.items()}
    feedback = (tmp_path / "report" / "feedback" / f"{student['eps inside sqrt']}.md").read_text()
    assert "Hint: eps sits outside the square root" in feedback and "**Score: 1 / 6**" in feedback
    looping = (tmp_path / "report" / "feedback" / f"{student['infinite loop in adam_update']}.md").read_text()
    assert "adam_update() did not finish within 0.5 s at step 1" in looping
    assert "adam_update is not checked again" in looping  # the second check fails at once
    pasted = student["microopt's Adam pasted (update style)"]
    pasted = (tmp_path / "report" / "feedback" / f"{pasted}.md").read_text()
    assert "NameError: name 'adam_init' is not defined" in pasted
    assert "kernel died" in (tmp_path / "report" / "feedback" / f"{student['crash']}.md").read_text()
    assert "not a notebook" in (tmp_path / "report" / "feedback" / f"{student['not a notebook']}.md").read_text()
    summary = (tmp_path / "report" / "summary.html").read_text()
    assert summary.count("<tr><td>student") == len(chosen)


def test_a_missing_student_on_the_roster_gets_zero_without_a_kernel(tmp_path):
    (tmp_path / "subs").mkdir()
    results = grade(ADAM, tmp_path / "subs", tmp_path / "report", roster=["absent"], jobs=1)
    assert [(r.student, r.total, r.problem) for r in results] == [("absent", 0.0, "no submission")]


def test_grade_runs_from_inside_a_running_event_loop_as_in_a_notebook(tmp_path):
    """Jupyter runs a teacher's cells inside an event loop: grade then runs its own in a thread."""
    import asyncio

    (tmp_path / "subs").mkdir()

    async def in_a_notebook():
        return grade(ADAM, tmp_path / "subs", roster=["absent"], jobs=1)

    [result] = asyncio.run(in_a_notebook())
    assert (result.student, result.total, result.problem) == ("absent", 0.0, "no submission")


def test_the_autograder_writes_pytest_tests_and_githubs_autograding_json(tmp_path):
    assert main(["assignment", "autograder", str(ADAM), "--out", str(tmp_path)]) == 0
    tests = nbformat.read(tmp_path / "tests" / "08_adam_tests.ipynb", as_version=4)
    text = "\n".join(c.source for c in tests.cells)
    assert "### BEGIN HIDDEN TESTS" in text and "m_hat = m[-1] / (1 - beta1 ** t)" not in text
    config = json.loads((tmp_path / ".github" / "classroom" / "autograding.json").read_text())
    assert [t["points"] for t in config["tests"]] == [3, 2, 1]
    assert config["tests"][0]["run"] == "python -m pytest 'tests/test_08_adam.py::test_graded_cell[cell-3]'"
    assert "grade_notebook(TESTS, SUBMISSION" in (tmp_path / "tests" / "test_08_adam.py").read_text()


def test_the_autograders_pytest_file_runs_the_submission_once_and_fails_cell_by_cell(tmp_path):
    """The generated file's wiring (the kernel run itself is grade_notebook, tested end to end above)."""
    from microopt.exercises.assignment.grade import CellResult, Result

    main(["assignment", "autograder", str(ADAM), "--out", str(tmp_path)])
    namespace = {"__file__": str(tmp_path / "tests" / "test_08_adam.py")}
    exec((tmp_path / "tests" / "test_08_adam.py").read_text(), namespace)
    calls = []

    def fake_grade(tests, submission, time_limit):
        calls.append((tests, submission, time_limit))
        return Result("me", [CellResult("cell-3", 3, 3), CellResult("cell-4", 0, 2, "AssertionError: Hint: eps ..."),
                             CellResult("cell-7", 1, 1)])

    namespace["grade_notebook"] = fake_grade
    result = namespace["grade_submission"]()
    assert calls == [(tmp_path / "tests" / "08_adam_tests.ipynb", tmp_path / "08_adam.ipynb", 120.0)]
    assert list(namespace["CELLS"]) == ["cell-3", "cell-4", "cell-7"]
    namespace["test_graded_cell"](result, "cell-3")
    with pytest.raises(AssertionError, match="Hint: eps"):
        namespace["test_graded_cell"](result, "cell-4")


def test_a_cell_stopped_by_the_notebooks_time_limit_scores_nothing(tmp_path):
    """The cell nbclient stops has no error output: it must not count as passed (nor any after it).

    The kernel is the grader's lean one: ipykernel without its debugger (debugpy not imported).
    """
    solution = _notebook(tmp_path / "slow_solution.ipynb",
                         "### BEGIN SOLUTION\nx = 1\n### END SOLUTION",
                         "# points: 1\nimport sys\nassert sys.modules.get('debugpy') is None",
                         "# points: 2\nwhile x:\n    pass", "# points: 1\nassert x == 1")
    (tmp_path / "subs").mkdir()
    release(solution, tmp_path / "subs")
    nb = nbformat.read(tmp_path / "subs" / "slow.ipynb", as_version=4)
    nb.cells[0].source = "x = 1"
    nbformat.write(nb, tmp_path / "subs" / "slow.ipynb")
    [result] = grade(solution, tmp_path / "subs", jobs=1, time_limit=1)
    assert [(c.points, c.message) for c in result.cells] == [
        (1.0, ""),
        (0.0, "did not finish: the notebook ran past its time limit of 1 s (in cell 3)"),
        (0.0, "did not finish: the notebook ran past its time limit of 1 s (in cell 3)")]
    assert result.kernel_start > 0 and 1 <= result.seconds < 10

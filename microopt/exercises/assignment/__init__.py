"""A teacher's workflow, from one solution notebook to grades for a whole class.

Authoring follows nbgrader's markers, so notebooks written for nbgrader work here:

- ``### BEGIN SOLUTION`` / ``### END SOLUTION`` inside a code cell (or a markdown cell)
  around the teacher's answer;
- ``### BEGIN HIDDEN TESTS`` / ``### END HIDDEN TESTS`` around checks students do not see;
- a graded cell carries its points: nbgrader's cell metadata (``"nbgrader": {"grade": true,
  "points": 2, "grade_id": ...}``) or a comment line ``# points: 2``. A graded cell scores
  its points when it runs without an error, nothing otherwise (nbgrader's autograder tests).

Then:

- ``release(solution, out)``: the student notebook (``release.py``);
- ``grade(solution, submissions, out)``: every submission run in its own fresh kernel,
  hidden tests put back, ``grades.csv``, one feedback file per student and ``summary.html``
  (``grade.py``, ``report.py``);
- ``autograder(solution, out)``: the same checks as pytest tests, for GitHub Classroom
  (``autograder.py``).

``microopt assignment release|grade|autograder|benchmark`` are the same, from the shell.
"""

from microopt.exercises.assignment.grade import grade, grade_notebook
from microopt.exercises.assignment.notebook import Assignment, read_assignment
from microopt.exercises.assignment.release import release

__all__ = ["Assignment", "read_assignment", "release", "grade", "grade_notebook"]

"""ruff over the whole repository, notebooks included, with the configuration in pyproject.toml:
no finding allowed.

The same check a reader can run: ``ruff check .`` from the root. Notebook cells are linted like
modules (ruff reads ``.ipynb``); the few rules they relax are in ``pyproject.toml``'s
``per-file-ignores``, each with its reason (one-line demonstrations in the lessons; the stubs of
the released exercise templates).
"""

from __future__ import annotations

import pathlib
import shutil
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent


def ruff() -> list[str]:
    """The ruff command: the one next to this interpreter (the venv's), else the one on PATH."""
    beside = pathlib.Path(sys.executable).with_name("ruff")
    if beside.is_file():
        return [str(beside)]
    found = shutil.which("ruff")
    assert found, "ruff is not installed: pip install -e '.[dev]' (the test extra has it)"
    return [found]


def test_ruff_finds_nothing_in_the_python_files_and_the_notebooks():
    result = subprocess.run([*ruff(), "check", "--output-format", "concise", "--no-cache", str(ROOT)],
                            capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert result.returncode == 0, f"ruff check found problems:\n{result.stdout}{result.stderr}"


def test_the_notebooks_are_in_what_ruff_reads():
    """A notebook left out of the check (an exclude, a changed default) would pass unread."""
    notebooks = sorted(ROOT.glob("notebooks/**/*.ipynb"))
    assert notebooks, "no notebooks found"
    result = subprocess.run([*ruff(), "check", "--show-files", str(ROOT)], capture_output=True, text=True,
                            cwd=ROOT, timeout=120)
    shown = {pathlib.Path(line.strip()).resolve() for line in result.stdout.splitlines() if line.strip()}
    assert [str(nb.relative_to(ROOT)) for nb in notebooks if nb.resolve() not in shown] == []

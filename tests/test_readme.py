"""Every ```python block of README.md runs as written, each in a fresh interpreter.

A newcomer pastes one block at a time into a new Python session, so each block must define
everything it uses (no ``data`` or ``MyAdam`` from nowhere). The blocks run in a temporary
folder (some write files there) with matplotlib's non-interactive backend.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[1] / "README.md"
BLOCKS = re.findall(r"^```python\n(.*?)^```", README.read_text(), flags=re.S | re.M)


def test_the_readme_has_python_examples():
    assert len(BLOCKS) >= 4


@pytest.mark.parametrize("number", range(len(BLOCKS)), ids=lambda n: f"block{n + 1}")
def test_each_block_runs_in_a_fresh_interpreter(number, tmp_path):
    env = {**os.environ, "MPLBACKEND": "Agg", "TQDM_DISABLE": "1",
           "PYTHONPATH": os.pathsep.join([str(README.parent), os.environ.get("PYTHONPATH", "")])}
    result = subprocess.run([sys.executable, "-c", BLOCKS[number]], cwd=tmp_path, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, f"README block {number + 1} failed:\n{BLOCKS[number]}\n{result.stderr}"


def test_ci_runs_the_quick_starts_test_command():
    """The quick start's second command, step by step, is what `.ci/run` runs: nothing hidden."""
    quick_start = re.search(r"^## Quick start\n.*?^```bash\n(.*?)^```", README.read_text(), flags=re.S | re.M)
    test_command = quick_start.group(1).splitlines()[1]
    ci_lines = [line.strip() for line in (README.parent / ".ci" / "run").read_text().splitlines()]
    steps = test_command.split(" && ")
    assert steps[-1] == ".venv/bin/pytest" and ".venv/bin/pytest" in ci_lines
    assert " && ".join(steps[:-1]) in ci_lines, f"`.ci/run` does not set up as the README says: {test_command}"

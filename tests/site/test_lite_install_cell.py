"""The install cell under the title of every lesson and exercise: present, and harmless where microopt is.

``microopt.site.lite.INSTALL_CELL`` is its one source (notebooks/exercises/make_notebooks.py writes
it into the exercises). Run in CPython here, with a stand-in IPython that records what it is asked;
tests/site/test_lite.py runs it for real in JupyterLite, where it installs microopt with piplite.
"""

import builtins
import json
import pathlib
import sys
import types

import pytest

from microopt.site.lite import INSTALL_CELL, INSTALL_CELL_ID

ROOT = pathlib.Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted([*ROOT.glob("notebooks/*.ipynb"), *ROOT.glob("notebooks/exercises/*.ipynb"),
                    *ROOT.glob("notebooks/exercises/solutions/*.ipynb")])


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_notebook_installs_microopt_in_its_first_code_cell(path):
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    first_code = next(cell for cell in cells if cell["cell_type"] == "code")
    assert cells[0]["cell_type"] == "markdown" and first_code is cells[1], "the title, then the install cell"
    assert first_code["id"] == INSTALL_CELL_ID and "".join(first_code["source"]) == INSTALL_CELL


class RecordingIPython:
    def __init__(self):
        self.magics = []

    def run_line_magic(self, name, line):
        self.magics.append((name, line))


@pytest.fixture
def ipython(monkeypatch):
    shell = RecordingIPython()
    monkeypatch.setitem(sys.modules, "IPython", types.SimpleNamespace(get_ipython=lambda: shell))
    return shell


def test_with_microopt_installed_the_cell_does_nothing(ipython):
    exec(INSTALL_CELL, {})
    assert ipython.magics == []


def test_without_microopt_the_cell_runs_pip_install(ipython, monkeypatch):
    real_import = builtins.__import__

    def no_microopt(name, *args, **kwargs):
        if name == "microopt":
            raise ImportError("No module named 'microopt'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_microopt)
    exec(INSTALL_CELL, {})
    assert ipython.magics == [("pip", "install microopt ipywidgets")]

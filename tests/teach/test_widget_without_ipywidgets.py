"""steps.widget() without ipywidgets says which extra to install; show() still works without it."""

from __future__ import annotations

import sys

import pytest

from microopt import Value
from microopt.teach import step_through


def test_widget_names_the_notebooks_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "ipywidgets", None)  # `import ipywidgets` now raises ImportError
    steps = step_through(Value(2.0) * Value(3.0))
    with pytest.raises(ImportError, match=r"pip install microopt\[notebooks\]"):
        steps.widget()

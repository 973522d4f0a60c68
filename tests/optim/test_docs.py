"""help(Adam) shows the update equations and the paper, for every registered optimizer and schedule.

The equation lines are not copied from the docstrings: they are the quantities that
``update`` computes (the names tests/optim/test_update_contract.py reads from its locals),
each of which must appear as ``name ← ...`` in the class docstring, ending with θ ← θ - update.
"""

from __future__ import annotations

import pydoc

import pytest

from microopt.optim import OPTIMIZERS
from microopt.optim.lr_scheduler import SCHEDULERS
from tests.optim.test_update_contract import CASES as CONTRACT_CASES

QUANTITIES = {}
for name, _, quantities in CONTRACT_CASES:
    QUANTITIES.setdefault(name, set()).update(quantities)


def shown_by_help(cls) -> str:
    return pydoc.render_doc(cls, renderer=pydoc.plaintext)


def words(text: str) -> str:
    """The text as one line of words, without pydoc's " |  " margin."""
    return " ".join(word for word in text.split() if word != "|")


@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_help_shows_the_update_equations_and_the_paper(name):
    spec = OPTIMIZERS[name]
    shown = shown_by_help(spec.cls)
    class_doc = spec.cls.__doc__
    assert words(spec.paper) in words(class_doc) and words(spec.paper) in words(shown)
    equation_lines = [line.strip() for line in class_doc.splitlines() if "←" in line]
    for quantity in QUANTITIES[name]:
        assert any(line.startswith(f"{quantity} ←") for line in equation_lines), f"{name}: no line for {quantity}"
    assert "θ ← θ - update" in equation_lines[-1] or any(line.startswith("θ ← θ - update") for line in equation_lines)
    # formula first: the equations come before the signature and the references
    assert class_doc.index("←") < class_doc.index("Signature and defaults") < class_doc.index("Reference")


@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_the_module_docstring_does_not_repeat_the_equations(name):
    module = pydoc.importlib.import_module(OPTIMIZERS[name].cls.__module__)
    assert "θ ← θ - update" not in module.__doc__
    assert f"help({OPTIMIZERS[name].cls.__name__})" in module.__doc__ or module.__name__.endswith("adamw")


@pytest.mark.parametrize("name", list(SCHEDULERS))
def test_help_shows_the_schedule_and_its_reference(name):
    spec = SCHEDULERS[name]
    shown = words(shown_by_help(spec.cls))
    assert words(spec.rule) in words(spec.cls.__doc__) and words(spec.rule) in shown
    assert f"Reference: {words(spec.reference)}" in shown

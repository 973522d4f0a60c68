"""Every catalogued mistake, written as a student would hand it in, fails with its own hint.

The students are generated from the reference's code with the mistake's edit
(``student_source``), in turn in microopt's style (``update``), PyTorch's (``step()`` with
PyTorch's state names) and optax's (an ``init``/``update`` pair of pure functions), so every
way of writing an optimizer is covered for every algorithm an exercise uses.
"""

from __future__ import annotations

import pytest

from microopt import optim
from microopt.exercises import check_optimizer
from microopt.exercises.mistakes import catalogue, student_source

# Hyperparameters under which each mistake changes the numbers (flags need their flag on).
SETTINGS = {
    "SGD": [dict(lr=0.05, momentum=0.9, dampening=0.1, weight_decay=0.01), dict(lr=0.05, momentum=0.9, nesterov=True),
            dict(lr=0.05, momentum=0.9, maximize=True)],
    "Adam": [dict(lr=0.01, weight_decay=0.1, decoupled_weight_decay=True), dict(lr=0.01, weight_decay=0.1),
             dict(lr=0.1, betas=(0.9, 0.5), amsgrad=True), dict(lr=0.01, maximize=True)],
    "AdamW": [dict(lr=0.01, weight_decay=0.1), dict(lr=0.1, betas=(0.9, 0.5), amsgrad=True),
              dict(lr=0.01, maximize=True)],
    "RMSprop": [dict(lr=0.01, weight_decay=0.1), dict(lr=0.01, centered=True, momentum=0.9),
                dict(lr=0.01, maximize=True)],
    "Adagrad": [dict(lr=0.1, lr_decay=0.01, weight_decay=0.1), dict(lr=0.1, maximize=True)],
}
# Two mistakes that give exactly the same numbers: the first in the catalogue names them both.
SAME_NUMBERS = {  # centered RMSprop: both make √(E[g²] - E[g]²) zero at step 1, so both steps are g/ε
    ("RMSprop", "alpha and 1 - alpha swapped in grad_avg"): "used the previous square_avg",
}
CASES = [(name, i, mistake.name) for name in SETTINGS for i, mistake in enumerate(catalogue(getattr(optim, name)))]


STYLES = ("update", "step", "functions")


def _student(reference, mistake, style):
    namespace = {}
    exec(student_source(reference, mistake, style=style), namespace)
    if style == "functions":
        name = reference.__name__.lower()
        return namespace[f"{name}_init"], namespace[f"{name}_update"]
    return namespace[f"My{reference.__name__}"]


@pytest.mark.parametrize(("name", "index", "mistake"), CASES, ids=[f"{n}-{m}" for n, _, m in CASES])
def test_each_mistake_fails_with_its_hint(name, index, mistake):
    reference = getattr(optim, name)
    mistake_ = catalogue(reference)[index]
    shown = next(m for m in catalogue(reference) if m.name == SAME_NUMBERS.get((name, mistake), mistake))
    student = _student(reference, mistake_, STYLES[index % len(STYLES)])
    for settings in SETTINGS[name]:  # the first settings under which the mistake shows
        try:
            check_optimizer(student, name, steps=5, verbose=False, **settings)
        except AssertionError as failure:
            assert f"Hint: {shown.hint}" in str(failure)
            return
    raise AssertionError(f"{mistake} changes nothing under {SETTINGS[name]}")


@pytest.mark.parametrize("style", STYLES)
@pytest.mark.parametrize("name", list(SETTINGS))
def test_the_reference_written_as_a_student_passes_in_every_style(name, style):
    reference = getattr(optim, name)
    for settings in SETTINGS[name]:
        check_optimizer(_student(reference, None, style), name, steps=5, verbose=False, **settings)


def test_the_catalogues_hold_the_mistakes_the_issue_names():
    names = {name: {m.name for m in catalogue(getattr(optim, name))} for name in SETTINGS}
    assert {"step count starting at 0", "used the previous m", "g not squared", "no bias correction",
            "eps inside sqrt", "the efficient form of Adam"} <= names["Adam"]
    assert {"momentum buffer started at zero", "nesterov ignored", "dampening ignored"} <= names["SGD"]
    assert {"eps inside sqrt", "g not squared", "used the previous square_avg"} <= names["RMSprop"]
    assert {"lr_decay one step early", "used the previous sum_sq"} <= names["Adagrad"]
    assert "decoupled decay without the learning rate" in names["AdamW"]

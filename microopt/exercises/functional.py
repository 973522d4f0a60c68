"""Optimizers written as two pure functions, optax's way, checked like any other optimizer.

    def adam_init(params):                                  -> state
    def adam_update(params, grads, state, *, lr=..., ...)   -> (new params, new state)

``params`` and ``grads`` are lists of floats, one per parameter; the state is whatever the
student lays out (a dict of lists and counters, a namedtuple, a list of per-parameter
dicts...), and nothing is changed in place. microopt's own optimizers are classes that
update one ``Value`` at a time, so this interface is not theirs to copy.

``as_optimizer(init, update)`` wraps the pair into an optimizer class, so that
``check_optimizer((adam_init, adam_update), "Adam", ...)`` runs it beside the reference
and judges what it computes, as for a class: the parameters after every step, the
quantities of the state where their names can be read (``per_parameter``), the known
mistakes, the time limit and the refusal of microopt's own code.
"""

from __future__ import annotations

import inspect
import weakref
from collections.abc import Mapping
from typing import Any, Callable

# update function -> (init function, its optimizer class): one class per pair, so a pair that ran
# out of time in one check is known to the next (check_optimizer remembers classes).
_CLASSES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def is_pair(student: object) -> bool:
    """Is ``student`` an (init, update) pair of functions?"""
    return isinstance(student, tuple) and len(student) == 2 and all(callable(f) for f in student)


def per_parameter(state: object, n: int) -> list[dict[str, Any]]:
    """The state of each of ``n`` parameters, read from the student's layout.

    A list of ``n`` mappings is already per parameter; in a mapping or a namedtuple, a list of
    length ``n`` gives each parameter its entry, and a number is shared by all (a step count).
    """
    if isinstance(state, (list, tuple)) and not hasattr(state, "_fields") and len(state) == n \
            and all(isinstance(s, Mapping) for s in state):
        return [dict(s) for s in state]
    fields = state._asdict() if hasattr(state, "_asdict") else state if isinstance(state, Mapping) else {}
    views = [{} for _ in range(n)]
    for name, value in fields.items():
        if isinstance(value, (list, tuple)) and len(value) == n:
            for view, entry in zip(views, value):
                view[name] = entry
        elif isinstance(value, (int, float)):
            for view in views:
                view[name] = value
    return views


def as_optimizer(init: Callable, update: Callable) -> type:
    """An optimizer class (``cls(params, **hyperparameters)`` and ``step()``) running ``init`` and ``update``."""
    cached = _CLASSES.get(update)
    if cached is not None and cached[0] is init:
        return cached[1]
    keywords = [p for p in inspect.signature(update).parameters.values() if p.kind is p.KEYWORD_ONLY]

    def __init__(self, params, **hyperparameters):
        self.params = list(params)
        self.hyperparameters = hyperparameters
        self.functional_state = init([p.data for p in self.params])

    def step(self):
        result = update([p.data for p in self.params], [p.grad for p in self.params], self.functional_state,
                        **self.hyperparameters)
        if not (isinstance(result, tuple) and len(result) == 2 and isinstance(result[0], (list, tuple))
                and len(result[0]) == len(self.params)):
            raise TypeError(f"{update.__name__} returned {_shown(result)}: it must return (the new values of the "
                            f"{len(self.params)} parameters as a list, the new state).")
        values, self.functional_state = result
        for p, value in zip(self.params, values):
            p.data = value

    def state(self) -> dict:
        """Each parameter's state, by parameter (as an Optimizer keeps it), read from the student's layout."""
        views = per_parameter(self.functional_state, len(self.params))
        return dict(zip(self.params, views))

    __init__.__signature__ = inspect.Signature([inspect.Parameter("self", inspect.Parameter.POSITIONAL_ONLY),
                                                inspect.Parameter("params", inspect.Parameter.POSITIONAL_ONLY),
                                                *keywords])
    cls = type(update.__name__, (), {"__init__": __init__, "step": step, "state": property(state),
                                     "called": f"{update.__name__}()", "created": f"{init.__name__}()",
                                     "__doc__": f"{init.__name__} and {update.__name__}, as an optimizer."})
    _CLASSES[update] = (init, cls)
    return cls


def _shown(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."

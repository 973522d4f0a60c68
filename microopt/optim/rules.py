"""Rules for hyperparameters and saved buffers: each checks one value, or refuses it clearly.

A rule takes a value and returns it in the form the update rule computes with (a float, a
bool, a tuple of floats), or raises ``ValueError`` in the one wording of ``microopt._validate``::

    Invalid learning rate: -0.1 (must be a finite number >= 0).

Where PyTorch refuses the same value, the label is PyTorch's ("learning rate", "momentum
value", "beta parameter at index 0"), so the message starts with PyTorch's own (the tests
compare them live). An optimizer lists its rules in its class attribute ``rules``, next to
its update; the base class ``Optimizer`` holds the shared ones (``lr``, ``eps``,
``weight_decay``, ``maximize``).
"""

from __future__ import annotations

from numbers import Real
from typing import Any, Callable

from microopt._validate import flag, invalid, real_number, whole_number

Rule = Callable[[Any], Any]


def at_least_zero(label: str, advice: str = "") -> Rule:
    """A finite number >= 0, e.g. ``at_least_zero("learning rate")``."""
    return lambda value: real_number(label, value, minimum=0.0, advice=advice)


def between(label: str, minimum: float, maximum: float, advice: str = "") -> Rule:
    """A finite number in [minimum, maximum]."""
    return lambda value: real_number(label, value, minimum=minimum, maximum=maximum, advice=advice)


def boolean(name: str) -> Rule:
    """True or False, never 0, 1 or "yes"."""
    return lambda value: flag(name, value)


def pair(name: str, value: Any, example: tuple) -> tuple:
    """``value`` as a 2-tuple, or a clear refusal; lists (JSON's tuples) are accepted."""
    if not isinstance(value, (tuple, list)) or len(value) != 2:
        shape = ", ".join(f"{name}[{i}]" for i in range(2))
        raise ValueError(invalid(name, value, f"must be a pair ({shape})", f"For example {name}={example}."))
    return tuple(value)


def betas(value: Any) -> tuple[float, float]:
    """(β₁, β₂), each in [0, 1): β = 1 would never forget, and 1 - βᵗ = 0 in a bias correction."""
    advice = ("A scheduler that cycles momentum (OneCycleLR, CyclicLR) sets betas[0]: keep its "
              "max_momentum below 1.")
    return tuple(real_number(f"beta parameter at index {i}", beta, minimum=0.0, below=1.0, advice=advice)
                 for i, beta in enumerate(pair("betas", value, (0.9, 0.999))))


# ----------------------------------------------------------------- saved buffers
def steps_taken(value: Any) -> int:
    """A step counter from a state dict: a whole number >= 0."""
    return whole_number("buffer 'step'", value, minimum=0, advice="Pass the output of optimizer.state_dict().")


def buffer(name: str, minimum: float | None = None) -> Rule:
    """A saved float; nan and infinities load (a diverged run is kept as it was, to inspect)."""
    label = f"buffer {name!r}"

    def rule(value: Any) -> float:
        rule_text = "must be a number" + (f" >= {minimum:g}" if minimum is not None else "")
        if isinstance(value, bool) or not isinstance(value, Real):
            raise ValueError(invalid(label, value, rule_text, "Pass the output of optimizer.state_dict()."))
        try:
            number = float(value)
        except OverflowError:
            raise ValueError(invalid(label, value, rule_text + "; this one is larger than any float")) from None
        if minimum is not None and number < minimum:  # nan passes: see the docstring
            raise ValueError(invalid(label, value, rule_text, "Pass the output of optimizer.state_dict()."))
        return number
    return rule


def non_negative(name: str) -> Rule:
    """A saved running mean of squares (v, square_avg...): a number >= 0."""
    return buffer(name, minimum=0.0)

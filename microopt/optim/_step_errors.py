"""What went wrong in ``Optimizer.step()``, in words: built only once a step has failed.

``step()`` does not check every parameter before updating it (that would slow the hot loop);
when an update raises, these functions find the cause and say what to do.
"""

from __future__ import annotations

import inspect
import math
from numbers import Real
from typing import Any

from microopt.engine.value import Value


def _position(optimizer: Any, p: Any) -> tuple[str, int]:
    """Where ``p`` sits (``param_groups[g]['params'][i]``) and how many parameters came before it."""
    before = 0
    for g, group in enumerate(optimizer.param_groups):
        for i, q in enumerate(group["params"]):
            if q is p:
                return f"param_groups[{g}]['params'][{i}]", before
            before += 1
    return "a parameter", before


def _already_updated(before: int) -> str:
    if before == 0:
        return "No parameter was updated by this step."
    return (f"The {before} parameter{'s' if before > 1 else ''} before it were already updated "
            "by this step; the rest were not.")


def bad_parameter(optimizer: Any, p: Any) -> str | None:
    """Why ``p`` cannot be updated (not a Value, a grad or data that is not a number), or None."""
    where, before = _position(optimizer, p)
    name = type(optimizer).__name__
    if not isinstance(p, Value):
        return (f"{name}.step(): {where} is {type(p).__name__}: {p!r}, not a Value. Put only "
                f"Values in a group's 'params' (add_param_group checks them). {_already_updated(before)}")
    if p.grad is None:
        return (f"{name}.step(): {where} {p!r} has grad None. microopt gradients are numbers that "
                "start at 0.0: clear them with optimizer.zero_grad() or p.grad = 0.0 (PyTorch's "
                f"p.grad = None does not apply here). {_already_updated(before)}")
    for attribute in ("grad", "data"):
        value = getattr(p, attribute)
        if isinstance(value, bool) or not isinstance(value, Real):
            return (f"{name}.step(): {where} has {attribute} {value!r} ({type(value).__name__}), which "
                    f"is not a number. Set p.{attribute} to a float. {_already_updated(before)}")
    return None


def zero_division(optimizer: Any, p: Value, hyperparameters: dict[str, Any], error: Exception) -> str:
    """The denominator that was 0, and what to change (eps advice only when eps is 0)."""
    name = type(optimizer).__name__
    where, before = _position(optimizer, p)
    state = dict(optimizer.state[p]) if isinstance(p, Value) else {}
    head = f"{name} divided by zero updating {where} {p!r} (state {state}): {error}."
    grad = getattr(p, "grad", None)
    if isinstance(grad, float) and math.isnan(grad):
        reason = "Its gradient is nan: the loss or the model produced nan; find where (the data? a log of 0?)."
    elif hyperparameters.get("eps") == 0 and optimizer.eps_denominator:
        default = inspect.signature(type(optimizer).__init__).parameters["eps"].default
        reason = (f"{optimizer.eps_denominator} is 0: eps=0 and this parameter's gradients have all "
                  f"been 0 so far. Use eps > 0 ({name}'s default is {default}).")
    else:
        reason = (f"A denominator of {name}.update is 0 with hyperparameters {hyperparameters}; check "
                  "the ones that enter a denominator.")
    return f"{head} {reason} {_already_updated(before)}"

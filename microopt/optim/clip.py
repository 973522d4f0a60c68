"""Gradient clipping: bound the gradients before ``optimizer.step()``, as ``torch.nn.utils`` does.

``clip_grad_norm_`` rescales all gradients together so that their joint norm is at most
``max_norm``, which keeps the direction of the step and only limits its length::

    total_norm ← (Σ |gᵢ|^p)^(1/p)            (p = norm_type; p = inf gives max |gᵢ|)
    clip_coef ← max_norm / (total_norm + 1e-6)
    gᵢ ← gᵢ · min(clip_coef, 1)              (gradients already short enough are unchanged)

``clip_grad_value_`` clamps each gradient to [-clip_value, clip_value] on its own, which can
change the direction of the step.

One deliberate difference: the norm is computed without overflow, so gradients around 1e200
give their true (finite) norm, where PyTorch's Σ g² overflows to inf and zeroes them.

Call either between ``loss.backward()`` and ``optimizer.step()``. The trailing underscore
says, as in PyTorch, that the gradients are changed in place.
"""

from __future__ import annotations

import math
from typing import Iterable

from microopt._validate import flag, real_number
from microopt.engine.value import Value


def _as_list(params: Value | Iterable[Value], who: str) -> list[Value]:
    params = [params] if isinstance(params, Value) else list(params)
    for p in params:
        if not isinstance(p, Value):
            raise TypeError(f"{who} needs Values, got {type(p).__name__}: {p!r}.")
    return params


def clip_grad_norm_(parameters: Value | Iterable[Value], max_norm: float, norm_type: float = 2.0,
                    error_if_nonfinite: bool = False) -> float:
    """Scale the gradients so their total ``norm_type``-norm is at most ``max_norm``.

    Returns the total norm *before* clipping (worth logging: a norm that jumps up warns of
    divergence).

    >>> a, b = Value(0.0), Value(0.0)
    >>> a.grad, b.grad = 3.0, 4.0
    >>> clip_grad_norm_([a, b], max_norm=1.0)        # sqrt(3² + 4²)
    5.0
    >>> round(a.grad, 6), round(b.grad, 6)           # 3/5 and 4/5 of the way, times 1 - 2e-7
    (0.6, 0.8)
    """
    params = _as_list(parameters, "clip_grad_norm_")
    max_norm = real_number("max_norm", max_norm, minimum=0.0, finite=False,
                           advice="The gradients are scaled to this norm at most.")
    error_if_nonfinite = flag("error_if_nonfinite", error_if_nonfinite)
    total_norm = grad_norm(params, norm_type)
    if not params:
        return 0.0
    if error_if_nonfinite and not math.isfinite(total_norm):
        raise RuntimeError(
            f"The total norm of order {norm_type} for gradients from `parameters` is "
            f"non-finite ({total_norm}), so it cannot be clipped. To disable this error and "
            "scale the gradients by the non-finite norm anyway, set `error_if_nonfinite=False`."
        )
    clip_coef = max_norm / (total_norm + 1e-6)
    clip_coef_clamped = min(clip_coef, 1.0)  # nan stays nan (nan < 1 is False), as in torch
    for p in params:
        p.grad *= clip_coef_clamped
    return total_norm


def grad_norm(parameters: Value | Iterable[Value], norm_type: float = 2.0) -> float:
    """The ``norm_type``-norm of all the gradients together, (Σ |gᵢ|^p)^(1/p), without overflow.

    This is the norm ``clip_grad_norm_`` clips by (and ``fit`` logs). The largest |g| is
    factored out first, so gradients around 1e200 give their true, finite norm.

    >>> a, b = Value(0.0), Value(0.0)
    >>> a.grad, b.grad = 3e200, 4e200
    >>> grad_norm([a, b])
    5e+200
    """
    params = _as_list(parameters, "grad_norm")
    norm_type = real_number("norm_type", norm_type, above=0.0, finite=False,
                            advice="2.0 is the usual Euclidean norm, math.inf the largest |g|.")
    if not params:
        return 0.0
    grads = [abs(p.grad) for p in params]
    largest = max(grads)
    if norm_type == math.inf or largest == 0.0 or not math.isfinite(largest):
        # A nan gradient makes the norm nan: max() might skip it, so look for one.
        return math.nan if any(math.isnan(g) for g in grads) else largest
    # Factor out the largest |g| so that |g|^p cannot overflow for large p or gradients.
    scaled_sum = math.fsum((g / largest) ** norm_type for g in grads)
    return largest * scaled_sum ** (1 / norm_type)


def clip_grad_value_(parameters: Value | Iterable[Value], clip_value: float) -> None:
    """Clamp every gradient to [-clip_value, clip_value].

    >>> w = Value(0.0)
    >>> w.grad = -7.5
    >>> clip_grad_value_([w], 2.0)
    >>> w.grad
    -2.0
    """
    params = _as_list(parameters, "clip_grad_value_")
    clip_value = real_number("clip_value", clip_value, minimum=0.0, finite=False,
                             advice="Each gradient is clamped to ±clip_value.")
    for p in params:
        p.grad = min(max(p.grad, -clip_value), clip_value)

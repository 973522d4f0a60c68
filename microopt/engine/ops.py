"""The registry of Value operations: ``OPS``, one entry per operation the engine records.

Every list of operations in microopt reads this table instead of keeping its own: the
activations of ``microopt.nn``, the functions of ``microopt graph`` expressions, the
gradient checkers of ``microopt.exercises``, the engine tests (which parametrize over it, so
an op added here without a PyTorch reference case or a central-difference test fails CI),
the PyTorch fixture generator, and the compiled step, which replays each op by its rule.

The keys are the names stored in a node (``Value.op_name``). An entry's fields:

==============  ==========================================================================
``name``        the key: ``"tanh"``, ``"mul"`` (a · b), ``"mul_const"`` (a · a plain number)
``arity``       how many Value operands: 1, 2, or -1 for the n-ary ``sum``
``apply``       how to apply it: ``apply(a)``, ``apply(a, b)`` on Values; ops with a
                constant take it last, ``apply(a, c)``; ``sum`` takes the terms, ``apply(*terms)``
``formula``     the forward value as text, in the operands ``a``, ``b``, the constant ``c``
``derivative``  the local derivative(s) as text, ``"d/da = 1 - tanh(a)²"``
``domain``      one (low, high) interval per Value operand where the op is smooth: inputs
                for hypothesis strategies and central differences (``kinks`` are left out)
``kinks``       points of the domain where the derivative jumps (relu at 0): stay 1e-3 away
``constants``   sample constants for the ops with one (``CONSTANT_OPS``), else ()
``torch``       the PyTorch equivalent on float64 tensors, called like ``apply``; None when
                PyTorch has none (the op is then checked by central differences only)
``activation``  whether ``microopt.nn`` offers it as a neuron's activation
``function``    whether it is written ``name(a)`` (in formulas and ``microopt graph``)
``replay``      how the compiled step computes it without Values (``Replay``), or None:
                the compiled step then refuses a graph that uses it
==============  ==========================================================================
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

from microopt.engine import value as _value
from microopt.engine.value import CONSTANT_OPS, LABELS, SUM, Value


@dataclass(frozen=True)
class Replay:
    """How the compiled step computes an op: Python expressions, with the eager engine's numbers.

    ``value`` is the forward value in the operands ``{a}``, ``{b}`` and the constant ``{c}``;
    ``grads`` holds d(out)/d(operand) for each Value operand, which may also use the result
    ``{out}``. Both are evaluated with the names in ``REPLAY_NAMESPACE``: the very functions
    the eager engine calls, so the replay's numbers are the engine's, bit for bit. For ``sum``
    the compiled step writes the call itself: ``fsum((t1, t2, ...))``, each gradient 1.
    """

    value: str
    grads: tuple[str, ...]


@dataclass(frozen=True)
class Op:
    """One Value operation; see the module docstring for each field."""

    name: str
    arity: int
    apply: Callable
    formula: str
    derivative: str
    domain: tuple[tuple[float, float], ...]
    torch: Callable | None
    replay: Replay | None
    kinks: tuple[float, ...] = ()
    constants: tuple[float, ...] = ()
    activation: bool = False
    function: bool = False

    @property
    def label(self) -> str:
        """How a node of this op reads in diagrams ("{c}" stands for the constant)."""
        return LABELS[self.name]

    @property
    def has_constant(self) -> bool:
        return self.name in CONSTANT_OPS


# The names the replay expressions may use: the eager engine's own functions.
REPLAY_NAMESPACE = {
    "exp": math.exp, "log": math.log, "sqrt": math.sqrt, "tanh": math.tanh,
    "sin": _value.sine, "cos": _value.cosine, "sigmoid": _value.sigmoid, "softplus": _value.softplus,
    "relu": _value.relu, "relu_slope": _value.relu_slope, "leaky_slope": _value.leaky_slope,
    "abs_slope": _value.abs_slope, "sqrt_slope": _value.sqrt_slope, "power": _value.power_value,
    "power_slope": _value.power_slope, "exponent_power": _value.exponent_power,
    "log_slope": _value.log_slope, "fsum": _value.fsum,
}


def _functional():
    """torch.nn.functional, imported only when a PyTorch comparison runs."""
    import torch.nn.functional

    return torch.nn.functional


def _torch_sum(terms):
    import torch

    return torch.stack(list(terms)).sum()


_REAL = (-3.0, 3.0)
_POSITIVE = (0.1, 4.0)

_ENTRIES = [
    # ---------------------------------------------------------------- two Values
    Op("add", 2, lambda a, b: a + b, "a + b", "d/da = 1, d/db = 1", (_REAL, _REAL),
       lambda a, b: a + b, Replay("{a} + {b}", ("1.0", "1.0"))),
    Op("sub", 2, lambda a, b: a - b, "a - b", "d/da = 1, d/db = -1", (_REAL, _REAL),
       lambda a, b: a - b, Replay("{a} - {b}", ("1.0", "-1.0"))),
    Op("mul", 2, lambda a, b: a * b, "a * b", "d/da = b, d/db = a", (_REAL, _REAL),
       lambda a, b: a * b, Replay("{a} * {b}", ("{b}", "{a}"))),
    Op("div", 2, lambda a, b: a / b, "a / b", "d/da = 1/b, d/db = -a/b²", (_REAL, (0.5, 3.0)),
       lambda a, b: a / b, Replay("{a} / {b}", ("1.0 / {b}", "-{out} / {b}"))),
    Op("pow", 2, lambda a, b: a ** b, "a ** b", "d/da = b a^(b-1), d/db = a^b log a", (_POSITIVE, _REAL),
       lambda a, b: a ** b, Replay("exponent_power({a}, {b})", ("power_slope({a}, {b})", "log_slope({out}, {a})"))),
    # ---------------------------------------------------------------- a Value and a plain number
    Op("add_const", 1, lambda a, c: a + c, "a + c", "d/da = 1", (_REAL,),
       lambda a, c: a + c, Replay("{a} + {c}", ("1.0",)), constants=(2.0, -0.5)),
    Op("sub_const", 1, lambda a, c: a - c, "a - c", "d/da = 1", (_REAL,),
       lambda a, c: a - c, Replay("{a} - {c}", ("1.0",)), constants=(2.0, -0.5)),
    Op("rsub_const", 1, lambda a, c: c - a, "c - a", "d/da = -1", (_REAL,),
       lambda a, c: c - a, Replay("{c} - {a}", ("-1.0",)), constants=(1.0, -0.5)),
    Op("mul_const", 1, lambda a, c: a * c, "a * c", "d/da = c", (_REAL,),
       lambda a, c: a * c, Replay("{a} * {c}", ("{c}",)), constants=(2.0, -0.5)),
    Op("div_const", 1, lambda a, c: a / c, "a / c", "d/da = 1/c", (_REAL,),
       lambda a, c: a / c, Replay("{a} / {c}", ("1.0 / {c}",)), constants=(4.0, -0.5)),
    Op("rdiv_const", 1, lambda a, c: c / a, "c / a", "d/da = -c/a²", ((0.5, 3.0),),
       lambda a, c: c / a, Replay("{c} / {a}", ("-{out} / {a}",)), constants=(6.0, -0.5)),
    Op("pow_const", 1, lambda a, c: a ** c, "a ** c", "d/da = c a^(c-1)", (_POSITIVE,),
       lambda a, c: a ** c, Replay("power({a}, {c})", ("power_slope({a}, {c})",)), constants=(2.0, 3.0, -1.5, 0.5)),
    Op("rpow_const", 1, lambda a, c: c ** a, "c ** a", "d/da = c^a log c", (_REAL,),
       lambda a, c: c ** a, Replay("exponent_power({c}, {a})", ("log_slope({out}, {c})",)), constants=(2.0, 0.5)),
    # ---------------------------------------------------------------- functions of one Value
    Op("neg", 1, lambda a: -a, "-a", "d/da = -1", (_REAL,),
       lambda a: -a, Replay("-{a}", ("-1.0",))),
    Op("exp", 1, Value.exp, "exp(a)", "d/da = exp(a)", (_REAL,),
       lambda a: a.exp(), Replay("exp({a})", ("{out}",)), function=True),
    Op("log", 1, Value.log, "log(a)", "d/da = 1/a", (_POSITIVE,),
       lambda a: a.log(), Replay("log({a})", ("1.0 / {a}",)), function=True),
    Op("sqrt", 1, Value.sqrt, "sqrt(a)", "d/da = 1/(2 sqrt(a))", (_POSITIVE,),
       lambda a: a.sqrt(), Replay("sqrt({a})", ("sqrt_slope({out})",)), function=True),
    Op("tanh", 1, Value.tanh, "tanh(a)", "d/da = 1 - tanh(a)²", (_REAL,),
       lambda a: a.tanh(), Replay("tanh({a})", ("1.0 - {out} * {out}",)), activation=True, function=True),
    Op("sigmoid", 1, Value.sigmoid, "sigmoid(a) = 1/(1 + exp(-a))", "d/da = sigmoid(a)(1 - sigmoid(a))",
       (_REAL,), lambda a: a.sigmoid(), Replay("sigmoid({a})", ("{out} * (1.0 - {out})",)),
       activation=True, function=True),
    Op("relu", 1, Value.relu, "relu(a) = max(a, 0)", "d/da = 1 if a > 0 else 0", (_REAL,),
       lambda a: a.relu(), Replay("relu({a})", ("relu_slope({a})",)), kinks=(0.0,),
       activation=True, function=True),
    Op("leaky_relu", 1, Value.leaky_relu, "leaky_relu(a) = a if a > 0 else c·a",
       "d/da = 1 if a > 0 else c  (c = negative_slope, 0.01 by default)", (_REAL,),
       lambda a, c=0.01: _functional().leaky_relu(a, c),
       Replay("{a} * leaky_slope({a}, {c})", ("leaky_slope({a}, {c})",)),
       kinks=(0.0,), constants=(0.01, 0.2), activation=True, function=True),
    Op("softplus", 1, Value.softplus, "softplus(a) = log(1 + exp(a))", "d/da = sigmoid(a)", (_REAL,),
       lambda a: _functional().softplus(a), Replay("softplus({a})", ("sigmoid({a})",)),
       activation=True, function=True),
    Op("sin", 1, Value.sin, "sin(a)", "d/da = cos(a)", (_REAL,),
       lambda a: a.sin(), Replay("sin({a})", ("cos({a})",)), function=True),
    Op("cos", 1, Value.cos, "cos(a)", "d/da = -sin(a)", (_REAL,),
       lambda a: a.cos(), Replay("cos({a})", ("-sin({a})",)), function=True),
    Op("abs", 1, abs, "abs(a)", "d/da = sign(a), sign(0) = 0", (_REAL,),
       lambda a: a.abs(), Replay("abs({a})", ("abs_slope({a})",)), kinks=(0.0,), function=True),
    # ---------------------------------------------------------------- many Values
    Op(SUM, -1, lambda *terms: _value.sum(terms), "a1 + a2 + ... + an (exactly rounded)",
       "d/da_i = 1", (_REAL,), lambda *terms: _torch_sum(terms),
       Replay("fsum(({terms}))", ("1.0",))),
]


OPS: dict[str, Op] = {op.name: op for op in _ENTRIES}
ACTIVATIONS: tuple[str, ...] = tuple(name for name, op in OPS.items() if op.activation)
FUNCTIONS: dict[str, Callable] = {name: op.apply for name, op in OPS.items() if op.function}

"""The op registry, ``microopt.engine.ops.OPS``: it describes the engine, and tests read it.

Every op gets, from its registry entry alone: a central-difference check over its domain
(hypothesis), a check that its replay rule reproduces the eager engine bit for bit (at
ordinary points, nan and ±inf), and a check that applying it makes a node of that op. So an
op added to the registry is tested the moment it is added; one added to the engine but not
to the registry fails ``test_registry_and_engine_name_the_same_ops``.
"""

from __future__ import annotations

import math
import struct

import pytest
from hypothesis import given, settings, strategies as st

from microopt import Value, numerical_grad
from microopt.engine import ops as ops_module
from microopt.engine.ops import ACTIVATIONS, FUNCTIONS, OPS, REPLAY_NAMESPACE
from microopt.engine.value import CONSTANT_OPS, LABELS

NAMES = sorted(OPS)


def operands(op) -> int:
    return 3 if op.arity == -1 else op.arity


def inputs_for(op):
    """A hypothesis strategy: one float per Value operand, in the op's domain, away from its kinks."""
    def interval(i):
        low, high = op.domain[min(i, len(op.domain) - 1)]
        return st.floats(low, high).filter(lambda x: all(abs(x - k) > 1e-3 for k in op.kinks))
    return st.tuples(*(interval(i) for i in range(operands(op))))


def call(op, values, constant=None):
    return op.apply(*values, constant) if constant is not None else op.apply(*values)


def constants_of(op):
    return op.constants if op.has_constant else (None,)


def test_registry_and_engine_name_the_same_ops():
    assert set(OPS) == set(LABELS)
    assert {name for name, op in OPS.items() if op.has_constant} == set(CONSTANT_OPS)


@pytest.mark.parametrize("name", NAMES)
def test_every_entry_is_complete(name):
    op = OPS[name]
    assert op.name == name and op.formula and op.derivative.startswith("d/d")
    assert len(op.domain) == (1 if op.arity == -1 else op.arity)
    assert op.replay is not None, "every op of the engine can be compiled"
    assert not op.has_constant or op.constants, "an op with a constant lists sample constants"


@pytest.mark.parametrize("name", NAMES)
def test_applying_an_op_makes_a_node_of_that_op(name):
    op = OPS[name]
    for c in constants_of(op):
        out = call(op, [Value(0.7)] * operands(op), c)
        assert out.op_name == name
        assert out.constant == (c if op.has_constant else None)


@pytest.mark.parametrize("name", NAMES)
def test_central_differences(name):
    op = OPS[name]

    @settings(max_examples=20, deadline=None, derandomize=True)
    @given(inputs_for(op))
    def check(xs):
        for c in constants_of(op):
            values = [Value(x) for x in xs]
            out = call(op, values, c)
            out.backward()
            numerical = numerical_grad(lambda *vs, c=c: call(op, vs, c), list(xs), h=1e-6)
            for v, expected in zip(values, numerical):
                assert math.isclose(v.grad, expected, rel_tol=1e-5, abs_tol=1e-6), (name, xs, c, v.grad, expected)

    check()


def bits(x: float) -> bytes:
    return struct.pack("<d", x)


def replayed(op, xs, c):
    """(value, local grads) of the op by its replay rule, on plain floats."""
    names = {"a": "a", "b": "b", "c": repr(c), "out": "out"}
    scope = dict(REPLAY_NAMESPACE, a=xs[0], b=xs[1] if len(xs) > 1 else None)
    if op.arity == -1:
        scope.update({f"t{i}": x for i, x in enumerate(xs)})
        value = eval(op.replay.value.format(terms=", ".join(f"t{i}" for i in range(len(xs)))), scope)
        return value, (1.0,) * len(xs)
    value = eval(op.replay.value.format(**names), scope)
    scope["out"] = value
    return value, tuple(eval(g.format(**names), scope) for g in op.replay.grads)


SPECIAL = (math.nan, math.inf, -math.inf)


@pytest.mark.parametrize("name", NAMES)
def test_replay_rule_is_the_eager_engine_bit_for_bit(name):
    op = OPS[name]
    n = operands(op)
    points = [tuple(low + (i + 1) * (high - low) / 5 for low, high in [op.domain[min(j, len(op.domain) - 1)]
                                                                      for j in range(n)]) for i in range(4)]
    points += [tuple(s if j == k else points[0][j] for j in range(n)) for s in SPECIAL for k in range(n)]
    compared = 0
    for xs in points:
        for c in constants_of(op):
            try:
                out = call(op, [Value(x) for x in xs], c)
            except (ArithmeticError, ValueError):  # a domain error of the eager engine...
                with pytest.raises((ArithmeticError, ValueError)):  # ...is one of the replay too
                    replayed(op, xs, c)
                continue
            value, grads = replayed(op, xs, c)
            assert bits(value) == bits(out.data), (name, xs, c, value, out.data)
            assert [bits(g) for g in grads] == [bits(g) for g in out.local_grads], (name, xs, c)
            compared += 1
    assert compared >= 4


def test_nn_activations_and_cli_functions_come_from_the_registry():
    from microopt.cli import expression
    from microopt.nn import layers

    assert ACTIVATIONS == ("tanh", "sigmoid", "relu", "leaky_relu", "softplus")
    assert layers.ACTIVATIONS == (*ACTIVATIONS, "linear")
    assert expression.FUNCTIONS is FUNCTIONS
    assert list(FUNCTIONS) == ["exp", "log", "sqrt", "tanh", "sigmoid", "relu", "leaky_relu", "softplus",
                               "sin", "cos", "abs"]


@pytest.mark.parametrize("name", sorted(n for n, op in OPS.items() if op.function))
def test_help_shows_the_formula_first(name):
    method = Value.__abs__ if name == "abs" else getattr(Value, name)
    head = OPS[name].formula.split(" = ")[0]
    assert method.__doc__.startswith(head), method.__doc__
    assert "d/da" in method.__doc__


@pytest.mark.parametrize("method", ["__add__", "__sub__", "__rsub__", "__mul__", "__truediv__", "__rtruediv__",
                                    "__pow__", "__rpow__", "__neg__"])
def test_every_operator_has_its_formula_and_derivative(method):
    doc = getattr(Value, method).__doc__
    assert "d/da" in doc and ";" in doc.splitlines()[0]


def test_the_module_documents_every_field():
    fields = [f.name for f in __import__("dataclasses").fields(ops_module.Op)]
    for field in fields:
        assert f"``{field}``" in ops_module.__doc__, field

"""microopt.micrograd has micrograd 0.1.0's names, signatures, graphs and initial weights.

The installed ``micrograd`` package (in microopt's test extra) is the reference, live.
"""

from __future__ import annotations

import gc
import inspect
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import microopt.micrograd.engine as ours
import microopt.micrograd.nn as ours_nn
from microopt.engine.value import SUM

micrograd_engine = pytest.importorskip("micrograd.engine", reason="micrograd is not installed: "
                                       "pip install micrograd==0.1.0 (in microopt[test])")
micrograd_nn = pytest.importorskip("micrograd.nn")


def shape(v) -> tuple:
    """A node's op and its parents' shapes, in a canonical order (micrograd's _prev is a set)."""
    return (v._op, type(v.data).__name__, v.data, tuple(sorted(shape(p) for p in v._prev)))


EXPRESSIONS = {
    "add": lambda a, b: a + b, "radd": lambda a, b: 3 + a, "mul": lambda a, b: a * b,
    "rmul": lambda a, b: 2 * a, "pow": lambda a, b: a ** 3, "inverse": lambda a, b: a ** -1,
    "relu": lambda a, b: (a - b).relu(), "neg": lambda a, b: -a, "sub": lambda a, b: a - b,
    "rsub": lambda a, b: 1 - a, "div": lambda a, b: a / b, "rdiv": lambda a, b: 2.0 / a,
    "twice": lambda a, b: a * a + a, "mixed": lambda a, b: ((a * b + b ** 2) / (1 + (a - b).relu())) - 0.5,
}


@pytest.mark.parametrize("name", sorted(EXPRESSIONS))
def test_every_operator_builds_micrographs_node_with_the_same_data(name):
    f = EXPRESSIONS[name]
    a, b = 1.5, -0.75
    assert shape(f(ours.Value(a), ours.Value(b))) == shape(f(micrograd_engine.Value(a), micrograd_engine.Value(b)))


nonzero = st.floats(-50, 50).filter(lambda x: abs(x) > 1e-3)


@settings(max_examples=60, deadline=None)
@given(nonzero, nonzero)
def test_data_and_gradients_agree_with_micrograd(a, b):
    """Any values: the same forward floats; gradients equal up to the order of accumulation."""
    results = []
    for engine in (ours, micrograd_engine):
        x, y = engine.Value(a), engine.Value(b)
        out = EXPRESSIONS["mixed"](x, y) * (x - y) + (x * y).relu() / y
        out.backward()
        results.append((out.data, x.grad, y.grad))
    assert results[0][0] == results[1][0]
    assert results[0][1:] == pytest.approx(results[1][1:], rel=1e-12, abs=1e-12)


def test_signatures_are_micrographs():
    pairs = [(ours.Value, micrograd_engine.Value), (ours_nn.Neuron, micrograd_nn.Neuron),
             (ours_nn.Layer, micrograd_nn.Layer), (ours_nn.MLP, micrograd_nn.MLP)]
    for mine, theirs in pairs:
        expected = list(inspect.signature(theirs).parameters.values())
        got = list(inspect.signature(mine).parameters.values())[:len(expected)]
        assert [(p.name, p.kind, p.default) for p in got] == [(p.name, p.kind, p.default) for p in expected]
    for name in ("data", "grad", "_prev", "_op", "backward", "relu", "_backward"):
        assert hasattr(ours.Value(1.0), name)


def test_the_same_seed_gives_micrographs_weights_and_repr():
    random.seed(1337)
    model = ours_nn.MLP(2, [16, 16, 1])
    random.seed(1337)
    reference = micrograd_nn.MLP(2, [16, 16, 1])
    assert [p.data for p in model.parameters()] == [p.data for p in reference.parameters()]
    assert repr(model) == repr(reference)
    assert len(model.parameters()) == 337
    assert repr(ours.Value(2.0)) == repr(micrograd_engine.Value(2.0)) == "Value(data=2.0, grad=0)"


def test_a_neuron_is_micrographs_sum_in_one_node():
    random.seed(0)
    neuron = ours_nn.Neuron(3)
    random.seed(0)
    reference = micrograd_nn.Neuron(3)
    x = [0.5, -1.25, 2.0]
    out, expected = neuron(x), reference(x)
    assert out.data == expected.data  # b + w0 x0 + w1 x1 + w2 x2, added in micrograd's order
    total = next(iter(out._prev))
    assert total._op == SUM and len(total._prev) == 4  # one node for micrograd's chain of three '+'
    out.backward()
    expected.backward()
    assert [p.grad for p in neuron.parameters()] == [p.grad for p in reference.parameters()]


def test_a_layer_of_one_neuron_returns_a_value_as_in_micrograd():
    assert isinstance(ours_nn.Layer(2, 1)([1.0, 2.0]), ours.Value)
    assert len(ours_nn.Layer(2, 3)([1.0, 2.0])) == 3


def test_deep_graphs_have_no_recursion_limit():
    """micrograd's recursive topological sort fails past about a thousand nested operations."""
    def chain(engine):
        x = engine.Value(1.0)
        y = x
        for _ in range(3000):
            y = y * 1.0 + 0.0
        return x, y

    x, y = chain(ours)
    y.backward()
    assert x.grad == 1.0
    with pytest.raises(RecursionError):
        chain(micrograd_engine)[1].backward()


def cyclic_garbage(engine, nn) -> int:
    """Objects the cyclic collector finds after a small model's loss graph is dropped."""
    random.seed(1)
    model = nn.MLP(2, [4, 1])
    gc.disable()
    gc.freeze()  # older objects out of the way: gc.collect(0) then looks at this graph only
    try:
        loss = sum((model([x, 1.0]) - 1) ** 2 for x in (0.5, -0.5))
        loss.backward()
        del loss
        return gc.collect(0)
    finally:
        gc.unfreeze()
        gc.enable()


def test_graphs_hold_no_reference_cycles():
    """No closures: a dropped graph is freed by reference counting, the collector finds nothing."""
    assert cyclic_garbage(ours, ours_nn) == 0
    assert cyclic_garbage(micrograd_engine, micrograd_nn) > 100  # each node's closure points back at it


def test_zero_grad_and_backward_follow_micrograd():
    random.seed(2)
    model = ours_nn.MLP(2, [3, 1])
    model([1.0, -1.0]).backward()
    assert any(p.grad != 0 for p in model.parameters())
    model.zero_grad()
    assert all(p.grad == 0 and type(p.grad) is int for p in model.parameters())


def test_refusals_say_what_to_do():
    with pytest.raises(ValueError, match="builds a graph node by hand"):
        ours.Value(1.0, (ours.Value(2.0),), "+")
    with pytest.raises(TypeError, match="only int/float powers"):
        ours.Value(2.0) ** ours.Value(2.0)
    with pytest.raises(TypeError, match="int or float, got str"):
        ours.Value(1.0) + "1"
    with pytest.raises(ZeroDivisionError, match="divides by zero"):
        ours.Value(0.0) / ours.Value(0.0)


def test_microopts_own_diagrams_and_step_through_read_micrographs_graphs():
    from microopt.teach import step_through

    x = ours.Value(1.5, label="x")
    y = (x * 2 + 1).relu()
    y.backward()
    assert "ReLU" in y.draw().source and y.op == "ReLU"
    assert "ReLU" in str(step_through(y))

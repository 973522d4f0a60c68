"""The micrograd lecture's examples (karpathy/nn-zero-to-hero, lectures/micrograd), through microopt.micrograd.

The lecture writes its own ``Value`` with ``label=``, ``tanh()`` and ``exp()``; the expected
numbers are the ones its notebooks print or its diagrams show.
"""

# ruff: noqa: E702  (the lecture's lines as it writes them: `e = a*b; e.label = 'e'`)
from __future__ import annotations

import math

import pytest

from microopt.micrograd import draw_dot
from microopt.micrograd.engine import Value


def neuron():
    x1 = Value(2.0, label='x1')
    x2 = Value(0.0, label='x2')
    w1 = Value(-3.0, label='w1')
    w2 = Value(1.0, label='w2')
    b = Value(6.8813735870195432, label='b')
    x1w1 = x1*w1; x1w1.label = 'x1*w1'
    x2w2 = x2*w2; x2w2.label = 'x2*w2'
    x1w1x2w2 = x1w1 + x2w2; x1w1x2w2.label = 'x1*w1 + x2*w2'
    n = x1w1x2w2 + b; n.label = 'n'
    return x1, x2, w1, w2, b, x1w1, x2w2, x1w1x2w2, n


def test_the_first_expression_and_one_step_along_the_gradient():
    a = Value(2.0, label='a')
    b = Value(-3.0, label='b')
    c = Value(10.0, label='c')
    e = a*b; e.label = 'e'
    d = e + c; d.label = 'd'
    f = Value(-2.0, label='f')
    L = d * f; L.label = 'L'
    L.backward()
    assert L.data == -8.0
    assert (a.grad, b.grad, c.grad, f.grad) == (6.0, -4.0, -2.0, 4.0)
    a.data += 0.01 * a.grad
    b.data += 0.01 * b.grad
    c.data += 0.01 * c.grad
    f.data += 0.01 * f.grad
    e = a * b
    d = e + c
    L = d * f
    assert L.data == pytest.approx(-7.286496, abs=1e-12)  # the lecture prints -7.286496


def test_the_tanh_neuron():
    x1, x2, w1, w2, b, *_, n = neuron()
    o = n.tanh(); o.label = 'o'
    o.backward()
    assert o.data == pytest.approx(0.7071067811865476, abs=1e-15)  # the lecture's topo printout
    assert (x1.grad, w1.grad, x2.grad, w2.grad) == pytest.approx((-1.5, 1.0, 0.5, 0.0), abs=1e-12)
    assert 1 - o.data**2 == pytest.approx(0.4999999999999999, abs=1e-15)


def test_backward_by_hand_node_by_node():
    """The lecture calls each node's _backward() in reverse topological order before writing backward()."""
    x1, x2, w1, w2, b, x1w1, x2w2, x1w1x2w2, n = neuron()
    o = n.tanh()
    o.grad = 1.0
    o._backward()
    n._backward()
    b._backward()  # a leaf: nothing to do
    x1w1x2w2._backward()
    x2w2._backward()
    x1w1._backward()
    assert n.grad == pytest.approx(0.5, abs=1e-12)
    assert (x1.grad, w1.grad, x2.grad, w2.grad) == pytest.approx((-1.5, 1.0, 0.5, 0.0), abs=1e-12)


def test_tanh_written_with_exp():
    x1, x2, w1, w2, b, *_, n = neuron()
    e = (2*n).exp()
    o = (e - 1) / (e + 1)
    o.backward()
    assert o.data == pytest.approx(math.sqrt(0.5), abs=1e-15)
    assert (x1.grad, w1.grad, x2.grad, w2.grad) == pytest.approx((-1.5, 1.0, 0.5, 0.0), abs=1e-12)


def test_a_value_used_twice_gets_both_gradients():
    """The lecture's bug: with `self.grad = ...` instead of `+=`, b = a + a gave a.grad = 1."""
    a = Value(3.0, label='a')
    b = a + a   ; b.label = 'b'
    b.backward()
    assert a.grad == 2.0
    a = Value(-2.0, label='a')
    b = Value(3.0, label='b')
    d = a * b    ; d.label = 'd'
    e = a + b    ; e.label = 'e'
    f = d * e    ; f.label = 'f'
    f.backward()
    assert (a.grad, b.grad) == (-3.0, -8.0)  # df/da = b(a+b) + ab, df/db = a(a+b) + ab


def test_draw_dot_draws_the_lectures_boxes_and_ops():
    *_, n = neuron()
    o = n.tanh(); o.label = 'o'
    o.backward()
    dot = draw_dot(o)
    assert dot.format == "svg" and dot.graph_attr["rankdir"] == "LR"
    assert "{ x1 | data 2.0000 | grad -1.5000 }" in dot.source
    assert "{ o | data 0.7071 | grad 1.0000 }" in dot.source
    assert dot.source.count("shape=record") == 10 and 'label=tanh' in dot.source
    assert draw_dot(neuron()[-1]).source == draw_dot(neuron()[-1]).source  # the same, whatever the ids
    assert dot.pipe("svg").startswith(b"<?xml")  # rendered (by a system dot or graphviz-pure)
    with pytest.raises(ValueError, match="rankdir"):
        draw_dot(o, rankdir="RL")


def test_draw_dot_without_labels_as_in_trace_graph():
    x = Value(1.0)
    y = (x * 2 + 1).relu()
    y.backward()
    source = draw_dot(y, format="png", rankdir="TB").source
    assert "{ data 3.0000 | grad 1.0000 }" in source and "label=ReLU" in source

"""The backward pass: reused nodes, the accumulation rule, deep graphs, the order it uses."""

import pytest
from hypothesis import given, settings, strategies as st

from microopt import Value, sum as value_sum
from microopt.engine.value import _sorted, weighted_sum


def test_reused_node_counts_every_path():
    # b = a + a, c = b + b: c = 4a, so dc/da = 4 (micrograd issues #21, #64: naive recursion gets 2)
    a = Value(3.0)
    b = a + a
    c = b + b
    c.backward()
    assert c.data == 12.0
    assert b.grad == 2.0
    assert a.grad == 4.0


def test_diamond():
    # d = (x*y) + (x*y).tanh() with x*y computed once: both paths reach x and y
    x, y = Value(0.5), Value(-2.0)
    xy = x * y
    d = xy + xy.tanh()
    d.backward()
    slope = 1.0 + (1.0 - xy.tanh().data ** 2)
    assert x.grad == slope * -2.0
    assert y.grad == slope * 0.5


def test_backward_twice_doubles_leaf_gradients_only():
    x, w = Value(2.0), Value(-1.5)
    hidden = (x * w).tanh()
    out = hidden * hidden + x
    out.backward()
    first = (x.grad, w.grad, hidden.grad)
    out.backward()
    assert (x.grad, w.grad) == (2 * first[0], 2 * first[1])  # leaves accumulate
    assert hidden.grad == first[2]                             # intermediates start afresh
    assert out.grad == 1.0


def test_zero_grad_then_backward_gives_the_same_gradient():
    x = Value(0.7)
    out = (x * x).exp()
    out.backward()
    once = x.grad
    x.grad = 0.0
    out.backward()
    assert x.grad == once


def test_backward_on_a_leaf():
    x = Value(1.0)
    x.backward()
    assert x.grad == 1.0


def test_backward_with_seed_gradient():
    x = Value(3.0)
    out = x * x
    out.backward(0.5)
    assert x.grad == 3.0  # 0.5 * 2x


def test_topological_order_puts_parents_first():
    a, b = Value(1.0), Value(2.0)
    c = a * b
    d = c + a
    e = value_sum([d, c, b])
    order = e.topological_order()
    position = {node: i for i, node in enumerate(order)}
    assert len(order) == 5 and order[-1] is e
    for node in order:
        for parent in node.parents:
            assert position[parent] < position[node]


def test_topological_order_is_deterministic():
    def build():
        a, b = Value(1.0, label="a"), Value(2.0, label="b")
        return ((a * b).tanh() + a - b).exp()
    assert [n.op or n.label for n in build().topological_order()] == \
           [n.op or n.label for n in build().topological_order()]


@st.composite
def neuron_graphs(draw):
    """Random graphs of what an MLP is made of: products, sums (of products, of sums, with a term
    repeated), weighted sums, folded constants and activations, any earlier node reused."""
    regs = [Value(draw(st.floats(-2.0, 2.0)), label=f"x{i}") for i in range(draw(st.integers(1, 4)))]
    pick = st.integers(0, 10**6).map(lambda i: regs[i % len(regs)])
    for _ in range(draw(st.integers(1, 14))):
        kind = draw(st.sampled_from(["mul", "sum", "neuron", "const", "relu"]))
        if kind == "mul":
            regs.append(draw(pick) * draw(pick))
        elif kind == "sum":
            regs.append(value_sum(draw(st.lists(pick, min_size=1, max_size=5))))
        elif kind == "neuron":
            inputs = draw(st.lists(pick, min_size=1, max_size=4))
            regs.append(weighted_sum([Value(0.5 - 0.25 * i) for i in range(len(inputs))], inputs, Value(0.1)))
        elif kind == "const":
            regs.append(draw(pick) * -1.5 + 1)
        else:
            regs.append(draw(pick).relu())
    return value_sum(regs[-3:]), regs


@settings(max_examples=30, deadline=None)
@given(neuron_graphs())
def test_backward_walks_the_graph_in_topological_order(case):
    # backward()'s fast sort keeps its state in the grads; topological_order() uses a set. The
    # compiled step replays the chain rule in topological_order()'s order, so they must agree,
    # node for node, and backward() must then be that order's chain rule, bit for bit.
    root, regs = case
    order = root.topological_order()
    position = {node: i for i, node in enumerate(order)}
    assert len(position) == len(order) and order[-1] is root
    assert all(position[parent] < position[node] for node in order for parent in node.parents)
    grads = [node.grad for node in order]
    assert _sorted(root, []) == order
    for node, grad in zip(order, grads):
        node.grad = grad  # the sort set them to 0.0; topological_order() does not
    assert [node.grad for node in root.topological_order()] == grads

    for node in order:
        node.grad = 0.0
    root.grad = 1.0
    for node in reversed(order):  # the chain rule, in this order
        for parent, local in zip(node.parents, node.local_grads):
            parent.grad += local * node.grad
    expected = [node.grad for node in order]
    for node in order:
        node.grad = 0.0
    root.backward()
    assert [node.grad for node in order] == expected
    assert all(type(node.grad) is float for node in order)  # every grad a float again


def test_million_node_chain():
    # Recursion would stop near 1,000 nodes; the iterative sort handles any depth.
    x0, step = Value(0.5), Value(1.0)
    x = x0
    for _ in range(1_000_000):
        x = x + step
    x.backward()
    assert x.data == 1_000_000.5
    assert x0.grad == 1.0
    assert step.grad == 1_000_000.0  # used once per link


def test_wide_sum_of_products():
    ws = [Value(float(i)) for i in range(1, 101)]
    xs = [Value(2.0) for _ in range(100)]
    out = value_sum(w * x for w, x in zip(ws, xs))
    out.backward()
    assert out.data == 2.0 * 5050
    assert [w.grad for w in ws] == [2.0] * 100
    assert [x.grad for x in xs] == [float(i) for i in range(1, 101)]


def test_backward_refuses_a_non_number_seed():
    with pytest.raises(TypeError, match=r"backward\(gradient\).*str"):
        (Value(1.0) * 2).backward("1")

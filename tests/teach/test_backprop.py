"""step_through: the backward pass as recorded steps, checked against hand derivations and backward()."""

from __future__ import annotations

import math
import sys

import pytest
from hypothesis import given, settings, strategies as st

import microopt
from microopt import Value
from microopt.teach import step_through
from microopt.teach.backprop import RECEIVING_COLOR
from microopt.viz.graph import HIGHLIGHT_COLOR


def neuron():
    """L = tanh(a*b + a) at a = 2, b = -3: the worked example of the tests below."""
    a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    L = (a * b + a).tanh()
    L.label = "L"
    return a, b, L


def test_neuron_steps_match_a_hand_derivation():
    a, b, L = neuron()
    steps = step_through(L)
    # backward() visits L (tanh), then n3 = n2 + a, then n2 = a * b; leaves are skipped.
    assert [s.name for s in steps] == ["L", "n3", "n2"]
    assert [s.op for s in steps] == ["tanh", "+", "*"]
    assert steps[0].formula == "L = tanh(n3)"
    assert steps[1].formula == "n3 = n2 + a"
    assert steps[2].formula == "n2 = a * b"
    t = math.tanh(-4.0)
    dL = 1.0 - t * t  # d tanh(x)/dx = 1 - tanh(x)^2 at x = a*b + a = -4
    (c,) = steps[0].contributions
    assert steps[0].grad == 1.0
    assert (c.name, c.local_grad, c.added, c.grad_after) == ("n3", dL, dL, dL)
    # n3 = n2 + a: local derivatives 1 and 1, a receives its first share dL
    assert [(c.name, c.local_grad, c.added, c.grad_after) for c in steps[1].contributions] == [
        ("n2", 1.0, dL, dL), ("a", 1.0, dL, dL)]
    # n2 = a * b: d/da = b = -3, d/db = a = 2; a's running gradient becomes dL + (-3 dL)
    assert [(c.name, c.local_grad, c.added) for c in steps[2].contributions] == [
        ("a", -3.0, -3.0 * dL), ("b", 2.0, 2.0 * dL)]
    assert steps[2].contributions[0].grad_after == pytest.approx(-2.0 * dL, rel=1e-15)
    assert steps.grads()[a] == pytest.approx(-2.0 * dL, rel=1e-15)  # dL/da = (b + 1) tanh'
    assert steps.grads()[b] == 2.0 * dL  # dL/db = a tanh'


def test_a_reused_node_receives_one_addition_per_use():
    # c = b * b with b = a + a: c = 4a², dc/da = 8a = 16 at a = 2, collected in four additions
    a = Value(2.0, label="a")
    b = a + a
    b.label = "b"
    c = b * b
    c.label = "c"
    steps = step_through(c)
    assert [(x.name, x.added, x.grad_after) for x in steps[0].contributions] == [
        ("b", 4.0, 4.0), ("b", 4.0, 8.0)]
    assert steps[1].grad == 8.0
    assert [(x.name, x.added, x.grad_after) for x in steps[1].contributions] == [
        ("a", 8.0, 8.0), ("a", 8.0, 16.0)]


def test_no_gradient_is_touched_before_or_after_backward():
    a, b, L = neuron()
    a.grad, b.grad = 5.0, -7.0  # stale gradients from an earlier graph
    step_through(L)
    assert (a.grad, b.grad, L.grad) == (5.0, -7.0, 0.0)
    L.backward()
    after = {v: v.grad for v in L.topological_order()}
    step_through(L)
    assert {v: v.grad for v in L.topological_order()} == after


def test_accumulate_starts_leaves_from_their_current_grad_as_backward_does():
    a, b, L = neuron()
    a.grad, b.grad = 0.5, -0.25
    steps = step_through(L, accumulate=True)
    L.backward()
    assert steps.grads()[a] == a.grad and steps.grads()[b] == b.grad
    assert step_through(L).grads()[a] != a.grad  # the default starts from 0


def test_grads_after_k_steps_replays_the_running_gradients():
    a, b, L = neuron()
    steps = step_through(L, gradient=2.0)
    assert steps.grads(0) == {v: (2.0 if v is L else 0.0) for v in L.topological_order()}
    n3 = steps[0].contributions[0].parent
    assert steps.grads(1)[n3] == steps[1].grad == 2.0 * (1.0 - math.tanh(-4.0) ** 2)
    assert steps.grads(1)[a] == 0.0 and steps.grads(2)[a] == steps[1].contributions[1].grad_after
    assert steps.grads(3) == steps.grads()


def test_labels_that_are_not_strings_are_shown_as_text():
    # Value(..., label=3) is accepted, so stepping through and drawing it must work
    x = Value(2.0, label=3)
    steps = step_through((x * x).tanh())
    assert "3" in str(steps) and steps._repr_html_()
    steps.draw(1)


def test_a_leaf_root_has_no_steps():
    x = Value(3.0, label="x")
    steps = step_through(x)
    assert len(steps) == 0 and steps.grads() == {x: 1.0}
    assert "0 steps" in str(steps)


def test_a_sum_node_passes_its_gradient_to_every_term():
    terms = [Value(float(i), label=f"x{i}") for i in range(6)]
    s = microopt.sum(terms) * 3.0
    steps = step_through(s)
    assert steps[1].formula.endswith("= sum(x0, x1, x2, ..., x5)")
    assert [c.added for c in steps[1].contributions] == [3.0] * 6


@st.composite
def graphs(draw):
    """A random graph over 3 leaves: each new node applies a safe op to earlier nodes."""
    nodes = [Value(draw(st.floats(-2.0, 2.0)), label=f"x{i}") for i in range(3)]
    leaves = list(nodes)
    for _ in range(draw(st.integers(1, 12))):
        a = nodes[draw(st.integers(0, len(nodes) - 1))]
        b = nodes[draw(st.integers(0, len(nodes) - 1))]
        op = draw(st.sampled_from(["+", "*", "-", "tanh", "sigmoid", "sum"]))
        if op == "+":
            nodes.append(a + b)
        elif op == "*":
            nodes.append(a * b)
        elif op == "-":
            nodes.append(a - b)
        elif op == "sum":
            nodes.append(microopt.sum([a, b, a]))
        else:
            nodes.append(getattr(a, op)())
    return leaves, nodes[-1]


@settings(max_examples=60, deadline=None)
@given(graphs())
def test_final_gradients_equal_backward_exactly(graph):
    leaves, root = graph
    steps = step_through(root)
    root.backward()
    order = root.topological_order()
    assert [s.node for s in steps] == [v for v in reversed(order) if not v.is_leaf()]
    final = steps.grads()
    for v in order:  # the same products added in the same order: bit-identical
        assert final[v] == v.grad


def test_bad_input_gets_a_clear_error():
    with pytest.raises(TypeError, match=r"step_through needs a microopt.Value.*got float: 3.0"):
        step_through(3.0)
    with pytest.raises(TypeError, match="Invalid seed gradient 'one'"):
        step_through(Value(1.0), gradient="one")
    steps = step_through(neuron()[2])
    with pytest.raises(ValueError, match=r"Invalid step: 4 \(must be a whole number from 0 to 3\)"):
        steps.grads(4)


def test_text_shows_every_addition():
    text = str(step_through(neuron()[2]))
    assert "seed: L.grad = 1" in text
    assert "step 3: n2 = a * b   op '*'   data -6" in text
    assert "parent.grad now" in text
    # the row of a at step 3: local -3, node.grad 0.00134095, added -0.00402285, running -0.0026819
    assert any(line.split() == ["a", "-3", "0.00134095", "-0.00402285", "-0.0026819"]
               for line in text.splitlines())


def test_html_table_and_never_raising_display():
    steps = step_through(neuron()[2])
    html = steps._repr_html_()
    assert html.startswith("<table") and html.count("<tr>") == 1 + 5  # header + 5 additions
    steps.names = {}  # a broken object: the display must explain, not raise
    assert "could not be shown" in steps._repr_html_()


def test_draw_highlights_the_node_and_shows_the_running_gradients():
    a, b, L = neuron()
    dot = step_through(L).draw(2).source
    n3_line = next(line for line in dot.splitlines() if "<B>n3</B>" in line)
    assert HIGHLIGHT_COLOR in n3_line  # the node processed at step 2
    a_line = next(line for line in dot.splitlines() if "<B>a</B>" in line)
    assert "grad 0.0013" in a_line  # a's running gradient after step 2: one share so far
    b_line = next(line for line in dot.splitlines() if "<B>b</B>" in line)
    assert "grad 0.0000" in b_line  # b gets its share at step 3
    assert L.grad == 0.0  # the diagram used the step-through's gradients only


def test_the_legend_names_the_processing_and_receiving_colors_when_they_are_drawn():
    a, b, L = neuron()
    steps = step_through(L)
    seed, first = steps.draw(0).source, steps.draw(1).source
    # step 1: L is processed (orange) and passes its gradient to n3 = a*b + a (green)
    assert f'<TD BGCOLOR="{HIGHLIGHT_COLOR}">processing</TD>' in first
    assert f'<TD BGCOLOR="{RECEIVING_COLOR}">received gradient</TD>' in first
    # before the first step nothing is highlighted: no entry for either color
    assert "processing" not in seed and "received gradient" not in seed and RECEIVING_COLOR not in seed
    own = steps.draw(1, highlight={L: "#ff0000"}).source  # a highlight of your own
    assert "received gradient" not in own and '<TD BGCOLOR="#ff0000">highlighted</TD>' in own


def test_one_diagram_per_moment():
    steps = step_through(neuron()[2])
    sources = [d.source for d in steps.diagrams()]
    assert len(sources) == 4  # the seed, then one per step
    assert HIGHLIGHT_COLOR not in sources[0] and all(HIGHLIGHT_COLOR in s for s in sources[1:])
    assert "grad 1.0000" in sources[0] and sources[0].count("grad 0.0000") == 4


def test_widget_slider_and_buttons_show_each_step():
    pytest.importorskip("ipywidgets")
    steps = step_through(neuron()[2])
    box = steps.widget(diagrams=False)
    (previous, slider, following), view = box.children[0].children, box.children[1]
    assert (slider.min, slider.max) == (0, 3)
    assert "seed: L.grad = 1" in view.value
    following.click()
    following.click()
    assert slider.value == 2 and "step 2: n3 = n2 + a" in view.value
    slider.value = 3
    following.click()  # clamped at the last step
    assert slider.value == 3 and "step 3: n2 = a * b" in view.value
    previous.click()
    assert "step 2:" in view.value


def test_widget_frames_include_the_diagram():
    pytest.importorskip("ipywidgets")
    box = step_through(neuron()[2]).widget()
    assert '<img src="data:image/png;base64,' in box.children[1].value


def test_show_falls_back_to_static_html_without_ipywidgets(monkeypatch):
    display = pytest.importorskip("IPython.display")
    shown = []
    monkeypatch.setattr(display, "display", shown.append)
    monkeypatch.setitem(sys.modules, "ipywidgets", None)  # makes `import ipywidgets` fail
    step_through(neuron()[2]).show(diagrams=False)
    (obj,) = shown
    assert "step 1: L = tanh(n3)" in obj.data and "step 3: n2 = a * b" in obj.data


def test_a_diagram_that_cannot_be_rendered_leaves_the_text(monkeypatch):
    pytest.importorskip("ipywidgets")
    steps = step_through(neuron()[2])

    def no_renderer(k=None, **options):
        raise RuntimeError("no Graphviz program found")

    monkeypatch.setattr(steps, "draw", no_renderer)
    view = steps.widget().children[1]
    assert "seed: L.grad = 1" in view.value
    assert "diagram unavailable: no Graphviz program found" in view.value


def test_a_folded_constant_reads_as_written():
    # x * 2.0 is one node of op "* 2" (the engine folds plain numbers into the node)
    x = Value(3.0, label="x")
    n1, n2, n3 = x * 2.0, 1 - x, 2 ** x
    for n, name in ((n1, "a"), (n2, "b"), (n3, "c")):
        n.label = name
    out = n1 + n2 + n3
    formulas = [s.formula for s in step_through(out)]
    assert "a = x * 2" in formulas and "b = 1 - x" in formulas and "c = 2 ** x" in formulas

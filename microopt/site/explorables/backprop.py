"""Explorable: backpropagation one step at a time, over ``microopt.teach.step_through``'s frames.

"Precomputed diagram, live numbers", as in EurekaLabs' micrograd page: Graphviz lays the graph
out once (``BackwardSteps.draw``, as SVG); for every moment k (0 = just seeded, k = after k
steps) the page holds each box's grad text and fill colour exactly as ``steps.draw(k)`` writes
them, and the chain-rule lines of step k. The script swaps those texts and colours in.
"""

from __future__ import annotations

import html
import re

from microopt.engine.ops import OPS
from microopt.engine.value import Value
from microopt.teach.backprop import RECEIVING_COLOR, BackwardSteps, step_through
from microopt.viz.graph import HIGHLIGHT_COLOR, LEAF_COLOR, NODE_COLOR, PARAMETER_COLOR, format_number

NAME = "backprop"
TITLE = "Backpropagation, step by step"
SUMMARY = "Walk through backward() one node at a time: the gradient each node passes to its parents."
PRECISION = 4  # decimals in the diagram's boxes, draw_graph's default


def neuron() -> tuple[Value, list[Value]]:
    """One tanh neuron with two inputs, o = tanh(x1·w1 + x2·w2 + b) (micrograd's example)."""
    x1, x2 = Value(2.0, label="x1"), Value(0.0, label="x2")
    w1, w2, b = Value(-3.0, label="w1"), Value(1.0, label="w2"), Value(6.8813735870195432, label="b")
    x1w1 = x1 * w1
    x1w1.label = "x1w1"
    x2w2 = x2 * w2
    x2w2.label = "x2w2"
    n = x1w1 + x2w2 + b
    n.label = "n"
    o = n.tanh()
    o.label = "o"
    return o, [w1, w2, b]


def reused() -> tuple[Value, list[Value]]:
    """f = (a·b)·(a + b): ``a`` and ``b`` each feed two nodes, so their gradients add up."""
    a, b = Value(-2.0, label="a"), Value(3.0, label="b")
    d = a * b
    d.label = "d"
    e = a + b
    e.label = "e"
    f = d * e
    f.label = "f"
    return f, [a, b]


EXAMPLES = {"neuron": ("a tanh neuron: o = tanh(x1·w1 + x2·w2 + b)", neuron),
            "reused": ("a value used twice: f = (a·b)·(a + b)", reused)}


def chain_rule_lines(steps: BackwardSteps, k: int) -> list[str]:
    """What step ``k`` adds, one line per parent: ``a.grad += local × node.grad = added``."""
    root = steps.names[steps.root]
    if k == 0:
        return [f"seed: {root}.grad = {format_number(steps.gradient, PRECISION)}   (d{root}/d{root} = 1)"]
    step = steps[k - 1]
    lines = [f"{step.formula}   local derivatives: {OPS[step.node.op_name].derivative}"]
    for c in step.contributions:
        lines.append(f"{c.name}.grad += {format_number(c.local_grad, PRECISION)} × "
                     f"{format_number(step.grad, PRECISION)} = {format_number(c.added, PRECISION)}"
                     f"   →   {c.name}.grad = {format_number(c.grad_after, PRECISION)}")
    return lines


def frames(steps: BackwardSteps, parameters: list[Value]) -> list[dict]:
    """For k = 0..len(steps): each box's grad text and fill (by the diagram's node id), the chain-rule lines."""
    ids = {v: f"n{i}" for i, v in enumerate(steps.order)}  # draw_graph's ids: the topological order
    base = {v: NODE_COLOR if not v.is_leaf() else PARAMETER_COLOR if v in parameters else LEAF_COLOR
            for v in steps.order}
    out = []
    for k in range(len(steps) + 1):
        grads = steps.grads(k)
        fill = dict(base)
        if k > 0:
            fill.update({c.parent: RECEIVING_COLOR for c in steps[k - 1].contributions})
            fill[steps[k - 1].node] = HIGHLIGHT_COLOR
        title = ("seeded: only the output has a gradient" if k == 0 else
                 f"step {k} of {len(steps)}: {steps[k - 1].name} passes its gradient to its parents")
        out.append({"title": title, "lines": chain_rule_lines(steps, k),
                    "grad": {ids[v]: f"grad {format_number(grads[v], PRECISION)}" for v in steps.order},
                    "fill": {ids[v]: fill[v] for v in steps.order}})
    return out


def diagram_svg(steps: BackwardSteps, parameters: list[Value]) -> str:
    """The graph laid out once by Graphviz (the last moment, so the boxes fit the final numbers)."""
    svg = steps.draw(len(steps), format="svg", parameters=parameters, highlight={}, legend=False)
    text = svg.pipe(format="svg").decode("utf-8")
    text = text[text.index("<svg"):]  # drop the XML prolog, doctype and generator comment
    text = re.sub(r"<!--.*?-->", "", text, flags=re.S)
    return re.sub(r'<svg width="[^"]*" height="[^"]*"', '<svg class="diagram" role="img"', text, count=1)


def build() -> tuple[dict, str]:
    """The page's data and body."""
    data, diagrams = {}, []
    for key, (description, make) in EXAMPLES.items():
        root, parameters = make()
        steps = step_through(root)
        data[key] = {"description": description, "frames": frames(steps, parameters)}
        diagrams.append(f'<div class="diagram-box" data-example="{key}" hidden>{diagram_svg(steps, parameters)}</div>')
    options = "".join(f'<option value="{key}">{html.escape(d)}</option>' for key, (d, _) in EXAMPLES.items())
    legend = "".join(f'<span class="swatch" style="background:{color}"></span>{html.escape(text)} '
                     for color, text in ((PARAMETER_COLOR, "parameter"), (LEAF_COLOR, "input"),
                                         (HIGHLIGHT_COLOR, "processing now"), (RECEIVING_COLOR, "received gradient")))
    body = f"""
<h1>{TITLE}</h1>
<p class="lead">Calling <code>backward()</code> visits the graph from the output back to the inputs, in reverse
topological order: a node is processed only after everything computed from it, so its gradient is final by then.
At each step it passes its gradient to each parent through the chain rule,
<code>parent.grad += local derivative × node.grad</code>, and a parent used twice collects two contributions.
Move the slider (or press ← →) to watch the gradients fill in. The numbers are microopt's own:
<code>microopt.teach.step_through</code> recorded every step when this page was built.</p>
<div class="controls">
<label>graph <select id="example">{options}</select></label>
<button id="previous" type="button" aria-label="previous step">← previous</button>
<input id="slider" type="range" step="1" value="0" aria-label="step">
<button id="next" type="button" aria-label="next step">next →</button>
<span id="position" class="position"></span>
</div>
<h2 id="frame-title" aria-live="polite"></h2>
<pre id="chain-rule" class="chain-rule"></pre>
<figure>{"".join(diagrams)}<figcaption class="legend">{legend}<b>bold</b> box: the output</figcaption></figure>
"""
    return data, body

"""Step through backpropagation one node at a time, without touching any ``.grad``.

``Value.backward()`` is one loop over the graph in reverse topological order, applying the
chain rule from each node to its parents::

    for node in reversed(order):        # a node comes after everything computed from it
        for parent, local in zip(node.parents, node.local_grads):
            parent.grad += local * node.grad

``step_through(root)`` runs exactly this loop on a private table of gradients and records
every iteration as a ``BackwardStep``: the node, its gradient at that moment (already final:
everything computed from it has been processed), and for each parent the local derivative,
the product added (``local * node.grad``) and the parent's running gradient after the
addition. The real ``.grad`` attributes are never written, so you may step through a graph
before or after calling ``backward()``: the two never disturb each other.

Sizes are bounded where a graph can be huge (a loss over a dataset has a node per operation):
``step_through`` refuses graphs of more than ``max_nodes`` Values (``MAX_NODES``, 100,000),
the text shows the first ``SHOWN_STEPS`` steps (200) and the HTML table the first
``SHOWN_ROWS`` rows (500), each saying how many more there are; every step stays reachable
as ``steps[k]``.

Every gradient starts at 0, as after ``zero_grad()``: the final gradients are d(root)/d(node),
what a first ``backward()`` puts in ``.grad``. With ``accumulate=True`` the leaves start from
their current ``.grad`` instead, which is what ``backward()`` would add to.

>>> from microopt import Value
>>> a, b = Value(2.0, label="a"), Value(-3.0, label="b")
>>> L = a * b + a; L.label = "L"
>>> steps = step_through(L)
>>> [(s.name, s.grad) for s in steps]
[('L', 1.0), ('n2', 1.0)]
>>> steps.grads()[a], steps.grads()[b]
(-2.0, 2.0)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator

from microopt._validate import whole_number
from microopt.engine.value import SUM, Value
from microopt.teach._table import error_html, fmt, html_table, text_table
from microopt.teach.player import Player, show_frames
from microopt.viz.graph import HIGHLIGHT_COLOR, draw_graph

_INFIX = ("+", "-", "*", "/", "**")
MAX_NODES = 100_000  # about 50 MB of recorded steps
SHOWN_STEPS = 200  # in str(steps)
SHOWN_ROWS = 500  # in the notebook's HTML table
RECEIVING_COLOR = "#b6d7a8"  # light green: the parents a step adds gradient to


@dataclass(frozen=True, eq=False)
class Contribution:
    """One chain-rule addition: ``parent.grad += local_grad * node.grad``."""

    parent: Value
    name: str  # the parent's name in the tables
    local_grad: float  # d(node)/d(parent), stored on the node when it was computed
    added: float  # local_grad * node.grad
    grad_after: float  # the parent's running gradient once `added` is in


@dataclass(frozen=True, eq=False)
class BackwardStep:
    """What ``backward()`` does at one node: pass its gradient on to each parent."""

    index: int  # 1 for the first node processed (the root)
    node: Value
    name: str
    formula: str  # how the node was computed, e.g. "L = d * f"
    grad: float  # d(root)/d(node): final when the node is processed
    contributions: tuple[Contribution, ...]

    @property
    def op(self) -> str:
        return self.node.op

    @property
    def data(self) -> float:
        return self.node.data

    def __str__(self) -> str:
        head = (f"step {self.index}: {self.formula}   op {self.op!r}   data {fmt(self.data)}"
                f"   grad {fmt(self.grad)}")
        rows = [(c.name, c.local_grad, self.grad, c.added, c.grad_after) for c in self.contributions]
        header = ("parent", f"local d({self.name})/d(parent)", "x node.grad", "= added",
                  "parent.grad now")
        return head + "\n" + text_table(header, rows, indent="    ")


class BackwardSteps:
    """The backward pass from ``root`` as a list of ``BackwardStep`` (see ``step_through``).

    Indexable and iterable like a list. ``grads(k)`` is every node's running gradient after
    the first ``k`` steps; ``draw(k)`` the graph diagram at that moment; ``widget()`` a
    slider over the steps in Jupyter. ``str(steps)`` is a text table, and a notebook shows
    an HTML table.
    """

    TABLE_HEADER = ("step", "node", "node.grad", "parent", "local", "added", "parent.grad now")

    def __init__(self, root: Value, order: list[Value], names: dict[Value, str],
                 start: dict[Value, float], gradient: float, steps: list[BackwardStep]) -> None:
        self.root = root
        self.order = order  # topological order: every node after its parents
        self.names = names
        self.gradient = gradient  # the seed: root.grad starts at start[root] + gradient
        self._start = start
        self._steps = steps

    def __len__(self) -> int:
        return len(self._steps)

    def __getitem__(self, k):
        return self._steps[k]

    def __iter__(self) -> Iterator[BackwardStep]:
        return iter(self._steps)

    def grads(self, k: int | None = None) -> dict[Value, float]:
        """Each node's gradient after the first ``k`` steps (all steps when ``k`` is None).

        ``grads(0)`` is the moment right after seeding: only the root has a gradient
        (besides the leaves' earlier gradients, with ``accumulate=True``).
        """
        if k is None:
            k = len(self._steps)
        k = whole_number("step", k, minimum=0, maximum=len(self._steps),
                         advice=f"This backward pass has {len(self._steps)} steps; 0 is before the first.")
        grads = dict(self._start)
        grads[self.root] += self.gradient
        for step in self._steps[:k]:
            for c in step.contributions:
                grads[c.parent] = c.grad_after
        return grads

    def draw(self, k: int | None = None, **options):
        """The graph diagram after ``k`` steps (all by default), with the running gradients.

        The node processed at step ``k`` is orange and the parents it just passed gradient
        to are green; nodes are named as in the text (``n3`` when unlabeled). Uses
        ``microopt.viz.graph.draw_graph``; extra keyword options go to it.
        """
        grads = self.grads(k)
        k = len(self._steps) if k is None else k
        highlight = {}
        if k > 0:
            step = self._steps[k - 1]
            highlight = {step.node: HIGHLIGHT_COLOR, **{c.parent: RECEIVING_COLOR for c in step.contributions}}
        options.setdefault("highlight", highlight)
        options.setdefault("highlight_labels", {HIGHLIGHT_COLOR: "processing", RECEIVING_COLOR: "received gradient"})
        return draw_graph(self.root, grads=grads, names=self.names, **options)

    def diagrams(self, **options) -> list:
        """One diagram per moment: ``[draw(0), draw(1), ..., draw(len(self))]``.

        Save them as the frames of a slide show: ``d.render(f"step{k}", format="png")``.
        """
        return [self.draw(k, **options) for k in range(len(self._steps) + 1)]

    def describe(self, k: int) -> str:
        """The text of step ``k`` (k = 0: the seed), as the widget shows it."""
        if k == 0:
            return (f"seed: {self.names[self.root]}.grad = {fmt(self.grads(0)[self.root])} "
                    f"(d{self.names[self.root]}/d{self.names[self.root]} = 1)")
        return str(self._steps[k - 1])

    def __str__(self) -> str:
        root = self.names[self.root]
        head = (f"Backward pass from {root} = {fmt(self.root.data)}: {len(self)} steps in reverse "
                f"topological order, each doing parent.grad += local derivative x node.grad")
        parts = [head, self.describe(0), *(str(s) for s in self._steps[:SHOWN_STEPS])]
        if len(self) > SHOWN_STEPS:
            parts.append(f"... and {len(self) - SHOWN_STEPS:,} more steps, not shown (the text stops at "
                         f"SHOWN_STEPS = {SHOWN_STEPS}); print(steps[k]) shows step k + 1.")
        return "\n\n".join(parts)

    def __repr__(self) -> str:
        return f"<BackwardSteps from {self.names[self.root]!r}: {len(self)} steps>"

    def table_rows(self) -> list[tuple]:
        """One row per chain-rule addition: (step, node, node.grad, parent, local, added, parent.grad)."""
        return [(s.index, s.name, s.grad, c.name, c.local_grad, c.added, c.grad_after)
                for s in self._steps for c in s.contributions]

    def _repr_html_(self) -> str:
        try:
            caption = (f"Backward pass from {self.names[self.root]} = {fmt(self.root.data)} "
                       f"(seed grad {fmt(self.gradient)}): parent.grad += local x node.grad")
            rows = self.table_rows()
            if len(rows) > SHOWN_ROWS:
                caption += (f". The first {SHOWN_ROWS} of {len(rows):,} rows (SHOWN_ROWS); steps[k] shows "
                            "any step, steps.table_rows() all rows.")
            return html_table(self.TABLE_HEADER, rows[:SHOWN_ROWS], caption)
        except Exception as error:  # a notebook display must never raise
            return error_html("BackwardSteps", error)

    def widget(self, *, diagrams: bool = True):
        """A slider with previous/next buttons over the steps (needs ipywidgets).

        Each position shows the step's text and, with ``diagrams``, the graph with the
        current node highlighted and the running gradients. Without ipywidgets, use
        ``show()``, which falls back to static HTML.
        """
        return Player(len(self) + 1, lambda k: self._frame_html(k, diagrams),
                      description="step").widget

    def show(self, *, diagrams: bool = True) -> None:
        """Display the step-through in Jupyter: the slider when ipywidgets is installed,
        otherwise every step's text and the final diagram."""
        show_frames(len(self) + 1, lambda k: self._frame_html(k, diagrams),
                    lambda: self._static_html(diagrams), description="step")

    def _static_html(self, diagrams: bool) -> str:
        import html

        parts = [f"<pre>{html.escape(str(self))}</pre>"]
        if diagrams:
            parts.append(_diagram_html(lambda: self.draw()))
        return "\n".join(parts)

    def _frame_html(self, k: int, diagrams: bool) -> str:
        import html

        parts = [f"<pre>{html.escape(self.describe(k))}</pre>"]
        if diagrams:
            parts.append(_diagram_html(lambda: self.draw(k)))
        return "\n".join(parts)


def _diagram_html(make_diagram) -> str:
    """The diagram as an inline PNG, or a one-line reason why it cannot be drawn.

    PNG rather than SVG: notebooks do not show SVG until trusted, and graphviz-pure sizes
    SVG text for a font the browser may not use. SVG where only Viz.js can draw (JupyterLite).
    """
    import base64
    import html

    first_error = None
    for image_format, mime in (("png", "image/png"), ("svg", "image/svg+xml")):
        try:
            image = make_diagram().pipe(format=image_format)
            return f'<img src="data:{mime};base64,{base64.b64encode(image).decode("ascii")}">'
        except Exception as error:  # no graphviz program, no graphviz package...: still show the text
            first_error = first_error or error
    return f"<p><i>diagram unavailable: {html.escape(str(first_error))}</i></p>"



def node_names(order: list[Value]) -> dict[Value, str]:
    """Each node's label, or ``n<i>`` (its position in topological order) when it has none."""
    return {node: str(node.label) if node.label else f"n{i}" for i, node in enumerate(order)}


def _formula(node: Value, names: dict[Value, str]) -> str:
    args = [names[p] for p in node.parents]
    op = node.op
    if op in _INFIX:
        expr = f" {op} ".join(args)
    elif op.startswith("**"):  # a constant exponent is part of the op, e.g. "**2"
        expr = f"{args[0]} ** {op[2:]}"
    elif node.constant is not None and op != "leaky_relu":  # a folded number: "* 2" is x * 2, "1 -" is 1 - x
        expr = f"{args[0]} {op}" if op[0] in "+-*/" else f"{op} {args[0]}"
    elif op == "neg":
        expr = f"-{args[0]}"
    elif op == SUM and len(args) > 4:
        expr = f"sum({', '.join(args[:3])}, ..., {args[-1]})"
    else:
        expr = f"{op}({', '.join(args)})"
    return f"{names[node]} = {expr}"


def step_through(root: Value, gradient: float = 1.0, *, accumulate: bool = False,
                 max_nodes: int = MAX_NODES) -> BackwardSteps:
    """The backward pass from ``root``, one recorded step per node it processes.

    The steps follow ``root.backward()`` exactly: reverse topological order, leaves skipped
    (they have no parents to pass a gradient to). No ``.grad`` is modified. ``gradient`` is
    the seed, d(root)/d(root) = 1 by default. With ``accumulate=True`` leaves start from
    their current ``.grad``, as ``backward()`` would; by default every gradient starts at 0.
    Graphs of more than ``max_nodes`` Values are refused before any step is recorded.
    """
    if not isinstance(root, Value):
        raise TypeError(
            f"step_through needs a microopt.Value (the output to differentiate), got "
            f"{type(root).__name__}: {root!r}. Build it from Values, e.g. L = (a * b).tanh()."
        )
    if isinstance(gradient, bool) or not isinstance(gradient, (int, float)):
        raise TypeError(f"Invalid seed gradient {gradient!r}: must be a number (usually 1.0).")
    max_nodes = whole_number("max_nodes", max_nodes, minimum=1, advice="Pass the largest graph to step through.")
    order = root.topological_order()
    if len(order) > max_nodes:
        raise ValueError(
            f"The graph has {len(order):,} Values, more than max_nodes={max_nodes:,}: step_through records one "
            "step per Value, too many to read. Step through a smaller graph (one sample, one neuron), or pass "
            "a larger max_nodes= to record it anyway."
        )
    names = node_names(order)
    start = {node: node.grad if accumulate and node.is_leaf() else 0.0 for node in order}
    grads = dict(start)
    grads[root] += float(gradient)
    steps = []
    for node in reversed(order):
        if node.is_leaf():
            continue
        node_grad = grads[node]
        contributions = []
        for parent, local in zip(node.parents, node.local_grads):
            added = local * node_grad
            grads[parent] += added
            contributions.append(Contribution(parent, names[parent], local, added, grads[parent]))
        steps.append(BackwardStep(len(steps) + 1, node, names[node], _formula(node, names),
                                  node_grad, tuple(contributions)))
    return BackwardSteps(root, order, names, start, float(gradient), steps)

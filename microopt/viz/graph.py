"""Diagrams of computation graphs: every Value as a box ``label | data | grad``, every op as a bubble.

>>> from microopt import Value
>>> x, w, b = Value(2.0, label="x"), Value(-3.0, label="w"), Value(1.0, label="b")
>>> out = (x * w + b).tanh()
>>> out.backward()
>>> dot = draw_graph(out, parameters=[w, b])   # a graphviz.Digraph: shows itself in Jupyter
>>> save_graph(out, "neuron.png", parameters=[w, b])  # doctest: +SKIP

How to read a diagram (the legend under it says the same):

- **blue** boxes are parameters (``parameters=`` a list of Values or a Module), **yellow** boxes
  the other leaves: inputs and constants. Without ``parameters=`` every leaf is yellow.
- the **bold** box is the output, the Value you drew.
- **orange** boxes are highlighted (``highlight=``), e.g. the node being processed by a
  step-through of backpropagation; ``highlight=`` may give each Value its own color, and
  ``highlight_labels=`` says in the legend what each color means ("received gradient").
- edges run from the inputs of an op to its result, left to right (``rankdir="LR"``).

Gradients "not computed": ``backward()`` always seeds the output with d(out)/d(out) = 1, so an
output whose ``grad`` is still 0.0 has not been backpropagated from. Then every grad is shown as
"—" and the caption says "call backward() to fill in gradients", because the zeros (or the stale
gradients left in leaves by an earlier graph) are not the gradients of this output.

Node ids come from the topological order (``n0`` is the first node placed), so the same
computation always gives the same DOT source, whatever the memory addresses of its Values.
"""

from __future__ import annotations

import html
import math
import pathlib
from typing import Iterable, Mapping, Union

from microopt._validate import whole_number
from microopt.engine.value import Value

PARAMETER_COLOR = "#cfe2f3"  # light blue
LEAF_COLOR = "#fff2cc"  # light yellow: inputs and constants
NODE_COLOR = "#ffffff"  # intermediate results
OP_COLOR = "#eeeeee"  # the op bubbles
HIGHLIGHT_COLOR = "#f8a65b"  # orange
NOT_COMPUTED = "—"
FONT = "Helvetica"
FORMATS = ("svg", "png")

Highlight = Union[Value, Iterable[Value], Mapping[Value, str], None]


def format_number(x: float, precision: int = 4) -> str:
    """``x`` with ``precision`` decimals, or in scientific notation when that would hide it."""
    if math.isnan(x) or math.isinf(x):
        return str(x)
    if x == 0.0:
        x = 0.0  # -0.0 (e.g. a negative weight times a dead relu) reads as 0
    if x == 0.0 or 10.0 ** -(precision - 1) <= abs(x) < 1e6:
        return f"{x:.{precision}f}"
    return f"{x:.{precision - 1}e}"


def _highlight_colors(highlight: Highlight) -> dict[Value, str]:
    """``highlight=`` as {Value: fill color}; a single Value or a collection gets orange."""
    if highlight is None:
        return {}
    if isinstance(highlight, Value):
        return {highlight: HIGHLIGHT_COLOR}
    if isinstance(highlight, Mapping):
        return dict(highlight)
    try:
        values = list(highlight)
    except TypeError:
        raise TypeError(
            f"highlight must be a Value, a collection of Values or a dict Value -> color, "
            f"got {type(highlight).__name__}: {highlight!r}."
        ) from None
    return {v: HIGHLIGHT_COLOR for v in values}


def _parameter_set(parameters) -> set[Value]:
    if parameters is None:
        return set()
    if hasattr(parameters, "parameters"):  # a Module: its own parameter list
        parameters = parameters.parameters()
    if isinstance(parameters, Value):
        return {parameters}
    return set(parameters)


def _value_label(v: Value, *, fill: str, border: int, show_grad: bool, grads_computed: bool,
                 precision: int, name: str, grad: float) -> str:
    """The HTML-like label of one Value: a one-row table ``name | data ... | grad ...``."""
    cells = []
    if name:
        cells.append(f"<B>{html.escape(str(name))}</B>")  # a label may be any object
    cells.append(f"data {format_number(v.data, precision)}")
    if show_grad:
        if grads_computed:
            cells.append(f"grad {format_number(grad, precision)}")
        else:
            cells.append(f'grad <FONT COLOR="#888888">{NOT_COMPUTED}</FONT>')
    row = "".join(f"<TD>{cell}</TD>" for cell in cells)
    return (f'<<TABLE BORDER="{border}" CELLBORDER="1" CELLSPACING="0" CELLPADDING="4" '
            f'BGCOLOR="{fill}"><TR>{row}</TR></TABLE>>')


def _caption(kinds_present: set[str], highlights: Mapping[str, str], grads_computed: bool,
             show_grad: bool) -> str:
    """The legend under the diagram: one colored cell per kind of box that appears in it, and
    one per highlight color that appears (``highlights``: color -> what it means)."""
    entries = [
        (PARAMETER_COLOR, "parameter", "") if "parameter" in kinds_present else None,
        (LEAF_COLOR, "input / constant", "") if "leaf" in kinds_present else None,
        *((color, html.escape(str(text)), "") for color, text in highlights.items()),
        (NODE_COLOR, "output", ' BORDER="3"'),
    ]
    entries = [entry for entry in entries if entry is not None]
    cells = "".join(f'<TD BGCOLOR="{color}"{style}>{text}</TD>' for color, text, style in entries)
    rows = f"<TR>{cells}</TR>"
    if show_grad and not grads_computed:
        span = len(entries)
        rows += (f'<TR><TD COLSPAN="{span}" BORDER="0">'
                 f"grad {NOT_COMPUTED}: not computed yet, call backward() to fill in gradients</TD></TR>")
    return f'<<TABLE BORDER="0" CELLBORDER="1" CELLSPACING="4" CELLPADDING="3">{rows}</TABLE>>'


def draw_graph(root: Value, *, parameters=None, highlight: Highlight = None,
               highlight_labels: Mapping[str, str] | None = None, rankdir: str = "LR",
               format: str = "svg", show_grad: bool = True, show_local_grads: bool = False,
               legend: bool = True, precision: int = 4, max_nodes: int = 300,
               grads: Mapping[Value, float] | None = None, names: Mapping[Value, str] | None = None):
    """The computation graph that produced ``root``, as a ``graphviz.Digraph``.

    Args:
        root: the Value to draw (drawn with a bold border), with everything it depends on.
        parameters: Values (or a Module) to color as parameters; other leaves are inputs.
        highlight: a Value, a collection of Values (drawn orange), or a dict {Value: color}.
        highlight_labels: what each highlight color means, for the legend, e.g.
            ``{"#b6d7a8": "received gradient"}``. The legend lists each highlight color used
            in the diagram once, as "highlighted" unless named here.
        rankdir: "LR" (left to right, the default), "TB", "RL" or "BT".
        format: "svg" or "png": what ``.render()`` writes and Jupyter shows.
        show_grad: include the grad cell; show_local_grads: label each edge into an op with
            the local derivative d(result)/d(input) that backward() multiplies by.
        legend: add the caption explaining the colors (and the not-computed mark).
        precision: decimals shown for data and grad.
        max_nodes: refuse graphs with more Values than this; a diagram that large is
            unreadable and slow to lay out.
        grads: show these gradients instead of each Value's ``.grad`` (a Value missing from
            the mapping shows 0), e.g. the running gradients at one step of
            ``microopt.teach.step_through``; the diagram then counts as backpropagated.
        names: show these names instead of the Values' labels (e.g. the ``n3`` of a
            step-through table for an unlabeled node).

    Save with ``save_graph(root, "graph.png")`` or ``draw_graph(root).render("graph", format="png")``.
    """
    if not isinstance(root, Value):
        raise TypeError(f"draw_graph needs a Value, got {type(root).__name__}: {root!r}.")
    if rankdir not in ("LR", "TB", "RL", "BT"):
        raise ValueError(f"Invalid rankdir: {rankdir!r} (must be one of 'LR', 'TB', 'RL', 'BT').")
    if format not in FORMATS:
        raise ValueError(f"Invalid format: {format!r} (must be one of {', '.join(FORMATS)}; "
                         "PDF needs a system Graphviz: render the DOT source with `dot -Tpdf`).")
    if highlight_labels is not None and not isinstance(highlight_labels, Mapping):
        raise TypeError(f"highlight_labels must be a dict color -> meaning, e.g. {{'#b6d7a8': 'received "
                        f"gradient'}}, got {type(highlight_labels).__name__}: {highlight_labels!r}.")
    precision = whole_number("precision", precision, minimum=1, advice="It is the significant digits shown.")
    max_nodes = whole_number("max_nodes", max_nodes, minimum=1, advice="Pass the largest graph to draw.")
    order = root.topological_order()
    if len(order) > max_nodes:
        raise ValueError(
            f"The graph has {len(order)} Values, more than max_nodes={max_nodes}: too large to read "
            f"or lay out quickly. Draw a smaller piece (one neuron, one example), or pass "
            f"max_nodes={len(order)} to draw it anyway."
        )
    from microopt.viz.render import Diagram, use_renderer

    use_renderer()
    params = _parameter_set(parameters)
    colors = _highlight_colors(highlight)
    grads_computed = grads is not None or root.grad != 0.0
    ids = {v: f"n{i}" for i, v in enumerate(order)}

    dot = Diagram(format=format, graph_attr={"rankdir": rankdir, "fontname": FONT, "fontsize": "11"},
                  node_attr={"fontname": FONT, "fontsize": "11"},
                  edge_attr={"fontname": FONT, "fontsize": "9", "arrowsize": "0.7"})
    kinds = set()
    for v in order:
        if v in colors:
            kind, fill = "highlight", colors[v]
        elif v.is_leaf():
            kind = "parameter" if v in params else "leaf"
            fill = PARAMETER_COLOR if kind == "parameter" else LEAF_COLOR
        else:
            kind, fill = "node", NODE_COLOR
        kinds.add(kind)
        label = _value_label(v, fill=fill, border=3 if v is root else 0, show_grad=show_grad,
                             grads_computed=grads_computed, precision=precision,
                             name=names.get(v, v.label) if names is not None else v.label,
                             grad=grads.get(v, 0.0) if grads is not None else v.grad)
        dot.node(ids[v], label=label, shape="plain")
        if not v.is_leaf():
            op_id = ids[v] + "_op"
            dot.node(op_id, label=v.op, shape="ellipse", style="filled", fillcolor=OP_COLOR,
                     width="0.3", height="0.3", margin="0.04,0.02", fontsize="10")
            for parent, local in zip(v.parents, v.local_grads):
                edge_label = format_number(local, precision) if show_local_grads else None
                dot.edge(ids[parent], op_id, label=edge_label)
            dot.edge(op_id, ids[v])
    if legend:
        drawn = {colors[v] for v in order if v in colors}
        labels = highlight_labels or {}
        highlights = {color: labels.get(color, "highlighted") for color in dict.fromkeys(colors.values())
                      if color in drawn}  # in the order highlight= gives them
        dot.attr(label=_caption(kinds, highlights, grads_computed, show_grad), labelloc="b", labeljust="l")
    return dot


def save_graph(root, path: str | pathlib.Path, **options) -> pathlib.Path:
    """Draw ``root`` (a Value, or a Digraph from ``draw_graph``) to ``path``: .svg, .png or .dot.

    The format follows the file's suffix; ``.dot`` / ``.gv`` write the DOT source (no Graphviz
    program needed). ``options`` go to ``draw_graph``. Returns the path written.
    """
    path = pathlib.Path(path)
    suffix = path.suffix.lower().lstrip(".")
    if suffix not in (*FORMATS, "dot", "gv"):
        raise ValueError(f"Cannot save a graph as {path.name!r}: use a .svg, .png or .dot file name.")
    if options and not isinstance(root, Value):
        raise TypeError("save_graph: drawing options apply only when root is a Value, not a Digraph.")
    dot = draw_graph(root, **options) if isinstance(root, Value) else root
    path.parent.mkdir(parents=True, exist_ok=True)
    if suffix in ("dot", "gv"):
        path.write_text(dot.source, encoding="utf-8")
    else:
        path.write_bytes(dot.pipe(format=suffix))
    return path

"""``draw_dot``: the diagram of the micrograd lecture, a record per Value and an oval per op.

    draw_dot(root, format='svg', rankdir='LR')

Each Value is a box ``{ label | data 2.0000 | grad -1.5000 }`` (the label part only when the
Value has one, as micrograd's ``trace_graph.ipynb`` draws them) and each operation an oval
between its inputs and its result. Unlike the lecture's ``trace`` (a recursive walk over the
``_prev`` sets, so nodes come out in memory-address order), the nodes are listed in
topological order, so the same expression always gives the same DOT source. Returns a
``graphviz.Digraph`` that shows itself in Jupyter; for microopt's richer diagrams (parameters
in blue, highlights, a legend) use ``root.draw()``.
"""

from __future__ import annotations

RANKDIRS = ("LR", "TB")


def draw_dot(root, format: str = "svg", rankdir: str = "LR"):  # noqa: A002 (micrograd's argument name)
    """The computation graph behind ``root`` as a ``graphviz.Digraph``."""
    if rankdir not in RANKDIRS:
        raise ValueError(f"Invalid rankdir: {rankdir!r} (must be 'LR', left to right, or 'TB', top to bottom).")
    from microopt.viz.render import Diagram, use_renderer

    use_renderer()
    dot = Diagram(format=format, graph_attr={"rankdir": rankdir})
    order = root.topological_order()
    name = {id(v): f"n{i}" for i, v in enumerate(order)}
    for v in order:
        fields = [v.label] if v.label else []
        fields += ["data %.4f" % v.data, "grad %.4f" % v.grad]
        dot.node(name[id(v)], label="{ " + " | ".join(fields) + " }", shape="record")
        if v.op:
            dot.node(name[id(v)] + "_op", label=v.op)
            dot.edge(name[id(v)] + "_op", name[id(v)])
            for parent in dict.fromkeys(v.parents):  # a + a: one edge, as micrograd's set gives
                dot.edge(name[id(parent)], name[id(v)] + "_op")
    return dot

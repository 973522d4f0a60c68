"""A compiled training step: trace the graph of one step once, then replay it without Values.

Building a graph costs most of an eager step: one Python object per node, created, sorted
and freed again on every step, although the graph's *shape* is the same each time; only the
numbers change (new batch, new weights). ``compile_step`` builds the graph once, reads it in
topological order, and writes it out as straight-line Python, one line per node, forward
then backward (the chain rule, node by node, in exactly the order ``backward()`` uses)::

    v3 = fsum((p0 * x0_0, p1 * x0_1, p2))      # a neuron: w · x + b
    v4 = relu(v3)
    ...
    g_v4 = ...
    g_v3 = relu_slope(v3) * g_v4
    g_p0 = x0_0 * g_v3

Each line is the op's replay rule from ``microopt.engine.ops.OPS``, which calls the very
functions the eager engine calls, and the gradients accumulate in the eager order: losses,
gradients and hence weights are the eager engine's, bit for bit. ``step.source`` is that
program, to show a student what their graph computes.

What it refuses, with a message: an op without a replay rule, and a graph whose shape or
constants depend on the data (a Python ``if`` on a value, a number read from ``.data``):
the step is traced a second time on other inputs (mirrored and shifted, x → 0.5 - 1.25 x),
and both traces must agree. A branch that both inputs happen to take alike goes unnoticed:
the check is a test, not a proof. (relu and the like are not branches of the graph: their
shape is fixed, only their local derivatives depend on the data, and those are replayed.)
"""

from __future__ import annotations

import math
from typing import Callable, Sequence

from microopt.engine.collector import paused_collector
from microopt.engine.ops import OPS, REPLAY_NAMESPACE
from microopt.engine.value import SUM, Value


class CompileError(ValueError):
    """A graph the compiled step cannot replay faithfully."""


class CompiledStep:
    """``step(X_batch, y_batch)``: the traced step on new data and the parameters' current values.

    Returns the loss (a float) and adds d(loss)/dθ to each parameter's ``.grad``, exactly as
    ``loss.backward()`` would after building the graph eagerly.
    """

    def __init__(self, source: str, parameters: list[Value], batch_size: int, sample_width: int):
        self.source = source
        self.parameters = parameters
        self.batch_size, self.sample_width = batch_size, sample_width
        namespace = dict(REPLAY_NAMESPACE, nan=math.nan, inf=math.inf)
        exec(compile(source, "<microopt compiled step>", "exec"), namespace)  # our own generated code
        self._replay = namespace["step"]

    def __call__(self, X_batch: Sequence[Sequence[float]], y_batch: Sequence[float]) -> float:
        if len(X_batch) != self.batch_size or len(y_batch) != self.batch_size:
            raise ValueError(f"Invalid batch: {len(X_batch)} samples (must be {self.batch_size}, the size "
                             "it was compiled for). Compile one step per batch size.")
        x = [float(v) for row in X_batch for v in row]
        if len(x) != self.batch_size * self.sample_width:
            raise ValueError(f"Invalid batch: samples must have {self.sample_width} features each.")
        loss, grads = self._replay([p.data for p in self.parameters], x, [float(t) for t in y_batch])
        for p, g in zip(self.parameters, grads):
            p.grad = g + p.grad  # backward(): this call's gradient, plus what the leaf held
        return loss


def compile_step(loss_of_batch: Callable[[list, list], Value], parameters: Sequence[Value],
                 X_batch: Sequence[Sequence[float]], y_batch: Sequence[float]) -> CompiledStep:
    """Trace ``loss_of_batch(X_values, y_values)`` once and return the replayed step.

    ``loss_of_batch`` builds the loss from the batch's inputs and targets (given as leaf
    Values), e.g. ``lambda X, y: hinge_loss([model(x) for x in X], y)``; ``parameters`` are
    the leaves to differentiate (``model.parameters()``).
    """
    parameters = list(parameters)
    with paused_collector():
        first = _trace(loss_of_batch, parameters, X_batch, y_batch)
        # other data, same targets: mirrored and shifted, so that signs and orderings change
        shifted = [[0.5 - 1.25 * float(v) for v in row] for row in X_batch]
        second = _trace(loss_of_batch, parameters, shifted, y_batch)
        if first.shape != second.shape:
            raise CompileError(
                "Cannot compile this step: its graph changes with the data (the same step on other "
                f"inputs made a different graph, first at node {_first_difference(first.shape, second.shape)}). "
                "A Python if on a value, or a number read from .data, does that; train it eagerly."
            )
        source = _generate(first)
    return CompiledStep(source, parameters, len(X_batch), len(X_batch[0]) if len(X_batch) else 0)


class _Trace:
    """One traced graph: its nodes in topological order, and what each leaf is."""

    def __init__(self, root: Value, order: list[Value], names: dict[Value, str]):
        self.root, self.order, self.names = root, order, names
        # the shape: each node's op, constant and parents, by position; leaves by role
        position = {node: i for i, node in enumerate(order)}
        self.shape = [(n.op_name, n.constant, names.get(n) if n.is_leaf() and n in names else None,
                       None if n.is_leaf() and n in names else (n.data if n.is_leaf() else None),
                       tuple(position[p] for p in n.parents)) for n in order]


def _trace(loss_of_batch, parameters, X_batch, y_batch) -> _Trace:
    names: dict[Value, str] = {p: f"p{i}" for i, p in enumerate(parameters)}
    X_values = [[Value(float(v)) for v in row] for row in X_batch]
    y_values = [Value(float(t)) for t in y_batch]
    for i, row in enumerate(X_values):
        for j, v in enumerate(row):
            names[v] = f"x{i}_{j}"
    for i, v in enumerate(y_values):
        names[v] = f"y{i}"
    try:
        loss = loss_of_batch(X_values, y_values)
    except (TypeError, ValueError) as error:
        raise CompileError(f"Cannot compile this step: the loss does not take its data as Values ({error}). "
                           "A loss that indexes by its targets (cross_entropy) has a data-dependent graph; "
                           "train it eagerly.") from error
    if not isinstance(loss, Value):
        raise CompileError(f"Cannot compile this step: it returned {type(loss).__name__}, not a Value.")
    order = loss.topological_order()
    for node in order:
        if not node.is_leaf() and OPS[node.op_name].replay is None:
            raise CompileError(f"Cannot compile this step: the op {node.op_name!r} has no replay rule "
                               "in microopt.engine.ops.OPS; train it eagerly.")
    return _Trace(loss, order, names)


def _first_difference(a: list, b: list) -> str:
    for i, (x, y) in enumerate(zip(a, b)):
        if x != y:
            return f"{i} ({x[0] or 'leaf'} vs {y[0] or 'leaf'})"
    return f"{min(len(a), len(b))} (one graph is longer)"


def _number(x: float) -> str:
    return repr(x) if math.isfinite(x) else ("nan" if math.isnan(x) else ("inf" if x > 0 else "-inf"))


def _generate(trace: _Trace) -> str:
    """The straight-line program: forward in topological order, backward in reverse."""
    order, names = trace.order, dict(trace.names)
    parameters = sorted((n for n in names if names[n].startswith("p")), key=lambda n: int(names[n][1:]))
    inputs = [n for n in order if n in names and names[n][0] == "x"]
    targets = [n for n in order if n in names and names[n][0] == "y"]
    for node in order:
        if node.is_leaf() and node not in names:
            names[node] = _number(node.data)  # a constant the loss made for itself
    consumers: dict[Value, list[Value]] = {}
    for node in order:
        for parent in node.parents:
            consumers.setdefault(parent, []).append(node)
    # A product that only feeds one sum (w·x in a neuron) is written inside the sum, and its
    # gradient is the sum's: d(sum)/d(term) = 1.
    inlined = {n: consumers[n][0] for n in order if n.op_name == "mul" and len(consumers.get(n, ())) == 1
               and consumers[n][0].op_name == SUM}
    for i, node in enumerate(order):
        if not node.is_leaf():
            names[node] = f"v{i}"
    for node in order:  # in topological order, so a term's parents are named before it
        if node in inlined:
            names[node] = f"{names[node.parents[0]]} * {names[node.parents[1]]}"
    all_x = sorted((n for n in trace.names if trace.names[n][0] == "x"),
                   key=lambda n: tuple(map(int, trace.names[n][1:].split("_"))))
    all_y = sorted((n for n in trace.names if trace.names[n][0] == "y"), key=lambda n: int(trace.names[n][1:]))
    del inputs, targets

    lines = ["def step(p, x, y):",
             '    """What your graph computes: the forward pass, then the backward pass (chain rule)."""',
             f"    {', '.join(names[q] for q in parameters)}, = p" if parameters else "",
             f"    {', '.join(names[v] for v in all_x)}, = x" if all_x else "",
             f"    {', '.join(names[v] for v in all_y)}, = y" if all_y else "",
             "    # forward"]
    for node in order:
        if node.is_leaf() or node in inlined:
            continue
        rule = OPS[node.op_name].replay
        fields = _fields(node, names)
        lines.append(f"    {names[node]} = {rule.value.format(**fields)}")
    lines.append("    # backward: d(loss)/d(node), each node passing its gradient to its parents")
    grad = {trace.root: "1.0"}
    lines.append(f"    g_{names[trace.root]} = 1.0")
    needs = set(parameters)
    wanted = {n for n in order if not n.is_leaf()} | needs
    for node in reversed(order):
        if node.is_leaf():
            continue
        g = f"g_{names[inlined[node]]}" if node in inlined else f"g_{names[node]}"
        rule = OPS[node.op_name].replay
        fields = _fields(node, names)
        local_grads = ["1.0"] * len(node.parents) if node.op_name == SUM else list(rule.grads)
        for parent, local in zip(node.parents, local_grads):
            if parent not in wanted or parent in inlined:
                continue
            local = local.format(**fields)
            if local == "1.0":  # 1.0 * g is g, bit for bit
                contribution = g
            elif local == "-1.0":
                contribution = f"-{g}"
            else:
                contribution = f"{local if _is_simple(local) else f'({local})'} * {g}"
            target = f"g_{names[parent]}"
            if parent in grad:
                lines.append(f"    {target} += {contribution}")
            else:
                grad[parent] = target
                lines.append(f"    {target} = {contribution}")
    results = ", ".join(f"g_{names[q]}" if q in grad else "0.0" for q in parameters)
    lines.append(f"    return {names[trace.root]}, ({results}{',' if len(parameters) == 1 else ''})")
    return "\n".join(line for line in lines if line) + "\n"


def _is_simple(expression: str) -> bool:
    """A name or a number, which needs no brackets in a product."""
    return expression.isidentifier() or expression.replace(".", "", 1).replace("e-", "", 1).isdigit()


def _fields(node: Value, names: dict[Value, str]) -> dict[str, str]:
    parents = node.parents
    fields = {"out": names[node], "a": names[parents[0]] if parents else "",
              "b": names[parents[1]] if len(parents) > 1 else "",
              "c": _number(node.constant) if node.constant is not None else ""}
    if node.op_name == SUM:
        fields["terms"] = ", ".join(names[t] for t in parents) + ("," if len(parents) == 1 else "")
    return fields

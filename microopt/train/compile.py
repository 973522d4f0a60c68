"""A compiled training step: trace the graph of one step once, then replay it without Values.

Building a graph costs most of an eager step: one Python object per node, created, sorted
and freed again on every step, although the graph's *shape* is the same each time; only the
numbers change (new batch, new weights). ``compile_step`` builds the graph once, reads it in
topological order, and writes it out as Python (``microopt.train.codegen``): forward, then
backward, the chain rule node by node in exactly the order ``backward()`` uses::

    for (x0, x1), target in zip(x, y):             # the same graph for every sample
        v3 = fsum((p0 * x0, p1 * x1, p2))          # a neuron: w · x + b
        v4 = relu(v3)
        ...
        g_v3 = relu_slope(v3) * g_v4
        g_p0 += x0 * g_v3

Each line is the op's replay rule from ``microopt.engine.ops.OPS``, which calls the very
functions the eager engine calls, and the gradients accumulate in the eager order: losses,
gradients and hence weights are the eager engine's, bit for bit. ``step.source`` is that
program, to show a student what their graph computes.

**Graphs that depend on the data** cannot be replayed: a Python ``if`` on a value takes
another branch on another batch. Python code can only learn something about the data from a
Value by comparing it or by reading its number, and the trace watches both
(``microopt.engine.tracing``):

- every comparison of a Value that depends on the data or the weights (``if score > 0``,
  ``max(a, b)``) becomes a guard, re-evaluated on **every** replayed batch: when one comes out
  otherwise than in the trace, the eager engine would build another graph, and the step
  raises ``CompileError`` instead of computing something else;
- reading ``.data`` or ``.item()`` of such a Value is refused at compile time: what the number
  is then used for (a constant, a branch) cannot be checked. (A loss reading its targets to
  check that they are -1 or +1 is allowed: that shapes no graph. The replay does not check
  targets again, so give it valid ones; ``fit`` checks the whole dataset before training.)

relu and the like are not branches: their shape is fixed, only their local derivatives depend
on the data, and those are replayed. An op without a replay rule is refused too.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Callable, Sequence

from microopt.engine.collector import paused_collector
from microopt.engine.ops import OPS, REPLAY_NAMESPACE
from microopt.engine.tracing import Comparison, watching
from microopt.engine.value import CONSTANT_OPS, LEAF, SUM, Value
from microopt.nn import losses as _losses
from microopt.optim import l1_penalty, l2_penalty
from microopt.train.codegen import GLOBAL, MIXED, Layout, generate, number


class CompileError(ValueError):
    """A graph the compiled step cannot replay faithfully."""


@dataclass(frozen=True)
class Replayed:
    """One replayed step: the loss, d(loss)/dθ per parameter, and the watched values as floats."""

    loss: float
    gradients: tuple[float, ...]
    watched: Any


class CompiledStep:
    """``step(X_batch, y_batch)``: the traced step on new data and the parameters' current values.

    Returns the loss (a float) and adds d(loss)/dθ to each parameter's ``.grad``, exactly as
    ``loss.backward()`` would after building the graph eagerly. ``step.run(X, y)`` does the
    same without touching the parameters. ``step.source`` is the program it runs.
    """

    def __init__(self, source: str, parameters: list[Value], batch_size: int, sample_width: int,
                 rebuild: Callable[[list], Any], guards: list[Comparison], namespace: dict):
        self.source = source
        self.parameters = parameters
        self.batch_size, self.sample_width = batch_size, sample_width
        self._rebuild, self._guards = rebuild, guards
        self._expected = tuple(g.outcome for g in guards)
        namespace = dict(namespace, nan=math.nan, inf=math.inf)
        exec(compile(source, "<microopt compiled step>", "exec"), namespace)  # our own generated code
        self._replay = namespace["step"]

    def _inputs(self, X_batch, y_batch) -> tuple[list, list]:
        if len(X_batch) != self.batch_size or len(y_batch) != self.batch_size:
            raise ValueError(f"Invalid batch: {len(X_batch)} samples (must be {self.batch_size}, the size "
                             "it was compiled for). Compile one step per batch size.")
        x = [tuple(map(float, row)) for row in X_batch]
        if any(len(row) != self.sample_width for row in x):
            raise ValueError(f"Invalid batch: samples must have {self.sample_width} features each.")
        return x, [float(t) for t in y_batch]

    def run(self, X_batch: Sequence[Sequence[float]], y_batch: Sequence[float]) -> Replayed:
        """Forward and backward on this batch; raises ``CompileError`` if its graph would differ."""
        loss, gradients, watched, outcomes = self._replay([p.data for p in self.parameters],
                                                          *self._inputs(X_batch, y_batch))
        self._check(outcomes)
        return Replayed(loss, gradients, self._rebuild(list(watched)))

    def _check(self, outcomes) -> None:
        if outcomes == self._expected:
            return
        guard = next(g for g, now in zip(self._guards, outcomes) if bool(now) != g.outcome)
        raise CompileError(
            f"This batch would change the graph: the traced step compared Values at {guard.where} "
            f"({guard.op} came out {guard.outcome}), and on this batch it comes out {not guard.outcome}, "
            "so the eager engine would build another graph. Train this step eagerly (fit(..., compile=False)).")

    def __call__(self, X_batch: Sequence[Sequence[float]], y_batch: Sequence[float]) -> float:
        replayed = self.run(X_batch, y_batch)
        for p, g in zip(self.parameters, replayed.gradients):
            p.grad = g + p.grad  # backward(): this call's gradient, plus what the leaf held
        return replayed.loss


def compile_step(loss_of_batch: Callable[[list, list], Any], parameters: Sequence[Value],
                 X_batch: Sequence[Sequence[float]], y_batch: Sequence[float]) -> CompiledStep:
    """Trace ``loss_of_batch(X_values, y_values)`` once and return the replayed step.

    ``loss_of_batch`` builds the loss from the batch's inputs and targets (given as leaf
    Values), e.g. ``lambda X, y: hinge_loss([model(x) for x in X], y)``; ``parameters`` are
    the leaves to differentiate (``model.parameters()``). It may also return
    ``(loss, watched)``, ``watched`` any nesting of lists, tuples and dicts of Values from the
    graph (the model's outputs, say): ``step.run`` returns their numbers on each batch.
    """
    return CompiledStep(*_compiled(loss_of_batch, parameters, X_batch, y_batch, "loop"), REPLAY_NAMESPACE)


def _compiled(loss_of_batch, parameters, X_batch, y_batch, mode: str) -> tuple:
    """(source, parameters, batch size, width, rebuild, guards) of the traced step in ``mode``."""
    parameters = list(parameters)
    if not all(isinstance(p, Value) for p in parameters):
        raise TypeError("compile_step needs the parameters as Values, e.g. model.parameters().")
    with paused_collector():
        layout, watched, rebuild, guards = trace(loss_of_batch, parameters, X_batch, y_batch)
        if mode == "numpy" and not layout.blocks:
            raise CompileError(
                "Cannot replay this step with numpy: its samples do not all have the same graph, visited "
                "sample by sample (a loss mixing samples before the mean?). Use compile_step instead.")
        source = generate(layout, mode, watched, [(g.left, g.op, g.right) for g in guards])
    return source, parameters, layout.samples, layout.width, rebuild, guards


def trace(loss_of_batch, parameters: list[Value], X_batch, y_batch) -> tuple:
    """Build the step's graph once, watching what Python reads of it; (layout, watched, rebuild, guards)."""
    names: dict[Value, str] = {p: f"p{i}" for i, p in enumerate(parameters)}
    X_values = [[Value(float(v)) for v in row] for row in X_batch]
    y_values = [Value(float(t)) for t in y_batch]
    width = len(X_values[0]) if X_values else 0
    if not X_values or any(len(row) != width for row in X_values) or len(y_values) != len(X_values):
        raise ValueError("Invalid batch: compile_step needs one target per sample and samples of one length.")
    for i, row in enumerate(X_values):
        for j, v in enumerate(row):
            names[v] = f"x{i}_{j}"
    targets = set(y_values)
    for i, v in enumerate(y_values):
        names[v] = f"y{i}"
    try:
        with watching() as seen:
            result = loss_of_batch(X_values, y_values)
    except (TypeError, ValueError) as error:
        raise CompileError(f"Cannot compile this step: the loss does not take its data as Values ({error}). "
                           "A loss that indexes by its targets (cross_entropy) has a data-dependent graph; "
                           "train it eagerly.") from error
    loss, extra = result if isinstance(result, tuple) and len(result) == 2 else (result, None)
    if not isinstance(loss, Value):
        raise CompileError(f"Cannot compile this step: it returned {type(loss).__name__}, not a Value.")
    watched, rebuild = _flatten(extra)
    order = loss.topological_order()
    layout = _layout(loss, order, names, parameters, len(X_values), width)
    variable = _depends_on(set(names))
    for read in seen.reads:
        allowed = read.node in targets and read.where.startswith(_losses.__file__)
        if variable(read.node) and not allowed:
            raise CompileError(
                f"Cannot compile this step: it reads the number inside a Value that depends on the data or the "
                f"weights ({read.where}), so its graph could change with them in a way the replay cannot check. "
                "Compute with Values instead (relu, not an if on .data), or train it eagerly.")
    guards = [c for c in seen.comparisons
              if variable(c.left) or (isinstance(c.right, Value) and variable(c.right))]
    for node in (*watched, *(v for c in guards for v in (c.left, c.right) if isinstance(v, Value))):
        if node not in layout.position and node not in names:
            raise CompileError("Cannot compile this step: it compares or returns a Value that the loss does not "
                               "depend on, which the replay does not compute. Compare Values of the loss's graph.")
    for c in guards:
        if not isinstance(c.right, Value):
            c.right = float(c.right)
    for node in order:
        if not node.is_leaf() and OPS[node.op_name].replay is None:
            raise CompileError(f"Cannot compile this step: the op {node.op_name!r} has no replay rule "
                               "in microopt.engine.ops.OPS; train it eagerly.")
    return layout, watched, rebuild, guards


def _depends_on(inputs: set[Value]) -> Callable[[Value], bool]:
    """``variable(node)``: whether ``node`` depends on any of ``inputs`` (the data, the weights)."""
    known: dict[Value, bool] = {}

    def variable(node: Value) -> bool:
        stack = [node]
        while stack:
            top = stack[-1]
            if top in known:
                stack.pop()
                continue
            pending = [p for p in top.parents if p not in known]
            if pending:
                stack += pending
                continue
            known[top] = top in inputs or any(known[p] for p in top.parents)
            stack.pop()
        return known[node]
    return variable


def _flatten(structure) -> tuple[list[Value], Callable[[list], Any]]:
    """The Values in a nesting of lists, tuples and dicts, and how to rebuild it from their numbers."""
    if structure is None:
        return [], lambda numbers: None
    if isinstance(structure, Value):
        return [structure], lambda numbers: numbers.pop(0)
    if isinstance(structure, dict):
        parts = {key: _flatten(item) for key, item in structure.items()}
        return ([v for values, _ in parts.values() for v in values],
                lambda numbers: {key: rebuild(numbers) for key, (_, rebuild) in parts.items()})
    if isinstance(structure, (list, tuple)):
        parts = [_flatten(item) for item in structure]
        kind = type(structure)
        values = [v for part, _ in parts for v in part]
        return values, lambda numbers: kind(rebuild(numbers) for _, rebuild in parts)
    raise CompileError(f"Cannot compile this step: it returned {type(structure).__name__} besides the loss; "
                       "return (loss, watched) with watched made of Values, lists, tuples and dicts.")


def _layout(root: Value, order: list[Value], names: dict[Value, str], parameters: list[Value],
            samples: int, width: int) -> Layout:
    """Which sample each node belongs to, and whether the samples' graphs can be written once."""
    position = {node: k for k, node in enumerate(order)}
    owner = [GLOBAL] * len(order)
    for k, node in enumerate(order):
        if node._op == LEAF:  # the slots, read directly: this loop visits every node
            name = names.get(node, "p")
            owner[k] = GLOBAL if name[0] == "p" else int(name[1:].split("_")[0])
            continue
        mine = GLOBAL
        for parent in (node._a if node._op == SUM else (node._a, node._b)):
            if parent is None:
                break
            theirs = owner[position[parent]]
            if theirs != GLOBAL and theirs != mine:
                mine = theirs if mine == GLOBAL else MIXED
                if mine == MIXED:
                    break
        owner[k] = mine
    layout = Layout(root, order, names, parameters, samples, width, position, owner)
    if samples >= 2:
        blocks: list[list[int]] = [[] for _ in range(samples)]
        for k, sample in enumerate(owner):
            if sample >= 0:
                blocks[sample].append(k)
        if _alike(layout, blocks) and _visited_sample_by_sample(layout, blocks):
            layout.blocks = blocks
    return layout


def _alike(layout: Layout, blocks: list[list[int]]) -> bool:
    """Whether every sample's nodes are sample 0's: same ops, constants, parents, in the same order.

    Node t of sample i matches node t of sample 0 when their parents match: parents of their own
    sample at the same place in it, the same shared node (a weight), or equal constants.
    """
    order, owner, position, names = layout.order, layout.owner, layout.position, layout.names
    local = [0] * len(order)
    for block in blocks:
        for t, k in enumerate(block):
            local[k] = t
    first = blocks[0]
    roles = {}  # an input's role in its sample: "x0", "x1", "y"
    for node, name in names.items():
        if name[0] != "p":
            roles[node] = name[0] + name[1:].partition("_")[2]
    # This loop visits every node of the batch, so it reads the nodes' slots (_op, _a, _b, _db)
    # directly rather than through the properties; a sum keeps its terms in _a, and an op with
    # a constant keeps the constant in _db.
    for sample, block in enumerate(blocks[1:], start=1):
        if len(block) != len(first):
            return False
        for k, k0 in zip(block, first):
            node, node0 = order[k], order[k0]
            op = node._op
            if op != node0._op:
                return False
            if op == LEAF:
                if roles[node] != roles[node0]:
                    return False
                continue
            if op in CONSTANT_OPS and node._db != node0._db:
                return False
            if op == SUM:
                parents, parents0 = node._a, node0._a
                if len(parents) != len(parents0):
                    return False
            else:
                parents, parents0 = (node._a, node._b), (node0._a, node0._b)
            for parent, parent0 in zip(parents, parents0):
                if parent is parent0:
                    continue  # the same weight, or the same shared node (or both None)
                if parent is None or parent0 is None:
                    return False
                q, q0 = position[parent], position[parent0]
                if owner[q] == sample:
                    if owner[q0] != 0 or local[q] != local[q0]:
                        return False
                elif not (parent._op == LEAF and parent0._op == LEAF and parent not in names
                          and parent0 not in names and number(parent.data) == number(parent0.data)):
                    return False  # equal constants are alike; anything else is not
    return True


def _visited_sample_by_sample(layout: Layout, blocks: list[list[int]]) -> bool:
    """Whether backward() visits the samples' nodes as sample 0's, then sample 1's, ... in one run each.

    Only then can a loop over the samples accumulate every gradient in the eager order.
    """
    per_sample = sum(1 for k in blocks[0] if not layout.order[k].is_leaf())
    runs: list[int] = []  # the sample of each run of sample nodes, in backward's order
    count, ended = 0, False
    for k in reversed(range(len(layout.order))):
        if layout.order[k].is_leaf():
            continue
        sample = layout.owner[k]
        if sample < 0:
            ended = ended or bool(runs)
            continue
        if ended:
            return False  # a shared node between two samples' nodes
        if count == 0:
            runs.append(sample)
        elif sample != runs[-1]:
            return False
        count = (count + 1) % per_sample
    return runs == list(range(layout.samples)) and count == 0


class CompiledTraining:
    """The steps of ``fit(..., compile=True)``: one compiled step per batch size, traced on its first batch.

    ``forward(X_batch, y_batch)`` replays the step and returns what ``fit`` records, as the
    eager step would give it: (data loss, penalty, the model's outputs as floats, and a
    function that adds the gradients to the parameters, as ``loss.backward()`` does).
    """

    def __init__(self, model, objective: Callable, parameters: list[Value], l1: float, l2: float):
        def loss_of_batch(X_values, y_values):
            # the lines of fit's eager step, with the batch as Values
            outputs = [model(x) for x in X_values]
            data_loss = objective(outputs, y_values)
            watched = {"loss": data_loss, "outputs": outputs}
            if not (l1 or l2):
                return data_loss, watched
            watched["penalty"] = penalty = l1_penalty(parameters, l1) + l2_penalty(parameters, l2)
            return data_loss + penalty, watched

        self.loss_of_batch, self.parameters = loss_of_batch, parameters
        self.steps: dict[int, CompiledStep] = {}

    def forward(self, X_batch: list, y_batch: list) -> tuple[float, float, list, Callable[[], None]]:
        if any(isinstance(t, (list, tuple)) for t in y_batch):
            raise CompileError("fit(compile=True) needs one number per target; a list per target (several "
                               "outputs) is trained eagerly: compile=False.")
        step = self.steps.get(len(X_batch))
        if step is None:
            step = self.steps[len(X_batch)] = compile_step(self.loss_of_batch, self.parameters, X_batch, y_batch)
        replayed = step.run(X_batch, y_batch)

        def backward() -> None:
            for p, g in zip(self.parameters, replayed.gradients):
                p.grad = g + p.grad
        watched = replayed.watched
        return watched["loss"], watched.get("penalty", 0.0), watched["outputs"], backward

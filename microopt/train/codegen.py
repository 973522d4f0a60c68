"""Writing a traced graph out as Python: forward in topological order, backward in reverse.

One line per node, each the op's replay rule from ``microopt.engine.ops.OPS``. The backward
pass visits the nodes in exactly the order ``Value.backward()`` does, so every gradient is
accumulated in the eager order and the numbers are the eager engine's, bit for bit.

A batch is usually the same little graph once per sample (a model applied to each input),
tied together by a few nodes (the mean of the losses) and a part that is the same for every
sample (an L2 penalty on the weights). ``microopt.train.compile`` finds that structure
(``Layout``); the program then says so: it writes the per-sample graph once, inside a loop
over the samples, instead of a hundred copies of it. That keeps the program short enough to
read and cheap to compile, and changes no number: the loop visits the nodes in the eager order.

``mode``:

- ``"loop"``: the per-sample graph in a ``for`` loop over the samples (or, without that
  structure, everything written out: ``Layout.blocks`` is empty);
- ``"numpy"``: the per-sample graph once, on numpy arrays holding every sample
  (``microopt.train.batched``), a neuron's weighted sum as one matrix product: far faster,
  and no longer bitwise (numpy adds in its own order).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from microopt.engine.ops import OPS
from microopt.engine.value import SUM, Value

GLOBAL, MIXED = -1, -2  # Layout.owner: no sample's input behind the node / several samples'


@dataclass
class Layout:
    """A traced graph, and which sample each node belongs to.

    ``order``: every node, in topological order. ``names``: the leaves that are inputs
    (``p3``, ``x2_0``, ``y2``: parameter 3, sample 2's feature 0, sample 2's target).
    ``owner[k]``: the sample whose inputs node ``order[k]`` depends on (GLOBAL: none, MIXED:
    several). ``blocks[i]``: the positions owned by sample i, when every sample's graph is the
    same as sample 0's and backward visits them sample by sample, else empty.
    """

    root: Value
    order: list[Value]
    names: dict[Value, str]
    parameters: list[Value]
    samples: int
    width: int
    position: dict[Value, int]
    owner: list[int]
    blocks: list[list[int]] = field(default_factory=list)


def number(x: float) -> str:
    """A float as Python source (nan and inf as names the namespace provides)."""
    return repr(x) if math.isfinite(x) else ("nan" if math.isnan(x) else ("inf" if x > 0 else "-inf"))


class _Writer:
    """Writes one program; ``ref`` and ``grad`` say how a node's value and gradient are named where.

    Code "in the template" is the per-sample graph (sample 0's nodes stand for every sample's);
    code outside it names sample i's copy of a node through the node's list, ``v12s[i]``.
    """

    def __init__(self, layout: Layout, mode: str, watched: list[Value], guarded: list[Value]):
        self.layout, self.mode = layout, mode
        self.order, self.position, self.owner = layout.order, layout.position, layout.owner
        self.per_sample = bool(layout.blocks)
        # the sample-0 counterpart of every node of a block (the template's name for it)
        self.template: dict[int, int] = {}
        for block in layout.blocks:
            for k, first in zip(block, layout.blocks[0]):
                self.template[k] = first
        # the nodes the program writes: sample 0's (the template) and those outside every sample
        owner = self.owner
        self.outside = [n for n, o in zip(self.order, owner) if o < 0] if self.per_sample else list(self.order)
        self.written = [self.order[k] for k in layout.blocks[0]] + self.outside if self.per_sample else self.outside
        self.inlined = self._inlined(set(watched) | set(guarded))
        # v1, v2, ...: the written nodes numbered in the order the forward pass computes them
        shared = [n for n in self.outside if owner[self.position[n]] == GLOBAL]
        batch = [n for n in self.outside if owner[self.position[n]] != GLOBAL]
        forward = shared + self.written[:len(self.written) - len(self.outside)] + batch if self.per_sample \
            else self.outside
        numbered = [n for n in forward if not n.is_leaf() and n not in self.inlined]
        self.ids = {self.position[n]: i for i, n in enumerate(numbered, start=1)}
        # nodes of a block that code outside the block reads: kept in one list over the samples
        exported = {p for n in self.outside for p in n.parents if self._in_block(p)}
        exported |= {n for n in (*watched, *guarded, layout.root) if self._in_block(n)}
        self.exported = sorted({self.template[self.position[n]] for n in exported})
        self.lines: list[str] = []
        self.assigned: set[str] = set()  # gradient variables that hold a value already
        # numpy: a neuron's weighted sum as one product of a matrix (its inputs, one column each,
        # a row per sample) and its weights; neurons reading the same inputs share the matrix
        self.stacks: dict[tuple[str, ...], str] = {}
        self.pending: dict[Value, list[tuple[str, int]]] = {}  # gradients still in a matrix's column
        self.absorbed: set[Value] = set()  # products whose gradients the matrix products passed on

    # ----------------------------------------------------------------- names
    def _is_parameter(self, node: Value) -> bool:
        return node.is_leaf() and self.layout.names.get(node, "")[:1] == "p"

    def _in_block(self, node: Value) -> bool:
        k = self.position.get(node)  # None: an input the loss compared but does not depend on
        return self.per_sample and k is not None and self.owner[k] >= 0

    def _leaf_name(self, node: Value, in_template: bool) -> str:
        name = self.layout.names.get(node)
        if name is None:
            return number(node.data)  # a constant the loss made for itself
        if name[0] == "p" or not self.per_sample:
            return name
        sample, feature = _input_of(name)
        if in_template:
            return "target" if feature is None else f"x{feature}"
        return f"y[{sample}]" if feature is None else f"x[{sample}][{feature}]"

    def ref(self, node: Value, in_template: bool) -> str:
        """How code in the template (``in_template``) or outside it names ``node``'s value."""
        if node in self.inlined:
            a, b = node.parents
            return f"{self.ref(a, in_template)} * {self.ref(b, in_template)}"
        if node.is_leaf():
            return self._leaf_name(node, in_template)
        k = self.position[node]
        if self._in_block(node):
            first = self.template[k]
            return f"v{self.ids[first]}" if in_template else f"v{self.ids[first]}s[{self.owner[k]}]"
        return f"v{self.ids[k]}"

    def grad(self, node: Value, in_template: bool) -> str:
        """The variable accumulating d(loss)/d(node)."""
        if node.is_leaf():
            return f"g_{self.layout.names[node]}"
        if node in self.inlined:
            return self.grad(self.inlined[node], in_template)
        k = self.position[node]
        if self._in_block(node) and not in_template:
            return f"g_v{self.ids[self.template[k]]}s[{self.owner[k]}]"
        return f"g_{self.ref(node, in_template)}"

    def _inlined(self, kept: set[Value]) -> dict[Value, Value]:
        """A product read only by one sum of the same sample (w·x in a neuron) is written inside it.

        Its gradient is the sum's, since d(sum)/d(term) = 1.
        """
        consumers: dict[Value, list[Value]] = {}
        for node in self.written:
            for parent in node.parents:
                consumers.setdefault(parent, []).append(node)
        owner = self.owner
        return {n: c[0] for n in self.written if n.op_name == "mul" and len(c := consumers.get(n, ())) == 1
                and c[0].op_name == SUM and owner[self.position[n]] == owner[self.position[c[0]]]
                and n is not self.layout.root and n not in kept}

    # ----------------------------------------------------------------- forward
    def _fields(self, node: Value, in_template: bool) -> dict[str, str]:
        parents = node.parents
        fields = {"out": self.ref(node, in_template),
                  "a": self.ref(parents[0], in_template) if parents else "",
                  "b": self.ref(parents[1], in_template) if len(parents) > 1 else "",
                  "c": number(node.constant) if node.constant is not None else ""}
        if node.op_name == SUM:
            fields["terms"] = ", ".join(self.ref(t, in_template) for t in parents) + (
                "," if len(parents) == 1 else "")
        return fields

    def _dense(self, node: Value, in_template: bool) -> tuple[list, list] | None:
        """numpy: a sum of two or more (weight · per-sample value) products, plus other terms."""
        if self.mode != "numpy" or not in_template or node.op_name != SUM:
            return None
        products, others = [], []
        for term in node.parents:
            if term in self.inlined and self._is_parameter(term.parents[0]) and self._in_block(term.parents[1]):
                products.append(term)
            else:
                others.append(term)
        return (products, others) if len(products) >= 2 else None

    def _stack(self, products: list[Value], indent: str) -> str:
        operands = tuple(self.ref(t.parents[1], True) for t in products)
        if operands not in self.stacks:
            self.stacks[operands] = name = f"M{len(self.stacks) + 1}"
            self.lines.append(f"{indent}{name} = column_stack(({', '.join(operands)},))")
        return self.stacks[operands]

    def forward(self, node: Value, in_template: bool, indent: str) -> None:
        if node.is_leaf() or node in self.inlined:
            return
        dense = self._dense(node, in_template)
        if dense is not None:
            products, others = dense
            matrix = self._stack(products, indent)
            weights = ", ".join(self.ref(t.parents[0], True) for t in products)
            rest = "".join(f" + {self.ref(t, True)}" for t in others)
            self.lines.append(f"{indent}{self.ref(node, True)} = {matrix} @ array(({weights},)){rest}")
            return
        terms = self._whole_column(node)
        if terms is not None:  # the sum of one node over every sample: a sum of its list
            self.lines.append(f"{indent}{self.ref(node, False)} = fsum({terms})")
            return
        value = OPS[node.op_name].replay.value.format(**self._fields(node, in_template))
        self.lines.append(f"{indent}{self.ref(node, in_template)} = {value}")

    def _whole_column(self, node: Value) -> str | None:
        """``v12s`` when ``node`` sums node v12 of samples 0, 1, ..., n-1, in that order."""
        if not self.per_sample or node.op_name != SUM or self._in_block(node):
            return None
        terms = node.parents
        if len(terms) != self.layout.samples or not all(self._in_block(t) and t not in self.inlined for t in terms):
            return None
        first = self.template[self.position[terms[0]]]
        if all(self.owner[self.position[t]] == i and self.template[self.position[t]] == first
               for i, t in enumerate(terms)):
            return f"v{self.ids[first]}s"
        return None

    # ----------------------------------------------------------------- backward
    def backward(self, node: Value, in_template: bool, indent: str, assigned: set[str]) -> None:
        """The lines passing d(loss)/d(node) on to the node's parents (the chain rule)."""
        if node.is_leaf() or node in self.absorbed:
            return
        g = self.grad(node, in_template)
        for matrix, j in self.pending.pop(node, ()):  # what the weighted sums above left in a matrix
            self.lines.append(f"{indent}{g} {'+=' if g in assigned else '='} G_{matrix}[:, {j}]")
            assigned.add(g)
        dense = self._dense(node, in_template)
        if dense is not None:
            self._dense_backward(node, g, *dense, indent, assigned)
            return
        column = self._whole_column(node)
        if column is not None:
            # every sample's term receives g, added to what it holds (0.0 until now, as in backward())
            target = f"g_{column}"
            self.lines.append(f"{indent}{target} = [held + {g} for held in {target}]" if self.mode == "loop"
                              else f"{indent}{target} = {target} + {g}")
            return
        fields = self._fields(node, in_template)
        rule = OPS[node.op_name].replay
        local_grads = ["1.0"] * len(node.parents) if node.op_name == SUM else list(rule.grads)
        for parent, local in zip(node.parents, local_grads):
            if parent in self.inlined and self.inlined[parent] is node:
                continue  # its gradient is this node's: it passes it on at its own turn
            if parent.is_leaf() and not self._is_parameter(parent):
                continue  # an input or a constant: no gradient wanted
            local = local.format(**fields)
            contribution = g if local == "1.0" else f"-{g}" if local == "-1.0" else (
                f"{local if _is_simple(local) else f'({local})'} * {g}")
            crosses = in_template and not self._in_block(parent)  # from every sample into one number
            if crosses and self.mode == "numpy":
                contribution = f"npsum({contribution})"
            target = self.grad(parent, in_template and not crosses)
            if target in assigned or crosses:
                self.lines.append(f"{indent}{target} += {contribution}")
            else:
                assigned.add(target)
                self.lines.append(f"{indent}{target} = {contribution}")

    def _dense_backward(self, node: Value, g: str, products: list[Value], others: list[Value], indent: str,
                        assigned: set[str]) -> None:
        """d(sum)/d(weight_k) = input_k summed over the samples; d(sum)/d(input_k) = weight_k."""
        matrix = self._stack(products, indent)
        self.absorbed.update(products)
        self.lines.append(f"{indent}gw = {g} @ {matrix}")
        for k, term in enumerate(products):
            self.lines.append(f"{indent}{self.grad(term.parents[0], False)} += gw[{k}]")
        wanted = [(k, t.parents[1]) for k, t in enumerate(products) if not t.parents[1].is_leaf()]
        if wanted:
            weights = ", ".join(self.ref(t.parents[0], True) for t in products)
            gradient = f"G_{matrix}"
            self.lines.append(f"{indent}{gradient} {'+=' if gradient in assigned else '='} outer({g}, ({weights},))")
            assigned.add(gradient)
            for k, operand in wanted:
                entries = self.pending.setdefault(operand, [])
                if (matrix, k) not in entries:
                    entries.append((matrix, k))
        for term in others:
            if term.is_leaf() and not self._is_parameter(term):
                continue
            crosses = not self._in_block(term)
            target = self.grad(term, not crosses)
            contribution = f"npsum({g})" if crosses else g
            self.lines.append(f"{indent}{target} {'+=' if target in assigned or crosses else '='} {contribution}")
            assigned.add(target)


def _input_of(name: str) -> tuple[int, int | None]:
    """(sample, feature) of ``x3_1``; (sample, None) of ``y3``."""
    if name[0] == "y":
        return int(name[1:]), None
    sample, feature = name[1:].split("_")
    return int(sample), int(feature)


def _is_simple(expression: str) -> bool:
    """A name or a number, which needs no brackets in a product."""
    return expression.isidentifier() or expression.replace(".", "", 1).replace("e-", "", 1).isdigit()


def generate(layout: Layout, mode: str, watched: list[Value], guards: list[tuple[Value, str, object]]) -> str:
    """The program ``step(p, x, y) -> (loss, gradients, watched values, guard outcomes)``.

    ``p``: the parameters' values; ``x``: one row of features per sample; ``y``: the targets.
    ``guards``: (left, op, right) comparisons whose outcomes the caller checks.
    """
    guarded = [v for left, _, right in guards for v in (left, right) if isinstance(v, Value)]
    w = _Writer(layout, mode, watched, guarded)
    order, per_sample = layout.order, w.per_sample
    head = ["def step(p, x, y):",
            '    """What your graph computes: the forward pass, then the backward pass (chain rule)."""']
    if layout.parameters:
        head.append(f"    {', '.join(layout.names[q] for q in layout.parameters)}, = p")
    body = w.lines
    if per_sample:
        _per_sample(w, head)
    else:
        rows = [f"({', '.join(f'x{i}_{j}' for j in range(layout.width))}{',' if layout.width == 1 else ''})"
                for i in range(layout.samples)]
        if layout.width:
            head.append(f"    {', '.join(rows)}, = x")
        head.append(f"    {', '.join(f'y{i}' for i in range(layout.samples))}, = y")
        body.append("    # forward")
        for node in order:
            w.forward(node, False, "    ")
        body.append(BACKWARD)
        root_grad = w.grad(layout.root, False)
        body.append(f"    {root_grad} = 1.0")
        w.assigned.add(root_grad)
        for node in reversed(order):
            w.backward(node, False, "    ", w.assigned)
    results = ", ".join(f"g_{layout.names[q]}" if f"g_{layout.names[q]}" in w.assigned else "0.0"
                        for q in layout.parameters)
    values = ", ".join(w.ref(v, False) for v in watched)
    checks = ", ".join(f"{w.ref(left, False)} {op} {w.ref(right, False) if isinstance(right, Value) else number(right)}"
                       for left, op, right in guards)
    body.append(f"    return {w.ref(layout.root, False)}, {_tuple(results, len(layout.parameters))}, "
                f"{_tuple(values, len(watched))}, {_tuple(checks, len(guards))}")
    return "\n".join(line for line in head + body if line) + "\n"


BACKWARD = "    # backward: d(loss)/d(node), each node passing its gradient on to its parents"


def _tuple(items: str, count: int) -> str:
    return f"({items}{',' if count == 1 else ''})"


def _per_sample(w: _Writer, head: list[str]) -> None:
    """The program's body when every sample has the same graph: that graph once, for each sample."""
    layout, mode, order, lines = w.layout, w.mode, w.order, w.lines
    template = [order[k] for k in layout.blocks[0]]
    outside = w.outside
    exported = [f"v{w.ids[k]}" for k in w.exported if not order[k].is_leaf()]
    loop = mode == "loop"
    features = ", ".join(f"x{j}" for j in range(layout.width)) + ("," if layout.width == 1 else "")
    head.append("    n = len(y)")
    shared = [n for n in outside if w.owner[w.position[n]] == GLOBAL and not n.is_leaf()]
    if shared:
        lines.append("    # forward: the part that is the same for every sample")
        for node in shared:
            w.forward(node, False, "    ")
    inner = "        " if loop else "    "
    if loop:
        lines.append(f"    # forward, sample by sample: the same graph for each of the {layout.samples} samples")
        if exported:
            lines.append(f"    {', '.join(f'{name}s' for name in exported)} = {', '.join('[]' for _ in exported)}")
        lines.append("    kept = []")
        lines.append(f"    for ({features}), target in zip(x, y):")
    else:
        lines.append(f"    # forward, every sample at once: each name holds one number per sample ({layout.samples})")
        if layout.width:
            lines.append(f"    {features} = x.T")
        lines.append("    target = y")
    for node in template:
        w.forward(node, True, inner)
    lines += [f"{inner}{name}s{'.append(' if loop else ' = '}{name}{')' if loop else ''}" for name in exported]
    keep_at = len(lines)  # what backward reads of each sample is known once backward is written
    lines.append("    # forward: the whole batch")
    for node in outside:
        if w.owner[w.position[node]] == MIXED:
            w.forward(node, False, "    ")

    lines.append(BACKWARD)
    root_grad = w.grad(layout.root, False)
    lines.append(f"    {root_grad} = 1.0")
    w.assigned.add(root_grad)
    # backward() visits the samples' nodes in one stretch (compile checked it): the shared nodes
    # come before it (the mean of the losses) or after it (the penalty on the weights)
    sample_nodes = [k for block in layout.blocks for k in block if not order[k].is_leaf()]
    low, high = min(sample_nodes), max(sample_nodes)
    reverse = [n for n in reversed(outside) if not n.is_leaf()]
    before = [n for n in reverse if w.position[n] > high]
    after = [n for n in reverse if w.position[n] < low]
    for name in exported:
        lines.append(f"    g_{name}s = {'[0.0] * n' if loop else 'zeros(n)'}")
    for node in before:
        w.backward(node, False, "    ", w.assigned)
    # what the samples pass on to shared numbers (the weights, the penalty's nodes) starts at 0.0
    touched = sorted({w.grad(p, False) for n in template for p in n.parents if not w._in_block(p)
                      and (not p.is_leaf() or w._is_parameter(p))} - w.assigned)
    if touched:
        lines.append(f"    {' = '.join(touched)} = 0.0")
    w.assigned |= set(touched)
    header_at = len(lines)
    scope = w.assigned | {f"g_{name}" for name in exported}
    if not loop:
        lines += [f"    g_{name} = g_{name}s" for name in exported]
    for node in reversed([n for n in template if not n.is_leaf()]):
        w.backward(node, True, inner, scope)
    if loop:
        used = set(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", "\n".join(lines[header_at:])))
        kept = [name for name in [f"x{j}" for j in range(layout.width)] + ["target"] + [
            w.ref(n, True) for n in template if not n.is_leaf() and n not in w.inlined] if name in used]
        kept_tuple = _tuple(", ".join(kept), len(kept))
        lines.insert(keep_at, f"        kept.append({kept_tuple})")
        header_at += 1
        gradients = ", ".join(f"g_{name}" for name in exported)
        lists = ", ".join(f"g_{name}s" for name in exported)
        lines.insert(header_at, f"    for {kept_tuple}, {gradients} in zip(kept, {lists}):" if exported
                     else f"    for {kept_tuple} in kept:")
    for node in after:
        w.backward(node, False, "    ", w.assigned)

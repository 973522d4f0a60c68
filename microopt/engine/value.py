"""A scalar autograd engine: `Value` builds a computation graph and backpropagates through it.

Every operation reads the same way: the forward value, then the local derivative of the
result with respect to each parent, stored beside it. ``backward()`` is then one loop over
the graph in reverse topological order applying the chain rule::

    parent.grad += local_derivative * node.grad

Gradient rule (the same as PyTorch's): leaves, the Values you create yourself, accumulate
gradient across ``backward()`` calls, so reset them with ``zero_grad()`` between steps.
Intermediate nodes get a fresh gradient on every call. Calling ``backward()`` twice therefore
gives each leaf exactly twice the gradient, never more.

Design notes (why it is fast):

- one object per node, with ``__slots__`` (eight) and no closures, lists or tuples per binary op;
- a plain number in an operation is folded into the node: ``x * 2.0`` makes one node, whose
  op reads ``* 2`` in diagrams, instead of a leaf for 2.0 and a product;
- nodes hold no reference cycles, so Python frees a graph the moment it is dropped, and the
  cyclic garbage collector, which would rescan the whole live graph again and again while it
  grows, is paused during ``backward()`` (``microopt.engine.collector``; ``fit`` pauses it for
  a whole step, and drops the step's graph before it resumes);
- ``backward()``'s topological sort needs no set of visited nodes and no slot of its own: a
  node's state in the sort is its ``grad``, set to one of two 0.0 objects made for this sort
  and told apart by identity ("back on the stack under its parents", "placed"), and every
  grad ends as the 0.0 that backward starts from. A node whose parents are placed is placed at
  once, and so are the ready terms of a sum (a neuron's products, once its inputs are placed);
  ``topological_order()``, which leaves grads alone, walks the same way with a set, so both
  give the same order (the compiled step accumulates gradients in that order too);
- a neuron's w · x + b is made in one loop (``weighted_sum``): the same nodes as ``w * x`` and
  ``microopt.sum`` make, without a method call per product.

Every operation is listed, with its formula, derivative and test domain, in
``microopt.engine.ops.OPS``; the op names stored in ``Value._op`` are the keys of that table.
"""

from __future__ import annotations

import math
from numbers import Real
from typing import Iterable, Union

from microopt.engine.collector import paused_collector

Number = Union[int, float]

LEAF = ""  # the op of a Value you create yourself
SUM = "sum"  # the op of microopt.sum: one node for many terms
_PLACE_NEXT = object()  # topological order's marker: "the node below me is ready"

# How each op shows in diagrams and step-through ("{c}" is the folded constant): the ops of a
# Value and a plain number show the number, e.g. "* 2" for x * 2.0 and "1 -" for 1 - x.
LABELS = {
    "add": "+", "sub": "-", "mul": "*", "div": "/", "pow": "**", "neg": "neg", "abs": "abs",
    "exp": "exp", "log": "log", "sqrt": "sqrt", "tanh": "tanh", "sigmoid": "sigmoid", "relu": "relu",
    "leaky_relu": "leaky_relu", "softplus": "softplus", "sin": "sin", "cos": "cos", SUM: "sum",
    "add_const": "+ {c}", "sub_const": "- {c}", "rsub_const": "{c} -", "mul_const": "* {c}",
    "div_const": "/ {c}", "rdiv_const": "{c} /", "pow_const": "**{c}", "rpow_const": "{c} **",
}
CONSTANT_OPS = frozenset(name for name, label in LABELS.items() if "{c}" in label) | {"leaky_relu"}

_new = object.__new__


def _node(data: float, op: str, a, da: float, b: Value | None = None, db: float = 0.0) -> Value:
    """A Value computed by ``op`` from parent ``a`` (and ``b``), with d(out)/da and d(out)/db.

    The engine's own constructor: it skips the checks of ``Value(...)``, whose arguments come
    from the user. ``a`` is a tuple of terms for ``sum``.
    """
    node = _new(Value)
    node.data = data
    node.grad = 0.0
    node.label = ""
    node._op = op
    node._a = a
    node._da = da
    node._b = b
    node._db = db
    return node


def _with_constant(data: float, op: str, a: Value, da: float, constant: float) -> Value:
    """A node of ``op`` on the Value ``a`` and a plain number, folded in as ``constant``.

    With no second parent, the slot of its local derivative, ``_db``, holds the constant.
    """
    return _node(data, op, a, da, None, constant)


def _to_float(data: object, op: str = "") -> float:
    """Check that ``data`` is a real number and return it as a float (``op`` names the caller)."""
    if isinstance(data, bool) or not isinstance(data, Real):
        if not op:
            raise TypeError(
                f"Value needs an int or float, got {type(data).__name__}: {data!r}. "
                "Pass a plain Python number, e.g. Value(2.0)."
            )
        raise TypeError(
            f"unsupported operand for {op}: a Value and {type(data).__name__} {data!r}. "
            "Use an int, a float or a Value."
        )
    try:
        return float(data)
    except OverflowError:  # an int beyond the largest float, such as 10**400
        digits = f"an integer of about {len(format(data, 'x')) * 1.204:.0f} digits" if isinstance(data, int) \
            else "a huge number"
        raise OverflowError(
            f"Invalid {'Value data' if not op else 'operand for ' + op}: {digits} (must fit in a float, "
            "at most about 1.8e308). Scale it down, or use a float such as 1e300."
        ) from None


def fsum(numbers: list[float]) -> float:
    """math.fsum (exactly rounded), or what ``+`` gives when fsum refuses.

    fsum raises where plain addition gives a special value: ValueError for inf + -inf (``+``
    gives nan) and OverflowError when a partial sum overflows (``+`` gives inf).
    """
    try:
        return math.fsum(numbers)
    except (ValueError, OverflowError):
        total = 0.0
        for x in numbers:
            total += x
        return total


class Value:
    """A scalar in a computation graph: its ``data``, its ``grad``, and how it was made.

    >>> a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    >>> c = a * b + a
    >>> c.backward()
    >>> a.grad, b.grad  # dc/da = b + 1, dc/db = a
    (-2.0, 2.0)
    """

    # _op names the operation (a key of microopt.engine.ops.OPS); _a, _b are the parents (None
    # when absent), _da, _db the local derivatives d(self)/d(_a) and d(self)/d(_b). An n-ary
    # sum keeps its terms as a tuple in _a. An op with a constant (CONSTANT_OPS) has no _b:
    # its _db holds the plain number folded in.
    __slots__ = ("data", "grad", "label", "_op", "_a", "_da", "_b", "_db")

    def __init__(self, data: Number, label: str = "", *micrograd_arguments) -> None:
        if micrograd_arguments or isinstance(label, (tuple, list, set, frozenset)):
            raise TypeError(
                f"Invalid Value arguments: Value({data!r}, {label!r}"
                f"{''.join(', ' + repr(x) for x in micrograd_arguments)}) (must be Value(data, label=''), "
                "the label a name, not a tuple of parents). This looks like micrograd's "
                "Value(data, _children, _op): in microopt, results are built with operations "
                "(a + b, a.tanh()), which record the graph; microopt.micrograd offers micrograd's signature."
            )
        self.data = data if type(data) is float else _to_float(data)
        self.grad = 0.0
        self.label = label
        self._op = LEAF
        self._a = None
        self._da = 0.0
        self._b = None
        self._db = 0.0

    # ----------------------------------------------------------------- graph structure
    @property
    def op(self) -> str:
        """How the operation that made this Value reads ('' for a leaf): '+', 'tanh', '* 2'..."""
        if self._op == LEAF:
            return LEAF
        label = LABELS[self._op]
        return label.format(c=f"{self._db:g}") if "{c}" in label else label

    @property
    def op_name(self) -> str:
        """The operation's name in ``microopt.engine.ops.OPS`` ('' for a leaf): 'add', 'mul_const'..."""
        return self._op

    @property
    def constant(self) -> float | None:
        """The plain number folded into this node (2.0 for ``x * 2.0``), else None."""
        return self._db if self._op in CONSTANT_OPS else None

    @property
    def parents(self) -> tuple[Value, ...]:
        """The Values this one was computed from, in argument order."""
        if self._op == SUM:
            return self._a
        if self._a is None:
            return ()
        if self._b is None:
            return (self._a,)
        return (self._a, self._b)

    @property
    def local_grads(self) -> tuple[float, ...]:
        """d(self)/d(parent) for each parent, in the order of ``parents``."""
        if self._op == SUM:
            return (1.0,) * len(self._a)
        return (self._da, self._db)[: len(self.parents)]

    def is_leaf(self) -> bool:
        return self._op == LEAF

    def item(self) -> float:
        """The plain float, as ``tensor.item()`` in PyTorch."""
        return self.data

    # ----------------------------------------------------------------- arithmetic
    def __add__(self, other: Value | Number) -> Value:
        """a + b;  d/da = 1, d/db = 1."""
        if isinstance(other, Value):
            return _node(self.data + other.data, "add", self, 1.0, other, 1.0)
        c = _constant(other, "+")
        return _with_constant(self.data + c, "add_const", self, 1.0, c)

    __radd__ = __add__  # c + a = a + c, bit for bit

    def __sub__(self, other: Value | Number) -> Value:
        """a - b;  d/da = 1, d/db = -1."""
        if isinstance(other, Value):
            return _node(self.data - other.data, "sub", self, 1.0, other, -1.0)
        c = _constant(other, "-")
        return _with_constant(self.data - c, "sub_const", self, 1.0, c)

    def __rsub__(self, other: Number) -> Value:
        """c - a;  d/da = -1."""
        c = _constant(other, "-")
        return _with_constant(c - self.data, "rsub_const", self, -1.0, c)

    def __mul__(self, other: Value | Number) -> Value:
        """a · b;  d/da = b, d/db = a."""
        if isinstance(other, Value):
            a, b = self.data, other.data
            return _node(a * b, "mul", self, b, other, a)
        c = _constant(other, "*")
        return _with_constant(self.data * c, "mul_const", self, c, c)

    __rmul__ = __mul__  # c · a = a · c, bit for bit

    def __truediv__(self, other: Value | Number) -> Value:
        """a / b;  d/da = 1/b, d/db = -a/b² = -(a/b)/b."""
        if isinstance(other, Value):
            b = other.data
            _check_denominator(self, b)
            quotient = self.data / b
            return _node(quotient, "div", self, 1.0 / b, other, -quotient / b)
        c = _constant(other, "/")
        _check_denominator(self, c)
        return _with_constant(self.data / c, "div_const", self, 1.0 / c, c)

    def __rtruediv__(self, other: Number) -> Value:
        """c / a;  d/da = -c/a² = -(c/a)/a."""
        c = _constant(other, "/")
        a = self.data
        if a == 0.0:
            raise ZeroDivisionError(f"division by zero: {c!r} / {self!r}. Check the denominator, "
                                    "or add a small epsilon to it.")
        quotient = c / a
        return _with_constant(quotient, "rdiv_const", self, -quotient / a, c)

    def __pow__(self, other: Value | Number) -> Value:
        """a ** k;  d/da = k a^(k-1)  (for a Value exponent b: d/db = a^b log a)."""
        if isinstance(other, Value):
            return _power(self, other)
        k = _constant(other, "**")
        return _with_constant(power_value(self.data, k), "pow_const", self, power_slope(self.data, k), k)

    def __rpow__(self, base: Number) -> Value:
        """c ** a;  d/da = c^a log c."""
        c = _constant(base, "**")
        result = exponent_power(c, self.data)
        return _with_constant(result, "rpow_const", self, log_slope(result, c), c)

    def __neg__(self) -> Value:
        """-a;  d/da = -1."""
        return _node(-self.data, "neg", self, -1.0)

    def __abs__(self) -> Value:
        """abs(a) = |a|;  d/da = sign(a), with sign(0) = 0 (and sign(nan) = 0) as in PyTorch."""
        a = self.data
        return _node(abs(a), "abs", self, abs_slope(a))

    # ----------------------------------------------------------------- functions
    def exp(self) -> Value:
        """exp(a) = e^a;  d/da = exp(a)."""
        try:
            e = math.exp(self.data)
        except OverflowError:
            raise OverflowError(
                f"exp overflows for input {self.data!r} (largest is about 709.78). "
                "Scale the input down, or use a stable form such as softplus or log-sum-exp."
            ) from None
        return _node(e, "exp", self, e)

    def log(self) -> Value:
        """log(a) = ln a, the natural logarithm;  d/da = 1/a."""
        a = self.data
        if a <= 0.0:
            raise ValueError(
                f"log is only defined for positive inputs, got {a!r} (from {self!r}). "
                "Clamp the input or add a small epsilon."
            )
        return _node(math.log(a), "log", self, 1.0 / a)

    def sqrt(self) -> Value:
        """sqrt(a) = √a;  d/da = 1/(2√a), infinite at a = 0 as in PyTorch."""
        a = self.data
        if a < 0.0:
            raise ValueError(
                f"sqrt is only defined for inputs >= 0, got {a!r} (from {self!r}). "
                "Use abs() first, or clamp the input."
            )
        s = math.sqrt(a)
        return _node(s, "sqrt", self, sqrt_slope(s))

    def tanh(self) -> Value:
        """tanh(a) = (e^a - e^-a)/(e^a + e^-a);  d/da = 1 - tanh(a)²."""
        t = math.tanh(self.data)  # stable: math.tanh saturates to ±1, never overflows
        return _node(t, "tanh", self, 1.0 - t * t)

    def sigmoid(self) -> Value:
        """sigmoid(a) = σ(a) = 1/(1 + e^-a);  d/da = σ(a)(1 - σ(a))."""
        s = sigmoid(self.data)
        return _node(s, "sigmoid", self, s * (1.0 - s))

    def relu(self) -> Value:
        """relu(a) = max(a, 0);  d/da = 1 if a > 0 else 0. NaN passes through, as in PyTorch."""
        a = self.data
        # relu() and relu_slope() below, written out: every hidden neuron of an MLP makes one
        if not a <= 0.0:  # a > 0, or nan
            return _node(a, "relu", self, 1.0)
        return _node(0.0, "relu", self, 0.0)

    def leaky_relu(self, negative_slope: float = 0.01) -> Value:
        """leaky_relu(a) = a if a > 0 else s·a;  d/da = 1 if a > 0 else s  (s = negative_slope)."""
        a = self.data
        s = _constant(negative_slope, "leaky_relu")
        slope = leaky_slope(a, s)
        return _with_constant(a * slope, "leaky_relu", self, slope, s)

    def softplus(self) -> Value:
        """softplus(a) = log(1 + e^a);  d/da = sigmoid(a) = 1/(1 + e^-a)."""
        a = self.data
        return _node(softplus(a), "softplus", self, sigmoid(a))

    def sin(self) -> Value:
        """sin(a);  d/da = cos(a)."""
        a = self.data
        return _node(sine(a), "sin", self, cosine(a))

    def cos(self) -> Value:
        """cos(a);  d/da = -sin(a)."""
        a = self.data
        return _node(cosine(a), "cos", self, -sine(a))

    # ----------------------------------------------------------------- comparisons
    # Comparisons look at data and return plain bools; equality stays identity, so Values
    # can be used in sets and as dict keys.
    def __lt__(self, other: Value | Number) -> bool:
        return self.data < (other.data if isinstance(other, Value) else other)

    def __le__(self, other: Value | Number) -> bool:
        return self.data <= (other.data if isinstance(other, Value) else other)

    def __gt__(self, other: Value | Number) -> bool:
        return self.data > (other.data if isinstance(other, Value) else other)

    def __ge__(self, other: Value | Number) -> bool:
        return self.data >= (other.data if isinstance(other, Value) else other)

    __hash__ = object.__hash__

    # ----------------------------------------------------------------- conversions
    def __float__(self):
        raise TypeError(
            f"float() of a Value would detach it from the graph: {self!r}. Use value.data (or "
            "value.item()) for the plain number, or keep computing with the Value."
        )

    def __int__(self):
        raise TypeError(
            f"int() of a Value would detach it from the graph: {self!r}. Use int(value.data) "
            "(or int(value.item())) for a plain whole number."
        )

    def __format__(self, spec: str) -> str:
        """``f"{v:.3f}"`` formats the data; a plain ``f"{v}"`` is the repr."""
        return format(self.data, spec) if spec else repr(self)

    # ----------------------------------------------------------------- backpropagation
    def topological_order(self) -> list[Value]:
        """Every node this Value depends on, each after all of its parents: the order of ``backward()``."""
        return _walk(self)

    def backward(self, gradient: float = 1.0) -> None:
        """Fill ``.grad`` of every node with d(self)/d(node), by the chain rule.

        Leaves accumulate across calls: this call's gradient is added to what they held, so
        a second call gives exactly twice the gradient. Intermediate nodes start from zero.
        ``gradient`` is d(final)/d(self) when this Value feeds a larger computation (1 by default).
        """
        if isinstance(gradient, bool) or not isinstance(gradient, Real):
            raise TypeError(f"backward(gradient) needs a number, got {type(gradient).__name__}: "
                            f"{gradient!r}. Leave it out to start from 1.")
        with paused_collector():
            held: list[tuple[Value, float]] = []  # each leaf's gradient from earlier calls
            try:
                order = _sorted(self, held)  # every grad is 0.0 from here on
            except BaseException:  # a leaf that is not a number, or Ctrl-C: the leaves keep their gradients
                for leaf, earlier in held:
                    leaf.grad = earlier
                raise
            self.grad = float(gradient)
            for node in reversed(order):
                a = node._a
                if a is None:  # a leaf: nothing to pass on
                    continue
                grad = node.grad
                if node._op == SUM:  # d(sum)/d(term) = 1 for every term
                    for term in a:
                        term.grad += grad
                    continue
                a.grad += node._da * grad
                b = node._b
                if b is not None:
                    b.grad += node._db * grad
            for leaf, earlier in held:  # leaves accumulate: this call's gradient + what they held
                leaf.grad += earlier

    # ----------------------------------------------------------------- display
    def __repr__(self) -> str:
        label = f", label={self.label!r}" if self.label else ""
        op = f", op={self.op!r}" if self._op else ""
        return f"Value(data={_shown(self.data)}, grad={_shown(self.grad)}{label}{op})"

    def draw(self, **options):
        """The computation graph as a ``graphviz.Digraph`` (see ``microopt.viz.draw_graph``)."""
        from microopt.viz.graph import draw_graph

        return draw_graph(self, **options)


def _walk(root: Value) -> list[Value]:
    """Every node ``root`` depends on, each after all of its parents (``Value.topological_order``).

    An iterative depth-first search (no recursion, so graphs of any depth work): a node whose
    parents are all placed is placed at once; otherwise it is pushed back under a marker, then
    its parents not yet found; when the marker comes off the stack again, every parent has been
    placed, and the node follows them. A node is visited once (``found``): in a graph without
    cycles, a node found earlier has been placed already by the time another needs it.
    """
    order: list[Value] = []
    found: set[Value] = set()
    stack: list = [root]
    while stack:
        node = stack.pop()
        if node is _PLACE_NEXT:
            order.append(stack.pop())
        elif node not in found:
            found.add(node)
            waiting = [parent for parent in node.parents if parent not in found]
            if waiting:
                stack += (node, _PLACE_NEXT, *waiting)
            else:
                order.append(node)
    return order


def _sorted(root: Value, held: list) -> list[Value]:
    """``backward()``'s topological order of the graph of ``root``: the order of ``_walk``, faster.

    No set and no stamp slot: a node's state in the walk is its ``grad``, set to one of two
    float 0.0 objects made for this search, told apart by identity (``is``). ``entered``: the
    node is back on the stack under its parents, and is placed when it comes off again;
    ``zero``: it is placed. Every grad thus ends as 0.0, where backward() starts from. Before
    that, each leaf's ``data`` and ``grad`` are checked to be numbers, and its grad is appended
    to ``held`` as ``(leaf, grad)``.
    """
    order: list[Value] = []
    zero, entered = float(), float()  # new 0.0 objects, unique to this search (the literal 0.0 is shared)
    stack: list = [root]
    push, pop, place = stack.append, stack.pop, order.append  # bound once: this loop is hot
    while stack:
        node = pop()
        grad = node.grad
        if grad is zero:
            continue
        if grad is entered:  # its parents are placed now
            node.grad = zero
            place(node)
            continue
        a = node._a
        if a is None:  # a leaf has no parents: it is ready at once
            if type(grad) is not float or type(node.data) is not float:
                _check_leaf(node)
            held.append((node, node.grad))
            node.grad = zero
            place(node)
            continue
        if node._op == SUM:
            # The terms as the stack would give them, last first, a ready one placed at once
            # (a neuron's products, once its inputs are placed); at the first that is not, the
            # sum goes back on the stack under it and the terms before it.
            for i, term in enumerate(reversed(a)):
                if term.grad is zero:
                    continue
                t = term._a
                if t is not None and term._op != SUM and t.grad is zero:
                    t = term._b
                    if t is None or t.grad is zero:
                        term.grad = zero
                        place(term)
                        continue
                node.grad = entered
                push(node)
                stack += a[:len(a) - i]
                break
            else:  # every term is placed
                node.grad = zero
                place(node)
            continue
        b = node._b
        if a.grad is zero and (b is None or b.grad is zero):
            node.grad = zero
            place(node)  # its parents are placed already (most products: a weight, a placed input)
            continue
        node.grad = entered
        push(node)
        if a.grad is not zero:
            push(a)
        if b is not None and b.grad is not zero:
            push(b)
    return order


def _check_leaf(leaf: Value) -> None:
    """A leaf whose ``grad`` or ``data`` was replaced by something else than a float."""
    name = f"the leaf {leaf.label!r}" if leaf.label else "a leaf Value"
    if leaf.grad is None:
        raise TypeError(
            f"Invalid grad of {name}: None (must be a number). microopt gradients start at 0.0, "
            "not None as in PyTorch: reset them with zero_grad() or value.grad = 0.0."
        )
    for attribute in ("grad", "data"):
        number = getattr(leaf, attribute)
        if isinstance(number, bool) or not isinstance(number, Real):
            raise TypeError(
                f"Invalid {attribute} of {name}: {type(number).__name__} {number!r} (must be a number). "
                f"Set value.{attribute} to a float."
            )
        setattr(leaf, attribute, _to_float(number))


def _constant(other: object, op: str) -> float:
    """The plain number on the other side of an operation, as a float."""
    return other if type(other) is float else _to_float(other, op)


def _shown(x) -> str:
    return f"{x:.6g}" if isinstance(x, (int, float)) and not isinstance(x, bool) else repr(x)


# --------------------------------------------------------------------- the formulas, once
# The compiled step (microopt.train.compile) calls these same functions, so that its numbers
# are the eager engine's, bit for bit (Value.relu writes relu and relu_slope out, for speed).
def sigmoid(a: float) -> float:
    """σ(a) = 1/(1 + e^-a), computed so that exp never overflows."""
    # stable: exp is only ever taken of a non-positive number
    if a >= 0.0:
        return 1.0 / (1.0 + math.exp(-a))
    e = math.exp(a)
    return e / (1.0 + e)


def softplus(a: float) -> float:
    """log(1 + e^a), in the stable form max(a, 0) + log1p(e^-|a|)."""
    return max(a, 0.0) + math.log1p(math.exp(-abs(a)))


def sqrt_slope(s: float) -> float:
    """d(√a)/da = 1/(2√a) from s = √a; infinite at 0, as in PyTorch."""
    return 0.5 / s if s != 0.0 else math.inf


def sine(a: float) -> float:
    """sin a; nan at ±inf, as in PyTorch (math.sin raises ValueError there)."""
    return math.sin(a) if not math.isinf(a) else math.nan


def cosine(a: float) -> float:
    """cos a; nan at ±inf, as in PyTorch (math.cos raises ValueError there)."""
    return math.cos(a) if not math.isinf(a) else math.nan


def relu(a: float) -> float:
    """max(a, 0), with relu(nan) = nan as in PyTorch ("not a <= 0" is true for nan)."""
    return a if not a <= 0.0 else 0.0


def relu_slope(a: float) -> float:
    """d relu(a)/da: 1 where a > 0 (and at nan, as in PyTorch), else 0."""
    return 1.0 if not a <= 0.0 else 0.0


def leaky_slope(a: float, negative_slope: float) -> float:
    """d leaky_relu(a)/da: 1 where a > 0, else the negative slope (also at nan, as in PyTorch)."""
    return 1.0 if a > 0.0 else negative_slope


def abs_slope(a: float) -> float:
    """d|a|/da = sign(a), with sign(0) = sign(nan) = 0 as in PyTorch."""
    return (a > 0.0) - (a < 0.0) + 0.0


def _check_denominator(numerator: Value, b: float) -> None:
    if b == 0.0:
        raise ZeroDivisionError(f"division by zero: {numerator!r} / {b!r}. Check the denominator, "
                                "or add a small epsilon to it.")


def _check_power_base(a: float, b: float) -> None:
    """A Value exponent needs a base >= 0 (the derivative involves log(base))."""
    if a < 0.0:
        raise ValueError(
            f"power: a Value exponent needs a base >= 0 (the derivative involves log(base)), "
            f"got base {a!r}. Use a plain number as the exponent instead."
        )
    if a == 0.0 and b < 0.0:
        raise ZeroDivisionError(f"power: 0.0 ** {b!r} divides by zero.")


def log_slope(result: float, a: float) -> float:
    """d(a^b)/db = a^b log a, taken as 0 at a = 0 (as PyTorch does)."""
    return result * math.log(a) if a != 0.0 else 0.0


def _power(base: Value, exponent: Value) -> Value:
    """base ** exponent when the exponent is itself a Value."""
    a, b = base.data, exponent.data
    result = exponent_power(a, b)
    return _node(result, "pow", base, power_slope(a, b), exponent, log_slope(result, a))


def exponent_power(a: float, b: float) -> float:
    """a ** b where b is a Value's data (or a Value's data is the exponent of a constant)."""
    _check_power_base(a, b)
    return power_value(a, b)


def power_value(a: float, k: float) -> float:
    """a ** k, refusing what has no real value or overflows, with a message naming both."""
    if a < 0.0 and not float(k).is_integer():
        raise ValueError(
            f"power: a negative base to a non-integer exponent is not real: "
            f"{a!r} ** {k!r}. Use abs() first, or an integer exponent."
        )
    if a == 0.0 and k < 0.0:
        raise ZeroDivisionError(f"power: 0.0 ** {k!r} divides by zero.")
    try:
        return a ** k
    except OverflowError:
        raise _power_overflow(a, k) from None


def _power_overflow(a: float, k: float) -> OverflowError:
    """Python's bare "(34, 'Numerical result out of range')", rewritten to name a ** k."""
    return OverflowError(
        f"power overflows: {a!r} ** {k!r} is larger than the largest float (about 1.8e308). "
        "Scale the base down, or use a smaller exponent."
    )


def power_slope(a: float, k: float) -> float:
    """d(a^k)/da = k a^(k-1), with PyTorch's values where that formula breaks down at a = 0."""
    if k == 0.0:
        return 0.0  # a^0 = 1 is flat everywhere
    if a == 0.0 and k < 1.0:
        return math.inf  # e.g. sqrt at 0: the slope is vertical
    try:
        return k * a ** (k - 1.0)
    except OverflowError:
        raise _power_overflow(a, k) from None


def sum(values: Iterable[Value | Number]) -> Value:  # noqa: A001 (mirrors builtins.sum)
    """Σ terms, one graph node for many terms;  d/d(term) = 1 for each.

    Shallow and fast, unlike a chain of ``+``; the total is exactly rounded (``math.fsum``),
    and inf + -inf gives nan as ``+`` does.

    >>> sum([Value(1.0), Value(2.0), 3.0]).data
    6.0
    """
    terms = tuple(values)
    if not terms:
        raise ValueError("microopt.sum needs at least one term, got an empty iterable.")
    for t in terms:
        if not isinstance(t, Value):
            terms = tuple(t if isinstance(t, Value) else Value(_to_float(t, "microopt.sum")) for t in terms)
            break
    return sum_of_values(terms)


def sum_of_values(terms: tuple[Value, ...]) -> Value:
    """``microopt.sum`` of a non-empty tuple of Values, without the checks (for ``nn``'s neurons)."""
    return _node(fsum([t.data for t in terms]), SUM, terms, 1.0)


def weighted_sum(weights: list[Value], inputs, bias: Value) -> Value:
    """``microopt.sum([w * x for w, x in zip(weights, inputs)] + [bias])``: a neuron's w · x + b.

    The very nodes those operations make (a ``mul`` node per term for a Value input,
    ``mul_const`` for a number, with the same data and local derivatives, and one ``sum``),
    made in one loop without a method call per term: a neuron's products are most of an
    MLP's graph.
    """
    terms, numbers = [], []
    term, number = terms.append, numbers.append  # bound once: this loop makes most of the graph
    for w, x in zip(weights, inputs):
        node = _new(Value)
        a = w.data
        if isinstance(x, Value):
            b = x.data
            node._b = x
            node._db = a  # d(w·x)/dx = w
            node._op = "mul"
        else:
            b = x if type(x) is float else _constant(x, "*")
            node._b = None
            node._db = b  # the constant, in _db (see _with_constant)
            node._op = "mul_const"
        # one slot at a time: a tuple assignment to several slots builds and unpacks a tuple
        node.data = product = a * b
        node.grad = 0.0
        node.label = ""
        node._a = w
        node._da = b  # d(w·x)/dw = x
        term(node)
        number(product)
    term(bias)
    number(bias.data)
    return _node(fsum(numbers), SUM, tuple(terms), 1.0)

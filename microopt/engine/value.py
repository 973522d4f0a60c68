"""A scalar autograd engine: `Value` builds a computation graph and backpropagates through it.

Every operation reads the same way: the forward value, then the local derivative of the
result with respect to each parent, stored beside it. ``backward()`` is then one loop over
the graph in reverse topological order applying the chain rule::

    parent.grad += local_derivative * node.grad

Gradient rule (the same as PyTorch's): leaves, the Values you create yourself, accumulate
gradient across ``backward()`` calls, so reset them with ``zero_grad()`` between steps.
Intermediate nodes get a fresh gradient on every call. Calling ``backward()`` twice therefore
gives each leaf exactly twice the gradient, never more.

Design notes (why it is fast): one object per node, with ``__slots__`` and no closures,
lists or tuples per binary op. Nodes hold no reference cycles, so Python frees a graph the
moment it is dropped instead of waiting for the cyclic garbage collector.
"""

from __future__ import annotations

import math
from numbers import Real
from typing import Iterable, Union

Number = Union[int, float]

LEAF = ""  # the op of a Value you create yourself
SUM = "sum"  # the op of microopt.sum: one node for many terms
_PLACE_NEXT = object()  # topological_order's marker: "the node below me is ready"


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
    return float(data)


class Value:
    """A scalar in a computation graph: its ``data``, its ``grad``, and how it was made.

    >>> a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    >>> c = a * b + a
    >>> c.backward()
    >>> a.grad, b.grad  # dc/da = b + 1, dc/db = a
    (-2.0, 2.0)
    """

    # _a, _b are the parents (None when absent); _da, _db the local derivatives
    # d(self)/d(_a) and d(self)/d(_b). An n-ary sum keeps its terms as a tuple in _a.
    __slots__ = ("data", "grad", "label", "_op", "_a", "_da", "_b", "_db")

    def __init__(self, data: Number, label: str = "", _op: str = LEAF,
                 _a: Value | None = None, _da: float = 0.0,
                 _b: Value | None = None, _db: float = 0.0) -> None:
        self.data = data if type(data) is float else _to_float(data)
        self.grad = 0.0
        self.label = label
        self._op = _op
        self._a = _a
        self._da = _da
        self._b = _b
        self._db = _db

    # ----------------------------------------------------------------- graph structure
    @property
    def op(self) -> str:
        """The operation that made this Value ('' for a leaf)."""
        return self._op

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
        other = other if isinstance(other, Value) else Value(_to_float(other, "+"))
        # d(a+b)/da = 1, d(a+b)/db = 1
        return Value(self.data + other.data, "", "+", self, 1.0, other, 1.0)

    def __mul__(self, other: Value | Number) -> Value:
        other = other if isinstance(other, Value) else Value(_to_float(other, "*"))
        # d(ab)/da = b, d(ab)/db = a
        return Value(self.data * other.data, "", "*", self, other.data, other, self.data)

    def __truediv__(self, other: Value | Number) -> Value:
        other = other if isinstance(other, Value) else Value(_to_float(other, "/"))
        if other.data == 0.0:
            raise ZeroDivisionError(
                f"division by zero: {self!r} / {other!r}. Check the denominator, "
                "or add a small epsilon to it."
            )
        quotient = self.data / other.data
        # d(a/b)/da = 1/b, d(a/b)/db = -a/b^2 = -(a/b)/b
        return Value(quotient, "", "/", self, 1.0 / other.data, other, -quotient / other.data)

    def __pow__(self, other: Value | Number) -> Value:
        if isinstance(other, Value):
            return _power(self, other)
        k = _to_float(other, "**")
        a = self.data
        if a < 0.0 and not k.is_integer():
            raise ValueError(
                f"power: a negative base to a non-integer exponent is not real: "
                f"{a!r} ** {k!r}. Use abs() first, or an integer exponent."
            )
        if a == 0.0 and k < 0.0:
            raise ZeroDivisionError(f"power: 0.0 ** {k!r} divides by zero (base is {self!r}).")
        try:
            return Value(a ** k, "", f"**{k:g}", self, _power_slope(a, k))  # d(a^k)/da = k a^(k-1)
        except OverflowError:
            raise _power_overflow(a, k) from None

    def __rpow__(self, base: Number) -> Value:
        return _power(Value(_to_float(base, "**")), self)

    def __neg__(self) -> Value:
        return Value(-self.data, "", "neg", self, -1.0)

    def __sub__(self, other: Value | Number) -> Value:
        other = other if isinstance(other, Value) else Value(_to_float(other, "-"))
        # d(a-b)/da = 1, d(a-b)/db = -1
        return Value(self.data - other.data, "", "-", self, 1.0, other, -1.0)

    def __radd__(self, other: Number) -> Value:
        return Value(_to_float(other, "+")) + self

    def __rmul__(self, other: Number) -> Value:
        return Value(_to_float(other, "*")) * self

    def __rsub__(self, other: Number) -> Value:
        return Value(_to_float(other, "-")) - self

    def __rtruediv__(self, other: Number) -> Value:
        return Value(_to_float(other, "/")) / self

    def __abs__(self) -> Value:
        a = self.data
        # d|a|/da = sign(a), with sign(0) = 0 as in PyTorch
        return Value(abs(a), "", "abs", self, (a > 0.0) - (a < 0.0) + 0.0)

    # ----------------------------------------------------------------- functions
    def exp(self) -> Value:
        try:
            e = math.exp(self.data)
        except OverflowError:
            raise OverflowError(
                f"exp overflows for input {self.data!r} (largest is about 709.78). "
                "Scale the input down, or use a stable form such as softplus or log-sum-exp."
            ) from None
        return Value(e, "", "exp", self, e)  # d(e^a)/da = e^a

    def log(self) -> Value:
        a = self.data
        if a <= 0.0:
            raise ValueError(
                f"log is only defined for positive inputs, got {a!r} (from {self!r}). "
                "Clamp the input or add a small epsilon."
            )
        return Value(math.log(a), "", "log", self, 1.0 / a)  # d(log a)/da = 1/a

    def sqrt(self) -> Value:
        a = self.data
        if a < 0.0:
            raise ValueError(
                f"sqrt is only defined for inputs >= 0, got {a!r} (from {self!r}). "
                "Use abs() first, or clamp the input."
            )
        s = math.sqrt(a)
        # d(sqrt a)/da = 1/(2 sqrt a): infinite at 0, as in PyTorch
        return Value(s, "", "sqrt", self, 0.5 / s if s > 0.0 else math.inf)

    def tanh(self) -> Value:
        t = math.tanh(self.data)  # stable: math.tanh saturates to +-1, never overflows
        return Value(t, "", "tanh", self, 1.0 - t * t)  # d(tanh a)/da = 1 - tanh^2

    def sigmoid(self) -> Value:
        a = self.data
        # stable: exp is only ever taken of a non-positive number, so it cannot overflow
        if a >= 0.0:
            s = 1.0 / (1.0 + math.exp(-a))
        else:
            e = math.exp(a)
            s = e / (1.0 + e)
        return Value(s, "", "sigmoid", self, s * (1.0 - s))  # d(sigma)/da = sigma (1 - sigma)

    def relu(self) -> Value:
        a = self.data
        return Value(a if a > 0.0 else 0.0, "", "relu", self, 1.0 if a > 0.0 else 0.0)

    def leaky_relu(self, negative_slope: float = 0.01) -> Value:
        a = self.data
        slope = 1.0 if a > 0.0 else float(negative_slope)
        return Value(a * slope, "", "leaky_relu", self, slope)

    def softplus(self) -> Value:
        a = self.data
        # stable: log(1 + e^a) = max(a, 0) + log1p(e^-|a|)
        value = max(a, 0.0) + math.log1p(math.exp(-abs(a)))
        s = 1.0 / (1.0 + math.exp(-a)) if a >= 0.0 else math.exp(a) / (1.0 + math.exp(a))
        return Value(value, "", "softplus", self, s)  # d(softplus)/da = sigmoid(a)

    def sin(self) -> Value:
        return Value(math.sin(self.data), "", "sin", self, math.cos(self.data))

    def cos(self) -> Value:
        return Value(math.cos(self.data), "", "cos", self, -math.sin(self.data))

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

    # ----------------------------------------------------------------- backpropagation
    def topological_order(self) -> list[Value]:
        """Every node this Value depends on, each after all of its parents.

        An iterative depth-first search (no recursion, so graphs of any depth work): a node
        is pushed back under a marker, then its parents; when the marker comes off the stack
        again, every parent has been placed, and the node follows them.

        A parent already visited is not pushed again (a weight feeds hundreds of nodes): it
        has been placed already, since in a graph without cycles a node still waiting for its
        parents cannot itself be a parent of the node being expanded.
        """
        order: list[Value] = []
        visited: set[Value] = set()
        stack: list = [self]
        while stack:
            node = stack.pop()
            if node is _PLACE_NEXT:
                order.append(stack.pop())
            elif node not in visited:
                visited.add(node)
                stack.append(node)
                stack.append(_PLACE_NEXT)
                if node._op == SUM:
                    for term in node._a:
                        if term not in visited:
                            stack.append(term)
                elif node._a is not None:
                    if node._a not in visited:
                        stack.append(node._a)
                    if node._b is not None and node._b not in visited:
                        stack.append(node._b)
        return order

    def backward(self, gradient: float = 1.0) -> None:
        """Fill ``.grad`` of every node with d(self)/d(node), by the chain rule.

        Leaves accumulate across calls: this call's gradient is added to what they held, so
        a second call gives exactly twice the gradient. Intermediate nodes start from zero.
        ``gradient`` is d(final)/d(self) when this Value feeds a larger computation (1 by default).
        """
        if isinstance(gradient, bool) or not isinstance(gradient, Real):
            raise TypeError(f"backward(gradient) needs a number, got {type(gradient).__name__}: "
                            f"{gradient!r}. Leave it out to start from 1.")
        order = self.topological_order()
        leaves = [node for node in order if node._op == LEAF]
        earlier = [leaf.grad for leaf in leaves]
        for node in order:
            node.grad = 0.0
        self.grad = gradient
        for node in reversed(order):
            if node._op == LEAF:
                continue
            if node._op == SUM:  # d(sum)/d(term) = 1 for every term
                for term in node._a:
                    term.grad += node.grad
                continue
            node._a.grad += node._da * node.grad
            if node._b is not None:
                node._b.grad += node._db * node.grad
        for leaf, grad in zip(leaves, earlier):
            leaf.grad += grad

    # ----------------------------------------------------------------- display
    def __repr__(self) -> str:
        label = f", label={self.label!r}" if self.label else ""
        op = f", op={self._op!r}" if self._op else ""
        return f"Value(data={self.data:.6g}, grad={self.grad:.6g}{label}{op})"

    def draw(self, **options):
        """The computation graph as a ``graphviz.Digraph`` (see ``microopt.viz.draw_graph``)."""
        from microopt.viz.graph import draw_graph

        return draw_graph(self, **options)


def _power(base: Value, exponent: Value) -> Value:
    """base ** exponent when the exponent is itself a Value."""
    a, b = base.data, exponent.data
    if a < 0.0:
        raise ValueError(
            f"power: a Value exponent needs a base >= 0 (the derivative involves log(base)), "
            f"got base {a!r}. Use a plain number as the exponent instead."
        )
    if a == 0.0 and b < 0.0:
        raise ZeroDivisionError(f"power: 0.0 ** {b!r} divides by zero.")
    try:
        result = a ** b
        slope = _power_slope(a, b)
    except OverflowError:
        raise _power_overflow(a, b) from None
    # d(a^b)/da = b a^(b-1); d(a^b)/db = a^b log a, taken as 0 at a = 0 (as PyTorch does)
    db = result * math.log(a) if a > 0.0 else 0.0
    return Value(result, "", "**", base, slope, exponent, db)


def _power_overflow(a: float, k: float) -> OverflowError:
    """Python's bare "(34, 'Numerical result out of range')", rewritten to name a ** k."""
    return OverflowError(
        f"power overflows: {a!r} ** {k!r} is larger than the largest float (about 1.8e308). "
        "Scale the base down, or use a smaller exponent."
    )


def _power_slope(a: float, k: float) -> float:
    """d(a^k)/da = k a^(k-1), with PyTorch's values where that formula breaks down at a = 0."""
    if k == 0.0:
        return 0.0  # a^0 = 1 is flat everywhere
    if a == 0.0 and k < 1.0:
        return math.inf  # e.g. sqrt at 0: the slope is vertical
    return k * a ** (k - 1.0)


def sum(values: Iterable[Value | Number]) -> Value:  # noqa: A001 (mirrors builtins.sum)
    """One graph node for the sum of many terms: shallow and fast, unlike a chain of ``+``.

    >>> sum([Value(1.0), Value(2.0), 3.0]).data
    6.0
    """
    terms = tuple(values)
    if not terms:
        raise ValueError("microopt.sum needs at least one term, got an empty iterable.")
    if not all(isinstance(t, Value) for t in terms):
        terms = tuple(t if isinstance(t, Value) else Value(_to_float(t, "microopt.sum")) for t in terms)
    return Value(math.fsum([t.data for t in terms]), "", SUM, terms)

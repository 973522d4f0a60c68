"""micrograd's ``Value`` on microopt's engine: micrograd's names, graphs and numbers, microopt's backward.

Code written for micrograd (karpathy/micrograd, PyPI ``micrograd`` 0.1.0) runs unchanged
apart from the import::

    from microopt.micrograd.engine import Value        # was: from micrograd.engine import Value

Each operator builds the node micrograd builds, with micrograd's op name and parents, and
computes its data with the same arithmetic, so every forward value is the same float::

    a + b   '+'        a * b   '*'        a ** k   '**k'      a.relu()   'ReLU'
    -a      a * -1     a - b   a + (-b)   a / b    a * b**-1  k - a      k + (-a)

What is different is underneath. micrograd stores a ``_backward`` closure in every node
(a reference cycle that only the garbage collector frees) and sorts the graph recursively
(Python's recursion limit stops it past about a thousand nested operations). Here each node
stores its local derivatives beside its data, as microopt's ``Value`` does, and
``backward()`` is microopt's loop over an iterative topological sort. Gradients are the same
numbers, up to the order in which a node's incoming contributions are added up: micrograd's
order follows the iteration order of its ``_prev`` sets, which depends on memory addresses,
so it varies between two runs of micrograd itself.

Also here, on purpose:

- ``label=`` and ``tanh()``, ``exp()``: the lecture's ``Value`` has them (micrograd 0.1.0 does
  not), so the lecture's neuron ``o = (x1*w1 + x2*w2 + b).tanh()`` runs too.
- ``_prev`` is the set of a node's parents, as in micrograd; ``_backward()`` is a method that
  applies this node's chain rule once, which is what micrograd's closure does (the lecture
  calls it node by node before writing ``backward()``).
- ``backward()`` follows PyTorch's rule, microopt's: leaves accumulate gradient across calls,
  intermediate nodes start from zero on each call. micrograd adds into intermediate nodes
  too, so a second ``backward()`` there gives the leaves more than twice their gradient.
- Building a node by hand, ``Value(data, (a, b), '+')``, is refused: the local derivative is
  stored by the operator that makes the node, and a hand-made node has none.
- Bad operands raise a ``TypeError`` that names them (micrograd fails inside its arithmetic).
  All of microopt's other ``Value`` methods (``sigmoid()``, ``log()``...) work as well.
"""

from __future__ import annotations

import math
from numbers import Integral, Real

from microopt.engine.value import SUM, Value as EngineValue

_new = object.__new__


def _number(data: object) -> int | float:
    """micrograd keeps ints as ints (``Value(0)``); numpy scalars become Python numbers."""
    if type(data) is float or type(data) is int:
        return data
    if isinstance(data, bool) or not isinstance(data, Real):
        raise TypeError(f"Value needs an int or float, got {type(data).__name__}: {data!r}. "
                        "Pass a plain Python number, e.g. Value(2.0).")
    return int(data) if isinstance(data, Integral) else float(data)


def _node(data, op: str, a, da: float, b=None, db: float = 0.0) -> Value:
    """The result of an operation: its data, its op, and d(out)/d(parent) for each parent."""
    out = _new(Value)
    out.data, out.grad, out.label, out._op = data, 0, "", op
    out._a, out._da, out._b, out._db = a, da, b, db
    return out


def weighted_sum(b: Value, terms: list[Value]) -> Value:
    """b + t₀ + t₁ + ... as one node (microopt's n-ary sum), added in that order, as micrograd's
    ``sum(terms, b)`` adds: the same float, with one node instead of a chain of len(terms) '+'."""
    data = b.data
    for t in terms:
        data = data + t.data
    return _node(data, SUM, (b, *terms), 0.0)


class Value(EngineValue):
    """``Value(data, _children=(), _op='')``: a scalar and its gradient, as in micrograd.

    >>> x = Value(-4.0)
    >>> y = (2 * x + 2 + x).relu() + x * x
    >>> y.backward()
    >>> y.data, x.grad                 # y = x², dy/dx = 2x once the relu is off
    (16.0, -8.0)
    """

    __slots__ = ()

    def __init__(self, data, _children=(), _op: str = "", label: str = "") -> None:
        if _children or _op:
            raise ValueError(
                f"Value(data, _children={_children!r}, _op={_op!r}) builds a graph node by hand, which "
                "microopt.micrograd cannot backpropagate through: each operator (+, *, **, relu...) "
                "stores its local derivative when it makes the node. Build the node with the operator."
            )
        self.data = _number(data)
        self.grad = 0  # micrograd's grads start as the int 0
        self.label = label
        self._op = ""
        self._a = self._b = None
        self._da = self._db = 0.0

    @property
    def op(self) -> str:
        """How the operation reads in diagrams: micrograd's own name, '+', '*', '**2', 'ReLU'."""
        return self._op

    @property
    def _prev(self) -> set:
        """The Values this one was computed from, as a set (micrograd's name and type)."""
        return set(self.parents)

    def _backward(self) -> None:
        """Apply this node's chain rule once: each parent receives local derivative × self.grad."""
        for parent, local in zip(self.parents, self.local_grads):
            parent.grad += local * self.grad

    # ----------------------------------------------------------------- micrograd's operators
    def __add__(self, other) -> Value:
        other = other if isinstance(other, EngineValue) else Value(other)
        return _node(self.data + other.data, "+", self, 1.0, other, 1.0)  # d(a+b)/da = d(a+b)/db = 1

    def __mul__(self, other) -> Value:
        other = other if isinstance(other, EngineValue) else Value(other)
        return _node(self.data * other.data, "*", self, other.data, other, self.data)  # d(ab)/da = b

    def __pow__(self, other) -> Value:
        if isinstance(other, bool) or not isinstance(other, (int, float)):
            raise TypeError(f"only int/float powers are supported, as in micrograd: got "
                            f"{type(other).__name__} {other!r}. Write x ** 2, not x ** Value(2).")
        a = self.data
        if a < 0 and not float(other).is_integer():
            raise ValueError(f"{a!r} ** {other!r} is not a real number (a negative base to a fractional power).")
        if a == 0 and other < 0:
            raise ZeroDivisionError(f"{a!r} ** {other!r} divides by zero.")
        # d(a^k)/da = k a^(k-1), written as micrograd writes it; infinite at a = 0 for k < 1
        slope = other * a ** (other - 1) if a != 0 or other >= 1 else math.inf
        return _node(a ** other, f"**{other}", self, slope)

    def relu(self) -> Value:
        out = 0 if self.data < 0 else self.data  # micrograd's int 0 for a negative input
        return _node(out, "ReLU", self, float(out > 0))  # d relu/da = 1 where the output is positive

    def __neg__(self) -> Value:
        return self * -1

    def __radd__(self, other) -> Value:
        return self + other

    def __sub__(self, other) -> Value:
        return self + (-other)

    def __rsub__(self, other) -> Value:
        return other + (-self)

    def __rmul__(self, other) -> Value:
        return self * other

    def __truediv__(self, other) -> Value:
        return self * other ** -1

    def __rtruediv__(self, other) -> Value:
        return other * self ** -1

    # ----------------------------------------------------------------- the lecture's two more
    def tanh(self) -> Value:
        t = math.tanh(self.data)  # saturates to ±1; the lecture's (e^2x - 1)/(e^2x + 1) overflows
        return _node(t, "tanh", self, 1 - t ** 2)  # d tanh/da = 1 - tanh²

    def exp(self) -> Value:
        try:
            e = math.exp(self.data)
        except OverflowError:
            raise OverflowError(f"exp overflows for input {self.data!r} (largest is about 709.78). "
                                "Scale the input down.") from None
        return _node(e, "exp", self, e)  # d e^a/da = e^a

    def __repr__(self) -> str:
        return f"Value(data={self.data}, grad={self.grad})"

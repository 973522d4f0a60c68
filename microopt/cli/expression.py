"""Arithmetic expressions to Value graphs, for ``microopt graph "tanh(x*w + b)" --var x=2 ...``.

The expression is parsed with ``ast`` and walked node by node; only numbers, variable names,
``+ - * / **``, unary ``-``/``+`` and calls of the functions in ``FUNCTIONS`` are accepted.
Nothing is ever passed to ``eval``, so ``__import__('os')``, attribute access, lambdas,
subscripts or comprehensions are refused with a message saying what is allowed.

Every intermediate Value is labelled with the piece of the expression it computes, so the
diagram reads like the formula.
"""

from __future__ import annotations

import ast
import math
import re

from microopt.engine.ops import FUNCTIONS  # name -> how to apply it to a Value, from the op registry
from microopt.engine.value import Value

_OPERATORS = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.Pow: "**"}
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_LABEL_LENGTH = 24  # longer sub-expressions are shortened in the diagram
_ALLOWED = "numbers, variables, + - * / **, and the functions " + ", ".join(FUNCTIONS)


class ExpressionError(ValueError):
    """An expression or a variable assignment that microopt will not evaluate."""


def parse_variables(assignments: list[str]) -> dict[str, float]:
    """``["x=2", "y=-3, z=0.5"]`` -> ``{"x": 2.0, "y": -3.0, "z": 0.5}``, in the order given."""
    variables: dict[str, float] = {}
    for assignment in assignments:
        for item in filter(None, (part.strip() for part in assignment.split(","))):
            name, equals, number = (s.strip() for s in item.partition("="))
            if not equals or not _NAME.match(name):
                raise ExpressionError(f"Invalid variable {item!r}: write name=number, e.g. x=2.5.")
            if name in FUNCTIONS:
                raise ExpressionError(f"Invalid variable name {name!r}: it is a function; pick another name.")
            try:
                variables[name] = float(number)
            except ValueError:
                raise ExpressionError(f"Invalid value for {name}: {number!r} is not a number.") from None
    return variables


def build(expression: str, variables: dict[str, float]) -> tuple[Value, dict[str, Value]]:
    """Evaluate ``expression`` on Values; return the output and the leaf Value of each variable used.

    >>> out, leaves = build("tanh(x*w + b)", {"x": 2.0, "w": -0.5, "b": 0.25})
    >>> round(out.data, 4), sorted(leaves)
    (-0.6351, ['b', 'w', 'x'])
    """
    # Both the parser and the walk below recurse once per level of nesting.
    too_deep = ExpressionError(f"The expression is nested too deeply ({len(expression)} characters); "
                               "draw a smaller one: a diagram that large is unreadable anyway.")
    try:
        tree = ast.parse(expression.strip(), mode="eval")
    except SyntaxError as error:
        raise ExpressionError(f"Cannot parse {_shorten(expression)!r}: {error.msg}.") from None
    except (RecursionError, MemoryError):
        raise too_deep from None
    builder = _Builder(expression.strip(), variables)
    try:
        out = builder.evaluate(tree.body)
    except ExpressionError:
        raise
    except RecursionError:
        raise too_deep from None
    except (ArithmeticError, ValueError) as error:  # the engine's domain errors: log(-1), 1/0, ...
        raise ExpressionError(f"Cannot evaluate {_shorten(expression)!r}: {error}") from None
    if not math.isfinite(out.data):
        raise ExpressionError(f"Cannot evaluate {_shorten(expression)!r}: the result is {out.data} "
                              "(a float overflowed).")
    return out, builder.used


def _shorten(text: str, length: int = 60) -> str:
    return text if len(text) <= length else text[: length - 1] + "…"


def _number(node: ast.AST) -> float | None:
    """The value of a numeric literal such as ``2`` or ``-0.5``; None for anything else."""
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        inner = _number(node.operand)
        return None if inner is None else (-inner if isinstance(node.op, ast.USub) else inner)
    if isinstance(node, ast.Constant) and type(node.value) in (int, float):
        return float(node.value)
    return None


class _Builder:
    """Walks the syntax tree, making one Value per node; refuses every node it does not know."""

    def __init__(self, source: str, variables: dict[str, float]):
        self.source = source
        self.leaves = {name: Value(value, label=name) for name, value in variables.items()}
        self.used: dict[str, Value] = {}  # the variables the expression reads, in reading order

    def evaluate(self, node: ast.AST) -> Value:
        number = _number(node)
        if number is not None:  # a constant is a leaf of the graph, labelled as written
            return Value(number, label=self.text(node))
        if isinstance(node, ast.Name):
            if node.id not in self.leaves:
                raise ExpressionError(f"Unknown variable {node.id!r}: give its value with --var {node.id}=1.0.")
            self.used[node.id] = self.leaves[node.id]
            return self.leaves[node.id]
        if isinstance(node, ast.BinOp) and type(node.op) in _OPERATORS:
            a = self.evaluate(node.left)
            exponent = _number(node.right) if isinstance(node.op, ast.Pow) else None
            # x ** 2 keeps the number as the exponent: one "**2" node, and x may be negative
            b = exponent if exponent is not None else self.evaluate(node.right)
            return self.named(_apply(_OPERATORS[type(node.op)], a, b), node)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
            a = self.evaluate(node.operand)
            return self.named(-a, node) if isinstance(node.op, ast.USub) else a
        if isinstance(node, ast.Call):
            return self.named(self.call(node), node)
        if isinstance(node, ast.Constant):
            raise ExpressionError(f"Not a number: {node.value!r}. Allowed: {_ALLOWED}.")
        raise ExpressionError(f"{_describe(node)} is not allowed in an expression. Allowed: {_ALLOWED}.")

    def call(self, node: ast.Call) -> Value:
        if not isinstance(node.func, ast.Name) or node.func.id not in FUNCTIONS:
            raise ExpressionError(f"Unknown function {self.text(node.func)!r}. "
                                  f"Allowed functions: {', '.join(FUNCTIONS)}.")
        name = node.func.id
        arity = 2 if name == "leaky_relu" else 1  # leaky_relu(x, slope) takes an optional slope
        if node.keywords or not 1 <= len(node.args) <= arity:
            raise ExpressionError(f"{name}() takes {'1 or 2 arguments' if arity == 2 else '1 argument'}, "
                                  f"got {self.text(node)!r}.")
        arg = self.evaluate(node.args[0])
        if len(node.args) == 1:
            return FUNCTIONS[name](arg)
        slope = _number(node.args[1])
        if slope is None:
            raise ExpressionError(f"The slope of leaky_relu must be a number, got {self.text(node.args[1])!r}.")
        return FUNCTIONS[name](arg, slope)

    def named(self, result: Value, node: ast.AST) -> Value:
        """Label a fresh intermediate Value with the sub-expression it computes."""
        if not result.label:
            text = self.text(node)
            result.label = text if len(text) <= _LABEL_LENGTH else text[: _LABEL_LENGTH - 1] + "…"
        return result

    def text(self, node: ast.AST) -> str:
        """The piece of the expression, as the user wrote it."""
        return ast.get_source_segment(self.source, node) or ast.unparse(node)


def _apply(op: str, a: Value, b: Value | float) -> Value:
    if op == "+":
        return a + b
    if op == "-":
        return a - b
    if op == "*":
        return a * b
    if op == "/":
        return a / b
    return a ** b


def _describe(node: ast.AST) -> str:
    kinds = {ast.Attribute: "Attribute access (.)", ast.Lambda: "A lambda", ast.Subscript: "Indexing ([])",
             ast.Compare: "A comparison", ast.BoolOp: "and/or", ast.IfExp: "if/else",
             ast.NamedExpr: "Assignment (:=)", ast.Starred: "Unpacking (*)"}
    for kind, text in kinds.items():
        if isinstance(node, kind):
            return f"{text} {ast.unparse(node)!r}"
    return f"{type(node).__name__} {ast.unparse(node)!r}"

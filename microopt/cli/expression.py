"""Arithmetic expressions to Value graphs, for ``microopt graph "tanh(x*w + b)" --var x=2 ...``.

The expression is parsed with ``ast`` and walked node by node; only numbers, variable names,
``+ - * / **``, unary ``-``/``+`` and calls of the functions in ``FUNCTIONS`` are accepted.
Nothing is ever passed to ``eval``, so ``__import__('os')``, attribute access, lambdas,
subscripts or comprehensions are refused with a message saying what is allowed.

Every intermediate Value is labelled with the piece of the expression it computes, so the
diagram reads like the formula.

Limits, checked before anything is evaluated: an expression longer than ``MAX_CHARACTERS``
is refused before parsing, and one that would make more than ``max_nodes`` Values (the
number a diagram can show, ``microopt.viz.graph.draw_graph``'s ``max_nodes``) right after.
The tree is then walked with an explicit stack, never recursion, and each label is cut from
the source by its offsets, so the work grows linearly with the expression's length.
"""

from __future__ import annotations

import ast
import keyword
import math

from microopt.engine.ops import FUNCTIONS  # name -> how to apply it to a Value, from the op registry
from microopt.engine.value import Value

_OPERATORS = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.Pow: "**"}
_LABEL_LENGTH = 24  # longer sub-expressions are shortened in the diagram
MAX_CHARACTERS = 10_000  # far beyond a readable diagram, far below what parsing can take
MAX_NODES = 300  # as draw_graph's max_nodes
_ALLOWED = "numbers, variables, + - * / **, and the functions " + ", ".join(FUNCTIONS)


class ExpressionError(ValueError):
    """An expression or a variable assignment that microopt will not evaluate."""


def parse_variables(assignments: list[str]) -> dict[str, float]:
    """``["x=2", "y=-3, z=0.5"]`` -> ``{"x": 2.0, "y": -3.0, "z": 0.5}``, in the order given."""
    variables: dict[str, float] = {}
    for assignment in assignments:
        for item in filter(None, (part.strip() for part in assignment.split(","))):
            name, equals, number = (s.strip() for s in item.partition("="))
            if not equals or not name.isidentifier():  # Python's names, as the expression's (θ included)
                raise ExpressionError(f"Invalid variable {item!r}: write name=number, e.g. x=2.5.")
            if keyword.iskeyword(name):
                raise ExpressionError(f"Invalid variable name {name!r}: it is a Python keyword; pick another name.")
            if name in FUNCTIONS:
                raise ExpressionError(f"Invalid variable name {name!r}: it is a function; pick another name.")
            try:
                variables[name] = float(number)
            except ValueError:
                raise ExpressionError(f"Invalid value for {name}: {number!r} is not a number.") from None
    return variables


def build(expression: str, variables: dict[str, float],
          max_nodes: int = MAX_NODES) -> tuple[Value, dict[str, Value]]:
    """Evaluate ``expression`` on Values; return the output and the leaf Value of each variable used.

    Refuses, before evaluating anything, an expression longer than ``MAX_CHARACTERS`` or one
    that would make more than ``max_nodes`` Values.

    >>> out, leaves = build("tanh(x*w + b)", {"x": 2.0, "w": -0.5, "b": 0.25})
    >>> round(out.data, 4), sorted(leaves)
    (-0.6351, ['b', 'w', 'x'])
    """
    source = expression.strip()
    if len(source) > MAX_CHARACTERS:
        raise ExpressionError(
            f"The expression is {len(source):,} characters long, more than the {MAX_CHARACTERS:,} microopt graph "
            "reads; its diagram would be unreadable. Draw a smaller piece of it."
        )
    # The parser recurses once per level of nesting.
    too_deep = ExpressionError(f"The expression is nested too deeply ({len(source):,} characters); "
                               "draw a smaller one: a diagram that large is unreadable anyway.")
    try:
        tree = ast.parse(source, mode="eval")
    except SyntaxError as error:
        raise ExpressionError(f"Cannot parse {_shorten(expression)!r}: {error.msg}.") from None
    except (RecursionError, MemoryError):
        raise too_deep from None
    builder = _Builder(source, variables)
    count = builder.count_values(tree.body)
    if count > max_nodes:
        raise ExpressionError(
            f"The expression would make {count:,} Values, more than max_nodes={max_nodes} (--max-nodes), the most "
            "a readable diagram holds. Draw a smaller piece of it, or pass a larger --max-nodes."
        )
    try:
        out = builder.evaluate(tree.body)
    except ExpressionError:
        raise
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
        self.encoded = source.encode("utf-8")  # ast offsets count UTF-8 bytes
        self.line_starts = [0]
        for line in self.encoded.splitlines(keepends=True):
            self.line_starts.append(self.line_starts[-1] + len(line))
        self.leaves = {name: Value(value, label=name) for name, value in variables.items()}
        self.used: dict[str, Value] = {}  # the variables the expression reads, in reading order

    def operands(self, node: ast.AST) -> list[ast.AST]:
        """The sub-expressions ``node`` needs evaluated first; refuses what is not allowed."""
        if _number(node) is not None or isinstance(node, ast.Name):
            return []
        if isinstance(node, ast.BinOp) and type(node.op) in _OPERATORS:
            # x ** 2 keeps the number as the exponent: one "**2" node, and x may be negative
            if isinstance(node.op, ast.Pow) and _number(node.right) is not None:
                return [node.left]
            return [node.left, node.right]
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
            return [node.operand]
        if isinstance(node, ast.Call):
            self.check_call(node)
            return [node.args[0]]
        if isinstance(node, ast.Constant):
            raise ExpressionError(f"Not a number: {node.value!r}. Allowed: {_ALLOWED}.")
        raise ExpressionError(f"{_describe(node, _shorten(self.text(node)))} is not allowed in an expression. "
                              f"Allowed: {_ALLOWED}.")

    def count_values(self, root: ast.AST) -> int:
        """How many Values evaluating ``root`` makes (each variable once), checking every node."""
        count, names, pending = 0, set(), [root]
        while pending:
            node = pending.pop()
            children = self.operands(node)
            if isinstance(node, ast.Name):
                names.add(node.id)
            elif not (isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.UAdd) and children):
                count += 1  # a constant, an operation or a function call; unary + makes nothing
            pending.extend(children)
        return count + len(names)

    def evaluate(self, root: ast.AST) -> Value:
        """Post-order over the tree with an explicit stack: operands (left first), then the node."""
        results: dict[int, Value] = {}
        pending: list[tuple[ast.AST, list[ast.AST] | None]] = [(root, None)]
        while pending:
            node, children = pending.pop()
            if children is None:
                children = self.operands(node)
                pending.append((node, children))
                pending.extend((child, None) for child in reversed(children))
            else:
                results[id(node)] = self.combine(node, [results.pop(id(child)) for child in children])
        return results[id(root)]

    def combine(self, node: ast.AST, operands: list[Value]) -> Value:
        """The Value of ``node`` from the Values of its operands."""
        number = _number(node)
        if number is not None:  # a constant is a leaf of the graph, labelled as written
            return Value(number, label=self.text(node))
        if isinstance(node, ast.Name):
            if node.id not in self.leaves:
                raise ExpressionError(f"Unknown variable {node.id!r}: give its value with --var {node.id}=1.0.")
            self.used[node.id] = self.leaves[node.id]
            return self.leaves[node.id]
        if isinstance(node, ast.BinOp):
            b = operands[1] if len(operands) == 2 else _number(node.right)
            return self.named(_apply(_OPERATORS[type(node.op)], operands[0], b), node)
        if isinstance(node, ast.UnaryOp):
            return self.named(-operands[0], node) if isinstance(node.op, ast.USub) else operands[0]
        return self.named(self.call(node, operands[0]), node)

    def check_call(self, node: ast.Call) -> None:
        if not isinstance(node.func, ast.Name) or node.func.id not in FUNCTIONS:
            raise ExpressionError(f"Unknown function {self.text(node.func)!r}. "
                                  f"Allowed functions: {', '.join(FUNCTIONS)}.")
        name = node.func.id
        arity = 2 if name == "leaky_relu" else 1  # leaky_relu(x, slope) takes an optional slope
        if node.keywords or not 1 <= len(node.args) <= arity:
            raise ExpressionError(f"{name}() takes {'1 or 2 arguments' if arity == 2 else '1 argument'}, "
                                  f"got {self.text(node)!r}.")

    def call(self, node: ast.Call, arg: Value) -> Value:
        name = node.func.id
        if len(node.args) == 1:
            return FUNCTIONS[name](arg)
        slope = _number(node.args[1])
        if slope is None:
            raise ExpressionError(f"The slope of leaky_relu must be a number, got {self.text(node.args[1])!r}.")
        return FUNCTIONS[name](arg, slope)

    def named(self, result: Value, node: ast.AST) -> Value:
        """Label a fresh intermediate Value with the sub-expression it computes."""
        if not result.label:
            result.label = self.text(node, _LABEL_LENGTH)
        return result

    def text(self, node: ast.AST, length: int | None = None) -> str:
        """The piece of the expression as the user wrote it, shortened to ``length`` characters.

        Cut from the source by the node's offsets: no copy of the text around it, so labelling
        every node costs time in proportion to the labels, not to the expression.
        """
        start = self.line_starts[node.lineno - 1] + node.col_offset
        end = self.line_starts[node.end_lineno - 1] + node.end_col_offset
        if length is not None and end - start > 4 * length:  # a UTF-8 character is at most 4 bytes
            end = start + 4 * length
        text = self.encoded[start:end].decode("utf-8", errors="ignore")
        return text if length is None or len(text) <= length else text[: length - 1] + "…"


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


def _describe(node: ast.AST, text: str) -> str:
    kinds = {ast.Attribute: "Attribute access (.)", ast.Lambda: "A lambda", ast.Subscript: "Indexing ([])",
             ast.Compare: "A comparison", ast.BoolOp: "and/or", ast.IfExp: "if/else",
             ast.NamedExpr: "Assignment (:=)", ast.Starred: "Unpacking (*)"}
    for kind, name in kinds.items():
        if isinstance(node, kind):
            return f"{name} {text!r}"
    return f"{type(node).__name__} {text!r}"

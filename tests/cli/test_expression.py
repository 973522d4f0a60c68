"""The expression parser behind `microopt graph`: Values for the whitelisted syntax, refusal for the rest."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from microopt.cli.expression import ExpressionError, build, parse_variables


def test_neuron_value_and_gradients_match_the_hand_derivation():
    out, leaves = build("tanh(x*w + b)", {"x": 2.0, "w": -0.5, "b": 0.25})
    out.backward()
    t = math.tanh(2.0 * -0.5 + 0.25)
    assert out.data == pytest.approx(t, abs=1e-15)
    # d tanh(xw + b) = (1 - t^2) * (w dx + x dw + db)
    assert leaves["x"].grad == pytest.approx((1 - t * t) * -0.5, abs=1e-15)
    assert leaves["w"].grad == pytest.approx((1 - t * t) * 2.0, abs=1e-15)
    assert leaves["b"].grad == pytest.approx(1 - t * t, abs=1e-15)


def test_every_function_and_operator():
    expression = "exp(x) + log(y) + sqrt(y) + sigmoid(x) + relu(x) + leaky_relu(-x, 0.1) + softplus(x) " \
                 "+ sin(x) + cos(x) + abs(-x) + x/y - y**3 + 2**x"
    out, leaves = build(expression, {"x": 0.5, "y": 2.0})
    out.backward()
    x, y = 0.5, 2.0
    s = 1 / (1 + math.exp(-x))
    expected = (math.exp(x) + math.log(y) + math.sqrt(y) + s + x + 0.1 * -x + math.log1p(math.exp(x))
                + math.sin(x) + math.cos(x) + x + x / y - y ** 3 + 2 ** x)
    dx = (math.exp(x) + s * (1 - s) + 1 - 0.1 + s + math.cos(x) - math.sin(x) + 1 + 1 / y
          + 2 ** x * math.log(2))
    dy = 1 / y + 0.5 / math.sqrt(y) - x / y ** 2 - 3 * y ** 2
    assert out.data == pytest.approx(expected, rel=1e-14)
    assert leaves["x"].grad == pytest.approx(dx, rel=1e-14)
    assert leaves["y"].grad == pytest.approx(dy, rel=1e-14)


def test_intermediate_values_are_labelled_with_their_piece_of_the_expression():
    out, _ = build("tanh(x*w + b)", {"x": 1.0, "w": 2.0, "b": 3.0})
    labels = [v.label for v in out.topological_order()]
    assert labels == ["b", "w", "x", "x*w", "x*w + b", "tanh(x*w + b)"]


def test_constants_are_leaves_labelled_as_written_and_powers_keep_a_number_exponent():
    out, leaves = build("(-x)**2 * 0.5", {"x": -3.0})
    out.backward()
    assert out.data == 4.5 and leaves["x"].grad == -3.0  # d(0.5 x^2)/dx = x
    assert [v.label for v in out.topological_order() if v.is_leaf()] == ["0.5", "x"]
    assert out.parents[0].op == "**2"


def test_only_the_variables_used_are_returned():
    _, leaves = build("x + 1", {"x": 1.0, "unused": 2.0})
    assert list(leaves) == ["x"]


@pytest.mark.parametrize("expression, message", [
    ("__import__('os')", r"Unknown function '__import__'. Allowed functions: exp, log"),
    ("x.real", r"Attribute access \(.\) 'x.real' is not allowed"),
    ("lambda: 1", r"A lambda 'lambda: 1' is not allowed"),
    ("(lambda: x)()", r"Unknown function 'lambda: x'"),
    ("x[0]", r"Indexing \(\[\]\) 'x\[0\]' is not allowed"),
    ("[x for x in y]", r"ListComp .* is not allowed"),
    ("open('f')", r"Unknown function 'open'"),
    ("'text'", r"Not a number: 'text'"),
    ("True", r"Not a number: True"),
    ("x < 1", r"A comparison 'x < 1' is not allowed"),
    ("x +", r"Cannot parse 'x \+'"),
    ("z * 2", r"Unknown variable 'z': give its value with --var z=1.0"),
    ("tanh(x, 2)", r"tanh\(\) takes 1 argument"),
    ("exp(x=1)", r"exp\(\) takes 1 argument"),
    ("leaky_relu(x, x)", r"The slope of leaky_relu must be a number, got 'x'"),
    ("x // 2", r"BinOp 'x // 2' is not allowed"),
    ("log(-x)", r"log is only defined for positive inputs"),
    ("x / 0", r"division by zero"),
    ("exp(1000*x)", r"exp overflows"),
    ("1e308 * 10 * x", r"the result is inf"),
])
def test_refused_expressions_say_why(expression, message):
    with pytest.raises(ExpressionError, match=message):
        build(expression, {"x": 1.0, "y": 2.0})


@pytest.mark.parametrize("expression, value", [
    (" + ".join(["x"] * 2000), 2000.0), ("-" * 5000 + "x", None), ("(" * 300 + "x" + ")" * 300, None),
    ("-(" * 2000 + "x" + ")" * 2000, None),
])
def test_deeply_nested_expressions_are_evaluated_or_refused_not_crashed_on(expression, value):
    if value is not None:  # within the parser's reach: the walk has no recursion limit of its own
        out, _ = build(expression, {"x": 1.0}, max_nodes=10**6)
        out.backward()
        assert out.data == value
        return
    with pytest.raises(ExpressionError, match="nested too deeply|too many nested parentheses"):
        build(expression, {"x": 1.0}, max_nodes=10**6)


def test_parse_variables_accepts_repeats_and_comma_lists_in_order():
    assert parse_variables(["x=2, y=-3", " z = 1e-3 ", "x=5"]) == {"x": 5.0, "y": -3.0, "z": 0.001}
    assert list(parse_variables(["b=1", "a=2"])) == ["b", "a"]


@pytest.mark.parametrize("assignment, message", [
    ("x", r"Invalid variable 'x': write name=number"),
    ("2x=1", r"Invalid variable '2x=1'"),
    ("x=abc", r"Invalid value for x: 'abc' is not a number"),
    ("tanh=1", r"Invalid variable name 'tanh': it is a function"),
])
def test_parse_variables_refuses_malformed_assignments(assignment, message):
    with pytest.raises(ExpressionError, match=message):
        parse_variables([assignment])


finite = st.floats(min_value=-10, max_value=10, allow_nan=False)


@settings(max_examples=50, deadline=None)
@given(x=finite, y=finite)
def test_polynomial_gradients_match_the_formula(x, y):
    """f = 3x^2 y - y^3/2 + x: df/dx = 6xy + 1, df/dy = 3x^2 - 1.5 y^2."""
    out, leaves = build("3*x**2*y - y**3/2 + x", {"x": x, "y": y})
    out.backward()
    assert out.data == pytest.approx(3 * x * x * y - y ** 3 / 2 + x, rel=1e-12, abs=1e-9)
    assert leaves["x"].grad == pytest.approx(6 * x * y + 1, rel=1e-12, abs=1e-9)
    assert leaves["y"].grad == pytest.approx(3 * x * x - 1.5 * y * y, rel=1e-12, abs=1e-9)

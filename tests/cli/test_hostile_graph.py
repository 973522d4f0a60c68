"""Hostile input to ``microopt graph``: refused early, with the limit named, in linear time.

Time is never measured here (no timed tests): linearity is shown structurally. An oversized
expression never reaches the parser, an oversized graph never reaches evaluation, labels are
cut from the source by offsets (``ast.get_source_segment``, which rescans the source for every
node, is never called) and the walk uses no recursion, so chains the parser accepts evaluate.
"""

from __future__ import annotations

import ast
import math

import pytest
from hypothesis import given, settings, strategies as st

import microopt.cli.expression as expression_module
from microopt.cli.expression import MAX_CHARACTERS, ExpressionError, build
from microopt.cli.main import main


def graph(argv, tmp_path, capsys):
    status = main(["graph", *argv, "--out", str(tmp_path / "g.dot")])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


# --------------------------------------------------------------------- refused before any work
def test_a_64_kb_expression_is_refused_before_parsing(tmp_path, capsys, monkeypatch):
    def no_parsing(*args, **kwargs):
        raise AssertionError("parsed")

    monkeypatch.setattr(ast, "parse", no_parsing)
    status, out, err = graph(["x" + "+x" * 32_767, "x=1"], tmp_path, capsys)
    assert status == 2 and out == ""
    assert "The expression is 65,535 characters long, more than the 10,000 microopt graph reads" in err
    assert not (tmp_path / "g.dot").exists()


def test_the_length_limit_counts_the_stripped_expression():
    padded = " " * 20_000 + "x + 1" + "\n" * 20_000
    out, _ = build(padded, {"x": 1.0})
    assert out.data == 2.0
    with pytest.raises(ExpressionError, match=r"is 10,001 characters long, more than the 10,000"):
        build("1" * (MAX_CHARACTERS + 1), {})


def test_an_oversized_graph_is_refused_before_evaluating(tmp_path, capsys, monkeypatch):
    def no_evaluation(self, root):
        raise AssertionError("evaluated")

    monkeypatch.setattr(expression_module._Builder, "evaluate", no_evaluation)
    status, out, err = graph([" + ".join(["x"] * 400), "x=1"], tmp_path, capsys)
    assert status == 2 and out == ""
    assert "The expression would make 400 Values, more than max_nodes=300 (--max-nodes)" in err
    assert "pass a larger --max-nodes" in err


@pytest.mark.parametrize("expression, values", [
    ("x", 1), ("x + x", 2), ("x + y", 3), ("x**2", 2), ("x**y", 3), ("2**x", 3), ("-x", 2), ("+x", 1),
    ("-3", 1), ("tanh(x*w + b)", 6), ("leaky_relu(x, 0.1)", 2), ("x*1.5 - 2", 5), ("exp(exp(exp(x)))", 4),
])
def test_the_values_counted_in_advance_are_the_values_made(expression, values):
    variables = {"x": 0.5, "y": 2.0, "w": -1.0, "b": 0.25}
    builder = expression_module._Builder(expression, variables)
    assert builder.count_values(ast.parse(expression, mode="eval").body) == values
    out, _ = build(expression, variables, max_nodes=values)
    assert len(out.topological_order()) == values
    if values > 1:
        with pytest.raises(ExpressionError, match=rf"would make {values} Values, more than max_nodes={values - 1}"):
            build(expression, variables, max_nodes=values - 1)


def test_max_nodes_raises_the_limit_for_drawing_too(tmp_path, capsys):
    status, out, err = graph([" + ".join(["x"] * 400), "x=1", "--max-nodes", "400"], tmp_path, capsys)
    assert status == 0 and "= 400" in out and (tmp_path / "g.dot").read_text().count("->") >= 400


@pytest.mark.parametrize("value, words", [
    ("0", "argument --max-nodes: Invalid max-nodes: 0 (must be a whole number >= 1)."),
    ("many", "argument --max-nodes: Invalid max-nodes: 'many' (must be a whole number >= 1)."),
    ("2.5", "argument --max-nodes: Invalid max-nodes: '2.5' (must be a whole number >= 1)."),
])
def test_a_bad_max_nodes_is_a_usage_error(tmp_path, capsys, value, words):
    status, _, err = graph(["x", "x=1", "--max-nodes", value], tmp_path, capsys)
    assert status == 2 and words in err


# --------------------------------------------------------------------- linear: offsets, no rescans, no recursion
def test_labels_never_rescan_the_source(monkeypatch):
    def rescanning(*args, **kwargs):
        raise AssertionError("ast.get_source_segment splits the whole source for every node")

    monkeypatch.setattr(ast, "get_source_segment", rescanning)
    out, _ = build(" + ".join(f"x*{i}" for i in range(100)), {"x": 1.0})
    assert out.data == sum(range(100))


def test_long_labels_are_shortened_to_24_characters():
    out, _ = build(" + ".join(["x"] * 50), {"x": 1.0})
    assert out.label == "x + x + x + x + x + x +…" and len(out.label) == 24
    assert out.parents[0].label == "x + x + x + x + x + x +…"


def test_labels_of_non_ascii_names_are_cut_by_characters_not_bytes():
    out, leaves = build("θ*λ + μ", {"θ": 2.0, "λ": 3.0, "μ": 1.0})
    assert out.data == 7.0 and [v.label for v in out.topological_order()][-2:] == ["θ*λ", "θ*λ + μ"]
    long, _ = build("+".join(["θ"] * 30), {"θ": 1.0})
    assert long.label == "θ+θ+θ+θ+θ+θ+θ+θ+θ+θ+θ+θ…"


def test_a_multi_line_expression_is_labelled_from_its_lines():
    out, _ = build("(x\n + y\n) * 2", {"x": 1.0, "y": 2.0})
    assert out.data == 6.0 and out.label == "(x\n + y\n) * 2" and out.parents[0].label == "x\n + y"


def test_a_chain_deeper_than_the_recursion_limit_evaluates():
    import sys

    terms = sys.getrecursionlimit() + 500
    out, leaves = build("+".join(["x"] * terms), {"x": 1.0}, max_nodes=10**6)
    out.backward()
    assert out.data == terms and leaves["x"].grad == terms


@pytest.mark.parametrize("expression", ["-" * 9000 + "x", "(" * 2000 + "x" + ")" * 2000, "+".join(["x"] * 4500)])
def test_nesting_the_parser_cannot_take_is_refused(expression):
    with pytest.raises(ExpressionError, match="nested too deeply|too many nested parentheses"):
        build(expression, {"x": 1.0}, max_nodes=10**6)


def test_a_huge_refused_node_is_named_without_recursing():
    with pytest.raises(ExpressionError, match=r"A comparison 'x < x\+x\+x.*…' is not allowed"):
        build("x < " + "+".join(["x"] * 2000), {"x": 1.0})


# --------------------------------------------------------------------- the rest of the hostile inputs
@pytest.mark.parametrize("expression, words", [
    ("__import__('os').system('ls')", "Unknown function \"__import__('os').system\". Allowed functions: exp"),
    ("x if x else y", "if/else"),
    ("x and y", "and/or"),
    ("(y := 2)", "Assignment (:=)"),
    ("f'{x}'", "JoinedStr"),
    ("x @ y", "BinOp 'x @ y' is not allowed"),
    ("~x", "UnaryOp '~x' is not allowed"),
    ("not x", "UnaryOp 'not x' is not allowed"),
    ("1j * x", "Not a number: 1j"),
    ("None", "Not a number: None"),
    ("...", "Not a number: Ellipsis"),
    ("b'x'", "Not a number: b'x'"),
    ("tanh()", "tanh() takes 1 argument, got 'tanh()'"),
    ("tanh(*x)", "Unpacking (*)"),
    ("leaky_relu(x, 0.1, 2)", "leaky_relu() takes 1 or 2 arguments"),
    ("x.grad", "Attribute access (.) 'x.grad'"),
    ("", "Cannot parse"),
    ("x\0", "Cannot parse"),
    ("sqrt(-x)", "Cannot evaluate 'sqrt(-x)'"),
    ("x ** -1 * 0", None),
    ("exp(x) ** 800", "Cannot evaluate 'exp(x) ** 800'"),
    ("10 ** 400 * x", "Cannot evaluate"),
    ("1e999 * x", "the result is inf"),
])
def test_hostile_expressions_are_refused_with_a_reason(expression, words):
    if words is None:
        assert build(expression, {"x": 1.0, "y": 2.0})[0].data == 0.0
        return
    with pytest.raises(ExpressionError) as caught:
        build(expression, {"x": 1.0, "y": 2.0})
    assert words in str(caught.value)


def test_refusals_exit_2_with_one_line_and_write_nothing(tmp_path, capsys):
    status, out, err = graph(["x.__class__.__bases__", "x=1"], tmp_path, capsys)
    assert status == 2 and out == "" and [line for line in err.splitlines() if "error:" in line] == [
        "microopt graph: error: Attribute access (.) 'x.__class__.__bases__' is not allowed in an expression. "
        "Allowed: numbers, variables, + - * / **, and the functions " + ", ".join(expression_module.FUNCTIONS) + "."]
    assert not (tmp_path / "g.dot").exists()


@pytest.mark.parametrize("assignment, words", [
    ("x=nan", None), ("x=inf", None), ("x=1e999", None), ("x=0x10", "Invalid value for x: '0x10' is not a number"),
    ("x==1", "Invalid value for x: '=1' is not a number"), ("=1", "Invalid variable '=1'"),
    ("é=1", None), ("θ=0.5", None), ("x=1,,y=2", None),
    ("if=1", "Invalid variable name 'if': it is a Python keyword"), ("x y=1", "Invalid variable 'x y=1'"),
])
def test_hostile_assignments(assignment, words):
    if words is None:
        variables = expression_module.parse_variables([assignment])
        assert all(isinstance(v, float) for v in variables.values())
        return
    with pytest.raises(ExpressionError) as caught:
        expression_module.parse_variables([assignment])
    assert words in str(caught.value)


def test_a_nan_variable_is_refused_as_a_result_not_silently_drawn():
    with pytest.raises(ExpressionError, match=r"the result is nan"):
        build("x * 2", {"x": math.nan})


sums = st.lists(st.sampled_from(["x", "y", "2", "0.5"]), min_size=1, max_size=60)
operators = st.sampled_from([" + ", " - ", " * "])


@settings(max_examples=40, deadline=None)
@given(terms=sums, op=operators)
def test_counted_values_always_match_the_graph(terms, op):
    expression = op.join(terms)
    variables = {"x": 0.5, "y": 2.0}
    counted = expression_module._Builder(expression, variables).count_values(ast.parse(expression, mode="eval").body)
    out, _ = build(expression, variables, max_nodes=10**6)
    assert len(out.topological_order()) == counted

"""`microopt graph`: gradients printed, a valid diagram written, bad input refused with status 2."""

from __future__ import annotations

import math
import pathlib
import xml.etree.ElementTree as ET

import graphviz.backend.dot_command
import pytest

from microopt.cli.main import main
from microopt.viz import render

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def test_neuron_prints_value_and_gradients_and_writes_a_png(tmp_path, capsys):
    from PIL import Image

    out = tmp_path / "neuron.png"
    status = main(["graph", "tanh(x*w + b)", "--var", "x=2", "--var", "w=-0.5", "--var", "b=0.25",
                   "--param", "w,b", "--out", str(out)])
    printed = capsys.readouterr().out
    assert status == 0
    t = math.tanh(-0.75)
    assert f"tanh(x*w + b) = {t:.6g}" in printed
    assert f"d/dx = {(1 - t * t) * -0.5:.6g}" in printed  # -0.298293
    assert f"d/dw = {(1 - t * t) * 2.0:.6g}" in printed  # 1.19317
    assert f"d/db = {1 - t * t:.6g}" in printed  # 0.596586
    assert f"diagram: {out}" in printed
    assert out.read_bytes().startswith(PNG_SIGNATURE)
    with Image.open(out) as image:
        image.load()


def test_comma_separated_assignments_and_svg_output(tmp_path, capsys):
    out = tmp_path / "f.svg"
    assert main(["graph", "x**2 + sin(x*y)", "x=1.5, y=-2", "--out", str(out), "--local-grads"]) == 0
    printed = capsys.readouterr().out
    # df/dx = 2x + y cos(xy) = 3 - 2 cos(-3) = 4.97998
    assert f"d/dx = {3 - 2 * math.cos(-3.0):.6g}" in printed
    assert "\nsin(x*y)\n" in "".join(ET.parse(out).getroot().itertext())  # the node of sin(x*y)


def test_no_backward_draws_gradients_as_not_computed(tmp_path, capsys):
    out = tmp_path / "g.dot"
    assert main(["graph", "x*y", "x=1, y=2", "--no-backward", "--out", str(out)]) == 0
    assert "gradients" not in capsys.readouterr().out
    assert "call backward() to fill in gradients" in out.read_text()


def test_an_unused_variable_is_noted_on_stderr(tmp_path, capsys):
    assert main(["graph", "x + 1", "x=1, q=3", "--out", str(tmp_path / "g.dot")]) == 0
    assert "variable 'q' is not used" in capsys.readouterr().err


@pytest.mark.parametrize("argv, message", [
    (["graph", "__import__('os').system('true')", "x=1"], "Unknown function"),
    (["graph", "x.__class__", "x=1"], "Attribute access"),
    (["graph", "(lambda: 0)()", "x=1"], "Unknown function 'lambda: 0'"),
    (["graph", "x + y", "x=1"], "Unknown variable 'y': give its value with --var y=1.0"),
    (["graph", "x + ", "x=1"], "Cannot parse"),
    (["graph", "x", "x=one"], "Invalid value for x: 'one' is not a number"),
    (["graph", "x", "x=1", "--param", "w"], "--param w: not a variable of the expression (its variables: x)"),
    (["graph", "x", "x=1", "--out", "g.pdf"], "--out must end in .png, .svg or .dot"),
    (["graph", "log(x)", "x=-1"], "log is only defined for positive inputs"),
    (["graph", "x", "x=1", "--rankdir", "XY"], "invalid choice: 'XY'"),
])
def test_bad_input_exits_2_with_a_one_line_message(argv, message, capsys):
    assert main(argv) == 2
    err = capsys.readouterr().err
    error_lines = [line for line in err.splitlines() if "error:" in line]
    assert len(error_lines) == 1 and error_lines[0].startswith("microopt graph: error:")
    assert message in error_lines[0]


def test_missing_renderer_writes_the_dot_source_and_says_how_to_install(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(graphviz.backend.dot_command, "DOT_BINARY", pathlib.Path("no-such-graphviz"))
    assert main(["graph", "x*y", "x=1, y=2", "--out", str(tmp_path / "g.png")]) == 1
    assert "pip install graphviz-pure" in capsys.readouterr().err
    assert (tmp_path / "g.dot").read_text().startswith("digraph {")
    assert not (tmp_path / "g.png").exists()
    assert isinstance(render.RendererNotFoundError("x"), RuntimeError)


def test_a_huge_expression_is_refused_by_the_node_limit(tmp_path, capsys):
    expression = " + ".join(["x"] * 400)  # one leaf and 399 additions: 400 Values
    assert main(["graph", expression, "x=1", "--out", str(tmp_path / "g.png")]) == 2
    assert "more than max_nodes=300" in capsys.readouterr().err


def test_top_to_bottom_layout(tmp_path):
    assert main(["graph", "x*y", "x=1, y=2", "--rankdir", "TB", "--out", str(tmp_path / "g.dot")]) == 0
    assert "rankdir=TB" in (tmp_path / "g.dot").read_text()

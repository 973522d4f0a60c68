"""Graph diagrams: the DOT source says what the picture shows; SVG and PNG render and are valid."""

from __future__ import annotations

import io
import pathlib
import re
import subprocess
import sys
import xml.etree.ElementTree as ET

import graphviz
import graphviz.backend.dot_command
import pytest

from microopt import Value
from microopt import sum as value_sum
from microopt.nn import MLP
from microopt.viz import render
from microopt.viz.graph import (HIGHLIGHT_COLOR, LEAF_COLOR, NOT_COMPUTED, PARAMETER_COLOR, draw_graph,
                                format_number, save_graph)

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def neuron():
    """out = tanh(x*w + b) at x = 2, w = -0.5, b = 0.25: 6 Values, 3 ops."""
    x, w, b = Value(2.0, label="x"), Value(-0.5, label="w"), Value(0.25, label="b")
    out = (x * w + b).tanh()
    out.label = "out"
    return x, w, b, out


def node_lines(source: str) -> dict[str, str]:
    """node id -> its DOT line, for the Value nodes (n0, n1, ...) only."""
    return {m.group(1): line for line in source.splitlines() if (m := re.match(r"\s*(n\d+) \[", line))}


def test_one_box_per_value_and_one_bubble_per_op():
    *_, out = neuron()
    source = draw_graph(out).source
    assert len(node_lines(source)) == 6  # x, w, b, x*w, x*w+b, tanh
    ops = re.findall(r"(n\d+_op) \[label=(\S+)", source)
    assert [label for _, label in ops] == ['"*"', '"+"', "tanh"]
    # edges: 2 into *, 2 into +, 1 into tanh, plus one from each op to its result
    assert len(re.findall(r" -> ", source)) == 2 + 2 + 1 + 3


def test_labels_show_label_data_and_grad_after_backward():
    x, w, b, out = neuron()
    out.backward()
    source = draw_graph(out).source
    # tanh(-0.75) = -0.6351; d out/dw = x (1 - tanh^2) = 2 * 0.59659 = 1.1932
    assert "<B>out</B></TD><TD>data -0.6351</TD><TD>grad 1.0000</TD>" in source
    assert "<B>w</B></TD><TD>data -0.5000</TD><TD>grad 1.1932</TD>" in source
    assert "<B>x</B></TD><TD>data 2.0000</TD><TD>grad -0.2983</TD>" in source
    assert NOT_COMPUTED not in source


def test_a_label_that_is_not_a_string_is_drawn_as_text():
    # Value(..., label=3) is accepted, so drawing it must not fail inside html.escape
    out = Value(1.0, label=3) * Value(2.0, label="<w>")
    source = draw_graph(out).source
    assert "<B>3</B>" in source and "<B>&lt;w&gt;</B>" in source


def test_parameters_inputs_and_output_are_told_apart():
    x, w, b, out = neuron()
    lines = node_lines(draw_graph(out, parameters=[w, b]).source)
    by_label = {re.search(r"<B>(\w+)</B>", line).group(1): line for line in lines.values() if "<B>" in line}
    assert PARAMETER_COLOR in by_label["w"] and PARAMETER_COLOR in by_label["b"]
    assert LEAF_COLOR in by_label["x"]
    assert 'TABLE BORDER="3"' in by_label["out"]  # the output alone has a bold border
    assert sum('TABLE BORDER="3"' in line for line in lines.values()) == 1


def test_a_module_can_be_passed_as_parameters():
    model = MLP(2, [1])
    out = model([Value(1.0, label="x1"), Value(2.0, label="x2")])
    source = draw_graph(out, parameters=model).source
    assert source.count(PARAMETER_COLOR) == 3 + 1  # w1, w2, b, and the legend
    assert source.count(LEAF_COLOR) == 2 + 1  # x1, x2, and the legend


def test_not_computed_mark_before_backward_and_numbers_after():
    *_, out = neuron()
    before = draw_graph(out).source
    assert before.count(f"grad <FONT COLOR=\"#888888\">{NOT_COMPUTED}</FONT>") == 6
    assert "call backward() to fill in gradients" in before
    out.backward()
    after = draw_graph(out).source
    assert NOT_COMPUTED not in after and "call backward()" not in after


def test_stale_leaf_grads_from_an_earlier_graph_are_not_shown_as_gradients():
    x, w, b, out = neuron()
    out.backward()  # w.grad is now 1.1932, but the new graph below has not been backpropagated
    fresh = (x * w + b).tanh()
    source = draw_graph(fresh).source
    assert "grad 1.1932" not in source and "call backward()" in source


def test_show_grad_false_drops_the_grad_cells():
    *_, out = neuron()
    source = draw_graph(out, show_grad=False).source
    assert "grad" not in source


def test_highlight_a_value_a_set_or_a_dict_of_colors():
    x, w, b, out = neuron()
    one = node_lines(draw_graph(out, highlight=out).source)
    assert [i for i, line in one.items() if HIGHLIGHT_COLOR in line] == ["n5"]  # out is last in order
    several = node_lines(draw_graph(out, highlight={x, w}).source)
    assert sum(HIGHLIGHT_COLOR in line for line in several.values()) == 2
    colored = draw_graph(out, highlight={out: "#ff0000", out.parents[0]: "#00ff00"}).source
    assert 'BGCOLOR="#ff0000"' in colored and 'BGCOLOR="#00ff00"' in colored
    assert "highlighted" in colored  # the legend names it


def caption(source: str) -> str:
    """The legend: the graph's own label, a table after the last node and edge."""
    return source[source.rindex('label=<<TABLE BORDER="0"'):]


def test_the_legend_lists_each_highlight_color_drawn_and_no_other():
    x, w, b, out = neuron()
    elsewhere = Value(1.0)  # highlighted, but not part of this graph
    source = draw_graph(out, highlight={out: "#ff0000", x: "#00ff00", elsewhere: "#0000ff"},
                        highlight_labels={"#00ff00": "input of interest", "#123456": "never used"}).source
    legend = caption(source)
    assert '<TD BGCOLOR="#ff0000">highlighted</TD>' in legend  # a color with no label given
    assert '<TD BGCOLOR="#00ff00">input of interest</TD>' in legend
    assert "#0000ff" not in source and "never used" not in source
    assert legend.index("#ff0000") < legend.index("#00ff00")  # in the order highlight= gives them
    assert "highlighted" not in caption(draw_graph(out).source)
    same = caption(draw_graph(out, highlight={x, w}).source)
    assert same.count(HIGHLIGHT_COLOR) == 1  # two orange boxes, one legend entry


def test_highlight_labels_must_be_a_mapping():
    with pytest.raises(TypeError, match="highlight_labels must be a dict color -> meaning"):
        draw_graph(neuron()[-1], highlight_labels=["received gradient"])


def test_local_grads_label_the_edges_into_each_op():
    x, w, b, out = neuron()
    source = draw_graph(out, show_local_grads=True).source
    # d(x*w)/dx = w = -0.5 and d(x*w)/dw = x = 2; d tanh(a)/da = 1 - tanh(-0.75)^2 = 0.5966
    assert "n2 -> n3_op [label=-0.5000]" in source  # n2 is x, n1 is w (depth-first order)
    assert "n1 -> n3_op [label=2.0000]" in source
    assert "n4 -> n5_op [label=0.5966]" in source


def test_same_computation_gives_the_same_source_every_time():
    sources = set()
    for _ in range(3):
        *_, out = neuron()
        out.backward()
        sources.add(draw_graph(out, parameters=[]).source)
    assert len(sources) == 1


def test_a_reused_value_is_drawn_once():
    a = Value(3.0, label="a")
    b = a * a  # one box for a, two edges into *
    c = value_sum([b, a, a])
    source = draw_graph(c).source
    assert len(node_lines(source)) == 3
    assert len(re.findall(r"n0 -> n1_op", source)) == 2


def test_max_nodes_refuses_large_graphs_with_a_clear_message():
    out = MLP(2, [16, 16, 1])([1.0, 2.0])
    with pytest.raises(ValueError, match=r"The graph has \d+ Values, more than max_nodes=300.*max_nodes=\d+"):
        draw_graph(out)
    n = len(out.topological_order())
    assert draw_graph(out, max_nodes=n, legend=False).source.count("_op [") > 300


@pytest.mark.parametrize("kwargs, message", [
    ({"rankdir": "XY"}, r"Invalid rankdir: 'XY'"),
    ({"format": "pdf"}, r"Invalid format: 'pdf'.*svg, png"),
    ({"precision": 0}, r"Invalid precision: 0 \(must be a whole number >= 1\)"),
    ({"max_nodes": 2.5}, r"Invalid max_nodes: 2.5"),
])
def test_bad_options_are_named(kwargs, message):
    *_, out = neuron()
    with pytest.raises(ValueError, match=message):
        draw_graph(out, **kwargs)


def test_draw_graph_refuses_a_non_value():
    with pytest.raises(TypeError, match="draw_graph needs a Value, got float: 2.0"):
        draw_graph(2.0)


def test_value_draw_is_draw_graph():
    *_, out = neuron()
    assert out.draw(parameters=[]).source == draw_graph(out).source


@pytest.mark.parametrize("x, text", [
    (2.0, "2.0000"), (-0.0, "0.0000"), (0.59659, "0.5966"), (1.816e-4, "1.816e-04"),
    (1234567.0, "1.235e+06"), (float("inf"), "inf"), (float("nan"), "nan"),
])
def test_format_number(x, text):
    assert format_number(x) == text


# ----------------------------------------------------------------- rendering
def test_svg_renders_and_parses_as_xml(tmp_path):
    *_, out = neuron()
    out.backward()
    path = save_graph(out, tmp_path / "neuron.svg")
    root = ET.parse(path).getroot()
    assert root.tag.endswith("svg")
    text = "".join(root.itertext())
    assert "out" in text and "data -0.6351" in text and "tanh" in text


def test_png_renders_and_decodes(tmp_path):
    from PIL import Image

    *_, out = neuron()
    out.backward()
    path = save_graph(out, tmp_path / "sub" / "neuron.png", parameters=[])
    data = path.read_bytes()
    assert data.startswith(PNG_SIGNATURE)
    with Image.open(io.BytesIO(data)) as image:
        image.load()
        assert image.width > 300 and image.height > 50


def test_dot_file_needs_no_renderer(tmp_path, monkeypatch):
    monkeypatch.setattr(graphviz.backend.dot_command, "DOT_BINARY", pathlib.Path("no-such-graphviz"))
    *_, out = neuron()
    path = save_graph(out, tmp_path / "neuron.dot")
    assert path.read_text().startswith("digraph {")


def test_save_graph_refuses_other_suffixes(tmp_path):
    *_, out = neuron()
    with pytest.raises(ValueError, match=r"Cannot save a graph as 'neuron.pdf': use a .svg, .png or .dot"):
        save_graph(out, tmp_path / "neuron.pdf")


def test_jupyter_display_gives_svg():
    *_, out = neuron()
    bundle = draw_graph(out)._repr_mimebundle_()
    assert bundle["image/svg+xml"].lstrip().startswith("<?xml")


# ----------------------------------------------------------------- no renderer
def test_missing_renderer_gives_install_instructions_and_keeps_the_source(monkeypatch):
    monkeypatch.setattr(graphviz.backend.dot_command, "DOT_BINARY", pathlib.Path("no-such-graphviz"))
    *_, out = neuron()
    dot = draw_graph(out)
    assert dot.source.startswith("digraph {")
    with pytest.raises(render.RendererNotFoundError, match=r"pip install graphviz-pure.*apt-get install graphviz"):
        dot.pipe(format="png")
    # In a notebook the reason is shown as text instead of failing the cell.
    bundle = dot._repr_mimebundle_()
    assert "pip install graphviz-pure" in bundle["text/plain"] and "digraph {" in bundle["text/plain"]


def test_renderer_falls_back_to_graphviz_pure_next_to_python(monkeypatch, tmp_path):
    scripts = tmp_path / "bin"
    scripts.mkdir()
    (scripts / "graphviz-pure").write_text("")
    monkeypatch.setattr(render.shutil, "which", lambda name: None)
    monkeypatch.setattr(render.sysconfig, "get_path", lambda name: str(scripts))
    assert render.find_renderer() == str(scripts / "graphviz-pure")
    monkeypatch.setattr(graphviz.backend.dot_command, "DOT_BINARY", pathlib.Path("dot"))
    render.use_renderer()
    assert graphviz.backend.dot_command.DOT_BINARY == scripts / "graphviz-pure"


def test_renderer_prefers_system_dot_and_keeps_a_user_choice(monkeypatch):
    monkeypatch.setattr(render.shutil, "which", lambda name: "/usr/bin/dot" if name == "dot" else None)
    assert render.find_renderer() == "dot"
    monkeypatch.setattr(graphviz.backend.dot_command, "DOT_BINARY", pathlib.Path("/opt/my/dot"))
    render.use_renderer()
    assert graphviz.backend.dot_command.DOT_BINARY == pathlib.Path("/opt/my/dot")


def test_no_renderer_anywhere(monkeypatch, tmp_path):
    monkeypatch.setattr(render.shutil, "which", lambda name: None)
    monkeypatch.setattr(render.sysconfig, "get_path", lambda name: str(tmp_path))
    assert render.find_renderer() is None
    monkeypatch.setattr(graphviz.backend.dot_command, "DOT_BINARY", pathlib.Path("dot"))
    *_, out = neuron()
    with pytest.raises(render.RendererNotFoundError, match="no Graphviz program found"):
        save_graph(out, tmp_path / "neuron.png")


def test_importing_the_graph_module_loads_no_graphviz():
    code = ("import sys, microopt.viz, microopt.viz.graph; "
            "print(sorted(m for m in ('graphviz', 'matplotlib') if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_given_grads_and_names_replace_the_values_own():
    # The backprop step-through shows running gradients and its own node names.
    x, w, b, out = neuron()
    mid = out.parents[0]
    source = draw_graph(out, grads={out: 1.0, mid: 0.5966}, names={mid: "n4"}).source
    assert "<B>n4</B></TD><TD>data -0.7500</TD><TD>grad 0.5966</TD>" in source
    assert "<B>x</B></TD><TD>data 2.0000</TD><TD>grad 0.0000</TD>" in source  # missing from grads: 0
    assert "call backward()" not in source

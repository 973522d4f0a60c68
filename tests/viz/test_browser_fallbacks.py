"""What Pyodide (JupyterLite) sees, forced here in CPython: no matplotlib, no ``dot`` program.

Plots come out as SVG (``microopt.viz.svg``) with the same colors, legends and divergence
marks; diagrams come from Viz.js (``microopt.viz.vizjs``, stubbed here: it runs only in a
browser, tests/site/test_lite.py draws with the real one) or, when even that is impossible,
as the DOT source with a note, never as a failed cell.
"""

import math
import pathlib
import xml.etree.ElementTree as ET

import graphviz.backend.dot_command
import pytest

from microopt import Value
from microopt.teach import step_through
from microopt.viz import color_for, draw_graph, plot_contour, plot_losses, plot_lr_sweep, svg, vizjs
from microopt.viz.render import RendererNotFoundError

NS = {"s": "http://www.w3.org/2000/svg"}


@pytest.fixture
def no_matplotlib(monkeypatch):
    monkeypatch.setattr(svg, "has_matplotlib", lambda: False)


@pytest.fixture
def no_dot(monkeypatch):
    """graphviz finds no layout program, as under Pyodide: the one it is pointed at does not exist."""
    monkeypatch.setattr(graphviz.backend.dot_command, "DOT_BINARY", pathlib.Path("/nonexistent/dot"))


def parse(figure) -> ET.Element:
    assert isinstance(figure, svg.SvgFigure)
    return ET.fromstring(figure._repr_svg_())


def texts(root: ET.Element) -> list[str]:
    return [t.text for t in root.iter("{http://www.w3.org/2000/svg}text")]


def lines(root: ET.Element) -> list[ET.Element]:
    return root.findall(".//s:polyline", NS)


def test_loss_curves_are_svg_lines_in_each_optimizer_color(no_matplotlib):
    root = parse(plot_losses({"sgd": [4.0, 2.0, 1.0], "adam": [4.0, 1.0, 0.5, math.inf]}, title="two runs"))
    strokes = [line.get("stroke") for line in lines(root)]
    assert strokes == [color_for("sgd"), color_for("adam")]
    assert [len(line.get("points").split()) for line in lines(root)] == [3, 3]  # adam drawn up to its last finite loss
    assert {"two runs", "sgd", "adam (diverged)", "step", "loss"} <= set(texts(root))


def test_a_curve_reaches_its_pixels_by_the_axis_scale(no_matplotlib):
    """Linear axes: x = 0..2 with a 5% margin, so the middle point sits at the middle pixel."""
    root = parse(plot_losses({"sgd": [3.0, 2.0, 1.0]}, log=False))
    (x0, y0), (x1, y1), (x2, y2) = (map(float, p.split(",")) for p in lines(root)[0].get("points").split())
    assert math.isclose(x1, (x0 + x2) / 2, abs_tol=0.11) and math.isclose(y1, (y0 + y2) / 2, abs_tol=0.11)
    assert x0 < x1 < x2 and y0 < y1 < y2  # loss falls, so the curve goes down the page


def test_lr_sweep_marks_divergence_and_the_best_rate(no_matplotlib):
    root = parse(plot_lr_sweep([0.01, 0.1, 1.0, 10.0], {"sgd": [1.0, 0.2, math.inf, math.nan]}))
    assert "sgd diverged (loss inf/nan)" in texts(root) and "best sgd: lr = 0.1" in texts(root)
    assert {"0.01", "0.1", "1", "10"} <= set(texts(root))  # a log axis: whole decades
    assert len(lines(root)[0].get("points").split()) == 2  # NaN breaks the line after the finite part
    crosses = [p for p in root.iter("{http://www.w3.org/2000/svg}path") if p.get("stroke") == color_for("sgd")]
    assert len(crosses) == 2 + 1  # one ✕ per diverged rate, and one in the legend


def test_contour_map_has_a_colored_grid_a_trajectory_and_the_minimum(no_matplotlib, tmp_path):
    path = [(-1.2, 1.0), (-0.9, 0.8), (0.0, 0.2), (1.0, 1.0)]
    figure = plot_contour("rosenbrock", {"adam": path}, resolution=30)
    root = parse(figure)
    cells = [r for r in root.findall(".//s:rect", NS) if r.get("fill", "").startswith("#") and r.get("width") != "14"]
    assert len(cells) >= 30 * 30  # every grid cell is finite on Rosenbrock
    trajectory = [line for line in lines(root) if line.get("stroke") == color_for("adam")]
    assert len(trajectory[0].get("points").split()) == len(path)
    assert "f(x, y) − f* (log scale)" not in texts(root)  # Rosenbrock's f* = 0: the label says f(x, y)
    assert "f(x, y) (log scale)" in texts(root) and "global minimum" in texts(root)
    figure.savefig(tmp_path / "map.svg")
    assert ET.parse(tmp_path / "map.svg").getroot().tag.endswith("svg")
    with pytest.raises(ValueError, match="without matplotlib, plots are SVG only"):
        figure.savefig(tmp_path / "map.png")


def test_a_trajectory_leaving_the_map_ends_in_an_arrowhead_on_its_edge(no_matplotlib):
    root = parse(plot_contour("rosenbrock", {"adam": [(-1.2, 1.0), (0.0, 0.5), (5.0, 9.0)]}, resolution=20))
    arrowheads = [p for p in root.findall(".//s:polygon", NS) if p.get("fill") == color_for("adam")]
    assert len(arrowheads) == 1 and len(arrowheads[0].get("points").split()) == 3  # a triangle
    assert "adam (left the window at step 2)" in texts(root)


def test_viridis_runs_from_purple_to_yellow():
    assert svg.viridis(0.0) == "#440154" and svg.viridis(1.0) == "#fde725"
    assert svg.viridis(-5) == svg.viridis(0.0) and svg.viridis(0.5) == "#21918c"  # matplotlib's viridis(0.5)
    assert svg.viridis(0.25) == "#3b528a"  # halfway between viridis(0.2) and viridis(0.3), channel by channel


def neuron():
    x, w = Value(2.0, label="x"), Value(-3.0, label="w")
    out = (x * w).tanh()
    out.backward()
    return out


def test_without_dot_or_vizjs_a_diagram_shows_its_dot_source_and_why(no_dot):
    diagram = draw_graph(neuron(), format="png")
    bundle = diagram._repr_mimebundle_()
    assert list(bundle) == ["text/plain"]
    assert "no Graphviz program found" in bundle["text/plain"]
    assert vizjs.unavailable_reason() in bundle["text/plain"]  # Viz.js runs only in a browser
    assert diagram.source in bundle["text/plain"]
    with pytest.raises(RendererNotFoundError):
        diagram.pipe(format="svg")


def test_without_dot_a_diagram_is_drawn_by_vizjs_as_svg(no_dot, monkeypatch):
    laid_out = []

    def fake_viz(source):
        laid_out.append(source)
        return "<svg xmlns='http://www.w3.org/2000/svg'><text>tanh</text></svg>"

    monkeypatch.setattr(vizjs, "render_svg", fake_viz)  # render.py calls it as vizjs.render_svg
    diagram = draw_graph(neuron(), format="png")  # PNG asked for; Viz.js makes SVG, which Jupyter shows
    assert diagram._repr_mimebundle_() == {"image/svg+xml": fake_viz(diagram.source)}
    assert diagram.pipe(format="svg") == fake_viz(diagram.source).encode()
    assert laid_out[0] == diagram.source
    with pytest.raises(RendererNotFoundError):
        diagram.pipe(format="png")  # no PNG without a Graphviz program
    frame = step_through(neuron())._frame_html(1, diagrams=True)
    assert 'src="data:image/svg+xml;base64,' in frame  # the step-through widget shows the SVG

"""microopt.viz.subplots/show/colormap: the lessons' own figures, with matplotlib and as SVG without it.

The SVG path runs here in CPython by making ``has_matplotlib`` answer False; the checks read
the SVG document back (bars, lines, texts) and compare with what matplotlib draws or numpy
counts for the same calls.
"""

from __future__ import annotations

import math
import warnings
import xml.etree.ElementTree as ET

import pytest

from microopt.viz import colormap, show, subplots, svg
from microopt.viz.svg.axes import parse_format
from microopt.viz.svg.colors import CYCLE

NS = "{http://www.w3.org/2000/svg}"


@pytest.fixture
def no_matplotlib(monkeypatch):
    monkeypatch.setattr(svg, "has_matplotlib", lambda: False)


def parse(figure) -> ET.Element:
    assert isinstance(figure, svg.SvgFigure)
    return ET.fromstring(figure._repr_svg_())


def texts(root: ET.Element) -> list[str]:
    return [t.text for t in root.iter(f"{NS}text")]


def polylines(root: ET.Element, color: str) -> list[ET.Element]:
    return [p for p in root.iter(f"{NS}polyline") if p.get("stroke") == color]


def test_subplots_shapes_are_matplotlibs_without_matplotlib(no_matplotlib):
    fig, ax = subplots(figsize=(4, 3))
    assert isinstance(ax, svg.SvgAxes) and fig.axes == [ax]
    fig, row = subplots(1, 3, figsize=(12, 3))
    left, middle, right = row  # unpacks like the numpy array
    assert len(row) == 3 and list(row.flat) == fig.axes == [left, middle, right] and row[2] is right
    fig, grid = subplots(2, 2, figsize=(8, 6))
    assert grid.shape == (2, 2) and grid[1, 0] is fig.axes[2] and list(grid[1]) == fig.axes[2:]
    assert [list(r) for r in grid] == [fig.axes[:2], fig.axes[2:]] and len(list(grid.flat)) == 4
    assert subplots(1, 1, squeeze=False)[1].shape == (1, 1)


def test_subplots_with_matplotlib_gives_its_own_figure_and_axes():
    matplotlib = pytest.importorskip("matplotlib")
    import matplotlib.pyplot as plt

    before = plt.get_fignums()
    fig, grid = subplots(2, 3, figsize=(6, 4))
    assert isinstance(fig, matplotlib.figure.Figure) and grid.shape == (2, 3)
    assert tuple(fig.get_size_inches()) == (6, 4) and plt.get_fignums() == before  # closed: shows once


def test_a_grid_of_axes_is_one_svg_with_each_title_and_label_in_its_cell(no_matplotlib):
    fig, (left, right) = subplots(1, 2, figsize=(10, 4))
    for ax, name in ((left, "first"), (right, "second")):
        ax.plot([1, 2, 3], [3, 1, 2])
        ax.set_title(name)
        ax.set_xlabel(f"x of {name}")
    left.set_ylabel("loss")
    root = parse(fig)
    assert (root.get("width"), root.get("height")) == ("720", "288")
    found = {t.text: float(t.get("x")) for t in root.iter(f"{NS}text")}
    assert found["first"] < 360 < found["second"] and found["x of first"] < 360 < found["x of second"]
    assert found["loss"] < 360 and "second" in texts(root)
    boxes = [r for r in root.iter(f"{NS}rect") if r.get("stroke") == "#333"]  # one plot frame per axes
    assert len(boxes) == 2 and float(boxes[0].get("x")) + float(boxes[0].get("width")) < float(boxes[1].get("x"))


def test_lines_take_matplotlibs_color_cycle_and_format_strings(no_matplotlib):
    fig, ax = subplots()
    ax.plot([0, 1], [1, 2])
    ax.plot([0, 1], [2, 3])
    (black,) = ax.plot([0, 1], [0, 1], "k--", lw=1)
    assert black is ax.lines[-1] and black.color == "#000000"
    root = parse(fig)
    assert len(polylines(root, "#1f77b4")) == len(polylines(root, "#ff7f0e")) == 1  # C0, then C1
    (dashed,) = polylines(root, "#000000")
    assert dashed.get("stroke-dasharray") == "6,4" and dashed.get("stroke-width") == "1"
    assert parse_format("-o") == (None, "o", "") and parse_format(":^") == (None, "^", "1.5,3")
    assert parse_format("o") == (None, "o", None) and parse_format("r") == ("r", None, "")  # markers only; a color


def test_the_color_cycle_is_matplotlibs():
    matplotlib = pytest.importorskip("matplotlib")
    import matplotlib.pyplot as plt

    fig, ax = subplots()
    colors = [matplotlib.colors.to_hex(ax.plot([0, 1])[0].get_color()) for _ in range(3)]
    plt.close(fig)
    assert colors == list(CYCLE[:3])


def test_hist_counts_as_numpy_and_draws_one_bar_per_nonempty_bin(no_matplotlib):
    np = pytest.importorskip("numpy")
    values = [0.1, 0.2, 0.2, 0.5, 0.9, 1.0, 1.7, 3.5]
    edges = [0.0, 0.25, 0.5, 0.75, 1.0, 2.0]
    fig, ax = subplots()
    counts, returned_edges, _ = ax.hist(values, bins=edges, color="tab:orange", label="weights")
    assert counts == list(np.histogram(values, bins=edges)[0]) == [3, 0, 1, 1, 2]  # 3.5 is past the edges
    assert returned_edges == edges
    assert ax.hist(values, bins=4)[0] == list(np.histogram(values, bins=4)[0])
    root = parse(fig)
    bars = [r for r in root.iter(f"{NS}rect") if r.get("fill") == "#ff7f0e"]
    assert len(bars) == 4  # five bins, one of them empty
    assert ax.get_ylim()[0] == 0.0  # bars stand on the axis, no margin below
    assert "weights" not in texts(root)  # a label shows only in a legend
    ax.legend()
    assert "weights" in texts(parse(fig))


def test_step_histograms_are_one_outline_each_on_a_log_axis(no_matplotlib):
    fig, ax = subplots()
    bins = [10 ** (k / 4) for k in range(-8, 1)]
    for color in ("tab:blue", "tab:red"):
        ax.hist([0.01, 0.05, 0.5, 0.7], bins=bins, histtype="step", lw=2, color=color, label=color)
    ax.set_xscale("log")
    ax.legend()
    root = parse(fig)
    outlines = [p for p in root.iter(f"{NS}path") if p.get("fill") == "none" and p.get("stroke-width") == "2"]
    assert [p.get("stroke") for p in outlines] == ["#1f77b4", "#d62728"]
    assert {"0.01", "0.1", "1"} <= set(texts(root)) and {"tab:blue", "tab:red"} <= set(texts(root))


def test_rules_limits_and_a_legend_below_that_makes_the_figure_taller(no_matplotlib):
    fig, ax = subplots(figsize=(6, 4))
    for k in range(6):
        ax.plot([0, 1], [k, k + 1], label=f"run {k}")
    ax.axhline(2.5, color="black", lw=0.8, ls=":")
    ax.axvline(0.5, color="tab:red", ls="--", label="halfway")
    ax.set_ylim(-0.05, 1.05)
    assert ax.get_ylim() == (-0.05, 1.05)
    ax.legend(ncol=3, loc="upper center", bbox_to_anchor=(0.5, -0.14))
    root = parse(fig)
    rules = [line for line in root.iter(f"{NS}line") if line.get("stroke-dasharray") in ("1.5,3", "6,4")]
    assert len(rules) == 3  # the two rules, and the dashed sample of "halfway" in the legend
    assert float(root.get("height")) == 4 * 72 + 3 * 17  # 7 entries in 3 columns: 3 rows under the plot
    labels = {t.text: float(t.get("y")) for t in root.iter(f"{NS}text")}
    assert min(labels[f"run {k}"] for k in range(6)) > 4 * 72 - 46  # below the plot box


def test_legend_columns_fill_down_first_as_matplotlibs_in_the_font_size_asked_for(no_matplotlib):
    fig, ax = subplots(figsize=(8, 5))
    for scale in ("0.5", "1.0", "2.0"):
        for what in ("activations", "gradients", "weights"):
            ax.plot([1, 2], [1, 2], label=f"{scale} x He: {what}")
    ax.legend(fontsize=8, ncol=3, loc="upper center", bbox_to_anchor=(0.5, -0.14))
    keys = {t.text: t for t in parse(fig).iter(f"{NS}text") if t.text and "x He" in t.text}
    column = {label: float(t.get("x")) for label, t in keys.items()}
    assert column["0.5 x He: activations"] == column["0.5 x He: weights"] < column["1.0 x He: activations"]
    assert len(set(column.values())) == 3 and {t.get("font-size") for t in keys.values()} == {"8.0"}
    with pytest.raises(ValueError, match="Invalid legend fontsize: 'tiny'"):
        ax.legend(fontsize="tiny")


def test_a_title_wider_than_its_cell_is_made_smaller_to_stay_inside(no_matplotlib):
    fig, ax = subplots(figsize=(4, 3))
    ax.set_title("a title much longer than the 288 pixels of this figure can hold at twelve pixels")
    (title,) = [t for t in parse(fig).iter(f"{NS}text") if (t.text or "").startswith("a title")]
    assert float(title.get("font-size")) < 12 and 0 < float(title.get("x")) < 288


def test_legend_best_takes_the_emptiest_corner_and_bad_places_are_refused(no_matplotlib):
    fig, ax = subplots(figsize=(6, 4))
    ax.plot([0, 1, 2, 3], [0, 0.2, 0.4, 3], label="rises at the right")
    ax.legend()
    (key,) = [t for t in parse(fig).iter(f"{NS}text") if t.text == "rises at the right"]
    assert float(key.get("x")) < 3 * 72  # upper right is where the line goes: the legend moves left
    with pytest.raises(ValueError, match="Invalid legend loc: 'top'"):
        ax.legend(loc="top")


def test_show_displays_the_figure_in_a_notebook_and_warns_elsewhere(no_matplotlib, monkeypatch):
    IPython = pytest.importorskip("IPython")
    display = pytest.importorskip("IPython.display")

    fig, _ = subplots()
    shown = []
    monkeypatch.setattr(IPython, "get_ipython", lambda: None)
    with pytest.warns(UserWarning, match=r"not in a notebook, so the figure is not shown; save it"):
        show(fig)
    monkeypatch.setattr(IPython, "get_ipython", lambda: object())
    monkeypatch.setattr(display, "display", shown.append)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        show(fig)
    assert shown == [fig]


def test_colormap_is_matplotlibs_viridis():
    assert colormap("viridis", 3) == ["#440154", "#21918c", "#fde725"] and colormap("viridis", 1) == ["#440154"]
    matplotlib = pytest.importorskip("matplotlib")
    for k, color in enumerate(colormap("viridis", 7)):
        reference = matplotlib.colormaps["viridis"](k / 6)
        ours = [int(color[i:i + 2], 16) / 255 for i in (1, 3, 5)]
        assert max(abs(a - b) for a, b in zip(ours, reference)) < 0.02  # 11 samples of 256, linearly between


@pytest.mark.parametrize("call, message", [
    (lambda: subplots(0), r"Invalid nrows: 0 \(must be a whole number from 1 to 10\)"),
    (lambda: subplots(1, 2.5), r"Invalid ncols: 2.5"),
    (lambda: colormap("jet", 3), r"Invalid colormap: 'jet' \(must be one of Blues, Greys, gray, gray_r, viridis\)"),
    (lambda: colormap("viridis", 0), r"Invalid n: 0"),
])
def test_bad_arguments_say_what_to_pass(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_bad_marks_say_what_is_wrong(no_matplotlib):
    _, ax = subplots()
    with pytest.raises(ValueError, match=r"Invalid plot data: 3 x values for 2 y values"):
        ax.plot([1, 2, 3], [1, 2])
    with pytest.raises(ValueError, match=r"Invalid hist data: 'abc'"):
        ax.hist("abc")
    with pytest.raises(ValueError, match=r"Invalid color: 3"):
        ax.plot([1, 2], color=3)
    assert math.isclose(ax.get_xlim()[0], 0.0)  # the refused marks left nothing behind

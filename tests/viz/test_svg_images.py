"""SVG figures for lessons 14 and 17 without matplotlib: colormaps, contourf with cmap/norm/extend and its
colorbar, contour lines in a colormap, imshow, text, explicit ticks and suptitle.

The SVG path runs in CPython (``has_matplotlib`` answers False); the checks read the SVG back.
The colormaps are compared with matplotlib's own, which is installed here.
"""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET

import matplotlib
import pytest

from microopt.viz import colormap, subplots, svg
from microopt.viz.svg.colors import colormap_color

NS = "{http://www.w3.org/2000/svg}"


@pytest.fixture
def no_matplotlib(monkeypatch):
    monkeypatch.setattr(svg, "has_matplotlib", lambda: False)


def parse(figure) -> ET.Element:
    return ET.fromstring(figure.to_svg())


def rgb(color: str) -> tuple[int, ...]:
    return tuple(int(color[k:k + 2], 16) for k in (1, 3, 5))


@pytest.mark.parametrize("name", ["Greys", "Blues", "gray_r"])
def test_colormaps_are_matplotlibs(name):
    for k in range(17):
        ours = rgb(colormap_color(name, k / 16))
        theirs = rgb(matplotlib.colors.to_hex(matplotlib.colormaps[name](k / 16)))
        assert max(abs(a - b) for a, b in zip(ours, theirs)) <= 3, (name, k / 16, ours, theirs)


def test_contourf_in_a_log_colormap_extends_both_ways_and_gets_a_colorbar(no_matplotlib):
    """f = x² + y² on [-2, 2]² (up to 8), levels 0.1, 1, 10 on a log scale: the bands 0.1-1 and 1-10, and
    extended, below 0.1 (the disc at the origin, in the lowest band's color) and above 10 (empty here)."""
    grid = [-2 + 0.25 * i for i in range(17)]
    Z = [[x * x + y * y for x in grid] for y in grid]
    fig, ax = subplots()
    bands = ax.contourf(grid, grid, Z, levels=[0.1, 1.0, 10.0], cmap="viridis", norm="log", extend="both")
    assert bands.colors == [colormap_color("viridis", 0.25), colormap_color("viridis", 0.75)]  # mid-decade colors
    fig.colorbar(bands, ax=ax, label="f")
    root = parse(fig)
    filled = {g.get("fill"): len(g.findall(f"{NS}polygon")) for g in root.iter(f"{NS}g") if g.get("opacity")}
    # below 0.1 (the centre, in the first band's color, merged into it), 0.1-1, 1-10; nothing above 10
    assert set(filled) == set(bands.colors) and all(count > 0 for count in filled.values())
    bar = [r for r in root.iter(f"{NS}rect") if r.get("width") == "14"]
    assert [r.get("fill") for r in bar] == bands.colors  # one rect per band, lowest first
    assert float(bar[0].get("y")) > float(bar[1].get("y"))  # stacked upwards
    assert {"0.1", "1", "10", "f"} <= {t.text for t in root.iter(f"{NS}text")}
    assert ax.range("x") == (-2.0, 2.0)  # filled contours reach the axes' edges, with no margin


def test_contour_lines_take_the_colormap_at_each_level(no_matplotlib):
    grid = [-2 + 0.5 * i for i in range(9)]
    fig, ax = subplots()
    ax.contour(grid, grid, [[x * x + y * y for x in grid] for y in grid], levels=[0.5, 1.0, 2.0], norm="log",
               cmap="Greys")
    strokes = [p.get("stroke") for p in parse(fig).iter(f"{NS}path")]
    assert strokes == colormap("Greys", 3)  # log-spaced levels: evenly spaced colors, as matplotlib's LogNorm


def test_imshow_draws_row_zero_on_top_with_square_pixels_and_text_on_it(no_matplotlib):
    fig, ax = subplots(figsize=(6, 3))
    ax.imshow([[0, 1, 2], [3, 4, 5]], cmap="Blues")
    ax.text(2, 1, "5", ha="center", va="center", color="white")
    ax.set_xticks(range(3))
    ax.set_yticks([])
    root = parse(fig)
    pixels = [r for r in root.iter(f"{NS}rect") if r.get("fill") not in (None, "white", "none")]
    assert [p.get("fill") for p in pixels] == [colormap_color("Blues", v / 5) for v in range(6)]
    x = sorted({float(p.get("x")) for p in pixels})
    y = sorted({float(p.get("y")) for p in pixels})
    assert len(x) == 3 and len(y) == 2 and float(pixels[0].get("y")) < float(pixels[3].get("y"))  # row 0 above
    assert math.isclose(float(pixels[0].get("width")), float(pixels[0].get("height")), abs_tol=0.2)  # square
    label = next(t for t in root.iter(f"{NS}text") if t.text == "5" and t.get("fill") == "#ffffff")
    right_pixel = pixels[5]
    assert math.isclose(float(label.get("x")), float(right_pixel.get("x")) + float(right_pixel.get("width")) / 2,
                        abs_tol=0.5)
    tick_labels = [t.text for t in root.iter(f"{NS}text") if t.get("fill") is None]
    assert tick_labels == ["0", "1", "2", None, None]  # x ticks as set, no y ticks; the axis labels are empty


def test_a_grid_of_pictures_with_a_suptitle_keeps_every_row_the_same_size(no_matplotlib):
    fig, axes = subplots(2, 3, figsize=(3, 2))
    for ax in axes.flat:
        ax.imshow([[0, 1], [1, 0]], cmap="gray_r")
        ax.set_xticks([])
        ax.set_yticks([])
    for col in range(3):
        axes[0][col].set_title(str(col))  # only the first row has titles
    fig.suptitle("four pixels each")
    root = parse(fig)
    assert float(root.get("height")) == 2 * 72 + 26  # the suptitle's row on top
    assert "four pixels each" in {t.text for t in root.iter(f"{NS}text")}
    frames = [r for r in root.iter(f"{NS}rect") if r.get("stroke") == "#333"]
    heights = [float(f.get("height")) for f in frames]
    assert len(frames) == 6 and max(heights) - min(heights) < 0.1
    with pytest.raises(ValueError, match="Invalid colorbar mappable: str"):
        fig.colorbar("not a mappable")

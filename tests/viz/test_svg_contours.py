"""Marching squares for SvgAxes.contour/contourf, and decision boundaries drawn without matplotlib.

On a function linear in x and y the edge interpolation is exact, so the level lines and bands
can be checked against the plane itself: every crossing lies on the line, every band has
the area the plane gives it.
"""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET

import pytest

from microopt.data import make_moons
from microopt.nn import MLP
from microopt.viz import plot_decision_boundary, svg
from microopt.viz.style import CLASS_COLORS
from microopt.viz.svg.contours import band_polygons, level_segments

NS = "{http://www.w3.org/2000/svg}"
XS = [k / 10 for k in range(11)]  # a 10 x 10 grid of cells on the unit square
YS = XS


def grid(f):
    return [[f(x, y) for x in XS] for y in YS]


def area(polygon) -> float:
    """The shoelace formula."""
    return abs(sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(polygon, polygon[1:] + polygon[:1]))) / 2


def test_a_level_line_of_a_plane_lies_on_it_and_crosses_the_square():
    segments = level_segments(XS, YS, grid(lambda x, y: x + y), 1.0)
    assert all(math.isclose(x + y, 1.0) for segment in segments for x, y in segment)
    assert math.isclose(sum(math.dist(a, b) for a, b in segments), math.sqrt(2))  # the diagonal, once


def test_a_band_of_a_plane_has_the_area_between_its_levels():
    pieces = band_polygons(XS, YS, grid(lambda x, y: x), 0.25, 0.75)
    assert math.isclose(sum(map(area, pieces)), 0.5)
    assert len(pieces) == 10 * 3  # per row: two cut cells, and the four whole cells between them as one run
    assert math.isclose(sum(map(area, band_polygons(XS, YS, grid(lambda x, y: x + y), 1.0, 3.0))), 0.5)


def test_a_saddle_cell_is_cut_around_the_corners_the_centre_disagrees_with():
    # corners (0,0) and (1,1) at +1, the other two at -1.5: the centre is below 0, with them
    segments = level_segments([0.0, 1.0], [0.0, 1.0], [[1.0, -1.5], [-1.5, 1.0]], 0.0)
    assert len(segments) == 2
    for segment in segments:  # each segment cuts off one of the raised corners
        corner = min(((0.0, 0.0), (1.0, 1.0)), key=lambda c: sum(math.dist(c, p) for p in segment))
        assert all(math.dist(corner, p) == pytest.approx(0.4) for p in segment)  # 1 / (1 + 1.5) of each edge


def test_undefined_cells_are_left_out():
    Z = grid(lambda x, y: x if x < 0.55 else math.nan)
    assert math.isclose(sum(map(area, band_polygons(XS, YS, Z, -1.0, 2.0))), 0.5)


def test_decision_boundary_without_matplotlib_fills_both_classes_draws_the_line_and_every_point(monkeypatch):
    monkeypatch.setattr(svg, "has_matplotlib", lambda: False)
    X, y = make_moons(20, seed=1)
    model = MLP(2, [4, 1], seed=0)
    figure = plot_decision_boundary(model, X, y, resolution=12, title="untrained")
    root = ET.fromstring(figure._repr_svg_())
    groups = {g.get("fill"): g for g in root.iter(f"{NS}g") if g.get("opacity") == "0.25"}
    assert set(groups) == {CLASS_COLORS[0], CLASS_COLORS[1]}
    assert all(len(g.findall(f"{NS}polygon")) > 0 for g in groups.values())
    (boundary,) = [p for p in root.iter(f"{NS}path") if p.get("stroke") == "#000000"]
    assert boundary.get("d").count("M") > 5  # one segment per cell the boundary crosses
    dots = [c for c in root.iter(f"{NS}circle") if c.get("stroke") == "#000000"]
    assert len(dots) == len(X) + 2  # every sample, and the two legend keys
    assert {"untrained", "feature 1", "feature 2", "class 0", "class 1"} <= {t.text for t in root.iter(f"{NS}text")}

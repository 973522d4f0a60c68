"""Contours of a function sampled on a grid (marching squares), for ``SvgAxes.contour/contourf``.

Between grid points the function is taken as linear along each cell edge, the reading
matplotlib's contours make too: a level crosses an edge where the linear interpolation of
its two corner values equals the level. So a boundary comes out smooth even on a coarse grid.

Pure standard library: a grid is a list of rows, ``Z[j][i]`` the value at ``(xs[i], ys[j])``.
"""

from __future__ import annotations

import math
from typing import Sequence

Vertex = tuple[float, float, float]  # x, y and the function's value there


def _clip(polygon: list[Vertex], level: float, above: bool) -> list[Vertex]:
    """The part of ``polygon`` where z >= level (``above``) or z <= level (Sutherland-Hodgman in z)."""
    def inside(v: Vertex) -> bool:
        return v[2] >= level if above else v[2] <= level

    out: list[Vertex] = []
    for k, current in enumerate(polygon):
        previous = polygon[k - 1]
        if inside(current) != inside(previous):  # the edge crosses the level: keep the crossing point
            t = (level - previous[2]) / (current[2] - previous[2])
            out.append((previous[0] + t * (current[0] - previous[0]), previous[1] + t * (current[1] - previous[1]),
                        level))
        if inside(current):
            out.append(current)
    return out


def _cells(xs: Sequence[float], ys: Sequence[float], Z: Sequence[Sequence[float]]):
    """Each grid cell with finite corners, as (i, j, its four corners counterclockwise)."""
    for j in range(len(ys) - 1):
        for i in range(len(xs) - 1):
            corners = [(xs[i], ys[j], Z[j][i]), (xs[i + 1], ys[j], Z[j][i + 1]),
                       (xs[i + 1], ys[j + 1], Z[j + 1][i + 1]), (xs[i], ys[j + 1], Z[j + 1][i])]
            if all(math.isfinite(c[2]) for c in corners):
                yield i, j, corners


def band_polygons(xs, ys, Z, low: float, high: float) -> list[list[tuple[float, float]]]:
    """Polygons covering where low <= Z <= high: whole cells merged into row runs, cut cells clipped."""
    polygons, run = [], None  # run: a row of consecutive cells wholly in the band, as one rectangle
    for i, j, corners in _cells(xs, ys, Z):
        whole = all(low <= c[2] <= high for c in corners)
        if run is not None and not (whole and run[1] == j and run[2] == i):
            polygons.append(run[0])
            run = None
        if whole:
            if run is None:
                run = ([(xs[i], ys[j]), (xs[i + 1], ys[j]), (xs[i + 1], ys[j + 1]), (xs[i], ys[j + 1])], j, i + 1)
            else:
                rectangle = run[0]
                rectangle[1], rectangle[2] = (xs[i + 1], ys[j]), (xs[i + 1], ys[j + 1])
                run = (rectangle, j, i + 1)
            continue
        piece = _clip(_clip(corners, low, above=True), high, above=False)
        if len(piece) >= 3:
            polygons.append([(x, y) for x, y, _ in piece])
    if run is not None:
        polygons.append(run[0])
    return polygons


def level_segments(xs, ys, Z, level: float) -> list[tuple[tuple[float, float], tuple[float, float]]]:
    """The line segments where Z crosses ``level``, one or two per cell it crosses."""
    segments = []
    for _, _, corners in _cells(xs, ys, Z):
        crossings = []
        for k, current in enumerate(corners):
            previous = corners[k - 1]
            if (previous[2] >= level) != (current[2] >= level):
                t = (level - previous[2]) / (current[2] - previous[2])
                crossings.append((previous[0] + t * (current[0] - previous[0]),
                                  previous[1] + t * (current[1] - previous[1])))
        if len(crossings) == 2:
            segments.append((crossings[0], crossings[1]))
        elif len(crossings) == 4:  # a saddle cell: cut off the two corners the centre disagrees with
            centre_above = sum(c[2] for c in corners) / 4 >= level
            first_above = corners[0][2] >= level
            if centre_above == first_above:  # corners 1 and 3 are the cut-off ones
                segments += [(crossings[1], crossings[2]), (crossings[3], crossings[0])]
            else:  # corners 0 and 2 are
                segments += [(crossings[0], crossings[1]), (crossings[2], crossings[3])]
    return segments

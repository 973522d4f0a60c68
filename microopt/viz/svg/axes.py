"""``SvgAxes``: the matplotlib ``Axes`` calls microopt's plots and lessons make, recorded as marks.

Each call stores a mark in data coordinates (a line, points, bars, a filled contour...);
nothing is laid out until the figure is drawn (``microopt.viz.svg.draw``). Arguments take
matplotlib's names and defaults, so code written for matplotlib runs here unchanged; what an
SVG cannot honour (z-order, font sizes) is accepted and ignored.
"""

from __future__ import annotations

import bisect
import builtins  # hist's argument ``range`` (matplotlib's name) hides the builtin there
import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable

from microopt.viz.svg.contours import band_polygons, level_segments
from microopt.viz.svg.colors import CYCLE, svg_color, viridis

if TYPE_CHECKING:
    from microopt.viz.svg.figure import SvgFigure

AXES_COORDINATES = "axes"  # what get_xaxis_transform() returns: y from 0 (bottom) to 1 (top)
DASHES = {"-": "", "solid": "", "--": "6,4", "dashed": "6,4", ":": "1.5,3", "dotted": "1.5,3", "-.": "6,3,1.5,3",
          "dashdot": "6,3,1.5,3"}
MARKERS = "o.s^v*xX+D"
# matplotlib's relative font sizes, of its default 10
FONT_SIZES = {"xx-small": 5.79, "x-small": 6.94, "small": 8.33, "medium": 10.0, "large": 12.0, "x-large": 14.4,
              "xx-large": 17.28}
LEGEND_PLACES = ("best", "upper right", "upper left", "lower left", "lower right", "right", "center left",
                 "center right", "lower center", "upper center", "center")


@dataclass
class Line:
    xs: list[float]
    ys: list[float]
    color: str
    width: float
    dash: str | None  # None: markers only, no line
    marker: str | None
    size: float
    alpha: float
    label: str | None


@dataclass
class Points:
    xs: list[float]
    ys: list[float]
    color: str
    edge: str | None
    marker: Any
    size: float
    label: str | None
    y_in_axes: bool  # y from 0 to 1 across the axes, not in data units


@dataclass
class Bars:
    """A histogram: ``counts[k]`` points fell in [edges[k], edges[k + 1])."""
    edges: list[float]
    counts: list[float]
    color: str
    step: bool  # drawn as an outline (histtype="step") instead of filled bars
    width: float
    alpha: float
    label: str | None


@dataclass
class Rule:
    axis: str  # "x": a vertical line at x = at; "y": a horizontal one
    at: float
    color: str
    dash: str
    width: float
    label: str | None


@dataclass
class Region:
    """Filled contours (polygons in data coordinates) or contour lines (segments)."""
    polygons: list[list[tuple[float, float]]]
    segments: list[tuple[tuple[float, float], tuple[float, float]]]
    color: str
    alpha: float
    width: float


@dataclass
class Map:
    """A function sampled on a grid: cells (x0, x1, y0, y1, color), and its color scale."""
    cells: list[tuple[float, float, float, float, str]]
    low: float
    high: float
    log: bool
    label: str


@dataclass
class Legend:
    place: str  # one of LEGEND_PLACES, or "below" (under the x label)
    columns: int
    size: float = 10.0  # font size in pixels


def _number_list(values: Any, what: str) -> list[float]:
    try:
        return [float(v) for v in values]
    except (TypeError, ValueError):
        raise ValueError(f"Invalid {what}: {values!r:.80} (must be a sequence of numbers).") from None


def parse_format(fmt: str) -> tuple[str | None, str | None, str | None]:
    """matplotlib's format string ("k--", "-o", ":^", "o"): (color, marker, dash; None = no line)."""
    dash = next((DASHES[s] for s in ("--", "-.", ":", "-") if s in fmt), None)
    rest = fmt.replace("--", "").replace("-.", "").replace(":", "").replace("-", "")
    marker = next((m for m in rest if m in MARKERS), None)
    color = next((c for c in rest if c in "bgrcmykw"), None)
    if dash is None and marker is None:
        dash = ""  # only a color ("r"): a solid line
    return color, marker, dash


@dataclass
class SvgAxes:
    """The matplotlib ``Axes`` calls microopt's plots make, recorded to be drawn as SVG."""
    figure: "SvgFigure"
    lines: list[Line] = field(default_factory=list)
    points: list[Points] = field(default_factory=list)
    bars: list[Bars] = field(default_factory=list)
    rules: list[Rule] = field(default_factory=list)
    regions: list[Region] = field(default_factory=list)
    map: Map | None = None
    scales: dict[str, str] = field(default_factory=lambda: {"x": "linear", "y": "linear"})
    limits: dict[str, tuple[float, float] | None] = field(default_factory=lambda: {"x": None, "y": None})
    labels: dict[str, str] = field(default_factory=lambda: {"x": "", "y": "", "title": ""})
    show_grid: bool = False
    legend_box: Legend | None = None
    cycle: int = 0  # how many colors of the cycle lines and histograms took so far

    def _next_color(self, color: Any) -> str:
        if color is not None:
            return svg_color(color)
        self.cycle += 1
        return CYCLE[(self.cycle - 1) % len(CYCLE)]

    # -- marks
    def plot(self, *args, color=None, c=None, lw: float | None = None, linewidth: float = 1.5, ms: float | None = None,
             markersize: float = 6.0, alpha: float | None = None, label=None, marker=None, ls=None, linestyle=None,
             **_ignored):
        """``plot(ys)``, ``plot(xs, ys)`` or ``plot(xs, ys, "k--o")``; NaN breaks the line."""
        fmt = args[-1] if args and isinstance(args[-1], str) else ""
        data = [_number_list(a, "plot data") for a in args if not isinstance(a, str)]
        if len(data) not in (1, 2):
            raise ValueError(f"Invalid plot arguments: {len(data)} data sequences (must be ys, or xs and ys).")
        xs, ys = (data[0], data[1]) if len(data) == 2 else ([float(i) for i in range(len(data[0]))], data[0])
        if len(xs) != len(ys):
            raise ValueError(f"Invalid plot data: {len(xs)} x values for {len(ys)} y values (must be as many).")
        fmt_color, fmt_marker, dash = parse_format(fmt)
        if (ls or linestyle) is not None:
            dash = DASHES.get(ls or linestyle, "")
        self.lines.append(Line(xs, ys, self._next_color(color or c or fmt_color), linewidth if lw is None else lw,
                               dash, marker or fmt_marker, markersize if ms is None else ms,
                               1.0 if alpha is None else alpha, label))

    def scatter(self, xs, ys, *, marker: Any = "o", s: float = 36.0, color=None, c=None, edgecolors=None,
                label=None, transform=None, **_ignored):
        self.points.append(Points(_number_list(xs, "scatter x"), _number_list(ys, "scatter y"),
                                  svg_color(color or c), svg_color(edgecolors) if edgecolors else None, marker,
                                  math.sqrt(s) / 2, label, transform == AXES_COORDINATES))

    def hist(self, x, bins: Any = 10, *, range: tuple[float, float] | None = None, histtype: str = "bar",
             color=None, lw: float | None = None, linewidth: float = 1.5, alpha: float | None = None, label=None,
             **_ignored):
        """Counts of ``x`` in ``bins`` (a number of equal bins, or their edges); returns (counts, edges, None).

        As numpy's histogram: each bin holds [edge, next edge), the last one its right edge too;
        values outside the edges are not counted.
        """
        values = [v for v in _number_list(x, "hist data") if math.isfinite(v)]
        if isinstance(bins, int):
            low, high = range if range is not None else (min(values, default=0.0), max(values, default=1.0))
            high = high if high > low else low + 1.0
            edges = [low + k * (high - low) / bins for k in builtins.range(bins + 1)]
        else:
            edges = _number_list(bins, "bins")
        counts = [0.0] * (len(edges) - 1)
        for v in values:
            k = len(counts) - 1 if v == edges[-1] else bisect.bisect_right(edges, v) - 1
            if 0 <= k < len(counts):
                counts[k] += 1
        self.bars.append(Bars(edges, counts, self._next_color(color), histtype == "step",
                              linewidth if lw is None else lw, 1.0 if alpha is None else alpha, label))
        return counts, edges, None

    def axvline(self, x: float, color="black", ls: str = "-", lw: float = 1.0, label=None, **_ignored):
        self.rules.append(Rule("x", float(x), svg_color(color), DASHES.get(ls, ""), lw, label))

    def axhline(self, y: float, color="black", ls: str = "-", lw: float = 1.0, label=None, **_ignored):
        self.rules.append(Rule("y", float(y), svg_color(color), DASHES.get(ls, ""), lw, label))

    def contourf(self, xs, ys, Z, *, levels: Any, colors: Any, alpha: float = 1.0, **_ignored) -> None:
        """Filled bands between consecutive ``levels`` (a list), one of ``colors`` each, in turn."""
        xs, ys, Z = _number_list(xs, "x"), _number_list(ys, "y"), [_number_list(row, "Z row") for row in Z]
        levels = _number_list(levels, "levels")
        colors = [colors] if isinstance(colors, str) else list(colors)
        for k, (low, high) in enumerate(zip(levels, levels[1:])):
            self.regions.append(Region(band_polygons(xs, ys, Z, low, high), [],
                                       svg_color(colors[k % len(colors)]), alpha, 0.0))

    def contour(self, xs, ys, Z, *, levels: Any, colors: Any = "black", linewidths: float = 1.5,
                **_ignored) -> None:
        """The lines where Z crosses each of ``levels`` (a list)."""
        xs, ys, Z = _number_list(xs, "x"), _number_list(ys, "y"), [_number_list(row, "Z row") for row in Z]
        colors = [colors] if isinstance(colors, str) else list(colors)
        for k, level in enumerate(_number_list(levels, "levels")):
            self.regions.append(Region([], level_segments(xs, ys, Z, level),
                                       svg_color(colors[k % len(colors)]), 1.0, float(linewidths)))

    def draw_map(self, function: Callable[[float, float], float], bounds, *, resolution: int, log: bool,
                 shift: float, label: str) -> None:
        """``function`` on a resolution x resolution grid over ``bounds``, as colored cells.

        ``log``: colors follow log10(f - shift), whole decades at both ends (as the matplotlib
        map's log-spaced levels); NaN cells (f undefined) stay blank.
        """
        (x0, x1), (y0, y1) = bounds
        dx, dy = (x1 - x0) / resolution, (y1 - y0) / resolution
        samples = []
        for j in range(resolution):
            for i in range(resolution):
                try:
                    value = float(function(x0 + (i + 0.5) * dx, y0 + (j + 0.5) * dy)) - shift
                except (ValueError, OverflowError, ZeroDivisionError):
                    value = math.nan
                samples.append((i, j, value))
        finite = [v for _, _, v in samples if math.isfinite(v) and (v > 0 or not log)]
        if not finite:
            raise ValueError(f"plot_contour: the function is undefined or infinite everywhere in the bounds "
                             f"{bounds}.")
        if log:
            high = 10.0 ** math.ceil(math.log10(max(finite)))
            low = max(10.0 ** math.floor(math.log10(min(finite))), high * 1e-8)
            scale = lambda v: (math.log10(max(v, low)) - math.log10(low)) / (math.log10(high) - math.log10(low))  # noqa: E731
        else:
            low, high = min(finite), max(finite)
            scale = lambda v: (v - low) / ((high - low) or 1.0)  # noqa: E731
        cells = [(x0 + i * dx, x0 + (i + 1) * dx, y0 + j * dy, y0 + (j + 1) * dy, viridis(scale(v)))
                 for i, j, v in samples if math.isfinite(v)]
        self.map = Map(cells, low, high, log, label)

    # -- scales, limits, text
    def set_xscale(self, scale: str) -> None:
        self.scales["x"] = scale

    def set_yscale(self, scale: str) -> None:
        self.scales["y"] = scale

    def get_xscale(self) -> str:
        return self.scales["x"]

    def get_yscale(self) -> str:
        return self.scales["y"]

    def set_xlim(self, low: float, high: float) -> None:
        self.limits["x"] = (float(low), float(high))

    def set_ylim(self, low: float, high: float) -> None:
        self.limits["y"] = (float(low), float(high))

    def get_xlim(self) -> tuple[float, float]:
        return self.range("x")

    def get_ylim(self) -> tuple[float, float]:
        return self.range("y")

    def set_xlabel(self, text: str, **_ignored) -> None:
        self.labels["x"] = str(text)

    def set_ylabel(self, text: str, **_ignored) -> None:
        self.labels["y"] = str(text)

    def set_title(self, text: str, **_ignored) -> None:
        self.labels["title"] = str(text)

    def get_title(self) -> str:
        return self.labels["title"]

    def set_aspect(self, _aspect: str) -> None:
        """Accepted and ignored: the figure size already gives a map the shape of its bounds."""

    def grid(self, visible: bool = True, **_ignored) -> None:
        self.show_grid = bool(visible)

    def get_xaxis_transform(self) -> str:
        return AXES_COORDINATES

    @property
    def transData(self) -> "_DataToScreen":
        """Data to screen coordinates (y up, as matplotlib's), for directions drawn on screen."""
        return _DataToScreen(self)

    def get_legend_handles_labels(self) -> tuple[list, list[str]]:
        entries = self.legend_entries()
        return [mark for _, mark in entries], [label for label, _ in entries]

    def legend(self, *_args, loc: str = "best", ncol: int | None = None, ncols: int = 1, bbox_to_anchor=None,
               fontsize: float | str = "medium", below: bool = False, **_ignored) -> None:
        """A legend of the labelled marks: inside the axes at ``loc`` ("best": the corner hiding
        the fewest points), or under the x label (``below``, or a ``bbox_to_anchor`` below the axes)."""
        if loc not in LEGEND_PLACES:
            raise ValueError(f"Invalid legend loc: {loc!r} (must be one of {', '.join(LEGEND_PLACES)}).")
        if bbox_to_anchor is not None and len(bbox_to_anchor) >= 2 and float(bbox_to_anchor[1]) < 0:
            below = True
        if fontsize not in FONT_SIZES and not isinstance(fontsize, (int, float)):
            raise ValueError(f"Invalid legend fontsize: {fontsize!r} (must be a number or one of "
                             f"{', '.join(FONT_SIZES)}).")
        self.legend_box = Legend("below" if below else loc, ncol or ncols, float(FONT_SIZES.get(fontsize, fontsize)))

    # -- what the layout reads
    def legend_entries(self) -> list[tuple[str, Any]]:
        marks = [*self.lines, *self.bars, *self.points, *self.rules]
        return [(mark.label, mark) for mark in marks if mark.label and not str(mark.label).startswith("_")]

    def range(self, axis: str) -> tuple[float, float]:
        """The axis limits: as set, or the data's range with a 5% margin (of decades on a log axis).

        As in matplotlib, histogram bars stand on the axis: a count axis starts at 0 exactly.
        """
        if self.limits[axis] is not None:
            return self.limits[axis]
        log = self.scales[axis] == "log"
        values = [v for line in self.lines for v in (line.xs if axis == "x" else line.ys)]
        values += [v for p in self.points if axis == "x" or not p.y_in_axes for v in (p.xs if axis == "x" else p.ys)]
        values += [rule.at for rule in self.rules if rule.axis == axis]
        values += [v for bars in self.bars for v in (bars.edges if axis == "x" else bars.counts)]
        values += [point[0 if axis == "x" else 1] for region in self.regions for polygon in region.polygons
                   for point in polygon]
        values = [v for v in values if math.isfinite(v) and (v > 0 or not log)]
        if not values:
            return (1.0, 10.0) if log else (0.0, 1.0)
        low, high = min(values), max(values)
        if log:
            low, high = math.log10(low), math.log10(high)
        pad = 0.05 * (high - low) or 0.5
        standing = axis == "y" and self.bars and not log and low == 0.0
        low, high = (low if standing else low - pad), high + pad
        return (10.0 ** low, 10.0 ** high) if log else (low, high)


def scale(low: float, high: float, log: bool, a: float, b: float) -> Callable[[float], float]:
    """Data -> pixels along one axis: ``low`` at pixel ``a``, ``high`` at ``b``."""
    if log:
        low, high = math.log10(low), math.log10(high)

    def to_pixel(v: float) -> float:
        if log:
            v = math.log10(v) if v > 0 else -math.inf
        return a + (v - low) / ((high - low) or 1.0) * (b - a) if math.isfinite(v) else math.nan
    return to_pixel


@dataclass
class _DataToScreen:
    """``ax.transData`` of an ``SvgAxes``: the axes' ranges onto a box the size of its cell."""
    axes: SvgAxes

    def transform(self, points):
        width, height = self.axes.figure.cell_size()
        scales = [scale(*self.axes.range(axis), self.axes.scales[axis] == "log", 0.0, size)
                  for axis, size in (("x", width), ("y", height))]
        return [(scales[0](x), scales[1](y)) for x, y in points]

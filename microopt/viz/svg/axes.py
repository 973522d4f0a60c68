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
from microopt.viz.svg.colors import CYCLE, colormap_color, svg_color, viridis

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
class ColorScale:
    """What ``contourf`` and ``imshow`` return (matplotlib's "mappable"), and what a colorbar shows.

    ``bounds``: the colors' boundaries, ``colors[k]`` between ``bounds[k]`` and ``bounds[k + 1]``
    (a contourf's bands; an image's colormap, sampled finely); ``log``: a log color scale.
    """
    bounds: list[float]
    colors: list[str]
    log: bool
    label: str = ""


@dataclass
class Image:
    """``imshow``: ``rows[r][c]`` colored at (x = c, y = r), row 0 at the top, one unit per pixel."""
    rows: list[list[float]]
    colors: list[list[str]]


@dataclass
class Text:
    x: float
    y: float
    content: str
    color: str
    size: float
    ha: str  # "left", "center", "right"
    va: str  # "top", "center", "baseline", "bottom"


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


FONT_SIZES = {"xx-small": 6, "x-small": 7, "small": 8, "medium": 10, "large": 12, "x-large": 14, "xx-large": 17}


def _normalize(levels: list[float], norm: str | None) -> Callable[[float], float]:
    """Values -> [0, 1] across ``levels``' range: linearly, or in log10 for ``norm="log"``."""
    log = norm == "log"
    if log and min(levels) <= 0:
        raise ValueError(f"Invalid levels for norm='log': {levels!r:.80} (must all be > 0).")
    f = math.log10 if log else float
    low, high = f(min(levels)), f(max(levels))
    return lambda v: (f(v) - low) / ((high - low) or 1.0) if (v > 0 or not log) else 0.0


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
    images: list[Image] = field(default_factory=list)
    texts: list[Text] = field(default_factory=list)
    tick_positions: dict[str, list[float] | None] = field(default_factory=lambda: {"x": None, "y": None})
    colorbar: ColorScale | None = None  # set by SvgFigure.colorbar

    def _next_color(self, color: Any) -> str:
        if color is not None:
            return svg_color(color)
        self.cycle += 1
        return CYCLE[(self.cycle - 1) % len(CYCLE)]

    # -- marks
    def plot(self, *args, color=None, c=None, lw: float | None = None, linewidth: float = 1.5, ms: float | None = None,
             markersize: float = 6.0, alpha: float | None = None, label=None, marker=None, ls=None, linestyle=None,
             **_ignored):
        """``plot(ys)``, ``plot(xs, ys)`` or ``plot(xs, ys, "k--o")``; NaN breaks the line.

        Returns a list of the one line drawn, as matplotlib does (``line, = ax.plot(...)``).
        """
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
        return self.lines[-1:]

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

    def contourf(self, xs, ys, Z, *, levels: Any, colors: Any = None, cmap: str = "viridis", norm: str | None = None,
                 extend: str = "neither", alpha: float = 1.0, **_ignored) -> ColorScale:
        """Filled bands between consecutive ``levels`` (a list): one of ``colors`` each, in turn, or the
        colormap ``cmap`` at each band's middle (on a log scale with ``norm="log"``).

        ``extend``: "min", "max" or "both" also fill below the first level / above the last, in
        the colormap's end colors, as matplotlib does. Returns the bands, for ``figure.colorbar``.
        """
        xs, ys, Z = _number_list(xs, "x"), _number_list(ys, "y"), [_number_list(row, "Z row") for row in Z]
        levels = _number_list(levels, "levels")
        if colors is not None:
            colors = [colors] if isinstance(colors, str) else list(colors)
            band_colors = [svg_color(colors[k % len(colors)]) for k in range(len(levels) - 1)]
        else:
            where = _normalize(levels, norm)
            band_colors = [colormap_color(cmap, (where(a) + where(b)) / 2) for a, b in zip(levels, levels[1:])]
        scale_colors, bounds = list(band_colors), list(levels)
        if extend in ("min", "both"):
            bounds, band_colors = [-math.inf, *bounds], [band_colors[0], *band_colors]
        if extend in ("max", "both"):
            bounds, band_colors = [*bounds, math.inf], [*band_colors, band_colors[-1]]
        for (low, high), color in zip(zip(bounds, bounds[1:]), band_colors):
            self.regions.append(Region(band_polygons(xs, ys, Z, low, high), [], color, alpha, 0.0))
        return ColorScale(levels, scale_colors, norm == "log")

    def contour(self, xs, ys, Z, *, levels: Any, colors: Any = None, cmap: str | None = None, norm: str | None = None,
                linewidths: float = 1.5, **_ignored) -> None:
        """The lines where Z crosses each of ``levels`` (a list): in ``colors``, in turn, or in the colormap
        ``cmap`` at each level (on a log scale with ``norm="log"``); black without either."""
        xs, ys, Z = _number_list(xs, "x"), _number_list(ys, "y"), [_number_list(row, "Z row") for row in Z]
        levels = _number_list(levels, "levels")
        if cmap is not None and colors is None:
            where = _normalize(levels, norm)
            level_colors = [colormap_color(cmap, where(level)) for level in levels]
        else:
            colors = ["black"] if colors is None else [colors] if isinstance(colors, str) else list(colors)
            level_colors = [svg_color(colors[k % len(colors)]) for k in range(len(levels))]
        for level, color in zip(levels, level_colors):
            self.regions.append(Region([], level_segments(xs, ys, Z, level), color, 1.0, float(linewidths)))

    def imshow(self, X, *, cmap: str = "viridis", vmin: float | None = None, vmax: float | None = None,
               **_ignored) -> ColorScale:
        """The matrix ``X`` as a picture: ``X[r][c]`` a square at (x = c, y = r), row 0 at the top.

        Colors from ``cmap`` between ``vmin`` and ``vmax`` (the data's range by default), as
        matplotlib draws it: pixel centres on whole numbers, the y axis downwards, square pixels.
        """
        rows = [_number_list(row, "image row") for row in X]
        finite = [v for row in rows for v in row if math.isfinite(v)]
        low = min(finite, default=0.0) if vmin is None else float(vmin)
        high = max(finite, default=1.0) if vmax is None else float(vmax)
        where = _normalize([low, high], None)
        self.images.append(Image(rows, [[colormap_color(cmap, where(v)) if math.isfinite(v) else "none"
                                         for v in row] for row in rows]))
        samples = [low + (high - low) * k / 64 for k in range(65)]
        return ColorScale(samples, [colormap_color(cmap, (k + 0.5) / 64) for k in range(64)], False)

    def text(self, x: float, y: float, s: Any, *, ha: str = "left", va: str = "baseline", fontsize: Any = 10,
             color: Any = "black", horizontalalignment: str | None = None, verticalalignment: str | None = None,
             **_ignored) -> None:
        """``s`` written at (x, y) in data coordinates, aligned there by ``ha`` and ``va``."""
        size = fontsize if isinstance(fontsize, (int, float)) else FONT_SIZES.get(fontsize, 10)
        self.texts.append(Text(float(x), float(y), str(s), svg_color(color), float(size),
                               horizontalalignment or ha, verticalalignment or va))

    def set_xticks(self, ticks, labels=None, **_ignored) -> None:
        """Ticks at exactly these positions (none for ``[]``); labels are the positions' values."""
        self.tick_positions["x"] = _number_list(ticks, "x ticks")

    def set_yticks(self, ticks, labels=None, **_ignored) -> None:
        """Ticks at exactly these positions (none for ``[]``); labels are the positions' values."""
        self.tick_positions["y"] = _number_list(ticks, "y ticks")

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
        if self.images:  # imshow: the pixels' edges, row 0 at the top (a y axis pointing down)
            rows = max(len(image.rows) for image in self.images)
            columns = max(len(row) for image in self.images for row in image.rows)
            return (-0.5, columns - 0.5) if axis == "x" else (rows - 0.5, -0.5)
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
        # filled contours fill the axes to their grid's edges, as matplotlib's "sticky" edges do
        pad = 0.0 if any(region.polygons for region in self.regions) else 0.05 * (high - low) or 0.5
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

"""Plots as hand-built SVG, for where matplotlib is not installed (Pyodide in JupyterLite).

``microopt.viz.style.new_axes`` returns an ``SvgAxes`` instead of matplotlib axes when
matplotlib cannot be imported, so ``plot_losses``, ``plot_lr_sweep``, ``plot_lr_find`` and
``plot_contour`` run unchanged: ``SvgAxes`` understands the part of the matplotlib ``Axes``
API they use (``plot``, ``scatter``, ``axvline``, log scales, limits, labels, a legend) and the
landscape of ``plot_contour`` (``draw_map``: the function sampled on a grid, colored with
viridis). Nothing is drawn until the figure is shown: ``SvgFigure`` displays itself in Jupyter
(``_repr_svg_``) and ``savefig("plot.svg")`` writes the file.

Pure standard library: a figure is a list of marks in data coordinates, laid out on demand.
"""

from __future__ import annotations

import html
import itertools
import math
import os
from dataclasses import dataclass, field
from typing import Any, Callable

PIXELS_PER_INCH = 72  # figure sizes are given in inches, as to matplotlib
FONT = "font-family='DejaVu Sans, Helvetica, Arial, sans-serif'"
AXES_COORDINATES = "axes"  # what get_xaxis_transform() returns: y from 0 (bottom) to 1 (top)
# matplotlib's viridis at 0, 0.1, ..., 1, interpolated linearly in between
VIRIDIS = ("#440154", "#482475", "#414487", "#355f8d", "#2a788e", "#21918c", "#22a884", "#44bf70", "#7ad151",
           "#bddf26", "#fde725")
DASHES = {"-": "", "--": "6,4", ":": "1.5,3", "-.": "6,3,1.5,3"}
_figure_ids = itertools.count()
NAMED_COLORS = {"black": "#000000", "white": "#ffffff", "gray": "#808080", "grey": "#808080",
                "tab:red": "#d62728", "tab:green": "#2ca02c", "tab:blue": "#1f77b4", "tab:orange": "#ff7f0e"}


def has_matplotlib() -> bool:
    """Whether matplotlib can be imported here (it cannot under Pyodide)."""
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        return False
    return True


def _color(color: Any) -> str:
    """A matplotlib color as SVG: hex and names as they are, "0.45" (a gray level) as hex."""
    if not isinstance(color, str):
        return "#1f77b4"
    try:
        level = round(float(color) * 255)
    except ValueError:
        return NAMED_COLORS.get(color, color)
    return f"#{level:02x}{level:02x}{level:02x}"


def viridis(t: float) -> str:
    """The viridis color at ``t`` in [0, 1], as a hex string."""
    t = min(max(t, 0.0), 1.0) * (len(VIRIDIS) - 1)
    i = min(int(t), len(VIRIDIS) - 2)
    a, b = VIRIDIS[i], VIRIDIS[i + 1]
    mix = [round(int(a[k:k + 2], 16) * (1 - (t - i)) + int(b[k:k + 2], 16) * (t - i)) for k in (1, 3, 5)]
    return "#" + "".join(f"{c:02x}" for c in mix)


@dataclass
class _Line:
    xs: list[float]
    ys: list[float]
    color: str
    width: float
    dash: str
    marker: str | None
    size: float
    alpha: float
    label: str | None


@dataclass
class _Points:
    xs: list[float]
    ys: list[float]
    color: str
    edge: str | None
    marker: str
    size: float
    label: str | None
    y_in_axes: bool  # y from 0 to 1 across the axes, not in data units


@dataclass
class _Map:
    """A function sampled on a grid: cells (x0, x1, y0, y1, color), and its color scale."""
    cells: list[tuple[float, float, float, float, str]]
    low: float
    high: float
    log: bool
    label: str


@dataclass
class SvgAxes:
    """The matplotlib ``Axes`` calls microopt's plots make, recorded to be drawn as SVG."""
    figure: "SvgFigure"
    lines: list[_Line] = field(default_factory=list)
    points: list[_Points] = field(default_factory=list)
    rules: list[tuple[str, float, str, str, str | None]] = field(default_factory=list)  # axis, at, color, dash, label
    map: _Map | None = None
    scales: dict[str, str] = field(default_factory=lambda: {"x": "linear", "y": "linear"})
    limits: dict[str, tuple[float, float] | None] = field(default_factory=lambda: {"x": None, "y": None})
    labels: dict[str, str] = field(default_factory=lambda: {"x": "", "y": "", "title": ""})
    show_grid: bool = False
    legend_at: str | None = None  # "inside" or "below"

    # -- marks
    def plot(self, *args, color=None, lw: float = 1.5, ms: float = 4.0, alpha: float = 1.0, label=None,
             marker=None, ls=None, **_ignored):
        """``plot(ys)``, ``plot(xs, ys)`` or ``plot(xs, ys, "--o")``; NaN breaks the line."""
        fmt = args[-1] if args and isinstance(args[-1], str) else ""
        data = [list(a) for a in args if not isinstance(a, str)]
        xs, ys = (data[0], data[1]) if len(data) == 2 else (list(range(len(data[0]))), data[0])
        dash = next((DASHES[s] for s in ("--", "-.", ":", "-") if s in fmt), "" if not fmt.strip("-.:") else None)
        if ls is not None:
            dash = DASHES.get(ls, "")
        marker = marker or next((m for m in "o.s^x*" if m in fmt.replace("-.", "")), None)
        self.lines.append(_Line([float(x) for x in xs], [float(y) for y in ys], _color(color or "tab:blue"), lw,
                                dash, marker, ms, alpha, label))

    def scatter(self, xs, ys, *, marker: str = "o", s: float = 36.0, color=None, c=None, edgecolors=None,
                label=None, transform=None, **_ignored):
        self.points.append(_Points([float(x) for x in xs], [float(y) for y in ys], _color(color or c or "tab:blue"),
                                   _color(edgecolors) if edgecolors else None, marker, math.sqrt(s) / 2, label,
                                   transform == AXES_COORDINATES))

    def axvline(self, x: float, color="black", ls: str = "-", lw: float = 1.0, label=None, **_ignored):
        self.rules.append(("x", float(x), _color(color), DASHES.get(ls, ""), label))

    def axhline(self, y: float, color="black", ls: str = "-", lw: float = 1.0, label=None, **_ignored):
        self.rules.append(("y", float(y), _color(color), DASHES.get(ls, ""), label))

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
        self.map = _Map(cells, low, high, log, label)

    # -- scales, limits, text
    def set_xscale(self, scale: str) -> None:
        self.scales["x"] = scale

    def set_yscale(self, scale: str) -> None:
        self.scales["y"] = scale

    def get_yscale(self) -> str:
        return self.scales["y"]

    def set_xlim(self, low: float, high: float) -> None:
        self.limits["x"] = (float(low), float(high))

    def set_ylim(self, low: float, high: float) -> None:
        self.limits["y"] = (float(low), float(high))

    def get_ylim(self) -> tuple[float, float]:
        return self._range("y")

    def set_xlabel(self, text: str) -> None:
        self.labels["x"] = str(text)

    def set_ylabel(self, text: str) -> None:
        self.labels["y"] = str(text)

    def set_title(self, text: str) -> None:
        self.labels["title"] = str(text)

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
        entries = self._legend_entries()
        return entries, [label for label, _ in entries]

    def legend(self, *_args, below: bool = False, **_ignored) -> None:
        self.legend_at = "below" if below else "inside"

    # -- layout
    def _legend_entries(self) -> list[tuple[str, Any]]:
        marks = [*self.lines, *self.points, *({"color": c, "dash": d, "label": lab} for _, _, c, d, lab in self.rules)]
        labelled = [(m["label"] if isinstance(m, dict) else m.label, m) for m in marks]
        return [(label, mark) for label, mark in labelled if label]

    def _range(self, axis: str) -> tuple[float, float]:
        """The axis limits: as set, or the data's range with a 5% margin (of decades on a log axis)."""
        if self.limits[axis] is not None:
            return self.limits[axis]
        log = self.scales[axis] == "log"
        values = [v for line in self.lines for v in (line.xs if axis == "x" else line.ys)]
        values += [v for p in self.points if axis == "x" or not p.y_in_axes for v in (p.xs if axis == "x" else p.ys)]
        values += [at for rule_axis, at, *_ in self.rules if rule_axis == axis]
        values = [v for v in values if math.isfinite(v) and (v > 0 or not log)]
        if not values:
            return (1.0, 10.0) if log else (0.0, 1.0)
        low, high = min(values), max(values)
        if log:
            low, high = math.log10(low), math.log10(high)
        pad = 0.05 * (high - low) or 0.5
        low, high = low - pad, high + pad
        return (10.0 ** low, 10.0 ** high) if log else (low, high)


@dataclass
class _DataToScreen:
    """``ax.transData`` of an ``SvgAxes``: the axes' ranges onto a box the figure's size."""
    axes: SvgAxes

    def transform(self, points):
        scales = [_scale(*self.axes._range(axis), self.axes.scales[axis] == "log", 0.0, size)
                  for axis, size in (("x", self.axes.figure.width), ("y", self.axes.figure.height))]
        return [(scales[0](x), scales[1](y)) for x, y in points]


def _ticks(low: float, high: float, log: bool) -> list[float]:
    """Tick positions: 1-2-5 steps (about 5 ticks), or whole decades on a log axis."""
    if log:
        first, last = math.ceil(math.log10(low) - 1e-9), math.floor(math.log10(high) + 1e-9)
        decades = [10.0 ** k for k in range(first, last + 1)]
        if len(decades) >= 2:
            step = max(1, len(decades) // 6)
            return decades[::step]
        return [m * 10.0 ** k for k in range(first - 1, last + 1) for m in (1, 2, 5) if low <= m * 10.0 ** k <= high]
    raw = (high - low) / 5 or 1.0
    magnitude = 10.0 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw)
    return [k * step for k in range(math.ceil(low / step - 1e-9), math.floor(high / step + 1e-9) + 1)]


def _tick_label(value: float, log: bool) -> str:
    if log and value > 0 and abs(math.log10(value) - round(math.log10(value))) < 1e-9:
        exponent = round(math.log10(value))
        return f"{value:g}" if -2 <= exponent <= 3 else f"1e{exponent}"
    return f"{value:.4g}" if abs(value) >= 1e-12 else "0"


def _text(x: float, y: float, text: str, size: int = 11, anchor: str = "middle", extra: str = "") -> str:
    return (f"<text x='{x:.1f}' y='{y:.1f}' font-size='{size}' text-anchor='{anchor}' {FONT} {extra}>"
            f"{html.escape(text)}</text>")


def _marker(x: float, y: float, marker: Any, r: float, fill: str, edge: str | None) -> str:
    """One marker, in matplotlib's names: "o", ".", "s", "^", "*", "x", "X", or (sides, 0, angle)."""
    stroke = f" stroke='{edge}' stroke-width='1'" if edge else ""
    if isinstance(marker, tuple):  # a regular polygon turned by angle degrees (counterclockwise, y up)
        sides, _, angle = marker
        corners = " ".join(f"{x - r * math.sin(math.radians(angle + 360.0 * k / sides)):.1f},"
                           f"{y - r * math.cos(math.radians(angle + 360.0 * k / sides)):.1f}" for k in range(sides))
        return f"<polygon points='{corners}' fill='{fill}'{stroke}/>"
    if marker in ("x", "X"):
        width = 2.0 if marker == "x" else 3.0
        return (f"<path d='M{x - r:.1f},{y - r:.1f}L{x + r:.1f},{y + r:.1f}M{x - r:.1f},{y + r:.1f}"
                f"L{x + r:.1f},{y - r:.1f}' stroke='{fill}' stroke-width='{width}'/>")
    if marker == "*":
        points = " ".join(f"{x + (r if k % 2 == 0 else r / 2.5) * math.sin(k * math.pi / 5):.1f},"
                          f"{y - (r if k % 2 == 0 else r / 2.5) * math.cos(k * math.pi / 5):.1f}" for k in range(10))
        return f"<polygon points='{points}' fill='{fill}'{stroke}/>"
    if marker == "s":
        return f"<rect x='{x - r:.1f}' y='{y - r:.1f}' width='{2 * r:.1f}' height='{2 * r:.1f}' fill='{fill}'{stroke}/>"
    if marker == "^":
        corners = f"{x:.1f},{y - r:.1f} {x - r:.1f},{y + r:.1f} {x + r:.1f},{y + r:.1f}"
        return f"<polygon points='{corners}' fill='{fill}'{stroke}/>"
    return f"<circle cx='{x:.1f}' cy='{y:.1f}' r='{r:.1f}' fill='{fill}'{stroke}/>"


class SvgFigure:
    """A figure of one ``SvgAxes``: shows itself in Jupyter as SVG; ``savefig`` writes a .svg file."""

    def __init__(self, figsize: tuple[float, float]) -> None:
        self.width, self.height = (float(v) * PIXELS_PER_INCH for v in figsize)
        self.axes = SvgAxes(self)

    def _repr_svg_(self) -> str:
        return self.to_svg()

    def savefig(self, path, **_ignored) -> None:
        suffix = os.path.splitext(os.fspath(path))[1].lower()
        if suffix != ".svg":
            raise ValueError(f"Cannot save {os.fspath(path)!r}: without matplotlib, plots are SVG only. "
                             "Use a .svg file name, or install matplotlib for PNG and PDF.")
        with open(path, "w", encoding="utf-8") as file:
            file.write(self.to_svg())

    def to_svg(self) -> str:
        """The whole figure as an SVG document."""
        ax = self.axes
        entries = ax._legend_entries() if ax.legend_at else []
        left, right = 68.0, 22.0 + (78.0 if ax.map else 0.0)
        longest = max((len(label) for label, _ in entries), default=0)
        # as many legend columns as fit under the plot, at about 6.2 pixels a character
        columns = max(1, min(3, int((self.width - left - right) // (40 + 6.2 * longest)))) \
            if ax.legend_at == "below" else 1
        title_lines = ax.labels["title"].splitlines()
        legend_rows = math.ceil(len(entries) / columns) if ax.legend_at == "below" else 0
        top, bottom = 14.0 + 17.0 * len(title_lines), 46.0 + 17.0 * legend_rows
        height = self.height + 17.0 * legend_rows  # the legend makes the figure taller, not the plot smaller
        box = (left, top, self.width - right, height - bottom)  # the plot area in pixels
        (x_low, x_high), (y_low, y_high) = ax._range("x"), ax._range("y")
        to_px = {"x": _scale(x_low, x_high, ax.scales["x"] == "log", box[0], box[2]),
                 "y": _scale(y_low, y_high, ax.scales["y"] == "log", box[3], box[1])}
        X, Y = to_px["x"], to_px["y"]
        clip = f"microopt-plot-{next(_figure_ids)}"  # ids are shared by every SVG inline in one page
        out = [f"<svg xmlns='http://www.w3.org/2000/svg' width='{self.width:.0f}' height='{height:.0f}' "
               f"viewBox='0 0 {self.width:.0f} {height:.0f}'>", "<rect width='100%' height='100%' fill='white'/>",
               f"<clipPath id='{clip}'><rect x='{box[0]}' y='{box[1]}' width='{box[2] - box[0]}' "
               f"height='{box[3] - box[1]}'/></clipPath>", f"<g clip-path='url(#{clip})'>"]
        if ax.map:
            for cx0, cx1, cy0, cy1, color in ax.map.cells:
                px0, px1, py0, py1 = X(cx0), X(cx1), Y(cy1), Y(cy0)
                out.append(f"<rect x='{px0:.1f}' y='{py0:.1f}' width='{px1 - px0 + 0.6:.1f}' "
                           f"height='{py1 - py0 + 0.6:.1f}' fill='{color}'/>")
        for axis, log, low, high in (("x", ax.scales["x"] == "log", x_low, x_high),
                                     ("y", ax.scales["y"] == "log", y_low, y_high)):
            if ax.show_grid:
                for t in _ticks(low, high, log):
                    p = to_px[axis](t)
                    end = (f"x1='{p:.1f}' x2='{p:.1f}' y1='{box[1]}' y2='{box[3]}'" if axis == "x"
                           else f"y1='{p:.1f}' y2='{p:.1f}' x1='{box[0]}' x2='{box[2]}'")
                    out.append(f"<line {end} stroke='#000' stroke-opacity='0.12'/>")
        for axis, at, color, dash, _ in ax.rules:
            p = to_px[axis](at)
            end = (f"x1='{p:.1f}' x2='{p:.1f}' y1='{box[1]}' y2='{box[3]}'" if axis == "x"
                   else f"y1='{p:.1f}' y2='{p:.1f}' x1='{box[0]}' x2='{box[2]}'")
            out.append(f"<line {end} stroke='{color}' stroke-dasharray='{dash}'/>")
        for line in ax.lines:
            out += _polyline(line, X, Y)
        out.append("</g>")
        for p in ax.points:  # markers may sit on the edge (a diverged run's ✕ at the top): not clipped
            for x, y in zip(p.xs, p.ys):
                py = box[3] + y * (box[1] - box[3]) if p.y_in_axes else Y(y)
                if math.isfinite(X(x)) and math.isfinite(py):
                    out.append(_marker(X(x), py, p.marker, p.size, p.color, p.edge))
        out.append(f"<rect x='{box[0]}' y='{box[1]}' width='{box[2] - box[0]}' height='{box[3] - box[1]}' "
                   "fill='none' stroke='#333'/>")
        for axis, log, low, high in (("x", ax.scales["x"] == "log", x_low, x_high),
                                     ("y", ax.scales["y"] == "log", y_low, y_high)):
            for t in _ticks(low, high, log):
                p = to_px[axis](t)
                out.append(_text(p, box[3] + 15, _tick_label(t, log), 10) if axis == "x"
                           else _text(box[0] - 5, p + 3.5, _tick_label(t, log), 10, "end"))
        out.append(_text((box[0] + box[2]) / 2, box[3] + 33, ax.labels["x"]))
        out.append(_text(16, (box[1] + box[3]) / 2, ax.labels["y"],
                         extra=f"transform='rotate(-90 16 {(box[1] + box[3]) / 2:.1f})'"))
        for i, line in enumerate(title_lines):
            out.append(_text(self.width / 2, 16 + 17 * i, line, 12 if i == 0 else 11,
                             extra="font-weight='bold'" if i == 0 else ""))
        if ax.map:
            out += _colorbar(ax.map, box)
        out += _legend(entries, ax.legend_at, box, columns)
        out.append("</svg>")
        return "\n".join(out)


def _scale(low: float, high: float, log: bool, a: float, b: float) -> Callable[[float], float]:
    """Data -> pixels along one axis: ``low`` at pixel ``a``, ``high`` at ``b``."""
    if log:
        low, high = math.log10(low), math.log10(high)

    def to_pixel(v: float) -> float:
        if log:
            v = math.log10(v) if v > 0 else -math.inf
        return a + (v - low) / ((high - low) or 1.0) * (b - a) if math.isfinite(v) else math.nan
    return to_pixel


def _polyline(line: _Line, X, Y) -> list[str]:
    """One SVG polyline per finite run of points (NaN breaks the line), and the markers."""
    out, run = [], []
    style = (f"fill='none' stroke='{line.color}' stroke-width='{line.width}' stroke-opacity='{line.alpha}' "
             f"stroke-dasharray='{line.dash or ''}'")
    pixels = [(X(x), Y(y)) for x, y in zip(line.xs, line.ys)]
    for px, py in [*pixels, (math.nan, math.nan)]:
        if math.isfinite(px) and math.isfinite(py):
            run.append(f"{px:.1f},{py:.1f}")
        elif run:
            if line.dash is not None:
                out.append(f"<polyline points='{' '.join(run)}' {style}/>")
            run = []
    if line.marker:
        size = line.size / 2 if line.marker != "." else 1.6
        out += [_marker(px, py, line.marker if line.marker != "." else "o", size, line.color, None)
                for px, py in pixels if math.isfinite(px) and math.isfinite(py)]
    return out


def _colorbar(scale: _Map, box) -> list[str]:
    x = box[2] + 12
    out = []
    steps = 40
    for k in range(steps):
        y0 = box[3] - (k + 1) * (box[3] - box[1]) / steps
        out.append(f"<rect x='{x}' y='{y0:.1f}' width='14' height='{(box[3] - box[1]) / steps + 0.6:.1f}' "
                   f"fill='{viridis((k + 0.5) / steps)}'/>")
    for t in _ticks(scale.low, scale.high, scale.log):
        if scale.log:
            frac = (math.log10(t) - math.log10(scale.low)) / (math.log10(scale.high) - math.log10(scale.low))
        else:
            frac = (t - scale.low) / ((scale.high - scale.low) or 1.0)
        if 0 <= frac <= 1:
            out.append(_text(x + 18, box[3] - frac * (box[3] - box[1]) + 3.5, _tick_label(t, scale.log), 9, "start"))
    label = scale.label + (" (log scale)" if scale.log else "")
    mid = (box[1] + box[3]) / 2
    out.append(_text(x + 66, mid, label, 10, extra=f"transform='rotate(-90 {x + 66} {mid:.1f})'"))
    return out


def _legend(entries, where: str | None, box, columns: int) -> list[str]:
    if not entries or where is None:
        return []
    out = []
    if where == "below":
        width = (box[2] - box[0]) / columns
        origin = lambda k: (box[0] + (k % columns) * width, box[3] + 56 + 17 * (k // columns))  # noqa: E731
    else:
        longest = max(len(label) for label, _ in entries)
        x0 = box[2] - 34 - 6.2 * longest
        out.append(f"<rect x='{x0 - 6}' y='{box[1] + 6}' width='{box[2] - x0}' height='{17 * len(entries) + 6}' "
                   "fill='white' fill-opacity='0.85' stroke='#ccc'/>")
        origin = lambda k: (x0, box[1] + 18 + 17 * k)  # noqa: E731
    for k, (label, mark) in enumerate(entries):
        x, y = origin(k)
        if isinstance(mark, _Points):
            out.append(_marker(x + 11, y - 4, mark.marker, min(mark.size, 6), mark.color, mark.edge))
        else:
            color, dash = (mark["color"], mark["dash"]) if isinstance(mark, dict) else (mark.color, mark.dash or "")
            out.append(f"<line x1='{x}' x2='{x + 22}' y1='{y - 4}' y2='{y - 4}' stroke='{color}' stroke-width='2' "
                       f"stroke-dasharray='{dash}'/>")
        out.append(_text(x + 28, y, label, 10, "start"))
    return out

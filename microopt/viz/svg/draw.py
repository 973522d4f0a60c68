"""Laying out one ``SvgAxes`` as SVG elements: the plot box, its marks, ticks, labels and legend.

Sizes are in pixels, 72 to the inch as matplotlib's points, text at about 6.2 pixels a
character (DejaVu Sans at 10 px). Each axes is drawn into its own cell of the figure.
"""

from __future__ import annotations

import html
import itertools
import math
from typing import Any, Callable

from microopt.viz.svg.axes import Bars, ColorScale, Image, Line, Map, Points, Rule, SvgAxes, Text, scale
from microopt.viz.svg.colors import viridis

FONT = "font-family='DejaVu Sans, Helvetica, Arial, sans-serif'"
CHARACTER = 5.6  # pixels per character of 10 px text (DejaVu Sans averages 5.5 on labels)
ROW = 17.0  # pixels per line of text
_clip_ids = itertools.count()  # ids are shared by every SVG inline in one page


def text(x: float, y: float, content: str, size: int = 11, anchor: str = "middle", extra: str = "") -> str:
    return (f"<text x='{x:.1f}' y='{y:.1f}' font-size='{size}' text-anchor='{anchor}' {FONT} {extra}>"
            f"{html.escape(content)}</text>")


def ticks(low: float, high: float, log: bool) -> list[float]:
    """Tick positions: 1-2-5 steps (5 to 8 ticks, as matplotlib's), or whole decades on a log axis."""
    if log:
        first, last = math.ceil(math.log10(low) - 1e-9), math.floor(math.log10(high) + 1e-9)
        decades = [10.0 ** k for k in range(first, last + 1)]
        if len(decades) >= 2:
            step = max(1, len(decades) // 6)
            return decades[::step]
        return [m * 10.0 ** k for k in range(first - 1, last + 1) for m in (1, 2, 5) if low <= m * 10.0 ** k <= high]
    raw = (high - low) / 7 or 1.0
    magnitude = 10.0 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw)
    return [k * step for k in range(math.ceil(low / step - 1e-9), math.floor(high / step + 1e-9) + 1)]


def tick_label(value: float, log: bool) -> str:
    if log and value > 0 and abs(math.log10(value) - round(math.log10(value))) < 1e-9:
        exponent = round(math.log10(value))
        return f"{value:g}" if -2 <= exponent <= 3 else f"1e{exponent}"
    return f"{value:.4g}" if abs(value) >= 1e-12 else "0"


def marker(x: float, y: float, shape: Any, r: float, fill: str, edge: str | None) -> str:
    """One marker, in matplotlib's names: "o", ".", "s", "^", "v", "D", "*", "x", "X", "+", or (sides, 0, angle)."""
    stroke = f" stroke='{edge}' stroke-width='1'" if edge else ""
    if isinstance(shape, tuple):  # a regular polygon turned by angle degrees (counterclockwise, y up)
        sides, _, angle = shape
        corners = " ".join(f"{x - r * math.sin(math.radians(angle + 360.0 * k / sides)):.1f},"
                           f"{y - r * math.cos(math.radians(angle + 360.0 * k / sides)):.1f}" for k in range(sides))
        return f"<polygon points='{corners}' fill='{fill}'{stroke}/>"
    if shape in ("x", "X", "+"):
        width = 3.0 if shape == "X" else 2.0
        d = (f"M{x - r:.1f},{y:.1f}L{x + r:.1f},{y:.1f}M{x:.1f},{y - r:.1f}L{x:.1f},{y + r:.1f}" if shape == "+" else
             f"M{x - r:.1f},{y - r:.1f}L{x + r:.1f},{y + r:.1f}M{x - r:.1f},{y + r:.1f}L{x + r:.1f},{y - r:.1f}")
        return f"<path d='{d}' stroke='{fill}' stroke-width='{width}'/>"
    if shape == "*":
        corners = " ".join(f"{x + (r if k % 2 == 0 else r / 2.5) * math.sin(k * math.pi / 5):.1f},"
                           f"{y - (r if k % 2 == 0 else r / 2.5) * math.cos(k * math.pi / 5):.1f}" for k in range(10))
        return f"<polygon points='{corners}' fill='{fill}'{stroke}/>"
    if shape == "s":
        return f"<rect x='{x - r:.1f}' y='{y - r:.1f}' width='{2 * r:.1f}' height='{2 * r:.1f}' fill='{fill}'{stroke}/>"
    if shape in ("^", "v", "D"):
        corners = {"^": ((0, -r), (-r, r), (r, r)), "v": ((0, r), (-r, -r), (r, -r)),
                   "D": ((0, -r), (r, 0), (0, r), (-r, 0))}[shape]
        return f"<polygon points='{' '.join(f'{x + a:.1f},{y + b:.1f}' for a, b in corners)}' fill='{fill}'{stroke}/>"
    if shape == ".":
        r = min(r, 1.6)
    return f"<circle cx='{x:.1f}' cy='{y:.1f}' r='{r:.1f}' fill='{fill}'{stroke}/>"


# ----------------------------------------------------------------------------- legend
def legend_shape(ax: SvgAxes, width: float) -> tuple[list[tuple[str, Any]], int, int, float]:
    """(entries, columns, rows, font size) of the legend of ``ax`` in a cell ``width`` pixels wide.

    No legend: ([], 1, 0, 10).
    """
    entries = ax.legend_entries() if ax.legend_box else []
    if not entries:
        return [], 1, 0, 10.0
    size = ax.legend_box.size
    longest = max(len(label) for label, _ in entries)
    if ax.legend_box.place == "below" and ax.legend_box.columns == 1:  # as many columns as fit, up to 3
        columns = max(1, min(3, int((width - 90) // _column_width(size, longest)), len(entries)))
    else:  # as many as asked for
        columns = max(1, min(ax.legend_box.columns, len(entries)))
    return entries, columns, math.ceil(len(entries) / columns), size


def _column_width(size: float, longest: int) -> float:
    """Pixels for one legend column: the key, a gap and the longest label."""
    return 34 + CHARACTER * size / 10 * longest


def legend_height(ax: SvgAxes, width: float) -> float:
    """How far a legend below ``ax`` hangs under its cell, in pixels (0 for any other legend)."""
    if not ax.legend_box or ax.legend_box.place != "below":
        return 0.0
    _, _, rows, size = legend_shape(ax, width)
    return rows * ROW * size / 10


def _legend_key(x: float, y: float, mark: Any) -> list[str]:
    """The sample drawn before a legend label: a line, a marker or a patch."""
    if isinstance(mark, Points):
        return [marker(x + 11, y - 4, mark.marker, min(mark.size, 6), mark.color, mark.edge)]
    if isinstance(mark, Bars):
        fill = "none" if mark.step else mark.color
        return [f"<rect x='{x + 3}' y='{y - 9}' width='16' height='9' fill='{fill}' stroke='{mark.color}' "
                f"stroke-width='{1.5 if mark.step else 0}' fill-opacity='{mark.alpha}'/>"]
    out = []
    if isinstance(mark, Rule) or mark.dash is not None:  # the line as it is drawn: its width, dashes and alpha
        alpha = mark.alpha if isinstance(mark, Line) else 1.0
        out.append(f"<line x1='{x}' x2='{x + 22}' y1='{y - 4}' y2='{y - 4}' stroke='{mark.color}' "
                   f"stroke-width='{max(mark.width, 1.0)}' stroke-opacity='{alpha}' "
                   f"stroke-dasharray='{mark.dash or ''}'/>")
    if isinstance(mark, Line) and mark.marker:
        out.append(marker(x + 11, y - 4, mark.marker, min(mark.size / 2, 4), mark.color, None))
    return out


def _inside_origin(place: str, box, size: tuple[float, float], crowding: Callable) -> tuple[float, float]:
    """The top-left corner of a legend of ``size`` inside ``box`` at ``place`` ("best": the least crowded)."""
    (w, h), (left, top, right, bottom) = size, box
    xs = {"left": left + 8, "center": (left + right - w) / 2, "right": right - w - 8}
    ys = {"upper": top + 8, "center": (top + bottom - h) / 2, "lower": bottom - h - 8}
    if place == "best":
        # matplotlib's order of trial: the first of the least crowded wins
        candidates = [(xs[h_], ys[v_]) for v_, h_ in (("upper", "right"), ("upper", "left"), ("lower", "left"),
                                                       ("lower", "right"), ("center", "right"), ("center", "left"),
                                                       ("lower", "center"), ("upper", "center"), ("center", "center"))]
        return min(candidates, key=lambda corner: crowding(corner[0], corner[1], w, h))
    vertical, _, horizontal = place.partition(" ")
    if not horizontal:  # "right", "center"
        vertical, horizontal = "center", vertical
    return xs[horizontal], ys[vertical]


def _legend(ax: SvgAxes, box, cell_width: float, pixels: list[tuple[float, float]]) -> list[str]:
    """The legend, filled column by column as matplotlib's: inside the box, or under the x label."""
    entries, columns, rows, size = legend_shape(ax, cell_width)
    if not entries:
        return []
    row = ROW * size / 10
    column_width = _column_width(size, max(len(label) for label, _ in entries))
    out = []
    if ax.legend_box.place == "below":  # from the plot's left edge; one wider than the plot starts further left
        cell_left = box[0] - 68.0  # plot_box's left margin
        x0 = max(cell_left + 4, min((box[0] + box[2] - column_width * columns) / 2, box[0]))
        y0 = box[3] + 44
    else:
        frame = (column_width * columns + 4, row * rows + 8)

        def crowding(x, y, w, h):
            return sum(x <= px <= x + w and y <= py <= y + h for px, py in pixels)
        x0, y0 = _inside_origin(ax.legend_box.place, box, frame, crowding)
        out.append(f"<rect x='{x0:.1f}' y='{y0:.1f}' width='{frame[0]:.1f}' height='{frame[1]:.1f}' fill='white' "
                   "fill-opacity='0.85' stroke='#ccc'/>")
        x0, y0 = x0 + 4, y0 + 4
    for k, (label, mark) in enumerate(entries):
        x, y = x0 + (k // rows) * column_width, y0 + 0.5 * row + 3.5 + row * (k % rows)
        out += _legend_key(x, y, mark)
        out.append(text(x + 28, y, label, round(size, 1), "start"))
    return out


# ----------------------------------------------------------------------------- marks
def _polyline(line: Line, X, Y) -> list[str]:
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
        out += [marker(px, py, line.marker, line.size / 2, line.color, None)
                for px, py in pixels if math.isfinite(px) and math.isfinite(py)]
    return out


def _along(line: Line, X, Y, spacing: float = 8.0) -> list[tuple[float, float]]:
    """Pixels along ``line`` every ``spacing`` pixels or so (its vertices only, if it has no line)."""
    pixels = [(X(x), Y(y)) for x, y in zip(line.xs, line.ys)]
    if line.dash is None:
        return pixels
    out = pixels[:1]
    for (xa, ya), (xb, yb) in zip(pixels, pixels[1:]):
        steps = max(1, min(100, int(math.hypot(xb - xa, yb - ya) / spacing))) if math.isfinite(xa + ya + xb + yb) else 1
        out += [(xa + (xb - xa) * k / steps, ya + (yb - ya) * k / steps) for k in range(1, steps + 1)]
    return out


def _bars(bars: Bars, X, Y, floor: float) -> list[str]:
    """Filled bars, or their outline as one path (histtype="step"); empty bins draw nothing."""
    if bars.step:
        d, previous = [], floor
        for (a, b), count in zip(zip(bars.edges, bars.edges[1:]), bars.counts):
            top = Y(count) if count > 0 and math.isfinite(Y(count)) else floor
            d.append(f"{'M' if not d else 'L'}{X(a):.1f},{previous:.1f}L{X(a):.1f},{top:.1f}L{X(b):.1f},{top:.1f}")
            previous = top
        d.append(f"L{X(bars.edges[-1]):.1f},{floor:.1f}")
        return [f"<path d='{''.join(d)}' fill='none' stroke='{bars.color}' stroke-width='{bars.width}' "
                f"stroke-opacity='{bars.alpha}'/>"]
    return [f"<rect x='{X(a):.1f}' y='{Y(count):.1f}' width='{X(b) - X(a):.1f}' height='{floor - Y(count):.1f}' "
            f"fill='{bars.color}' fill-opacity='{bars.alpha}' stroke='white' stroke-width='0.5'/>"
            for (a, b), count in zip(zip(bars.edges, bars.edges[1:]), bars.counts)
            if count > 0 and math.isfinite(Y(count))]


def _colorbar(scale_: Map, box) -> list[str]:
    x = box[2] + 12
    out = []
    steps = 40
    for k in range(steps):
        y0 = box[3] - (k + 1) * (box[3] - box[1]) / steps
        out.append(f"<rect x='{x}' y='{y0:.1f}' width='14' height='{(box[3] - box[1]) / steps + 0.6:.1f}' "
                   f"fill='{viridis((k + 0.5) / steps)}'/>")
    for t in ticks(scale_.low, scale_.high, scale_.log):
        if scale_.log:
            frac = (math.log10(t) - math.log10(scale_.low)) / (math.log10(scale_.high) - math.log10(scale_.low))
        else:
            frac = (t - scale_.low) / ((scale_.high - scale_.low) or 1.0)
        if 0 <= frac <= 1:
            out.append(text(x + 18, box[3] - frac * (box[3] - box[1]) + 3.5, tick_label(t, scale_.log), 9, "start"))
    label = scale_.label + (" (log scale)" if scale_.log else "")
    mid = (box[1] + box[3]) / 2
    out.append(text(x + 66, mid, label, 10, extra=f"transform='rotate(-90 {x + 66} {mid:.1f})'"))
    return out


def _scale_bar(bar: ColorScale, box) -> list[str]:
    """The colorbar of ``figure.colorbar(mappable)``: its colors stacked from the lowest bound up, with ticks."""
    x, (top, bottom) = box[2] + 12, (box[1], box[3])
    ends = [b for b in bar.bounds if math.isfinite(b)]
    f = math.log10 if bar.log else float
    low, high = f(min(ends)), f(max(ends))

    def at(v: float) -> float:
        return bottom - (f(v) - low) / ((high - low) or 1.0) * (bottom - top)
    out = [f"<rect x='{x}' y='{at(b):.1f}' width='14' height='{at(a) - at(b) + 0.6:.1f}' fill='{color}'/>"
           for (a, b), color in zip(zip(ends, ends[1:]), bar.colors)]
    for t in ticks(min(ends), max(ends), bar.log):
        out.append(text(x + 18, at(t) + 3.5, tick_label(t, bar.log), 9, "start"))
    mid = (top + bottom) / 2
    out.append(text(x + 66, mid, bar.label, 10, extra=f"transform='rotate(-90 {x + 66} {mid:.1f})'"))
    return out


def _image(image: Image, X, Y) -> list[str]:
    """One square per matrix entry, centred on (column, row)."""
    return [f"<rect x='{min(X(c - 0.5), X(c + 0.5)):.1f}' y='{min(Y(r - 0.5), Y(r + 0.5)):.1f}' "
            f"width='{abs(X(c + 0.5) - X(c - 0.5)) + 0.4:.1f}' height='{abs(Y(r + 0.5) - Y(r - 0.5)) + 0.4:.1f}' "
            f"fill='{color}'/>"
            for r, row in enumerate(image.colors) for c, color in enumerate(row) if color != "none"]


ANCHORS = {"left": "start", "center": "middle", "right": "end"}
BASELINE_SHIFT = {"top": 0.8, "center": 0.35, "baseline": 0.0, "bottom": -0.2}  # of the font size, downwards


def _text_mark(mark: Text, X, Y) -> str:
    return text(X(mark.x), Y(mark.y) + BASELINE_SHIFT.get(mark.va, 0.0) * mark.size, mark.content,
                round(mark.size, 1), ANCHORS.get(mark.ha, "start"), extra=f"fill='{mark.color}'")


def _title(line: str, i: int, centre: float, y: float, left: float, right: float) -> str:
    """Line ``i`` of a title (the first in bold), centred over the plot but kept inside its cell:
    moved towards the middle, or made smaller, when it is wider than the room it has."""
    size = 12.0 if i == 0 else 11.0
    width = CHARACTER * size / 10 * (1.1 if i == 0 else 1.0) * len(line)
    if width > right - left - 8:
        size, width = size * (right - left - 8) / width, right - left - 8
    centre = min(max(centre, left + 4 + width / 2), right - 4 - width / 2)
    return text(centre, y, line, round(size, 1), extra="font-weight='bold'" if i == 0 else "")


# ----------------------------------------------------------------------------- one axes
def axis_ticks(ax: SvgAxes, axis: str) -> list[float]:
    """The ticks of ``axis``: those set by ``set_xticks``/``set_yticks``, else 1-2-5 steps, inside its range."""
    low, high = sorted(ax.range(axis))  # an image's y axis runs downwards
    if ax.tick_positions[axis] is not None:
        return [t for t in ax.tick_positions[axis] if low - 1e-9 <= t <= high + 1e-9]
    return ticks(low, high, ax.scales[axis] == "log")


def plot_box(ax: SvgAxes, x0: float, y0: float, width: float, height: float) -> tuple[float, float, float, float]:
    """(left, top, right, bottom) in pixels of the plot area of ``ax`` in the cell at (x0, y0).

    An axis with no ticks and no label takes no margin (a grid of small pictures); an image
    keeps its pixels square, as matplotlib's ``imshow`` does, centred in the room it has.
    """
    title_lines = len(ax.labels["title"].splitlines())
    bare = {axis: ax.tick_positions[axis] == [] and not ax.labels[axis] for axis in ("x", "y")}
    left = x0 + (6.0 if bare["y"] else 68.0)
    top = y0 + (6.0 if bare["x"] and bare["y"] and not title_lines else 14.0 + ROW * title_lines)
    right = x0 + width - (6.0 if bare["x"] else 22.0) - (78.0 if ax.map or ax.colorbar else 0.0)
    bottom = y0 + height - (6.0 if bare["x"] else 46.0)
    if ax.images:
        (x_low, x_high), (y_low, y_high) = ax.range("x"), ax.range("y")
        pixel = min((right - left) / abs(x_high - x_low), (bottom - top) / abs(y_high - y_low))
        across, down = pixel * abs(x_high - x_low), pixel * abs(y_high - y_low)
        left, right = (left + right - across) / 2, (left + right + across) / 2
        top, bottom = (top + bottom - down) / 2, (top + bottom + down) / 2
    return left, top, right, bottom


def draw_axes(ax: SvgAxes, x0: float, y0: float, width: float, height: float) -> list[str]:
    """``ax`` drawn in the cell at (x0, y0) of ``width`` x ``height`` pixels (its legend below may hang under it)."""
    box = plot_box(ax, x0, y0, width, height)
    (x_low, x_high), (y_low, y_high) = ax.range("x"), ax.range("y")
    logs = {"x": ax.scales["x"] == "log", "y": ax.scales["y"] == "log"}
    to_px = {"x": scale(x_low, x_high, logs["x"], box[0], box[2]), "y": scale(y_low, y_high, logs["y"], box[3], box[1])}
    X, Y = to_px["x"], to_px["y"]
    clip = f"microopt-plot-{next(_clip_ids)}"
    out = [f"<clipPath id='{clip}'><rect x='{box[0]}' y='{box[1]}' width='{box[2] - box[0]}' "
           f"height='{box[3] - box[1]}'/></clipPath>", f"<g clip-path='url(#{clip})'>"]
    for image in ax.images:
        out += _image(image, X, Y)
    if ax.map:
        for cx0, cx1, cy0, cy1, color in ax.map.cells:
            px0, px1, py0, py1 = X(cx0), X(cx1), Y(cy1), Y(cy0)
            out.append(f"<rect x='{px0:.1f}' y='{py0:.1f}' width='{px1 - px0 + 0.6:.1f}' "
                       f"height='{py1 - py0 + 0.6:.1f}' fill='{color}'/>")
    for region in (r for r in ax.regions if r.polygons):
        # opaque pieces in a translucent group: where neighbouring pieces overlap, no darker seam
        out.append(f"<g opacity='{region.alpha}' fill='{region.color}' stroke='{region.color}' stroke-width='0.6' "
                   "stroke-linejoin='round'>")
        out += ["<polygon points='" + " ".join(f"{X(x):.1f},{Y(y):.1f}" for x, y in polygon) + "'/>"
                for polygon in region.polygons]
        out.append("</g>")
    for axis in ("x", "y") if ax.show_grid else ():
        for t in axis_ticks(ax, axis):
            p = to_px[axis](t)
            end = (f"x1='{p:.1f}' x2='{p:.1f}' y1='{box[1]}' y2='{box[3]}'" if axis == "x"
                   else f"y1='{p:.1f}' y2='{p:.1f}' x1='{box[0]}' x2='{box[2]}'")
            out.append(f"<line {end} stroke='#000' stroke-opacity='0.12'/>")
    for bars in ax.bars:
        out += _bars(bars, X, Y, box[3])
    for region in (r for r in ax.regions if r.segments):
        path = "".join(f"M{X(xa):.1f},{Y(ya):.1f}L{X(xb):.1f},{Y(yb):.1f}" for (xa, ya), (xb, yb) in region.segments)
        out.append(f"<path d='{path}' fill='none' stroke='{region.color}' stroke-width='{region.width}'/>")
    for rule in ax.rules:
        p = to_px[rule.axis](rule.at)
        end = (f"x1='{p:.1f}' x2='{p:.1f}' y1='{box[1]}' y2='{box[3]}'" if rule.axis == "x"
               else f"y1='{p:.1f}' y2='{p:.1f}' x1='{box[0]}' x2='{box[2]}'")
        out.append(f"<line {end} stroke='{rule.color}' stroke-width='{rule.width}' stroke-dasharray='{rule.dash}'/>")
    for line in ax.lines:
        out += _polyline(line, X, Y)
    out.append("</g>")
    out += [_text_mark(mark, X, Y) for mark in ax.texts]
    pixels = [point for line in ax.lines for point in _along(line, X, Y)]
    for p in ax.points:  # markers may sit on the edge (a diverged run's ✕ at the top): not clipped
        for x, y in zip(p.xs, p.ys):
            py = box[3] + y * (box[1] - box[3]) if p.y_in_axes else Y(y)
            if math.isfinite(X(x)) and math.isfinite(py):
                out.append(marker(X(x), py, p.marker, p.size, p.color, p.edge))
                pixels.append((X(x), py))
    pixels += [(X((a + b) / 2), Y(count)) for bars in ax.bars for a, b, count in zip(bars.edges, bars.edges[1:],
                                                                                   bars.counts) if count > 0]
    out.append(f"<rect x='{box[0]}' y='{box[1]}' width='{box[2] - box[0]}' height='{box[3] - box[1]}' "
               "fill='none' stroke='#333'/>")
    for axis in ("x", "y"):
        for t in axis_ticks(ax, axis):
            p = to_px[axis](t)
            out.append(text(p, box[3] + 15, tick_label(t, logs[axis]), 10) if axis == "x"
                       else text(box[0] - 5, p + 3.5, tick_label(t, logs[axis]), 10, "end"))
    out.append(text((box[0] + box[2]) / 2, box[3] + 33, ax.labels["x"]))
    # the y label just left of the widest tick label, as matplotlib places it
    widest = max((len(tick_label(t, logs["y"])) for t in axis_ticks(ax, "y")), default=1)
    label_x, middle = max(x0 + 12, box[0] - 14 - 6.0 * widest), (box[1] + box[3]) / 2
    out.append(text(label_x, middle, ax.labels["y"], extra=f"transform='rotate(-90 {label_x:.1f} {middle:.1f})'"))
    for i, line in enumerate(ax.labels["title"].splitlines()):
        out.append(_title(line, i, (box[0] + box[2]) / 2, y0 + 16 + ROW * i, x0, x0 + width))
    if ax.map:
        out += _colorbar(ax.map, box)
    elif ax.colorbar:
        out += _scale_bar(ax.colorbar, box)
    out += _legend(ax, box, width, [p for p in pixels if all(map(math.isfinite, p))])
    return out

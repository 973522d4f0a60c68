"""Chart frames drawn at build time: axes with ticks and labels, and the contour map of a 2-D function.

The page's script only puts data into a frame: it reads the frame's ``data-axes`` (the data
ranges, the log flag and the plot box in pixels) and maps each point the way ``Axes.px`` does.
Every tick label, colour band and contour line is computed here, from microopt's own numbers.
"""

from __future__ import annotations

import base64
import html
import io
import json
import math
from dataclasses import dataclass
from typing import Any, Sequence

SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """About ``count`` round numbers (1, 2 or 5 times a power of ten apart) from ``low`` to ``high``."""
    raw = (high - low) / max(count, 1)
    power = 10.0 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    first = math.ceil(low / step - 1e-9)
    return [round(k * step, 12) for k in range(first, math.floor(high / step + 1e-9) + 1)]


def decade_ticks(low: float, high: float) -> list[float]:
    """The powers of ten from ``low`` to ``high`` (both > 0), every second or third one if many."""
    first, last = math.ceil(math.log10(low) - 1e-9), math.floor(math.log10(high) + 1e-9)
    every = 1 + (last - first) // 7
    return [10.0 ** k for k in range(first, last + 1, every)]


def tick_label(value: float, log: bool) -> str:
    if log:
        return f"10{str(round(math.log10(value))).translate(SUPERSCRIPT)}"
    return f"{value:g}".replace("-", "−")


@dataclass(frozen=True)
class Axes:
    """A plot box of ``width`` x ``height`` pixels showing ``x`` and ``y`` ranges (y on a log scale if ``log_y``)."""

    x: tuple[float, float]
    y: tuple[float, float]
    x_label: str
    y_label: str
    width: int = 440
    height: int = 330
    log_y: bool = False
    log_x: bool = False
    left: int = 58
    right: int = 14
    top: int = 14
    bottom: int = 44

    @property
    def box(self) -> tuple[int, int]:
        """The plotting area's width and height in pixels, inside the margins."""
        return self.width - self.left - self.right, self.height - self.top - self.bottom

    def px(self, x: float, y: float) -> tuple[float, float]:
        """Pixel coordinates of the data point (x, y): the same mapping as ``toPixel`` in explorable.js."""
        w, h = self.box
        (x0, x1), (y0, y1) = self.x, self.y
        if self.log_x:
            x, x0, x1 = math.log10(x), math.log10(x0), math.log10(x1)
        if self.log_y:
            y, y0, y1 = math.log10(y), math.log10(y0), math.log10(y1)
        return self.left + (x - x0) / (x1 - x0) * w, self.top + (1 - (y - y0) / (y1 - y0)) * h

    def spec(self) -> dict[str, Any]:
        w, h = self.box
        return {"x0": self.x[0], "x1": self.x[1], "y0": self.y[0], "y1": self.y[1], "logx": self.log_x,
                "log": self.log_y, "left": self.left, "top": self.top, "w": w, "h": h}

    def svg(self, element_id: str, *, background: str = "", title: str = "") -> str:
        """The frame: ``background`` (e.g. a contour map) clipped to the box, ticks, labels, an empty
        ``<g class="plot">`` for the script to fill, and ``title`` as the SVG's accessible name."""
        w, h = self.box
        clip = f"{element_id}-clip"
        parts = [f'<svg id="{element_id}" class="chart" viewBox="0 0 {self.width} {self.height}" role="img" '
                 f"aria-label=\"{html.escape(title)}\" data-axes='{json.dumps(self.spec())}'>",
                 f'<defs><clipPath id="{clip}"><rect x="{self.left}" y="{self.top}" width="{w}" height="{h}"/>'
                 "</clipPath></defs>",
                 f'<rect class="plot-area" x="{self.left}" y="{self.top}" width="{w}" height="{h}"/>']
        grid = len(parts)  # grid lines go here, under the background (a map hides them)
        x_ticks = decade_ticks(*self.x) if self.log_x else nice_ticks(*self.x)
        y_ticks = decade_ticks(*self.y) if self.log_y else nice_ticks(*self.y)
        bottom = self.top + h
        for t in x_ticks:
            px, _ = self.px(t, self.y[0])
            parts.append(f'<line class="tick" x1="{px:.1f}" x2="{px:.1f}" y1="{bottom}" y2="{bottom + 5}"/>'
                         f'<text class="tick-label" x="{px:.1f}" y="{bottom + 17}" text-anchor="middle">'
                         f"{tick_label(t, self.log_x)}</text>")
        for t in y_ticks:
            _, py = self.px(self.x[0], t)
            parts.append(f'<line class="tick" x1="{self.left - 5}" x2="{self.left}" y1="{py:.1f}" y2="{py:.1f}"/>'
                         f'<text class="tick-label" x="{self.left - 8}" y="{py + 4:.1f}" text-anchor="end">'
                         f"{tick_label(t, self.log_y)}</text>")
            parts.insert(grid, f'<line class="grid" x1="{self.left}" x2="{self.left + w}" '
                               f'y1="{py:.1f}" y2="{py:.1f}"/>')
        parts.append(f'<g clip-path="url(#{clip})">{background}<g class="plot"></g></g>')
        parts.append(f'<text class="axis-label" x="{self.left + w / 2:.1f}" y="{self.height - 6}" '
                     f'text-anchor="middle">{html.escape(self.x_label)}</text>')
        parts.append(f'<text class="axis-label" transform="translate(14 {self.top + h / 2:.1f}) rotate(-90)" '
                     f'text-anchor="middle">{html.escape(self.y_label)}</text>')
        parts.append("</svg>")
        return "".join(parts)


def map_axes(function, **options) -> Axes:
    """Axes over ``function.bounds``, sized so that one unit of x and one of y are the same length."""
    (x0, x1), (y0, y1) = function.bounds
    width = options.pop("width", 440)
    plot_w = width - 58 - 14
    height = round(plot_w * (y1 - y0) / (x1 - x0)) + 14 + 44
    return Axes((x0, x1), (y0, y1), "x", "y", width=width, height=max(height, 200), **options)


def landscape(function, axes: Axes, *, resolution: int = 90, levels: int = 14) -> str:
    """SVG of ``function``'s map on ``axes``: log-scaled colour bands (an embedded PNG), white
    contour lines at log-spaced levels of f − f*, the minima as stars.

    f is evaluated by microopt (``function(x, y)`` on floats) on a ``resolution`` x ``resolution`` grid.
    """
    import contourpy
    import numpy as np
    from matplotlib import colormaps
    from matplotlib.image import imsave

    (x0, x1), (y0, y1) = axes.x, axes.y
    xs, ys = np.linspace(x0, x1, resolution), np.linspace(y0, y1, resolution)
    fmin = function.minimum_value or 0.0
    Z = np.array([[float(function(float(x), float(y))) - fmin for x in xs] for y in ys])
    positive = Z[np.isfinite(Z) & (Z > 0)]
    high = 10.0 ** math.ceil(math.log10(positive.max()))
    low = max(10.0 ** math.floor(math.log10(positive.min())), high * 1e-6)
    shade = (np.log10(np.clip(Z, low, high)) - math.log10(low)) / (math.log10(high) - math.log10(low))
    png = io.BytesIO()
    imsave(png, shade[::-1], cmap=colormaps["viridis"], vmin=0.0, vmax=1.0, format="png")
    w, h = axes.box
    parts = [f'<image x="{axes.left}" y="{axes.top}" width="{w}" height="{h}" preserveAspectRatio="none" '
             f'href="data:image/png;base64,{base64.b64encode(png.getvalue()).decode("ascii")}"/>']
    generator = contourpy.contour_generator(xs, ys, np.clip(Z, low, high))
    paths = []
    for level in np.geomspace(low, high, levels)[1:-1]:
        for line in generator.lines(float(level)):
            points = " ".join("{:.1f},{:.1f}".format(*axes.px(float(x), float(y))) for x, y in line)
            paths.append(f"M{points}")
    parts.append(f'<path class="contour" d="{" ".join(paths)}"/>')
    for x, y in function.minima:
        px, py = axes.px(x, y)
        parts.append(f'<text class="minimum" x="{px:.1f}" y="{py + 6:.1f}" text-anchor="middle">★</text>')
    return "".join(parts)


def rounded(points: Sequence[Sequence[float]], digits: int = 4) -> list[list[float]]:
    """Points rounded for drawing (a pixel is about 1/100 of a map): the page stays small."""
    return [[round(v, digits) if math.isfinite(v) else None for v in point] for point in points]

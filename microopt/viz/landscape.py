"""The landscape under a trajectory: a 2-D function's contour map, its minima and the start.

``draw_landscape`` is the background ``plot_contour`` and ``animate_trajectories`` share;
the helpers here read the inputs both accept (a function or its name, bounds, trajectories).
matplotlib and numpy are imported inside the functions only.
"""

from __future__ import annotations

import math
from numbers import Real
from typing import Any, Mapping

from microopt._validate import invalid, real_number, whole_number
from microopt.engine.value import Value
from microopt.functions import get
from microopt.viz.protocols import Race, Run
from microopt.viz.svg import SvgAxes

# The function runs resolution² times, in Python: 1000 is a million calls, half a minute.
MAX_RESOLUTION = 1000
MAX_LEVELS = 200  # contour levels; more are not told apart by eye


def as_number(value: object, where: str) -> float:
    """A float from a float, int or Value; a clear error for anything else."""
    if isinstance(value, Value):
        return value.data
    if isinstance(value, Real) and not isinstance(value, bool):
        return float(value)  # inf and nan too: they are how a diverged run is drawn
    raise TypeError(f"{where} must be a number or a Value, got {type(value).__name__}: {value!r}.")


def resolve_function(function: Any):
    """A test function from a ``microopt.functions`` object, its name, or any f(x, y)."""
    if isinstance(function, str):
        return get(function)
    if not callable(function):
        raise TypeError(
            f"Expected a test function, e.g. microopt.functions.get('rosenbrock') or a name like "
            f"'rosenbrock', got {type(function).__name__}: {function!r}."
        )
    return function


def read_bounds(function: Any, bounds: Any) -> tuple[tuple[float, float], tuple[float, float]]:
    """``bounds`` checked, or the function's own ``.bounds`` when None."""
    bounds = bounds if bounds is not None else getattr(function, "bounds", None)
    if bounds is None:
        raise ValueError("plot_contour: this function has no .bounds; pass bounds=((xmin, xmax), (ymin, ymax)).")
    rule = "must be ((xmin, xmax), (ymin, ymax)) of finite numbers"
    try:
        (x0, x1), (y0, y1) = bounds
        x0, x1, y0, y1 = (real_number("bounds", v) for v in (x0, x1, y0, y1))
    except (TypeError, ValueError):
        raise ValueError(invalid("bounds", bounds, rule, "For example ((-2, 2), (-1, 3)).")) from None
    if not (x0 < x1 and y0 < y1):
        raise ValueError(invalid("bounds", bounds, rule + ", each range with min < max",
                                 "For example ((-2, 2), (-1, 3))."))
    return (x0, x1), (y0, y1)


def read_trajectories(trajectories: Any) -> dict[str, tuple[list[float], list[float], bool]]:
    """name -> (xs, ys, diverged), from a mapping of point lists or a RaceResult."""
    if trajectories is None:
        return {}
    if isinstance(trajectories, Race):  # a RaceResult
        trajectories = trajectories.runs
    if not isinstance(trajectories, Mapping):
        raise TypeError(
            f"trajectories must be a mapping name -> list of (x, y) points, got "
            f"{type(trajectories).__name__}. Write {{'sgd': points}} for a single one."
        )
    result = {}
    for name, item in trajectories.items():
        points = getattr(item, "trajectory", item)  # a RaceRun, or the points themselves
        if points is None or isinstance(points, (str, bytes)) or len(points) == 0:
            raise ValueError(f"trajectory {name!r} must be a non-empty list of (x, y) points, got {points!r}.")
        xs, ys = [], []
        for i, point in enumerate(points):
            if isinstance(point, (str, bytes)) or not hasattr(point, "__len__") or len(point) != 2:
                raise ValueError(f"trajectory {name!r}: point {i} must be an (x, y) pair, got {point!r}.")
            xs.append(as_number(point[0], f"trajectory {name!r}, point {i}, x"))
            ys.append(as_number(point[1], f"trajectory {name!r}, point {i}, y"))
        # a race run stops recording at divergence, before any inf: it says so itself
        diverged = (isinstance(item, Run) and bool(item.diverged)) or not all(math.isfinite(v) for v in xs + ys)
        n = next((i for i, (a, b) in enumerate(zip(xs, ys)) if not (math.isfinite(a) and math.isfinite(b))),
                 len(xs))
        result[str(name)] = (xs[:n], ys[:n], diverged)
    return result


def _value_or_nan(function: Any, x: float, y: float) -> float:
    """f(x, y), or NaN where f is undefined (log of a negative...): contourf leaves NaN blank."""
    try:
        return float(function(x, y))
    except (ValueError, OverflowError, ZeroDivisionError):
        return math.nan


def draw_landscape(ax, function: Any, *, bounds: Any = None, levels: int = 30, log: bool | str = "auto",
                   resolution: int = 150, colorbar: bool = True, start: tuple[float, float] | None = None):
    """Filled contours of ``function`` on ``ax``, its minima (★), saddle points (✕) and ``start`` (●).

    The shared background of ``plot_contour`` and ``animate_trajectories``. Returns the
    resolved function.
    """
    if isinstance(ax, SvgAxes):
        return _draw_svg_landscape(ax, resolve_function(function), bounds, log, resolution, start)
    import numpy as np
    from matplotlib.colors import LogNorm
    from matplotlib.ticker import LogFormatterSciNotation, LogLocator

    function = resolve_function(function)
    (x0, x1), (y0, y1) = read_bounds(function, bounds)
    levels = whole_number("levels", levels, minimum=2, maximum=MAX_LEVELS, advice="It is the number of contour levels.")
    resolution = whole_number("resolution", resolution, minimum=10, maximum=MAX_RESOLUTION,
                              advice="It is the number of grid points per axis; 100 to 150 draw a smooth map.")
    xs = np.linspace(x0, x1, resolution)
    ys = np.linspace(y0, y1, resolution)
    Z = np.array([[_value_or_nan(function, float(x), float(y)) for x in xs] for y in ys], dtype=float)
    if not np.isfinite(Z).any():
        raise ValueError(f"plot_contour: the function is undefined or infinite everywhere in the bounds "
                         f"{((x0, x1), (y0, y1))}.")

    fmin = getattr(function, "minimum_value", None)
    shifted = Z - (fmin if fmin is not None else 0.0)
    use_log = (fmin is not None and bool((shifted[np.isfinite(shifted)] >= 0).all())) if log == "auto" else bool(log)
    if use_log:
        # Log-spaced levels: the interesting part of a landscape is near its minimum, where
        # f is tiny; linear levels would paint all of it one color.
        positive = shifted[np.isfinite(shifted) & (shifted > 0)]
        if positive.size == 0:
            raise ValueError("plot_contour: log=True needs f(x, y) > min somewhere in the bounds.")
        # Whole decades at both ends, so the colorbar reads 10^-2, 10^-1, 10^0...
        high = 10.0 ** math.ceil(math.log10(float(positive.max())))
        low = max(10.0 ** math.floor(math.log10(float(positive.min()))), high * 1e-8)
        contour_levels = np.geomspace(low, high, levels)
        filled = ax.contourf(xs, ys, np.maximum(shifted, low), levels=contour_levels,
                             norm=LogNorm(low, high), cmap="viridis", extend="min")
        ax.contour(xs, ys, shifted, levels=contour_levels, colors="white", linewidths=0.3, alpha=0.4)
        ticks = {"ticks": LogLocator(), "format": LogFormatterSciNotation()}
    else:
        filled = ax.contourf(xs, ys, Z, levels=levels, cmap="viridis")
        ax.contour(xs, ys, Z, levels=levels, colors="white", linewidths=0.3, alpha=0.4)
        ticks = {}
    if colorbar:
        label = "f(x, y)" if not fmin else "f(x, y) − f*"
        # An inset of the map's own axes, so the colorbar is exactly as tall as the map whatever
        # its aspect (one beside the layout cell is as tall as the cell: taller than a wide map).
        # Its width is 5% of the map's height, matplotlib's usual colorbar shape.
        shape = map_shape(((x0, x1), (y0, y1)))
        cax = ax.inset_axes([1.0 + 0.03 * max(shape, 1.0), 0.0, 0.05 * shape, 1.0])
        ax.figure.colorbar(filled, cax=cax, label=label + (" (log scale)" if use_log else ""), **ticks)

    minima = list(getattr(function, "minima", []) or [])
    if minima:
        ax.scatter(*zip(*minima), marker="*", s=260, color="white", edgecolors="black", linewidths=1.0,
                   zorder=6, label="global minimum" if len(minima) == 1 else "global minima")
    saddles = list(getattr(function, "saddle_points", []) or [])
    if saddles:
        ax.scatter(*zip(*saddles), marker="X", s=120, color="white", edgecolors="black", zorder=6,
                   label="saddle point")
    if start is not None:
        ax.scatter([start[0]], [start[1]], marker="o", s=90, color="white", edgecolors="black",
                   linewidths=1.5, zorder=6, label="start")
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    if equal_aspect(((x0, x1), (y0, y1))):
        ax.set_aspect("equal")  # true geometry: a narrow valley looks narrow
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    return function


def _draw_svg_landscape(ax, function: Any, bounds: Any, log: bool | str, resolution: int,
                        start: tuple[float, float] | None):
    """``draw_landscape`` without matplotlib or numpy: colored grid cells instead of contours."""
    (x0, x1), (y0, y1) = read_bounds(function, bounds)
    fmin = getattr(function, "minimum_value", None)
    # 60 x 60 cells at most: a map of 3,600 rectangles stays a small SVG and draws at once.
    ax.draw_map(function, ((x0, x1), (y0, y1)), resolution=min(resolution, 60), shift=fmin or 0.0,
                log=fmin is not None if log == "auto" else bool(log),
                label="f(x, y)" if not fmin else "f(x, y) − f*")
    for points, marker, size, label in ((getattr(function, "minima", None), "*", 260, "global minimum"),
                                        (getattr(function, "saddle_points", None), "X", 120, "saddle point"),
                                        ([start] if start is not None else None, "o", 90, "start")):
        if points:
            ax.scatter(*zip(*points), marker=marker, s=size, color="white", edgecolors="black", label=label)
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    return function


def trajectory_style(color: str) -> dict[str, Any]:
    """Line settings for a trajectory: a dot per step, so the step sizes show."""
    return {"marker": ".", "ms": 4, "lw": 1.6, "color": color, "zorder": 4}


def equal_aspect(bounds) -> bool:
    """Whether the map is drawn to scale: unless one side is more than 3 times the other."""
    (x0, x1), (y0, y1) = bounds
    return 1 / 3 <= (y1 - y0) / (x1 - x0) <= 3


def map_shape(bounds) -> float:
    """The map's height / width on the page: that of ``bounds`` when drawn to scale, else 3/4."""
    (x0, x1), (y0, y1) = bounds
    return (y1 - y0) / (x1 - x0) if equal_aspect(bounds) else 0.75


def landscape_figsize(bounds) -> tuple[float, float]:
    """A figure size whose map area has the shape of ``bounds``, at most 5.2 x 5 inches.

    Around the map: 1.9 inches across for the y label and the colorbar, 1.1 down for a two-line
    title and the x label. A legend adds its own height (``style.legend_below``).
    """
    shape = map_shape(bounds)
    width = min(5.2, 5.0 / shape)
    return max(width + 1.9, 5.0), width * shape + 1.1


def default_title(function: Any) -> str:
    """"Rosenbrock" over "f(x, y) = (1 − x)² + 100 (y − x²)²", from the name and formula."""
    name = getattr(function, "name", "") or getattr(function, "__name__", "")
    formula = getattr(function, "formula", "")
    return f"{name.capitalize()}\nf(x, y) = {formula}" if formula else name.capitalize()

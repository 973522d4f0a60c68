"""Plots of optimization with matplotlib: loss curves, contour maps, decision boundaries, lr sweeps.

Every function draws on ``ax`` when you give one (to combine plots in your own figure) or on a
new figure, returns the matplotlib ``Figure``, and writes it to ``path`` (.png, .svg, .pdf)
when you give one. Nothing calls ``plt.show()``: in a notebook, the returned figure shows
when it is the last value of the cell; from a script, pass ``path=`` (or call
``fig.savefig``). An optimizer keeps its color across all of them
(``microopt.viz.style.color_for``).

matplotlib (and numpy, which comes with it) is imported inside the functions only.
"""

from __future__ import annotations

import math
from typing import Any, Mapping, Sequence

from microopt._validate import real_number
from microopt.viz.landscape import (as_number, default_title, draw_landscape, landscape_figsize, read_bounds,
                                    read_trajectories, resolve_function, trajectory_style)
from microopt.viz.protocols import Race, Run, Sweep, TrainingRecords
from microopt.viz.style import PathLike, color_for, finish, new_axes


# ----------------------------------------------------------------------------- helpers
def _finite_prefix(values: list[float]) -> tuple[list[float], bool]:
    """The values up to the first NaN or infinity, and whether one was found (divergence)."""
    for i, v in enumerate(values):
        if not math.isfinite(v):
            return values[:i], True
    return values, False


def _use_log(values: list[float], log: bool | str) -> bool:
    """``log="auto"``: a log axis when every value is positive and they span > 2 decades."""
    if log != "auto":
        return bool(log)
    positive = [v for v in values if math.isfinite(v)]
    return bool(positive) and min(positive) > 0.0 and max(positive) / min(positive) > 100.0


# ----------------------------------------------------------------------------- loss curves
def _curves(name: str, run: Any, per: str) -> list[tuple[str, list[float], list[float], str, bool]]:
    """(label, xs, ys, linestyle, diverged) for each curve of one run."""
    if isinstance(run, TrainingRecords):  # a microopt.train.History
        if per == "epoch":
            curves = []
            for key, label, style in (("train_loss", "train", "-"), ("val_loss", "validation", "--")):
                points = [(r["epoch"], r[key]) for r in run.epochs if r.get(key) is not None]
                if points:
                    xs, ys = zip(*points)
                    curves.append((f"{name} {label}".strip(), list(xs), [float(v) for v in ys], style))
        else:
            points = [(r["step"], r["loss"]) for r in run.steps]
            curves = [(name, [p[0] for p in points], [float(p[1]) for p in points], "-")] if points else []
    else:
        losses = run.losses if isinstance(run, Run) else run  # a RaceRun, or a plain sequence
        if isinstance(losses, (str, bytes)) or not isinstance(losses, Sequence):
            raise TypeError(
                f"plot_losses: run {name!r} must be a list of losses, a History or a race run, "
                f"got {type(run).__name__}: {run!r}."
            )
        ys = [as_number(v, f"plot_losses: run {name!r}, loss {i}") for i, v in enumerate(losses)]
        curves = [(name, list(range(len(ys))), ys, "-")]
    result = []
    for label, xs, ys, style in curves:
        finite, diverged = _finite_prefix(ys)
        diverged = diverged or (isinstance(run, Run) and bool(run.diverged))  # a race run stopped before inf
        result.append((label, xs[: len(finite)], finite, style, diverged))
    return result


def plot_losses(runs: Any, *, per: str = "auto", log: bool | str = "auto", ax: Any = None,
                title: str | None = None, ylabel: str = "loss", path: PathLike = None):
    """Loss curves of one or several runs, one color per run name.

    Args:
        runs: a mapping ``name -> run``, or a single run, or a ``RaceResult``. A run is a
            sequence of losses (one per step), a ``microopt.train.History`` or a race run
            (with ``.losses``).
        per: for Histories, ``"step"`` (the minibatch loss of every step), ``"epoch"`` (train
            loss solid and validation loss dashed, per epoch) or ``"auto"``: per epoch when
            some History has validation losses, else per step.
        log: log-scaled loss axis: True, False or ``"auto"`` (when the losses are positive
            and span more than two decades).
        ax, title, path: draw on ``ax``; the title; save to ``path`` (.png, .svg, .pdf).

    A run whose loss became NaN or infinite is drawn up to its last finite value, marked
    there with an ✕, and labelled "(diverged)". Returns the Figure.
    """
    if isinstance(runs, Race):  # a RaceResult
        runs = runs.runs
    if not isinstance(runs, Mapping):
        runs = {"": runs}
    if not runs:
        raise ValueError("plot_losses: got no runs to plot; pass e.g. {'adam': [0.9, 0.5, 0.3]}.")
    if per not in ("auto", "step", "epoch"):
        raise ValueError(f"plot_losses: per must be 'auto', 'step' or 'epoch', got {per!r}.")
    if per == "auto":
        has_validation = any(isinstance(run, TrainingRecords) and any(r.get("val_loss") is not None for r in run.epochs)
                             for run in runs.values())
        per = "epoch" if has_validation else "step"

    fig, ax = new_axes(ax, figsize=(7.0, 4.2))
    plotted: list[float] = []
    for name, run in runs.items():
        color = color_for(name) if name else color_for("sgd")
        curves = _curves(str(name), run, per)
        if not curves:
            raise ValueError(f"plot_losses: run {name!r} has no {per} losses to plot"
                             + (" (try per='step')." if per == "epoch" else "."))
        for label, xs, ys, style, diverged in curves:
            ax.plot(xs, ys, style, color=color, lw=1.6,
                    label=(label + " (diverged)" if diverged else label) or None)
            if diverged and ys:
                ax.scatter([xs[-1]], [ys[-1]], marker="X", s=70, color=color, edgecolors="black", zorder=5)
            plotted += ys
    if _use_log(plotted, log):
        ax.set_yscale("log")
    ax.set_xlabel(per)
    ax.set_ylabel(ylabel)
    ax.grid(True, which="major", alpha=0.3)
    return finish(fig, ax, title, path)


# ----------------------------------------------------------------------------- 2-D functions
def plot_contour(function: Any, trajectories: Any = None, *, ax: Any = None, bounds: Any = None,
                 levels: int = 30, log: bool | str = "auto", resolution: int = 150, show_start: bool = True,
                 title: str | None = None, path: PathLike = None):
    """A 2-D test function as a filled contour map, with optimizer trajectories on top.

    Args:
        function: a ``microopt.functions`` object (or its name, e.g. ``"rosenbrock"``), or any
            ``f(x, y) -> float`` with ``bounds`` given; or a race on a 2-D function (a
            ``RaceResult``), then drawn with its own trajectories: ``plot_contour(race)``.
        trajectories: a mapping ``name -> [(x0, y0), (x1, y1), ...]`` (one point per step, the
            start first), or a ``RaceResult``. Each is a line in its optimizer's color with a
            dot per step, so step sizes show; a ● ends it. A trajectory that reaches NaN/inf
            is drawn up to there, ends in ✕ and is labelled "(diverged)"; one that leaves the
            map is cut at its edge with an arrowhead pointing the way it went, and labelled
            "(left the window at step N)". The legend explains each end marker drawn.
        bounds: ((xmin, xmax), (ymin, ymax)); the function's own ``.bounds`` by default.
        levels, log: the number of contour levels, log-spaced above the minimum value when
            ``log`` is True or, with ``"auto"``, when the function has a known minimum.
        resolution: grid points per axis. show_start: mark the start (of the trajectories, or
            the function's suggested ``.start``) with a white ●.
        ax, title, path: as in ``plot_losses``.

    Minima are white ★, saddle points white ✕. The colorbar is as tall as the map and the
    legend sits under the x label, whatever the shape of ``bounds``. Returns the Figure.
    """
    if trajectories is None and isinstance(function, Race):
        if function.function is None:
            raise ValueError("plot_contour needs a race on a 2-D function; this one ran on a dataset. "
                             "Use plot_losses(race) for its loss curves.")
        function, trajectories = function.function, function
    paths = read_trajectories(trajectories)
    function = resolve_function(function)
    own_figure = ax is None
    fig, ax = new_axes(ax, figsize=landscape_figsize(read_bounds(function, bounds)))
    start = None
    if show_start:
        first = next(iter(paths.values()), None)
        start = (first[0][0], first[1][0]) if first and first[0] else getattr(function, "start", None)
    function = draw_landscape(ax, function, bounds=bounds, levels=levels, log=log, resolution=resolution,
                              start=start)
    window = read_bounds(function, bounds)
    ends = set()
    for name, (xs, ys, diverged) in paths.items():
        color = color_for(name)
        left = _first_outside(xs, ys, window)
        notes = [*(["diverged"] if diverged else []),
                 *([f"left the window at step {left}" if left else "starts outside the window"]
                   if left is not None else [])]
        label = name + (f" ({'; '.join(notes)})" if notes else "")
        ax.plot(xs, ys, "-", **trajectory_style(color), label=label)
        if left:  # an arrowhead on the edge where it went out, pointing the way it went
            (x, y), angle = _exit(ax, (xs[left - 1], ys[left - 1]), (xs[left], ys[left]), window)
            ax.scatter([x], [y], marker=(3, 0, angle - 90.0), s=110, color=color, edgecolors="black",
                       linewidths=0.6, zorder=6, clip_on=False)
            ends.add("left")
        elif xs:
            ax.scatter([xs[-1]], [ys[-1]], marker="X" if diverged else "o", s=55, color=color,
                       edgecolors="white", linewidths=1.0, zorder=5)
            ends.add("diverged" if diverged else "end")
    # the end markers in the legend, in grey: each run's own color is in its line's entry
    for kind, marker, text in (("end", "o", "end point"), ("diverged", "X", "end point (diverged)"),
                               ("left", (3, 0, -90.0), "where it left the window")):
        if kind in ends:
            ax.scatter([], [], marker=marker, s=55, color="0.45", edgecolors="black", linewidths=0.6, label=text)
    return finish(fig, ax, title if title is not None else default_title(function), path, below=True,
                   grow_figure=own_figure)


def _first_outside(xs: list[float], ys: list[float], window) -> int | None:
    """The index of the first point outside the plotted window (the step it left at), or None."""
    (x0, x1), (y0, y1) = window
    return next((i for i, (x, y) in enumerate(zip(xs, ys)) if not (x0 <= x <= x1 and y0 <= y <= y1)), None)


def _exit(ax, inside: tuple[float, float], outside: tuple[float, float], window):
    """Where the segment from ``inside`` to ``outside`` crosses the window's edge, and its direction
    on screen (degrees from the x axis)."""
    (x0, x1), (y0, y1) = window
    (px, py), (qx, qy) = inside, outside
    # the fraction of the segment at which each edge it crosses is reached; the nearest one wins
    fractions = [(edge - p) / (q - p) for p, q, low, high in ((px, qx, x0, x1), (py, qy, y0, y1))
                 for edge in (low, high) if q != p and min(p, q) <= edge <= max(p, q)]
    t = min(fractions, default=1.0)
    point = (px + t * (qx - px), py + t * (qy - py))
    (sx, sy), (ex, ey) = ax.transData.transform([inside, point])
    return point, math.degrees(math.atan2(ey - sy, ex - sx))


# ----------------------------------------------------------------------------- learning-rate sweep
DIVERGED_MARKERS = ("X", "P", "v", "D", "s", "^")  # one shape per optimizer that diverged
DIVERGED_ROW = 0.055  # height of one row of diverged marks, as a fraction of the axes
def plot_lr_sweep(lrs: Any, losses: Any = None, *, ax: Any = None, log: bool | str = "auto",
                  title: str | None = None, ylabel: str = "final loss", path: PathLike = None):
    """Loss against learning rate, on a log lr axis, with diverged runs marked at the top.

    Args:
        lrs: the learning rates tried (positive), or a sweep result with ``.lrs`` and
            ``.losses`` (then leave ``losses`` out).
        losses: the loss reached with each lr, or a mapping ``optimizer name -> losses`` to
            compare optimizers (one line each, in their colors). NaN or infinity means the
            run diverged: it is marked in a band along the top edge, each optimizer in its
            own row, with its own marker shape and legend entry, so no mark hides another.
        log: log-scaled loss axis: True, False or ``"auto"``.
        ax, title, path: as in ``plot_losses``.

    The best (lowest) finite loss of each line is marked with a ★ and its lr given in the
    legend, which sits under the lr axis so it hides no point. Returns the Figure.
    """
    if losses is None and isinstance(lrs, Sweep):
        lrs, losses = lrs.lrs, lrs.losses
    if losses is None:
        raise ValueError("plot_lr_sweep needs the losses: plot_lr_sweep(lrs, losses).")
    rates = [as_number(v, f"lr {i}") for i, v in enumerate(lrs)]
    if not rates:
        raise ValueError("plot_lr_sweep: got no learning rates.")
    rates = [real_number(f"lr {i}", r, above=0.0, advice="plot_lr_sweep draws the rates on a log axis.")
             for i, r in enumerate(rates)]
    series = {}
    for name, values in (dict(losses) if isinstance(losses, Mapping) else {"": losses}).items():
        values = [as_number(v, f"loss {i}" + (f" of {name!r}" if name else "")) for i, v in enumerate(values)]
        if len(values) != len(rates):
            raise ValueError(f"plot_lr_sweep: {len(rates)} learning rates but {len(values)} losses"
                             + (f" for {name!r}." if name else "."))
        series[name] = values
    own_figure = ax is None
    fig, ax = new_axes(ax, figsize=(7.0, 4.2))
    finite_all: list[float] = []
    # Each optimizer that diverged somewhere gets its own row of marks in a band along the top
    # edge, and its own marker shape: at the same lr, one optimizer's mark never hides another's.
    rows = [name for name, values in series.items() if not all(math.isfinite(v) for v in values)]
    for name, values in series.items():
        color = color_for(name) if name else color_for("sgd")
        # NaN breaks the line where a run diverged, instead of joining across the gap.
        ax.plot(rates, [v if math.isfinite(v) else float("nan") for v in values], "-o", ms=4, lw=1.6,
                color=color, label=name or None)
        finite = [(r, v) for r, v in zip(rates, values) if math.isfinite(v)]
        finite_all += [v for _, v in finite]
        if finite:
            best_lr, best = min(finite, key=lambda p: p[1])
            ax.scatter([best_lr], [best], marker="*", s=220, color=color, edgecolors="black", zorder=5,
                       label=f"best{' ' + name if name else ''}: lr = {best_lr:.3g}")
        diverged = [r for r, v in zip(rates, values) if not math.isfinite(v)]
        if diverged:
            row = rows.index(name)
            # x in data coordinates, y in axes coordinates: pinned to the top band, one row each
            ax.scatter(diverged, [1.0 - DIVERGED_ROW * (row + 0.7)] * len(diverged),
                       transform=ax.get_xaxis_transform(), marker=DIVERGED_MARKERS[row % len(DIVERGED_MARKERS)],
                       s=55, color=color, edgecolors="black", linewidths=0.6, zorder=6, clip_on=False,
                       label=f"{name + ' ' if name else ''}diverged (loss inf/nan)")
    ax.set_xscale("log")
    ax.set_xlim(min(rates) / 1.5, max(rates) * 1.5)  # the diverged marks do not widen the axis themselves
    if _use_log(finite_all, log):
        ax.set_yscale("log")
    if rows:  # something diverged: keep the top band free for the marks, one row per optimizer
        band = DIVERGED_ROW * (len(rows) + 0.4)
        bottom, top = ax.get_ylim()
        if ax.get_yscale() == "log":
            ax.set_ylim(bottom, top * (top / bottom) ** (band / (1.0 - band)))
        else:
            ax.set_ylim(bottom, top + band / (1.0 - band) * (top - bottom))
    ax.set_xlabel("learning rate")
    ax.set_ylabel(ylabel)
    ax.grid(True, which="major", alpha=0.3)
    return finish(fig, ax, title if title is not None else "Learning-rate sweep", path, below=True,
                   grow_figure=own_figure)

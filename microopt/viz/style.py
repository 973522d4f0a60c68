"""What every plot shares: one color per optimizer name, new figures, saving to a file.

``color_for("adam")`` is the same red in a loss curve, a contour plot, an lr sweep and an
animation, so a reader can follow one optimizer across all of them. Every optimizer of
``microopt.optim.OPTIMIZERS`` and every preset name of ``race`` has a fixed color (the tests
check the table against both lists); any other name gets the next free color the first time
it is seen, and keeps it for the rest of the session.

matplotlib is imported inside the functions, never at import time.
"""

from __future__ import annotations

import os
from typing import Any

from microopt.viz import svg

PathLike = str | os.PathLike | None

OPTIMIZER_COLORS = {
    "gd": "#7f7f7f",
    "sgd": "#1f77b4",
    "momentum": "#17becf",
    "nesterov": "#637939",
    "adagrad": "#9467bd",
    "rmsprop": "#2ca02c",
    "adadelta": "#8c564b",
    "adam": "#d62728",
    "adamw": "#ff7f0e",
    "adamax": "#e377c2",
    "nadam": "#bcbd22",
    "radam": "#393b79",
    "lion": "#7b4173",
    "rprop": "#e7969c",
}
# Handed out in order to names not in the table above (then reused, cycling).
EXTRA_COLORS = ("#3182bd", "#e6550d", "#31a354", "#756bb1", "#843c39", "#a55194",
                "#8ca252", "#bd9e39", "#5254a3", "#ad494a")
# Class colors for datasets: class 0 blue, class 1 red, then green, orange, purple...
CLASS_COLORS = ("#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf")

_assigned: dict[str, str] = {}


def color_for(name: str) -> str:
    """The color of optimizer (or run) ``name``, as a hex string; the same on every call.

    >>> color_for("Adam") == color_for("adam") == OPTIMIZER_COLORS["adam"]
    True
    """
    key = str(name).strip().lower()
    if key in OPTIMIZER_COLORS:
        return OPTIMIZER_COLORS[key]
    if key not in _assigned:
        _assigned[key] = EXTRA_COLORS[len(_assigned) % len(EXTRA_COLORS)]
    return _assigned[key]


def new_axes(ax: Any = None, figsize: tuple[float, float] = (6.4, 4.2)):
    """``(figure, axes)``: the given ``ax`` and its figure, or a new figure with one axes.

    A new figure is made by pyplot, which picks the backend (Agg when there is no display,
    the inline backend in Jupyter, which also teaches Jupyter to show figures as images),
    and then closed at once: pyplot keeps no reference, so nothing pops up or piles up, and
    in a notebook the figure shows exactly once, when it is the last value of a cell (or
    with ``display(fig)``).

    Without matplotlib (Pyodide in JupyterLite), an SVG figure of ``microopt.viz.svg`` instead.
    """
    if ax is not None:
        return ax.figure, ax
    if not svg.has_matplotlib():
        fig = svg.SvgFigure(figsize)
        return fig, fig.axes[0]
    import matplotlib.pyplot as plt

    fig = plt.figure(figsize=figsize, layout="constrained")
    plt.close(fig)
    return fig, fig.add_subplot()


def legend_below(ax: Any, *, grow_figure: bool = False, max_columns: int = 4):
    """A legend under the x label of ``ax``, never over it, in as many columns as fit its width.

    The tick labels and the x label hang below the axes by a fixed height in inches, whatever
    size the layout gives the axes, so the legend is anchored that far below the bottom edge.
    Long names take fewer columns instead of widening the legend past the axes (which would
    squeeze the plot). ``grow_figure``: make the figure taller by the legend's height, so the
    plot keeps its size (for a figure the plot made itself). Returns the legend, or None when
    nothing is labelled.
    """
    if isinstance(ax, svg.SvgAxes):  # its layout makes room for a legend below by itself
        return ax.legend(below=True, fontsize="small")
    from matplotlib.transforms import ScaledTranslation

    handles, labels = ax.get_legend_handles_labels()
    if not handles:
        return None
    fig = ax.figure
    drop = (ax.bbox.y0 - ax.xaxis.get_tightbbox().y0) / fig.dpi + 0.08  # inches
    below = ax.transAxes + ScaledTranslation(0.0, -drop, fig.dpi_scale_trans)
    for columns in range(min(len(handles), max_columns), 0, -1):
        legend = ax.legend(handles, labels, loc="upper center", bbox_to_anchor=(0.5, 0.0), bbox_transform=below,
                           ncols=columns, fontsize="small", frameon=False)
        if legend.get_window_extent().width <= ax.bbox.width:
            break
    if grow_figure:
        width, height = fig.get_size_inches()
        fig.set_size_inches(width, height + legend.get_window_extent().height / fig.dpi)
    return legend


def finish(fig, ax, title: str | None, path: PathLike, below: bool = False, grow_figure: bool = False):
    """Title, legend and save: how every plot ends.

    ``below``: the legend goes under the x label, where it hides no data; ``grow_figure``: the
    plot made ``fig``, so it may grow taller to make room for that legend.
    """
    if title:
        ax.set_title(title)
    if below:
        legend_below(ax, grow_figure=grow_figure)
    elif ax.get_legend_handles_labels()[0]:
        ax.legend(fontsize="small", framealpha=0.85)
    save(fig, path)
    return fig


SAVE_FORMATS = (".png", ".svg", ".pdf", ".jpg", ".jpeg")


def save(fig: Any, path: PathLike, dpi: int = 120) -> None:
    """Write ``fig`` to ``path`` (PNG, SVG, PDF or JPEG, from the suffix), if a path is given.

    The one place figures are written, by the plots and by the ``microopt`` command alike.
    """
    if path is None:
        return
    suffix = os.path.splitext(os.fspath(path))[1].lower()
    if suffix not in SAVE_FORMATS:
        raise ValueError(
            f"Cannot save a plot as {os.fspath(path)!r}: unknown file type {suffix or '(none)'!r}. "
            f"Use one of {', '.join(SAVE_FORMATS)}, e.g. 'loss.png'."
        )
    fig.savefig(path, dpi=dpi, bbox_inches="tight", pad_inches=0.1)

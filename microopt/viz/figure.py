"""Figures of your own that draw with matplotlib, or as SVG where there is no matplotlib.

For the plots a lesson draws itself, with matplotlib's own calls::

    from microopt.viz import show, subplots

    fig, ax = subplots(figsize=(8, 4))
    ax.plot(losses, label="training loss")
    ax.set_yscale("log"); ax.set_xlabel("step"); ax.legend()
    show(fig)

``subplots`` returns matplotlib's figure and axes when matplotlib imports, and an
``microopt.viz.svg.SvgFigure`` with its ``SvgAxes`` otherwise (Pyodide in JupyterLite): the same
calls work on both (``plot``, ``scatter``, ``hist``, ``axhline``, ``axvline``, ``contour(f)``,
scales, limits, labels, titles, legends), so what you know of matplotlib applies. A figure
shows itself when it is the last value of a cell; ``show(fig)`` shows it anywhere in the cell.
``colormap("viridis", n)`` gives n colors of a colormap as hex strings, for either.
"""

from __future__ import annotations

import warnings
from typing import Any

from microopt._validate import whole_number
from microopt.viz import svg
from microopt.viz.svg.colors import COLORMAPS, interpolate


def subplots(nrows: int = 1, ncols: int = 1, *, figsize: tuple[float, float] | None = None,
             squeeze: bool = True):
    """``(figure, axes)`` as ``matplotlib.pyplot.subplots`` returns them: one axes, a row or a grid.

    With matplotlib, a constrained-layout figure made by pyplot (which picks the inline
    backend in Jupyter) and closed at once: it shows exactly once, when it is the last value
    of a cell or passed to ``show``, and never piles up in pyplot. Without matplotlib, an
    ``SvgFigure``. ``figsize`` in inches, (6.4, 4.8) by default, as matplotlib's.
    """
    nrows = whole_number("nrows", nrows, minimum=1, maximum=10, advice="It is the number of rows of plots.")
    ncols = whole_number("ncols", ncols, minimum=1, maximum=10, advice="It is the number of plots per row.")
    figsize = (6.4, 4.8) if figsize is None else figsize
    if not svg.has_matplotlib():
        figure = svg.SvgFigure(figsize, nrows, ncols)
        return figure, figure.subplots(squeeze=squeeze)
    import matplotlib.pyplot as plt

    figure = plt.figure(figsize=figsize, layout="constrained")
    plt.close(figure)
    return figure, figure.subplots(nrows, ncols, squeeze=squeeze)


def show(figure: Any) -> None:
    """Show ``figure`` (matplotlib's or an ``SvgFigure``) in the notebook, now.

    Outside a notebook there is nowhere to show it: a warning says to save it instead.
    """
    try:
        from IPython import get_ipython
        from IPython.display import display
    except ImportError:
        get_ipython = None
    if get_ipython is None or get_ipython() is None:
        warnings.warn("show(figure): not in a notebook, so the figure is not shown; save it with "
                      "figure.savefig('plot.svg') (or .png with matplotlib).", stacklevel=2)
        return
    display(figure)


def colormap(name: str, n: int) -> list[str]:
    """``n`` colors evenly spaced along colormap ``name`` (from 0 to 1), as hex strings.

    The colors of ``matplotlib.colormaps[name]`` at 0, 1/(n-1), ..., 1, for lines of a family
    (one per learning rate, say) with or without matplotlib.

    >>> colormap("viridis", 3)
    ['#440154', '#21918c', '#fde725']
    """
    if name not in COLORMAPS:
        raise ValueError(f"Invalid colormap: {name!r} (must be one of {', '.join(sorted(COLORMAPS))}). "
                         "Pick one of those, or give the colors yourself.")
    n = whole_number("n", n, minimum=1, advice="It is the number of colors to take from the colormap.")
    return [interpolate(COLORMAPS[name], k / (n - 1) if n > 1 else 0.0) for k in range(n)]

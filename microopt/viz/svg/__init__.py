"""Plots as hand-built SVG, for where matplotlib is not installed (Pyodide in JupyterLite).

``microopt.viz.subplots`` and ``microopt.viz.style.new_axes`` return an ``SvgFigure`` and its
``SvgAxes`` instead of matplotlib's when matplotlib cannot be imported, so microopt's plots
(``plot_losses``, ``plot_lr_sweep``, ``plot_lr_find``, ``plot_contour``,
``plot_decision_boundary``) and the lessons' own figures run unchanged: ``SvgAxes``
understands the part of the matplotlib ``Axes`` API they use, under matplotlib's names.
Nothing is drawn until the figure is shown: ``SvgFigure`` displays itself in Jupyter
(``_repr_svg_``) and ``savefig("plot.svg")`` writes the file.

Pure standard library, in five parts: ``colors`` (names, the color cycle, viridis),
``axes`` (the calls, recorded as marks in data coordinates), ``contours`` (marching squares
for ``contour``/``contourf``), ``draw`` (one axes laid out as SVG elements) and ``figure``
(a grid of axes as one SVG document). A new ``Axes`` method goes into ``axes`` (the mark)
and ``draw`` (how it looks).
"""

from microopt.viz.svg.axes import AXES_COORDINATES, SvgAxes
from microopt.viz.svg.colors import viridis
from microopt.viz.svg.figure import AxesArray, SvgFigure


def has_matplotlib() -> bool:
    """Whether matplotlib can be imported here (it cannot under Pyodide)."""
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        return False
    return True


__all__ = ["AXES_COORDINATES", "AxesArray", "SvgAxes", "SvgFigure", "has_matplotlib", "viridis"]

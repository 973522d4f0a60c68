"""Pictures of optimization: computation-graph diagrams (graphviz) and plots (matplotlib).

Importing ``microopt.viz`` loads no drawing library: each function imports matplotlib or
graphviz when it draws. Without matplotlib (Pyodide in JupyterLite) the plots, and figures
of your own made with ``subplots``, are drawn as SVG (``microopt.viz.svg``). The plots read
``microopt.train``'s results through the protocols of ``microopt.viz.protocols``.
"""

from microopt.viz.animation import animate_trajectories
from microopt.viz.figure import colormap, show, subplots
from microopt.viz.boundaries import plot_decision_boundaries, plot_decision_boundary
from microopt.viz.graph import draw_graph, save_graph
from microopt.viz.lr_find import plot_lr_find
from microopt.viz.plots import plot_contour, plot_losses, plot_lr_sweep
from microopt.viz.style import color_for

__all__ = ["animate_trajectories", "color_for", "colormap", "draw_graph", "plot_contour", "plot_decision_boundaries",
           "plot_decision_boundary", "plot_losses", "plot_lr_find", "plot_lr_sweep", "save_graph", "show", "subplots"]

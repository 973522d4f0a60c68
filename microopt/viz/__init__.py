"""Pictures of optimization: computation-graph diagrams (graphviz) and plots (matplotlib).

Nothing heavy is imported here: each name loads its module, and that module its drawing
library, on first use.
"""

from __future__ import annotations

import importlib

# name -> the submodule that defines it
_EXPORTS = {
    "draw_graph": "microopt.viz.graph",
    "save_graph": "microopt.viz.graph",
    "plot_losses": "microopt.viz.plots",
    "plot_contour": "microopt.viz.plots",
    "plot_decision_boundary": "microopt.viz.boundaries",
    "plot_decision_boundaries": "microopt.viz.boundaries",
    "plot_lr_sweep": "microopt.viz.plots",
    "plot_lr_find": "microopt.viz.lr_find",
    "animate_trajectories": "microopt.viz.animation",
    "color_for": "microopt.viz.style",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    if name in _EXPORTS:
        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'microopt.viz' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_EXPORTS))

"""`plot_lr_find`: the lr range test's loss against learning rate, with its suggestions marked.

matplotlib is imported inside the function only (through ``new_axes``).
"""

from __future__ import annotations

import os
from typing import Any

from microopt.viz.style import color_for, legend_below, new_axes, save


def plot_lr_find(result: Any, *, ax: Any = None, title: str | None = None, show_raw: bool = True,
                 path: str | os.PathLike | None = None):
    """Raw and smoothed loss against lr (log axis) of a ``microopt.train.lr_find`` result.

    The steepest-descent suggestion is marked with a dot on the smoothed curve, one tenth of
    the minimum with a dashed vertical line; a test that stopped on divergence ends in an ✕.
    Returns the Figure (written to ``path`` when given).
    """
    for name in ("lrs", "losses", "smoothed_losses", "steepest_lr", "minimum_lr", "diverged"):
        if not hasattr(result, name):
            raise TypeError(f"plot_lr_find needs the result of microopt.train.lr_find, got "
                            f"{type(result).__name__}: {result!r:.100}.")
    if not result.lrs:
        raise ValueError("plot_lr_find: the test recorded no step (the very first loss was not finite).")
    own_figure = ax is None
    fig, ax = new_axes(ax, figsize=(7.0, 4.2))
    color = color_for("sgd")
    if show_raw:
        ax.plot(result.lrs, result.losses, lw=0.8, alpha=0.35, color=color, label="loss of each minibatch")
    ax.plot(result.lrs, result.smoothed_losses, lw=2.0, color=color, label="smoothed loss")
    steepest, minimum = result.steepest_lr, result.minimum_lr
    if steepest is not None:
        at = result.smoothed_losses[result.lrs.index(steepest)]
        ax.scatter([steepest], [at], s=70, color="tab:red", zorder=5, label=f"steepest descent: lr = {steepest:.2g}")
    if minimum is not None:
        ax.axvline(minimum, color="tab:green", ls="--", lw=1.2, label=f"minimum / 10: lr = {minimum:.2g}")
    if result.diverged:
        # x in data coordinates, y in axes coordinates: pinned to the top edge, above the capped axis
        ax.scatter([result.lrs[-1]], [0.96], transform=ax.get_xaxis_transform(), marker="x", s=70, linewidths=2,
                   color="black", zorder=5, clip_on=False, label=f"stopped (diverging) at lr = {result.lrs[-1]:.2g}")
    ax.set_xscale("log")
    # The blow-up that stopped the test would flatten the rest of the curve: the axis stops at
    # the highest smoothed loss before the last 5 steps.
    kept = len(result.lrs) - 5 if result.diverged and len(result.lrs) > 5 else len(result.lrs)
    shown = result.smoothed_losses[:kept] + (result.losses[:kept] if show_raw else [])
    low, high = min(shown), max(result.smoothed_losses[:kept])
    margin = 0.05 * (high - low) or 0.05 * abs(high) or 1.0
    ax.set_ylim(low - margin, high + 5 * margin)
    ax.set_xlabel("learning rate (log scale)")
    ax.set_ylabel("training loss")
    ax.set_title(title if title is not None else f"lr range test ({len(result.lrs)} steps)")
    legend_below(ax, grow_figure=own_figure)  # under the x label, where it hides no point
    save(fig, path)
    return fig

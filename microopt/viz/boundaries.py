"""Decision boundaries: the regions a 2-feature classifier assigns to each class.

``plot_decision_boundary`` draws one model; ``plot_decision_boundaries`` a grid of them, one
per run of a race (the models come from ``race(..., callback=...)``). matplotlib is
imported inside the functions only; without it (Pyodide in JupyterLite), ``plot_decision_boundary``
draws SVG (``microopt.viz.svg``), with the same regions, boundary and points.
"""

from __future__ import annotations

import math
from typing import Any, Callable, Mapping, Sequence

from microopt._validate import whole_number
from microopt.train.text import format_percent
from microopt.viz.landscape import as_number
from microopt.viz.protocols import Race
from microopt.viz.style import CLASS_COLORS, PathLike, finish, new_axes, save

# The model runs resolution² times: 400 is 160 000 forward passes, minutes for a small MLP.
MAX_RESOLUTION = 400


def check_resolution(resolution: object) -> int:
    return whole_number("resolution", resolution, minimum=10, maximum=MAX_RESOLUTION,
                        advice="It is the number of grid points per axis; 50 to 100 draw a smooth boundary.")


def _grid_outputs(model: Callable, xs, ys) -> list[list[Any]]:
    """The model's output at every grid point: a float score, or a list of k float logits."""
    grid = []
    for y in ys:
        row = []
        for x in xs:
            out = model([float(x), float(y)])
            if isinstance(out, (list, tuple)) and len(out) == 1:
                out = out[0]
            if isinstance(out, (list, tuple)):
                row.append([as_number(v, "model output") for v in out])
            else:
                row.append(as_number(out, "model output"))
        grid.append(row)
    return grid


def plot_decision_boundary(model: Callable, X: Sequence[Sequence[float]], y: Sequence[int], *,
                           ax: Any = None, resolution: int = 60, padding: float = 0.5,
                           title: str | None = None, path: PathLike = None):
    """The regions a 2-feature classifier assigns to each class, with the data on top.

    Args:
        model: called as ``model([x1, x2])``; returns one score (a Value or float: class 1
            when > 0, as for logits and hinge scores) or a list of k logits (the class is
            the argmax), as ``microopt.nn.MLP`` does.
        X, y: the samples (two features each) and their labels: 0/1, -1/+1 or 0..k-1.
        resolution: grid points per axis, 10 to ``MAX_RESOLUTION``; the model runs
            resolution² times, so keep it modest for big models (60 takes about a second for
            a 2-16-16-1 MLP).
        padding: margin around the data, in feature units.
        ax, title, path: as in ``plot_losses``.

    Returns the Figure.
    """
    if len(X) != len(y):
        raise ValueError(f"plot_decision_boundary: X has {len(X)} samples but y has {len(y)}.")
    if len(X) == 0:
        raise ValueError("plot_decision_boundary: X is empty; pass at least one sample.")
    for i, x in enumerate(X):
        if isinstance(x, (str, bytes)) or not hasattr(x, "__len__") or len(x) != 2:
            raise ValueError(
                f"plot_decision_boundary needs exactly 2 features per sample (to draw a plane), "
                f"but sample {i} is {x!r}."
            )
    resolution = check_resolution(resolution)
    points = [[as_number(v, f"X[{i}]") for v in x] for i, x in enumerate(X)]
    labels = sorted(set(y))
    signed = set(labels) <= {-1, 1} and -1 in labels
    # class index of each label: -1/+1 become 0/1, so they match "score > 0 is class 1"
    index = {label: (1 if label == 1 else 0) if signed else label for label in labels}
    if not all(isinstance(c, int) and c >= 0 for c in index.values()):
        raise ValueError(f"plot_decision_boundary: labels must be 0/1, -1/+1 or 0..k-1, got {labels}.")

    x0, x1 = min(p[0] for p in points) - padding, max(p[0] for p in points) + padding
    y0, y1 = min(p[1] for p in points) - padding, max(p[1] for p in points) + padding
    xs = [x0 + (x1 - x0) * k / (resolution - 1) for k in range(resolution)]
    ys = [y0 + (y1 - y0) * k / (resolution - 1) for k in range(resolution)]
    Z = _grid_outputs(model, xs, ys)
    one_score = not isinstance(Z[0][0], list)
    if one_score:  # one score s per point: class 1 where s > 0, class 0 where s < 0
        margins = [[[-s for s in row] for row in Z], Z]
    else:  # k logits per point: class c wins where z_c - max_{j != c} z_j > 0
        margins = [[[z[c] - max(z[:c] + z[c + 1:]) for z in row] for row in Z] for c in range(len(Z[0][0]))]
    k = max(len(margins), max(index.values()) + 1)
    colors = [CLASS_COLORS[c % len(CLASS_COLORS)] for c in range(k)]

    fig, ax = new_axes(ax, figsize=(6.2, 5.2))
    for c, margin in enumerate(margins):
        low, high = min(map(min, margin)), max(map(max, margin))
        # Each region is the zero level set of a margin, interpolated between grid points:
        # boundaries come out smooth even on a coarse grid.
        if high > 0.0:
            ax.contourf(xs, ys, margin, levels=[0.0, high + 1.0], colors=[colors[c]], alpha=0.25)
        # With one score, both margins have the same zero line: draw it once.
        if low < 0.0 < high and (not one_score or c == 1):
            ax.contour(xs, ys, margin, levels=[0.0], colors="black", linewidths=1.0)
    for label in labels:
        chosen = [p for p, t in zip(points, y) if t == label]
        ax.scatter([p[0] for p in chosen], [p[1] for p in chosen], s=22, color=colors[index[label]],
                   edgecolors="black", linewidths=0.5, label=f"class {label}", zorder=3)
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_xlabel("feature 1")
    ax.set_ylabel("feature 2")
    return finish(fig, ax, title if title is not None else "Decision boundary", path)


def plot_decision_boundaries(models: Mapping[str, Callable], X: Sequence[Sequence[float]], y: Sequence[int], *,
                             runs: Any = None, columns: int = 2, resolution: int = 50, path: PathLike = None):
    """One decision-boundary plot per trained model, ``columns`` per row.

    Args:
        models: ``{name: model}``, e.g. the models a ``race`` hands to its ``callback``.
        X, y: the samples drawn on every plot (two features each) and their labels.
        runs: optional, the race (a ``RaceResult``, or a mapping name -> run): a run read
            through ``diverged``, ``diverged_at`` and ``test_accuracy``. A diverged run's
            weights are no longer numbers, so its plot says where it diverged instead; the
            others are titled with their test accuracy.
        columns, resolution, path: plots per row; grid points per axis; save to ``path``.

    Returns the Figure.
    """
    import matplotlib.pyplot as plt

    if not models:
        raise ValueError("plot_decision_boundaries got no models; pass {name: trained model}.")
    columns = whole_number("columns", columns, minimum=1)
    resolution = check_resolution(resolution)
    runs = runs.runs if isinstance(runs, Race) else (runs or {})
    columns = min(columns, len(models))
    rows = math.ceil(len(models) / columns)
    figure, axes = plt.subplots(rows, columns, figsize=(5.2 * columns, 4.2 * rows), squeeze=False)
    plt.close(figure)  # as new_axes does: the caller shows or saves it
    for ax, (name, model) in zip(axes.flat, models.items()):
        run = runs.get(name)
        if run is not None and run.diverged:
            ax.text(0.5, 0.5, f"{name}\ndiverged at step {run.diverged_at}", ha="center", va="center",
                    transform=ax.transAxes)
            ax.set_axis_off()
            continue
        accuracy = getattr(run, "test_accuracy", None)
        title = name if accuracy is None else f"{name}: test accuracy {format_percent(accuracy)}"
        plot_decision_boundary(model, X, y, ax=ax, resolution=resolution, title=title)
    for ax in list(axes.flat)[len(models):]:
        ax.set_visible(False)
    figure.tight_layout()
    save(figure, path)
    return figure

"""What the 2-D explorables share: a race run as drawing data, and the loss chart's axes.

Coordinates and losses are rounded for drawing only (a pixel is about a hundredth of a chart);
every number the page prints is formatted here from the run itself.
"""

from __future__ import annotations

import math

from microopt.site.charts import Axes
from microopt.train.race import RaceRun


def format_loss(loss: float) -> str:
    """A loss as the sweep and race tables print it (4 significant digits)."""
    return f"{loss:.4g}"


def loss_range(runs: list[RaceRun]) -> tuple[float, float]:
    """The loss axis: from the decade below the smallest positive loss any run reached (at least
    1e-9 of the start) to the decade above ten times the first loss, where divergence goes."""
    first = runs[0].losses[0]
    reached = [loss for run in runs for loss in run.losses if math.isfinite(loss) and loss > 0]
    low = max(min(reached), first * 1e-9)
    return 10.0 ** math.floor(math.log10(low)), 10.0 ** math.ceil(math.log10(first * 10))


def loss_axes(runs: list[RaceRun], steps: int, **options) -> Axes:
    return Axes((0, steps), loss_range(runs), "step", "loss f(x, y) − f*  (log scale)", log_y=True, **options)


def run_data(run: RaceRun, axes: Axes, minimum: float) -> dict:
    """One run for the page: its trajectory and loss curve (rounded, clamped to the loss axis), and its texts."""
    low = axes.y[0]
    curve = [max(loss - minimum, low) if math.isfinite(loss) else None for loss in run.losses]
    if run.diverged:
        status = f"diverged at step {run.diverged_at}"
    elif run.steps_to_threshold is not None:
        status = f"reached f − f* ≤ 1e-3 at step {run.steps_to_threshold}"
    else:
        status = "did not reach f − f* ≤ 1e-3"
    path = []  # flat: x0, y0, x1, y1, ... up to the last finite point
    for x, y in run.trajectory:
        if not (math.isfinite(x) and math.isfinite(y)):
            break
        path += [round(x, 3), round(y, 3)]
    return {"path": path,
            "loss": [float(f"{v:.4g}") if v is not None else None for v in curve],
            "lr": f"{run.lr:g}", "final": "∞ (diverged)" if run.diverged else format_loss(run.final_loss),
            "diverged": run.diverged, "reached": run.steps_to_threshold is not None, "status": status,
            "message": run.message or ""}

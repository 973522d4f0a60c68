"""plot_lr_find: raw and smoothed curves on a log lr axis, the suggestions and the stop marked."""

from __future__ import annotations

import matplotlib
import pytest

matplotlib.use("Agg")

from microopt.nn import MLP  # noqa: E402
from microopt.optim import SGD  # noqa: E402
from microopt.train import LRFinderResult, lr_find  # noqa: E402
from microopt.viz.lr_find import plot_lr_find  # noqa: E402


def _diverging_result() -> LRFinderResult:
    model = MLP(1, [1])
    return lr_find(model, SGD(model.parameters(), lr=0.1), ([[1.0], [2.0], [3.0]], [2.0, 3.0, 5.0]), loss="mse")


def test_curves_suggestions_and_stop_mark(tmp_path):
    result = _diverging_result()
    assert result.diverged
    fig = plot_lr_find(result, path=tmp_path / "lr_find.png")
    ax = fig.axes[0]
    assert ax.get_xscale() == "log"
    raw, smoothed = ax.get_lines()[:2]
    assert list(raw.get_ydata()) == result.losses and list(smoothed.get_ydata()) == result.smoothed_losses
    labels = [c.get_label() for c in ax.collections]
    assert any(label.startswith("steepest descent: lr = ") for label in labels)
    assert any(label.startswith("stopped (diverging)") for label in labels)
    minimum = next(line for line in ax.get_lines() if line.get_label().startswith("minimum / 10"))
    assert minimum.get_xdata()[0] == result.minimum_lr
    # the blow-up of the last steps does not set the scale
    assert ax.get_ylim()[1] < max(result.smoothed_losses)
    assert (tmp_path / "lr_find.png").read_bytes().startswith(b"\x89PNG\r\n\x1a\n")


def test_show_raw_false_draws_only_the_smoothed_curve_and_bad_input_is_refused():
    result = _diverging_result()
    assert plot_lr_find(result, show_raw=False).axes[0].get_lines()[0].get_label() == "smoothed loss"
    with pytest.raises(TypeError, match="needs the result of microopt.train.lr_find"):
        plot_lr_find([1, 2, 3])
    empty = LRFinderResult([], [], [], diverged=True, reason="the loss became inf", method="steepest", num_steps=10)
    with pytest.raises(ValueError, match="recorded no step"):
        plot_lr_find(empty)

"""Plots: valid image files, the expected artists on the axes, consistent colors, bad input."""

from __future__ import annotations

import base64
import math
import subprocess
import sys

import pytest

# matplotlib and Pillow are dependencies of microopt: a missing one must fail, not skip
import matplotlib  # noqa: E402
matplotlib.use("Agg")
from PIL import Image  # noqa: E402

from matplotlib.colors import to_hex  # noqa: E402

from microopt import Value  # noqa: E402
from microopt.functions import Himmelblau, Quadratic  # noqa: E402
from microopt.train.history import History  # noqa: E402
from microopt.viz import (animate_trajectories, color_for, plot_contour, plot_decision_boundary,  # noqa: E402
                          plot_losses, plot_lr_sweep)

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
FAST = {"resolution": 30}  # a coarse grid keeps the contour tests quick


def _lines(fig):
    return [line for line in fig.axes[0].get_lines()]


def _labels(fig):
    return fig.axes[0].get_legend_handles_labels()[1]


def _colorbar(fig):
    """The contour map's colorbar: an inset of the map's axes, so it follows the map's shape."""
    (colorbar,) = fig.axes[0].child_axes
    return colorbar


def _assert_png(path):
    assert path.read_bytes()[:8] == PNG_SIGNATURE
    with Image.open(path) as image:
        image.load()
        assert image.format == "PNG" and image.width > 200 and image.height > 150


def test_importing_viz_loads_no_drawing_library():
    code = ("import sys, microopt, microopt.viz, microopt.viz.plots, microopt.viz.animation; "
            "print(sorted(m for m in ('matplotlib', 'PIL', 'numpy') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


# ----------------------------------------------------------------------------- colors
def test_colors_are_fixed_for_known_optimizers_and_stable_for_others():
    assert color_for("Adam") == color_for("adam") == "#d62728"
    assert color_for("sgd") != color_for("momentum")
    first = color_for("my optimizer (lr=0.3)")
    assert color_for("my optimizer (lr=0.3)") == first
    assert color_for("another one") != first


# ----------------------------------------------------------------------------- plot_losses
def test_plot_losses_one_line_per_run_in_its_color(tmp_path):
    runs = {"sgd": [1.0, 0.8, 0.7], "adam": [1.0, 0.5, 0.2], "rmsprop": [1.0, 0.6, 0.4]}
    fig = plot_losses(runs, path=tmp_path / "losses.png", title="three runs")
    lines = _lines(fig)
    assert [line.get_label() for line in lines] == ["sgd", "adam", "rmsprop"]
    assert [to_hex(line.get_color()) for line in lines] == [color_for(n) for n in runs]
    assert list(lines[1].get_ydata()) == [1.0, 0.5, 0.2]
    assert fig.axes[0].get_yscale() == "linear"  # less than two decades
    assert fig.axes[0].get_title() == "three runs"
    _assert_png(tmp_path / "losses.png")


def test_plot_losses_log_scale_auto_and_forced():
    spanning = {"adam": [10.0 ** -k for k in range(6)]}
    assert plot_losses(spanning).axes[0].get_yscale() == "log"
    assert plot_losses(spanning, log=False).axes[0].get_yscale() == "linear"
    assert plot_losses({"a": [3.0, 2.0]}, log=True).axes[0].get_yscale() == "log"


def test_plot_losses_marks_a_diverged_run():
    fig = plot_losses({"sgd": [1.0, 5.0, 80.0, math.inf, math.nan], "adam": [1.0, 0.5]})
    sgd = _lines(fig)[0]
    assert sgd.get_label() == "sgd (diverged)"
    assert list(sgd.get_ydata()) == [1.0, 5.0, 80.0]  # drawn up to the last finite loss
    markers = fig.axes[0].collections
    assert len(markers) == 1 and list(markers[0].get_offsets()[0]) == [2.0, 80.0]


def test_plot_losses_from_histories_shows_train_and_validation(tmp_path):
    history = History(
        steps=[{"step": i, "epoch": i // 2, "loss": 1.0 / (i + 1)} for i in range(6)],
        epochs=[{"epoch": e, "train_loss": 1.0 / (e + 1), "val_loss": 1.2 / (e + 1)} for e in range(3)],
    )
    no_validation = History(epochs=[{"epoch": e, "train_loss": 0.5, "val_loss": None} for e in range(3)])
    fig = plot_losses({"adam": history, "sgd": no_validation}, path=tmp_path / "history.svg")
    lines = _lines(fig)
    assert [line.get_label() for line in lines] == ["adam train", "adam validation", "sgd train"]
    assert lines[1].get_linestyle() == "--" and lines[0].get_linestyle() == "-"
    assert list(lines[1].get_ydata()) == pytest.approx([1.2, 0.6, 0.4])
    assert fig.axes[0].get_xlabel() == "epoch"
    text = (tmp_path / "history.svg").read_text()
    assert text.startswith("<?xml") and "<svg" in text

    per_step = plot_losses({"adam": history}, per="step")
    assert len(_lines(per_step)) == 1 and len(_lines(per_step)[0].get_xdata()) == 6
    assert per_step.axes[0].get_xlabel() == "step"


def test_plot_losses_accepts_a_race_result():
    from microopt.train.race import race

    result = race(["gd", "adam"], "quadratic", steps=10)
    fig = plot_losses(result)
    assert [line.get_label() for line in _lines(fig)] == ["gd", "adam"]
    assert len(_lines(fig)[0].get_ydata()) == len(result["gd"].losses)


def test_plot_losses_single_unnamed_run_and_existing_axes():
    from matplotlib.figure import Figure

    fig = Figure()
    left, right = fig.subplots(1, 2)
    returned = plot_losses([Value(2.0), 1.0, 0.5], ax=right)
    assert returned is fig and len(right.get_lines()) == 1 and len(left.get_lines()) == 0
    assert right.get_legend() is None  # nothing to name


@pytest.mark.parametrize("call, error, message", [
    (lambda: plot_losses({}), ValueError, "no runs"),
    (lambda: plot_losses({"a": [1.0]}, per="batch"), ValueError, "per must be"),
    (lambda: plot_losses({"a": 3.0}), TypeError, "run 'a' must be a list of losses"),
    (lambda: plot_losses({"a": [1.0, "x"]}), TypeError, "loss 1 must be a number"),
    (lambda: plot_losses({"a": [1.0]}, path="loss.txt"), ValueError, "unknown file type '.txt'"),
    (lambda: plot_losses({"a": History(steps=[{"step": 0, "loss": 1.0}])}, per="epoch"), ValueError,
     r"run 'a' has no epoch losses to plot \(try per='step'\)"),
])
def test_plot_losses_bad_input(call, error, message):
    with pytest.raises(error, match=message):
        call()


# ----------------------------------------------------------------------------- plot_contour
def test_plot_contour_draws_trajectories_minima_and_start(tmp_path):
    trajectories = {"sgd": [(0.0, 0.0), (1.0, 1.0), (2.0, 1.5), (3.0, 2.0)], "adam": [(0.0, 0.0), (-1.0, 1.0)]}
    fig = plot_contour(Himmelblau(), trajectories, path=tmp_path / "contour.png", **FAST)
    ax = fig.axes[0]
    lines = _lines(fig)
    assert [line.get_label() for line in lines] == ["sgd", "adam"]
    assert [to_hex(line.get_color()) for line in lines] == [color_for("sgd"), color_for("adam")]
    assert list(lines[0].get_xdata()) == [0.0, 1.0, 2.0, 3.0]
    labels = _labels(fig)
    assert "global minima" in labels and "start" in labels
    minima = next(c for c in ax.collections if c.get_label() == "global minima")
    assert len(minima.get_offsets()) == 4
    start = next(c for c in ax.collections if c.get_label() == "start")
    assert list(start.get_offsets()[0]) == [0.0, 0.0]
    assert ax.get_xlim() == (-5.0, 5.0) and ax.get_ylim() == (-5.0, 5.0)
    assert "Himmelblau" in ax.get_title()
    assert len(fig.axes) == 1 and _colorbar(fig).get_ylabel() == "f(x, y) (log scale)"  # f* = 0
    _assert_png(tmp_path / "contour.png")


def test_plot_contour_by_name_without_trajectories_marks_the_suggested_start():
    fig = plot_contour("rosenbrock", **FAST)
    assert _lines(fig) == []
    start = next(c for c in fig.axes[0].collections if c.get_label() == "start")
    assert list(start.get_offsets()[0]) == [-1.2, 1.0]
    assert "log scale" in _colorbar(fig).get_ylabel()  # log-spaced levels above the minimum


def test_plot_contour_saddle_uses_linear_levels_and_marks_the_saddle():
    fig = plot_contour("saddle", {"gd": [(-1.5, 0.01), (-1.2, 0.012)]}, **FAST)
    labels = _labels(fig)
    assert "saddle point" in labels and "global minimum" not in labels
    assert "log" not in _colorbar(fig).get_ylabel()


def test_plot_contour_cuts_a_diverged_trajectory_and_says_so():
    fig = plot_contour(Quadratic(), {"sgd": [(1.0, 1.0), (-3.0, 2.0), (math.inf, math.nan)]}, **FAST)
    line = _lines(fig)[0]
    assert line.get_label() == "sgd (diverged)" and list(line.get_xdata()) == [1.0, -3.0]


def test_a_trajectory_that_leaves_the_window_is_announced_and_marked_on_the_edge():
    # quadratic's window is (-3, 3) x (-3, 3): step 2 jumps from (1, 1) to (5, 3), across x = 3 at y = 2
    fig = plot_contour(Quadratic(), {"sgd": [(0.0, 0.0), (1.0, 1.0), (5.0, 3.0), (-9.0, 9.0)],
                                     "adam": [(0.0, 0.0), (0.5, 0.5)]}, bounds=((-3, 3), (-3, 3)), **FAST)
    ax = fig.axes[0]
    assert [line.get_label() for line in _lines(fig)] == ["sgd (left the window at step 2)", "adam"]
    edge = [c for c in ax.collections if c.get_label().startswith("_") and len(c.get_offsets()) == 1
            and tuple(c.get_offsets()[0]) == (3.0, 2.0)]
    assert len(edge) == 1 and to_hex(edge[0].get_facecolor()[0]) == color_for("sgd")
    assert ax.get_xlim() == (-3.0, 3.0)  # the map keeps its window; the arrowhead sits on its edge
    labels = _labels(fig)
    assert "end point" in labels and "where it left the window" in labels  # the markers are explained
    assert "end point (diverged)" not in labels  # and only those that are drawn


def test_end_points_are_in_the_legend_and_a_diverged_one_too():
    fig = plot_contour(Quadratic(), {"sgd": [(1.0, 1.0), (-2.0, 2.0), (math.inf, math.nan)]}, **FAST)
    assert _lines(fig)[0].get_label() == "sgd (diverged)"
    assert "end point (diverged)" in _labels(fig) and "where it left the window" not in _labels(fig)


def test_plot_contour_any_callable_with_bounds():
    fig = plot_contour(lambda x, y: (x - 1) ** 2 + y ** 2, bounds=((-2, 2), (-1, 1)), **FAST)
    assert fig.axes[0].get_xlim() == (-2.0, 2.0)


def test_plot_contour_leaves_undefined_regions_blank():
    fig = plot_contour(lambda x, y: math.log(x) + y * y, bounds=((-1, 3), (-1, 1)), log=False, **FAST)
    filled = [c for c in fig.axes[0].collections if getattr(c, "filled", False)]
    # the lowest value drawn is at the grid point nearest x = 0+ (x = -1 + 8 * 4/29, y = ±1/29):
    # the points with x <= 0 are left out, not drawn as -inf
    assert len(filled) == 1
    assert filled[0].zmin == pytest.approx(math.log(-1 + 8 * 4 / 29) + (1 / 29) ** 2, abs=1e-9)


LONG_NAME = "SGD(momentum=0.9, nesterov=True)"


@pytest.mark.parametrize("bounds", [
    None,  # the quadratic's own ((-5, 5), (-3, 3)): wider than tall
    ((-10.0, 10.0), (-1.0, 1.0)),  # 10 : 1, stretched to fill the figure
    ((-1.0, 1.0), (-2.5, 2.5)),  # taller than wide, drawn to scale
    ((-1.0, 1.0), (-10.0, 10.0)),  # 1 : 10
])
def test_plot_contour_layout_colorbar_fits_the_map_and_the_legend_clears_the_x_label(bounds):
    from microopt.train.race import race

    result = race(["gd", "momentum", "rmsprop", "adam"], "quadratic", steps=100, lr=0.05)
    trajectories = {LONG_NAME: result["momentum"], **{name: result[name] for name in ("gd", "rmsprop", "adam")}}
    fig = plot_contour(Quadratic(condition=10), trajectories, bounds=bounds, **FAST)
    fig.draw_without_rendering()  # the layout, as when shown or saved
    ax = fig.axes[0]
    map_box, colorbar = ax.get_window_extent(), _colorbar(fig).get_window_extent()
    # the colorbar spans the map's height, no more (pixels, at 100 dpi)
    assert colorbar.y0 >= map_box.y0 - 1 and colorbar.y1 <= map_box.y1 + 1
    assert colorbar.height >= 0.9 * map_box.height  # less only by its end triangle
    legend = ax.get_legend().get_window_extent()
    assert legend.y1 < ax.xaxis.get_tightbbox().y0  # under the tick labels and the x label
    assert not legend.overlaps(ax.xaxis.label.get_window_extent())
    assert fig.bbox.x0 <= legend.x0 and legend.x1 <= fig.bbox.x1  # no name cut at the figure's edge
    assert any(label.startswith(LONG_NAME) for label in _labels(fig))  # the whole name, maybe with a note
    assert max(map_box.width / fig.bbox.width, map_box.height / fig.bbox.height) >= 0.6  # not drawn small


def test_plot_contour_on_given_axes_keeps_the_legend_off_the_x_label():
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2, figsize=(12, 4), layout="constrained")
    plt.close(fig)
    plot_contour("quadratic", {LONG_NAME: [(-4.0, 1.5), (-2.0, 0.5)], "adam": [(-4.0, 1.5), (0.0, 0.0)]},
                 ax=axes[0], **FAST)
    fig.draw_without_rendering()  # the layout, as when shown or saved
    legend = axes[0].get_legend().get_window_extent()
    assert legend.y1 < axes[0].xaxis.get_tightbbox().y0
    assert not legend.overlaps(axes[1].get_window_extent())
    assert _colorbar(fig).get_window_extent().height <= axes[0].get_window_extent().height + 1


@pytest.mark.parametrize("kwargs, error, message", [
    ({"function": lambda x, y: math.sqrt(-1.0 - x * x), "bounds": ((-1, 1), (-1, 1))}, ValueError,
     "undefined or infinite everywhere"),
    ({"function": lambda x, y: x, "bounds": None}, ValueError, "has no .bounds"),
    ({"function": "quadratic", "bounds": ((1, 0), (0, 1))}, ValueError, "each range with min < max"),
    ({"function": "quadratic", "bounds": (1, 2)}, ValueError, "Invalid bounds"),
    ({"function": "banana"}, ValueError, "Unknown test function 'banana'"),
    ({"function": 3.0}, TypeError, "Expected a test function"),
    ({"function": "quadratic", "trajectories": [(0, 0)]}, TypeError, "mapping name -> list"),
    ({"function": "quadratic", "trajectories": {"sgd": []}}, ValueError, "non-empty list"),
    ({"function": "quadratic", "trajectories": {"sgd": [(0, 0, 0)]}}, ValueError, r"point 0 must be an \(x, y\)"),
    ({"function": "quadratic", "levels": 1}, ValueError, "Invalid levels: 1"),
])
def test_plot_contour_bad_input(kwargs, error, message):
    kwargs = {"resolution": 30, **kwargs}
    with pytest.raises(error, match=message):
        plot_contour(**kwargs)


# ----------------------------------------------------------------------------- plot_decision_boundary
POINTS = [[-1.0, 0.5], [-0.5, -1.0], [1.0, 0.3], [0.7, -0.8]]


def test_decision_boundary_of_a_linear_score_is_the_line_where_it_is_zero(tmp_path):
    fig = plot_decision_boundary(lambda x: Value(x[0]) * 2.0 - 0.2, POINTS, [0, 0, 1, 1], resolution=20,
                                 path=tmp_path / "boundary.png")
    ax = fig.axes[0]
    boundary = [c for c in ax.collections if hasattr(c, "allsegs") and not c.filled]
    assert len(boundary) == 1
    xs = [x for segment in boundary[0].allsegs[0] for x, _ in segment]
    assert xs == pytest.approx([0.1] * len(xs), abs=1e-9)  # 2 x - 0.2 = 0 at x = 0.1
    scatter = [c for c in ax.collections if c.get_label().startswith("class")]
    assert [c.get_label() for c in scatter] == ["class 0", "class 1"]
    assert [len(c.get_offsets()) for c in scatter] == [2, 2]
    _assert_png(tmp_path / "boundary.png")


def test_decision_boundary_with_signed_labels_and_with_logits():
    fig = plot_decision_boundary(lambda x: x[0], POINTS, [-1, -1, 1, 1], resolution=15)
    assert _labels(fig) == ["class -1", "class 1"]

    def three_logits(x):
        return [Value(x[0]), Value(x[1]), Value(-x[0] - x[1])]

    fig = plot_decision_boundary(three_logits, POINTS + [[-1.0, -1.0]], [1, 2, 0, 0, 2], resolution=15)
    regions = [c for c in fig.axes[0].collections if hasattr(c, "allsegs") and c.filled]
    assert len(regions) == 3  # one filled region per class


@pytest.mark.parametrize("X, y, message", [
    ([[0.0, 1.0, 2.0]], [0], "exactly 2 features"),
    ([[0.0, 1.0]], [0, 1], "X has 1 samples but y has 2"),
    ([], [], "X is empty"),
    ([[0.0, 1.0]], ["a"], "labels must be 0/1, -1/\\+1 or 0..k-1"),
])
def test_decision_boundary_bad_input(X, y, message):
    with pytest.raises(ValueError, match=message):
        plot_decision_boundary(lambda x: x[0], X, y, resolution=10)


# ----------------------------------------------------------------------------- plot_lr_sweep
def test_lr_sweep_log_axis_best_lr_and_diverged_marks(tmp_path):
    lrs = [1e-4, 1e-3, 1e-2, 1e-1, 1.0, 10.0]
    losses = [0.9, 0.6, 0.2, 0.4, math.inf, math.nan]
    fig = plot_lr_sweep(lrs, losses, path=tmp_path / "sweep.png")
    ax = fig.axes[0]
    assert ax.get_xscale() == "log" and ax.get_xlim()[1] > 10.0
    line = _lines(fig)[0]
    assert list(line.get_ydata()[:4]) == losses[:4] and all(math.isnan(v) for v in line.get_ydata()[4:])
    best = next(c for c in ax.collections if c.get_label().startswith("best"))
    assert list(best.get_offsets()[0]) == [1e-2, 0.2] and "lr = 0.01" in best.get_label()
    diverged = next(c for c in ax.collections if c.get_label().startswith("diverged"))
    assert list(diverged.get_offsets()[:, 0]) == [1.0, 10.0]
    _assert_png(tmp_path / "sweep.png")


def test_lr_sweep_several_optimizers_and_result_objects():
    lrs = [1e-3, 1e-2, 1e-1]
    fig = plot_lr_sweep(lrs, {"sgd": [1.0, 0.5, 0.1], "adam": [0.3, 0.1, math.inf]})
    assert [line.get_label() for line in _lines(fig)] == ["sgd", "adam"]
    assert [to_hex(line.get_color()) for line in _lines(fig)] == [color_for("sgd"), color_for("adam")]

    class Sweep:
        def __init__(self):
            self.lrs, self.losses = lrs, [0.5, 0.2, 0.3]

    assert len(_lines(plot_lr_sweep(Sweep()))) == 1


def test_every_optimizers_diverged_marks_are_visible_where_all_diverge_at_the_same_rates():
    lrs = [1e-3, 1e-2, 1e-1, 1.0, 10.0]
    names = ["gd", "momentum", "rmsprop", "adam"]
    fig = plot_lr_sweep(lrs, {name: [0.5 - 0.1 * k, 0.3, math.inf, math.nan, math.inf]
                              for k, name in enumerate(names)})
    ax = fig.axes[0]
    fig.draw_without_rendering()
    marks = {c.get_label(): c for c in ax.collections if "diverged" in c.get_label()}
    assert list(marks) == [f"{name} diverged (loss inf/nan)" for name in names]  # one legend entry each
    assert len({c.get_paths()[0].vertices.tobytes() for c in marks.values()}) == 4  # four marker shapes
    pixels = {label: c.get_offset_transform().transform(c.get_offsets()) for label, c in marks.items()}
    box = ax.get_window_extent()
    highest_loss = max(ax.transData.transform((lr, 0.5))[1] for lr in lrs)
    for label, points in pixels.items():
        assert [round(x) for x, _ in points] == [round(ax.transData.transform((lr, 1.0))[0]) for lr in lrs[2:]]
        assert all(highest_loss < y < box.y1 for _, y in points), label  # inside the top band, above the data
        for other, theirs in pixels.items():  # no two optimizers' marks on top of each other
            if other != label:
                assert min(abs(a[1] - b[1]) for a in points for b in theirs) >= 8.0, (label, other)


def _data_points(ax):
    """Every plotted point of ``ax`` in pixels: line vertices and scatter markers."""
    points = [ax.transData.transform(point) for line in ax.get_lines() for point in line.get_xydata()
              if all(math.isfinite(v) for v in point)]
    for collection in ax.collections:
        points += list(collection.get_offset_transform().transform(collection.get_offsets()))
    return points


@pytest.mark.parametrize("losses", [
    [0.9, 0.6, 0.2, 0.4, math.inf, math.nan],
    # the best lr sits in the lower-left corner, where a legend inside the axes likes to go
    {"sgd": [0.01, 0.2, 0.5, 0.8, 0.9, 1.0], "adam": [0.02, 0.1, 0.4, 0.7, math.inf, math.inf]},
])
def test_lr_sweep_legend_hides_no_point_and_clears_the_x_label(losses):
    fig = plot_lr_sweep([1e-4, 1e-3, 1e-2, 1e-1, 1.0, 10.0], losses)
    fig.draw_without_rendering()  # the layout, as when shown or saved
    ax = fig.axes[0]
    legend = ax.get_legend().get_window_extent()
    assert not legend.overlaps(ax.get_window_extent())  # outside the data area
    assert not any(legend.contains(x, y) for x, y in _data_points(ax))
    assert legend.y1 < ax.xaxis.get_tightbbox().y0 and fig.bbox.y0 <= legend.y0


@pytest.mark.parametrize("lrs, losses, message", [
    ([0.0, 0.1], [1.0, 1.0], r"Invalid lr 0: 0.0 \(must be a finite number > 0\)"),
    ([0.1, 0.2], [1.0], "2 learning rates but 1 losses"),
    ([], [], "no learning rates"),
    ([0.1], None, "needs the losses"),
])
def test_lr_sweep_bad_input(lrs, losses, message):
    with pytest.raises(ValueError, match=message):
        plot_lr_sweep(lrs, losses)


# ----------------------------------------------------------------------------- animation
def test_animation_writes_a_small_gif_with_every_frame(tmp_path):
    path = tmp_path / "race.gif"
    steps = [(-4.0 + 0.1 * i, 1.5 - 0.05 * i) for i in range(41)]
    animation = animate_trajectories("quadratic", {"sgd": steps, "adam": steps[:20]}, path, frames=30)
    assert path.read_bytes()[:6] == b"GIF89a" and animation.format == "gif"
    assert base64.b64decode(animation._repr_mimebundle_()["image/gif"]) == path.read_bytes()  # shown inline
    with Image.open(path) as gif:
        assert gif.n_frames == 30 and gif.width > 300
    assert path.stat().st_size < 500_000  # a few hundred KB at most
    # the returned figure shows the final frame: every trajectory complete
    assert [len(line.get_xdata()) for line in _lines(animation.figure)] == [41, 20]


def test_animation_frames_advance(tmp_path):
    path = tmp_path / "two.gif"
    steps = [(-4.0 + 0.4 * i, 1.5 - 0.15 * i) for i in range(11)]
    animate_trajectories(Quadratic(), {"momentum": steps}, path, frames=2, resolution=30)
    with Image.open(path) as gif:
        first = gif.convert("RGB").tobytes()
        gif.seek(1)
        second = gif.convert("RGB").tobytes()
    assert first != second


@pytest.mark.parametrize("path, kwargs, message", [
    ("race.mp4", {}, "must end in '.gif' or '.svg'"),
    ("race.gif", {"frames": 0}, "Invalid frames: 0"),
    ("race.gif", {"fps": 0}, "Invalid fps: 0"),
])
def test_animation_bad_input(tmp_path, path, kwargs, message):
    with pytest.raises(ValueError, match=message):
        animate_trajectories("quadratic", {"sgd": [(0.0, 0.0)]}, tmp_path / path, **kwargs)

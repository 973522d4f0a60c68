"""Optimizers racing across a contour map, as an animated GIF.

The background (contours, minima, start) is drawn once; each frame only extends every
trajectory's line to its position at that moment, so all runs move in step: frame i shows
step ⌈(i + 1)/frames · steps⌉ of each. Pillow writes the GIF (as matplotlib's ``PillowWriter``
does), so no ffmpeg is needed; 30 frames at the default size take a few hundred KB.

matplotlib and Pillow are imported inside the function only.
"""

from __future__ import annotations

import math
import os
from typing import Any

from microopt._validate import whole_number
from microopt.viz.landscape import (default_title, draw_landscape, landscape_figsize, read_bounds, read_trajectories,
                                    resolve_function, trajectory_style)
from microopt.viz.style import color_for, legend_below, new_axes

MAX_FRAMES = 1_000  # every frame is a whole image in memory until the GIF is written


def animate_trajectories(function: Any, trajectories: Any, path: str | os.PathLike, frames: int = 30, *,
                         fps: int = 10, dpi: int = 80, bounds: Any = None, levels: int = 25,
                         log: bool | str = "auto", resolution: int = 120, title: str | None = None):
    """Write a GIF of ``trajectories`` moving over the contour map of ``function``.

    Args:
        function: a ``microopt.functions`` object or its name (as in ``plot_contour``).
        trajectories: a mapping ``name -> [(x, y), ...]`` (start first), or a ``RaceResult``.
        path: where to write the GIF (must end in ``.gif``).
        frames: the number of frames; every trajectory is spread over all of them.
        fps: frames per second. dpi: dots per inch (80 gives a GIF 560 pixels wide).
        bounds, levels, log, resolution, title: as in ``plot_contour``.

    Returns the Figure, showing the last frame (every trajectory complete).
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from PIL import Image

    if os.path.splitext(os.fspath(path))[1].lower() != ".gif":
        raise ValueError(f"animate_trajectories writes a GIF: the path must end in '.gif', got {os.fspath(path)!r}.")
    frames = whole_number("frames", frames, minimum=1, maximum=MAX_FRAMES,
                          advice="Each frame is a full image held in memory; 30 make a smooth GIF.")
    fps = whole_number("fps", fps, minimum=1, maximum=100, advice="Frames per second; 10 is the default.")
    paths = read_trajectories(trajectories)
    if not paths:
        raise ValueError("animate_trajectories needs at least one trajectory, e.g. {'sgd': [(x0, y0), ...]}.")
    function = resolve_function(function)
    first_x, first_y, _ = next(iter(paths.values()))
    fig, ax = new_axes(None, figsize=landscape_figsize(read_bounds(function, bounds)))
    draw_landscape(ax, function, bounds=bounds, levels=levels, log=log, resolution=resolution,
                   start=(first_x[0], first_y[0]) if first_x else None)
    ax.set_title(title if title is not None else default_title(function))

    steps = max(len(xs) for xs, _, _ in paths.values()) - 1
    moving = {}
    for name, (xs, ys, diverged) in paths.items():
        color = color_for(name)
        line, = ax.plot([], [], "-", **trajectory_style(color), label=name + (" (diverged)" if diverged else ""))
        head = ax.scatter([], [], marker="o", s=55, color=color, edgecolors="white", linewidths=1.0, zorder=5)
        moving[name] = (xs, ys, line, head)
    legend_below(ax, grow_figure=True)
    counter = ax.text(0.02, 0.97, "", transform=ax.transAxes, va="top", fontsize="small",
                      bbox={"facecolor": "white", "alpha": 0.8, "edgecolor": "none"})

    # Blitting: draw everything that does not move once, keep that picture, and per frame
    # paste it back and draw only the moving lines on top. Redrawing the whole contour map
    # for every frame (what PillowWriter.grab_frame does) is about 20 times slower.
    animated = [artist for xs, ys, line, head in moving.values() for artist in (line, head)] + [counter]
    for artist in animated:
        artist.set_animated(True)
    saved_dpi = fig.dpi
    fig.set_dpi(dpi)
    canvas = FigureCanvasAgg(fig)  # an Agg canvas draws off screen and keeps its pixels
    canvas.draw()
    fig.set_layout_engine("none")  # freeze the layout the first draw computed
    background = canvas.copy_from_bbox(fig.bbox)
    images = []
    for frame in range(frames):
        step = math.ceil((frame + 1) / frames * steps)
        canvas.restore_region(background)
        for xs, ys, line, head in moving.values():
            shown = min(step + 1, len(xs))  # a run that stopped early stays where it stopped
            line.set_data(xs[:shown], ys[:shown])
            if shown:
                head.set_offsets([[xs[shown - 1], ys[shown - 1]]])
        counter.set_text(f"step {step} / {steps}")
        for artist in animated:
            ax.draw_artist(artist)
        images.append(Image.frombuffer("RGBA", canvas.get_width_height(), bytes(canvas.buffer_rgba()),
                                       "raw", "RGBA", 0, 1))
    # The same call matplotlib's PillowWriter ends with: Pillow writes the frames as one GIF.
    images[0].save(os.fspath(path), save_all=True, append_images=images[1:], duration=int(1000 / fps), loop=0)
    for artist in animated:
        artist.set_animated(False)
    fig.set_dpi(saved_dpi)
    return fig

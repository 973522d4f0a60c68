"""Optimizers racing across a contour map, as an animation: a GIF, or an animated SVG.

The background (contours, minima, start) is drawn once; each frame only extends every
trajectory's line to its position at that moment, so all runs move in step: frame i shows
step ⌈(i + 1)/frames · steps⌉ of each.

Two formats, the same frames:

- **GIF**, drawn by matplotlib and written by Pillow (as matplotlib's ``PillowWriter`` does),
  so no ffmpeg is needed; 30 frames at the default size take a few hundred KB.
- **Animated SVG**, drawn by ``microopt.viz.svg`` (pure Python), for where matplotlib and
  Pillow are missing (Pyodide in JupyterLite). The background is drawn once; each frame adds
  the stretch of each line walked since the previous frame, and shows the runs' current
  positions and the step counter. SMIL ``<animate>`` elements switch each frame's group on at
  its time, looping like the GIF: the browser plays it with no script, also in an ``<img>``.

``animate_trajectories`` returns an ``Animation``, which shows itself in a notebook. The
format follows the ``path`` given (``.gif`` or ``.svg``), else GIF when matplotlib and Pillow
import, SVG otherwise. matplotlib and Pillow are imported inside the functions only.
"""

from __future__ import annotations

import base64
import io
import itertools
import math
import os
from dataclasses import dataclass, field
from typing import Any

from microopt._validate import whole_number
from microopt.viz import svg
from microopt.viz.landscape import (default_title, draw_landscape, landscape_figsize, read_bounds, read_trajectories,
                                    resolve_function, trajectory_style)
from microopt.viz.style import color_for, legend_below, new_axes
from microopt.viz.svg.axes import scale
from microopt.viz.svg.draw import CHARACTER, marker, plot_box, text

MAX_FRAMES = 1_000  # every frame is a whole image in memory until the GIF is written
FORMATS = {".gif": "gif", ".svg": "svg"}
MIME_TYPES = {"gif": "image/gif", "svg": "image/svg+xml"}
_clip_ids = itertools.count()  # the clip path of each animated SVG gets its own id in a page


@dataclass(frozen=True)
class Animation:
    """An animation of trajectories: the file's bytes, which a notebook shows inline.

    ``format`` is ``"gif"`` or ``"svg"``; ``figure`` shows the last frame (every trajectory
    complete): matplotlib's figure for a GIF, an ``SvgFigure`` for an SVG.
    """
    data: bytes = field(repr=False)
    format: str
    frames: int
    figure: Any = field(repr=False)

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict[str, str]:
        shown = base64.b64encode(self.data).decode("ascii") if self.format == "gif" else self.data.decode("utf-8")
        return {MIME_TYPES[self.format]: shown, "text/plain": repr(self)}

    def save(self, path: str | os.PathLike) -> None:
        """Write the animation to ``path``, whose suffix must be its format's (``.gif`` or ``.svg``)."""
        suffix = os.path.splitext(os.fspath(path))[1].lower()
        if FORMATS.get(suffix) != self.format:
            raise ValueError(f"Cannot save this {self.format.upper()} animation as {os.fspath(path)!r}: "
                             f"use a .{self.format} file name.")
        with open(path, "wb") as file:
            file.write(self.data)


def animate_trajectories(function: Any, trajectories: Any, path: str | os.PathLike | None = None, frames: int = 30,
                         *, fps: int = 10, dpi: int = 80, bounds: Any = None, levels: int = 25,
                         log: bool | str = "auto", resolution: int = 120, title: str | None = None) -> Animation:
    """Animate ``trajectories`` moving over the contour map of ``function``; write it to ``path`` if given.

    Args:
        function: a ``microopt.functions`` object or its name (as in ``plot_contour``).
        trajectories: a mapping ``name -> [(x, y), ...]`` (start first), or a ``RaceResult``.
        path: where to write it, a ``.gif`` or ``.svg`` file; None writes no file. Its suffix
            picks the format; without a path, GIF where matplotlib and Pillow import, else SVG.
        frames: the number of frames; every trajectory is spread over all of them.
        fps: frames per second. dpi: dots per inch of a GIF (80 gives one 560 pixels wide).
        bounds, levels, log, resolution, title: as in ``plot_contour``.

    Returns an ``Animation``, shown inline when it is the last value of a notebook cell.
    """
    suffix = None if path is None else os.path.splitext(os.fspath(path))[1].lower()
    if suffix is not None and suffix not in FORMATS:
        raise ValueError(f"Invalid animation path: {os.fspath(path)!r} (must end in '.gif' or '.svg'). "
                         "Name the file race.gif or race.svg.")
    frames = whole_number("frames", frames, minimum=1, maximum=MAX_FRAMES,
                          advice="Each frame is a full image held in memory; 30 make a smooth GIF.")
    fps = whole_number("fps", fps, minimum=1, maximum=100, advice="Frames per second; 10 is the default.")
    paths = read_trajectories(trajectories)
    if not paths:
        raise ValueError("animate_trajectories needs at least one trajectory, e.g. {'sgd': [(x0, y0), ...]}.")
    function = resolve_function(function)
    kind = FORMATS[suffix] if suffix else ("gif" if _can_draw_gifs() else "svg")
    if kind == "gif" and not _can_draw_gifs():
        raise ImportError("A GIF animation needs matplotlib and Pillow, which are not installed here. Save it "
                          "as an animated SVG instead (a path ending in .svg), or install them: "
                          "pip install matplotlib pillow.")
    draw = _gif if kind == "gif" else _animated_svg
    data, figure = draw(function, paths, frames, fps=fps, dpi=dpi, bounds=bounds, levels=levels, log=log,
                        resolution=resolution, title=title)
    animation = Animation(data, kind, frames, figure)
    if path is not None:
        animation.save(path)
    return animation


def _can_draw_gifs() -> bool:
    try:
        import matplotlib  # noqa: F401
        import PIL  # noqa: F401
    except ImportError:
        return False
    return True


def frame_steps(frames: int, steps: int) -> list[int]:
    """The step each frame shows: ⌈(i + 1)/frames · steps⌉ for frame i, so the last shows them all."""
    return [math.ceil((frame + 1) / frames * steps) for frame in range(frames)]


def _background(ax, function, paths, *, bounds, levels, log, resolution, title) -> None:
    """What every frame shares: the contour map, the start, the title and the legend."""
    first_x, first_y, _ = next(iter(paths.values()))
    draw_landscape(ax, function, bounds=bounds, levels=levels, log=log, resolution=resolution,
                   start=(first_x[0], first_y[0]) if first_x else None)
    ax.set_title(title if title is not None else default_title(function))


def _gif(function, paths, frames: int, *, fps: int, dpi: int, **background) -> tuple[bytes, Any]:
    """The frames drawn by matplotlib, as one GIF written by Pillow; and the figure, at its last frame."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from PIL import Image

    fig, ax = new_axes(None, figsize=landscape_figsize(read_bounds(function, background["bounds"])))
    _background(ax, function, paths, **background)
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
    background_pixels = canvas.copy_from_bbox(fig.bbox)
    images = []
    for step in frame_steps(frames, steps):
        canvas.restore_region(background_pixels)
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
    gif = io.BytesIO()
    images[0].save(gif, format="GIF", save_all=True, append_images=images[1:], duration=int(1000 / fps), loop=0)
    for artist in animated:
        artist.set_animated(False)
    fig.set_dpi(saved_dpi)
    return gif.getvalue(), fig


def _animated_svg(function, paths, frames: int, *, fps: int, dpi: int, **background) -> tuple[bytes, Any]:
    """The frames as one SVG document that plays itself; and the figure, its background.

    ``dpi`` is a GIF's: an SVG is drawn at 72 pixels to the inch and scales without blur.
    """
    fig = svg.SvgFigure(landscape_figsize(read_bounds(function, background["bounds"])))
    ax = fig.axes[0]
    _background(ax, function, paths, **background)
    steps = max(len(xs) for xs, _, _ in paths.values()) - 1
    for name, (_, _, diverged) in paths.items():  # empty lines: the legend's entries, drawn by the frames
        ax.plot([], [], "-", **trajectory_style(color_for(name)), label=name + (" (diverged)" if diverged else ""))
    legend_below(ax, grow_figure=True)
    still = fig.to_svg()  # the layout (plot box, ranges) is fixed now: the lines were empty

    box = plot_box(ax, 0.0, 0.0, *fig.cell_size())
    X = scale(*ax.range("x"), ax.scales["x"] == "log", box[0], box[2])
    Y = scale(*ax.range("y"), ax.scales["y"] == "log", box[3], box[1])
    clip = f"microopt-animation-{next(_clip_ids)}"
    counter_width = 10 + CHARACTER * len(f"step {steps} / {steps}")
    walked, now = [], []
    shown_before = {name: 0 for name in paths}
    for frame, step in enumerate(frame_steps(frames, steps)):
        new_stretches, heads = [], []
        for name, (xs, ys, _) in paths.items():
            shown = min(step + 1, len(xs))  # a run that stopped early stays where it stopped
            color = color_for(name)
            first = max(shown_before[name] - 1, 0)  # from the last point already drawn, to join up
            new_stretches += _stretch([(X(x), Y(y)) for x, y in zip(xs[first:shown], ys[first:shown])], color)
            shown_before[name] = shown
            head = (X(xs[shown - 1]), Y(ys[shown - 1])) if shown else (math.nan, math.nan)
            if all(map(math.isfinite, head)):
                heads.append(marker(*head, "o", 4.5, color, "white"))
        counter = [f"<rect x='{box[0] + 4:.1f}' y='{box[1] + 4:.1f}' width='{counter_width:.1f}' height='17' "
                   "fill='white' fill-opacity='0.8'/>",
                   text(box[0] + 9, box[1] + 16, f"step {step} / {steps}", 10, "start")]
        walked.append(_group(new_stretches, frame, frames, fps, until_end=True, step=step))
        now.append(_group(heads + counter, frame, frames, fps, until_end=False, step=step))
    moving = [f"<clipPath id='{clip}'><rect x='{box[0]}' y='{box[1]}' width='{box[2] - box[0]}' "
              f"height='{box[3] - box[1]}'/></clipPath>", f"<g clip-path='url(#{clip})'>", *walked, "</g>", *now]
    body, closing = still.rsplit("</svg>", 1)
    return "\n".join([body.rstrip("\n"), *moving, "</svg>" + closing]).encode("utf-8"), fig


def _stretch(pixels: list[tuple[float, float]], color: str) -> list[str]:
    """A piece of one trajectory: polylines through its finite points, and a dot per step.

    Points closer than half a pixel to the last one kept add nothing to the line, and dots
    closer than 3 pixels merge into one: a run of 1000 steps stays a small file.
    """
    out, run, last_dot = [], [], None
    style = f"fill='none' stroke='{color}' stroke-width='1.6'"
    for px, py in [*pixels, (math.nan, math.nan)]:
        if not (math.isfinite(px) and math.isfinite(py)):  # a diverged run: the line breaks
            if len(run) >= 2:
                out.append(f"<polyline points='{' '.join(f'{x:.1f},{y:.1f}' for x, y in run)}' {style}/>")
            run = []
            continue
        if not run or math.hypot(px - run[-1][0], py - run[-1][1]) >= 0.5:
            run.append((px, py))
        if last_dot is None or math.hypot(px - last_dot[0], py - last_dot[1]) >= 3.0:
            out.append(f"<circle cx='{px:.1f}' cy='{py:.1f}' r='1.6' fill='{color}'/>")
            last_dot = (px, py)
    return out


def _group(elements: list[str], frame: int, frames: int, fps: int, *, until_end: bool, step: int) -> str:
    """``elements`` shown from ``frame`` on (``until_end``) or during ``frame`` only, looping every frames/fps s.

    SMIL, discrete: ``values`` holds from its ``keyTimes`` (fractions of the loop) to the next.
    """
    start, end = frame / frames, (frame + 1) / frames
    if until_end:
        values, times = ("visible", "0") if frame == 0 else ("hidden;visible", f"0;{start:.6f}")
    elif frames == 1:
        values, times = "visible", "0"
    elif frame == 0:
        values, times = "visible;hidden", f"0;{end:.6f}"
    elif frame == frames - 1:
        values, times = "hidden;visible", f"0;{start:.6f}"
    else:
        values, times = "hidden;visible;hidden", f"0;{start:.6f};{end:.6f}"
    first = values.split(";")[0]
    kind = "walked" if until_end else "now"
    return (f"<g class='microopt-frame-{kind}' data-frame='{frame}' data-step='{step}' visibility='{first}'>"
            f"<animate attributeName='visibility' values='{values}' keyTimes='{times}' dur='{frames / fps:g}s' "
            "calcMode='discrete' repeatCount='indefinite'/>" + "".join(elements) + "</g>")

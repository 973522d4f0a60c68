"""The animation where matplotlib and Pillow are missing (Pyodide), forced here in CPython: an animated SVG.

Two runs on the bowl: sgd takes 10 steps, adam stops after 4. With 4 frames the frames show
steps ⌈(i + 1)/4 · 10⌉ = 3, 5, 8, 10. The SVG is read back: which groups of marks are
visible at a time of the loop (from their SMIL ``<animate>``), what the lines walked so far
hold, where each run's marker stands and what the step counter says, frame by frame.
"""

from __future__ import annotations

import math
import sys
import xml.etree.ElementTree as ET

import pytest

from microopt.viz import animate_trajectories, color_for, svg
from microopt.viz.animation import frame_steps

SVG = "{http://www.w3.org/2000/svg}"
SGD = [(-4.0 + 0.4 * i, 1.5 - 0.15 * i) for i in range(11)]  # 10 steps, 0.4 apart in x: many pixels apart
ADAM = [(-4.0 + 0.3 * i, 1.5 + 0.1 * i) for i in range(5)]  # 4 steps, then it stops
FRAMES, FPS = 4, 10


@pytest.fixture
def no_drawing_libraries(monkeypatch):
    """``import matplotlib`` and ``import PIL`` fail, as under Pyodide."""
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    monkeypatch.setitem(sys.modules, "PIL", None)


@pytest.fixture
def animation(no_drawing_libraries):
    return animate_trajectories("quadratic", {"sgd": SGD, "adam": ADAM}, frames=FRAMES, fps=FPS, resolution=20)


def groups(root: ET.Element, kind: str) -> list[ET.Element]:
    return [g for g in root.iter(f"{SVG}g") if g.get("class") == f"microopt-frame-{kind}"]


def visible_at(group: ET.Element, t: float) -> bool:
    """The group's visibility at time ``t`` of the loop, as SMIL's discrete animation sets it."""
    (animate,) = group.iter(f"{SVG}animate")
    assert animate.get("calcMode") == "discrete" and animate.get("repeatCount") == "indefinite"
    duration = float(animate.get("dur").rstrip("s"))
    times = [float(k) * duration for k in animate.get("keyTimes").split(";")]
    values = animate.get("values").split(";")
    assert times[0] == 0 and len(times) == len(values)
    return values[max(i for i, start in enumerate(times) if start <= t % duration)] == "visible"


def points(polyline: ET.Element) -> list[tuple[float, float]]:
    return [tuple(map(float, p.split(","))) for p in polyline.get("points").split()]


def walked_by(root: ET.Element, name: str, frame: int) -> list[tuple[float, float]]:
    """The points of ``name``'s line shown at ``frame``: its pieces of frames 0..frame, joined."""
    line: list[tuple[float, float]] = []
    for group in groups(root, "walked")[:frame + 1]:
        for polyline in group.iter(f"{SVG}polyline"):
            if polyline.get("stroke") == color_for(name):
                piece = points(polyline)
                line += piece[1:] if line and piece[0] == line[-1] else piece
    return line


def test_without_matplotlib_and_pillow_the_animation_is_an_svg(animation):
    assert animation.format == "svg" and animation.frames == FRAMES
    bundle = animation._repr_mimebundle_()
    assert set(bundle) == {"image/svg+xml", "text/plain"}  # what JupyterLite shows: no GIF
    root = ET.fromstring(bundle["image/svg+xml"])
    assert [int(g.get("data-step")) for g in groups(root, "now")] == frame_steps(FRAMES, 10) == [3, 5, 8, 10]
    assert isinstance(animation.figure, svg.SvgFigure)  # the background, with the runs in its legend
    labels = {t.text for t in root.iter(f"{SVG}text")}
    assert {"sgd", "adam", "start", "global minimum"} <= labels


def test_each_frame_is_shown_in_turn_and_the_lines_stay(animation):
    root = ET.fromstring(animation.data)
    now, walked = groups(root, "now"), groups(root, "walked")
    for frame in range(FRAMES):
        t = (frame + 0.5) / FPS  # the middle of the frame's tenth of a second
        assert [visible_at(g, t) for g in now] == [k == frame for k in range(FRAMES)]
        assert [visible_at(g, t) for g in walked] == [k <= frame for k in range(FRAMES)]
    assert [visible_at(g, FRAMES / FPS + 0.05) for g in now] == [True, False, False, False]  # it loops


def test_the_frames_walk_each_run_step_by_step(animation):
    root = ET.fromstring(animation.data)
    for frame, step in enumerate([3, 5, 8, 10]):
        shown = {"sgd": step + 1, "adam": min(step + 1, len(ADAM))}  # adam stays where it stopped
        group = groups(root, "now")[frame]
        (counter,) = [t.text for t in group.iter(f"{SVG}text")]
        assert counter == f"step {step} / 10"
        heads = {c.get("fill"): (float(c.get("cx")), float(c.get("cy"))) for c in group.iter(f"{SVG}circle")}
        for name, count in shown.items():
            line = walked_by(root, name, frame)
            assert len(line) == count  # every step so far, and no later one
            assert math.dist(heads[color_for(name)], line[-1]) < 0.1  # the marker where the line ends
    sgd = walked_by(root, "sgd", FRAMES - 1)  # equal steps in data: equal steps in pixels, along a straight line
    gaps = [math.dist(a, b) for a, b in zip(sgd, sgd[1:])]
    assert max(gaps) - min(gaps) < 0.3


def test_it_is_written_as_svg_and_a_gif_needs_pillow(no_drawing_libraries, tmp_path):
    animation = animate_trajectories("quadratic", {"sgd": SGD}, tmp_path / "race.svg", frames=2, resolution=20)
    assert (tmp_path / "race.svg").read_bytes() == animation.data and animation.data.startswith(b"<svg")
    with pytest.raises(ImportError, match="A GIF animation needs matplotlib and Pillow.*path ending in .svg"):
        animate_trajectories("quadratic", {"sgd": SGD}, tmp_path / "race.gif", frames=2, resolution=20)
    assert not (tmp_path / "race.gif").exists()
    with pytest.raises(ValueError, match=r"Cannot save this SVG animation as .*race.gif.*: use a .svg file name"):
        animation.save(tmp_path / "race.gif")
    with pytest.raises(ValueError, match=r"Invalid animation path: .*race.mp4.*must end in '.gif' or '.svg'"):
        animate_trajectories("quadratic", {"sgd": SGD}, tmp_path / "race.mp4")

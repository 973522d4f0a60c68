"""Hostile sizes given to the animation: refused with the limit before any frame is drawn."""

from __future__ import annotations

import numpy as np
import pytest

from microopt.viz.animation import MAX_FRAMES, animate_trajectories

PATH = [(0.5, 0.5), (0.25, 0.25), (0.0, 0.0)]


@pytest.mark.parametrize("kwargs, message", [
    ({"frames": 10**6}, "Invalid frames: 1000000 (must be a whole number from 1 to 1,000). Each frame is a full image"),
    ({"frames": MAX_FRAMES + 1}, "Invalid frames: 1001 (must be a whole number from 1 to 1,000)."),
    ({"frames": 2.5}, "Invalid frames: 2.5 (must be a whole number from 1 to 1,000)."),
    ({"frames": True}, "Invalid frames: True (must be a whole number from 1 to 1,000)."),
    ({"fps": 10**4}, "Invalid fps: 10000 (must be a whole number from 1 to 100). Frames per second"),
    ({"fps": 0}, "Invalid fps: 0 (must be a whole number from 1 to 100)."),
])
def test_unbounded_animations_are_refused_before_drawing(tmp_path, kwargs, message):
    with pytest.raises(ValueError) as error:
        animate_trajectories("quadratic", {"sgd": PATH}, tmp_path / "race.gif", **kwargs)
    assert message in str(error.value)
    assert not (tmp_path / "race.gif").exists()


def test_numpy_frame_counts_are_accepted(tmp_path):
    animate_trajectories("quadratic", {"sgd": PATH}, tmp_path / "race.gif", frames=np.int64(2), resolution=20)
    assert (tmp_path / "race.gif").stat().st_size > 0

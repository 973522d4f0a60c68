"""Hostile input to the step-through views: huge graphs are refused or shown in part, never hung on.

A loss over a dataset easily has 10⁵ nodes: recording is refused past ``max_nodes``, the text
and the HTML table show a bounded prefix and say how much is left, every step stays reachable,
and the player refuses frames too large for a widget instead of freezing the notebook.
"""

from __future__ import annotations

import math

import pytest

from microopt import Value
from microopt.teach import step_through
from microopt.teach.backprop import MAX_NODES, SHOWN_ROWS, SHOWN_STEPS
from microopt.teach.player import MAX_FRAME_CHARACTERS, Player


def chain(n):
    """x + x + ... + x as n - 1 additions: n Values in all."""
    x = Value(1.0, label="x")
    out = x
    for _ in range(n - 1):
        out = out + 1.0
    return out


def test_a_graph_over_the_limit_is_refused_before_any_step(monkeypatch):
    import microopt.teach.backprop as backprop

    def forbidden(*args, **kwargs):
        raise AssertionError("a step was recorded")

    monkeypatch.setattr(backprop, "BackwardStep", forbidden)
    with pytest.raises(ValueError, match=r"The graph has 2,001 Values, more than max_nodes=2,000: step_through "
                                         r"records one step per Value.*pass a larger max_nodes="):
        step_through(chain(2001), max_nodes=2000)


def test_the_default_limit_is_100_000_values():
    assert MAX_NODES == 100_000
    with pytest.raises(ValueError, match=r"The graph has 100,001 Values, more than max_nodes=100,000"):
        step_through(chain(100_001))


def test_a_graph_at_the_limit_is_recorded():
    steps = step_through(chain(50), max_nodes=50)
    assert len(steps) == 49 and steps.grads()[steps.order[0]] == 1.0


@pytest.mark.parametrize("max_nodes, shown", [(0, "0"), (1.5, "1.5"), ("10", "'10'"), (True, "True")])
def test_a_bad_limit_is_refused(max_nodes, shown):
    with pytest.raises(ValueError, match=rf"Invalid max_nodes: {shown} \(must be a whole number >= 1\)"):
        step_through(chain(3), max_nodes=max_nodes)


def test_the_text_of_a_long_pass_stops_at_200_steps_and_says_so():
    steps = step_through(chain(1000))
    text = str(steps)
    assert SHOWN_STEPS == 200
    assert "step 200:" in text and "step 201:" not in text
    assert text.endswith("... and 799 more steps, not shown (the text stops at SHOWN_STEPS = 200); "
                         "print(steps[k]) shows step k + 1.")
    assert str(steps[998]).startswith("step 999:")  # every step is still there


def test_a_short_pass_is_shown_whole():
    text = str(step_through(chain(201)))
    assert "step 200:" in text and "more steps" not in text


def test_the_html_table_stops_at_500_rows_and_says_so():
    steps = step_through(chain(2000))
    html = steps._repr_html_()
    assert SHOWN_ROWS == 500 and html.count("<tr>") == 1 + 500  # the header and 500 rows
    assert "The first 500 of 1,999 rows (SHOWN_ROWS)" in html and len(steps.table_rows()) == 1999


def test_the_static_fallback_of_a_huge_pass_is_bounded():
    steps = step_through(chain(5000))
    html = steps._static_html(diagrams=True)
    assert len(html) < 200_000
    assert "diagram unavailable: The graph has 5000 Values, more than max_nodes=300" in html


def test_diagrams_of_a_graph_too_big_to_draw_are_refused_at_the_first():
    steps = step_through(chain(400))
    with pytest.raises(ValueError, match="The graph has 400 Values, more than max_nodes=300"):
        steps.diagrams()


@pytest.mark.parametrize("seed, words", [("1", "Invalid seed gradient '1'"), (None, "Invalid seed gradient None"),
                                         (True, "Invalid seed gradient True")])
def test_a_bad_seed_gradient(seed, words):
    with pytest.raises(TypeError) as caught:
        step_through(chain(3), seed)
    assert words in str(caught.value)


@pytest.mark.parametrize("root, words", [(1.5, "got float: 1.5"), ([Value(1.0)], "got list"), (None, "got NoneType")])
def test_not_a_value(root, words):
    with pytest.raises(TypeError) as caught:
        step_through(root)
    assert "step_through needs a microopt.Value" in str(caught.value) and words in str(caught.value)


def test_nan_and_inf_flow_through_the_steps_as_backward_does():
    x = Value(math.inf, label="x")
    out = (x * 0.0) + x
    steps = step_through(out)
    out.backward()
    assert math.isnan(steps.grads()[x]) == math.isnan(x.grad)


@pytest.mark.parametrize("steps_asked, shown", [(-1, "-1"), (4, "4"), (2.0, "2.0"), ("1", "'1'"), (True, "True")])
def test_grads_of_an_impossible_step(steps_asked, shown):
    steps = step_through(chain(4))
    with pytest.raises(ValueError, match=rf"Invalid step: {shown} \(must be a whole number from 0 to 3\)"):
        steps.grads(steps_asked)


# --------------------------------------------------------------------- the player
def test_a_frame_too_large_for_a_widget_is_refused_with_a_message():
    pytest.importorskip("ipywidgets")
    player = Player(2, lambda k: "x" * (MAX_FRAME_CHARACTERS + 1) if k else "<p>small</p>")
    assert player.view.value == "<p>small</p>"
    player.go(1)
    assert player.view.value == (f"<pre>frame 1 is {MAX_FRAME_CHARACTERS + 1:,} characters of HTML, more than the "
                                 f"{MAX_FRAME_CHARACTERS:,} a player shows (MAX_FRAME_CHARACTERS): draw a smaller "
                                 "graph.</pre>")


def test_a_frame_that_is_not_text_is_named():
    pytest.importorskip("ipywidgets")
    player = Player(1, lambda k: None)
    assert player.view.value == ("<pre>frame 0 could not be shown: the frame function returned None, not HTML "
                                 "text.</pre>")


def test_a_frame_that_raises_is_named():
    pytest.importorskip("ipywidgets")
    player = Player(1, lambda k: 1 / 0)
    assert player.view.value == "<pre>frame 0 could not be shown: ZeroDivisionError(&#x27;division by zero&#x27;)</pre>"


@pytest.mark.parametrize("n, shown", [(0, "0"), (2.5, "2.5"), ("3", "'3'")])
def test_a_player_needs_a_whole_number_of_frames(n, shown):
    pytest.importorskip("ipywidgets")
    with pytest.raises(ValueError, match=rf"Invalid number of frames: {shown} \(must be a whole number >= 1\). "
                                         "A player needs at least one frame."):
        Player(n, lambda k: "")


def test_a_player_over_a_million_frames_renders_only_what_is_shown():
    pytest.importorskip("ipywidgets")
    rendered = []
    player = Player(10**6, lambda k: rendered.append(k) or f"<p>{k}</p>")
    player.go(999_999)
    assert rendered == [0, 999_999] and player.view.value == "<p>999999</p>"

"""Fair timing: turns are taken in rotation, and the collector's work is counted."""

import pytest

from microopt.bench.engines import microopt_engine
import gc

from microopt.bench.timing import gc_activity, interleaved, ratio, summary


def test_contenders_take_turns_and_the_first_place_rotates():
    calls, ticks = [], iter(range(100))
    samples = interleaved({name: (lambda name=name: calls.append(name)) for name in "abc"}, repeat=3,
                          collect=lambda: calls.append("collect"), clock=lambda: float(next(ticks)))
    turns = [call for call in calls if call != "collect"]
    assert turns == ["a", "b", "c", "b", "c", "a", "c", "a", "b"]
    assert calls[:6] == ["collect", "a", "collect", "collect", "b", "collect"]  # a collection before and inside each
    assert samples == {"a": [1.0, 1.0, 1.0], "b": [1.0, 1.0, 1.0], "c": [1.0, 1.0, 1.0]}  # stop - start, one tick


@pytest.mark.parametrize("repeat", [0, -2, 1.5, True])
def test_repeat_must_be_a_positive_whole_number(repeat):
    with pytest.raises(ValueError, match=f"Invalid repeat: {repeat!r}"):
        interleaved({"a": lambda: None}, repeat)


def test_summary_keeps_the_median_and_the_spread():
    assert summary([0.3, 0.1, 0.2, 0.5]) == {"median": 0.25, "low": 0.1, "high": 0.5, "samples": [0.3, 0.1, 0.2, 0.5]}


def test_ratios_are_taken_round_by_round():
    assert ratio([2.0, 6.0, 3.0], [1.0, 2.0, 1.0]) == {"median": 3.0, "low": 2.0, "high": 3.0}


def test_each_sample_pays_for_collecting_its_own_garbage():
    import time

    def slow_garbage():
        _cycles(20_000)  # cycles: freed only by the collection inside the timed region

    assert gc.isenabled()
    gc.disable()  # so the cycles survive until the harness collects them
    try:
        start = time.perf_counter()
        samples = interleaved({"cycles": slow_garbage}, repeat=1)["cycles"]
        total = time.perf_counter() - start
    finally:
        gc.enable()
    assert gc.collect() == 0  # the harness collected them, inside the sample
    assert samples[0] <= total


def _cycles(n: int) -> None:
    for _ in range(n):
        node = {}
        node["self"] = node  # a reference cycle: only the collector can free it


def test_gc_activity_counts_objects_only_the_collector_could_free():
    assert gc_activity(lambda: _cycles(50))["objects_freed_by_gc"] >= 50


def test_microopt_graphs_leave_nothing_for_the_collector():
    engine = microopt_engine()

    def forward_backward():
        w = engine.param(0.5)
        y = w
        for _ in range(300):
            y = (y * w).relu() + 1.0
        y.backward()

    assert gc_activity(forward_backward)["objects_freed_by_gc"] == 0


def test_micrograd_graphs_need_the_collector():
    pytest.importorskip("micrograd")
    from microopt.bench.engines import micrograd_engine

    engine = micrograd_engine()

    def forward_backward():
        w = engine.param(0.5)
        y = w
        for _ in range(300):
            y = (y * w).relu() + 1.0
        y.backward()

    # each node's _backward closure refers back to the node: at least one cycle per node
    assert gc_activity(forward_backward)["objects_freed_by_gc"] >= 900

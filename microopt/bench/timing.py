"""Fair timing of steady state: contenders take turns, and each pays for its own garbage.

Why these rules:

- *Interleaved.* Other processes share the machine; running A, B, C, then B, C, A (rotating
  who goes first) spreads their load over every contender alike.
- *Steady state.* A sample is several consecutive steps **plus the collection of the garbage
  they made** (``gc.collect()`` inside the timed region). micrograd's nodes hold closures that
  point back at the node (a reference cycle), so only the cyclic collector frees its graphs;
  a harness that collected untimed between one-step samples would hide most of micrograd's
  cost (86% of its demo step). microopt's nodes have no cycles and are freed by reference
  counting; microopt pauses the collector while a graph lives (it would only rescan it).
  Before each sample, an untimed ``gc.collect()`` starts everyone from a clean heap.
- *Medians with their spread.* Each figure is the median of the samples, shown with the
  lowest and highest; each ratio is the median of the per-round ratios (contenders measured
  in the same round saw the same load), with its range.
"""

from __future__ import annotations

import gc
import statistics
import time
from typing import Callable

from microopt._validate import whole_number


def interleaved(contenders: dict[str, Callable[[], object]], repeat: int, *,
                collect: Callable[[], object] = gc.collect,
                clock: Callable[[], float] = time.perf_counter) -> dict[str, list[float]]:
    """Seconds per call of each contender (its garbage collected inside the timing), ``repeat`` turns each.

    ``collect`` and ``clock`` are the collector and the clock (a test can pass its own).
    """
    repeat = whole_number("repeat", repeat, minimum=1)
    names = list(contenders)
    samples: dict[str, list[float]] = {name: [] for name in names}
    for round_ in range(repeat):
        for name in names[round_ % len(names):] + names[: round_ % len(names)]:
            collect()  # a clean heap: no contender pays for another's garbage
            start = clock()
            contenders[name]()
            collect()  # and each pays for collecting its own
            samples[name].append(clock() - start)
    return samples


def summary(samples: list[float]) -> dict:
    """median (the figure reported), the lowest and highest sample, and the samples themselves."""
    return {"median": statistics.median(samples), "low": min(samples), "high": max(samples),
            "samples": list(samples)}


def ratio(slower: list[float], faster: list[float]) -> dict:
    """slower / faster, round by round: the median ratio and its range."""
    ratios = [s / f for s, f in zip(slower, faster)]
    return {"median": statistics.median(ratios), "low": min(ratios), "high": max(ratios)}


def gc_activity(run: Callable[[], object]) -> dict[str, int]:
    """What the cyclic garbage collector did during one ``run()`` (starting from a clean heap)."""
    gc.collect()
    before = gc.get_stats()
    run()
    gc.collect()  # free run()'s own cyclic garbage now, so that it is counted here
    after = gc.get_stats()
    return {
        "collections": sum(a["collections"] - b["collections"] for a, b in zip(after, before)) - 1,
        "objects_freed_by_gc": sum(a["collected"] - b["collected"] for a, b in zip(after, before)),
    }

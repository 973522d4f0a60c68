"""Fair timing: contenders take turns, every sample starts from a clean heap, best-of-N wins.

Why these rules:

- *Interleaved.* Other processes share the machine; running A, B, C, then A, B, C again
  (rotating who goes first) spreads their load over every contender alike.
- *Best of N.* Outside load only ever adds time, so the fastest sample is the closest to the
  true cost; the median is kept too, to show the spread.
- *Garbage collection on, for everyone.* micrograd's nodes hold closures that point back at
  the node (a reference cycle), so its graphs are freed only by the cyclic collector, which
  runs during the workload; microopt's nodes have no cycles and are freed by reference
  counting the moment they are dropped. That difference is part of what is measured, so the
  collector is never switched off. ``gc.collect()`` runs, untimed, before each sample so that
  no contender pays for another's garbage; ``gc_activity`` counts what the collector did.
  (``suite.run`` also freezes the objects that exist before timing, for everyone alike.)
"""

from __future__ import annotations

import gc
import statistics
import time
from typing import Callable


def interleaved(contenders: dict[str, Callable[[], object]], repeat: int) -> dict[str, list[float]]:
    """Seconds per call of each contender, ``repeat`` samples each, taken in turns."""
    if isinstance(repeat, bool) or not isinstance(repeat, int) or repeat < 1:
        raise ValueError(f"Invalid repeat: {repeat!r} (must be a whole number >= 1).")
    names = list(contenders)
    samples: dict[str, list[float]] = {name: [] for name in names}
    for round_ in range(repeat):
        for name in names[round_ % len(names):] + names[: round_ % len(names)]:
            gc.collect()
            start = time.perf_counter()
            contenders[name]()
            samples[name].append(time.perf_counter() - start)
    return samples


def summary(samples: list[float]) -> dict[str, float]:
    """best (the figure used for ratios), median, and how many samples."""
    return {"best": min(samples), "median": statistics.median(samples), "samples": len(samples)}


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

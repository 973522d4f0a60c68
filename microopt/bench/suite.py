"""``run()``: every workload, side by side in one process, as one JSON-ready dict.

Rows, with the targets microopt is held to (ratio = other's time / microopt's time):

    a  demo step, same model code    microopt vs micrograd          >= 6x faster
    c  demo step, same model code    microopt vs torch (0-d)        >= 8x faster
    a' the same, heap not frozen     microopt vs torch              (reported, no target)
    b  demo step, microopt.nn.MLP    microopt vs micrograd          >= 20x faster
    d  deep chain, forward+backward  all three                      (reported, no target)
    e  bytes per graph node          microopt                       <= 120 bytes
                                    (microopt.nn: fewer but larger nodes; reported, no target)

plus the optimizer step costs (``optim_step``). Before any timing, each contender computes
the demo's first loss from the same weights: equal losses show it is the same workload.
"""

from __future__ import annotations

import gc
import platform
from typing import Any

import microopt
from microopt.bench import chain, demo
from microopt.bench.engines import load_engines
from microopt.bench.memory import bytes_per_node
from microopt.bench.optim_step import step_costs
from microopt.bench.timing import gc_activity, interleaved, summary

FULL = {"points": 100, "steps": 3, "repeat": 7, "links": 100_000, "chain_repeat": 3,
        "optim_sizes": (105, 1051, 10095)}
QUICK = {"points": 10, "steps": 1, "repeat": 1, "links": 1_000, "chain_repeat": 1,
         "optim_sizes": (105, 1051)}

OWN = "microopt.nn"  # the contender name of microopt's own MLP with microopt.sum


def run(quick: bool = False, repeat: int | None = None, log=lambda message: None) -> dict[str, Any]:
    """Measure everything; ``repeat`` overrides the number of samples; ``log`` gets progress lines.

    The heap as it stands after the imports and the setup (torch alone brings ~150k objects)
    is frozen with ``gc.freeze()``, for every contender alike, so that the collector's work
    is the workload's, not the harness's. Row a' shows what microopt pays when it is not.
    """
    settings = dict(QUICK if quick else FULL)
    if repeat is not None:
        if isinstance(repeat, bool) or not isinstance(repeat, int) or repeat < 1:
            raise ValueError(f"Invalid repeat: {repeat!r} (must be a whole number >= 1).")
        settings["repeat"] = settings["chain_repeat"] = repeat
    engines, skipped = load_engines()
    X, y = demo.moons(settings["points"], seed=0)
    weights = demo.initial_weights(demo.LAYERS, seed=0)
    contenders = {name: demo.Contender(engine, demo.MLP(engine, weights)) for name, engine in engines.items()}
    contenders[OWN] = demo.Contender(engines["microopt"], demo.own_mlp(weights), microopt.sum)

    log("demo: checking that every contender computes the same loss")
    losses = {name: c.loss(X, y) for name, c in contenders.items()}

    gc.collect()
    gc.freeze()
    frozen = gc.get_freeze_count()
    try:
        log(f"demo: timing {settings['repeat']} x {settings['steps']} training steps per contender")
        demo_step = _demo_steps(contenders, X, y, settings["steps"], settings["repeat"])
        gc_per_step = {name: gc_activity(lambda c=c: c.train(X, y, 1)) for name, c in contenders.items()}

        log("demo: timing microopt again, with the heap unfrozen")
        gc.unfreeze()
        unfrozen = {"microopt": _demo_steps({"microopt": contenders["microopt"]}, X, y, settings["steps"],
                                            settings["repeat"])["microopt"], "torch": demo_step.get("torch")}
        gc.collect()
        gc.freeze()

        nodes = chain.NODES_PER_LINK * settings["links"]
        log(f"chain: {nodes} nodes, forward + backward")
        deep = {name: e for name, e in engines.items() if chain.deep_enough(e)}
        skipped += [f"{name}: its recursive backward needs Python >= 3.11 for a deep chain."
                    for name in engines if name not in deep]
        chain_stats = {name: summary(t) for name, t in interleaved(
            {name: lambda e=e: chain.forward_backward(e, settings["links"]) for name, e in deep.items()},
            settings["chain_repeat"]).items()}

        log("memory: bytes per node of the demo's loss graph")
        memory = {name: bytes_per_node(lambda c=c: c.graph(X, y), existing_nodes=len(c.model.parameters()))
                  for name, c in contenders.items() if name != "torch"}

        log(f"optimizers: step cost for {', '.join(map(str, settings['optim_sizes']))} parameters")
        optimizers = step_costs(settings["optim_sizes"], settings["repeat"])
    finally:
        gc.unfreeze()

    own_vs_micrograd = {"microopt": demo_step[OWN], "micrograd": demo_step.get("micrograd")}
    rows = [
        _row("a,c", "demo step, same model code (builtin sum)", "s", demo_step,
             [_speedup("micrograd", demo_step, 6.0), _speedup("torch", demo_step, 8.0)]),
        _row("a'", "  the same, without gc.freeze (the GC rescans all modules)", "s", unfrozen,
             [_speedup("torch", unfrozen, None)]),
        _row("b", "demo step, microopt.nn.MLP + microopt.sum", "s", own_vs_micrograd,
             [_speedup("micrograd", own_vs_micrograd, 20.0)]),
        _row("d", f"deep chain, {nodes:,} nodes, forward + backward", "s", chain_stats,
             [_speedup("micrograd", chain_stats, None), _speedup("torch", chain_stats, None)]),
        _row("e", f"bytes per node, demo graph (same code, {memory['microopt']['nodes']:,} nodes)", "B",
             _bytes(memory, "microopt", "micrograd"),
             [_at_most(memory["microopt"]["bytes_per_node"], 120.0)]),
        _row("e", f"bytes per node, demo graph (microopt.nn, {memory[OWN]['nodes']:,} nodes)", "B",
             {"microopt": _bytes(memory, OWN)[OWN]}, []),
    ]
    return {
        "microopt": microopt.__version__,
        "python": platform.python_version(),
        "versions": {name: e.version for name, e in engines.items()},
        "quick": quick,
        "settings": {k: list(v) if isinstance(v, tuple) else v for k, v in settings.items()},
        "skipped": skipped,
        "initial_loss": losses,
        "same_loss": _agree(list(losses.values())),
        "frozen_objects": frozen,
        "rows": rows,
        "gc_per_step": gc_per_step,
        "memory": memory,
        "optimizers": optimizers,
    }


def _demo_steps(contenders: dict[str, demo.Contender], X, y, steps: int, repeat: int) -> dict[str, dict]:
    """Seconds per training step of each contender: best and median over ``repeat`` samples."""
    times = interleaved({name: lambda c=c: c.train(X, y, steps) for name, c in contenders.items()}, repeat)
    return {name: _per(summary(t), steps) for name, t in times.items()}


def _per(stats: dict[str, float], steps: int) -> dict[str, float]:
    return {"best": stats["best"] / steps, "median": stats["median"] / steps, "samples": stats["samples"]}


def _row(tag: str, workload: str, unit: str, results: dict, checks: list[dict]) -> dict:
    """One line of the table: each engine's figure (best time, or bytes) and the checks on them."""
    figures = {name: results.get(name) for name in ("microopt", "micrograd", "torch")}
    return {"id": tag, "workload": workload, "unit": unit,
            "results": {name: (r["best"] if isinstance(r, dict) else r) for name, r in figures.items()},
            "medians": {name: r["median"] for name, r in figures.items()
                        if isinstance(r, dict) and "median" in r},
            "checks": checks}


def _speedup(other: str, times: dict[str, dict], target: float | None) -> dict:
    """How many times faster microopt is than ``other``: best time against best time."""
    ratio = times[other]["best"] / times["microopt"]["best"] if times.get(other) else None
    met = ratio is not None and target is not None and ratio >= target
    return {"label": f"vs {other}", "kind": "speedup", "value": ratio, "target": target,
            "status": _status(ratio, target, met)}


def _at_most(value: float, limit: float) -> dict:
    return {"label": "microopt", "kind": "at_most", "value": value, "target": limit,
            "status": _status(value, limit, value <= limit)}


def _bytes(memory: dict, *names: str) -> dict[str, float]:
    return {name: memory[name]["bytes_per_node"] for name in names if name in memory}


def _status(value: float | None, target: float | None, met: bool) -> str:
    if value is None:
        return "SKIP"
    if target is None:
        return "-"
    return "PASS" if met else "MISS"


def _agree(values: list[float], tolerance: float = 1e-9) -> bool:
    return max(values) - min(values) <= tolerance * max(1.0, abs(values[0]))

"""``run()``: every workload, side by side in one process, as one JSON-ready dict.

Rows, with the targets microopt is held to (ratio = other's time / microopt's time, the
median of the per-round ratios, with its range):

    a  demo step, same model code       microopt vs micrograd      >= 6x;  vs torch (0-d) >= 8x
    b  demo step, microopt.nn.MLP       microopt vs micrograd      >= 25x
    c  demo step, compiled (replayed)   microopt vs micrograd      >= 150x; compile <= 1 s, <= 20 MB held
    d  deep chain, forward+backward     all three                  (reported)
    n  cost per node, chain of N nodes  microopt, N = 5k .. 2M     largest / smallest <= 1.3
    e  bytes per graph node             microopt                   <= 120 bytes
    p  16-run lr_sweep, n_jobs=2        vs n_jobs=1 (2 cores)      >= 1.8x   (``bench/parallel.py``)

plus the optimizer step costs (``optim_step``). Before any timing, each contender computes
the demo's first loss from the same weights: equal losses show it is the same workload.
A row is one ``_row(...)`` call: adding a workload is adding a contender dict and a row.
"""

from __future__ import annotations

import gc
import platform
from typing import Any, Callable

import microopt
from microopt._validate import whole_number
from microopt.bench import chain, demo
from microopt.bench.engines import load_engines
from microopt.bench.memory import bytes_per_node
from microopt.bench.optim_step import step_costs
from microopt.bench.parallel import sweep_row
from microopt.bench.timing import gc_activity, interleaved, ratio, summary

FULL = {"points": 100, "steps": 3, "repeat": 7, "links": 100_000, "chain_repeat": 3,
        "node_counts": (5_000, 200_000, 2_000_000), "optim_sizes": (105, 1051, 10095), "optim_updates": 20_000}
QUICK = {"points": 10, "steps": 1, "repeat": 2, "links": 1_000, "chain_repeat": 1,
         "node_counts": (5_000, 20_000), "optim_sizes": (105, 1051), "optim_updates": 20_000}

OWN = "microopt.nn"  # the contender name of microopt's own MLP with microopt.sum
COMPILED = "compiled"  # microopt.nn's demo step, compiled once and replayed
BATCHED = "batched"  # the same, replayed with numpy across the samples
AGREEMENT = 1e-12  # the batched replay's largest relative difference from the eager loss and gradients
FLAT = 1.3  # the cost per node may grow at most this much from the smallest graph to the largest


def run(quick: bool = False, repeat: int | None = None, log=lambda message: None, *,
        settings: dict | None = None, sweep: Callable[[bool, int], dict] = sweep_row) -> dict[str, Any]:
    """Measure everything; ``repeat`` overrides the number of samples; ``log`` gets progress lines.

    ``settings`` overrides entries of ``QUICK`` or ``FULL`` (the tests make tiny workloads),
    ``sweep`` makes row p (``microopt.bench.parallel.sweep_row``).

    The heap as it stands after the imports and the setup (torch alone brings ~150k objects)
    is frozen with ``gc.freeze()``, for every contender alike, so that the collector's work
    is the workload's, not the harness's.
    """
    settings = {**(QUICK if quick else FULL), **(settings or {})}
    if repeat is not None:
        repeat = whole_number("repeat", repeat, minimum=1)
        settings["repeat"] = settings["chain_repeat"] = repeat
    engines, skipped = load_engines()
    X, y = demo.moons(settings["points"], seed=0)
    weights = demo.initial_weights(demo.LAYERS, seed=0)
    contenders = {name: demo.Contender(engine, demo.MLP(engine, weights)) for name, engine in engines.items()}
    contenders[OWN] = demo.Contender(engines["microopt"], demo.own_mlp(weights), microopt.sum)

    log("demo: compiling microopt.nn's step")
    compiled, compile_seconds, compile_bytes = _compiled(weights, X, y)
    contenders[COMPILED] = compiled
    agreement = None
    try:
        contenders[BATCHED] = demo.CompiledContender(demo.own_mlp(weights), X, y, batched=True)
        agreement = _difference(contenders[BATCHED], contenders[OWN], X, y)
    except ImportError:
        skipped.append("numpy is not installed, so the batched replay is skipped: pip install numpy "
                       "(or microopt[batched]).")

    log("demo: checking that every contender computes the same loss")
    losses = {name: c.loss(X, y) for name, c in contenders.items()}
    steps = settings["steps"]
    workloads: dict[str, Callable[[], object]] = {
        name: (lambda c=c: c.train(X, y, steps)) for name, c in contenders.items()}

    gc.collect()
    gc.freeze()
    frozen = gc.get_freeze_count()
    try:
        log(f"demo: {settings['repeat']} turns of {steps} training steps per contender")
        demo_times = interleaved(workloads, settings["repeat"])
        gc_per_step = {name: gc_activity(lambda c=c: c.train(X, y, 1)) for name, c in contenders.items()
                       if name not in (COMPILED, BATCHED)}

        nodes = chain.NODES_PER_LINK * settings["links"]
        log(f"chain: {nodes} nodes, forward + backward")
        deep = {name: e for name, e in engines.items() if chain.deep_enough(e)}
        skipped += [f"{name}: its recursive backward needs Python >= 3.11 for a deep chain."
                    for name in engines if name not in deep]
        chain_times = interleaved(
            {name: lambda e=e: chain.forward_backward(e, settings["links"]) for name, e in deep.items()},
            settings["chain_repeat"])

        log(f"cost per node: chains of {', '.join(f'{n:,}' for n in settings['node_counts'])} nodes")
        per_node = _cost_per_node(engines["microopt"], settings["node_counts"], settings["chain_repeat"])

        log("memory: bytes per node of the demo's loss graph")
        memory = {name: bytes_per_node(lambda c=c: c.graph(X, y), existing_nodes=len(c.model.parameters()))
                  for name, c in contenders.items() if name not in ("torch", COMPILED, BATCHED)}

        log(f"optimizers: step cost for {', '.join(map(str, settings['optim_sizes']))} parameters")
        optimizers = step_costs(settings["optim_sizes"], settings["repeat"], settings["optim_updates"])
    finally:
        gc.unfreeze()

    per_step = {name: [t / steps for t in times] for name, times in demo_times.items()}
    own = {"microopt": per_step[OWN], "micrograd": per_step.get("micrograd")}
    replayed = {"microopt": per_step[COMPILED], "micrograd": per_step.get("micrograd")}
    batched = {"microopt": per_step.get(BATCHED), "micrograd": per_step.get("micrograd")}
    smallest, largest = min(r["median"] for r in per_node), max(r["median"] for r in per_node)
    rows = [
        _row("a", "demo step, same model code (builtin sum)", "s", per_step,
             [_speedup("micrograd", per_step, 6.0), _speedup("torch", per_step, 8.0)]),
        _row("b", "demo step, microopt.nn.MLP + microopt.sum", "s", own, [_speedup("micrograd", own, 25.0)]),
        _row("c", "demo step, microopt.nn compiled (compile_step)", "s", replayed,
             [_speedup("micrograd", replayed, 150.0)]),
        _row("c", "  compiling it: one trace, code generation, compile()", "s", {"microopt": compile_seconds},
             [_at_most("compile time", compile_seconds, 1.0, " s")]),
        _row("c", "  memory the compiled step holds (tracemalloc)", "MB", {"microopt": compile_bytes / 1e6},
             [_at_most("held", compile_bytes / 1e6, 20.0, " MB")]),
        *([] if agreement is None else [
            _row("c", "demo step, numpy across the samples (compile_batched)", "s", batched,
                 [_speedup("micrograd", batched, 400.0),
                  _at_most("largest relative difference from eager", agreement, AGREEMENT, "")])]),
        _row("d", f"deep chain, {nodes:,} nodes, forward + backward", "s", chain_times,
             [_speedup("micrograd", chain_times, None), _speedup("torch", chain_times, None)]),
        *[_row("n", f"cost per node, chain of {r['nodes']:,} nodes", "s/node", {"microopt": r["samples"]},
               [] if i < len(per_node) - 1 else [_at_most("largest / smallest", largest / smallest, FLAT, "x")])
          for i, r in enumerate(per_node)],
        _row("e", f"bytes per node, demo graph (same code, {memory['microopt']['nodes']:,} nodes)", "B",
             _bytes(memory, "microopt", "micrograd"),
             [_at_most("microopt", memory["microopt"]["bytes_per_node"], 120.0, " B")]),
        _row("e", f"bytes per node, demo graph (microopt.nn, {memory[OWN]['nodes']:,} nodes)", "B",
             {"microopt": _bytes(memory, OWN)[OWN]}, []),
    ]
    log("parallel: a 16-run lr_sweep with n_jobs=2 against n_jobs=1")
    rows.append(sweep(quick, 1 if repeat is None and quick else min(settings["repeat"], 3)))
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


def _compiled(weights, X, y) -> tuple[demo.CompiledContender, float, int]:
    """The compiled contender, the seconds its compilation took, and the bytes it holds."""
    import time
    import tracemalloc

    gc.collect()
    start = time.perf_counter()
    demo.CompiledContender(demo.own_mlp(weights), X, y)
    seconds = time.perf_counter() - start
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        contender = demo.CompiledContender(demo.own_mlp(weights), X, y)
        gc.collect()
        held = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    return contender, seconds, held


def _difference(batched: demo.CompiledContender, eager: demo.Contender, X, y) -> float:
    """The batched replay's largest relative difference from the eager loss and gradients (one step)."""
    for p in batched.params:
        p.grad = 0.0
    replayed = batched.step.run(X, y)
    loss = eager.graph(X, y)
    params = eager.model.parameters()
    for p in params:
        p.grad = 0.0
    loss.backward()
    pairs = [(replayed.loss, loss.data), *zip(replayed.gradients, (p.grad for p in params))]
    for p in params:
        p.grad = 0.0
    return max(abs(a - b) / abs(b) if b else abs(a) for a, b in pairs)


def _cost_per_node(engine, node_counts, repeat: int) -> list[dict]:
    """Seconds per node of a chain's forward + backward (and freeing), for each size, in turns.

    Every sample processes the same number of nodes (the largest size): one chain of 2 M nodes,
    or 400 chains of 5 k, so that the fixed cost of a sample is shared alike by every size.
    """
    links = {n: n // chain.NODES_PER_LINK for n in node_counts}
    chains = {n: max(node_counts) // n for n in node_counts}

    def workload(n: int) -> None:
        for _ in range(chains[n]):
            chain.forward_backward(engine, links[n])

    times = interleaved({n: lambda n=n: workload(n) for n in node_counts}, repeat)
    per_node = {n: [t / (n * chains[n]) for t in samples] for n, samples in times.items()}
    return [{"nodes": n, "median": summary(per_node[n])["median"], "samples": per_node[n]} for n in node_counts]


def _row(tag: str, workload: str, unit: str, results: dict, checks: list[dict]) -> dict:
    """One line of the table: each engine's median (or bytes), its spread, and the checks on them."""
    figures = {name: results.get(name) for name in ("microopt", "micrograd", "torch")}
    return {"id": tag, "workload": workload, "unit": unit,
            "results": {name: (summary(r)["median"] if isinstance(r, list) else r) for name, r in figures.items()},
            "spread": {name: [summary(r)["low"], summary(r)["high"]] for name, r in figures.items()
                       if isinstance(r, list)},
            "samples": {name: r for name, r in figures.items() if isinstance(r, list)},
            "checks": checks}


def _speedup(other: str, times: dict[str, list[float] | None], target: float | None) -> dict:
    """How many times faster microopt is than ``other``: the median per-round ratio, and its range."""
    measured = ratio(times[other], times["microopt"]) if times.get(other) else None
    value = measured["median"] if measured else None
    met = value is not None and target is not None and value >= target
    return {"label": f"vs {other}", "kind": "speedup", "value": value, "target": target,
            "range": [measured["low"], measured["high"]] if measured else None,
            "status": _status(value, target, met)}


def _at_most(label: str, value: float, limit: float, unit: str) -> dict:
    return {"label": label, "kind": "at_most", "unit": unit, "value": value, "target": limit,
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

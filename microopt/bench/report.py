"""The ``microopt bench`` command: run the suite, print a table (or ``--json``), exit 0.

Performance is reported, never asserted: a MISS is information for whoever tunes the engine,
so the exit status is 0 whatever the figures.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any, Sequence

from microopt._validate import whole_number_argument
from microopt.bench.suite import run
from microopt.train.text import format_table as aligned_table

ENGINES = ("microopt", "micrograd", "torch")


def _figure(value: float | None, unit: str) -> str:
    if value is None:
        return "-"
    if unit == "B":
        return f"{value:.1f} B"
    if unit == "MB":
        return f"{value:.1f} MB"
    if unit == "s/node":
        return f"{value * 1e6:.3g} us/node"
    if value >= 1.0:
        return f"{value:.3g} s"
    return f"{value * 1e3:.3g} ms" if value >= 1e-3 else f"{value * 1e6:.3g} us"


def _check(check: dict) -> tuple[str, str, str]:
    value, target = check["value"], check["target"]
    if check["kind"] == "speedup":
        low_high = f" ({check['range'][0]:.1f}-{check['range'][1]:.1f})" if check.get("range") else ""
        shown = "-" if value is None else f"{value:.1f}x{low_high} {check['label']}"
        wanted = "-" if target is None else f">= {target:g}x"
    else:
        unit = check.get("unit", "B")
        shown = f"{value:.2f}{unit} {check['label']}" if unit == "x" else (
            f"{value:.2g} ({check['label']})" if unit == "" else f"{value:.3g}{unit}")
        wanted = f"<= {target:g}{unit}"
    return shown, wanted, check["status"]


def format_table(result: dict[str, Any]) -> str:
    """The measured figures as aligned text: one line per check, engines side by side."""
    lines: list[tuple[str, ...]] = [("", "workload", *ENGINES, "ratio", "target", "result")]
    for row in result["rows"]:
        figures = tuple(_figure(row["results"][name], row["unit"]) for name in ENGINES)
        checks = [_check(c) for c in row["checks"]] or [("", "", "")]
        lines.append((row["id"], row["workload"], *figures, *checks[0]))
        lines += [("", "", "", "", "", *more) for more in checks[1:]]

    versions = ", ".join(f"{name} {version}" for name, version in result["versions"].items())
    quick = "  [--quick: small workloads, one sample: not representative]" if result["quick"] else ""
    losses = ", ".join(f"{name} {loss:.12g}" for name, loss in result["initial_loss"].items())
    collector = "; ".join(f"{name} {g['collections']} / {g['objects_freed_by_gc']:,}"
                          for name, g in result["gc_per_step"].items())
    out = [f"microopt {result['microopt']} on Python {result['python']}  ({versions}){quick}", ""]
    out += aligned_table(lines[0], lines[1:], labels=2).splitlines()
    out += [
        "",
        "Times are medians per training step (or per chain, per node) of several steps plus the "
        "collection of their garbage,",
        "contenders in rotating turns; ratio = other's time / microopt's time, the median of the "
        "per-round ratios (range in brackets).",
        f"Same workload: initial demo loss {losses} ({'equal' if result['same_loss'] else 'NOT EQUAL'}).",
        "Garbage collector during one demo step (collections run / objects only it could free):",
        f"  {collector}",
        "  micrograd's closures make reference cycles that only the collector can free; "
        "microopt's nodes have none.",
        f"  The {result['frozen_objects']:,} objects alive before timing (modules, models) were frozen "
        "(gc.freeze) for all contenders.",
        *_parallel_account(result["rows"]),
        "",
        *_optimizer_table(result["optimizers"]),
    ]
    out += [f"Note: {note}" for note in result["skipped"]]
    return "\n".join(out)


def _parallel_account(rows: list[dict]) -> list[str]:
    """Row p's CPU account (``microopt.bench.parallel``): what the sweep would do on idle cores."""
    cpu = next((row["cpu"] for row in rows if row["id"] == "p" and "cpu" in row), None)
    if cpu is None:
        return []
    workers = "-" if cpu["workers_cpu_per_run"] is None else _figure(cpu["workers_cpu_per_run"], "s")
    expected = "-" if cpu["expected_speedup"] is None else f"{cpu['expected_speedup']:.2f}x"
    return [f"Row p in CPU time: a run takes {_figure(cpu['serial_cpu_per_run'], 's')} serially and {workers} on a "
            f"worker, joblib {_figure(cpu['overhead_per_task'], 's')} per task:",
            f"  on 2 idle cores, expect {expected} (serial CPU / (workers' CPU / 2 + overhead)); the wall-clock "
            "ratio above reaches that only on an idle machine."]


def _optimizer_table(optimizers: dict[str, Any]) -> list[str]:
    lines = [("optimizer", "parameters", "step", "ns/parameter", "backward (1 example)", "step/backward")]
    lines += [(r["optimizer"], f"{r['parameters']:,}", _figure(r["step_seconds"], "s"),
               f"{r['ns_per_parameter']:.0f}", _figure(r["backward_seconds"], "s"),
               f"{r['step_over_backward']:.2f}")
              for r in optimizers["rows"]]
    overhead = [f"{label}: {_figure(seconds, 's')} per step() of one parameter (the fixed cost of a call)"
                for label, seconds in optimizers["one_parameter_seconds"].items()]
    return ["Optimizer step cost (microopt.optim)", *aligned_table(lines[0], lines[1:]).splitlines(), *overhead]


def main(argv: Sequence[str] | None = None) -> int:
    """``microopt bench [--quick] [--repeat N] [--json]``."""
    parser = argparse.ArgumentParser(
        prog="microopt bench",
        description="Time microopt against micrograd and PyTorch on micrograd's demo, a deep chain, "
                    "memory per node, and optimizer steps. Prints ratios and PASS/MISS per target.")
    parser.add_argument("--quick", action="store_true", help="a small, fast run (seconds, not minutes)")
    parser.add_argument("--repeat", type=whole_number_argument("repeat"), metavar="N",
                        help="samples per measurement (the median is reported)")
    parser.add_argument("--json", action="store_true", help="print the results as JSON instead of a table")
    args = parser.parse_args(argv)
    result = run(quick=args.quick, repeat=args.repeat, log=lambda message: print(message, file=sys.stderr))
    print(json.dumps(result, indent=2) if args.json else format_table(result))
    return 0


"""The ``microopt bench`` command: run the suite, print a table (or ``--json``), exit 0.

Performance is reported, never asserted: a MISS is information for whoever tunes the engine,
so the exit status is 0 whatever the figures.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any, Sequence

from microopt.bench.suite import run

ENGINES = ("microopt", "micrograd", "torch")


def _figure(value: float | None, unit: str) -> str:
    if value is None:
        return "-"
    if unit == "B":
        return f"{value:.1f} B"
    if value >= 1.0:
        return f"{value:.3g} s"
    return f"{value * 1e3:.3g} ms" if value >= 1e-3 else f"{value * 1e6:.3g} us"


def _check(check: dict) -> tuple[str, str, str]:
    value, target = check["value"], check["target"]
    if check["kind"] == "speedup":
        shown = "-" if value is None else f"{value:.1f}x {check['label']}"
        wanted = "-" if target is None else f">= {target:g}x"
    else:
        shown = f"{value:.1f} B"
        wanted = f"<= {target:g} B"
    return shown, wanted, check["status"]


def format_table(result: dict[str, Any]) -> str:
    """The measured figures as aligned text: one line per check, engines side by side."""
    header = ("", "workload", *ENGINES, "ratio", "target", "result")
    lines: list[tuple[str, ...]] = [header]
    for row in result["rows"]:
        figures = tuple(_figure(row["results"][name], row["unit"]) for name in ENGINES)
        checks = [_check(c) for c in row["checks"]] or [("", "", "")]
        lines.append((row["id"], row["workload"], *figures, *checks[0]))
        lines += [("", "", "", "", "", *more) for more in checks[1:]]
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    text = ["  ".join(cell.ljust(w) if i < 2 else cell.rjust(w) for i, (cell, w) in enumerate(zip(line, widths)))
            .rstrip() for line in lines]
    text.insert(1, "-" * len(text[0]))

    out = [f"microopt {result['microopt']} on Python {result['python']}  "
           f"({', '.join(f'{k} {v}' for k, v in result['versions'].items())})"
           f"{'  [--quick: small workloads, one sample: the figures are not representative]' if result['quick'] else ''}",
           ""]
    out += text
    out += ["", "Times are best-of-N per training step (or per chain), contenders interleaved; "
                "ratio = other's time / microopt's time."]
    losses = ", ".join(f"{name} {loss:.12g}" for name, loss in result["initial_loss"].items())
    out.append(f"Same workload: initial demo loss {losses} "
               f"({'equal' if result['same_loss'] else 'NOT EQUAL'}).")
    out.append("Garbage collector during one demo step (collections run, objects only it could free):")
    out.append("  " + "; ".join(f"{name} {g['collections']} / {g['objects_freed_by_gc']:,}"
                                for name, g in result["gc_per_step"].items()))
    out.append("  micrograd's closures make reference cycles that only the collector can free; microopt's "
               "nodes have none.")
    out.append(f"  The {result['frozen_objects']:,} objects alive before timing (modules, models) were frozen "
               "(gc.freeze) for all contenders; row a' shows microopt without that.")
    out += ["", _optimizer_table(result["optimizers"])]
    out += [f"Note: {note}" for note in result["skipped"]]
    return "\n".join(out)


def _optimizer_table(optimizers: dict[str, Any]) -> str:
    header = ("optimizer", "parameters", "step", "ns/parameter", "backward (1 example)", "step/backward")
    lines = [header] + [
        (r["optimizer"], f"{r['parameters']:,}", _figure(r["step_seconds"], "s"), f"{r['ns_per_parameter']:.0f}",
         _figure(r["backward_seconds"], "s"), f"{r['step_over_backward']:.2f}")
        for r in optimizers["rows"]
    ]
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    text = ["  ".join(cell.ljust(w) if i == 0 else cell.rjust(w) for i, (cell, w) in enumerate(zip(line, widths)))
            for line in lines]
    text.insert(1, "-" * len(text[0]))
    for label, seconds in optimizers["one_parameter_seconds"].items():
        text.append(f"{label}: {_figure(seconds, 's')} per step() of a single parameter (the fixed cost of a call)")
    return "Optimizer step cost (microopt.optim)\n" + "\n".join(text)


def main(argv: Sequence[str] | None = None) -> int:
    """``microopt bench [--quick] [--repeat N] [--json]``."""
    parser = argparse.ArgumentParser(
        prog="microopt bench",
        description="Time microopt against micrograd and PyTorch on micrograd's demo, a deep chain, "
                    "memory per node, and optimizer steps. Prints ratios and PASS/MISS per target.")
    parser.add_argument("--quick", action="store_true", help="a small, fast run (seconds, not minutes)")
    parser.add_argument("--repeat", type=_positive, metavar="N", help="samples per measurement (best is kept)")
    parser.add_argument("--json", action="store_true", help="print the results as JSON instead of a table")
    args = parser.parse_args(argv)
    result = run(quick=args.quick, repeat=args.repeat, log=lambda message: print(message, file=sys.stderr))
    print(json.dumps(result, indent=2) if args.json else format_table(result))
    return 0


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"invalid repeat: {text!r} (must be a whole number >= 1)") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"invalid repeat: {value} (must be a whole number >= 1)")
    return value

"""``python -m microopt.micrograd [--steps N] [--rounds R]``: micrograd's demo on both, compared.

Runs the training loop of micrograd's ``demo.ipynb`` with the installed ``micrograd`` package
and with ``microopt.micrograd`` from the same seeds, prints both losses and accuracies per
step with their largest difference, then times them side by side (see ``compare.py``), with
microopt's own ``Value`` and ``nn.MLP`` running the same loop as a third contender.
"""

from __future__ import annotations

import argparse
import importlib

from microopt._validate import whole_number
from microopt.micrograd import compare


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m microopt.micrograd", description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=100, help="demo iterations to compare (default 100)")
    parser.add_argument("--rounds", type=int, default=5, help="timing rounds (default 5; 0 skips timing)")
    args = parser.parse_args(argv)
    steps = whole_number("--steps", args.steps, minimum=1, maximum=100)
    rounds = whole_number("--rounds", args.rounds, minimum=0)
    ours = (importlib.import_module("microopt.micrograd.engine"), importlib.import_module("microopt.micrograd.nn"))
    try:
        theirs = (importlib.import_module("micrograd.engine"), importlib.import_module("micrograd.nn"))
    except ImportError:
        print("micrograd is not installed (pip install micrograd==0.1.0): nothing to compare with.")
        return
    X, y = compare.demo_data()
    a = compare.demo_steps(*ours, X, y, steps)
    b = compare.demo_steps(*theirs, X, y, steps)
    print(f"{'step':>4}  {'micrograd loss':>20}  {'microopt.micrograd loss':>23}  {'difference':>10}  accuracy")
    for k, ((loss_a, acc_a), (loss_b, acc_b)) in enumerate(zip(a, b)):
        same = "same" if acc_a == acc_b else f"{acc_b:.0%} vs {acc_a:.0%}"
        print(f"{k:>4}  {loss_b:>20.16f}  {loss_a:>23.16f}  {abs(loss_a - loss_b):>10.1e}  {acc_b:.0%} ({same})")
    worst = max(abs(la - lb) for (la, _), (lb, _) in zip(a, b))
    print(f"largest loss difference over {steps} steps: {worst:.1e}; "
          f"accuracies {'all equal' if all(x[1] == z[1] for x, z in zip(a, b)) else 'DIFFER'}")
    if rounds:
        # microopt's own Value and nn.MLP (n-ary sums, its own init) run the same loop, for reference
        native = (importlib.import_module("microopt.engine"), importlib.import_module("microopt.nn"))
        seconds = compare.time_side_by_side({"micrograd": theirs, "microopt.micrograd": ours, "microopt": native},
                                            X, y, rounds)
        best = ", ".join(f"{name} {min(s):.3f}" for name, s in seconds.items())
        print(f"seconds per step, best of {rounds} rounds: {best}")
        for slow, fast in (("micrograd", "microopt.micrograd"), ("microopt.micrograd", "microopt")):
            r = compare.ratios(seconds, slow, fast)
            print(f"{slow} / {fast}: median {r['median']:.2f}x (range {r['min']:.2f}-{r['max']:.2f}x)")

if __name__ == "__main__":
    main()

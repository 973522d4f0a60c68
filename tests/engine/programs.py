"""Run the fixture programs of tests/fixtures/generate_engine_fixtures.py on microopt Values.

Each instruction names an op of ``microopt.engine.ops.OPS`` and is applied through the
registry's ``apply``, just as the generator applies the registry's ``torch``.
"""

from __future__ import annotations

import functools
import importlib.util
from pathlib import Path

from microopt import Value
from microopt.engine.ops import OPS

FIXTURES = Path(__file__).parent.parent / "fixtures"


@functools.lru_cache(maxsize=None)
def load_generator():
    """The generator module (its PROGRAMS and run_torch), loaded from its file."""
    spec = importlib.util.spec_from_file_location(
        "generate_engine_fixtures", FIXTURES / "generate_engine_fixtures.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def build(inputs, program):
    """(output Value, input Values) for a program."""
    xs = [Value(float(x), label=f"x{i}") for i, x in enumerate(inputs)]
    regs = list(xs)
    for name, *args in program:
        op = OPS[name]
        if op.has_constant and len(args) == 2:
            regs.append(op.apply(regs[args[0]], float(args[1])))
        else:
            regs.append(op.apply(*(regs[i] for i in args)))
    return regs[-1], xs


def run_microopt(inputs, program):
    out, xs = build(inputs, program)
    out.backward()
    return out.data, [x.grad for x in xs]


def ops_used(cases) -> set[str]:
    """Every op name that appears in the instructions of the given fixture cases."""
    return {name for case in cases for name, *_ in case["program"]}

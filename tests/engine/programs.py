"""Run the fixture programs of tests/fixtures/generate_engine_fixtures.py on microopt Values."""

from __future__ import annotations

import functools
import importlib.util
from pathlib import Path

import microopt
from microopt import Value

FIXTURES = Path(__file__).parent.parent / "fixtures"


@functools.lru_cache(maxsize=None)
def load_generator():
    """The generator module (its PROGRAMS, ARITY and run_torch), loaded from its file."""
    spec = importlib.util.spec_from_file_location(
        "generate_engine_fixtures", FIXTURES / "generate_engine_fixtures.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


UNARY = {
    "neg": lambda a: -a, "abs": abs, "exp": Value.exp, "log": Value.log, "sqrt": Value.sqrt,
    "tanh": Value.tanh, "sigmoid": Value.sigmoid, "relu": Value.relu,
    "leaky_relu": Value.leaky_relu, "softplus": Value.softplus, "sin": Value.sin, "cos": Value.cos,
}
BINARY = {
    "add": lambda a, b: a + b, "sub": lambda a, b: a - b, "mul": lambda a, b: a * b,
    "div": lambda a, b: a / b, "vpow": lambda a, b: a ** b,
}
WITH_CONSTANT = {
    "addc": lambda a, c: a + c, "rsubc": lambda a, c: c - a, "mulc": lambda a, c: a * c,
    "rdivc": lambda a, c: c / a, "powc": lambda a, c: a ** c, "rpowc": lambda a, c: c ** a,
}


def build(inputs, program):
    """(output Value, input Values) for a program."""
    xs = [Value(x, label=f"x{i}") for i, x in enumerate(inputs)]
    regs = list(xs)
    for op, *args in program:
        if op == "sum":
            regs.append(microopt.sum(regs[i] for i in args))
        elif op in BINARY:
            regs.append(BINARY[op](regs[args[0]], regs[args[1]]))
        elif op in WITH_CONSTANT:
            regs.append(WITH_CONSTANT[op](regs[args[0]], float(args[1])))
        else:
            regs.append(UNARY[op](regs[args[0]]))
    return regs[-1], xs


def run_microopt(inputs, program):
    out, xs = build(inputs, program)
    out.backward()
    return out.data, [x.grad for x in xs]

"""Property tests: random expression graphs, with reused nodes, against central differences.

Each graph is a program: registers start with the inputs, each instruction reads one or two
earlier registers (any of them, so nodes are reused and diamonds form) and appends a result.
Ops are composed so every input stays in its domain (log and sqrt of x^2 + 1, division by
x^2 + 1) and every value stays moderate, so central differences are accurate.
"""

import math

import pytest
from hypothesis import given, settings, strategies as st

import microopt
from microopt import Value, numerical_grad

SAFE_UNARY = {
    "tanh": Value.tanh,
    "sigmoid": Value.sigmoid,
    "sin": Value.sin,
    "cos": Value.cos,
    "softplus": Value.softplus,
    "log1p_sq": lambda a: (a * a + 1.0).log(),
    "sqrt1p_sq": lambda a: (a * a + 1.0).sqrt(),
    "exp_tanh": lambda a: a.tanh().exp(),
    "neg": lambda a: -a,
    "half_square": lambda a: 0.5 * a ** 2,
}
SAFE_BINARY = {
    "add": lambda a, b: a + b,
    "sub": lambda a, b: a - b,
    "mul_squashed": lambda a, b: a.tanh() * b,
    "div_1p_sq": lambda a, b: a / (b * b + 1.0),
    "pow_pos_base": lambda a, b: (a * a + 1.0) ** b.tanh(),
}


@st.composite
def programs(draw):
    n_inputs = draw(st.integers(1, 3))
    inputs = draw(st.lists(st.floats(-2.0, 2.0), min_size=n_inputs, max_size=n_inputs))
    program = []
    for i in range(draw(st.integers(1, 12))):
        n_regs = n_inputs + i
        if draw(st.booleans()):
            op = draw(st.sampled_from(sorted(SAFE_UNARY)))
            program.append((op, draw(st.integers(0, n_regs - 1))))
        else:
            op = draw(st.sampled_from(sorted(SAFE_BINARY)))
            program.append((op, draw(st.integers(0, n_regs - 1)), draw(st.integers(0, n_regs - 1))))
    tail = draw(st.integers(1, min(3, n_inputs + len(program))))
    return inputs, program, tail


def evaluate(program, tail, xs):
    regs = list(xs)
    for op, *args in program:
        if op in SAFE_UNARY:
            regs.append(SAFE_UNARY[op](regs[args[0]]))
        else:
            regs.append(SAFE_BINARY[op](regs[args[0]], regs[args[1]]))
    return microopt.sum(regs[-tail:])  # the output reuses the last few nodes too


@settings(max_examples=150, deadline=None)
@given(programs())
def test_random_graphs_match_central_differences(case):
    inputs, program, tail = case
    xs = [Value(x) for x in inputs]
    out = evaluate(program, tail, xs)
    out.backward()
    numerical = numerical_grad(lambda *vs: evaluate(program, tail, vs), inputs, h=1e-5)
    for x, expected in zip(xs, numerical):
        assert math.isclose(x.grad, expected, rel_tol=1e-5, abs_tol=1e-6), (x.grad, expected)


@settings(max_examples=60, deadline=None)
@given(programs())
def test_backward_twice_is_exactly_double(case):
    inputs, program, tail = case
    xs = [Value(x) for x in inputs]
    out = evaluate(program, tail, xs)
    out.backward()
    once = [x.grad for x in xs]
    out.backward()
    assert [x.grad for x in xs] == [2 * g for g in once]


@settings(max_examples=60, deadline=None)
@given(programs())
def test_random_graphs_match_torch(case):
    torch = pytest.importorskip("torch")
    inputs, program, tail = case
    xs = [Value(x) for x in inputs]
    out = evaluate(program, tail, xs)
    out.backward()

    ts = [torch.tensor(x, dtype=torch.float64, requires_grad=True) for x in inputs]
    regs = list(ts)
    torch_ops = {
        "tanh": torch.tanh, "sigmoid": torch.sigmoid, "sin": torch.sin, "cos": torch.cos,
        "softplus": torch.nn.functional.softplus,
        "log1p_sq": lambda a: (a * a + 1.0).log(), "sqrt1p_sq": lambda a: (a * a + 1.0).sqrt(),
        "exp_tanh": lambda a: a.tanh().exp(), "neg": lambda a: -a, "half_square": lambda a: 0.5 * a ** 2,
        "add": lambda a, b: a + b, "sub": lambda a, b: a - b, "mul_squashed": lambda a, b: a.tanh() * b,
        "div_1p_sq": lambda a, b: a / (b * b + 1.0), "pow_pos_base": lambda a, b: (a * a + 1.0) ** b.tanh(),
    }
    for op, *args in program:
        regs.append(torch_ops[op](*(regs[i] for i in args)))
    torch_out = torch.stack(regs[-tail:]).sum()
    torch_out.backward()
    assert math.isclose(out.data, torch_out.item(), rel_tol=1e-12, abs_tol=1e-12)
    for x, t in zip(xs, ts):
        torch_grad = t.grad.item() if t.grad is not None else 0.0  # None: the input was unused
        assert math.isclose(x.grad, torch_grad, rel_tol=1e-9, abs_tol=1e-12)

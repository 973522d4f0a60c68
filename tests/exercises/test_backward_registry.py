"""check_backward covers every op of the engine's registry, and refuses the engine's own ops.

The rules below are written from the math (not from the engine), one per op in the registry:
an op added to the registry without a rule here fails ``test_every_registry_op_has_a_rule``.
"""

from __future__ import annotations

import math

import pytest

from microopt import Value
from microopt.exercises import check_backward
from microopt.exercises._ops import registry


def _sigmoid(x):
    e = math.exp(-abs(x))
    return 1 / (1 + e) if x >= 0 else e / (1 + e)


RULES = {
    "add": lambda a, b: (a + b, (1.0, 1.0)),
    "sub": lambda a, b: (a - b, (1.0, -1.0)),
    "mul": lambda a, b: (a * b, (b, a)),
    "div": lambda a, b: (a / b, (1 / b, -a / (b * b))),
    "pow": lambda a, b: (a ** b, (b * a ** (b - 1), a ** b * math.log(a) if a > 0 else 0.0)),
    "add_const": lambda a, c: (a + c, 1.0),
    "sub_const": lambda a, c: (a - c, 1.0),
    "rsub_const": lambda a, c: (c - a, -1.0),
    "mul_const": lambda a, c: (a * c, c),
    "div_const": lambda a, c: (a / c, 1 / c),
    "rdiv_const": lambda a, c: (c / a, -c / (a * a)),
    "pow_const": lambda a, c: (a ** c, c * a ** (c - 1)),
    "rpow_const": lambda a, c: (c ** a, c ** a * math.log(c)),
    "neg": lambda x: (-x, -1.0),
    "abs": lambda x: (abs(x), (x > 0) - (x < 0)),
    "exp": lambda x: (math.exp(x), math.exp(x)),
    "log": lambda x: (math.log(x), 1 / x),
    "sqrt": lambda x: (math.sqrt(x), 0.5 / math.sqrt(x)),
    "tanh": lambda x: (math.tanh(x), 1 - math.tanh(x) ** 2),
    "sigmoid": lambda x: (_sigmoid(x), _sigmoid(x) * (1 - _sigmoid(x))),
    "relu": lambda x: (max(x, 0.0), 1.0 if x > 0 else 0.0),
    "leaky_relu": lambda x: (x if x > 0 else 0.01 * x, 1.0 if x > 0 else 0.01),
    "softplus": lambda x: (max(x, 0.0) + math.log1p(math.exp(-abs(x))), _sigmoid(x)),
    "sin": lambda x: (math.sin(x), math.cos(x)),
    "cos": lambda x: (math.cos(x), -math.sin(x)),
    "sum": lambda a, b, c: (a + b + c, (1.0, 1.0, 1.0)),
}


def test_every_registry_op_has_a_rule():
    assert sorted(registry()) == sorted(set(registry()) & set(RULES))


@pytest.mark.parametrize("name", sorted(registry()))
def test_every_registry_op_is_checkable(name, capsys):
    check_backward(RULES[name], name)
    assert capsys.readouterr().out.startswith(f"check_backward: <lambda> matches {name} at ")


@pytest.mark.parametrize("name", ["tanh", "sigmoid", "exp", "relu", "abs"])
def test_the_engines_own_op_is_refused(name):
    method = {"abs": Value.__abs__}.get(name) or getattr(Value, name)
    with pytest.raises(AssertionError, match="Write it yourself"):
        check_backward(method, name)
    with pytest.raises(AssertionError, match=r"calls the engine's own Value\..*Write it yourself"):
        check_backward(lambda x: abs(x) if name == "abs" else getattr(x, name)(), name)
    with pytest.raises(AssertionError, match="Write it yourself"):
        check_backward(lambda x: ((v := abs(Value(x)) if name == "abs" else getattr(Value(x), name)()).data,
                                  v.local_grads[0]), name)


def test_other_ops_may_be_used_on_values():
    check_backward(lambda x: 2 * (2 * x).sigmoid() - 1, "tanh", verbose=False)  # tanh x = 2σ(2x) - 1


def test_an_infinite_loop_fails_with_the_time_limit():
    def looping(x):
        while True:
            pass

    with pytest.raises(AssertionError, match=r"looping did not finish within 0.2 s"):
        check_backward(looping, "tanh", time_limit=0.2)

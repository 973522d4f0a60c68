"""Careless input to the checkers: each gets an error that says what to pass, never a false verdict."""

from __future__ import annotations

import math

import pytest

from microopt.exercises import check_backward, check_lr_schedule, check_optimizer
from microopt.optim import Optimizer


class MySGD(Optimizer):
    def __init__(self, params, lr=0.1):
        super().__init__(params, dict(lr=lr))

    def update(self, p, state, *, lr):
        p.data -= lr * p.grad


@pytest.mark.parametrize("time_limit", [-1, 0, math.nan, "5", True])
def test_an_impossible_time_limit_is_refused_not_blamed_on_the_student(time_limit):
    with pytest.raises(ValueError) as error:
        check_optimizer(MySGD, "SGD", lr=0.1, time_limit=time_limit)
    assert str(error.value).startswith(f"Invalid time_limit: {time_limit!r} (must be a number > 0).")
    assert "or None for no limit" in str(error.value)


@pytest.mark.parametrize("check", [
    lambda limit: check_backward(lambda a: (a.tanh(), 1 - a.tanh() ** 2), "tanh", time_limit=limit),
    lambda limit: check_lr_schedule(lambda epoch, lr, step_size, gamma: lr, "StepLR", time_limit=limit),
])
def test_every_check_refuses_a_negative_time_limit(check):
    with pytest.raises(ValueError, match=r"Invalid time_limit: -2 \(must be a number > 0\)\."):
        check(-2)


@pytest.mark.parametrize("time_limit", [None, math.inf, 30])
def test_no_limit_and_generous_limits_still_check(time_limit, capsys):
    check_optimizer(MySGD, "SGD", lr=0.1, time_limit=time_limit)
    assert "MySGD matches SGD(lr=0.1)" in capsys.readouterr().out


@pytest.mark.parametrize("call, error, words", [
    (lambda: check_optimizer(3, "Adam"), AssertionError, "the checker needs your optimizer class, got 3"),
    (lambda: check_optimizer(MySGD, "Adamm"), ValueError, "Unknown reference optimizer 'Adamm': choose one of SGD"),
    (lambda: check_optimizer(MySGD, "SGD", lr=0.1, steps=0), ValueError, "Invalid steps: 0 (must be a whole number"),
    (lambda: check_backward("x", "tanh"), AssertionError, "check_backward needs your function, got 'x'"),
    (lambda: check_backward(lambda a: (a, 1.0), "tanhh"), ValueError, "Unknown reference op 'tanhh': choose one of"),
    (lambda: check_backward(lambda a, b: (a * b, (b, a)), "mul", points="x"), ValueError,
     "Invalid test point ('x',): need 2 number(s) per point."),
    (lambda: check_lr_schedule(5, "StepLR", step_size=3, gamma=0.5), AssertionError,
     "5 raised TypeError: 'int' object is not callable. A schedule function takes (epoch, base_lr, step_size, gamma)"),
    (lambda: check_lr_schedule(lambda e: 0.1, "NoSuch"), ValueError, "Unknown reference schedule 'NoSuch'"),
])
def test_careless_calls_say_what_to_pass(call, error, words):
    with pytest.raises(error) as raised:
        call()
    assert words in str(raised.value)

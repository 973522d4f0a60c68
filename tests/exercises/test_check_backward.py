"""check_backward: correct rules pass; each typical mistake fails with the point and a hint."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings, strategies as st

from microopt.exercises import check_backward


def tanh_rule(x):
    t = math.tanh(x)
    return t, 1 - t * t


def sigmoid_rule(x):
    # stable: exp of a non-positive number only
    e = math.exp(-abs(x))
    s = 1 / (1 + e) if x >= 0 else e / (1 + e)
    return s, s * (1 - s)


def mul_rule(a, b):
    return a * b, (b, a)


def failure(*args, **kwargs) -> str:
    with pytest.raises(AssertionError) as info:
        check_backward(*args, **kwargs)
    return str(info.value)


def test_correct_rules_pass_and_say_so(capsys):
    check_backward(tanh_rule, "tanh")
    check_backward(sigmoid_rule, "sigmoid")
    check_backward(mul_rule, "*")
    check_backward(lambda a, b: (a / b, (1 / b, -a / (b * b))), "/")
    check_backward(lambda x: (max(x, 0.0), 1.0 if x > 0 else 0.0), "relu")
    check_backward(lambda x: (math.log(x), 1 / x), "log")
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == ("check_backward: tanh_rule matches tanh at 9 points "
                        "(forward value, local derivative, central differences).")
    assert len(lines) == 6


def test_a_function_on_values_is_checked_through_backward(capsys):
    silu = lambda x: x * x.sigmoid()  # noqa: E731
    check_backward(silu, lambda x: x / (1 + (-x).exp()))
    check_backward(silu)  # no reference: gradients against central differences only
    assert "gradient from backward()" in capsys.readouterr().out
    message = failure(lambda x: x * x.sigmoid(), lambda x: x * x.tanh())
    assert "forward value at x = -2.0 is wrong" in message


def test_derivative_written_with_the_input_instead_of_the_output():
    message = failure(lambda x: (math.tanh(x), 1 - x * x), "tanh")
    # first point 0.5: 1 - 0.25 = 0.75 instead of 1 - tanh(0.5)² = 0.7864477...
    assert "the local derivative d/dx at x = 0.5 is wrong: yours 0.75, tanh gives 0.78644" in message
    assert "central differences of your forward give 0.78644" in message
    assert "Hint: you used the input x where the output belongs" in message


def test_a_naive_exp_overflows_at_the_edge_points():
    def naive_sigmoid(x):
        s = 1 / (1 + math.exp(-x))
        return s, s * (1 - s)

    message = failure(naive_sigmoid, "sigmoid")
    assert message.startswith("naive_sigmoid raised OverflowError at x = -800.0")
    assert "Write the op in a stable form" in message


def test_swapped_and_flipped_derivatives():
    message = failure(lambda a, b: (a * b, (a, b)), "*")
    assert "d/da at (a = 2.0, b = -3.0) is wrong: yours 2.0, * gives -3.0" in message
    assert "Hint: the two local derivatives are swapped" in message
    message = failure(lambda x: (math.cos(x), math.sin(x)), "cos")
    assert "Hint: the sign of the derivative is flipped. d cos(x)/dx = -sin(x)." in message


def test_relu_prime_of_zero_equal_to_one_is_accepted_with_a_note_on_the_convention(capsys):
    # central differences at 0 give 0.5; PyTorch (and microopt) use 0; 1 is a valid subgradient too
    check_backward(lambda x: (max(x, 0.0), 1.0 if x >= 0 else 0.0), "relu")
    out = capsys.readouterr().out
    assert "note: your derivative at the kink x = 0.0 is 1.0; PyTorch (and microopt) use 0.0" in out
    message = failure(lambda x: (max(x, 0.0), 2.0 if x >= 0 else 0.0), "relu")  # 2 is no subgradient
    assert "at x = 2.0 is wrong: yours 2.0, relu gives 1.0" in message


def test_abs_is_checkable_and_its_kink_takes_any_subgradient(capsys):
    check_backward(lambda x: (abs(x), (x > 0) - (x < 0)), "abs")
    check_backward(lambda x: (abs(x), 1.0 if x >= 0 else -1.0), "abs")
    assert "note: your derivative at the kink x = 0.0 is 1.0" in capsys.readouterr().out
    assert "Hint: the sign of the derivative is flipped" in failure(lambda x: (abs(x), -1.0 if x > 0 else 1.0), "abs")


def test_without_reference_the_derivative_must_match_the_forward():
    message = failure(lambda x: (x ** 3, 2 * x * x), points=[1.0])
    # d(x³)/dx = 3 at x = 1; central differences give 3 up to about 1e-10
    assert "d/dx at x = 1.0 is wrong: yours 2.0, central differences of your forward gives 2.99999" in message
    assert message.count("central differences") == 2  # the comparison, and the hint


def test_unfinished_template_and_wrong_shapes():
    def template(x):
        raise NotImplementedError("TODO: return tanh(x) and its derivative")

    message = failure(template, "tanh")
    assert "template raised NotImplementedError at x = 0.5" in message
    assert "Hint: the TODO is not done yet" in message
    assert "returns a pair (value, derivative)" in failure(lambda x: 3.0, "exp")
    assert "a rule returns numbers as (value, (d/da, d/db))" in failure(lambda a, b: (a * b, b), "*")


def test_bad_input():
    with pytest.raises(ValueError, match="Unknown reference op 'tan': choose one of .*abs.*tanh"):
        check_backward(tanh_rule, "tan")
    with pytest.raises(ValueError, match=r"Invalid test point \(1.0, 2.0\): need 1 number"):
        check_backward(tanh_rule, "tanh", points=[(1.0, 2.0)])
    with pytest.raises(AssertionError, match="pass it without calling it"):
        check_backward(tanh_rule(0.5), "tanh")


RULES = {  # op -> (a correct rule written from math, the domain to draw points from)
    "tanh": (tanh_rule, (-30.0, 30.0)),
    "sigmoid": (sigmoid_rule, (-30.0, 30.0)),
    "exp": (lambda x: (math.exp(x), math.exp(x)), (-20.0, 20.0)),
    "log": (lambda x: (math.log(x), 1 / x), (1e-3, 1e3)),
    "sqrt": (lambda x: (math.sqrt(x), 0.5 / math.sqrt(x)), (1e-3, 1e3)),
    "sin": (lambda x: (math.sin(x), math.cos(x)), (-10.0, 10.0)),
}


@settings(max_examples=40, deadline=None)
@given(data=st.data(), op=st.sampled_from(sorted(RULES)))
def test_a_correct_rule_never_fails_anywhere_in_its_domain(data, op):
    rule, (low, high) = RULES[op]
    x = data.draw(st.floats(low, high))
    check_backward(rule, op, points=[x], verbose=False)


def test_a_derivative_off_by_a_factor_of_two_is_named():
    message = failure(lambda x: (math.sqrt(x), 1 / math.sqrt(x)), "sqrt")  # forgot the 1/2
    assert "Hint: the derivative is off by a factor of 2. d √x/dx = 1 / (2 √x)." in message
    message = failure(lambda x: (x * x, x), lambda x: x * x)  # d(x²)/dx = 2x, written x
    assert "Hint: the derivative is half what it should be" in message

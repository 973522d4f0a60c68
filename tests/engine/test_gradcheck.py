"""The gradient checker, including against deliberately wrong derivatives.

A checker that passes a wrong gradient is worse than none, so most tests here feed it a
broken operation and expect it to object, naming the input.
"""

import pytest

from microopt import GradcheckError, Value, gradcheck, numerical_grad


def wrong_square(a: Value) -> Value:
    """a^2 with the local derivative a (instead of 2a): a classic mistake."""
    out = a ** 2
    out._da = a.data  # the node's stored d(out)/da, overwritten with the mistake
    return out


def forgot_chain_rule_tanh(a: Value) -> Value:
    """tanh whose local derivative is 1 - a^2 (the input, not the output, squared)."""
    out = a.tanh()
    out._da = 1.0 - a.data ** 2
    return out


def test_correct_functions_pass():
    assert gradcheck(lambda a, b: (a * b).tanh() + a.exp() / b, [0.3, 1.7])
    assert gradcheck(lambda a: a.sigmoid() * a.softplus(), [Value(-0.4)])


def test_numerical_grad_of_known_function():
    # d/dx (x^3) = 3x^2 = 12 at x = 2, d/dy (x y) = x
    assert numerical_grad(lambda x, y: x ** 3 + x * y, [2.0, 5.0]) == pytest.approx([17.0, 2.0], rel=1e-8)


def test_wrong_local_derivative_is_caught():
    with pytest.raises(GradcheckError) as err:
        gradcheck(wrong_square, [1.5])
    message = str(err.value)
    assert "input 0 (at x0 = 1.5)" in message
    assert "backward() gives 1.5," in message             # the wrong local derivative: a
    assert "central differences give 3 " in message       # the truth: 2a


def test_subtly_wrong_derivative_is_caught():
    with pytest.raises(GradcheckError, match="input 0"):
        gradcheck(forgot_chain_rule_tanh, [0.8])


def test_only_the_wrong_input_is_named():
    def f(a, b):
        return a * 3.0 + wrong_square(b)
    with pytest.raises(GradcheckError, match="input 1"):
        gradcheck(f, [1.0, 2.0])


def test_wrong_gradient_hidden_in_a_bigger_graph_is_caught():
    def f(a, b, c):
        return (a * b).tanh() + wrong_square(c * a) + b.exp()
    with pytest.raises(GradcheckError):
        gradcheck(f, [0.5, -0.3, 1.2])


def test_tolerance_is_reported():
    with pytest.raises(GradcheckError, match="tolerance"):
        gradcheck(wrong_square, [1.0])


def test_bad_arguments():
    with pytest.raises(TypeError, match="sequence"):
        gradcheck(lambda a: a, 1.0)
    with pytest.raises(TypeError, match="must return a Value"):
        gradcheck(lambda a: 3.0, [1.0])
    with pytest.raises(TypeError, match="input 0"):
        gradcheck(lambda a: a, ["x"])

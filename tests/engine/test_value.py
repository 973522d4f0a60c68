"""Each operation's forward value and local derivative, derived by hand, and its errors."""

import math

import pytest

import microopt
from microopt import Value, gradcheck


def grad_of(f, x: float) -> tuple[float, float]:
    """(f(x), df/dx) computed by microopt."""
    v = Value(x)
    out = f(v)
    out.backward()
    return out.data, v.grad


# op, input, expected value, expected derivative (worked out by hand)
UNARY_CASES = [
    ("neg", lambda a: -a, 2.0, -2.0, -1.0),
    ("abs+", abs, -3.0, 3.0, -1.0),
    ("exp", Value.exp, 1.0, math.e, math.e),                       # d e^a = e^a
    ("log", Value.log, 2.0, math.log(2.0), 0.5),                   # d log a = 1/a
    ("sqrt", Value.sqrt, 4.0, 2.0, 0.25),                          # d sqrt a = 1/(2 sqrt a)
    ("tanh", Value.tanh, 0.5, math.tanh(0.5), 1 - math.tanh(0.5) ** 2),
    ("sigmoid", Value.sigmoid, 0.0, 0.5, 0.25),                    # s(1-s) at 0
    ("relu+", Value.relu, 1.5, 1.5, 1.0),
    ("relu-", Value.relu, -1.5, 0.0, 0.0),
    ("leaky-", Value.leaky_relu, -2.0, -0.02, 0.01),
    ("softplus0", Value.softplus, 0.0, math.log(2.0), 0.5),       # log 2, sigmoid(0)
    ("sin", Value.sin, 0.3, math.sin(0.3), math.cos(0.3)),
    ("cos", Value.cos, 0.3, math.cos(0.3), -math.sin(0.3)),
    ("square", lambda a: a ** 2, 3.0, 9.0, 6.0),                   # d a^2 = 2a
    ("cube-", lambda a: a ** 3, -2.0, -8.0, 12.0),                 # d a^3 = 3a^2
    ("reciprocal", lambda a: a ** -1, 4.0, 0.25, -1 / 16),         # d a^-1 = -a^-2
    ("rpow", lambda a: 2 ** a, 3.0, 8.0, 8.0 * math.log(2.0)),     # d 2^a = 2^a log 2
    ("rsub", lambda a: 5 - a, 3.0, 2.0, -1.0),
    ("rdiv", lambda a: 6 / a, 3.0, 2.0, -6 / 9),                   # d c/a = -c/a^2
    ("radd", lambda a: 1 + a, 3.0, 4.0, 1.0),
    ("rmul", lambda a: 4 * a, 3.0, 12.0, 4.0),
]


@pytest.mark.parametrize("name,f,x,value,slope", UNARY_CASES, ids=[c[0] for c in UNARY_CASES])
def test_unary_value_and_derivative(name, f, x, value, slope):
    got_value, got_slope = grad_of(f, x)
    assert got_value == pytest.approx(value, rel=1e-15)
    assert got_slope == pytest.approx(slope, rel=1e-15)


@pytest.mark.parametrize("name,f,x,value,slope", UNARY_CASES, ids=[c[0] for c in UNARY_CASES])
def test_unary_agrees_with_central_differences(name, f, x, value, slope):
    assert gradcheck(f, [x])  # every x above is away from a kink


def test_binary_ops_by_hand():
    a, b = Value(3.0), Value(-2.0)
    for out, da, db in [
        (a + b, 1.0, 1.0),
        (a - b, 1.0, -1.0),
        (a * b, -2.0, 3.0),            # d(ab)/da = b, d(ab)/db = a
        (a / b, -0.5, -3.0 / 4.0),     # 1/b, -a/b^2
    ]:
        a.grad = b.grad = 0.0
        out.backward()
        assert (a.grad, b.grad) == (da, db)


def test_value_exponent():
    a, b = Value(2.0), Value(3.0)
    out = a ** b
    out.backward()
    assert out.data == 8.0
    assert a.grad == 12.0                       # b a^(b-1)
    assert b.grad == pytest.approx(8.0 * math.log(2.0), rel=1e-15)  # a^b log a


def test_pow_edge_slopes_follow_pytorch():
    assert grad_of(lambda a: a ** 0, 0.0) == (1.0, 0.0)       # a^0 is flat
    assert grad_of(lambda a: a ** 0.5, 0.0) == (0.0, math.inf)  # vertical slope at 0
    assert grad_of(lambda a: a ** 2, 0.0) == (0.0, 0.0)


def test_data_is_stored_as_float():
    v = Value(3)
    assert type(v.data) is float and v.data == 3.0
    assert type(v.grad) is float and v.grad == 0.0
    assert (Value(2) * 3).data == 6.0


@pytest.mark.parametrize("bad", ["3", None, [1.0], 1 + 2j, True])
def test_non_numbers_are_refused_with_the_type(bad):
    with pytest.raises(TypeError, match=type(bad).__name__):
        Value(bad)


@pytest.mark.parametrize("op", [
    lambda v: v + "1", lambda v: "1" + v, lambda v: v * [2], lambda v: v - None,
    lambda v: v / "x", lambda v: v ** "2", lambda v: "2" ** v,
])
def test_ops_with_non_numbers_raise_type_error(op):
    with pytest.raises(TypeError, match="unsupported operand"):
        op(Value(1.0))


def test_log_of_non_positive_names_op_and_value():
    with pytest.raises(ValueError, match=r"log .*-2\.0"):
        Value(-2.0).log()
    with pytest.raises(ValueError, match=r"log .*0\.0"):
        Value(0.0).log()


def test_sqrt_of_negative_names_op_and_value():
    with pytest.raises(ValueError, match=r"sqrt .*-1\.0"):
        Value(-1.0).sqrt()


def test_division_by_zero():
    with pytest.raises(ZeroDivisionError, match="division by zero"):
        Value(1.0) / 0
    with pytest.raises(ZeroDivisionError):
        1.0 / Value(0.0)
    with pytest.raises(ZeroDivisionError):
        Value(0.0) ** -1


def test_exp_overflow_reports_the_input():
    with pytest.raises(OverflowError, match="1000"):
        Value(1000.0).exp()


def test_negative_base_with_fractional_exponent():
    with pytest.raises(ValueError, match="negative base"):
        Value(-8.0) ** (1 / 3)
    with pytest.raises(ValueError, match="base"):
        Value(-2.0) ** Value(2.0)


@pytest.mark.parametrize("x", [-1000.0, 1000.0, -1e308, 1e308])
def test_saturating_functions_stay_finite(x):
    for f in (Value.tanh, Value.sigmoid, Value.softplus):
        value, slope = grad_of(f, x)
        assert math.isfinite(value) and math.isfinite(slope), (f.__name__, x, value, slope)
    assert grad_of(Value.sigmoid, -1000.0) == (0.0, 0.0)
    assert grad_of(Value.tanh, 1000.0) == (1.0, 0.0)


def test_nary_sum_is_one_node():
    terms = [Value(float(i)) for i in range(5)]
    total = microopt.sum([*terms, 2.5])
    assert total.data == 12.5
    assert total.op == "sum"
    assert len(total.parents) == 6
    assert all(p.is_leaf() for p in total.parents)
    total.backward()
    assert [t.grad for t in terms] == [1.0] * 5


def test_nary_sum_refuses_empty_and_non_numbers():
    with pytest.raises(ValueError, match="at least one"):
        microopt.sum([])
    with pytest.raises(TypeError, match="str"):
        microopt.sum([Value(1.0), "2"])


def test_parents_are_an_ordered_tuple():
    a, b = Value(1.0, label="a"), Value(2.0, label="b")
    assert (a - b).parents == (a, b)
    assert (b - a).parents == (b, a)
    assert a.tanh().parents == (a,)
    assert a.parents == ()
    assert (a * b).local_grads == (2.0, 1.0)


def test_values_hash_by_identity():
    a, b = Value(1.0), Value(1.0)
    assert len({a, b, a}) == 2
    d = {a: "a", b: "b"}
    assert d[a] == "a" and d[b] == "b"
    assert a != b and a == a


def test_comparisons_look_at_data():
    assert Value(1.0) < Value(2.0) and Value(2.0) > 1 and Value(1.0) <= 1.0 and Value(3.0) >= 3


def test_repr_reads_well():
    assert repr(Value(2.0, label="x")) == "Value(data=2, grad=0, label='x')"
    out = Value(2.0) * Value(3.0)
    assert repr(out) == "Value(data=6, grad=0, op='*')"


def test_power_overflow_names_base_and_exponent():
    # Python's own message is "(34, 'Numerical result out of range')": it names neither number
    with pytest.raises(OverflowError, match=r"10\.0 \*\* 400\.0"):
        Value(10.0) ** 400
    with pytest.raises(OverflowError, match=r"10\.0 \*\* 400\.0"):
        Value(10.0) ** Value(400.0)
    with pytest.raises(OverflowError, match=r"10\.0 \*\* 400\.0"):
        10 ** Value(400.0)


def test_a_plain_number_is_folded_into_the_node():
    x = Value(3.0)
    for out, label, constant, local in [
        (x * 2.0, "* 2", 2.0, 2.0), (2.0 * x, "* 2", 2.0, 2.0), (x + 1, "+ 1", 1.0, 1.0),
        (1 - x, "1 -", 1.0, -1.0), (x - 0.5, "- 0.5", 0.5, 1.0), (x / 4, "/ 4", 4.0, 0.25),
        (6 / x, "6 /", 6.0, -6.0 / 9.0), (x ** 2, "**2", 2.0, 6.0), (2 ** x, "2 **", 2.0, 8.0 * math.log(2.0)),
    ]:
        assert out.parents == (x,)  # one node: no leaf for the number
        assert (out.op, out.constant) == (label, constant)
        assert out.local_grads == pytest.approx((local,), rel=1e-15)
    assert (x * x).constant is None

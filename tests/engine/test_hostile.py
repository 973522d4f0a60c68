"""Hostile and careless input to the engine: each case asserts the exact outcome.

A value where PyTorch gives one (nan propagation, inf + -inf), otherwise an error of the
right type whose message names the problem and says what to do.
"""

from __future__ import annotations

import gc
import math

import numpy as np
import pytest

import microopt
from microopt import Value, gradcheck, numerical_grad
from microopt.engine.collector import paused_collector

nan, inf = math.nan, math.inf


def grad_of(f, x):
    v = Value(x)
    out = f(v)
    out.backward()
    return out.data, v.grad


def same(got: float, expected: float) -> bool:
    return (math.isnan(got) and math.isnan(expected)) or got == expected


# ------------------------------------------------------------------ NaN flows as in PyTorch
# (value, derivative) of each op at nan and inf: torch 2.13 float64, checked live in
# test_torch_reference.py (the *_nan_at_* and *_inf_at_* fixture cases).
NAN_CASES = [
    ("relu nan", Value.relu, nan, nan, 1.0),       # torch.relu(nan) = nan, and its slope passes
    ("relu inf", Value.relu, inf, inf, 1.0),
    ("relu -inf", Value.relu, -inf, 0.0, 0.0),
    ("abs nan", abs, nan, nan, 0.0),               # sign(nan) = 0, as torch
    ("leaky nan", Value.leaky_relu, nan, nan, 0.01),
    ("tanh nan", Value.tanh, nan, nan, nan),
    ("tanh inf", Value.tanh, inf, 1.0, 0.0),
    ("sigmoid nan", Value.sigmoid, nan, nan, nan),
    ("sigmoid -inf", Value.sigmoid, -inf, 0.0, 0.0),
    ("softplus nan", Value.softplus, nan, nan, nan),
    ("softplus inf", Value.softplus, inf, inf, 1.0),
    ("exp nan", Value.exp, nan, nan, nan),
    ("exp inf", Value.exp, inf, inf, inf),
    ("exp -inf", Value.exp, -inf, 0.0, 0.0),
    ("log nan", Value.log, nan, nan, nan),
    ("log inf", Value.log, inf, inf, 0.0),
    ("sqrt nan", Value.sqrt, nan, nan, nan),       # not the slope "inf" of sqrt at 0
    ("sqrt inf", Value.sqrt, inf, inf, 0.0),
    ("sin inf", Value.sin, inf, nan, nan),         # math.sin raises there; torch gives nan
    ("cos -inf", Value.cos, -inf, nan, nan),
    ("neg nan", lambda a: -a, nan, nan, -1.0),
    ("square nan", lambda a: a ** 2, nan, nan, nan),
    ("times zero nan", lambda a: a * 0.0, nan, nan, 0.0),
    ("rpow nan", lambda a: 2 ** a, nan, nan, nan),
    ("rdiv inf", lambda a: 1 / a, inf, 0.0, -0.0),
]


@pytest.mark.parametrize("name,f,x,value,slope", NAN_CASES, ids=[c[0] for c in NAN_CASES])
def test_nan_and_inf_propagate_as_in_pytorch(name, f, x, value, slope):
    got_value, got_slope = grad_of(f, x)
    assert same(got_value, value) and same(got_slope, slope), (got_value, got_slope)


def test_a_nan_feature_survives_a_relu_layer():
    from microopt.nn import Layer

    out = Layer(1, 3, activation="relu")([nan])
    assert all(math.isnan(v.data) for v in out)


def test_value_exponent_with_a_nan_base():
    a, b = Value(nan), Value(2.0)
    out = a ** b
    out.backward()
    assert math.isnan(out.data) and math.isnan(a.grad) and math.isnan(b.grad)  # torch: nan, nan


# ------------------------------------------------------------------ microopt.sum and fsum's errors
@pytest.mark.parametrize("terms,expected", [
    ([inf, -inf], nan),                 # fsum: ValueError("-inf + inf in fsum"); + gives nan
    ([1e308, 1e308, -1e308], inf),      # fsum: OverflowError("intermediate overflow"); + gives inf
    ([nan, 1.0], nan),
    ([inf, 1.0], inf),
    ([0.1] * 10, 1.0),                  # still exactly rounded where fsum works (plain + gives 0.9999999999999999)
])
def test_sum_gives_what_plus_gives_where_fsum_refuses(terms, expected):
    total = microopt.sum([Value(t) for t in terms])
    assert same(total.data, expected)
    total.backward()  # the gradient of a sum is still 1 for each term


def test_an_inf_sum_backpropagates_ones():
    xs = [Value(inf), Value(-inf)]
    total = microopt.sum(xs)
    total.backward()
    assert [x.grad for x in xs] == [1.0, 1.0]


# ------------------------------------------------------------------ conversions
def test_float_of_a_value_explains_data_and_item():
    with pytest.raises(TypeError, match=r"float\(\) of a Value would detach it from the graph: .*Use value.data "
                                        r"\(or value.item\(\)\)"):
        float(Value(1.5))


def test_int_of_a_value_explains_data_and_item():
    with pytest.raises(TypeError, match=r"int\(\) of a Value would detach it .*int\(value.data\)"):
        int(Value(2.0))


def test_math_functions_on_a_value_explain_too():
    with pytest.raises(TypeError, match="Use value.data"):
        math.exp(Value(1.0))  # the student meant Value.exp()


@pytest.mark.parametrize("spec,expected", [(".3f", "1.235"), (".2e", "1.23e+00"), ("8.2f", "    1.23"),
                                           ("g", "1.23456")])
def test_format_specs_format_the_data(spec, expected):
    assert format(Value(1.23456), spec) == expected


def test_plain_format_is_the_repr():
    assert f"{Value(2.0, label='w')}" == "Value(data=2, grad=0, label='w')"


# ------------------------------------------------------------------ construction
def test_micrograds_signature_is_refused_with_a_pointer():
    a, b = Value(1.0), Value(2.0)
    with pytest.raises(TypeError, match=r"Invalid Value arguments: .*micrograd's Value\(data, _children, _op\).*"
                                        r"microopt.micrograd offers micrograd's signature"):
        Value(3.0, (a, b), "+")


@pytest.mark.parametrize("children", [(), [1], {2}])
def test_a_tuple_list_or_set_as_label_is_refused(children):
    with pytest.raises(TypeError, match="the label a name, not a tuple of parents"):
        Value(1.0, children)


def test_huge_int_is_a_named_overflow_error():
    with pytest.raises(OverflowError, match=r"Invalid Value data: an integer of about 401 digits \(must fit in a "
                                            r"float, at most about 1.8e308\)"):
        Value(10 ** 400)


def test_huge_int_operand_is_a_named_overflow_error():
    with pytest.raises(OverflowError, match=r"Invalid operand for \*: an integer of about 401 digits"):
        Value(1.0) * 10 ** 400


@pytest.mark.parametrize("bad", ["1.0", None, [1.0], True, 1 + 2j])
def test_non_numbers_are_refused(bad):
    with pytest.raises(TypeError, match=rf"Value needs an int or float, got {type(bad).__name__}"):
        Value(bad)


@pytest.mark.parametrize("number", [np.float64(0.25), np.float32(0.25), np.int64(3), np.int8(-2), np.uint16(7)])
def test_numpy_scalars_are_numbers(number):
    v = Value(number)
    assert type(v.data) is float and v.data == float(number)
    assert (v * number).data == float(number) ** 2
    assert type((v * number).data) is float


def test_numpy_bool_is_not_a_number():
    with pytest.raises(TypeError, match="Value needs an int or float, got bool"):
        Value(np.bool_(True))


# ------------------------------------------------------------------ grad and data replaced by the user
def test_grad_none_is_explained_at_backward():
    w = Value(1.0, label="w")
    y = w * w
    w.grad = None  # PyTorch's zero_grad(set_to_none=True) habit
    with pytest.raises(TypeError, match=r"Invalid grad of the leaf 'w': None \(must be a number\)\. microopt "
                                        r"gradients start at 0.0, not None"):
        y.backward()


def test_an_error_in_backward_leaves_the_other_leaves_gradients_as_they_were():
    a, b, c = Value(1.0), Value(2.0), Value(3.0)
    b.grad, c.grad = 5.0, -1.5  # accumulated by earlier backward() calls
    y = (a * b) * c
    a.grad = None
    with pytest.raises(TypeError, match="Invalid grad of a leaf Value: None"):
        y.backward()
    assert (a.grad, b.grad, c.grad) == (None, 5.0, -1.5)
    a.grad = 0.0
    y.backward()  # once fixed, backward adds this call's gradient to what they held
    assert (a.grad, b.grad, c.grad) == (6.0, 5.0 + 3.0, -1.5 + 2.0)


def test_a_non_number_grad_is_explained():
    w = Value(1.0)
    y = w * 3.0
    w.grad = "0"
    with pytest.raises(TypeError, match=r"Invalid grad of a leaf Value: str '0' \(must be a number\)"):
        y.backward()


def test_a_non_number_data_is_explained():
    w = Value(1.0, label="w")
    y = w + 1.0
    w.data = [1.0]
    with pytest.raises(TypeError, match=r"Invalid data of the leaf 'w': list \[1.0\] \(must be a number\)"):
        y.backward()


def test_an_int_grad_is_taken_as_a_float():
    w = Value(1.0)
    y = w * 3.0
    w.grad = 0  # micrograd's zero_grad
    y.backward()
    assert w.grad == 3.0 and type(w.grad) is float


def test_a_numpy_data_is_taken_as_a_float():
    w = Value(1.0)
    y = w * 3.0
    w.data = np.float32(2.0)
    y.backward()
    assert type(w.data) is float and w.grad == 3.0


# ------------------------------------------------------------------ gradcheck inputs
def test_gradcheck_takes_numpy_numbers():
    assert gradcheck(lambda a, b: a * b + a.tanh(), [np.float32(0.5), np.int64(-2)])
    assert numerical_grad(lambda a: a * a, np.array([3.0])) == pytest.approx([6.0])


def test_gradcheck_single_numpy_number_says_wrap_it():
    with pytest.raises(TypeError, match=r"gradcheck needs a sequence of inputs, got a single float64"):
        gradcheck(lambda a: a, np.float64(1.0))


def test_gradcheck_huge_int_is_a_named_overflow_error():
    with pytest.raises(OverflowError, match="an integer of about 401 digits"):
        gradcheck(lambda a: a, [10 ** 400])


# ------------------------------------------------------------------ the paused collector
def test_backward_restores_the_collector_when_it_was_on():
    assert gc.isenabled()
    y = Value(2.0) * 3.0
    y.backward()
    assert gc.isenabled()


def test_backward_leaves_the_collector_off_when_it_was_off():
    gc.disable()
    try:
        (Value(2.0) * 3.0).backward()
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_backward_restores_the_collector_after_an_error():
    w = Value(1.0)
    y = w * w
    w.grad = None
    with pytest.raises(TypeError):
        y.backward()
    assert gc.isenabled()


def test_paused_collector_restores_on_error_and_nests():
    with pytest.raises(KeyError):
        with paused_collector():
            with paused_collector():
                assert not gc.isenabled()
            assert not gc.isenabled()  # the inner block leaves the outer one's pause alone
            raise KeyError("boom")
    assert gc.isenabled()


def test_graphs_hold_no_cycles():
    gc.collect()
    w = Value(0.5)
    y = w
    for _ in range(200):
        y = (y * w).relu() + 1.0
    y.backward()
    y.topological_order()
    del y, w
    assert gc.collect() == 0  # reference counting freed everything

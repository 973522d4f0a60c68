"""Hostile input to the 2-D test functions: extreme points give IEEE answers, bad names are named."""

from __future__ import annotations

import math

import numpy as np
import pytest

from microopt import Value
from microopt.functions import ALL, get
from microopt.train.divergence import check_divergence_factor


@pytest.mark.parametrize("name", ["rosenbrock", "himmelblau", "quadratic", "beale"])
def test_a_far_point_overflows_to_inf_instead_of_raising(name):
    # (1e200)² is past the largest float: x * x gives inf where float ** 2 raised OverflowError.
    f = get(name)
    assert f(1e200, 1e200) == math.inf


def test_rosenbrock_far_away_by_hand():
    f = get("rosenbrock")
    assert f(1e200, 0.0) == math.inf and f.gradient(1e200, 0.0) == (math.inf, -math.inf)


@pytest.mark.parametrize("point", [(math.inf, 0.0), (0.0, -math.inf)])
def test_rastrigin_at_infinity_is_inf_or_nan_not_a_domain_error(point):
    f = get("rastrigin")
    value = f(*point)  # x² - A cos(2πx) with cos(inf) = nan, as numpy and torch give
    assert math.isnan(value)
    assert all(math.isnan(g) for g, p in zip(f.gradient(*point), point) if math.isinf(p))


def test_the_value_path_keeps_one_square_node():
    x, y = Value(-1.2, label="x"), Value(1.0, label="y")
    out = get("rosenbrock")(x, y)
    out.backward()
    assert [n.op for n in out.topological_order()].count("**2") == 2
    assert (x.grad, y.grad) == pytest.approx(get("rosenbrock").gradient(-1.2, 1.0), rel=1e-12)


@pytest.mark.parametrize("f", ALL, ids=lambda f: f.name)
def test_nan_in_gives_nan_out(f):
    assert math.isnan(f(math.nan, 0.5)) and math.isnan(f(0.5, math.nan))


@pytest.mark.parametrize("name, bad, words", [
    (["rosenbrock"], TypeError, "Invalid test function name: ['rosenbrock'] (must be a str, one of: quadratic"),
    (None, TypeError, "Invalid test function name: None"),
    ("rosenbrok", ValueError, "Unknown test function 'rosenbrok'; choose one of: quadratic, rosenbrock"),
])
def test_bad_names(name, bad, words):
    with pytest.raises(bad) as caught:
        get(name)
    assert words in str(caught.value)


@pytest.mark.parametrize("name, params, words", [
    ("quadratic", {"conditon": 5}, "Quadratic has no parameter 'conditon'; its parameters are: condition."),
    ("beale", {"a": 1}, "Beale has no parameter 'a'; its parameters are: none."),
    ("rosenbrock", {"c": 1, "d": 2}, "Rosenbrock has no parameter 'c', 'd'; its parameters are: a, b."),
])
def test_a_misspelled_parameter_lists_the_real_ones(name, params, words):
    with pytest.raises(TypeError) as caught:
        get(name, **params)
    assert words in str(caught.value)


@pytest.mark.parametrize("name, params, words", [
    ("quadratic", {"condition": 0}, "Invalid condition for Quadratic: 0 (must be a finite number > 0)"),
    ("quadratic", {"condition": math.inf}, "Invalid condition for Quadratic: inf"),
    ("rosenbrock", {"a": math.nan}, "Invalid a for Rosenbrock: nan (must be a finite number)"),
    ("rosenbrock", {"b": True}, "Invalid b for Rosenbrock: True"),
])
def test_bad_parameters(name, params, words):
    with pytest.raises(ValueError) as caught:
        get(name, **params)
    assert words in str(caught.value)


def test_numpy_parameters():
    assert get("quadratic", condition=np.float32(4.0))(1.0, 1.0) == get("quadratic", condition=4.0)(1.0, 1.0)
    assert get("rastrigin", A=np.int64(3))(0.5, 0.5) == get("rastrigin", A=3)(0.5, 0.5)


@pytest.mark.parametrize("factor, result", [(np.float32(10.0), 10.0), (np.int64(5), 5.0), (math.inf, math.inf),
                                            (None, None)])
def test_divergence_factor_accepts_numpy_numbers(factor, result):
    assert check_divergence_factor(factor) == result


@pytest.mark.parametrize("factor, shown", [(1.0, "1.0"), (0, "0"), (math.nan, "nan"), ("10", "'10'"), (True, "True")])
def test_divergence_factor_refusals(factor, shown):
    with pytest.raises(ValueError, match=rf"Invalid divergence_factor: {shown} \(must be a number > 1\). None stops"):
        check_divergence_factor(factor)

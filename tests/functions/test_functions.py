"""2-D test functions: known values, hand gradients vs central differences and vs backward()."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings, strategies as st

from microopt import Value
from microopt.functions import (ALL, NAMES, Beale, Himmelblau, Quadratic, Rastrigin, Rosenbrock, Saddle,
                                get)

FUNCTIONS = [*ALL, Quadratic(condition=100.0), Rosenbrock(a=2.0, b=10.0), Rastrigin(A=3.0)]
unit = st.floats(0.0, 1.0)


@pytest.mark.parametrize("f, point, expected", [
    (Quadratic(condition=4.0), (1.0, 1.0), 2.5),  # (1 + 4) / 2
    (Rosenbrock(), (-1.2, 1.0), 24.2),  # 2.2^2 + 100 (1 - 1.44)^2 = 4.84 + 19.36
    (Beale(), (0.0, 0.0), 14.203125),  # 1.5^2 + 2.25^2 + 2.625^2
    (Himmelblau(), (0.0, 0.0), 170.0),  # 11^2 + 7^2
    (Saddle(), (2.0, 1.0), 3.0),
    (Rastrigin(), (1.0, 1.0), 2.0),  # 20 + (1 - 10 cos 2pi) * 2 = 20 - 18
], ids=repr)
def test_known_values(f, point, expected):
    assert f(*point) == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("f", FUNCTIONS, ids=repr)
@settings(max_examples=25, deadline=None)
@given(u=unit, w=unit)
def test_gradient_matches_central_differences_and_backward(f, u, w):
    (xmin, xmax), (ymin, ymax) = f.bounds
    x, y = xmin + u * (xmax - xmin), ymin + w * (ymax - ymin)
    gx, gy = f.gradient(x, y)
    h = 1e-6
    numerical = ((f(x + h, y) - f(x - h, y)) / (2 * h), (f(x, y + h) - f(x, y - h)) / (2 * h))
    scale = 1e-5 * (1.0 + abs(f(x, y)))  # the differences lose digits where f is large
    assert gx == pytest.approx(numerical[0], rel=1e-5, abs=scale)
    assert gy == pytest.approx(numerical[1], rel=1e-5, abs=scale)
    vx, vy = Value(x), Value(y)
    out = f(vx, vy)
    out.backward()
    assert out.data == pytest.approx(f(x, y), rel=1e-12, abs=1e-12)
    assert (vx.grad, vy.grad) == pytest.approx((gx, gy), rel=1e-9, abs=1e-9)


@pytest.mark.parametrize("f", FUNCTIONS, ids=repr)
def test_minima_are_stationary_with_the_stated_value(f):
    for point in f.minima:
        assert f(*point) == pytest.approx(f.minimum_value, abs=1e-12)
        assert f.gradient(*point) == pytest.approx((0.0, 0.0), abs=1e-9)
        # nearby points are higher: a minimum, not a saddle or a maximum
        for dx, dy in ((1e-3, 0), (-1e-3, 0), (0, 1e-3), (0, -1e-3)):
            assert f(point[0] + dx, point[1] + dy) > f(*point)


@pytest.mark.parametrize("f", FUNCTIONS, ids=repr)
def test_start_and_minima_are_inside_the_plot_bounds(f):
    (xmin, xmax), (ymin, ymax) = f.bounds
    for x, y in [f.start, *f.minima]:
        assert xmin <= x <= xmax and ymin <= y <= ymax
    assert f.gradient(*f.start) != (0.0, 0.0)  # an optimizer started there actually moves
    if f.minimum_value is not None:
        assert f(*f.start) > f.minimum_value


def test_saddle_has_no_minimum_and_says_so():
    f = Saddle()
    assert f.minima == [] and f.minimum_value is None
    assert f.saddle_points == [(0.0, 0.0)] and f.gradient(0.0, 0.0) == (0.0, -0.0)
    assert f(0.0, 10.0) < f(0.0, 1.0) < f(0.0, 0.0) < f(1.0, 0.0)  # down along y, up along x
    assert f.distance_to_minimum(1.0, 1.0) == math.inf


def test_himmelblau_has_four_minima_and_distance_picks_the_nearest():
    f = Himmelblau()
    assert len(f.minima) == 4
    assert f.distance_to_minimum(3.0, 2.5) == pytest.approx(0.5)


def test_quadratic_condition_number_is_the_curvature_ratio():
    f = Quadratic(condition=50.0)
    # second differences give the Hessian's diagonal: 1 and 50
    h = 1e-3
    fxx = (f(h, 0.0) - 2 * f(0.0, 0.0) + f(-h, 0.0)) / h ** 2
    fyy = (f(0.0, h) - 2 * f(0.0, 0.0) + f(0.0, -h)) / h ** 2
    assert fyy / fxx == pytest.approx(50.0)


def test_rosenbrock_parameters_move_the_minimum():
    f = Rosenbrock(a=2.0, b=5.0)
    assert f.minima == [(2.0, 4.0)] and f(2.0, 4.0) == 0.0


def test_registry():
    assert NAMES == ("quadratic", "rosenbrock", "beale", "himmelblau", "saddle", "rastrigin")
    assert [f.name for f in ALL] == list(NAMES)
    assert isinstance(get("Rosenbrock"), Rosenbrock)
    assert get("quadratic", condition=25.0).condition == 25.0
    assert get("beale") is not get("beale")  # a new object each time


@pytest.mark.parametrize("call, message", [
    (lambda: get("rosenbrok"), "Unknown test function 'rosenbrok'; choose one of: quadratic, rosenbrock"),
    (lambda: Quadratic(condition=0.0), "Invalid condition for Quadratic: 0.0"),
    (lambda: Quadratic(condition=math.inf), "Invalid condition for Quadratic: inf"),
    (lambda: Rosenbrock(b=-1.0), "Invalid b for Rosenbrock: -1.0"),
    (lambda: Rastrigin(A="10"), "Invalid A for Rastrigin: '10'"),
])
def test_bad_arguments(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_value_and_grad_is_the_value_and_the_gradient():
    # Rosenbrock at (-1.2, 1): f = 24.2, df/dx = -2(1 - x) - 400x(y - x²) = -4.4 - 211.2 = -215.6,
    # df/dy = 200(y - x²) = -88
    value, (gx, gy) = Rosenbrock().value_and_grad(-1.2, 1.0)
    assert value == pytest.approx(24.2, rel=1e-12)
    assert (gx, gy) == pytest.approx((-215.6, -88.0), rel=1e-12)

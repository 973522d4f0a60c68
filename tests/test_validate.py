"""microopt._validate: one wording for every refusal, and numpy numbers taken like Python's."""

from __future__ import annotations

import math

import numpy as np
import pytest

from microopt._validate import flag, invalid, real_number, sign, whole_number


def test_the_message_names_the_value_the_rule_and_what_to_do():
    assert invalid("lr", -0.1, "must be >= 0", "Use a small positive rate such as 0.01.") == (
        "Invalid lr: -0.1 (must be >= 0). Use a small positive rate such as 0.01.")


@pytest.mark.parametrize("value", [3, np.int64(3), np.int32(3), np.uint8(3)])
def test_whole_numbers_from_python_and_numpy(value):
    assert whole_number("epochs", value, minimum=1) == 3
    assert type(whole_number("epochs", value, minimum=1)) is int


@pytest.mark.parametrize("value, shown", [(True, "True"), (2.0, "2.0"), ("3", "'3'"), (0, "0"), (None, "None")])
def test_whole_number_refusals_show_the_value(value, shown):
    with pytest.raises(ValueError) as error:
        whole_number("epochs", value, minimum=1, advice="Pass how many passes to make.")
    assert str(error.value) == (f"Invalid epochs: {shown} (must be a whole number >= 1). "
                                "Pass how many passes to make.")


def test_whole_number_range():
    assert whole_number("samples", 10, minimum=1, maximum=10) == 10
    with pytest.raises(ValueError, match=r"Invalid samples: 11 \(must be a whole number from 1 to 10\)\."):
        whole_number("samples", 11, minimum=1, maximum=10)


@pytest.mark.parametrize("value", [0.5, np.float64(0.5), np.float32(0.5), 1 / 2])
def test_real_numbers_from_python_and_numpy(value):
    assert real_number("lr", value, minimum=0) == 0.5


@pytest.mark.parametrize("value, rule", [
    (math.nan, "must be a finite number >= 0"),
    (math.inf, "must be a finite number >= 0"),
    (-1e-9, "must be a finite number >= 0"),
    (True, "must be a finite number >= 0"),
    ("0.1", "must be a finite number >= 0"),
    (10**400, "must be a finite number >= 0; this one is larger than any float"),
])
def test_real_number_refusals(value, rule):
    with pytest.raises(ValueError) as error:
        real_number("lr", value, minimum=0)
    assert f"({rule})." in str(error.value)


def test_exclusive_bounds_and_infinity_when_allowed():
    assert real_number("beta", 0.0, minimum=0, below=1) == 0.0
    with pytest.raises(ValueError, match=r"Invalid beta: 1.0 \(must be a finite number >= 0 and < 1\)\."):
        real_number("beta", 1.0, minimum=0, below=1)
    with pytest.raises(ValueError, match=r"must be a finite number > 0\)"):
        real_number("factor", 0, above=0)
    assert real_number("max_norm", math.inf, above=0, finite=False) == math.inf
    with pytest.raises(ValueError, match="must be a number > 0"):
        real_number("max_norm", math.nan, above=0, finite=False)


def test_flags_are_bools_only():
    assert flag("nesterov", True) is True
    assert flag("nesterov", np.bool_(False)) is False
    for value in (0, 1, "yes", None):
        with pytest.raises(ValueError, match=r"must be True or False"):
            flag("nesterov", value)


def test_sign_is_zero_at_zero_as_in_torch():
    assert [sign(-2.5), sign(0.0), sign(-0.0), sign(3)] == [-1.0, 0.0, 0.0, 1.0]
    assert math.isnan(sign(math.nan))

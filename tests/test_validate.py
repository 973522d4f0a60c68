"""microopt._validate: one wording for every refusal, and numpy numbers taken like Python's."""

from __future__ import annotations

import math
import re

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


# ----------------------------------------------------------------- command-line flags
def _parser(flag_type):
    import argparse

    parser = argparse.ArgumentParser(prog="microopt race")
    parser.add_argument("--steps", type=flag_type)
    return parser


@pytest.mark.parametrize("text, shown", [("0", "0"), ("ten", "'ten'"), ("2.5", "'2.5'"), ("1001", "1001")])
def test_a_whole_number_flag_is_refused_with_the_same_message(text, shown, capsys):
    from microopt._validate import whole_number_argument

    with pytest.raises(SystemExit) as exit_:
        _parser(whole_number_argument("steps", maximum=1000)).parse_args(["--steps", text])
    assert exit_.value.code == 2
    message = f"Invalid steps: {shown} (must be a whole number from 1 to 1,000)."
    assert capsys.readouterr().err.splitlines()[-1] == f"microopt race: error: argument --steps: {message}"
    with pytest.raises(ValueError, match=re.escape(message)):  # what the library says for the same value
        whole_number("steps", int(text) if text.isdigit() else text, minimum=1, maximum=1000)


def test_a_real_number_flag_takes_what_real_number_takes():
    import argparse

    from microopt._validate import real_number_argument

    lr = real_number_argument("lr", above=0.0)
    assert lr("1e-3") == 0.001 and lr("2") == 2.0
    for text, shown in [("0", "0.0"), ("inf", "inf"), ("nan", "nan"), ("fast", "'fast'")]:
        with pytest.raises(argparse.ArgumentTypeError, match=re.escape(f"Invalid lr: {shown} (must be a finite "
                                                                       "number > 0).")):
            lr(text)


def test_no_module_checks_numbers_by_hand():
    """The inline copy `isinstance(x, bool) or not isinstance(x, int) or x < 1` is whole_number's job."""
    import pathlib

    import microopt

    root = pathlib.Path(microopt.__file__).parent
    copy = re.compile(r"not isinstance\(\w+, int\)|must be positive|ArgumentTypeError\((?!invalid\()")
    found = [f"{path.relative_to(root)}:{number}" for path in root.rglob("*.py") if path.name != "_validate.py"
             for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if copy.search(line)]
    assert found == []

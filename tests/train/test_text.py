"""The one table formatter (``microopt.train.text.format_table``): its rules, and that it is the only one."""

import pathlib
import re

import microopt
from microopt.teach._table import text_table
from microopt.train.text import format_number, format_percent, format_table


def test_labels_left_values_right_headers_like_their_column_and_a_rule():
    table = format_table(["optimizer", "lr", "diverged"], [["adam", 0.1, "no"], ["gd", 1.5, "at step 2"]])
    assert table.splitlines() == [
        "optimizer   lr   diverged",
        "---------  ---  ---------",
        "adam       0.1         no",
        "gd         1.5  at step 2",
    ]


def test_cells_have_four_significant_digits_and_missing_values_a_dash():
    assert format_number(1 / 3) == "0.3333"
    assert format_number(float("inf")) == "inf" and format_number(float("nan")) == "nan"
    assert format_number(None) == "-" and format_number(True) == "yes" and format_number(7) == "7"
    assert format_percent(0.8525) == "85.2%" and format_percent(None) == "-"


def test_several_label_columns_no_rule_and_an_indent():
    table = format_table(["id", "name", "ms"], [["a", "demo", "37 ms"], ["b", "chain", "2.1 ms"]],
                         labels=2, rule=False, indent="  ")
    assert table.splitlines() == ["  id  name       ms", "  a   demo    37 ms", "  b   chain  2.1 ms"]


def test_labels_none_aligns_each_column_by_what_it_holds():
    # step: numbers (right); param: words (left); g: numbers with a missing value (still right)
    table = format_table(["step", "param", "g"], [[1, "w", 2.0], [10, "bias", None]], labels=None, rule=False)
    assert table.splitlines() == ["step  param  g", "   1  w      2", "  10  bias   -"]


def test_the_teaching_tables_are_this_formatter_with_six_digits():
    rows = [["a", -3.0, 1 / 3], ["b", None, 2.0]]
    assert text_table(["parent", "local", "added"], rows).splitlines() == [
        "parent  local     added",
        "a          -3  0.333333",
        "b                     2",
    ]


def test_no_other_module_pads_columns_by_hand():
    """Every aligned table goes through format_table: padding code elsewhere is a second formatter."""
    root = pathlib.Path(microopt.__file__).parent
    padding = re.compile(r"\.(ljust|rjust|center)\(")
    found = [str(path.relative_to(root)) for path in root.rglob("*.py")
             if padding.search(path.read_text(encoding="utf-8")) and path.name != "text.py"]
    assert found == []

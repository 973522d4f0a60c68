"""`import microopt` must load only the standard library (fast, and dependency-free core)."""

import subprocess
import sys

import pytest

CHECK = """
import sys
before = set(sys.modules)
import microopt
from microopt import nn, optim, Value
third_party = sorted(
    name for name in set(sys.modules) - before
    if name.split(".")[0] not in sys.stdlib_module_names and name.split(".")[0] != "microopt"
)
print(third_party)
print(microopt.Value is Value, hasattr(microopt.nn, "MLP"), hasattr(microopt.optim, "SGD"))
"""


@pytest.mark.needs_subprocess
def test_import_loads_only_the_standard_library():
    result = subprocess.run([sys.executable, "-c", CHECK], capture_output=True, text=True, check=True)
    third_party, reachable = result.stdout.splitlines()
    assert third_party == "[]", f"import microopt pulled in: {third_party}"
    assert reachable == "True True True"


def test_star_import_does_not_hide_builtin_sum():
    namespace = {}
    exec("from microopt import *", namespace)
    assert "sum" not in namespace and "Value" in namespace

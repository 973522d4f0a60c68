"""`import microopt.bench` loads only the standard library: micrograd and torch load when run."""

import subprocess
import sys

CHECK = """
import sys
before = set(sys.modules)
import microopt.bench
print(sorted(name for name in set(sys.modules) - before
             if name.split(".")[0] not in sys.stdlib_module_names and name.split(".")[0] != "microopt"))
"""


def test_import_loads_only_the_standard_library():
    result = subprocess.run([sys.executable, "-c", CHECK], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"

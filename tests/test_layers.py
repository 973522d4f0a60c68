"""The layers of microopt (see its package docstring): imports go one way only, down.

Every module's imports are read with ``ast``, at the top of the file and inside functions alike.
Two rules:

1. A module imports only from its own package or from a package in a lower layer. Packages in
   the same layer (nn and optim, data and functions) do not import each other. The one
   exception is ``Value.draw`` (engine -> viz), so that a student can draw a graph with no
   import.
2. An import inside a function is there to defer a heavy library (matplotlib, graphviz, torch,
   numpy, joblib, dask...): the microopt module it imports must load one at its top level,
   itself or through the microopt modules it imports there. Between pure-Python siblings an
   import goes at the top of the file, where a reader looks for what a module depends on.
"""

from __future__ import annotations

import ast
import functools
import pathlib
import sys

import pytest

import microopt

ROOT = pathlib.Path(microopt.__file__).parent

# The layers, bottom first; the package docstring of microopt says the same.
LAYERS = [
    ["_validate"],
    ["engine"],
    ["nn", "optim"],
    ["data", "functions"],
    ["train"],
    ["viz"],
    ["teach"],
    ["exercises"],
    ["export", "micrograd", "site"],
    ["torch_reference"],
    ["bench"],
    ["cli"],
    ["__main__"],
]
LAYER = {package: level for level, packages in enumerate(LAYERS) for package in packages}

# (importing module, imported module): the one import that goes up.
EXCEPTIONS = {("microopt.engine.value", "microopt.viz.graph")}


def module_name(path: pathlib.Path) -> str:
    parts = ("microopt", *path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(path): path for path in sorted(ROOT.rglob("*.py"))}


def package_of(module: str) -> str:
    # The package's own face (microopt/__init__.py) is the engine's: it imports and re-exports only that.
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "engine"


@functools.cache  # parsed once: every test below reads the same imports
def imports(module: str) -> tuple[tuple[str, bool, int], ...]:
    """(imported module, inside a function?, line) for every import statement of ``module``."""
    path = MODULES[module]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = []

    def visit(node: ast.AST, in_function: bool) -> None:
        for child in ast.iter_child_nodes(node):
            nested = in_function or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))
            if isinstance(child, ast.Import):
                found.extend((alias.name, in_function, child.lineno) for alias in child.names)
            elif isinstance(child, ast.ImportFrom):
                if child.level:  # relative: from the package, up level - 1 packages
                    base = package.split(".")[: len(package.split(".")) - (child.level - 1)]
                    source = ".".join(base + ([child.module] if child.module else []))
                else:
                    source = child.module or ""
                for alias in child.names:  # `from microopt import optim` imports the module microopt.optim
                    submodule = f"{source}.{alias.name}"
                    found.append((submodule if submodule in MODULES else source, in_function, child.lineno))
            visit(child, nested)

    visit(tree, False)
    return tuple(found)


def own(imported: str) -> bool:
    return imported == "microopt" or imported.startswith("microopt.")


@functools.cache
def top_imports(module: str) -> tuple[set[str], set[str]]:
    """(microopt modules, other libraries) that importing ``module`` runs at its top level, directly."""
    modules, libraries = set(), set()
    for imported, in_function, _ in imports(module):
        if in_function or imported == "__future__":
            continue
        if own(imported):  # importing a.b.c runs a, a.b and a.b.c
            parts = imported.split(".")
            modules |= {".".join(parts[:n]) for n in range(1, len(parts) + 1)} & MODULES.keys()
        elif imported.split(".")[0] not in sys.stdlib_module_names:
            libraries.add(imported.split(".")[0])
    return modules, libraries


def heavy_at_top(module: str) -> set[str]:
    """The libraries outside the standard library that importing ``module`` loads."""
    seen, todo, libraries = set(), [module], set()
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        modules, found = top_imports(current)
        libraries |= found
        todo.extend(modules)
    return libraries


def package_graph() -> dict[str, set[str]]:
    """package -> the microopt packages its modules import (the one stated exception included)."""
    graph: dict[str, set[str]] = {}
    for module in MODULES:
        here = package_of(module)
        graph.setdefault(here, set()).update(
            package_of(imported) for imported, _, _ in imports(module)
            if own(imported) and package_of(imported) != here)
    return graph


def format_graph(graph: dict[str, set[str]]) -> str:
    """``a→b,c; d→e`` bottom layer first: the form the closing notes of the architecture issue use."""
    order = sorted(graph, key=lambda package: (LAYER[package], package))
    return "; ".join(f"{package}→{','.join(sorted(graph[package], key=lambda p: (LAYER[p], p)))}"
                     for package in order if graph[package])


def test_the_package_graph_goes_down_but_for_value_draw():
    graph = package_graph()
    upward = {(package, imported) for package, targets in graph.items() for imported in targets
              if LAYER[imported] >= LAYER[package]}
    assert upward == {("engine", "viz")}  # Value.draw, the one exception
    assert graph["_validate"] == set()  # the bottom imports nothing of microopt


def test_every_package_has_a_layer():
    packages = {package_of(module) for module in MODULES}
    assert packages - set(LAYER) == set(), "add the new package to LAYERS here and in microopt's docstring"


def test_the_package_docstring_states_the_same_layers():
    doc = microopt.__doc__
    for packages in LAYERS:
        for package in packages:
            if package != "__main__" and any(package_of(m) == package for m in MODULES):
                assert f"``{package}``" in doc, f"microopt's docstring does not place {package}"


@pytest.mark.parametrize("module", sorted(MODULES))
def test_imports_go_down_only(module):
    here = package_of(module)
    wrong = []
    for imported, _, line in sorted(set(imports(module))):
        if not own(imported) or (module, imported) in EXCEPTIONS:
            continue
        there = package_of(imported)
        if there != here and LAYER[there] >= LAYER[here]:
            wrong.append(f"line {line}: {imported} (layer {LAYER[there]}, this module is in layer {LAYER[here]})")
    assert not wrong, f"{module} imports upward or sideways:\n" + "\n".join(wrong)


@pytest.mark.parametrize("module", sorted(MODULES))
def test_imports_inside_functions_defer_a_heavy_library(module):
    needless = [f"line {line}: {imported}" for imported, in_function, line in sorted(set(imports(module)))
                if in_function and own(imported) and (module, imported) not in EXCEPTIONS
                and not heavy_at_top(imported if imported in MODULES else "microopt")]
    assert not needless, (f"{module} imports pure-Python microopt modules inside functions; import them at "
                          "the top of the file:\n" + "\n".join(needless))


def test_the_one_exception_is_still_needed_and_still_lazy():
    """Value.draw imports viz inside the method: at the top it would make the engine depend on viz."""
    assert ("microopt.viz.graph", True) in {(imported, inside) for imported, inside, _ in
                                            imports("microopt.engine.value")}


def test_importing_microopt_loads_only_the_standard_library():
    assert heavy_at_top("microopt") == set()


if __name__ == "__main__":  # python tests/test_layers.py: the import graph by package, computed
    print(format_graph(package_graph()))

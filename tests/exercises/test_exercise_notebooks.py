"""The exercise notebooks: solutions pass every check, templates fail every check clearly.

Cells tagged "exercise" hold the student's code (templates raise NotImplementedError there);
cells tagged "check" call a checker. In-process runs are fast and say which cell failed; the
last test runs each solution notebook top to bottom in a real ``python3`` kernel.
"""

from __future__ import annotations

import contextlib
import importlib.util
import io
import pathlib

import nbformat
import pytest

FOLDER = pathlib.Path(__file__).resolve().parents[2] / "notebooks" / "exercises"
NAMES = ["01_backward", "02_adam", "03_momentum", "04_schedules"]


def load(name: str, variant: str) -> nbformat.NotebookNode:
    return nbformat.read(FOLDER / f"{name}_{variant}.ipynb", as_version=4)


def code_cells(nb):
    return [(c.metadata.get("tags", [""])[0] if c.metadata.get("tags") else "", c.source)
            for c in nb.cells if c.cell_type == "code"]


def test_committed_notebooks_are_the_generator_output_without_outputs():
    spec = importlib.util.spec_from_file_location("make_notebooks", FOLDER / "make_notebooks.py")
    make = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(make)
    for name in NAMES:
        for variant in ("template", "solution"):
            nb = load(name, variant)
            assert nb.metadata.kernelspec.name == "python3"
            assert all(not c.get("outputs") and c.get("execution_count") is None
                       for c in nb.cells if c.cell_type == "code")
            built = make.build(make.NOTEBOOKS[name], solution=variant == "solution")
            assert nbformat.writes(built) == nbformat.writes(nb), f"rerun make_notebooks.py ({name})"


@pytest.mark.parametrize("name", NAMES)
def test_solution_passes_every_check(name):
    namespace: dict = {}
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        for _, source in code_cells(load(name, "solution")):
            exec(compile(source, f"{name}_solution", "exec"), namespace)
    printed = out.getvalue()
    expected = {
        "01_backward": ["check_backward: tanh_rule matches tanh", "check_backward: sigmoid_rule matches sigmoid",
                        "check_backward: div_rule matches /", "step 3: n2 = a * b"],
        "02_adam": ["check_optimizer: MyAdam matches Adam(lr=0.01) on 3 problems",
                    "check_optimizer: MyAdam matches Adam(lr=0.01, weight_decay=0.1)",
                    "check_optimizer: MyAdamW matches AdamW(lr=0.01, weight_decay=0.1)",
                    "Hint: eps sits outside the square root"],  # the BuggyAdam cell
        "03_momentum": [("check_sgd_momentum: MySGD matches SGD(lr=0.05, momentum=0.9) and "
                         "SGD(lr=0.05, momentum=0.9, nesterov=True)"),
                        "-> 30.0"],
        "04_schedules": ["check_lr_schedule: step_lr matches StepLR(step_size=3, gamma=0.5)",
                         "check_lr_schedule: linear_lr matches LinearLR(start_factor=0.25",
                         "check_lr_schedule: cosine_lr matches CosineAnnealingLR(T_max=10"],
    }[name]
    for line in expected:
        assert line in printed


@pytest.mark.parametrize("name", NAMES)
def test_template_fails_every_check_with_the_todo_hint(name):
    namespace: dict = {}
    checks = 0
    with contextlib.redirect_stdout(io.StringIO()):
        for tag, source in code_cells(load(name, "template")):
            code = compile(source, f"{name}_template", "exec")
            if tag == "":
                exec(code, namespace)  # setup and demonstration cells work in the template too
                continue
            if tag == "exercise":
                assert "raise NotImplementedError" in source
                with contextlib.suppress(NotImplementedError):  # a top-level TODO raises here
                    exec(code, namespace)
                continue
            checks += 1
            with pytest.raises((AssertionError, NotImplementedError)) as info:
                exec(code, namespace)
            if info.type is AssertionError and "dL_da" not in source:
                assert "Hint: the TODO is not done yet" in str(info.value)
    assert checks >= 2


@pytest.mark.parametrize("name", NAMES)
def test_solution_runs_top_to_bottom_in_a_kernel(name, tmp_path):
    nbclient = pytest.importorskip("nbclient")
    nb = load(name, "solution")
    client = nbclient.NotebookClient(nb, timeout=120, kernel_name="python3",
                                     resources={"metadata": {"path": str(tmp_path)}})
    client.execute()
    errors = [o for c in nb.cells for o in c.get("outputs", []) if o.output_type == "error"]
    assert errors == []

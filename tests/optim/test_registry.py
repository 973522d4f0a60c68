"""OPTIMIZERS is complete, and everything that lists optimizers reads it.

An optimizer registered without its reference case (a torch fixture for a torch-backed one, a
test against its paper for a microopt-only one), its property strategy, its update contract or
its resume test makes ``test_every_optimizer_has_its_reference_cases`` fail; the last tests
prove that by registering dummies.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import microopt.optim as optim
from microopt.optim import registry
from microopt.optim.registry import OptimizerSpec
from microopt.train.presets import NOT_PRESETS, PRESETS
from microopt.viz.style import OPTIMIZER_COLORS
from tests.fixtures.generate_optim_fixtures import PROBLEMS, SETTINGS
from tests.optim.test_properties import HYPERPARAMETERS
from tests.optim.test_state_dict import SETTINGS as RESUME_SETTINGS
from tests.optim.test_update_contract import CASES as CONTRACT_CASES

HERE = Path(__file__).parent


def reference_gaps(optimizers: dict[str, OptimizerSpec]) -> list[str]:
    """What each registered optimizer lacks among the cases the tests need (empty: nothing)."""
    gaps = []
    torch_cases = {name for name, _ in SETTINGS}
    for name, spec in optimizers.items():
        if spec.torch is not None and name not in torch_cases:
            gaps.append(f"{name}: no case in tests/fixtures/generate_optim_fixtures.py SETTINGS")
        if spec.torch is None:
            paper_test = HERE / f"test_{name.lower()}.py"
            if not paper_test.exists() or "def test_matches_the_papers" not in paper_test.read_text():
                gaps.append(f"{name}: microopt-only, so tests/optim/test_{name.lower()}.py must "
                            "compare it with its paper (test_matches_the_papers_...)")
        if name not in HYPERPARAMETERS:
            gaps.append(f"{name}: no hypothesis strategy in tests/optim/test_properties.py")
        if name not in {case[0] for case in CONTRACT_CASES}:
            gaps.append(f"{name}: no case in tests/optim/test_update_contract.py")
        if name not in {case[0] for case in RESUME_SETTINGS}:
            gaps.append(f"{name}: no resume case in tests/optim/test_state_dict.py")
    return gaps


def test_every_optimizer_has_its_reference_cases():
    assert reference_gaps(registry.OPTIMIZERS) == []


def test_torch_cases_run_on_every_problem():
    for name in registry.torch_backed():
        assert any(n == name for n, _ in SETTINGS), name
    assert set(PROBLEMS) == {"rosenbrock", "mlp"}


def test_the_registry_is_what_microopt_optim_exports():
    exported = {name for name in optim.__all__
                if isinstance(getattr(optim, name), type) and issubclass(getattr(optim, name), optim.Optimizer)}
    assert set(registry.OPTIMIZERS) == exported - {"Optimizer"}
    for name, spec in registry.OPTIMIZERS.items():
        assert spec.name == name and getattr(optim, name) is spec.cls


def test_torch_and_microopt_only_are_told_apart():
    assert registry.microopt_only() == ["Lion"]
    assert set(registry.torch_backed()) | set(registry.microopt_only()) == set(registry.OPTIMIZERS)
    assert not set(registry.torch_backed()) & set(registry.microopt_only())


@pytest.mark.parametrize("name", registry.torch_backed())
def test_the_torch_twin_exists_live(name):
    torch = pytest.importorskip("torch")
    assert isinstance(getattr(torch.optim, registry.OPTIMIZERS[name].torch), type)


def test_the_package_table_lists_every_optimizer_with_its_summary():
    table = optim.__doc__
    for name, spec in registry.OPTIMIZERS.items():
        row = next(line for line in table.splitlines() if line.split()[:1] == [name])
        assert spec.summary in row, name


def test_every_optimizer_has_a_preset_or_a_reason_not_to():
    named = {class_name for class_name, _ in PRESETS.values()}
    assert named <= set(registry.OPTIMIZERS)  # no preset of an unknown optimizer
    assert set(NOT_PRESETS) <= set(registry.OPTIMIZERS)
    assert named | set(NOT_PRESETS) == set(registry.OPTIMIZERS)
    assert not named & set(NOT_PRESETS)


def test_every_optimizer_and_preset_has_its_own_color():
    names = set(PRESETS) | {name.lower() for name in registry.OPTIMIZERS}
    assert names <= set(OPTIMIZER_COLORS)
    assert len(set(OPTIMIZER_COLORS.values())) == len(OPTIMIZER_COLORS)  # no two alike


# ----------------------------------------------------------------- the check can fail
class Dummy(optim.Optimizer):
    """An optimizer registered by the tests below only: it has no reference cases anywhere."""

    def __init__(self, params, lr=0.1):
        super().__init__(params, {"lr": lr})

    def update(self, p, state, *, lr):
        p.data -= lr * p.grad


def test_registering_a_torch_backed_optimizer_without_its_cases_fails_the_check(monkeypatch):
    monkeypatch.setitem(registry.OPTIMIZERS, "Dummy", OptimizerSpec(Dummy, "SGD", "paper", "summary"))
    assert "Dummy" in registry.torch_backed()
    with pytest.raises(AssertionError, match="Dummy: no case in tests/fixtures/generate_optim_fixtures.py"):
        test_every_optimizer_has_its_reference_cases()


def test_registering_a_microopt_only_optimizer_asks_for_its_paper_test_not_torch(monkeypatch):
    monkeypatch.setitem(registry.OPTIMIZERS, "Dummy", OptimizerSpec(Dummy, None, "paper", "summary"))
    assert "Dummy" not in registry.torch_backed()  # so no torch-only test is parametrized with it
    gaps = reference_gaps(registry.OPTIMIZERS)
    assert "Dummy: microopt-only, so tests/optim/test_dummy.py must compare it with its paper " \
           "(test_matches_the_papers_...)" in gaps
    assert not any("generate_optim_fixtures" in gap for gap in gaps)
    with pytest.raises(AssertionError):
        test_every_optimizer_has_its_reference_cases()

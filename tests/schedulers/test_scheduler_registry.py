"""SCHEDULERS is complete, and the scheduler tests read it.

A torch-backed schedule registered without a torch fixture case, or a microopt-only one
without its own hand-derived test file, makes ``test_every_scheduler_has_its_reference_case``
fail; a microopt-only schedule is never handed to the torch-only tests. The last tests prove
both by registering dummies.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from microopt.optim import lr_scheduler
from microopt.optim.lr_scheduler import registry
from microopt.optim.lr_scheduler.registry import SchedulerSpec
from tests.fixtures.generate_scheduler_fixtures import CASES as GENERATOR_CASES

HERE = Path(__file__).parent


def torch_gaps(schedulers: dict[str, SchedulerSpec]) -> list[str]:
    """Torch-backed schedules that have no case in the torch fixture generator."""
    covered = {entry[2]["name"] for entry in GENERATOR_CASES}
    return [f"{name}: no case in tests/fixtures/generate_scheduler_fixtures.py CASES"
            for name, spec in schedulers.items() if spec.torch is not None and name not in covered]


def hand_test_gaps(schedulers: dict[str, SchedulerSpec]) -> list[str]:
    """microopt-only schedules without tests/schedulers/test_<name>.py, derived by hand."""
    gaps = []
    for name, spec in schedulers.items():
        path = HERE / f"test_{name.lower()}.py"
        if spec.torch is None and not (path.exists() and "def test_" in path.read_text()):
            gaps.append(f"{name}: microopt-only, so tests/schedulers/test_{name.lower()}.py must "
                        "check it against numbers derived by hand")
    return gaps


def test_every_scheduler_has_its_reference_case():
    assert torch_gaps(registry.SCHEDULERS) + hand_test_gaps(registry.SCHEDULERS) == []


def test_the_registry_is_what_lr_scheduler_exports():
    exported = {name for name in lr_scheduler.__all__ if isinstance(getattr(lr_scheduler, name), type)}
    assert set(registry.SCHEDULERS) == exported - {"LRScheduler"}
    for name, spec in registry.SCHEDULERS.items():
        assert spec.name == name and getattr(lr_scheduler, name) is spec.cls


def test_the_package_table_lists_every_scheduler():
    rows = {line.split()[0] for line in lr_scheduler.__doc__.splitlines() if line.strip()}
    assert set(registry.SCHEDULERS) <= rows


@pytest.mark.parametrize("name", registry.torch_backed())
def test_the_torch_twin_exists_live(name):
    torch = pytest.importorskip("torch")
    assert isinstance(getattr(torch.optim.lr_scheduler, registry.SCHEDULERS[name].torch), type)


# ----------------------------------------------------------------- the check can fail
class Halving(lr_scheduler.LRScheduler):
    """lr_e = base_lr / 2^e: registered by the tests below only."""

    def get_lr(self):
        return [base_lr / 2 ** self.last_epoch for base_lr in self.base_lrs]


def test_a_torch_backed_schedule_without_a_fixture_case_fails_the_check(monkeypatch):
    monkeypatch.setitem(registry.SCHEDULERS, "Halving", SchedulerSpec(Halving, "StepLR", "ref", "rule"))
    with pytest.raises(AssertionError, match="Halving: no case in tests/fixtures/generate_scheduler_fixtures.py"):
        test_every_scheduler_has_its_reference_case()


def test_a_microopt_only_schedule_needs_a_hand_test_and_no_torch_case(monkeypatch):
    monkeypatch.setitem(registry.SCHEDULERS, "Halving", SchedulerSpec(Halving, None, "ref", "rule"))
    assert torch_gaps(registry.SCHEDULERS) == []  # the torch-only checks do not ask for it
    assert "Halving" not in registry.torch_backed()
    assert hand_test_gaps(registry.SCHEDULERS) == [
        "Halving: microopt-only, so tests/schedulers/test_halving.py must check it against "
        "numbers derived by hand"]
    with pytest.raises(AssertionError):
        test_every_scheduler_has_its_reference_case()

"""microopt's lr (and momentum) sequences against PyTorch 2.13's, for every scheduler.

The fixtures were written by tests/fixtures/generate_scheduler_fixtures.py with torch 2.13.0 in
float64: index 0 is the lr right after construction, then one entry per
``optimizer.step(); scheduler.step()``. The live tests rerun the generator's torch code, and
hypothesis draws further settings, when torch is importable.
"""

from __future__ import annotations

import itertools
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from microopt.optim.lr_scheduler.registry import SCHEDULERS, torch_backed
from tests.fixtures import generate_scheduler_fixtures as generator
from tests.schedulers.fixture import CASES, FIXTURE, IDS, run_microopt


def assert_sequences_match(got: list[list], expected: list[list], what: str) -> None:
    assert len(got) == len(expected)
    for epoch, (row, expected_row) in enumerate(zip(got, expected)):
        for group, (x, y) in enumerate(zip(row, expected_row, strict=True)):
            if x == 0.0 and -1e-15 < y < 0.0:
                continue  # LinearLR to 0: torch rounds to -4e-18, microopt stops at 0 (warmup.py)
            assert math.isclose(x, y, rel_tol=1e-12, abs_tol=1e-300), (
                f"{what} of group {group} at epoch {epoch}: microopt {x!r}, torch {y!r}")


def test_fixture_was_made_by_torch_2_13_in_float64():
    assert FIXTURE["torch"].startswith("2.13.0") and FIXTURE["dtype"] == "float64"


def test_fixture_covers_every_scheduler_and_mode():
    names = {case["scheduler"]["name"] for case in CASES}
    assert names == set(torch_backed())
    plateau = [case["scheduler"]["kwargs"] for case in CASES
               if case["scheduler"]["name"] == "ReduceLROnPlateau"]
    assert {(kw.get("mode", "min"), kw.get("threshold_mode", "rel")) for kw in plateau} == {
        ("min", "rel"), ("min", "abs"), ("max", "rel"), ("max", "abs")}
    assert any(kw.get("cooldown") for kw in plateau) and any(kw.get("min_lr") for kw in plateau)


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_lr_sequence_matches_torch_fixture(case):
    got = run_microopt(case)
    assert_sequences_match(got["lrs"], case["lrs"], "lr")


MOMENTUM_CASES = [c for c in CASES if c["scheduler"]["name"] in ("OneCycleLR", "CyclicLR")]


@pytest.mark.parametrize("case", MOMENTUM_CASES, ids=[c["name"] for c in MOMENTUM_CASES])
def test_cycled_momentum_sequence_matches_torch_fixture(case):
    got = run_microopt(case)
    assert_sequences_match(got["momenta"], case["momenta"], "momentum (or beta1)")
    if case["scheduler"]["kwargs"].get("cycle_momentum", True):
        assert len({row[0] for row in case["momenta"]}) >= 5  # it really cycles


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_lr_sequence_matches_torch_live(case):
    pytest.importorskip("torch")
    expected = generator.run_torch(case)
    got = run_microopt(case)
    assert_sequences_match(got["lrs"], expected["lrs"], "lr")
    assert_sequences_match(got["momenta"], expected["momenta"], "momentum (or beta1)")


# ---------------------------------------------------------------------- hypothesis, live
lrs = st.floats(1e-5, 10.0)

SETTINGS = st.one_of(
    st.builds(lambda n, g: generator.sched("StepLR", step_size=n, gamma=g),
              st.integers(1, 12), st.floats(0.05, 2.0)),
    st.builds(lambda ms, g: generator.sched("MultiStepLR", milestones=sorted(ms), gamma=g),
              st.lists(st.integers(0, 45), max_size=5), st.floats(0.05, 2.0)),
    st.builds(lambda g: generator.sched("ExponentialLR", gamma=g), st.floats(0.5, 1.2)),
    st.builds(lambda t, eta: generator.sched("CosineAnnealingLR", T_max=t, eta_min=eta),
              st.integers(1, 50), st.sampled_from([0.0, 1e-6, 1e-3])),
    st.builds(lambda s, e, n: generator.sched("LinearLR", start_factor=s, end_factor=e,
                                              total_iters=n),
              st.floats(0.01, 1.0), st.floats(0.0, 1.0), st.integers(1, 50)),
    st.builds(lambda f, n: generator.sched("ConstantLR", factor=f, total_iters=n),
              st.floats(0.01, 1.0), st.integers(1, 45)),
    st.builds(lambda n, p: generator.sched("PolynomialLR", total_iters=n, power=p),
              st.integers(1, 50), st.floats(0.0, 4.0)),
    st.builds(lambda t0, mult, eta: generator.sched("CosineAnnealingWarmRestarts", T_0=t0,
                                                    T_mult=mult, eta_min=eta),
              st.integers(1, 15), st.integers(1, 3), st.sampled_from([0.0, 1e-4])),
    st.builds(lambda base, height, up, down, mode, gamma: generator.sched(
        "CyclicLR", base_lr=base, max_lr=base + height, step_size_up=up, step_size_down=down,
        mode=mode, gamma=gamma),
        st.floats(1e-4, 0.1), st.floats(0.0, 1.0), st.integers(1, 10),
        st.none() | st.integers(1, 10), st.sampled_from(["triangular", "triangular2", "exp_range"]),
        st.floats(0.8, 1.0)),
    st.builds(lambda p, strategy, three, div, final: generator.sched(
        "OneCycleLR", max_lr=1.0, total_steps=40, pct_start=p, anneal_strategy=strategy,
        three_phase=three, div_factor=div, final_div_factor=final),
        st.sampled_from([0.1 + 0.05 * k for k in range(1, 15)]), st.sampled_from(["cos", "linear"]),
        st.booleans(), st.floats(1.5, 100.0), st.floats(1.5, 1e4)),
)


@settings(max_examples=60, deadline=None)
@given(scheduler=SETTINGS, lr=lrs, second_lr=st.none() | lrs)
def test_random_settings_match_torch_live(scheduler, lr, second_lr):
    pytest.importorskip("torch")
    lrs_ = [lr] if second_lr is None else [lr, second_lr]
    case = {"optimizer": generator.sgd(*lrs_), "scheduler": scheduler, "steps": 40}
    expected = generator.run_torch(case)
    got = run_microopt(case)
    assert_sequences_match(got["lrs"], expected["lrs"], "lr")
    assert_sequences_match(got["momenta"], expected["momenta"], "momentum")


@settings(max_examples=30, deadline=None)
@given(metrics=st.lists(st.floats(-5.0, 5.0) | st.sampled_from([1.0, 1.0001, 0.9999]),
                        min_size=1, max_size=40),
       mode=st.sampled_from(["min", "max"]), threshold_mode=st.sampled_from(["rel", "abs"]),
       threshold=st.sampled_from([0.0, 1e-4, 0.1]), patience=st.integers(0, 3),
       cooldown=st.integers(0, 3), factor=st.sampled_from([0.1, 0.5, 0.9]),
       min_lr=st.sampled_from([0.0, 1e-3]))
def test_random_plateau_settings_match_torch_live(metrics, mode, threshold_mode, threshold,
                                                  patience, cooldown, factor, min_lr):
    pytest.importorskip("torch")
    scheduler = generator.sched("ReduceLROnPlateau", mode=mode, factor=factor,
                                patience=patience, threshold=threshold,
                                threshold_mode=threshold_mode, cooldown=cooldown, min_lr=min_lr)
    case = {"optimizer": generator.sgd(0.1), "scheduler": scheduler, "steps": len(metrics),
            "step_args": metrics}
    assert run_microopt(case)["lrs"] == generator.run_torch(case)["lrs"]


@settings(max_examples=20, deadline=None)
@given(T_0=st.integers(1, 10), T_mult=st.integers(1, 3),
       increments=st.lists(st.floats(0.01, 2.0), min_size=1, max_size=40))
def test_warm_restarts_fractional_epochs_match_torch_live(T_0, T_mult, increments):
    pytest.importorskip("torch")
    epochs = list(itertools.accumulate(increments))
    scheduler = generator.sched("CosineAnnealingWarmRestarts", T_0=T_0, T_mult=T_mult)
    case = {"optimizer": generator.sgd(0.1), "scheduler": scheduler, "steps": len(epochs),
            "step_args": epochs}
    assert_sequences_match(run_microopt(case)["lrs"], generator.run_torch(case)["lrs"], "lr")


@pytest.mark.parametrize("name", torch_backed())
def test_constructor_signature_and_defaults_match_torch_live(name):
    # the same argument names, in the same order, with the same defaults
    torch = pytest.importorskip("torch")
    import inspect

    def signature(cls):
        return [(p.name, p.default) for p in inspect.signature(cls.__init__).parameters.values()]

    theirs = getattr(torch.optim.lr_scheduler, SCHEDULERS[name].torch)
    assert signature(SCHEDULERS[name].cls) == signature(theirs)

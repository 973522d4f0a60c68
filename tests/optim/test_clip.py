"""Gradient clipping against torch.nn.utils (fixture and live) and by hand."""

from __future__ import annotations

import json
import math

import pytest

from microopt import Value
from microopt.optim import clip_grad_norm_, clip_grad_value_
from tests.fixtures.generate_optim_fixtures import (CLIP_NORM_CASES, CLIP_VALUE_CASES, FIXTURE,
                                                    run_torch_clip_norm, run_torch_clip_value)

FIXTURE_DATA = json.loads(FIXTURE.read_text())


def with_grads(grads):
    params = [Value(0.0) for _ in grads]
    for p, g in zip(params, grads):
        p.grad = g
    return params


def clip_norm(grads, max_norm, norm_type):
    params = with_grads(grads)
    total = clip_grad_norm_(params, max_norm, norm_type)
    return total, [p.grad for p in params]


def assert_close(ours, torchs):
    (total, grads), (torch_total, torch_grads) = ours, torchs
    assert math.isclose(total, torch_total, rel_tol=1e-12)
    for a, b in zip(grads, torch_grads):
        assert math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-300)


@pytest.mark.parametrize("case", FIXTURE_DATA["clip_grad_norm"], ids=lambda c: f"{c['grads']}-{c['norm_type']}")
def test_clip_grad_norm_matches_torch_fixture(case):
    norm_type = math.inf if case["norm_type"] == "inf" else case["norm_type"]
    assert_close(clip_norm(case["grads"], case["max_norm"], norm_type), case["result"])


@pytest.mark.parametrize("case", FIXTURE_DATA["clip_grad_value"], ids=lambda c: str(c["grads"]))
def test_clip_grad_value_matches_torch_fixture(case):
    params = with_grads(case["grads"])
    clip_grad_value_(params, case["clip_value"])
    assert [p.grad for p in params] == case["result"]


def test_fixture_is_current():
    assert [(c["grads"], c["max_norm"]) for c in FIXTURE_DATA["clip_grad_norm"]] == \
        [(g, m) for g, m, _ in CLIP_NORM_CASES]
    assert [c["grads"] for c in FIXTURE_DATA["clip_grad_value"]] == [g for g, _ in CLIP_VALUE_CASES]


def test_matches_torch_live():
    pytest.importorskip("torch")
    for grads, max_norm, norm_type in CLIP_NORM_CASES:
        assert_close(clip_norm(grads, max_norm, norm_type), run_torch_clip_norm(grads, max_norm, norm_type))
    for grads, clip_value in CLIP_VALUE_CASES:
        params = with_grads(grads)
        clip_grad_value_(params, clip_value)
        assert [p.grad for p in params] == run_torch_clip_value(grads, clip_value)


def test_signatures_match_torch_live():
    # the argument names too, so torch code calling clip_grad_norm_(parameters=..., max_norm=...) runs
    torch = pytest.importorskip("torch")
    import inspect

    def names(f):  # foreach chooses torch's batched kernels: nothing to choose for scalar Values
        return [(p.name, p.default) for p in inspect.signature(f).parameters.values() if p.name != "foreach"]

    assert names(clip_grad_norm_) == names(torch.nn.utils.clip_grad_norm_)
    assert names(clip_grad_value_) == names(torch.nn.utils.clip_grad_value_)


def test_clip_grad_norm_by_hand():
    # |(6, 8)| = 10; max_norm 5: coefficient 5 / (10 + 1e-6), so the grads are halved (almost)
    total, grads = clip_norm([6.0, 8.0], 5.0, 2.0)
    assert total == 10.0
    assert grads == [6.0 * 5 / (10 + 1e-6), 8.0 * 5 / (10 + 1e-6)]
    # the direction is kept
    assert grads[0] / grads[1] == pytest.approx(0.75, rel=1e-15)


def test_returns_the_norm_before_clipping_and_a_short_gradient_is_untouched():
    total, grads = clip_norm([0.3, -0.4], 1.0, 2.0)
    assert total == pytest.approx(0.5, rel=1e-15) and grads == [0.3, -0.4]


def test_large_gradients_do_not_overflow():
    # torch computes Σ g² directly and returns inf here (then zeroes the grads); the norm
    # itself, √2 · 1e200, is a finite float, and microopt returns it
    total, grads = clip_norm([1e200, 1e200], 1.0, 2.0)
    assert total == pytest.approx(math.sqrt(2) * 1e200, rel=1e-15)
    assert grads == [pytest.approx(1 / math.sqrt(2), rel=1e-12)] * 2


def test_nonfinite_norms():
    total, grads = clip_norm([math.nan, 1.0], 1.0, 2.0)
    assert math.isnan(total) and all(math.isnan(g) for g in grads)
    total, grads = clip_norm([math.inf, 1.0], 1.0, math.inf)
    assert total == math.inf and math.isnan(grads[0]) and grads[1] == 0.0  # as torch does
    with pytest.raises(RuntimeError, match="The total norm of order 2.0 for gradients from `parameters` is non-finite"):
        clip_grad_norm_(with_grads([math.inf, 1.0]), 1.0, error_if_nonfinite=True)


def test_accepts_a_single_value_and_an_empty_list():
    w = Value(0.0)
    w.grad = -3.0
    assert clip_grad_norm_(w, 1.0) == 3.0 and w.grad == pytest.approx(-1.0, rel=1e-6)
    assert clip_grad_norm_([], 1.0) == 0.0


def test_refusals():
    with pytest.raises(ValueError, match=r"Invalid max_norm: -1.0 \(must be a number >= 0\). The gradients are "):
        clip_grad_norm_(with_grads([1.0]), -1.0)
    with pytest.raises(ValueError, match=r"Invalid max_norm: '1' \(must be a number >= 0\)"):
        clip_grad_norm_(with_grads([1.0]), "1")
    with pytest.raises(ValueError, match=r"Invalid norm_type: 0 \(must be a number > 0\). 2.0 is the usual"):
        clip_grad_norm_(with_grads([1.0]), 1.0, norm_type=0)
    with pytest.raises(ValueError, match=r"Invalid error_if_nonfinite: 1 \(must be True or False\)"):
        clip_grad_norm_(with_grads([1.0]), 1.0, error_if_nonfinite=1)
    with pytest.raises(ValueError, match=r"Invalid clip_value: -0.5 \(must be a number >= 0\)"):
        clip_grad_value_(with_grads([1.0]), -0.5)
    with pytest.raises(TypeError, match="clip_grad_norm_ needs Values, got float: 1.0"):
        clip_grad_norm_([1.0], 1.0)


def test_an_infinite_max_norm_clips_nothing_as_in_torch():
    params = with_grads([3.0, 4.0])
    assert clip_grad_norm_(params, math.inf) == 5.0
    assert [p.grad for p in params] == [3.0, 4.0]


def test_grad_norm_is_the_norm_clip_grad_norm_uses_and_never_overflows():
    from microopt.optim import grad_norm

    assert grad_norm(with_grads([3e200, 4e200])) == pytest.approx(5e200, rel=1e-15)
    assert grad_norm(with_grads([3.0, -4.0, 12.0]), norm_type=1) == 19.0
    assert grad_norm(with_grads([3.0, -4.0, 12.0]), norm_type=math.inf) == 12.0
    assert math.isnan(grad_norm(with_grads([1.0, math.nan])))
    assert grad_norm([]) == 0.0
    params = with_grads([1.0, 2.0])
    assert grad_norm(params) == clip_grad_norm_(params, 10.0) == math.sqrt(5)

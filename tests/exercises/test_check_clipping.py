"""check_clip_grad_norm: a student's clipping against clip_grad_norm_ (PyTorch's rule), delegation refused."""

from __future__ import annotations

import math

import pytest

from microopt.exercises import check_clip_grad_norm
from microopt.optim.clip import clip_grad_norm_, grad_norm


def clip(params, max_norm):
    largest = max(abs(p.grad) for p in params)
    norm = 0.0 if largest == 0 else largest * math.sqrt(sum((p.grad / largest) ** 2 for p in params))
    for p in params:
        p.grad *= min(1.0, max_norm / (norm + 1e-6))
    return norm


def _failure(student) -> str:
    with pytest.raises(AssertionError) as failure:
        check_clip_grad_norm(student, verbose=False)
    return str(failure.value)


def test_a_correct_clipping_passes(capsys):
    check_clip_grad_norm(clip)
    assert capsys.readouterr().out == "check_clip_grad_norm: clip matches clip_grad_norm_ on 6 cases.\n"


def test_calling_the_librarys_clipping_or_its_norm_is_refused():
    def calls_clip(params, max_norm):
        return clip_grad_norm_(params, max_norm)

    def calls_norm(params, max_norm):  # the overflow-safe norm is the exercise's hard part
        norm = grad_norm(params)
        for p in params:
            p.grad *= min(1.0, max_norm / (norm + 1e-6))
        return norm

    assert _failure(calls_clip).startswith("calls_clip calls microopt's own clip_grad_norm_, not yours")
    assert _failure(calls_norm).startswith("calls_norm calls microopt's own grad_norm, not yours")


def test_a_norm_that_overflows_gets_the_hint():
    def naive(params, max_norm):
        norm = math.sqrt(sum(p.grad * p.grad for p in params))
        for p in params:
            p.grad *= min(1.0, max_norm / (norm + 1e-6))
        return norm

    message = _failure(naive)
    assert message.startswith("naive returned inf for gradients [1e+200, 1e+200], max_norm=2.0")
    assert "divide by the largest |g| first" in message

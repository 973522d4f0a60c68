"""trace_steps is a rehearsal: the user's parameters and optimizer come back as they were."""

from __future__ import annotations

import pytest

from microopt import Value
from microopt.optim import SGD, Adam
from microopt.teach import trace_steps


def test_parameters_grads_and_state_are_put_back_and_the_title_says_so():
    w = Value(1.0, label="w")
    optimizer = Adam([w], lr=0.1)
    w.grad = 0.25
    t = trace_steps(optimizer, lambda: w * w, steps=3)
    assert t.column("data_after")[-1] < 0.75  # the traced steps did move w ...
    assert (w.data, w.grad) == (1.0, 0.25)  # ... and w is back
    assert dict(optimizer.state) == {} and optimizer._step_count == 0
    assert "parameters and optimizer state restored afterwards" in str(t).splitlines()[0]


def test_restore_false_keeps_the_steps_and_says_so():
    w = Value(3.0, label="w")
    optimizer = SGD([w], lr=0.25, momentum=0.5)
    t = trace_steps(optimizer, lambda: w * w, steps=2, restore=False)
    assert w.data == t.column("data_after")[-1] == 3.0 - 1.5 - (0.5 * 6.0 + 3.0) * 0.25  # 0.0
    assert optimizer.state[w]["momentum_buffer"] == 6.0
    assert "the parameters kept these 2 steps" in str(t).splitlines()[0]


def test_a_step_that_raises_still_restores():
    w = Value(2.0)
    optimizer = SGD([w], lr=0.5)
    calls = []

    def loss():
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("boom")
        return w * w

    with pytest.raises(RuntimeError, match="boom"):
        trace_steps(optimizer, loss, steps=3)
    assert w.data == 2.0

"""trace / trace_steps: the locals of each update, named as in the optimizer's docstring."""

from __future__ import annotations

import sys

import pytest

from microopt import Value
from microopt.nn import MLP
from microopt.optim import SGD, Adam, Optimizer
from microopt.teach import trace, trace_steps


def test_adam_two_steps_match_hand_computed_moments():
    w = Value(1.0, label="w")
    opt = Adam([w], lr=0.1)
    with trace(opt) as t:
        w.grad = 2.0
        opt.step()
        w.grad = -1.0
        opt.step()
    first, second = t.rows
    # step 1, g = 2: m = 0.1 g = 0.2, v = 0.001 g² = 0.004, m_hat = m / 0.1 = 2, v_hat = v / 0.001 = 4
    assert (first.step, first.param) == (1, "w")
    assert first.quantities["t"] == 1
    assert first.quantities["m"] == pytest.approx(0.2, rel=1e-14)
    assert first.quantities["v"] == pytest.approx(0.004, rel=1e-12)
    assert first.quantities["m_hat"] == pytest.approx(2.0, rel=1e-14)
    assert first.quantities["v_hat"] == pytest.approx(4.0, rel=1e-12)
    assert first.quantities["update"] == pytest.approx(0.1 * 2.0 / (2.0 + 1e-8), rel=1e-12)
    # step 2, g = -1: m = 0.9·0.2 - 0.1 = 0.08, v = 0.999·0.004 + 0.001 = 0.004996,
    # m_hat = 0.08 / (1 - 0.9²) = 8/19, v_hat = 0.004996 / (1 - 0.999²) = 4996/1999
    assert second.step == 2 and second.quantities["t"] == 2
    assert second.quantities["g"] == -1.0
    assert second.quantities["m"] == pytest.approx(0.08, rel=1e-13)
    assert second.quantities["v"] == pytest.approx(0.004996, rel=1e-12)
    assert second.quantities["m_hat"] == pytest.approx(8 / 19, rel=1e-13)
    assert second.quantities["v_hat"] == pytest.approx(4996 / 1999, rel=1e-10)
    assert second.data_before == first.data_after == w.data + second.quantities["update"]
    # the docstring's quantities, in the order Adam computes them; no p, state or hyperparameters
    assert t.names == ["beta1", "beta2", "g", "t", "m", "v", "m_hat", "v_hat", "update"]


def test_sgd_momentum_locals_and_records():
    w = Value(2.0, label="w")
    opt = SGD([w], lr=0.1, momentum=0.9, dampening=0.5)
    with trace(opt) as t:
        for grad in (4.0, 2.0):
            w.grad = grad
            opt.step()
    # the buffer starts at g itself (4), then b = 0.9·4 + (1 - 0.5)·2 = 4.6
    assert t.column("b") == [4.0, pytest.approx(4.6)]
    assert t.column("update") == [pytest.approx(0.4), pytest.approx(0.46)]
    record = t.to_records()[1]
    assert list(record) == ["step", "param", "g", "b", "direction", "update", "data_before", "data_after"]
    assert record["data_after"] == pytest.approx(2.0 - 0.4 - 0.46)


def test_a_students_subclass_calling_super_is_traced_through_both_frames():
    class LoggedSGD(SGD):
        def update(self, p, state, **hyperparameters):
            grad_norm = abs(p.grad)  # noqa: F841 (unused on purpose: the trace records the student's locals)
            super().update(p, state, **hyperparameters)

    w = Value(1.0)
    opt = LoggedSGD([w], lr=0.5)
    w.grad = -3.0
    with trace(opt) as t:
        opt.step()
    assert t.rows[0].quantities == {"g": -3.0, "direction": -3.0, "update": -1.5, "grad_norm": 3.0}
    assert t.rows[0].param == "p0"  # unlabeled: named by position


def test_the_profiler_is_restored_even_when_the_update_raises():
    class Broken(Optimizer):
        def __init__(self, params):
            super().__init__(params, {"lr": 0.1})

        def update(self, p, state, *, lr):
            ratio = lr / p.grad  # p.grad is 0: raises ZeroDivisionError
            p.data -= ratio

    events = []
    previous = lambda frame, event, arg: events.append(event)  # noqa: E731 (a minimal profiler)
    sys.setprofile(previous)
    try:
        opt = Broken([Value(1.0)])
        with pytest.raises(ZeroDivisionError):
            with trace(opt):
                opt.step()
        assert sys.getprofile() is previous  # ours is gone, the earlier one is back
    finally:
        sys.setprofile(None)
    assert "call" in events  # the earlier profiler kept receiving events while we traced


def test_a_label_that_is_not_a_string_names_the_row():
    w = Value(1.0, label=7)
    opt = SGD([w], lr=0.1)
    w.grad = 1.0
    with trace(opt) as t:
        opt.step()
    assert t.rows[0].param == "7" and "7" in str(t) and t._repr_html_()


def test_names_from_a_module_a_list_or_labels():
    model = MLP(2, [2, 1], seed=1)
    opt = SGD(model.parameters(), lr=0.1)
    t = trace_steps(opt, lambda: (model([1.0, -1.0]) - 1.0) ** 2, steps=1, names=model)
    assert [r.param for r in t.rows] == [name for name, _ in model.named_parameters()]
    x, y = Value(1.0), Value(2.0)
    opt = SGD([x, y], lr=0.1)
    with trace(opt, names=["x", "y"]) as t:
        opt.step()
    assert [r.param for r in t.rows] == ["x", "y"]
    with pytest.raises(ValueError, match="names has 1 entries but the optimizer has 2 parameters"):
        trace(opt, names=["x"])


def test_trace_steps_records_the_loss_of_each_step():
    x = Value(3.0, label="x")
    t = trace_steps(SGD([x], lr=0.25), lambda: x * x, steps=3)
    # x halves each step (x ← x - 0.25·2x): losses 9, 2.25, 0.5625
    assert t.column("loss") == [9.0, 2.25, 0.5625]
    assert t.column("g") == [6.0, 3.0, 1.5]
    assert t.column("step") == [1, 2, 3]
    assert "loss" in str(t).splitlines()[1]


def test_text_and_html_tables():
    w = Value(1.0, label="w")
    opt = Adam([w], lr=0.1)
    t = trace(opt)
    assert "nothing recorded" in str(t)
    w.grad = 2.0
    with t:
        opt.step()
    lines = str(t).splitlines()
    assert lines[0] == "Adam trace: 1 updates (1 steps x 1 parameters)"
    assert lines[1].split() == ["step", "param", "beta1", "beta2", "g", "t", "m", "v", "m_hat",
                                "v_hat", "update", "θ", "before", "θ", "after"]
    assert lines[2].split()[:9] == ["1", "w", "0.9", "0.999", "2", "1", "0.2", "0.004", "2"]
    html = t._repr_html_()
    assert html.count("<tr>") == 2 and "<th" in html and "m_hat" in html
    t.rows.append(None)  # a broken trace: shown as an explanation, never a raise
    assert "could not be shown" in t._repr_html_()


def test_bad_input_gets_a_clear_error():
    with pytest.raises(TypeError, match="trace needs a microopt.optim.Optimizer, got list"):
        trace([Value(1.0)])

    class NoUpdate(Optimizer):
        def __init__(self, params):
            super().__init__(params, {"lr": 0.1})

    with pytest.raises(TypeError, match="NoUpdate has no update"):
        with trace(NoUpdate([Value(1.0)])):
            pass
    opt = SGD([Value(1.0)], lr=0.1)
    with pytest.raises(ValueError, match=r"Invalid steps: 0 \(must be a whole number >= 1\)"):
        trace_steps(opt, lambda: Value(1.0), steps=0)
    with pytest.raises(TypeError, match="loss_fn must return a Value"):
        trace_steps(opt, lambda: 1.0, steps=1)
    with pytest.raises(KeyError, match="no quantity 'm' was recorded"):
        trace(opt).column("m")
    t = trace(opt)
    with t:
        with pytest.raises(RuntimeError, match="already recording"):
            t.__enter__()

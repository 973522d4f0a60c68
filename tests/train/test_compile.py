"""The compiled step: the eager engine's numbers, bit for bit, without building Values."""

from __future__ import annotations

import math
import struct

import pytest

import microopt
from microopt import Value
from microopt.nn import MLP, binary_cross_entropy_with_logits, cross_entropy, hinge_loss, mse_loss
from microopt.optim import SGD, Adam
from microopt.optim.lr_scheduler import StepLR
from microopt.train.compile import CompileError, compile_step

X = [[0.5, -1.0], [1.5, 0.25], [-0.75, 0.5], [0.1, 2.0]]
Y = [1, -1, 1, -1]


def bits(x: float) -> bytes:
    return struct.pack("<d", x)


def hinge_objective(model):
    params = model.parameters()

    def loss(Xb, yb):
        return hinge_loss([model(x) for x in Xb], yb) + 1e-3 * microopt.sum(p * p for p in params)
    return loss


def train(model, make_optimizer, steps, compiled: bool, loss_factory=hinge_objective, data=(X, Y)):
    """Losses of ``steps`` steps, eager or compiled, from the model's current weights."""
    optimizer = make_optimizer(model.parameters())
    scheduler = StepLR(optimizer, step_size=2, gamma=0.5)
    loss = loss_factory(model)
    step = compile_step(loss, model.parameters(), *data) if compiled else None
    losses = []
    for _ in range(steps):
        optimizer.zero_grad()
        if compiled:
            losses.append(step(*data))
        else:
            out = loss(*data)
            out.backward()
            losses.append(out.data)
        optimizer.step()
        scheduler.step()
    return losses


@pytest.mark.parametrize("make_optimizer", [lambda p: SGD(p, lr=0.1, momentum=0.9),
                                            lambda p: Adam(p, lr=0.05)], ids=["SGD", "Adam"])
@pytest.mark.parametrize("activation", ["relu", "tanh", "sigmoid", "leaky_relu", "softplus"])
def test_losses_gradients_and_weights_are_the_eager_ones_bit_for_bit(make_optimizer, activation):
    eager, compiled = MLP(2, [4, 3, 1], activation=activation), MLP(2, [4, 3, 1], activation=activation)
    eager_losses = train(eager, make_optimizer, 5, compiled=False)
    compiled_losses = train(compiled, make_optimizer, 5, compiled=True)
    assert list(map(bits, compiled_losses)) == list(map(bits, eager_losses))
    for a, b in zip(eager.parameters(), compiled.parameters()):
        assert bits(a.data) == bits(b.data) and bits(a.grad) == bits(b.grad)


def test_new_batches_and_weights_are_replayed():
    model = MLP(2, [3, 1])
    loss = hinge_objective(model)
    step = compile_step(loss, model.parameters(), X[:2], Y[:2])
    for batch in ((X[2:], Y[2:]), (X[:2], Y[:2])):
        for p in model.parameters():
            p.data += 0.01
            p.grad = 0.0
        replayed = step(*batch)
        grads = [p.grad for p in model.parameters()]
        for p in model.parameters():
            p.grad = 0.0
        eager = loss(*batch)
        eager.backward()
        assert bits(replayed) == bits(eager.data)
        assert [bits(g) for g in grads] == [bits(p.grad) for p in model.parameters()]


def test_gradients_accumulate_as_backward_does():
    model = MLP(2, [3, 1])
    step = compile_step(hinge_objective(model), model.parameters(), X, Y)
    step(X, Y)
    once = [p.grad for p in model.parameters()]
    step(X, Y)
    assert [p.grad for p in model.parameters()] == [g + g for g in once]


@pytest.mark.parametrize("loss_fn,targets", [(mse_loss, [0.5, -1.0, 2.0, 0.0]),
                                             (binary_cross_entropy_with_logits, [1, 0, 1, 0])])
def test_other_losses(loss_fn, targets):
    model = MLP(2, [3, 1], activation="tanh")
    loss = lambda Xb, yb: loss_fn([model(x) for x in Xb], yb)  # noqa: E731
    step = compile_step(loss, model.parameters(), X, targets)
    replayed = step(X, targets)
    grads = [p.grad for p in model.parameters()]
    model.zero_grad()
    eager = loss(X, targets)
    eager.backward()
    assert bits(replayed) == bits(eager.data) and grads == [p.grad for p in model.parameters()]


def test_the_source_reads_like_the_graph():
    model = MLP(2, [1], activation="relu")
    step = compile_step(lambda Xb, yb: mse_loss([model(x) for x in Xb], yb), model.parameters(), [[1.0, 2.0]], [0.5])
    source = step.source
    assert source.startswith("def step(p, x, y):")
    assert "fsum((p0 * x0_0, p1 * x0_1, p2))" in source  # the neuron: w · x + b
    assert "# forward" in source and "# backward" in source


def test_every_sample_graph_is_written_once_in_a_loop():
    model = MLP(2, [3, 1])
    step = compile_step(hinge_objective(model), model.parameters(), X, Y)
    source = step.source
    assert "for (x0, x1), target in zip(x, y):" in source  # forward, sample by sample
    assert source.count("fsum((p0 * x0, p1 * x1, p2))") == 1  # the first neuron, written once for 4 samples
    assert "fsum(v" in source and "s)" in source  # the mean's sum: a sum over the samples' list
    assert "x1_0" not in source  # no copy of sample 1's graph


def test_a_loss_that_treats_samples_differently_is_written_out_and_still_exact():
    model = MLP(2, [3, 1])

    def loss(Xb, yb):  # the first sample counts twice: its graph is not the others'
        scores = [model(x) for x in Xb]
        return mse_loss([scores[0] * 2.0] + scores[1:], yb)

    step = compile_step(loss, model.parameters(), X, [0.5, -1.0, 2.0, 0.0])
    assert "for (" not in step.source and "x3_1" in step.source
    replayed = step(X, [0.5, -1.0, 2.0, 0.0])
    grads = [p.grad for p in model.parameters()]
    model.zero_grad()
    eager = loss(X, [0.5, -1.0, 2.0, 0.0])
    eager.backward()
    assert bits(replayed) == bits(eager.data) and list(map(bits, grads)) == [bits(p.grad) for p in model.parameters()]


def test_watched_values_come_back_as_numbers():
    model = MLP(2, [3, 1])

    def loss(Xb, yb):
        scores = [model(x) for x in Xb]
        data_loss = hinge_loss(scores, yb)
        return data_loss, {"scores": scores, "loss": data_loss}

    step = compile_step(loss, model.parameters(), X, Y)
    replayed = step.run(X[::-1], Y[::-1])
    assert replayed.watched["scores"] == [model(x).data for x in X[::-1]]
    assert bits(replayed.watched["loss"]) == bits(replayed.loss)
    assert all(p.grad == 0.0 for p in model.parameters())  # run() leaves the parameters alone


def test_a_branch_on_a_comparison_is_checked_on_every_batch():
    model = MLP(2, [1])  # one linear neuron: its score's sign follows x along w

    def loss(Xb, yb):
        scores = [model(x) for x in Xb]
        if scores[0] > 0.0:  # the graph's shape depends on the data: a guard is recorded
            scores = [s.tanh() for s in scores]
        return mse_loss(scores, yb)

    w = [p.data for p in model.layers[0].neurons[0].w]
    positive = [[10 * w[0], 10 * w[1]], [20 * w[0], 20 * w[1]]]
    negative = [[-10 * w[0], -10 * w[1]]]
    assert model(positive[0]).data > 0.0 > model(negative[0]).data
    step = compile_step(loss, model.parameters(), positive[:1], [1.0])
    replayed = step(positive[1:], [0.5])  # the same branch: replayed, bit for bit
    grads = [p.grad for p in model.parameters()]
    model.zero_grad()
    eager = loss(positive[1:], [0.5])
    eager.backward()
    assert bits(replayed) == bits(eager.data) and grads == [p.grad for p in model.parameters()]
    with pytest.raises(CompileError, match=r"This batch would change the graph: the traced step compared Values at "
                                           r".*test_compile.py:\d+ \(> came out True\), and on this batch it comes "
                                           r"out False"):
        step(negative, [0.5])


def test_max_of_values_is_guarded_too():
    a = Value(1.0)

    def loss(Xb, yb):
        return max(a * Xb[0][0], Xb[0][1]) - yb[0]  # builtin max compares the Values

    step = compile_step(loss, [a], [[2.0, 1.0]], [0.0])
    assert step([[3.0, 1.0]], [0.0]) == 3.0
    with pytest.raises(CompileError, match="would change the graph"):
        step([[0.5, 1.0]], [0.0])


@pytest.mark.parametrize("read", [lambda v: v.data, lambda v: v.item()], ids=["data", "item"])
def test_reading_a_number_from_the_data_is_refused(read):
    model = MLP(2, [1])

    def loss(Xb, yb):
        scores = [model(x) for x in Xb]
        m = max(read(s) for s in scores)  # a number from the data, baked into the graph
        return mse_loss([s - m for s in scores], yb)

    with pytest.raises(CompileError, match=r"reads the number inside a Value that depends on the data or the weights "
                                           r"\(.*test_compile.py:\d+\)"):
        compile_step(loss, model.parameters(), X, [0.0] * 4)


def test_reading_a_weight_is_refused_and_reading_a_constant_is_not():
    w, c = Value(2.0), Value(3.0)
    with pytest.raises(CompileError, match="reads the number"):
        compile_step(lambda Xb, yb: w * Xb[0][0] * w.data, [w], [[1.0]], [0.0])
    step = compile_step(lambda Xb, yb: w * Xb[0][0] * c.data + c, [w], [[1.0]], [0.0])
    assert step([[2.0]], [0.0]) == 2.0 * 2.0 * 3.0 + 3.0


def test_printing_a_value_is_allowed():
    w = Value(2.0)

    def loss(Xb, yb):
        out = w * Xb[0][0]
        shown = f"{out!r} {out:.3f}"  # display only: no graph changes with it
        return out + float(len(shown) > 0)

    assert compile_step(loss, [w], [[1.0]], [0.0])([[4.0]], [0.0]) == 9.0


def test_cross_entropy_indexing_by_targets_is_refused():
    model = MLP(2, [3])
    with pytest.raises(CompileError, match="indexes by its targets"):
        compile_step(lambda Xb, yb: cross_entropy([model(x) for x in Xb], yb), model.parameters(), X, [0, 1, 2, 0])


def test_an_op_without_a_replay_rule_is_refused(monkeypatch):
    import dataclasses

    from microopt.engine import ops

    monkeypatch.setitem(ops.OPS, "tanh", dataclasses.replace(ops.OPS["tanh"], replay=None))
    model = MLP(2, [1])
    with pytest.raises(CompileError, match="the op 'tanh' has no replay rule"):
        compile_step(lambda Xb, yb: mse_loss([model(x).tanh() for x in Xb], yb), model.parameters(), X, Y)


def test_a_batch_of_another_size_is_refused():
    model = MLP(2, [1])
    step = compile_step(lambda Xb, yb: mse_loss([model(x) for x in Xb], yb), model.parameters(), X, Y)
    with pytest.raises(ValueError, match=r"Invalid batch: 2 samples \(must be 4"):
        step(X[:2], Y[:2])


def test_nan_propagates_as_in_the_eager_engine():
    model = MLP(2, [3, 1])
    loss = hinge_objective(model)
    data = ([[math.nan, 0.0]] + X[1:], Y)
    step = compile_step(loss, model.parameters(), X, Y)
    assert math.isnan(step(*data))
    assert math.isnan(loss(*data).data)

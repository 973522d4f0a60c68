"""The record lesson 18 uses without PyTorch equals what PyTorch computes now, and rebuilds exactly."""

from __future__ import annotations

import json

import pytest

from microopt import torch_reference
from microopt.data import make_moons
from microopt.nn import binary_cross_entropy_with_logits


def test_the_record_is_what_pytorch_computes():
    """Recomputed under float64 as the default dtype (the record was made under float32, torch's own): no matter."""
    torch = pytest.importorskip("torch")
    from microopt.torch_reference import generate

    saved, threads = torch.get_default_dtype(), torch.get_num_threads()
    torch.set_default_dtype(torch.float64)
    torch.set_num_threads(1)  # tensors this small gain nothing from a second thread: it only waits (20x slower)
    try:
        live = generate.record()
    finally:
        torch.set_default_dtype(saved)
        torch.set_num_threads(threads)

    # through JSON, as the record was: the state dict's integer keys become strings, tuples lists
    torch_reference.assert_same(json.loads(json.dumps(live)), torch_reference.load())


def test_the_record_rebuilds_what_from_torch_returned():
    """Without torch: the rebuilt RMSprop network trains on with PyTorch's recorded losses (lesson 18, part 4)."""
    record = torch_reference.load()["section_4"]
    model, optimizer = torch_reference.rebuild(record["from_torch"])
    assert torch_reference.model_and_optimizer(model, optimizer)["weights"] == record["from_torch"]["weights"]
    assert type(optimizer).__name__ == "RMSprop" and optimizer.param_groups[0]["momentum"] == 0.5
    assert [optimizer.state[p] for p in model.parameters()] == record["from_torch"]["state"]
    # torch's names; and grad_avg, which microopt's RMSprop keeps from its first step (0.0 unless centered)
    assert set(record["from_torch"]["state"][0]) == {"step", "square_avg", "momentum_buffer", "grad_avg"}
    X, y = make_moons(60, noise=0.1, seed=0)
    losses = []
    for _ in range(3):  # of the 10 recorded: enough to see the state at work, cheap
        optimizer.zero_grad()
        loss = binary_cross_entropy_with_logits([model(x) for x in X], y)
        loss.backward()
        optimizer.step()
        losses.append(loss.data)
    assert max(abs(a - b) for a, b in zip(losses, record["losses"][:3])) < 1e-12


def test_a_record_of_another_shape_is_refused():
    record = dict(torch_reference.load()["section_4"]["from_torch"], sizes=[2, 4, 1])
    with pytest.raises(ValueError, match="The record holds 33 weights, an MLP of sizes \\[2, 4, 1\\] has 17"):
        torch_reference.rebuild(record)


def test_a_drifted_record_is_named():
    record = torch_reference.load()["section_1"]
    drifted = dict(record, losses=[*record["losses"][:-1], record["losses"][-1] * (1 + 1e-9)])
    with pytest.raises(AssertionError, match=r"the record\['losses'\]\[24\]: PyTorch computes .* regenerate"):
        torch_reference.assert_same(drifted, record)
    torch_reference.assert_same(dict(record, losses=[v * (1 + 1e-13) for v in record["losses"]]), record)

"""The record lesson 18 uses without PyTorch equals what PyTorch computes now, and rebuilds exactly."""

from __future__ import annotations

import json
import math

import pytest

from microopt import torch_reference
from microopt.data import make_moons
from microopt.nn import binary_cross_entropy_with_logits


def same(recorded, live, path="record"):
    """Every number within 1e-12 (a matrix product may round differently elsewhere), all else equal."""
    if isinstance(recorded, dict):
        assert recorded.keys() == live.keys(), path
        for key in recorded:
            same(recorded[key], live[key], f"{path}[{key!r}]")
    elif isinstance(recorded, list):
        assert len(recorded) == len(live), path
        for i, (a, b) in enumerate(zip(recorded, live)):
            same(a, b, f"{path}[{i}]")
    elif isinstance(recorded, float):
        assert math.isclose(recorded, live, rel_tol=1e-12, abs_tol=1e-15), f"{path}: {recorded} != {live}"
    else:
        assert recorded == live, path


def test_the_record_is_what_pytorch_computes():
    pytest.importorskip("torch")
    from microopt.torch_reference import generate

    same(torch_reference.load(), json.loads(json.dumps(generate.record())))


def test_the_record_rebuilds_what_from_torch_returned():
    """Without torch: the rebuilt RMSprop network trains on with PyTorch's recorded losses (lesson 18, part 4)."""
    record = torch_reference.load()["section_4"]
    model, optimizer = torch_reference.rebuild(record["from_torch"])
    assert torch_reference.model_and_optimizer(model, optimizer)["weights"] == record["from_torch"]["weights"]
    assert type(optimizer).__name__ == "RMSprop" and optimizer.param_groups[0]["momentum"] == 0.5
    assert [optimizer.state[p] for p in model.parameters()] == record["from_torch"]["state"]
    assert set(record["from_torch"]["state"][0]) == {"step", "square_avg", "momentum_buffer"}  # torch's, by name
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

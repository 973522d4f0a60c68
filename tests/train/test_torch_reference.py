"""fit against whole training runs done by PyTorch (float64): same losses, lrs, norms and weights.

tests/fixtures/generate_train_fixtures.py trains the same MLP, from the same initial weights on
the same minibatches, with torch.nn.functional losses, torch.optim and its schedulers; see it
for how each case is set up. The live test reruns the generator when torch is installed.
"""

import json
from pathlib import Path

import pytest

import microopt.optim as optim
from microopt.data import Minibatches
from microopt.nn import MLP
from microopt.optim import lr_scheduler
from microopt.train import fit

FIXTURES = json.loads((Path(__file__).parents[1] / "fixtures" / "train_torch.json").read_text())
# torch adds in another order (matrix products, fused sums), so the last bits differ: measured
# at most 5e-15 relative over these runs (24 steps at most).
REL = 1e-12


def train_like(case):
    model = MLP(case["layers"][0], case["layers"][1:], activation=case["activation"], seed=0)
    name, settings = case["optimizer"]
    optimizer = getattr(optim, name)(model.parameters(), **settings)
    scheduler = None
    if "scheduler" in case:
        scheduler = getattr(lr_scheduler, case["scheduler"][0])(optimizer, **case["scheduler"][1])
    history = fit(model, optimizer, (case["X"], case["y"]), epochs=case["epochs"], batch_size=case["batch_size"],
                  loss=case["loss"], scheduler=scheduler, l1=case.get("l1", 0.0), l2=case.get("l2", 0.0),
                  clip_grad_norm=case.get("clip_grad_norm"), seed=case["seed"], progress=False)
    return model, history


def check_against(case):
    model, history = train_like(case)
    assert len(history.steps) == len(case["steps"])
    for mine, theirs in zip(history.steps, case["steps"]):
        assert mine["lr"] == pytest.approx(theirs["lr"], rel=1e-15)
        assert mine["loss"] == pytest.approx(theirs["loss"], rel=REL)
        assert mine["grad_norm"] == pytest.approx(theirs["grad_norm"], rel=REL)
    final = model.state_dict()
    assert final.keys() == case["final"].keys()
    for name, value in case["final"].items():
        assert final[name] == pytest.approx(value, rel=REL, abs=1e-12), name


@pytest.mark.parametrize("case", FIXTURES["cases"], ids=lambda c: c["name"])
def test_inputs_are_what_torch_was_given(case):
    model = MLP(case["layers"][0], case["layers"][1:], activation=case["activation"], seed=0)
    assert model.state_dict() == case["initial"]
    batches = Minibatches(case["X"], case["y"], case["batch_size"] or len(case["X"]),
                          shuffle=case["batch_size"] is not None, seed=case["seed"])
    assert [batches.order(epoch) for epoch in range(case["epochs"])] == case["orders"]


@pytest.mark.parametrize("case", FIXTURES["cases"], ids=lambda c: c["name"])
def test_fit_matches_torch_fixture(case):
    check_against(case)


def test_fit_matches_torch_live():
    pytest.importorskip("torch")
    from tests.fixtures import generate_train_fixtures

    for case in generate_train_fixtures.CASES[:2]:
        check_against(generate_train_fixtures.run(case))

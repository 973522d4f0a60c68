"""Write ``lesson18.json``: PyTorch's numbers for the cells of lesson 18 (needs torch 2.13.0).

    python -m microopt.torch_reference.generate

Each function runs one section's PyTorch code as the lesson does (the same data, models,
optimizers and steps) and returns what that section compares with microopt. ``record()``
gathers them; ``tests/torch_reference`` calls it and compares with the committed file.
"""

from __future__ import annotations

import json
import pathlib

from microopt.data import make_moons
from microopt.export import from_torch, import_torch, to_torch
from microopt.nn import MLP, binary_cross_entropy_with_logits
from microopt.optim import Adam
from microopt.optim.lr_scheduler import OneCycleLR
from microopt.torch_reference import RECORD, model_and_optimizer


def _data():
    torch = import_torch()
    X, y = make_moons(60, noise=0.1, seed=0)
    return X, y, torch.tensor(X, dtype=torch.float64), torch.tensor(y, dtype=torch.float64)


def _train(torch, model, optimizer, X_t, y_t, steps: int, scheduler=None) -> list[float]:
    """The lesson's PyTorch loop: full batch, logistic loss; the loss before each step."""
    F = torch.nn.functional
    losses = []
    for _ in range(steps):
        optimizer.zero_grad()
        loss = F.binary_cross_entropy_with_logits(model(X_t).squeeze(1), y_t)
        loss.backward()
        optimizer.step()
        if scheduler is not None:
            scheduler.step()
        losses.append(loss.item())
    return losses


def section_1() -> dict:
    """One loop, two libraries: 25 steps of SGD with momentum from the weights of MLP(seed=0)."""
    torch = import_torch()
    _, _, X_t, y_t = _data()
    torch_model = to_torch(MLP(2, [8, 8, 1], seed=0))
    printed = str(torch_model)
    torch_optimizer = torch.optim.SGD(torch_model.parameters(), lr=0.5, momentum=0.9)
    return {"printed": printed, "losses": _train(torch, torch_model, torch_optimizer, X_t, y_t, 25)}


def section_2() -> dict:
    """What maps to what: the first Linear of an untrained MLP(seed=0), and its shape."""
    fresh = to_torch(MLP(2, [8, 8, 1], seed=0))
    return {"first_weight": fresh[0].weight.tolist(), "second_bias": fresh[2].bias.tolist(),
            "first_weight_shape": list(fresh[0].weight.shape)}


def section_3() -> dict:
    """Stop in microopt after 20 of 40 steps (Adam, one cycle), continue 20 steps in PyTorch."""
    torch = import_torch()
    X, y, X_t, y_t = _data()
    model = MLP(2, [8, 8, 1], seed=1)
    optimizer = Adam(model.parameters(), lr=0.02)
    scheduler = OneCycleLR(optimizer, max_lr=0.05, total_steps=40)
    for _ in range(20):
        optimizer.zero_grad()
        binary_cross_entropy_with_logits([model(x) for x in X], y).backward()
        optimizer.step()
        scheduler.step()
    torch_model, torch_optimizer, torch_scheduler = to_torch(model, optimizer, scheduler)
    state = torch_optimizer.state[torch_model[0].weight]
    handed_over = {"lr": torch_optimizer.param_groups[0]["lr"], "last_epoch": torch_scheduler.last_epoch,
                   "exp_avg_3_1": state["exp_avg"][3, 1].item(), "exp_avg_sq_3_1": state["exp_avg_sq"][3, 1].item(),
                   "step": int(state["step"].item()), "optimizer": type(torch_optimizer).__name__}
    losses = _train(torch, torch_model, torch_optimizer, X_t, y_t, 20, torch_scheduler)
    return {"handed_over": handed_over, "losses": losses,
            "weights": [p.data for p in from_torch(torch_model).parameters()],
            "lr": torch_optimizer.param_groups[0]["lr"], "last_epoch": torch_scheduler.last_epoch}


def section_4() -> dict:
    """And back: a tanh network trained 10 steps with RMSprop in PyTorch, converted, 10 more steps."""
    torch = import_torch()
    _, _, X_t, y_t = _data()
    torch.manual_seed(0)
    # float32, torch's own default, as in the lesson, whatever default a caller (a test) has set
    net = torch.nn.Sequential(torch.nn.Linear(2, 8, dtype=torch.float32), torch.nn.Tanh(),
                              torch.nn.Linear(8, 1, dtype=torch.float32)).double()
    net_optimizer = torch.optim.RMSprop(net.parameters(), lr=0.01, momentum=0.5)
    _train(torch, net, net_optimizer, X_t, y_t, 10)
    back, back_optimizer = from_torch(net, net_optimizer)
    return {"printed": f"{back} {type(back_optimizer).__name__} {back_optimizer.param_groups[0]['momentum']}",
            "from_torch": model_and_optimizer(back, back_optimizer),
            "losses": _train(torch, net, net_optimizer, X_t, y_t, 10)}


def record() -> dict:
    """Every section's numbers, and the torch version that computed them."""
    torch = import_torch()
    return {"torch_version": torch.__version__.split("+")[0],
            "generator": "python -m microopt.torch_reference.generate",
            "section_1": section_1(), "section_2": section_2(), "section_3": section_3(), "section_4": section_4()}


def main() -> None:
    path = pathlib.Path(__file__).with_name(RECORD)
    path.write_text(json.dumps(record(), indent=1) + "\n", encoding="utf-8")
    print(f"wrote {path}")


if __name__ == "__main__":
    main()

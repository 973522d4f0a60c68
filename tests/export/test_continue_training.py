"""Training stopped in one library continues in the other with the same numbers.

The recipe of every test: train a 2-4-4-1 MLP for a few steps in microopt, convert model,
optimizer and scheduler with ``to_torch``, then take 20 more steps in both libraries on the
same loss and compare the weights. They agree to 1e-12: the only difference is the order in
which a weighted sum is added up (torch's matrix product against ``microopt.sum``), a
rounding of about 1e-16 per step. ``from_torch`` is checked the same way, the other way round.
"""

from __future__ import annotations

import pytest

import microopt
from microopt.nn import MLP
from microopt.optim import registry
from microopt.optim.lr_scheduler import registry as scheduler_registry

torch = pytest.importorskip("torch", reason="PyTorch is not installed: pip install torch==2.13.0")
from microopt.export import from_torch, to_torch  # noqa: E402  (needs torch to be worth testing)

TOLERANCE = 1e-12
STEPS_BEFORE, STEPS_AFTER = 5, 20
X = [[0.5, -1.0], [1.5, 0.3], [-0.7, 0.8], [0.1, 0.2], [-1.2, -0.4]]
Y = [1.0, -1.0, 0.5, 0.0, -0.3]

# One case per torch-backed optimizer of the registry (a new one must add its case here).
OPTIMIZER_CASES = {
    "SGD": [dict(lr=0.1, momentum=0.9), dict(lr=0.1, momentum=0.9, nesterov=True),
            dict(lr=0.1, momentum=0.5, dampening=0.1, weight_decay=0.01)],
    "Adam": [dict(lr=0.01), dict(lr=0.01, amsgrad=True, weight_decay=0.1, maximize=False)],
    "AdamW": [dict(lr=0.01, weight_decay=0.1)],
    "RMSprop": [dict(lr=0.01), dict(lr=0.01, momentum=0.9, centered=True, weight_decay=0.01)],
    "Adagrad": [dict(lr=0.1, lr_decay=0.01, initial_accumulator_value=0.1)],
    "Adadelta": [dict(lr=1.0)],
    "Adamax": [dict(lr=0.01)],
    "NAdam": [dict(lr=0.01)],
    "RAdam": [dict(lr=0.01)],
    "Rprop": [dict(lr=0.01)],
}
SCHEDULER_CASES = {
    "StepLR": dict(step_size=3, gamma=0.5),
    "MultiStepLR": dict(milestones=[3, 8, 12], gamma=0.5),
    "ExponentialLR": dict(gamma=0.9),
    "PolynomialLR": dict(total_iters=15, power=2.0),
    "ConstantLR": dict(factor=0.5, total_iters=8),
    "LinearLR": dict(start_factor=0.25, total_iters=10),
    "CosineAnnealingLR": dict(T_max=10, eta_min=0.001),
    "CosineAnnealingWarmRestarts": dict(T_0=4, T_mult=2),
    "LambdaLR": dict(lr_lambda=lambda epoch: 1 / (1 + epoch)),
    "MultiplicativeLR": dict(lr_lambda=lambda epoch: 0.95),
    "CyclicLR": dict(base_lr=0.01, max_lr=0.1, step_size_up=4),
    "OneCycleLR": dict(max_lr=0.5, total_steps=STEPS_BEFORE + STEPS_AFTER),
    "ReduceLROnPlateau": dict(factor=0.5, patience=1, threshold=0.05),
}
COMPOSITE = {"SequentialLR", "ChainedScheduler"}


def microopt_loss(model):
    return microopt.sum([(model(x) - y) ** 2 for x, y in zip(X, Y)]) * (1 / len(X))


def torch_loss(model):
    out = model(torch.tensor(X, dtype=torch.float64)).squeeze(1)
    return ((out - torch.tensor(Y, dtype=torch.float64)) ** 2).mean()


def step(loss_fn, model, optimizer, scheduler):
    optimizer.zero_grad()
    loss = loss_fn(model)
    loss.backward()
    optimizer.step()
    if scheduler is not None:
        scheduler.step(float(loss.item())) if _is_plateau(scheduler) else scheduler.step()


def _is_plateau(scheduler) -> bool:
    return type(scheduler).__name__ == "ReduceLROnPlateau"


def torch_weights(model) -> list[float]:
    """The torch model's weights in microopt's parameter order (per neuron: w..., b)."""
    return [p.data for p in from_torch(model).parameters()]


def continue_in_both(name, kwargs, make_scheduler=None, model_kwargs=None):
    model = MLP(2, [4, 4, 1], seed=1, **(model_kwargs or {}))
    optimizer = registry.OPTIMIZERS[name].cls(model.parameters(), **kwargs)
    scheduler = make_scheduler(optimizer) if make_scheduler else None
    for _ in range(STEPS_BEFORE):
        step(microopt_loss, model, optimizer, scheduler)
    converted = to_torch(model, optimizer, scheduler) if scheduler else to_torch(model, optimizer)
    torch_model, torch_optimizer = converted[:2]
    torch_scheduler = converted[2] if scheduler else None
    for _ in range(STEPS_AFTER):
        step(microopt_loss, model, optimizer, scheduler)
        step(torch_loss, torch_model, torch_optimizer, torch_scheduler)
    ours = [p.data for p in model.parameters()]
    return max(abs(a - b) for a, b in zip(ours, torch_weights(torch_model))), optimizer, torch_optimizer


def test_every_torch_backed_optimizer_has_a_case():
    assert set(OPTIMIZER_CASES) == set(registry.torch_backed())


def test_every_torch_backed_scheduler_has_a_case():
    assert set(SCHEDULER_CASES) == set(scheduler_registry.torch_backed()) - COMPOSITE


@pytest.mark.parametrize("name, kwargs", [(n, k) for n, cases in OPTIMIZER_CASES.items() for k in cases])
def test_twenty_more_steps_in_torch_give_the_same_weights(name, kwargs):
    error, optimizer, torch_optimizer = continue_in_both(name, kwargs)
    assert error < TOLERANCE
    # and the two optimizers still agree on their hyperparameters
    for ours, theirs in zip(optimizer.param_groups, torch_optimizer.param_groups):
        assert {k: ours[k] for k in optimizer.defaults} == {k: theirs[k] for k in optimizer.defaults}


@pytest.mark.parametrize("name", sorted(SCHEDULER_CASES))
def test_a_schedule_continues_in_torch_where_it_stopped(name):
    optimizer_name, kwargs = ("SGD", dict(lr=0.1, momentum=0.9))
    error, optimizer, torch_optimizer = continue_in_both(
        optimizer_name, kwargs, lambda opt: scheduler_registry.SCHEDULERS[name].cls(opt, **SCHEDULER_CASES[name]))
    assert error < TOLERANCE
    assert optimizer.param_groups[0]["lr"] == pytest.approx(torch_optimizer.param_groups[0]["lr"], rel=1e-15)


def test_one_cycle_on_adam_cycles_beta1_in_torch_too():
    error, optimizer, torch_optimizer = continue_in_both(
        "Adam", dict(lr=0.01), lambda opt: scheduler_registry.SCHEDULERS["OneCycleLR"].cls(opt, max_lr=0.05,
                                                                                           total_steps=30))
    assert error < TOLERANCE
    assert optimizer.param_groups[0]["betas"] == pytest.approx(torch_optimizer.param_groups[0]["betas"])


def test_param_groups_with_their_own_hyperparameters_stay_groups():
    """Biases without weight decay, a common pair of groups: each torch group gets its layer tensors."""
    model = MLP(2, [4, 1], seed=2)
    weights = [w for layer in model.layers for n in layer.neurons for w in n.w]
    biases = [n.b for layer in model.layers for n in layer.neurons]
    optimizer = registry.OPTIMIZERS["AdamW"].cls(
        [{"params": weights, "weight_decay": 0.1}, {"params": biases, "weight_decay": 0.0, "lr": 0.05}], lr=0.01)
    for _ in range(3):
        step(microopt_loss, model, optimizer, None)
    torch_model, torch_optimizer = to_torch(model, optimizer)
    groups = torch_optimizer.param_groups
    assert [len(g["params"]) for g in groups] == [2, 2]
    assert [g["params"][0].dim() for g in groups] == [2, 1]  # weight matrices, then bias vectors
    assert [(g["lr"], g["weight_decay"]) for g in groups] == [(0.01, 0.1), (0.05, 0.0)]
    for _ in range(STEPS_AFTER):
        step(microopt_loss, model, optimizer, None)
        step(torch_loss, torch_model, torch_optimizer, None)
    error = max(abs(a - b) for a, b in zip([p.data for p in model.parameters()], torch_weights(torch_model)))
    assert error < TOLERANCE


@pytest.mark.parametrize("name, kwargs", [("SGD", dict(lr=0.1, momentum=0.9)), ("Adam", dict(lr=0.01)),
                                          ("Adagrad", dict(lr=0.1)), ("RMSprop", dict(lr=0.01, centered=True))])
def test_training_started_in_torch_continues_in_microopt(name, kwargs):
    torch.manual_seed(0)
    torch_model = torch.nn.Sequential(torch.nn.Linear(2, 4), torch.nn.Tanh(), torch.nn.Linear(4, 1)).double()
    torch_optimizer = getattr(torch.optim, name)(torch_model.parameters(), foreach=False, **kwargs)
    torch_scheduler = torch.optim.lr_scheduler.StepLR(torch_optimizer, step_size=4, gamma=0.5)
    for _ in range(STEPS_BEFORE):
        step(torch_loss, torch_model, torch_optimizer, torch_scheduler)
    model, optimizer, scheduler = from_torch(torch_model, torch_optimizer, torch_scheduler)
    assert type(optimizer).__name__ == name and type(scheduler).__name__ == "StepLR"
    for _ in range(STEPS_AFTER):
        step(torch_loss, torch_model, torch_optimizer, torch_scheduler)
        step(microopt_loss, model, optimizer, scheduler)
    error = max(abs(a - b) for a, b in zip([p.data for p in model.parameters()], torch_weights(torch_model)))
    assert error < TOLERANCE
    assert scheduler.last_epoch == torch_scheduler.last_epoch == STEPS_BEFORE + STEPS_AFTER


@pytest.mark.parametrize("name", sorted(SCHEDULER_CASES))
def test_a_torch_schedule_continues_in_microopt_where_it_stopped(name):
    torch.manual_seed(1)
    torch_model = torch.nn.Sequential(torch.nn.Linear(2, 4), torch.nn.ReLU(), torch.nn.Linear(4, 1)).double()
    torch_optimizer = torch.optim.SGD(torch_model.parameters(), lr=0.1, momentum=0.9, foreach=False)
    torch_scheduler = getattr(torch.optim.lr_scheduler, name)(torch_optimizer, **SCHEDULER_CASES[name])
    for _ in range(STEPS_BEFORE):
        step(torch_loss, torch_model, torch_optimizer, torch_scheduler)
    model, optimizer, scheduler = from_torch(torch_model, torch_optimizer, torch_scheduler)
    for _ in range(STEPS_AFTER):
        step(torch_loss, torch_model, torch_optimizer, torch_scheduler)
        step(microopt_loss, model, optimizer, scheduler)
    error = max(abs(a - b) for a, b in zip([p.data for p in model.parameters()], torch_weights(torch_model)))
    assert error < TOLERANCE
    assert optimizer.param_groups[0]["lr"] == pytest.approx(torch_optimizer.param_groups[0]["lr"], rel=1e-15)


TORCH_STARTED = [(name, kwargs) for name, cases in sorted(OPTIMIZER_CASES.items()) for kwargs in cases]


@pytest.mark.parametrize("name, kwargs", TORCH_STARTED)
def test_an_optimizer_from_torch_saves_and_loads_like_microopts_own(name, kwargs):
    """from_torch's state is complete: its state_dict loads into a fresh microopt optimizer, which
    then trains exactly as the converted one does, bit for bit (torch makes some buffers only when
    an option uses them: RMSprop's grad_avg when centered, momentum_buffer when momentum > 0)."""
    torch.manual_seed(0)
    torch_model = torch.nn.Sequential(torch.nn.Linear(2, 4), torch.nn.Tanh(), torch.nn.Linear(4, 1)).double()
    torch_optimizer = getattr(torch.optim, name)(torch_model.parameters(), foreach=False, **kwargs)
    for _ in range(STEPS_BEFORE):
        step(torch_loss, torch_model, torch_optimizer, None)
    converted_model, converted = from_torch(torch_model, torch_optimizer)
    model = from_torch(torch_model)
    optimizer = registry.OPTIMIZERS[name].cls(model.parameters(), **kwargs)
    optimizer.load_state_dict(converted.state_dict())
    for _ in range(STEPS_AFTER):
        step(microopt_loss, converted_model, converted, None)
        step(microopt_loss, model, optimizer, None)
    assert [p.data for p in model.parameters()] == [p.data for p in converted_model.parameters()]

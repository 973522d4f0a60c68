"""What ``to_torch`` and ``from_torch`` build: layers, weights, state, and what they refuse."""

from __future__ import annotations

import sys

import pytest

import microopt
from microopt.nn import MLP, Layer, Neuron
from microopt.optim import SGD, Adam, Lion
from microopt.optim.lr_scheduler import OneCycleLR, SequentialLR, StepLR

torch = pytest.importorskip("torch", reason="PyTorch is not installed: pip install torch==2.13.0")
from microopt.export import from_torch, to_torch  # noqa: E402

POINTS = [[0.5, -1.0], [1.5, 0.3], [-0.7, 0.8], [3.0, -2.5]]


def test_an_mlp_becomes_a_float64_sequential_of_linear_layers_and_activations():
    model = MLP(2, [16, 16, 1], activation="tanh", seed=3)
    torch_model = to_torch(model)
    assert [type(m).__name__ for m in torch_model] == ["Linear", "Tanh", "Linear", "Tanh", "Linear"]
    assert all(p.dtype == torch.float64 for p in torch_model.parameters())
    first = torch_model[0]
    neuron = model.layers[0].neurons[5]
    assert first.weight[5].tolist() == [w.data for w in neuron.w]  # neuron j is row j, exactly
    assert first.bias[5].item() == neuron.b.data
    assert sum(p.numel() for p in torch_model.parameters()) == model.num_parameters() == 337


@pytest.mark.parametrize("activation", ["relu", "tanh", "sigmoid", "leaky_relu", "softplus"])
def test_the_torch_model_computes_what_the_microopt_model_computes(activation):
    model = MLP(2, [8, 8, 1], activation=activation, seed=4)
    out = to_torch(model)(torch.tensor(POINTS, dtype=torch.float64)).squeeze(1).tolist()
    # the same sums, added in another order: a few roundings apart
    assert out == pytest.approx([model(x).data for x in POINTS], rel=1e-13, abs=1e-15)


def test_a_layer_and_a_neuron_keep_their_activation():
    layer = Layer(2, 3, activation="sigmoid")
    neuron = Neuron(2, activation="relu")
    assert [type(m).__name__ for m in to_torch(layer)] == ["Linear", "Sigmoid"]
    assert [type(m).__name__ for m in to_torch(neuron)] == ["Linear", "ReLU"]
    x = torch.tensor([POINTS[0]], dtype=torch.float64)
    assert to_torch(layer)(x)[0].tolist() == pytest.approx([v.data for v in layer(POINTS[0])], rel=1e-15)


def test_round_trip_gives_back_the_same_weights_bit_for_bit():
    model = MLP(3, [5, 2], activation="leaky_relu", seed=5)
    back = from_torch(to_torch(model))
    assert [p.data for p in back.parameters()] == [p.data for p in model.parameters()]
    assert back.layers[0].neurons[0].activation == "leaky_relu"
    assert back.layers[-1].neurons[0].activation == "linear"


def test_adam_state_arrives_under_torchs_names():
    """m, v and step of every Value land in exp_avg, exp_avg_sq and step, at the Value's place."""
    model = MLP(2, [3, 1], seed=6)
    optimizer = Adam(model.parameters(), lr=0.01, amsgrad=True)
    for _ in range(4):
        optimizer.zero_grad()
        microopt.sum([model(x) ** 2 for x in POINTS]).backward()
        optimizer.step()
    _, torch_optimizer = to_torch(model, optimizer)
    weight = torch_optimizer.param_groups[0]["params"][0]
    state = torch_optimizer.state[weight]
    w = model.layers[0].neurons[2].w[1]
    assert state["step"].item() == 4
    assert state["exp_avg"][2, 1].item() == optimizer.state[w]["m"]
    assert state["exp_avg_sq"][2, 1].item() == optimizer.state[w]["v"]
    assert state["max_exp_avg_sq"][2, 1].item() == optimizer.state[w]["v_max"]


def test_momentum_buffers_arrive_and_come_back():
    model = MLP(2, [3, 1], seed=7)
    optimizer = SGD(model.parameters(), lr=0.1, momentum=0.9)
    for _ in range(2):
        optimizer.zero_grad()
        microopt.sum([model(x) ** 2 for x in POINTS]).backward()
        optimizer.step()
    torch_model, torch_optimizer = to_torch(model, optimizer)
    _, back = from_torch(torch_model, torch_optimizer)
    assert [back.state[p]["momentum_buffer"] for p in back.param_groups[0]["params"]] == \
        [optimizer.state[p]["momentum_buffer"] for p in optimizer.param_groups[0]["params"]]


def test_the_schedules_position_is_kept():
    model = MLP(2, [3, 1])
    optimizer = SGD(model.parameters(), lr=0.1)
    scheduler = StepLR(optimizer, step_size=2, gamma=0.5)
    for _ in range(5):
        optimizer.step()
        scheduler.step()
    _, torch_optimizer, torch_scheduler = to_torch(model, optimizer, scheduler)
    assert torch_scheduler.last_epoch == 5
    assert torch_scheduler.get_last_lr() == scheduler.get_last_lr() == [0.025]
    assert torch_optimizer.param_groups[0]["initial_lr"] == 0.1


# ----------------------------------------------------------------- what is refused
def test_lion_is_refused_because_torch_has_no_lion():
    model = MLP(2, [1])
    with pytest.raises(ValueError, match="Lion exists in microopt only"):
        to_torch(model, Lion(model.parameters()))


def test_a_layer_split_across_groups_is_refused():
    model = MLP(2, [3, 1])
    params = model.parameters()
    optimizer = SGD([{"params": params[:1]}, {"params": params[1:]}], lr=0.1)
    with pytest.raises(ValueError, match="a torch tensor can only be in one group as a whole"):
        to_torch(model, optimizer)


def test_an_optimizer_of_other_values_is_refused():
    model = MLP(2, [1])
    with pytest.raises(ValueError, match="not a parameter of the model"):
        to_torch(model, SGD([microopt.Value(1.0)], lr=0.1))


def test_a_custom_module_is_refused_with_what_to_do():
    class Line(microopt.nn.Module):
        def __init__(self):
            self.a = microopt.Value(1.0)

    with pytest.raises(TypeError, match="MLP, Layer and Neuron"):
        to_torch(Line())


def test_a_composite_schedule_is_refused():
    model = MLP(2, [1])
    optimizer = SGD(model.parameters(), lr=0.1)
    first, second = StepLR(optimizer, 2), StepLR(optimizer, 3)
    with pytest.raises(ValueError, match="SequentialLR combines other schedulers"):
        to_torch(model, optimizer, SequentialLR(optimizer, [first, second], milestones=[2]))


def test_from_torch_refuses_what_an_mlp_cannot_be():
    nn = torch.nn
    with pytest.raises(ValueError, match="linear output"):
        from_torch(nn.Sequential(nn.Linear(2, 3), nn.ReLU()))
    with pytest.raises(ValueError, match="one hidden activation"):
        from_torch(nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 3), nn.Tanh(), nn.Linear(3, 1)))
    with pytest.raises(ValueError, match="no microopt counterpart"):
        from_torch(nn.Sequential(nn.Linear(2, 3), nn.GELU(), nn.Linear(3, 1)))
    with pytest.raises(ValueError, match="without bias"):
        from_torch(nn.Linear(2, 1, bias=False))
    with pytest.raises(TypeError, match="Sequential of Linear layers"):
        from_torch(nn.Conv1d(1, 1, 1))


def test_from_torch_reads_float32_weights_exactly():
    linear = torch.nn.Linear(2, 1)
    model = from_torch(linear)
    assert [p.data for p in model.parameters()] == [*linear.weight[0].tolist(), linear.bias.item()]


def test_without_torch_the_error_says_what_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "torch", None)  # `import torch` now raises ImportError
    with pytest.raises(ImportError, match=r"pip install torch==2\.13\.0"):
        to_torch(MLP(2, [1]))


@pytest.mark.parametrize("direction", ["to_torch", "from_torch"])
def test_one_cycle_arguments_that_are_not_attributes_survive(direction):
    """pct_start, div_factor, three_phase live in the phases and the groups: the lrs and momenta still match."""
    kwargs = dict(max_lr=0.4, total_steps=30, pct_start=0.2, anneal_strategy="linear", div_factor=10.0,
                  final_div_factor=100.0, three_phase=True, base_momentum=0.8, max_momentum=0.9)
    if direction == "to_torch":
        model = MLP(2, [2, 1])
        optimizer = SGD(model.parameters(), lr=0.1, momentum=0.9)
        source = OneCycleLR(optimizer, **kwargs)
        for _ in range(7):
            optimizer.step()
            source.step()
        _, _, target = to_torch(model, optimizer, source)
    else:
        net = torch.nn.Linear(2, 1).double()
        torch_optimizer = torch.optim.SGD(net.parameters(), lr=0.1, momentum=0.9)
        source = torch.optim.lr_scheduler.OneCycleLR(torch_optimizer, **kwargs)
        for _ in range(7):
            torch_optimizer.step()
            source.step()
        _, _, target = from_torch(net, torch_optimizer, source)
    schedules = []
    for scheduler in (source, target):
        group = scheduler.optimizer.param_groups[0]
        sequence = []
        for _ in range(30 - 7):
            sequence += [group["lr"], group["momentum"]]
            scheduler.optimizer.step()
            scheduler.step()
        schedules.append(sequence)
    assert schedules[0] == pytest.approx(schedules[1], rel=1e-15)

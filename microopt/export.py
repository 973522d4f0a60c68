"""Graduating to PyTorch: the same model, optimizer and schedule as ``torch`` objects, and back.

    torch_model = to_torch(model)
    torch_model, torch_optimizer = to_torch(model, optimizer)
    torch_model, torch_optimizer, torch_scheduler = to_torch(model, optimizer, scheduler)

``to_torch`` returns as many objects as it is given (``from_torch`` likewise). Training then
continues in PyTorch exactly where it stopped in microopt: the same weights, hyperparameters,
param groups and optimizer state, and the schedule at the same epoch, so 20 more steps give
the same weights in both libraries (to rounding: ``tests/export``).

The model. An ``MLP`` becomes ``torch.nn.Sequential`` of ``Linear`` layers (float64, like
Python floats) with the hidden activation between them; a ``Layer`` or a ``Neuron`` becomes a
``Sequential`` of one ``Linear`` and its activation. Neuron j of a layer is row j::

    linear.weight[j, i] = layer.neurons[j].w[i]          linear.bias[j] = layer.neurons[j].b

The optimizer. The same algorithm in ``torch.optim`` (``microopt.optim.registry`` names it;
microopt-only ones such as Lion are refused), one torch group per microopt group with the
same hyperparameters (``foreach=False``, torch's reference path), and the state translated
name by name (``STATE_NAMES``: Adam's ``m`` is torch's ``exp_avg``...). A torch tensor holds a
whole weight matrix, so all of a layer's weights must be in one group (biases may be in
another), and they share one ``step``.

The schedule. The same class in ``torch.optim.lr_scheduler``, built with the same arguments,
then given the microopt scheduler's position (``last_epoch``, ``base_lrs``, the last lrs, the
plateau counters...). Composite schedules (SequentialLR, ChainedScheduler) are refused.

torch is optional: it is imported only here, when a conversion is asked for.
"""

from __future__ import annotations

import inspect
from typing import Any

from microopt.nn import MLP, Layer, Neuron
from microopt.optim.lr_scheduler.registry import SCHEDULERS
from microopt.optim.registry import OPTIMIZERS

# microopt's state names (the papers') -> torch.optim's, per algorithm.
STATE_NAMES: dict[str, dict[str, str]] = {
    "SGD": {"momentum_buffer": "momentum_buffer"},
    "Adam": {"step": "step", "m": "exp_avg", "v": "exp_avg_sq", "v_max": "max_exp_avg_sq"},
    "AdamW": {"step": "step", "m": "exp_avg", "v": "exp_avg_sq", "v_max": "max_exp_avg_sq"},
    "Adagrad": {"step": "step", "sum_sq": "sum"},
    "RMSprop": {"step": "step", "square_avg": "square_avg", "grad_avg": "grad_avg",
                "momentum_buffer": "momentum_buffer"},
    "Adadelta": {"step": "step", "square_avg": "square_avg", "acc_delta": "acc_delta"},
    "Adamax": {"step": "step", "m": "exp_avg", "u": "exp_inf"},
    "NAdam": {"step": "step", "mu_product": "mu_product", "m": "exp_avg", "v": "exp_avg_sq"},
    "RAdam": {"step": "step", "m": "exp_avg", "v": "exp_avg_sq"},
    "Rprop": {"step": "step", "prev": "prev", "step_size": "step_size"},
}
# One number per tensor in torch (the rest are tensors shaped like the parameter).
_PER_TENSOR = ("step", "mu_product")
# Buffers microopt keeps from the first step and torch only when an option uses them (RMSprop:
# grad_avg when centered, momentum_buffer when momentum > 0). Unused, they stay at 0.0 in
# microopt, so that is what they are when torch has none.
_KEPT_FROM_THE_START = {"RMSprop": {"grad_avg": 0.0, "momentum_buffer": 0.0}}
# torch implementation switches: they choose a code path, not the mathematics.
_TORCH_ONLY_KEYS = ("foreach", "fused", "capturable", "differentiable", "param_names")
_COMPOSITE = ("SequentialLR", "ChainedScheduler")

# activation name in microopt.nn <-> torch.nn module class name
_ACTIVATIONS = {"relu": "ReLU", "tanh": "Tanh", "sigmoid": "Sigmoid", "leaky_relu": "LeakyReLU",
                "softplus": "Softplus"}


def import_torch():
    """``torch``, or an ImportError that says how to install it."""
    try:
        import torch
    except ImportError:
        raise ImportError(
            "microopt.export needs PyTorch, which is not installed. Install it with "
            "`pip install torch==2.13.0` (or `pip install microopt[reference]`)."
        ) from None
    return torch


# ================================================================= microopt -> torch
def to_torch(model, optimizer=None, scheduler=None):
    """The PyTorch twin of ``model`` (and of ``optimizer`` and ``scheduler`` when given).

    Returns the torch model alone, or ``(model, optimizer)``, or ``(model, optimizer, scheduler)``.
    """
    torch = import_torch()
    torch_model, slots = _model_to_torch(torch, model)
    if optimizer is None:
        if scheduler is not None:
            raise ValueError("to_torch got a scheduler but no optimizer: pass the optimizer it schedules too.")
        return torch_model
    torch_optimizer = _optimizer_to_torch(torch, optimizer, torch_model, slots)
    if scheduler is None:
        return torch_model, torch_optimizer
    if scheduler.optimizer is not optimizer:
        raise ValueError("to_torch: the scheduler schedules another optimizer than the one given.")
    return torch_model, torch_optimizer, _scheduler_to_torch(torch, scheduler, torch_optimizer)


def _layers_of(model) -> tuple[list[Layer], str]:
    """The layers of a Neuron, Layer or MLP, and the activation after the last one."""
    if isinstance(model, MLP):
        return model.layers, "linear"
    if isinstance(model, Layer):
        return [model], model.neurons[0].activation
    if isinstance(model, Neuron):
        return [_single(model)], model.activation
    raise TypeError(
        f"to_torch converts microopt.nn's MLP, Layer and Neuron, got {type(model).__name__}. "
        "For a model of your own, build the torch module yourself and copy the weights "
        "(p.data) in the order of model.parameters()."
    )


def _single(neuron: Neuron) -> Layer:
    layer = Layer.__new__(Layer)
    layer.neurons = [neuron]
    return layer


def _model_to_torch(torch, model):
    """The Sequential, and where each microopt parameter went: id -> (tensor number, flat index)."""
    layers, last_activation = _layers_of(model)
    modules: list = []
    tensors_in_order: list = []
    slots: dict[int, tuple[int, int]] = {}
    for number, layer in enumerate(layers):
        neurons = layer.neurons
        linear = torch.nn.Linear(len(neurons[0].w), len(neurons), dtype=torch.float64)
        with torch.no_grad():
            linear.weight.copy_(torch.tensor([[w.data for w in n.w] for n in neurons], dtype=torch.float64))
            linear.bias.copy_(torch.tensor([n.b.data for n in neurons], dtype=torch.float64))
        weight_slot, bias_slot = len(tensors_in_order), len(tensors_in_order) + 1
        tensors_in_order += [linear.weight, linear.bias]
        for j, neuron in enumerate(neurons):
            for i, w in enumerate(neuron.w):
                slots[id(w)] = (weight_slot, j * len(neuron.w) + i)
            slots[id(neuron.b)] = (bias_slot, j)
        modules.append(linear)
        activation = neurons[0].activation if number < len(layers) - 1 else last_activation
        if activation != "linear":
            modules.append(getattr(torch.nn, _ACTIVATIONS[activation])())
    return torch.nn.Sequential(*modules), slots


def _torch_class(registry: dict, kind: str, obj, namespace) -> tuple[str, type]:
    """The registry's torch twin of a microopt optimizer or scheduler (Lion has none)."""
    name = type(obj).__name__
    spec = registry.get(name)
    if spec is None or type(obj) is not spec.cls:
        raise TypeError(f"{kind} {name} is not one of microopt's ({', '.join(registry)}), so it has no "
                        "torch counterpart to convert to.")
    if spec.torch is None:
        raise ValueError(f"{name} exists in microopt only, not in torch 2.13, so it cannot be converted. "
                         "Train with another optimizer in PyTorch, or stay in microopt.")
    return name, getattr(namespace, spec.torch)


def _microopt_class(registry: dict, kind: str, obj) -> tuple[str, type]:
    """The microopt twin of a torch optimizer or scheduler, by the registry's torch names."""
    name = type(obj).__name__
    for spec in registry.values():
        if spec.torch == name:
            return spec.name, spec.cls
    raise TypeError(f"from_torch: torch {kind} {name} has no microopt counterpart "
                    f"({', '.join(s.torch for s in registry.values() if s.torch)}).")


def _optimizer_to_torch(torch, optimizer, torch_model, slots):
    name, torch_class = _torch_class(OPTIMIZERS, "optimizer", optimizer, torch.optim)
    tensors = list(torch_model.parameters())
    groups = []
    tensors_of_group: list[list[int]] = []
    for g, group in enumerate(optimizer.param_groups):
        numbers = _tensors_of_group(group["params"], g, slots, tensors)
        tensors_of_group.append(numbers)
        hyper = {k: v for k, v in group.items() if k not in ("params", "param_names")}
        groups.append({"params": [tensors[k] for k in numbers], **hyper})
    accepted = inspect.signature(torch_class).parameters
    torch_optimizer = torch_class(groups, **({"foreach": False} if "foreach" in accepted else {}))

    state_dict = torch_optimizer.state_dict()
    index_of = {k: i for i, k in enumerate(n for numbers in tensors_of_group for n in numbers)}
    names = STATE_NAMES[name]
    for number, index in index_of.items():
        buffers = _tensor_state(torch, optimizer, tensors[number], number, slots, names)
        if buffers:
            state_dict["state"][index] = buffers
    torch_optimizer.load_state_dict(state_dict)
    return torch_optimizer


def _tensors_of_group(params, g: int, slots, tensors) -> list[int]:
    """The torch tensors a microopt group covers, each of which it must cover completely."""
    counts: dict[int, int] = {}
    for p in params:
        if id(p) not in slots:
            raise ValueError(f"param group {g} holds {p!r}, which is not a parameter of the model. "
                             "Convert the model whose parameters the optimizer trains.")
        number = slots[id(p)][0]
        counts[number] = counts.get(number, 0) + 1
    for number, count in counts.items():
        if count != tensors[number].numel():
            raise ValueError(
                f"param group {g} holds {count} of the {tensors[number].numel()} entries of one torch "
                "tensor (a layer's weights or biases): a torch tensor can only be in one group as a "
                "whole. Put all of a layer's weights (or biases) in the same group."
            )
    return sorted(counts)


def _tensor_state(torch, optimizer, tensor, number, slots, names) -> dict:
    """The torch state of one tensor, gathered from the state of the Values it is made of."""
    entries = [(slots[id(p)][1], p) for group in optimizer.param_groups for p in group["params"]
               if slots[id(p)][0] == number]  # (flat index in the tensor, Value)
    states = [optimizer.state.get(p, {}) for _, p in entries]
    if not any(states):
        return {}
    if not all(set(s) == set(states[0]) for s in states):
        raise ValueError("the parameters of one torch tensor have different optimizer state "
                         "(some were never stepped): they cannot share one torch tensor's state.")
    buffers = {}
    for ours, value in states[0].items():
        theirs = names.get(ours)
        if theirs is None:
            raise ValueError(f"{type(optimizer).__name__} state {ours!r} has no torch counterpart.")
        if ours in _PER_TENSOR:
            values = {s[ours] for s in states}
            if len(values) != 1:
                raise ValueError(f"the parameters of one torch tensor have different {ours!r} "
                                 f"({sorted(values)[:3]}...): torch keeps one per tensor.")
            scalar_dtype = torch.float64 if torch.get_default_dtype() == torch.float64 else torch.float32
            buffers[theirs] = torch.tensor(float(value), dtype=torch.float64 if ours != "step" else scalar_dtype)
        else:
            flat = [0.0] * tensor.numel()
            for (index, _), s in zip(entries, states):
                flat[index] = float(s[ours])
            buffers[theirs] = torch.tensor(flat, dtype=torch.float64).reshape(tensor.shape)
    return buffers


def _scheduler_to_torch(torch, scheduler, torch_optimizer):
    name, torch_class = _torch_class(SCHEDULERS, "scheduler", scheduler, torch.optim.lr_scheduler)
    return _rebuild_scheduler(name, torch_class, scheduler, torch_optimizer, scheduler.optimizer)


# ================================================================= torch -> microopt
def from_torch(model, optimizer=None, scheduler=None):
    """The microopt twin of a torch model (and optimizer, scheduler): the inverse of ``to_torch``.

    ``model`` is a ``torch.nn.Sequential`` of ``Linear`` layers with one kind of activation
    (ReLU, Tanh, Sigmoid, LeakyReLU(0.01) or Softplus) between them and none after the last,
    or a single ``Linear``: it becomes an ``MLP``. Returns as many objects as given.
    """
    torch = import_torch()
    mlp, elements = _model_from_torch(torch, model)
    if optimizer is None:
        if scheduler is not None:
            raise ValueError("from_torch got a scheduler but no optimizer: pass the optimizer it schedules too.")
        return mlp
    ours = _optimizer_from_torch(optimizer, elements, mlp.parameters())
    if scheduler is None:
        return mlp, ours
    if scheduler.optimizer is not optimizer:
        raise ValueError("from_torch: the scheduler schedules another optimizer than the one given.")
    name, cls = _microopt_class(SCHEDULERS, "scheduler", scheduler)
    return mlp, ours, _rebuild_scheduler(name, cls, scheduler, ours, optimizer)


def _model_from_torch(torch, model):
    """An MLP with the torch model's weights, and for each torch tensor its Values, flat."""
    modules = [model] if isinstance(model, torch.nn.Linear) else list(model.children())
    if not isinstance(model, (torch.nn.Sequential, torch.nn.Linear)) or not modules:
        raise TypeError(f"from_torch converts a torch.nn.Sequential of Linear layers and activations, or one "
                        f"Linear, got {type(model).__name__}.")
    linears = [m for m in modules if isinstance(m, torch.nn.Linear)]
    between = [type(m).__name__ for m in modules if not isinstance(m, torch.nn.Linear)]
    expected = [torch.nn.Linear, None] * (len(linears) - 1) + [torch.nn.Linear]
    if len(modules) != len(expected) or not isinstance(modules[-1], torch.nn.Linear) or any(
            kind is torch.nn.Linear and not isinstance(m, kind) for m, kind in zip(modules, expected)):
        raise ValueError(f"from_torch needs Linear, activation, Linear, ..., Linear (an MLP: linear output), got "
                         f"{[type(m).__name__ for m in modules]}.")
    activation = _activation_from_torch(torch, modules[1::2], between)
    sizes = [linears[0].in_features] + [m.out_features for m in linears]
    if any(a.out_features != b.in_features for a, b in zip(linears, linears[1:])):
        raise ValueError(f"from_torch: consecutive Linear layers do not fit together: sizes {sizes}.")
    if any(m.bias is None for m in linears):
        raise ValueError("from_torch: a Linear without bias has no microopt counterpart (Neuron always has b).")
    mlp = MLP(sizes[0], sizes[1:], activation=activation or "relu")
    elements: dict[int, list] = {}
    for linear, layer in zip(linears, mlp.layers):
        weights = linear.weight.detach().tolist()
        biases = linear.bias.detach().tolist()
        for j, neuron in enumerate(layer.neurons):
            for i, w in enumerate(neuron.w):
                w.data = float(weights[j][i])
            neuron.b.data = float(biases[j])
        elements[id(linear.weight)] = [w for n in layer.neurons for w in n.w]
        elements[id(linear.bias)] = [n.b for n in layer.neurons]
    return mlp, elements


def _activation_from_torch(torch, activations, names) -> str | None:
    by_class = {v: k for k, v in _ACTIVATIONS.items()}
    if len(set(names)) > 1:
        raise ValueError(f"from_torch: an MLP has one hidden activation, this model has {sorted(set(names))}.")
    if not names:
        return None
    module = activations[0]
    if names[0] not in by_class:
        raise ValueError(f"from_torch: activation {names[0]} has no microopt counterpart; use one of "
                         f"{', '.join(by_class)}.")
    if isinstance(module, torch.nn.LeakyReLU) and module.negative_slope != 0.01:
        raise ValueError(f"from_torch: microopt's leaky_relu has slope 0.01, got {module.negative_slope}.")
    if isinstance(module, torch.nn.Softplus) and module.beta != 1.0:
        raise ValueError(f"from_torch: microopt's softplus has beta 1, got {module.beta}.")
    return by_class[names[0]]


def _optimizer_from_torch(optimizer, elements, parameters):
    name, cls = _microopt_class(OPTIMIZERS, "optimizer", optimizer)
    groups = []
    for g, group in enumerate(optimizer.param_groups):
        values = []
        for tensor in group["params"]:
            if id(tensor) not in elements:
                raise ValueError(f"torch param group {g} holds a tensor of shape {tuple(tensor.shape)} that is "
                                 "not a parameter of the model. Convert the model the optimizer trains.")
            values += elements[id(tensor)]
        hyper = {k: v for k, v in group.items() if k not in ("params", *_TORCH_ONLY_KEYS)}
        members = {id(v) for v in values}  # listed in the model's order, as to_torch expects
        groups.append({"params": [p for p in parameters if id(p) in members], **hyper})
    ours = cls(groups)
    names = {theirs: mine for mine, theirs in STATE_NAMES[name].items()}
    for tensor, buffers in optimizer.state.items():
        values = elements[id(tensor)]
        for theirs, value in buffers.items():
            if theirs not in names:
                raise ValueError(f"torch {name} state {theirs!r} has no microopt counterpart.")
            mine = names[theirs]
            if mine in _PER_TENSOR:
                number = value.item() if hasattr(value, "item") else value
                number = int(number) if mine == "step" else float(number)
                for v in values:
                    ours.state[v][mine] = number
            else:
                for v, x in zip(values, value.detach().reshape(-1).tolist()):
                    ours.state[v][mine] = float(x)
        for v in values:
            for mine, start in _KEPT_FROM_THE_START.get(name, {}).items():
                ours.state[v].setdefault(mine, start)
    return ours


# ================================================================= schedules, both ways
def _rebuild_scheduler(name: str, target_class: type, source, target_optimizer, source_optimizer):
    """``target_class`` built on ``target_optimizer`` with ``source``'s arguments, then its position.

    microopt's schedulers keep the attributes torch's do, under the same names, so the position
    is copied attribute by attribute; an attribute kept in another form (torch's MultiStepLR
    keeps its milestones as a Counter) is set by the constructor instead.
    """
    if name in _COMPOSITE:
        raise ValueError(f"{name} combines other schedulers and is not converted: convert the optimizer, then "
                         f"build the {name} again around schedulers made on it.")
    kwargs = _constructor_arguments(target_class, source, source_optimizer)
    target = target_class(target_optimizer, **kwargs)
    for key, value in vars(source).items():
        if key in ("optimizer", "_anneal_func_type", "anneal_strategy") or key not in vars(target):
            continue
        if _same_kind(value, vars(target)[key]):
            setattr(target, key, list(value) if isinstance(value, list) else value)
    for ours, theirs in zip(source_optimizer.param_groups, target_optimizer.param_groups):
        for key, value in ours.items():  # the constructor moved the lrs (and momenta): put them back
            if key not in ("params", *_TORCH_ONLY_KEYS):
                theirs[key] = value
    return target


def _constructor_arguments(target_class: type, source, source_optimizer) -> dict[str, Any]:
    """The arguments ``source`` was built with, read off its attributes and param groups."""
    groups = source_optimizer.param_groups
    derived = {
        "lr_lambda": getattr(source, "lr_lambdas", None),
        "max_lr": [g["max_lr"] for g in groups] if "max_lr" in groups[0] else getattr(source, "max_lrs", None),
        "base_lr": getattr(source, "base_lrs", None),
        "anneal_strategy": getattr(source, "anneal_strategy", None) or _anneal_name(source),
    }
    kwargs = {}
    for parameter in list(inspect.signature(target_class).parameters)[1:]:
        if parameter in ("last_epoch", "verbose"):
            continue
        if derived.get(parameter) is not None:
            kwargs[parameter] = derived[parameter]
        elif parameter in vars(source) and not parameter.startswith("_"):
            kwargs[parameter] = getattr(source, parameter)
    if "total_steps" in kwargs:  # OneCycleLR: total_steps given, epochs/steps_per_epoch not
        kwargs.pop("epochs", None)
        kwargs.pop("steps_per_epoch", None)
    return kwargs


def _anneal_name(source) -> str | None:
    kind = getattr(source, "_anneal_func_type", None)
    return kind if isinstance(kind, str) else None


def _same_kind(a, b) -> bool:
    """Both numbers, both lists/tuples, or the same type (a Counter is not a list)."""
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b)
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return True
    if type(a) in (list, tuple) and type(b) in (list, tuple):
        return True
    return type(a) is type(b)

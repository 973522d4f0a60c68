"""`Optimizer`: the machinery every algorithm shares, written once, in PyTorch's shape.

An algorithm (``SGD``, ``Adam``...) only says two things: its hyperparameters and their
defaults (``__init__``), and how ONE parameter moves (``update``). Everything else lives here:

- ``param_groups``: a list of dicts, each holding ``"params"`` (a list of Values) and every
  hyperparameter by PyTorch's name (``lr``, ``betas``...). Edit them freely between steps
  (``opt.param_groups[0]["lr"] = 0.01``): that is how learning-rate schedules work.
- ``state``: parameter -> dict of named buffers (Adam's ``m`` and ``v``, SGD's
  ``momentum_buffer``), created empty the first time it is looked up, as in PyTorch.
- ``step()`` calls, for every parameter of every group::

      self.update(p, self.state[p], **hyperparameters_of_the_group)

- ``zero_grad()``, ``add_param_group()``, ``state_dict()`` and ``load_state_dict()``.

``params`` may be Values (``model.parameters()``), ``(name, Value)`` pairs
(``model.named_parameters()``, whose names are kept in each group's ``"param_names"``, as in
PyTorch 2), or a list of groups ``[{"params": ..., "lr": ...}, ...]``.

Two differences from PyTorch. A microopt gradient is a float that starts at 0.0, never
``None``, so every parameter is stepped, where PyTorch skips tensors whose ``.grad is None``:
a parameter that got no gradient still moves when its state (momentum, weight decay) says
so. And where PyTorch would divide 0 by 0 and quietly store nan (``eps=0`` with a zero
gradient), ``step()`` raises ``ZeroDivisionError`` naming the parameter.

Hyperparameters are checked with PyTorch's rules and messages whenever a group is added,
so a per-group override (``{"params": ..., "lr": -1}``) is refused just like a bad default.
"""

from __future__ import annotations

from collections import defaultdict
from itertools import chain
from numbers import Real
from typing import Any, Callable, Iterable

from microopt.engine.value import Value

ParamsT = Iterable[Value] | Iterable[dict[str, Any]]


class Optimizer:
    """Base class: subclasses call ``super().__init__(params, defaults)`` and define ``update``."""

    def __init__(self, params: ParamsT, defaults: dict[str, Any]) -> None:
        if isinstance(params, Value):
            raise TypeError(
                f"params must be an iterable of Values or of param-group dicts, got a single "
                f"Value: {params!r}. Wrap it in a list: {type(self).__name__}([w], ...)."
            )
        if isinstance(params, dict):
            raise TypeError(
                "params must be an iterable of Values or of param-group dicts, got one dict. "
                f"Wrap the group in a list: {type(self).__name__}([{{'params': ...}}], ...)."
            )
        if isinstance(params, (set, frozenset)):
            raise TypeError(_SET_MESSAGE)
        self.defaults = _lists_to_tuples(dict(defaults))
        self.state: defaultdict[Value, dict[str, Any]] = defaultdict(dict)
        self.param_groups: list[dict[str, Any]] = []
        self._step_count = 0  # how many times step() ran (schedulers check it)

        groups = list(params)  # materialised once: a generator can only be read once
        if not groups:
            raise ValueError(
                "optimizer got an empty parameter list. Pass the Values to train, "
                "e.g. model.parameters()."
            )
        if not isinstance(groups[0], dict):
            groups = [{"params": groups}]
        for group in groups:
            self.add_param_group(group)

    # ----------------------------------------------------------------- the algorithm
    def update(self, p: Value, state: dict[str, Any], **hyperparameters: Any) -> None:
        """Move one parameter ``p`` using its gradient ``p.grad`` and its own ``state``."""
        raise NotImplementedError(
            f"{type(self).__name__} must define update(self, p, state, *, <hyperparameters>)."
        )

    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        """One optimization step for every parameter; returns ``closure()`` if given.

        The closure re-evaluates the model: zero the grads, compute the loss, call
        ``backward()`` and return the loss. It runs before the update, so the update uses
        the gradients it computed.
        """
        loss = closure() if closure is not None else None
        update, state, names = self.update, self.state, tuple(self.defaults)
        try:
            for group in self.param_groups:
                # Only the algorithm's own hyperparameters: a group may also carry keys others
                # put there (a scheduler's "initial_lr"), which update() does not take.
                hyperparameters = {name: group[name] for name in names}
                for p in group["params"]:
                    update(p, state[p], **hyperparameters)
        except ZeroDivisionError as error:
            # PyTorch would quietly write nan (0/0) into the parameter; say why instead.
            raise ZeroDivisionError(
                f"{type(self).__name__} divided by zero updating {p!r} (state {dict(state[p])}): "
                f"{error}. A denominator such as √v + eps is 0, which happens with eps=0 and a "
                "gradient that has been 0. Use eps > 0."
            ) from error
        self._step_count += 1
        return loss

    def zero_grad(self) -> None:
        """Reset every parameter's gradient to 0.0 (gradients accumulate across backward())."""
        for group in self.param_groups:
            for p in group["params"]:
                p.grad = 0.0

    # ----------------------------------------------------------------- param groups
    def add_param_group(self, param_group: dict[str, Any]) -> None:
        """Add a group ``{"params": [...], <overrides>}``; missing hyperparameters take defaults."""
        if not isinstance(param_group, dict):
            raise TypeError(
                f"param_group must be a dict, got {type(param_group).__name__}: {param_group!r}."
            )
        if "params" not in param_group:
            raise ValueError(
                f"param_group has no 'params' key: {sorted(param_group)}. "
                "Write it as {'params': [w1, w2], 'lr': 0.1}."
            )
        group = dict(param_group)
        params = group["params"]
        if isinstance(params, Value):
            params = [params]
        elif isinstance(params, (set, frozenset)):
            raise TypeError(_SET_MESSAGE)
        params = list(params)
        if any(isinstance(p, tuple) for p in params):  # (name, Value) pairs: named_parameters()
            if not all(isinstance(p, tuple) and len(p) == 2 and isinstance(p[0], str) for p in params):
                raise ValueError(
                    "all optimizer params should be with/without names: pass Values, or "
                    "(name, Value) pairs as model.named_parameters() gives, not a mix."
                )
            group["param_names"] = [name for name, _ in params]
            params = [p for _, p in params]
        if self.param_groups and ("param_names" in group) != ("param_names" in self.param_groups[0]):
            raise ValueError(
                "all optimizer param groups should be with/without names: give every group "
                "(name, Value) pairs, or none of them."
            )

        for p in params:
            _check_param(p)
        if not params:
            raise ValueError("optimizer got an empty parameter list in a param group.")
        if len({id(p) for p in params}) != len(params):
            raise ValueError(
                "a parameter group lists the same parameter more than once. "
                "Each Value must appear once: it would otherwise be updated twice per step."
            )
        seen = {id(p) for g in self.param_groups for p in g["params"]}
        if any(id(p) in seen for p in params):
            raise ValueError(
                "some parameters appear in more than one parameter group. "
                "Put each Value in exactly one group."
            )
        group["params"] = params
        for name, default in self.defaults.items():
            group.setdefault(name, default)
        _lists_to_tuples(group)
        check_hyperparameters(group)
        self.param_groups.append(group)

    # ----------------------------------------------------------------- saving and loading
    def state_dict(self) -> dict[str, Any]:
        """Everything needed to resume: ``{"state": {index: buffers}, "param_groups": [...]}``.

        PyTorch's layout: parameters are named by their position (0, 1, 2... across groups,
        in order), so the dict holds plain numbers only and ``json.dumps`` accepts it.
        """
        index_of: dict[int, int] = {}
        param_groups = []
        for group in self.param_groups:
            saved = {k: list(v) if isinstance(v, list) else v  # a copy, param_names included
                     for k, v in group.items() if k != "params"}
            saved["params"] = [index_of.setdefault(id(p), len(index_of)) for p in group["params"]]
            param_groups.append(saved)
        state = {
            index_of[id(p)]: dict(buffers)
            for p, buffers in self.state.items()
            if buffers and id(p) in index_of
        }
        return {"state": dict(sorted(state.items())), "param_groups": param_groups}

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore hyperparameters and buffers saved by ``state_dict()``.

        Parameters are matched by position, so the optimizer must have the same groups of
        the same sizes. Also accepts a dict that went through JSON, where the integer keys
        came back as strings and tuples (``betas``) as lists.
        """
        if not isinstance(state_dict, dict) or set(state_dict) != {"state", "param_groups"}:
            keys = sorted(state_dict) if isinstance(state_dict, dict) else type(state_dict).__name__
            raise ValueError(
                f"a state dict must be a dict with exactly the keys 'param_groups' and 'state', "
                f"got {keys}. Pass the output of optimizer.state_dict()."
            )
        saved_groups, saved_state = state_dict["param_groups"], state_dict["state"]
        if not isinstance(saved_groups, list) or not all(
            isinstance(g, dict) and isinstance(g.get("params"), list) for g in saved_groups
        ):
            raise ValueError(
                "state dict 'param_groups' must be a list of dicts, each with a 'params' list."
            )
        if not isinstance(saved_state, dict):
            raise ValueError(
                f"state dict 'state' must be a dict, got {type(saved_state).__name__}."
            )
        if len(saved_groups) != len(self.param_groups):
            raise ValueError(
                f"loaded state dict has a different number of parameter groups: "
                f"{len(saved_groups)}, this optimizer has {len(self.param_groups)}."
            )
        for i, (group, saved) in enumerate(zip(self.param_groups, saved_groups)):
            if len(group["params"]) != len(saved["params"]):
                raise ValueError(
                    f"loaded state dict contains a parameter group that doesn't match the size "
                    f"of optimizer's group: group {i} has {len(saved['params'])} parameters "
                    f"saved, {len(group['params'])} here."
                )
            missing = [name for name in self.defaults if name not in saved]
            if missing:
                raise ValueError(
                    f"loaded state dict group {i} lacks hyperparameters {missing} of "
                    f"{type(self).__name__}. Was it saved from another optimizer?"
                )
        param_of = {}
        for index, p in zip(chain.from_iterable(g["params"] for g in saved_groups),
                            chain.from_iterable(g["params"] for g in self.param_groups)):
            param_of[_as_index(index)] = p
        state: defaultdict[Value, dict[str, Any]] = defaultdict(dict)
        for key, buffers in saved_state.items():
            index = _as_index(key)
            if index not in param_of:
                raise ValueError(
                    f"loaded state dict has state for parameter {key!r}, but its groups list "
                    f"only parameters {sorted(param_of)}."
                )
            if not isinstance(buffers, dict):
                raise ValueError(
                    f"loaded state dict entry {key!r} must be a dict of buffers, got {buffers!r}."
                )
            for name, value in buffers.items():
                if isinstance(value, bool) or not isinstance(value, Real):
                    raise ValueError(
                        f"loaded state dict entry {key!r} has buffer {name!r} = {value!r}, which is "
                        "not a number. Pass the output of optimizer.state_dict()."
                    )
            state[param_of[index]] = dict(buffers)

        groups = []
        for group, saved in zip(self.param_groups, saved_groups):
            restored = _lists_to_tuples({k: list(v) if isinstance(v, list) else v
                                         for k, v in saved.items() if k != "params"})
            restored["params"] = group["params"]
            check_hyperparameters(restored)
            groups.append(restored)
        self.param_groups = groups
        self.state = state

    # ----------------------------------------------------------------- display
    def __repr__(self) -> str:
        lines = [f"{type(self).__name__} ("]
        for i, group in enumerate(self.param_groups):
            lines.append(f"Parameter Group {i}")
            lines.append(f"    params: {len(group['params'])} Values")
            hyperparameters = sorted(k for k in group if k not in ("params", "param_names"))
            lines.extend(f"    {k}: {group[k]}" for k in hyperparameters)
        lines.append(")")
        return "\n".join(lines)


_SET_MESSAGE = (
    "optimizer parameters need to be organized in ordered collections, but the ordering of "
    "Values in sets changes between runs. Please use a list instead."
)


def _check_param(p: object) -> None:
    if not isinstance(p, Value):
        raise TypeError(
            f"optimizer can only optimize Values, but one of the params is "
            f"{type(p).__name__}: {p!r}. Pass the Values themselves, e.g. model.parameters()."
        )
    if not p.is_leaf():
        raise ValueError(
            f"can't optimize a non-leaf Value: {p!r} was computed by {p.op!r}. Optimize the "
            "Values you created (the leaves), e.g. model.parameters()."
        )


def _lists_to_tuples(hyperparameters: dict[str, Any]) -> dict[str, Any]:
    """Pairs such as betas are tuples, as in torch, even when given (or read from JSON) as lists."""
    for name, value in hyperparameters.items():
        if name not in ("params", "param_names") and isinstance(value, list):
            hyperparameters[name] = tuple(value)
    return hyperparameters


def _as_index(key: object) -> int:
    """A parameter index from a state dict: an int, or a string of digits after JSON."""
    if isinstance(key, int) and not isinstance(key, bool):
        return key
    if isinstance(key, str) and key.isdigit():
        return int(key)
    raise ValueError(f"state dict parameter keys must be integer indices, got {key!r}.")


# ----------------------------------------------------------------- hyperparameter checks
# PyTorch's checks and messages, by hyperparameter name, each followed by what is allowed.
_AT_LEAST_ZERO = {
    "lr": "Invalid learning rate",
    "eps": "Invalid epsilon value",
    "weight_decay": "Invalid weight_decay value",
    "momentum": "Invalid momentum value",
    "alpha": "Invalid alpha value",
    "lr_decay": "Invalid lr_decay value",
    "initial_accumulator_value": "Invalid initial_accumulator_value value",
    "momentum_decay": "Invalid momentum_decay value",
}


def _number(name: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, Real):
        raise TypeError(
            f"hyperparameter {name} must be a number, got {type(value).__name__}: {value!r}."
        )
    return float(value)


def _pair(group: dict[str, Any], name: str, names: str, example: tuple) -> list[float]:
    value = group[name]
    if not isinstance(value, (tuple, list)) or len(value) != 2:
        raise ValueError(f"{name} must be a pair ({names}), got {value!r}, e.g. {example}.")
    return [_number(f"{name}[{i}]", v) for i, v in enumerate(value)]


def check_hyperparameters(group: dict[str, Any]) -> None:
    """Refuse impossible hyperparameters with PyTorch's messages, e.g. a negative ``lr``."""
    for name, message in _AT_LEAST_ZERO.items():
        if name in group and not _number(name, group[name]) >= 0.0:  # `not >=` also catches nan
            raise ValueError(f"{message}: {group[name]} (must be >= 0)")
    if "rho" in group and not 0.0 <= _number("rho", group["rho"]) <= 1.0:
        raise ValueError(f"Invalid rho value: {group['rho']} (must be in [0, 1])")
    if "betas" in group:
        for i, beta in enumerate(_pair(group, "betas", "beta1, beta2", (0.9, 0.999))):
            if not 0.0 <= beta < 1.0:
                raise ValueError(f"Invalid beta parameter at index {i}: {beta} (must be in [0, 1))")
    if "etas" in group:
        eta_minus, eta_plus = _pair(group, "etas", "eta_minus, eta_plus", (0.5, 1.2))
        if not 0.0 < eta_minus < 1.0 < eta_plus:
            raise ValueError(
                f"Invalid eta values: {eta_minus}, {eta_plus} (must be 0 < eta_minus < 1 < eta_plus)"
            )
    if "step_sizes" in group:
        smallest, largest = _pair(group, "step_sizes", "min, max", (1e-6, 50))
        if not 0.0 <= smallest <= largest:
            raise ValueError(f"Invalid step sizes: {smallest}, {largest} (must be 0 <= min <= max)")
    if group.get("nesterov") and (group.get("momentum", 0) <= 0 or group.get("dampening", 0) != 0):
        raise ValueError(
            f"Nesterov momentum requires a momentum and zero dampening, got "
            f"momentum={group.get('momentum')}, dampening={group.get('dampening')}. "
            "Set momentum > 0 and dampening=0, or nesterov=False."
        )

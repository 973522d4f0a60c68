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
gradient), ``step()`` raises ``ZeroDivisionError`` naming the parameter and the denominator.

Each algorithm owns its hyperparameter rules: the class attribute ``rules`` maps a name to a
check (``microopt.optim.rules``); the shared ones (``lr``, ``eps``, ``weight_decay``,
``maximize``) are ``Optimizer.rules``, and an algorithm may replace one (an Adafactor whose
``eps`` is a pair). They run whenever a group is added or loaded, and again at ``step()`` for
a group whose values were edited since (``opt.param_groups[0]["lr"] = -1`` is refused there).
Likewise ``state_rules`` lists the buffers ``load_state_dict`` accepts and their ranges.
"""

from __future__ import annotations

from collections import defaultdict
from itertools import chain
from numbers import Real
from typing import Any, Callable, ClassVar, Iterable

from microopt.engine.value import Value
from microopt.optim import rules as r
from microopt.optim._step_errors import bad_parameter, zero_division

ParamsT = Iterable[Value] | Iterable[dict[str, Any]]


class Optimizer:
    """Base class: subclasses call ``super().__init__(params, defaults)`` and define ``update``.

    A subclass may also extend ``rules`` (checks of its hyperparameters) and set
    ``state_rules`` (its buffers, for ``load_state_dict``) and ``eps_denominator`` (the
    denominator that ``eps`` keeps away from 0, named when it is 0 anyway).
    """

    # PyTorch's labels, so each message starts as PyTorch's does (tests/optim compare live).
    rules: ClassVar[dict[str, r.Rule]] = {
        "lr": r.at_least_zero("learning rate"),
        "eps": r.at_least_zero("epsilon value"),
        "weight_decay": r.at_least_zero("weight_decay value"),
        "maximize": r.boolean("maximize"),
    }
    # buffer name -> rule; None: any numbers load (an optimizer that did not list its own)
    state_rules: ClassVar[dict[str, r.Rule] | None] = None
    optional_state: ClassVar[frozenset[str]] = frozenset()  # buffers that may be absent
    eps_denominator: ClassVar[str] = ""

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
        self._checked: dict[int, tuple] = {}  # id(group) -> the values check_group last accepted

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
        self._check_edited_groups()
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
            raise ZeroDivisionError(zero_division(self, p, hyperparameters, error)) from error
        except (TypeError, AttributeError) as error:
            problem = bad_parameter(self, p)  # p.grad = None, a str in p.data, not a Value...
            if problem is None:
                raise
            raise TypeError(problem) from error
        self._step_count += 1
        return loss

    def check_group(self, group: dict[str, Any]) -> None:
        """Apply ``rules`` to the group's hyperparameters, storing each value as its rule returns it.

        Subclasses with rules that involve two hyperparameters (SGD's nesterov) extend this.
        """
        missing = [name for name in self.defaults if name not in group]
        if missing:
            raise ValueError(
                f"a param group lacks the hyperparameters {missing} of {type(self).__name__}. "
                "Edit values in param_groups, but keep every key."
            )
        rules = self.rules
        for name in self.defaults:
            rule = rules.get(name)
            if rule is not None:
                group[name] = rule(group[name])

    def _check_edited_groups(self) -> None:
        """At each step, re-check the groups whose values changed (by identity: cheap)."""
        names, previous, self._checked = tuple(self.defaults), self._checked, {}
        for i, group in enumerate(self.param_groups):
            values = tuple(group.get(name, _MISSING) for name in names)
            old = previous.get(id(group))
            if old is None or any(a is not b for a, b in zip(values, old)):
                try:
                    self.check_group(group)
                except ValueError as error:
                    raise ValueError(
                        f"{error} param_groups[{i}] was edited since the last step (by hand or by a "
                        "scheduler): nothing was updated; put a valid value back."
                    ) from None
                values = tuple(group[name] for name in names)
            self._checked[id(group)] = values

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
        self.check_group(group)
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
            state[param_of[index]] = self._checked_buffers(key, buffers)

        groups = []
        for group, saved in zip(self.param_groups, saved_groups):
            restored = _lists_to_tuples({k: list(v) if isinstance(v, list) else v
                                         for k, v in saved.items() if k != "params"})
            restored["params"] = group["params"]
            self.check_group(restored)
            groups.append(restored)
        self.param_groups = groups
        self.state = state

    def _checked_buffers(self, key: object, buffers: dict[str, Any]) -> dict[str, Any]:
        """One parameter's saved buffers, checked against ``state_rules`` (all or none load)."""
        where = f"loaded state dict entry {key!r}"
        if self.state_rules is None:
            for name, value in buffers.items():
                if isinstance(value, bool) or not isinstance(value, Real):
                    raise ValueError(
                        f"{where} has buffer {name!r} = {value!r}, which is not a number. "
                        "Pass the output of optimizer.state_dict()."
                    )
            return dict(buffers)
        unknown = sorted(set(buffers) - set(self.state_rules))
        missing = sorted(set(self.state_rules) - self.optional_state - set(buffers))
        if unknown or missing:
            raise ValueError(
                f"{where} has buffers {sorted(buffers)}, but {type(self).__name__} keeps "
                f"{sorted(self.state_rules)}" + (f"; unknown: {unknown}" if unknown else "")
                + (f"; missing: {missing}" if missing else "")
                + ". Was it saved from another optimizer? Pass the output of optimizer.state_dict()."
            )
        try:
            return {name: self.state_rules[name](value) for name, value in buffers.items()}
        except ValueError as error:
            raise ValueError(f"{where}: {error}") from None

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


_MISSING = object()  # a hyperparameter someone deleted from a group
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

"""`LRScheduler`: the machinery every learning-rate schedule shares, in PyTorch's shape.

A schedule is a rule for the learning rate at epoch e (an "epoch" here is one call to
``scheduler.step()``, which may be once per batch or once per pass over the data)::

    lr_e = rule(e, base_lr)            closed form: where the schedule is at epoch e
    lr_e = rule'(lr_{e-1}, e)          recursive form: how one step changes the lr

Like ``torch.optim.lr_scheduler``, the schedulers apply the *recursive* form in ``step()``:
each step reads the optimizer's current ``group["lr"]`` and changes it. That is what lets two
schedulers act on one optimizer, and what you see if you change an lr by hand mid-run. The
closed form is there too (``closed_form_lr()``) so you can check one against the other.

The life of a scheduler, step for step as in torch 2.13:

1. Construction stores ``group["initial_lr"]`` (unless already there), copies those into
   ``base_lrs``, and performs one initial step: ``last_epoch`` goes from -1 to 0 and the
   optimizer holds the epoch-0 lr. ``get_last_lr()`` shows it.
2. Each training step is ``optimizer.step()`` then ``scheduler.step()``: the update uses the lr
   of the current epoch, then the scheduler moves on to the next epoch.

Calling ``scheduler.step()`` before the first ``optimizer.step()`` skips the first lr of the
schedule, so it warns (pytorch#20124). It reads ``optimizer._step_count``, which
``Optimizer.step()`` increments, instead of wrapping ``optimizer.step`` as torch does.
"""

from __future__ import annotations

import copy
import operator
import types
import warnings
from typing import Any, Callable, ClassVar, Iterable

from microopt._validate import flag, invalid, real_number, whole_number
from microopt.optim.optimizer import Optimizer


class LRScheduler:
    """Base class: subclasses define ``get_lr()``, the lr of epoch ``last_epoch``.

    Args:
        optimizer: the optimizer whose ``param_groups[i]["lr"]`` this scheduler sets.
        last_epoch: -1 (the default) starts the schedule. Any other value resumes it: the groups
            must then hold ``initial_lr`` already, e.g. from ``optimizer.load_state_dict``.
    """

    _is_initial = False  # True only during the initial step of construction
    # Attributes state_dict() leaves out: the optimizer is saved on its own, the flag is
    # transient, and subclasses add what cannot be data (LambdaLR's functions).
    _not_saved: tuple[str, ...] = ("optimizer", "_is_initial")
    # Attribute -> the check its constructor argument passed, applied again by load_state_dict
    # to saved values (a saved gamma=-3 is refused as the constructor refuses it).
    _state_rules: ClassVar[dict[str, Callable[[Any], Any]]] = {
        "last_epoch": lambda v: whole_number("last_epoch", v, minimum=-1),
        "_step_count": lambda v: whole_number("_step_count", v, minimum=0),
        "_optimizer_steps_at_start": lambda v: whole_number("_optimizer_steps_at_start", v, minimum=0),
        "base_lrs": lambda v: _check_lr_list("base_lrs", v),
        "_last_lr": lambda v: _check_numbers("_last_lr", v),
    }

    def __init__(self, optimizer: Optimizer, last_epoch: int = -1) -> None:
        self.optimizer = _check_optimizer(optimizer)
        if last_epoch == -1:
            for group in optimizer.param_groups:
                group.setdefault("initial_lr", group["lr"])
        else:
            for i, group in enumerate(optimizer.param_groups):
                if "initial_lr" not in group:
                    raise KeyError(
                        f"param_groups[{i}] has no 'initial_lr', but last_epoch={last_epoch!r} "
                        "resumes a schedule. Load the optimizer's state_dict first, or use "
                        "last_epoch=-1 to start a new schedule."
                    )
        self.base_lrs: list[float] = [group["initial_lr"] for group in optimizer.param_groups]
        self.last_epoch = last_epoch
        self._optimizer_steps_at_start = getattr(optimizer, "_step_count", 0)
        self._initial_step()

    def _initial_step(self) -> None:
        """Start counting and move to the first epoch (``last_epoch`` -1 -> 0)."""
        self._step_count = 0
        self._is_initial = True
        try:
            self.step()
        finally:
            self._is_initial = False

    # ------------------------------------------------------------------ the schedule
    def get_lr(self) -> list[float]:
        """The lr of each group at epoch ``last_epoch``, computed by the recursive rule.

        Called by ``step()`` after it has advanced ``last_epoch``. Recursive rules read the
        current ``group["lr"]``, so calling this yourself can give the *next* lr, not the
        current one: to read the current lr, use ``get_last_lr()``.
        """
        raise NotImplementedError(f"{type(self).__name__} must define get_lr().")

    def closed_form_lr(self) -> list[float]:
        """The lr of each group at epoch ``last_epoch``, computed from ``base_lrs`` alone.

        Schedulers whose ``get_lr()`` is recursive override this; for the others the two agree.
        """
        return self.get_lr()

    def step(self) -> None:
        """Move to the next epoch and set each group's lr. Call it after ``optimizer.step()``."""
        self._count_step()
        self.last_epoch += 1
        self._set_lrs(self.get_lr())

    def _count_step(self) -> None:
        """Count a call to step(), and warn if the first one came before optimizer.step()."""
        if self._step_count == 1 and self._optimizer_not_stepped():
            warnings.warn(
                "Detected call of `scheduler.step()` before `optimizer.step()`. Call them in the "
                "opposite order, `optimizer.step()` then `scheduler.step()`, as in PyTorch 1.1.0 "
                "and later: otherwise the first value of the learning rate schedule is skipped.",
                UserWarning,
                stacklevel=3,
            )
        self._step_count += 1

    def get_last_lr(self) -> list[float]:
        """The lr of each group as this scheduler last set it."""
        return list(self._last_lr)

    def _set_lrs(self, lrs: list[float]) -> None:
        for group, lr in zip(self.optimizer.param_groups, lrs, strict=True):
            group["lr"] = lr
        self._last_lr = [group["lr"] for group in self.optimizer.param_groups]

    def _restart_at_epoch_zero(self) -> None:
        """Jump to epoch 0 with the closed form; SequentialLR does this at its milestones."""
        self.last_epoch = 0
        self._set_lrs(self.closed_form_lr())

    def _optimizer_not_stepped(self) -> bool:
        return getattr(self.optimizer, "_step_count", 0) == self._optimizer_steps_at_start

    # ------------------------------------------------------------------ saving and resuming
    def state_dict(self) -> dict[str, Any]:
        """Every attribute except the optimizer, as plain numbers, strings and lists.

        ``json.dumps`` accepts it (an infinite ``best`` in ReduceLROnPlateau is written as
        ``Infinity``, which Python's ``json`` reads back). Save the optimizer's state too.
        """
        return {key: copy.deepcopy(value) for key, value in self.__dict__.items()
                if key not in self._not_saved}

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore a state saved by ``state_dict()`` of a scheduler of the same kind."""
        if not isinstance(state_dict, dict):
            raise TypeError(
                f"load_state_dict needs the dict returned by state_dict(), got "
                f"{type(state_dict).__name__}: {state_dict!r}."
            )
        unknown = sorted(set(state_dict) - set(self.__dict__))
        if unknown:
            raise ValueError(
                f"state_dict has keys {unknown} that {type(self).__name__} does not use. "
                "Was it saved from another kind of scheduler?"
            )
        for key, value in state_dict.items():
            current = self.__dict__[key]
            if None not in (current, value) and _kind(value) != _kind(current):
                raise ValueError(
                    f"state_dict entry {key!r} is {value!r}, but {type(self).__name__} keeps a "
                    f"{_kind(current)} there ({current!r}). Pass the output of state_dict()."
                )
        self.__dict__.update(self._checked_state(state_dict))

    def _checked_state(self, state_dict: dict[str, Any]) -> dict[str, Any]:
        """A copy of ``state_dict`` whose values pass ``_state_rules``, or a ValueError (nothing loaded)."""
        state = copy.deepcopy(state_dict)
        rules = {**LRScheduler._state_rules, **type(self)._state_rules}
        groups = len(self.optimizer.param_groups)
        try:
            for key, value in state.items():
                if key in rules and value is not None:
                    state[key] = rules[key](value)
                    if key in ("base_lrs", "_last_lr") and len(value) != groups:
                        raise ValueError(invalid(key, value, f"must have one entry per param group ({groups})"))
        except ValueError as error:
            raise ValueError(
                f"{type(self).__name__}.load_state_dict: {error} Nothing was loaded; pass the output "
                "of state_dict() of a scheduler built like this one."
            ) from None
        return state

    def _setup_momentum_cycle(self, optimizer: Optimizer, cycle_momentum: bool,
                              base_momentum: Any, max_momentum: Any,
                              last_epoch: int) -> tuple[list[float], list[float]]:
        """For CyclicLR and OneCycleLR: check there is a momentum to cycle, and start it at max.

        The momentum is SGD's ``momentum`` or, for the Adam family, ``betas[0]``. Returns the
        per-group (base_momentums, max_momentums); both empty when cycle_momentum is off.
        """
        self.cycle_momentum = flag("cycle_momentum", cycle_momentum)
        if not cycle_momentum:
            return [], []
        defaults = getattr(optimizer, "defaults", {})
        if "momentum" not in defaults and "betas" not in defaults:
            raise ValueError(invalid(
                "cycle_momentum", cycle_momentum,
                f"needs an optimizer with a momentum or betas[0]; {type(optimizer).__name__} has neither",
                "Pass cycle_momentum=False."))
        self.use_beta1 = "betas" in defaults
        below = 1.0 if self.use_beta1 else None  # β₁ = 1 would make Adam's 1 - β₁ᵗ zero
        base_momentums, max_momentums = (
            [real_number(name, m, minimum=0.0, below=below, advice="It becomes the momentum, or Adam's betas[0].")
             for m in _per_group(name, value, optimizer)]
            for name, value in (("base_momentum", base_momentum), ("max_momentum", max_momentum)))
        if last_epoch == -1:
            for group, m_max, m_base in zip(optimizer.param_groups, max_momentums,
                                            base_momentums, strict=True):
                self._set_momentum(group, m_max)
                group["max_momentum"] = m_max
                group["base_momentum"] = m_base
        return base_momentums, max_momentums

    def _set_momentum(self, group: dict, momentum: float) -> None:
        if self.use_beta1:
            group["betas"] = (momentum, *group["betas"][1:])
        else:
            group["momentum"] = momentum

    def __repr__(self) -> str:
        return f"{type(self).__name__}(last_epoch={self.last_epoch}, lr={self._last_lr})"


def _kind(value: Any) -> str:
    """The JSON kind of a saved attribute (a tuple comes back from JSON as a list)."""
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, (list, tuple)):
        return "list"
    return type(value).__name__


# ---------------------------------------------------------------------- argument checks
def _check_optimizer(optimizer: object) -> Optimizer:
    if not isinstance(optimizer, Optimizer):
        raise TypeError(invalid("optimizer", optimizer, f"must be a microopt.optim optimizer, not a "
                                f"{type(optimizer).__name__}", "Build one first, e.g. SGD(params, lr=0.1)."))
    return optimizer


def _check_positive_int(name: str, value: object) -> int:
    return whole_number(name, value, minimum=1)


def _check_non_negative_int(name: str, value: object) -> int:
    return whole_number(name, value, minimum=0)


def _check_gamma(gamma: object) -> float:
    return real_number("gamma", gamma, above=0.0,
                       advice="The lr is multiplied by it: use a value below 1 to decay, e.g. 0.1.")


def _check_increasing(name: str, milestones: object, *, strictly: bool,
                      minimum: int) -> list[int]:
    """Milestones: a list of whole numbers >= minimum, in increasing order."""
    order = "strictly increasing" if strictly else "increasing"
    rule = f"must be a list of whole numbers >= {minimum}, {order}"
    if isinstance(milestones, (str, bytes)) or not isinstance(milestones, Iterable):
        raise ValueError(invalid(name, milestones, rule, f"For example {name}=[30, 80]."))
    milestones = list(milestones)
    for m in milestones:
        whole_number(f"entry of {name}", m, minimum=minimum, advice=f"{name} is {milestones!r}.")
    milestones = [operator.index(m) for m in milestones]
    pairs = zip(milestones, milestones[1:])
    if any(a >= b if strictly else a > b for a, b in pairs):
        raise ValueError(invalid(name, milestones, rule, f"For example {sorted(set(milestones))!r}."))
    return milestones


def _check_lrs(name: str, lrs: list[Any]) -> list[float]:
    return [real_number(name, lr, minimum=0.0, advice="Pass a learning rate such as 0.1.") for lr in lrs]


def _check_lr_list(name: str, lrs: object) -> list[float]:
    """A saved list of learning rates: a list of numbers >= 0."""
    if not isinstance(lrs, list):
        raise ValueError(invalid(name, lrs, "must be a list of learning rates, one per param group"))
    return _check_lrs(f"entry of {name}", lrs)


def _check_numbers(name: str, values: object) -> list[float]:
    """A saved list of finite numbers of any sign (the lrs a schedule last set)."""
    if not isinstance(values, list):
        raise ValueError(invalid(name, values, "must be a list of numbers, one per param group"))
    return [real_number(f"entry of {name}", v) for v in values]


def _choice(name: str, value: object, choices: tuple[str, ...], advice: str = "") -> str:
    if not isinstance(value, str) or value not in choices:
        shown = " or ".join(repr(c) for c in choices)
        raise ValueError(invalid(name, value, f"must be {shown}", advice))
    return value


def _function_state(fn: Callable) -> dict[str, Any] | None:
    """What state_dict() keeps of a user's function: nothing for a plain function or lambda
    (code is not data), the attributes of a callable object."""
    return None if isinstance(fn, types.FunctionType) else copy.deepcopy(fn.__dict__)


def _load_function_state(fn: Callable, attributes: dict[str, Any] | None) -> None:
    if attributes is not None:
        fn.__dict__.update(copy.deepcopy(attributes))


def _per_group(name: str, value: Any, optimizer: Optimizer) -> list[Any]:
    """One value per param group: a list is checked for length, a scalar is repeated."""
    n = len(optimizer.param_groups)
    if isinstance(value, (list, tuple)):
        if len(value) != n:
            raise ValueError(invalid(name, list(value), f"must have one value per param group: the optimizer "
                                     f"has {n} groups, {name} has {len(value)} values",
                                     "Pass one value, or a list with one per group."))
        return list(value)
    return [value] * n

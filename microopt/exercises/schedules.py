"""``check_lr_schedule``: a student's learning-rate schedule against ``microopt.optim.lr_scheduler``.

The student writes the schedule either as a closed form, a function of the epoch::

    def step_lr(epoch, base_lr, step_size, gamma):
        return base_lr * gamma ** (epoch // step_size)

    check_lr_schedule(step_lr, "StepLR", step_size=3, gamma=0.5)

(called as ``schedule(epoch, base_lr=lr, **settings)``), or as an ``LRScheduler`` subclass,
built as ``cls(optimizer, **settings)`` and stepped like the reference. Epoch 0 is the lr
right after construction; each ``scheduler.step()`` (after ``optimizer.step()``) moves to the
next epoch, as in PyTorch.
"""

from __future__ import annotations

import math

from typing import Any, Callable

from microopt._validate import whole_number
from microopt.engine.value import Value
from microopt.exercises._compare import all_close, close
from microopt.exercises._guard import DEFAULT_TIME_LIMIT, Delegated, TimeLimitExceeded, checked_time_limit, guard
from microopt.optim import SGD, lr_scheduler
from microopt.optim.lr_scheduler import LRScheduler

# The closed forms of microopt.optim.lr_scheduler, for hints (e is the epoch).
FORMULAS = {
    "StepLR": "lr_e = base_lr · γ^⌊e / step_size⌋",
    "MultiStepLR": "lr_e = base_lr · γ^(number of milestones <= e)",
    "ExponentialLR": "lr_e = base_lr · γ^e",
    "CosineAnnealingLR": "lr_e = η_min + (base_lr - η_min)(1 + cos(π e / T_max)) / 2",
    "LinearLR": "lr_e = base_lr · (start_factor + (end_factor - start_factor) · min(e, total_iters) / total_iters)",
    "LambdaLR": "lr_e = base_lr · λ(e)",
}


def _reference_lrs(reference: str, lr: float, steps: int, settings: dict[str, Any]) -> list[float]:
    if reference not in lr_scheduler.__all__ or reference in ("LRScheduler", "ReduceLROnPlateau"):
        choices = [n for n in lr_scheduler.__all__ if n not in ("LRScheduler", "ReduceLROnPlateau")]
        raise ValueError(
            f"Unknown reference schedule {reference!r}: choose one of {', '.join(choices)} "
            "(ReduceLROnPlateau depends on a metric, not only on the epoch)."
        )
    optimizer = SGD([Value(0.0)], lr=lr)
    scheduler = getattr(lr_scheduler, reference)(optimizer, **settings)
    return _stepped(optimizer, scheduler, steps)


def _stepped(optimizer, scheduler, steps: int) -> list[float]:
    lrs = [scheduler.get_last_lr()[0]]
    for _ in range(steps):
        optimizer.step()
        scheduler.step()
        lrs.append(scheduler.get_last_lr()[0])
    return lrs


def _library_schedules() -> dict:
    """The code of every microopt scheduler's methods, which a student's schedule may not call."""
    classes = [getattr(lr_scheduler, n) for n in lr_scheduler.__all__ if n != "LRScheduler"]
    return {f.__code__: f"{cls.__name__}.{name}" for cls in classes if isinstance(cls, type)
            for name, f in vars(cls).items() if callable(f) and hasattr(f, "__code__")}


def _refuse_library(student) -> None:
    if isinstance(student, type) and issubclass(student, LRScheduler):
        base = next((k for k in student.__mro__ if k is not LRScheduler and issubclass(k, LRScheduler)
                     and k.__module__.startswith("microopt.optim")), None)
        if base is not None:
            raise AssertionError(
                f"{student.__name__} derives from microopt's {base.__name__}, so it runs microopt's code, not "
                "yours: the check would compare that code with itself. Write it yourself: derive from "
                "LRScheduler and write get_lr() (or write a function of the epoch).")


def _student_lrs(student, lr: float, steps: int, settings: dict[str, Any], time_limit) -> list[float]:
    name = getattr(student, "__name__", repr(student))
    try:
        with guard(time_limit, _library_schedules()):
            if isinstance(student, type) and issubclass(student, LRScheduler):
                optimizer = SGD([Value(0.0)], lr=lr)
                return _stepped(optimizer, student(optimizer, **settings), steps)
            return [float(student(epoch, base_lr=lr, **settings)) for epoch in range(steps + 1)]
    except Delegated as error:
        raise AssertionError(
            f"{name} calls microopt's own {error.name}, not yours: the check would compare it with itself. "
            "Write it yourself, from the formula.") from None
    except TimeLimitExceeded:
        raise AssertionError(
            f"{name} did not finish within {time_limit:g} s.\nHint: is there a loop that never ends? If your "
            "code is just slow, pass a longer time_limit= to the check.") from None
    except NotImplementedError as error:
        raise AssertionError(
            f"{name} raised NotImplementedError: {error}\nHint: the TODO is not done yet: "
            "replace `raise NotImplementedError` with your code."
        ) from error
    except TypeError as error:
        arguments = ", ".join(["epoch", "base_lr", *settings])
        raise AssertionError(
            f"{name} raised TypeError: {error}. A schedule function takes ({arguments}) and "
            "returns the lr of that epoch; a scheduler class takes (optimizer, "
            f"{', '.join(settings)})."
        ) from error


def check_lr_schedule(student: Callable | type, reference: str = "StepLR", *, lr: float = 0.1,
                      steps: int = 30, rtol: float = 1e-9, atol: float = 1e-15,
                      time_limit: float | None = DEFAULT_TIME_LIMIT, verbose: bool = True,
                      **settings: Any) -> None:
    """Compare the student's lr at epochs 0..steps with the reference scheduler's.

    Raises ``AssertionError`` at the first epoch that differs (with a hint for a schedule that
    is one epoch early or late, or that never changes); prints one line on success.

    >>> check_lr_schedule(lambda epoch, base_lr, gamma: base_lr * gamma ** epoch,
    ...                   "ExponentialLR", gamma=0.9, steps=5)
    check_lr_schedule: <lambda> matches ExponentialLR(gamma=0.9) from lr 0.1 over epochs 0..5.
    """
    time_limit = checked_time_limit(time_limit)
    steps = whole_number("steps", steps, minimum=1, advice="Pass how many epochs to compare.")
    _refuse_library(student)
    expected = _reference_lrs(reference, lr, steps, settings)
    got = _student_lrs(student, lr, steps, settings, time_limit)
    name = getattr(student, "__name__", repr(student))
    call = f"{reference}({', '.join(f'{k}={v!r}' for k, v in settings.items())})"
    for epoch, (have, want) in enumerate(zip(got, expected)):
        if close(have, want, rtol, atol):
            continue
        raise AssertionError(
            f"{name} differs from {call} (base lr {lr!r}) at epoch {epoch}: yours {have!r}, "
            f"reference {want!r}.\n  yours:     {_preview(got, epoch)}\n  reference: "
            f"{_preview(expected, epoch)}\nHint: {_hint(got, expected, reference, lr, steps, settings, rtol, atol)}"
        )
    if verbose:
        print(f"check_lr_schedule: {name} matches {call} from lr {lr!r} over epochs 0..{steps}.")


def _preview(lrs: list[float], epoch: int) -> str:
    start = max(0, epoch - 2)
    shown = ", ".join(f"{x:.6g}" for x in lrs[start:epoch + 3])
    return f"epochs {start}..{min(epoch + 2, len(lrs) - 1)}: {shown}"


# Mistakes, each derived from the reference's own sequence: (name, hint, the sequence it gives).
def _mistakes(reference: str, lr: float, steps: int, settings: dict[str, Any], expected: list[float]):
    yield ("one epoch early", "your schedule is one epoch early: epoch 0 is the lr right after "
           "construction; the first scheduler.step() moves to epoch 1.", expected[1:] + [math.nan])
    yield ("one epoch late", "your schedule is one epoch late: count epochs from 0, the lr right after "
           "construction.", [expected[0]] + expected[:-1])
    yield ("constant", "your lr never changes: use the epoch in the formula.", [expected[0]] * len(expected))
    for name, value in settings.items():  # a setting off by one, or ignored
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            continue
        changes = [("ignored", 0.0 if isinstance(value, float) else None)]
        if isinstance(value, int):
            changes = [("one too small", value - 1), ("one too large", value + 1)]
        for how, wrong in changes:
            if wrong is None or wrong == value:
                continue
            try:
                sequence = _reference_lrs(reference, lr, steps, {**settings, name: wrong})
            except (ValueError, ZeroDivisionError):
                continue
            hint = (f"your schedule behaves as if {name} were {wrong!r} instead of {value!r}"
                    + (f": {name} is ignored." if how == "ignored" else f" ({name} {how}: an off-by-one)."))
            yield (f"{name} {how}", hint, sequence)


def _hint(got: list[float], expected: list[float], reference: str, lr: float, steps: int,
          settings: dict[str, Any], rtol: float, atol: float) -> str:
    for _, hint, sequence in _mistakes(reference, lr, steps, settings, expected):
        usable = [(a, b) for a, b in zip(got, sequence) if not math.isnan(b)]
        if all_close([a for a, _ in usable], [b for _, b in usable], rtol, atol):
            return hint
    return FORMULAS.get(reference, f"compare with help(microopt.optim.lr_scheduler.{reference}).")

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

from typing import Any, Callable

from microopt.engine.value import Value

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
    from microopt.optim import SGD, lr_scheduler

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


def _student_lrs(student, lr: float, steps: int, settings: dict[str, Any]) -> list[float]:
    from microopt.optim import SGD
    from microopt.optim.lr_scheduler import LRScheduler

    name = getattr(student, "__name__", repr(student))
    try:
        if isinstance(student, type) and issubclass(student, LRScheduler):
            optimizer = SGD([Value(0.0)], lr=lr)
            return _stepped(optimizer, student(optimizer, **settings), steps)
        return [float(student(epoch, base_lr=lr, **settings)) for epoch in range(steps + 1)]
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


def _close(a: float, b: float, rtol: float, atol: float) -> bool:
    return abs(a - b) <= atol + rtol * max(abs(a), abs(b))


def check_lr_schedule(student: Callable | type, reference: str = "StepLR", *, lr: float = 0.1,
                      steps: int = 30, rtol: float = 1e-9, atol: float = 1e-15,
                      verbose: bool = True, **settings: Any) -> None:
    """Compare the student's lr at epochs 0..steps with the reference scheduler's.

    Raises ``AssertionError`` at the first epoch that differs (with a hint for a schedule that
    is one epoch early or late, or that never changes); prints one line on success.

    >>> check_lr_schedule(lambda epoch, base_lr, gamma: base_lr * gamma ** epoch,
    ...                   "ExponentialLR", gamma=0.9, steps=5)
    check_lr_schedule: <lambda> matches ExponentialLR(gamma=0.9) from lr 0.1 over epochs 0..5.
    """
    if isinstance(steps, bool) or not isinstance(steps, int) or steps < 1:
        raise ValueError(f"Invalid number of steps: {steps!r} (must be a whole number >= 1).")
    expected = _reference_lrs(reference, lr, steps, settings)
    got = _student_lrs(student, lr, steps, settings)
    name = getattr(student, "__name__", repr(student))
    call = f"{reference}({', '.join(f'{k}={v!r}' for k, v in settings.items())})"
    for epoch, (have, want) in enumerate(zip(got, expected)):
        if _close(have, want, rtol, atol):
            continue
        raise AssertionError(
            f"{name} differs from {call} (base lr {lr!r}) at epoch {epoch}: yours {have!r}, "
            f"reference {want!r}.\n  yours:     {_preview(got, epoch)}\n  reference: "
            f"{_preview(expected, epoch)}\nHint: {_hint(got, expected, reference, rtol, atol)}"
        )
    if verbose:
        print(f"check_lr_schedule: {name} matches {call} from lr {lr!r} over epochs 0..{steps}.")


def _preview(lrs: list[float], epoch: int) -> str:
    start = max(0, epoch - 2)
    shown = ", ".join(f"{x:.6g}" for x in lrs[start:epoch + 3])
    return f"epochs {start}..{min(epoch + 2, len(lrs) - 1)}: {shown}"


def _hint(got: list[float], expected: list[float], reference: str, rtol: float, atol: float) -> str:
    if all(_close(a, b, rtol, atol) for a, b in zip(got, expected[1:])):
        return ("your schedule is one epoch early: epoch 0 is the lr right after construction; "
                "the first scheduler.step() moves to epoch 1.")
    if all(_close(a, b, rtol, atol) for a, b in zip(got[1:], expected)):
        return "your schedule is one epoch late: count epochs from 0, the lr right after construction."
    if all(_close(a, got[0], rtol, atol) for a in got):
        return "your lr never changes: use the epoch in the formula."
    return FORMULAS.get(reference, f"compare with help(microopt.optim.lr_scheduler.{reference}).")

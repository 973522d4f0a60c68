"""``check_optimizer``: run a student's optimizer beside the reference and explain the first difference.

Both optimizers train the same problems (``microopt.exercises.problems``) from the same
starting point, step by step. After every step each parameter's value is compared. At the
first one that differs, the two updates' local variables (recorded by ``microopt.teach.trace``)
are compared by name, in the order the reference computes them (Adam: g, t, m, v, m_hat,
v_hat, update), so the message can say *which quantity* went wrong first. Then each known
mistake (``microopt.exercises.mistakes``) is replayed: one that reproduces the student's
numbers gives the hint.

A failure is a plain ``AssertionError``, so the checks work in a notebook and in any
autograder; success prints one line.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from microopt.exercises.mistakes import applicable
from microopt.exercises.problems import PROBLEMS, Problem
from microopt.teach.tracing import OptimizerTrace, TraceRow, trace

# What to check when a quantity differs and no known mistake reproduces the numbers.
QUANTITY_HINTS = {
    "g": "g is the gradient p.grad (negated when maximize), plus λθ with coupled weight decay.",
    "t": "the step count t is 1 at the first step and grows by 1 each step; keep it in state.",
    "m": "m ← β₁ m + (1 - β₁) g, with m starting at 0 and kept in state between steps.",
    "v": "v ← β₂ v + (1 - β₂) g², with v starting at 0 and kept in state between steps.",
    "m_hat": "m_hat = m / (1 - β₁ᵗ), with t the step count starting at 1.",
    "v_hat": "v_hat = v / (1 - β₂ᵗ), with t the step count starting at 1.",
    "b": "the momentum buffer: b ← g at the first step, then b ← μ b + (1 - τ) g.",
    "direction": "the direction is b with momentum, g + μ b with Nesterov, g without momentum.",
    "update": "update is γ times the step direction; θ ← θ - update.",
}
EXCEPTION_HINTS = {
    NotImplementedError: "the TODO is not done yet: replace `raise NotImplementedError` with your code.",
    KeyError: "a key is missing from state: on the first step state is an empty dict, so create "
              "the entries (e.g. state['m'] = 0.0) before reading them.",
}


def _close(a: float, b: float, rtol: float, atol: float) -> bool:
    if math.isnan(a) and math.isnan(b):
        return True
    return a == b or abs(a - b) <= atol + rtol * max(abs(a), abs(b))


@dataclass
class _Run:
    """One optimizer on one problem: parameter values after each step, its trace, its error."""

    names: list[str]
    history: list[list[float]] = field(default_factory=list)
    trace: OptimizerTrace | None = None
    error: BaseException | None = None  # raised by step() at step len(history) + 1

    def row(self, step: int, param: str) -> TraceRow | None:
        return next((r for r in self.trace.rows if r.step == step and r.param == param), None)


def _run(cls: type, problem: Problem, hyperparameters: dict[str, Any], steps: int) -> _Run:
    params, loss_fn, names = problem.make()
    optimizer = cls(params, **hyperparameters)
    t = trace(optimizer, names)
    run = _Run([t.param_names[p] for p in params], trace=t)
    for _ in range(steps):
        optimizer.zero_grad()
        loss_fn().backward()
        try:
            with t:
                optimizer.step()
        except Exception as error:  # a student's bug: reported, never propagated as is
            run.error = error
            break
        not_number = next((p.data for p in params if isinstance(p.data, bool)
                           or not isinstance(p.data, (int, float))), None)
        if not_number is not None:  # e.g. `p.data -= lr * p`: a Value where a float belongs
            run.error = TypeError(
                f"after step(), a parameter's data is a {type(not_number).__name__}: {not_number!r}. "
                "p.data must stay a plain number: compute with p.grad, p.data and floats "
                "(math.sqrt, not Value.sqrt) inside update()."
            )
            break
        run.history.append([p.data for p in params])
    return run


def _same_run(a: _Run, b: _Run, rtol: float, atol: float) -> bool:
    """Do two runs make the same steps, and raise the same error (if any) at the same step?"""
    if len(a.history) != len(b.history) or type(a.error) is not type(b.error):
        return False
    return all(_close(x, y, rtol, atol) for ha, hb in zip(a.history, b.history) for x, y in zip(ha, hb))


def _reference_class(reference: str | type) -> type:
    from microopt import optim

    if isinstance(reference, type) and issubclass(reference, optim.Optimizer):
        return reference
    algorithms = [name for name in optim.__all__ if name[0].isupper() and name != "Optimizer"]
    if reference not in algorithms:
        raise ValueError(
            f"Unknown reference optimizer {reference!r}: choose one of {', '.join(algorithms)}, "
            "or pass an Optimizer subclass."
        )
    return getattr(optim, reference)


def _check_student_class(student: object, reference: type) -> None:
    from microopt.optim import Optimizer

    if isinstance(student, Optimizer):
        raise AssertionError(
            f"the checker needs your optimizer class, got an instance of {type(student).__name__}. "
            f"Pass the class itself: check_optimizer({type(student).__name__}, ...)."
        )
    if not (isinstance(student, type) and issubclass(student, Optimizer)):
        raise AssertionError(
            f"the checker needs your optimizer class, a subclass of microopt.optim.Optimizer, got "
            f"{student!r}. Write `class My{reference.__name__}(Optimizer): ...` and pass the class "
            "itself, not an instance."
        )


def _format_call(cls: type, hyperparameters: dict[str, Any]) -> str:
    return f"{cls.__name__}({', '.join(f'{k}={v!r}' for k, v in hyperparameters.items())})"


def check_optimizer(student: type, reference: str | type = "Adam", *, steps: int = 10,
                    rtol: float = 1e-9, atol: float = 1e-12, verbose: bool = True,
                    **hyperparameters: Any) -> None:
    """Check that ``student`` (an ``Optimizer`` subclass) computes what ``reference`` computes.

    Both are built as ``cls(params, **hyperparameters)`` and run ``steps`` steps on each
    problem (two 2-D functions, one so flat that ε matters, and a tiny MLP). Values agree when
    ``|yours - reference| <= atol + rtol * max(|yours|, |reference|)``.

    Raises ``AssertionError`` at the first difference, saying at which step, for which
    parameter, which quantity differs first (by name, in the reference's order; else the
    parameter value), by how much, and a hint when a known mistake reproduces your numbers.
    On success prints one line (unless ``verbose=False``).

    >>> from microopt.optim import Adam
    >>> check_optimizer(Adam, "Adam", lr=0.01)
    check_optimizer: Adam matches Adam(lr=0.01) on 3 problems x 10 steps (quantities named as in Adam: beta1, beta2, g, t, m, v, m_hat, v_hat, update).
    """
    reference_cls = _reference_class(reference)
    _check_student_class(student, reference_cls)
    if isinstance(steps, bool) or not isinstance(steps, int) or steps < 1:
        raise ValueError(f"Invalid number of steps: {steps!r} (must be a whole number >= 1).")
    call = _format_call(reference_cls, hyperparameters)
    compared: dict[str, None] = {}
    for problem in PROBLEMS:
        expected = _run(reference_cls, problem, hyperparameters, steps)
        try:
            got = _run(student, problem, hyperparameters, steps)
        except Exception as error:
            raise AssertionError(
                f"{_format_call(student, hyperparameters)} could not be created: "
                f"{type(error).__name__}: {error}. Your __init__ must accept the same "
                f"hyperparameters as {reference_cls.__name__}: {call}."
            ) from error
        failure = _first_difference(student, reference_cls, call, problem, expected, got,
                                    hyperparameters, rtol, atol)
        if failure is not None:
            raise AssertionError(failure) from got.error
        for row in got.trace.rows:
            compared.update(dict.fromkeys(n for n in expected.trace.names if n in row.quantities))
    # Parameter values decide; the shared names are what a failure would be traced to.
    shared = (f"quantities named as in {reference_cls.__name__}: {', '.join(compared)}" if compared else
              "no quantity named as in the reference: use the docstring's names for precise messages")
    message = (f"check_optimizer: {student.__name__} matches {call} on {len(PROBLEMS)} problems x "
               f"{steps} steps ({shared}).")
    if verbose:
        print(message)


def _first_difference(student, reference_cls, call, problem, expected: _Run, got: _Run,
                      hyperparameters, rtol, atol) -> str | None:
    """The failure message for the first step where ``got`` leaves ``expected``, or None."""
    for step, values in enumerate(expected.history, start=1):
        if step > len(got.history):  # the student's step raised
            error = got.error
            last = got.trace.rows[-1].param if got.trace.rows else None
            where = f" (parameter {last!r})" if last is not None and got.trace.rows[-1].step == step else ""
            head = (f"{student.__name__}.step() raised {type(error).__name__} at step {step}{where} "
                    f"on {problem.name}: {error}")
            hint = _mistake_hint(reference_cls, problem, hyperparameters, got, rtol, atol)
            hint = hint or EXCEPTION_HINTS.get(type(error), "read the traceback above this message.")
            return f"{head}\nHint: {hint}"
        for j, (name, want, have) in enumerate(zip(expected.names, values, got.history[step - 1])):
            if _close(have, want, rtol, atol):
                continue
            lines = [f"{student.__name__} differs from {call} on {problem.name}, "
                     f"at step {step}, parameter {name!r}:"]
            quantity = _first_quantity(expected.row(step, name), got.row(step, name), rtol, atol)
            if quantity is not None:
                q, want_q, have_q, order = quantity
                lines.append(f"  {q} differs first (compared by name in the order "
                             f"{reference_cls.__name__} computes them: {', '.join(order)}): "
                             f"yours {have_q!r}, reference {want_q!r} (off by {abs(have_q - want_q):.3g}).")
            lines.append(f"  θ after the step: yours {have!r}, reference {want!r} "
                         f"(off by {abs(have - want):.3g}).")
            hint = _mistake_hint(reference_cls, problem, hyperparameters, got, rtol, atol)
            if hint is None:
                hint = QUANTITY_HINTS.get(quantity[0] if quantity else "", (
                    f"compare your update line by line with the equations in "
                    f"help(microopt.optim.{reference_cls.__name__})."))
                if quantity is None and got.row(step, name) is not None:
                    hint += (" Name your variables as in the docstring "
                             f"({', '.join(expected.trace.names)}) to see which one differs.")
            lines.append(f"Hint: {hint}")
            return "\n".join(lines)
    return None


def _first_quantity(want: TraceRow | None, have: TraceRow | None, rtol, atol):
    """(name, reference value, student value, names compared) of the first differing local."""
    if want is None or have is None:
        return None
    order = [n for n in want.quantities if n in have.quantities]
    for n in order:
        if not _close(float(have.quantities[n]), float(want.quantities[n]), rtol, atol):
            return n, float(want.quantities[n]), float(have.quantities[n]), order
    return None


def _mistake_hint(reference_cls, problem, hyperparameters, got: _Run, rtol, atol) -> str | None:
    """The hint of the first known mistake that reproduces every step the student made.

    All the steps, not only the first wrong one: some mistakes agree at the first step
    (Adam's first step is ±lr whatever the gradient's scale) and part ways later.
    """
    group = reference_cls([*problem.make()[0]], **hyperparameters).param_groups[0]
    effective = {k: v for k, v in group.items() if k != "params"}
    steps = len(got.history) + (got.error is not None)
    for mistake in applicable(reference_cls, effective):
        replay = _run(mistake.optimizer_class(reference_cls), problem, hyperparameters, steps)
        if _same_run(replay, got, rtol, atol):
            return mistake.hint
    return None


# With these, the classic momentum mistakes change the numbers: a dampening above 0 shows a
# buffer started at zero, a weight decay above 0 shows decay applied at the wrong moment.
SGD_MOMENTUM_SETTINGS = {"lr": 0.05, "momentum": 0.9, "dampening": 0.1, "weight_decay": 0.01}


def check_sgd_momentum(student: type, *, nesterov: bool = False, steps: int = 10,
                       verbose: bool = True, **hyperparameters: Any) -> None:
    """``check_optimizer`` against ``SGD`` with momentum, dampening and weight decay.

    Uses ``SGD_MOMENTUM_SETTINGS`` (override any of them by keyword). With ``nesterov=True``
    a second run checks Nesterov momentum (which needs dampening 0).
    """
    settings = {**SGD_MOMENTUM_SETTINGS, **hyperparameters}
    check_optimizer(student, "SGD", steps=steps, verbose=False, **settings)
    runs = [settings]
    if nesterov:
        runs.append({**settings, "dampening": 0.0, "nesterov": True})
        check_optimizer(student, "SGD", steps=steps, verbose=False, **runs[-1])
    if verbose:
        calls = " and ".join(_format_call(_reference_class("SGD"), s) for s in runs)
        print(f"check_sgd_momentum: {student.__name__} matches {calls} on {len(PROBLEMS)} "
              f"problems x {steps} steps.")

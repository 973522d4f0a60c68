"""``check_optimizer``: run a student's optimizer beside the reference and explain the first difference.

Both optimizers train the same problems (``microopt.exercises.problems``) from the same
starting point, step by step, and what decides is what the code computes: the parameters'
values after every step. A student may write the optimizer either way:

- microopt's way, ``update(self, p, state, *, <hyperparameters>)`` for one parameter (the
  base class's ``step()`` calls it for each), or
- PyTorch's way, a ``step()`` that loops over ``self.param_groups`` and keeps what it needs
  in ``self.state[p]`` under any names, or
- optax's way, two pure functions ``(init, update)`` over lists of floats, the state laid out
  as the student likes (``microopt.exercises.functional``).

At the first step where a parameter differs, the message names the *quantity* that went
wrong first wherever the names can be read: the locals of ``update`` (recorded by
``microopt.teach.trace``) under the reference's names (Adam: g, t, m, v, m_hat, v_hat,
update), and the state, under the reference's names or PyTorch's (``exp_avg`` is m). Then
each known mistake (``microopt.exercises.mistakes``, edits of the reference's own code) is
replayed: one that reproduces the student's numbers gives the hint.

Each check runs the student's code under a time limit (``time_limit`` seconds per step, an
infinite loop fails with the step it happened at; a class that ran out of time once fails
its later checks at once, instead of looping again) and refuses delegation: a class deriving from
microopt's algorithm, or code calling its ``update``/``step``, fails with "write it yourself".

A failure is a plain ``AssertionError``, so the checks work in a notebook and in any
autograder; success prints one line.
"""

from __future__ import annotations

import contextlib
import weakref
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from microopt import optim
from microopt._validate import whole_number
from microopt.engine.value import Value
from microopt.exercises._compare import close
from microopt.exercises.functional import as_optimizer, is_pair
from microopt.exercises._guard import (DEFAULT_TIME_LIMIT, Delegated, TimeLimitExceeded, checked_time_limit, guard,
                                       is_library)
from microopt.exercises.mistakes import NEGATIVE_V_HINT, catalogue, wrong_defaults
from microopt.exercises.problems import PROBLEMS, Problem
from microopt.optim import Optimizer
from microopt.teach.tracing import OptimizerTrace, TraceRow, trace

# What to check when a quantity differs and no known mistake reproduces the numbers.
QUANTITY_HINTS = {
    "g": "g is the gradient p.grad (negated when maximize), plus λθ with coupled weight decay.",
    "t": "the step count t is 1 at the first step and grows by 1 each step; keep it in state.",
    "step": "the step count t is 1 at the first step and grows by 1 each step; keep it in state.",
    "m": "m ← β₁ m + (1 - β₁) g, with m starting at 0 and kept in state between steps.",
    "v": "v ← β₂ v + (1 - β₂) g², with v starting at 0 and kept in state between steps.",
    "m_hat": "m_hat = m / (1 - β₁ᵗ), with t the step count starting at 1.",
    "v_hat": "v_hat = v / (1 - β₂ᵗ), with t the step count starting at 1.",
    "b": "the momentum buffer: b ← g at the first step, then b ← μ b + (1 - τ) g.",
    "momentum_buffer": "the momentum buffer: b ← g at the first step, then b ← μ b + (1 - τ) g.",
    "direction": "the direction is b with momentum, g + μ b with Nesterov, g without momentum.",
    "square_avg": "square_avg ← α square_avg + (1 - α) g², starting at 0 (no bias correction).",
    "avg": "avg = √square_avg + ε (ε outside the square root).",
    "sum_sq": "sum_sq ← sum_sq + g², starting at initial_accumulator_value.",
    "clr": "clr = lr / (1 + (t - 1) · lr_decay), with t starting at 1.",
    "update": "update is γ times the step direction; θ ← θ - update.",
}
EXCEPTION_HINTS = {
    NotImplementedError: "the TODO is not done yet: replace `raise NotImplementedError` with your code.",
    KeyError: "a key is missing from state: on the first step state is an empty dict, so create "
              "the entries (e.g. state['m'] = 0.0) before reading them.",
    ZeroDivisionError: "a denominator is 0 at this step. Which one? Print the quantities of your update "
                       "(or trace it) at this step.",
}
# Names a student may give a state entry, by the reference's name for it (PyTorch's names first).
STATE_ALIASES = {
    "step": ("step", "t", "steps", "step_count", "iteration", "count"),
    "m": ("exp_avg", "m", "first_moment", "moment1", "mean", "mu"),
    "v": ("exp_avg_sq", "v", "second_moment", "moment2", "nu"),
    "v_max": ("max_exp_avg_sq", "v_max", "vmax"),
    "momentum_buffer": ("momentum_buffer", "b", "buf", "buffer"),
    "square_avg": ("square_avg", "v", "sq", "mean_square", "ms", "cache"),
    "grad_avg": ("grad_avg", "mean_grad", "g_avg"),
    "sum_sq": ("sum", "sum_sq", "sum_of_squares", "accumulator", "G", "cache"),
}
NON_NEGATIVE = ("v", "v_max", "square_avg", "sum_sq")  # running means and sums of g²
# Classes whose step() ran out of time in a check, with that check's message: a second check
# of the same class would most likely loop again (a notebook's next cell, a hidden test).
_TIMED_OUT: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


@dataclass
class _Run:
    """One optimizer on one problem: parameter values (and state) after each step, its error."""

    names: list[str]
    params: list[Value]
    history: list[list[float]] = field(default_factory=list)
    states: list[list[dict[str, float]]] = field(default_factory=list)
    trace: OptimizerTrace | None = None
    error: BaseException | None = None  # raised by step() at step len(history) + 1

    def row(self, step: int, param: str) -> TraceRow | None:
        if self.trace is None:
            return None
        return next((r for r in self.trace.rows if r.step == step and r.param == param), None)

    def param_of(self, error: BaseException) -> str | None:
        """The parameter being updated when ``error`` was raised, read from the traceback."""
        index = {id(p): name for p, name in zip(self.params, self.names)}
        found = None
        for raised in (error, error.__cause__):  # the cause: where Optimizer.step re-raised it
            tb = raised.__traceback__ if raised is not None else None
            while tb is not None:
                if not is_library(tb.tb_frame.f_code):  # the student's frames: their `p`
                    found = next((index[id(v)] for v in tb.tb_frame.f_locals.values()
                                  if isinstance(v, Value) and id(v) in index), found)
                tb = tb.tb_next
        return found


def _defines_update(cls: type) -> bool:
    """Written microopt's way: an ``update`` of its own, and the base class's ``step``."""
    update = next((k.__dict__["update"] for k in cls.__mro__ if "update" in k.__dict__), None)
    step = next((k.__dict__["step"] for k in cls.__mro__ if "step" in k.__dict__), None)
    return update is not None and update is not Optimizer.update and step is Optimizer.step


def _names(params: list[Value], names) -> list[str]:
    if hasattr(names, "named_parameters"):
        by_id = {id(p): name for name, p in names.named_parameters()}
        return [by_id[id(p)] for p in params]
    return list(names)


def _state_of(optimizer, p: Value) -> dict[str, float]:
    """The numbers the optimizer keeps for ``p`` (``self.state[p]``, or keyed by ``id(p)``)."""
    state = getattr(optimizer, "state", None)
    if not isinstance(state, Mapping):
        return {}
    entry = state[p] if p in state else state.get(id(p))
    if not isinstance(entry, Mapping):
        return {}
    return {k: float(v) for k, v in entry.items() if isinstance(k, str) and isinstance(v, (int, float))}


def _run(cls: type, problem: Problem, hyperparameters: dict[str, Any], steps: int,
         time_limit: float | None = None, forbidden: dict | None = None, record: bool = True) -> _Run:
    params, loss_fn, names = problem.make()
    with guard(time_limit, forbidden):
        optimizer = cls(params, **hyperparameters)
    run = _Run(_names(params, names), params)
    if record and _defines_update(cls):
        run.trace = trace(optimizer, dict(zip(params, run.names)))
    for _ in range(steps):
        for p in params:  # zeroed here: a student's optimizer needs no zero_grad()
            p.grad = 0.0
        loss_fn().backward()
        try:
            recording = run.trace if run.trace is not None else contextlib.nullcontext()
            with guard(time_limit, forbidden), recording:
                optimizer.step()
        except (Exception, TimeLimitExceeded, Delegated) as error:  # a student's bug: reported, not raised
            run.error = error
            break
        not_number = next((p.data for p in params if isinstance(p.data, bool)
                           or not isinstance(p.data, (int, float))), None)
        if not_number is not None:  # e.g. `p.data -= lr * p`: a Value where a float belongs
            run.error = TypeError(
                f"after step(), a parameter's data is a {type(not_number).__name__}: {not_number!r}. "
                "p.data must stay a plain number: compute with p.grad, p.data and floats "
                "(math.sqrt, not Value.sqrt)."
            )
            break
        run.history.append([p.data for p in params])
        run.states.append([_state_of(optimizer, p) for p in params])
    return run


def _same_run(a: _Run, b: _Run, rtol: float, atol: float) -> bool:
    """Do two runs make the same steps, and raise the same error (if any) at the same step?"""
    if len(a.history) != len(b.history) or type(a.error) is not type(b.error):
        return False
    return all(close(x, y, rtol, atol) for ha, hb in zip(a.history, b.history) for x, y in zip(ha, hb))


# ----------------------------------------------------------------- what may be checked
def _algorithms() -> dict[str, type]:
    return {name: getattr(optim, name) for name in optim.__all__
            if isinstance(getattr(optim, name), type) and issubclass(getattr(optim, name), optim.Optimizer)
            and name != "Optimizer"}


def _reference_class(reference: str | type) -> type:
    if isinstance(reference, type) and issubclass(reference, optim.Optimizer):
        return reference
    algorithms = _algorithms()
    if reference not in algorithms:
        raise ValueError(
            f"Unknown reference optimizer {reference!r}: choose one of {', '.join(algorithms)}, "
            "or pass an Optimizer subclass."
        )
    return algorithms[reference]


def library_algorithm(cls: type) -> type | None:
    """The first microopt optimizer among ``cls``'s bases (the base class ``Optimizer`` aside)."""
    return next((k for k in cls.__mro__ if k is not Optimizer and issubclass(k, Optimizer)
                 and k.__module__.startswith("microopt.optim")), None)


def forbidden_optimizer_code() -> dict:
    """The ``update`` and ``step`` of every microopt algorithm, which a student may not call."""
    return {f.__code__: f"{cls.__name__}.{name}" for cls in _algorithms().values()
            for name in ("update", "step") if callable(f := cls.__dict__.get(name))}


def _check_student_class(student: object, reference: type) -> None:
    if isinstance(student, Optimizer) or (not isinstance(student, type) and hasattr(student, "step")):
        raise AssertionError(
            f"the checker needs your optimizer class, got an instance of {type(student).__name__}. "
            f"Pass the class itself: check_optimizer({type(student).__name__}, ...)."
        )
    if not (isinstance(student, type) and callable(getattr(student, "step", None))):
        raise AssertionError(
            f"the checker needs your optimizer class, got {student!r}. Write `class "
            f"My{reference.__name__}(Optimizer): ...` with update(self, p, state, ...) (or a "
            "PyTorch-style step()) and pass the class itself, not an instance."
        )
    base = library_algorithm(student)
    if base is not None:
        raise AssertionError(write_it_yourself(
            f"{student.__name__} derives from microopt.optim.{base.__name__}, so it runs microopt's code",
            "derive from microopt.optim.Optimizer and write update(self, p, state, ...) (or step()) "
            "from the equations"))


def write_it_yourself(what: str, how: str) -> str:
    return f"{what}, not yours: the check would compare that code with itself. Write it yourself: {how}."


def _format_call(cls: type, hyperparameters: dict[str, Any]) -> str:
    return f"{cls.__name__}({', '.join(f'{k}={v!r}' for k, v in hyperparameters.items())})"


# ----------------------------------------------------------------- the check
def check_optimizer(student: type | tuple, reference: str | type = "Adam", *, steps: int = 10,
                    rtol: float = 1e-9, atol: float = 1e-12, time_limit: float | None = DEFAULT_TIME_LIMIT,
                    verbose: bool = True, **hyperparameters: Any) -> None:
    """Check that ``student`` (an optimizer class, or an (init, update) pair) computes what ``reference`` computes.

    ``student`` is built as ``student(params, **hyperparameters)``, like the reference, and
    either defines ``update(self, p, state, *, ...)`` (microopt's way) or a ``step()`` looping
    over ``self.param_groups`` (PyTorch's way); or it is a pair of pure functions
    ``(init, update)`` over lists of floats (optax's way, ``microopt.exercises.functional``).
    Both run ``steps`` steps on each problem (two 2-D functions, one so flat that ε matters,
    and a tiny MLP). Values agree when
    ``|yours - reference| <= atol + rtol * max(|yours|, |reference|)``. Each step of yours has
    ``time_limit`` seconds (None: no limit).

    Raises ``AssertionError`` at the first difference, saying at which step, for which
    parameter, which quantity differs first (when your names can be read), by how much, and
    a hint when a known mistake reproduces your numbers. On success prints one line (unless
    ``verbose=False``).

    >>> from microopt.exercises.mistakes import student_source
    >>> namespace = {}
    >>> exec(student_source(microopt.optim.Adam), namespace)        # doctest: +SKIP
    >>> check_optimizer(namespace["MyAdam"], "Adam", lr=0.01)       # doctest: +SKIP
    check_optimizer: MyAdam matches Adam(lr=0.01) on 3 problems x 10 steps (...).
    """
    time_limit = checked_time_limit(time_limit)
    reference_cls = _reference_class(reference)
    if is_pair(student):
        student = as_optimizer(*student)
    _check_student_class(student, reference_cls)
    if student in _TIMED_OUT:
        raise AssertionError(f"{student.__name__} is not checked again: in an earlier check, "
                             f"{_TIMED_OUT[student]}\nFix the loop, run its cell again, then this check.")
    steps = whole_number("steps", steps, minimum=1, advice="Pass how many steps to compare.")
    call = _format_call(reference_cls, hyperparameters)
    forbidden = forbidden_optimizer_code()
    compared: dict[str, None] = {}
    for problem in PROBLEMS:
        expected = _run(reference_cls, problem, hyperparameters, steps)
        try:
            got = _run(student, problem, hyperparameters, steps, time_limit, forbidden)
        except (Exception, TimeLimitExceeded, Delegated) as error:
            failure = _construction_failure(student, reference_cls, call, hyperparameters, error, time_limit)
            if isinstance(error, TimeLimitExceeded):
                _TIMED_OUT[student] = failure
            raise AssertionError(failure) from None
        failure = _first_difference(student, reference_cls, call, problem, expected, got,
                                    hyperparameters, rtol, atol, time_limit)
        if failure is not None:
            if isinstance(got.error, TimeLimitExceeded):
                _TIMED_OUT[student] = failure.split("\n")[0]
            raise AssertionError(failure) from (got.error if isinstance(got.error, Exception) else None)
        compared.update(dict.fromkeys(_compared_names(expected, got)))
    shared = (f"quantities compared by name: {', '.join(compared)}" if compared else
              "no quantity named as in the reference: use the docstring's names for precise messages")
    if verbose:
        print(f"check_optimizer: {student.__name__} matches {call} on {len(PROBLEMS)} problems x "
              f"{steps} steps ({shared}).")


def _called(student: type) -> str:
    """How a message names one step of the student's code: ``MyAdam.step()``, or ``adam_update()``."""
    return getattr(student, "called", f"{student.__name__}.step()")


def _construction_failure(student, reference_cls, call, hyperparameters, error, time_limit) -> str:
    functional = hasattr(student, "created")  # an (init, update) pair: init made the state
    head = (f"{student.created} failed" if functional else
            f"{_format_call(student, hyperparameters)} could not be created")
    where = "in init" if functional else "in __init__"
    if isinstance(error, TimeLimitExceeded):
        return f"{head}: it did not finish within {time_limit:g} s. Is there a loop {where} that never ends?"
    if isinstance(error, Delegated):
        return write_it_yourself(f"{head}: it called microopt's {error.name}",
                                 "compute the state from the parameters' values only" if functional
                                 else "use only the base class Optimizer")
    if isinstance(error, NotImplementedError):
        return f"{head}: NotImplementedError: {error}\nHint: {EXCEPTION_HINTS[NotImplementedError]}"
    if functional:
        return f"{head}: {type(error).__name__}: {error}. init takes the list of the parameters' values."
    return (f"{head}: {type(error).__name__}: {error}. Your __init__ must accept the same "
            f"hyperparameters as {reference_cls.__name__}: {call}.")


def _compared_names(expected: _Run, got: _Run) -> list[str]:
    names = []
    if expected.trace is not None and got.trace is not None:
        mine = set(got.trace.names)
        names += [n for n in expected.trace.names if n in mine]
    if expected.states and got.states:
        names += [f"state {r}" for _, r in _state_pairs(expected.states[0][0], got.states[0][0])]
    return names


def _state_pairs(reference: dict[str, float], student: dict[str, float]) -> list[tuple[str, str]]:
    """(student's key, reference's key) for each state entry whose name can be read."""
    pairs, taken = [], set()
    for key in reference:
        aliases = STATE_ALIASES.get(key, (key,))
        mine = next((k for k in student if k not in taken and (k == key or k in aliases)), None)
        if mine is not None:
            pairs.append((mine, key))
            taken.add(mine)
    return pairs


def _first_difference(student, reference_cls, call, problem, expected: _Run, got: _Run,
                      hyperparameters, rtol, atol, time_limit) -> str | None:
    """The failure message for the first step where ``got`` leaves ``expected``, or None."""
    for step, values in enumerate(expected.history, start=1):
        if step > len(got.history):  # the student's step raised
            return _error_message(student, reference_cls, problem, hyperparameters, got, expected, step,
                                  rtol, atol, time_limit)
        for j, (name, want, have) in enumerate(zip(expected.names, values, got.history[step - 1])):
            if close(have, want, rtol, atol):
                continue
            lines = [f"{student.__name__} differs from {call} on {problem.name}, "
                     f"at step {step}, parameter {name!r}:"]
            quantity = _first_quantity(expected, got, step, j, rtol, atol)
            if quantity is not None:
                label, want_q, have_q, order = quantity
                lines.append(f"  {label} differs first (compared in the order {reference_cls.__name__} "
                             f"computes them: {', '.join(order)}): yours {have_q!r}, reference "
                             f"{want_q!r} (off by {abs(have_q - want_q):.3g}).")
            lines.append(f"  θ after the step: yours {have!r}, reference {want!r} "
                         f"(off by {abs(have - want):.3g}).")
            hint = _mistake_hint(student, reference_cls, problem, hyperparameters, got, expected, rtol, atol)
            if hint is None and _negative(got):
                hint = NEGATIVE_V_HINT
            if hint is None:
                hint = QUANTITY_HINTS.get(_reference_name(quantity), (
                    f"compare your code line by line with the equations in "
                    f"help(microopt.optim.{reference_cls.__name__})."))
                if quantity is None:
                    hint += (" Name your variables (or state entries) as in the docstring "
                             f"({', '.join(_reference_names(expected))}) to see which one differs.")
            lines.append(f"Hint: {hint}")
            return "\n".join(lines)
    return None


def _reference_name(quantity) -> str:
    """The reference's name in a label: "m", "state['m']" and "your state['exp_avg'] (read as m)" give m."""
    if quantity is None:
        return ""
    label = quantity[0]
    if " as " in label:
        return label.rsplit(" as ", 1)[-1].rstrip(")")
    return label.split("'")[1] if label.startswith("state[") else label


def _reference_names(run: _Run) -> list[str]:
    names = list(run.trace.names) if run.trace is not None else []
    return names + [k for k in (run.states[0][0] if run.states else {}) if k not in names]


def _first_quantity(expected: _Run, got: _Run, step: int, j: int, rtol, atol):
    """(label, reference value, student value, names compared) of the first differing quantity."""
    name = expected.names[j]
    candidates = []  # (label, reference value, student value), in the reference's order
    want_row, have_row = expected.row(step, name), got.row(step, name)
    if want_row is not None and have_row is not None:
        candidates += [(n, float(want_row.quantities[n]), float(have_row.quantities[n]))
                       for n in want_row.quantities if n in have_row.quantities]
    want_state, have_state = expected.states[step - 1][j], (got.states[step - 1][j] if step <= len(got.states) else {})
    for mine, theirs in _state_pairs(want_state, have_state):
        label = f"state[{theirs!r}]" if mine == theirs else f"your state[{mine!r}] (read as {theirs})"
        candidates.append((label, want_state[theirs], have_state[mine]))
    order = [c[0] for c in candidates]
    for label, want, have in candidates:
        if not close(have, want, rtol, atol):
            return label, want, have, order
    return None


def _negative(run: _Run) -> bool:
    """Did a running mean or sum of g² go negative in the student's state?"""
    return any(value < 0 for states in run.states for state in states for key, value in state.items()
               if any(key in STATE_ALIASES.get(n, (n,)) for n in NON_NEGATIVE))


def _error_text(error: BaseException, where: str) -> str:
    # Optimizer.step rewrites a ZeroDivisionError to advise eps > 0; the check gives its own hint.
    if isinstance(error, ZeroDivisionError) and isinstance(error.__cause__, ZeroDivisionError):
        error = error.__cause__
    return f"{type(error).__name__} {where}: {error}"


def _error_message(student, reference_cls, problem, hyperparameters, got: _Run, expected: _Run, step,
                   rtol, atol, time_limit) -> str:
    error = got.error
    param = got.param_of(error)
    where = f"at step {step}" + (f" (parameter {param!r})" if param else "") + f" on {problem.name}"
    if isinstance(error, TimeLimitExceeded):
        return (f"{_called(student)} did not finish within {time_limit:g} s {where}.\nHint: is there "
                "a loop that never ends (a `while` whose condition stays true)? If your code is just slow, "
                "pass a longer time_limit= to the check.")
    if isinstance(error, Delegated):
        return write_it_yourself(f"{_called(student)} called microopt's own {error.name} {where}",
                                 "compute it from params, grads, state and math only" if hasattr(student, "called")
                                 else "compute the update from p.grad, p.data, state and math only")
    head = f"{_called(student)} raised {_error_text(error, where)}"
    hint = _mistake_hint(student, reference_cls, problem, hyperparameters, got, expected, rtol, atol)
    if hint is None and (_negative(got) or (isinstance(error, ValueError) and "domain" in str(error))):
        hint = NEGATIVE_V_HINT
    hint = hint or EXCEPTION_HINTS.get(type(error), "read the traceback above this message.")
    return f"{head}\nHint: {hint}"


def _mistake_hint(student, reference_cls, problem, hyperparameters, got: _Run, expected: _Run,
                  rtol, atol) -> str | None:
    """The hint of the first known mistake that reproduces every step the student made.

    All the steps, not only the first wrong one: some mistakes agree at the first step
    (Adam's first step is ±lr whatever the gradient's scale) and part ways later. A mistake
    that changes nothing on this problem (maximize ignored when maximize is off) is skipped.
    """
    steps = len(got.history) + (got.error is not None)
    for mistake in wrong_defaults(student, reference_cls, hyperparameters) + catalogue(reference_cls):
        replay = _run(mistake.optimizer_class(reference_cls), problem, hyperparameters, steps, record=False)
        if _same_run(replay, got, rtol, atol) and not _same_run(replay, _prefix(expected, steps), rtol, atol):
            return mistake.hint
    return None


def _prefix(run: _Run, steps: int) -> _Run:
    return _Run(run.names, run.params, run.history[:steps], run.states[:steps], run.trace, run.error)


# With these, the classic momentum mistakes change the numbers; dampening is PyTorch's extra and
# is 0 unless asked for, so a first momentum exercise (or the CS231n velocity form) passes.
SGD_MOMENTUM_SETTINGS = {"lr": 0.05, "momentum": 0.9}


def check_sgd_momentum(student: type | tuple, *, nesterov: bool = False, steps: int = 10,
                       verbose: bool = True, **hyperparameters: Any) -> None:
    """``check_optimizer`` against ``SGD`` with momentum (``SGD_MOMENTUM_SETTINGS``).

    Add ``dampening=``, ``weight_decay=``... by keyword to check those too (your class then
    takes them). With ``nesterov=True`` a second run checks Nesterov momentum (dampening 0).
    """
    settings = {**SGD_MOMENTUM_SETTINGS, **hyperparameters}
    if is_pair(student):
        student = as_optimizer(*student)
    check_optimizer(student, "SGD", steps=steps, verbose=False, **settings)
    runs = [settings]
    if nesterov:
        runs.append({**settings, "nesterov": True, **({"dampening": 0.0} if "dampening" in settings else {})})
        check_optimizer(student, "SGD", steps=steps, verbose=False, **runs[-1])
    if verbose:
        calls = " and ".join(_format_call(_reference_class("SGD"), s) for s in runs)
        print(f"check_sgd_momentum: {student.__name__} matches {calls} on {len(PROBLEMS)} "
              f"problems x {steps} steps.")

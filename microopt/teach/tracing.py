"""Record what an optimizer computes, step by step and parameter by parameter.

Every microopt optimizer moves one parameter in one method, ``update(self, p, state, *,
<hyperparameters>)``, whose local variables are the quantities of its equations under the
names its docstring uses (Adam: ``g, t, m, v, m_hat, v_hat, update``). So nothing needs to
be added to an algorithm to watch it: ``trace`` installs a profiling hook
(``sys.setprofile``) that, each time an ``update`` returns, copies its numeric local
variables. The algorithm reads the same with or without tracing, and a student's own
``Optimizer`` subclass is traced just like the built-in ones.

    >>> from microopt import Value
    >>> from microopt.optim import SGD
    >>> w = Value(2.0, label="w")
    >>> opt = SGD([w], lr=0.1, momentum=0.9)
    >>> w.grad = 4.0
    >>> with trace(opt) as t:
    ...     opt.step()
    >>> t.rows[0].quantities
    {'g': 4.0, 'b': 4.0, 'direction': 4.0, 'update': 0.4}

What is kept: locals holding a float, int or bool, except the arguments of ``update``
(``self``, ``p``, ``state`` and the hyperparameters, which are the same for every step) and
names starting with ``_``. The hook is active only inside ``with``, only in the current
thread, and is removed even when the step raises; a profiler that was already installed
(a debugger or coverage tool) keeps receiving every event.
"""

from __future__ import annotations

import copy
import sys
from dataclasses import dataclass, field
from typing import Any, Callable

from microopt._validate import whole_number
from microopt.engine.value import Value
from microopt.optim.optimizer import Optimizer
from microopt.teach._table import error_html, html_table, text_table

_META = ("step", "param", "loss", "data_before", "data_after")  # row fields, not locals


@dataclass
class TraceRow:
    """One call of ``update``: parameter ``param`` at its ``step``-th update in this trace."""

    step: int
    param: str
    quantities: dict[str, float | int | bool]  # the update's locals, in the order it assigns them
    data_before: float  # the parameter's value before the update
    data_after: float  # ... and after it
    loss: float | None = None  # the loss the gradient came from (``trace_steps`` only)

    def record(self) -> dict[str, Any]:
        """A flat dict; a local named like a column of its own gets " (local)" appended."""
        out: dict[str, Any] = {"step": self.step, "param": self.param}
        if self.loss is not None:
            out["loss"] = self.loss
        for name, value in self.quantities.items():
            out[f"{name} (local)" if name in _META else name] = value
        out["data_before"], out["data_after"] = self.data_before, self.data_after
        return out


@dataclass
class OptimizerTrace:
    """The rows recorded while tracing an optimizer; use as a context manager (see ``trace``).

    ``rows`` is a list of ``TraceRow``; ``names`` lists every recorded quantity in the
    order the update computes them; ``to_records()`` gives flat dicts, and ``column(name)``
    one quantity over time. ``print(t)`` shows a text table, a notebook an HTML table.
    """

    optimizer: Any
    param_names: dict[Value, str]
    rows: list[TraceRow] = field(default_factory=list)
    _updates_seen: dict[Value, int] = field(default_factory=dict, repr=False)
    _hook: Any = field(default=None, repr=False)
    note: str = ""  # said after the title, e.g. that trace_steps put the parameters back

    # ----------------------------------------------------------------- recording
    def __enter__(self) -> OptimizerTrace:
        if self._hook is not None:
            raise RuntimeError("this trace is already recording: a `with` block cannot be nested in itself.")
        self._hook = _UpdateHook(_update_codes(type(self.optimizer)), self._add_row)
        self._hook.install()
        return self

    def __exit__(self, *exc_info) -> None:
        self._hook.remove()
        self._hook = None

    def _add_row(self, p: Value, quantities: dict, data_before: float) -> None:
        step = self._updates_seen.get(p, 0) + 1
        self._updates_seen[p] = step
        name = self.param_names.get(p) or (str(p.label) if p.label else f"p{len(self.param_names)}")
        self.param_names.setdefault(p, name)
        self.rows.append(TraceRow(step, name, quantities, data_before, p.data))

    # ----------------------------------------------------------------- reading
    @property
    def names(self) -> list[str]:
        """Every quantity recorded, in order of first appearance."""
        seen: dict[str, None] = {}
        for row in self.rows:
            seen.update(dict.fromkeys(row.quantities))
        return list(seen)

    def to_records(self) -> list[dict[str, Any]]:
        """One flat dict per row: step, param, (loss), the quantities, data_before, data_after."""
        return [row.record() for row in self.rows]

    def column(self, name: str, param: str | None = None) -> list:
        """The values of quantity ``name`` over the rows (of parameter ``param`` only, if given)."""
        if name not in self.names and name not in _META:
            raise KeyError(f"no quantity {name!r} was recorded; recorded: {', '.join(self.names)}.")
        rows = [r for r in self.rows if param is None or r.param == param]
        if name in _META:
            return [getattr(r, name) for r in rows]
        return [r.quantities.get(name) for r in rows]

    def _table(self) -> tuple[list[str], list[list]]:
        names = self.names
        with_loss = any(r.loss is not None for r in self.rows)
        header = ["step", "param", *(["loss"] if with_loss else []), *names, "θ before", "θ after"]
        rows = [[r.step, r.param, *([r.loss] if with_loss else []),
                 *(r.quantities.get(n) for n in names), r.data_before, r.data_after]
                for r in self.rows]
        return header, rows

    def _title(self) -> str:
        steps = max((r.step for r in self.rows), default=0)
        return (f"{type(self.optimizer).__name__} trace: {len(self.rows)} updates "
                f"({steps} steps x {len(self.param_names)} parameters){self.note}")

    def __str__(self) -> str:
        if not self.rows:
            return self._title() + ": nothing recorded (call optimizer.step() inside `with`)."
        return self._title() + "\n" + text_table(*self._table())

    def __repr__(self) -> str:
        return f"<OptimizerTrace of {type(self.optimizer).__name__}: {len(self.rows)} rows>"

    def _repr_html_(self) -> str:
        try:
            return html_table(*self._table(), caption=self._title())
        except Exception as error:  # a notebook display must never raise
            return error_html("OptimizerTrace", error)

    def __len__(self) -> int:
        return len(self.rows)


class _UpdateHook:
    """The profile function: on return from a watched ``update``, hand over its locals.

    An ``update`` may call ``super().update(...)``: the frames nest, so the locals of all of
    them are merged (inner first) and handed over once, when the outermost one returns.
    """

    def __init__(self, codes: set, on_update: Callable[[Value, dict, float], None]) -> None:
        self.codes = codes
        self.on_update = on_update
        self.previous = None
        self.depth = 0
        self.pending: dict[str, Any] = {}
        self.param: Value | None = None
        self.data_before = 0.0

    def install(self) -> None:
        self.previous = sys.getprofile()
        sys.setprofile(self)

    def remove(self) -> None:
        sys.setprofile(self.previous)

    def __call__(self, frame, event: str, arg: Any) -> None:
        if frame.f_code in self.codes:
            if event == "call":
                if self.depth == 0:
                    self.param = frame.f_locals.get(frame.f_code.co_varnames[1])
                    self.data_before = self.param.data if isinstance(self.param, Value) else float("nan")
                self.depth += 1
            elif event == "return":
                self.pending.update(_quantities(frame))
                self.depth -= 1
                if self.depth == 0:
                    quantities, self.pending = self.pending, {}
                    if isinstance(self.param, Value):
                        self.on_update(self.param, quantities, self.data_before)
        if self.previous is not None:
            self.previous(frame, event, arg)


def _update_codes(cls: type) -> set:
    """The code objects of every ``update`` defined along the class hierarchy."""
    codes = {klass.__dict__["update"].__code__ for klass in cls.__mro__
             if klass is not Optimizer and callable(klass.__dict__.get("update"))
             and hasattr(klass.__dict__["update"], "__code__")}
    if not codes:
        raise TypeError(
            f"{cls.__name__} has no update(self, p, state, ...) method to trace. An optimizer "
            "defines how one parameter moves in update(); see microopt.optim.Optimizer."
        )
    return codes


def _quantities(frame) -> dict[str, float | int | bool]:
    code = frame.f_code
    arguments = set(code.co_varnames[: code.co_argcount + code.co_kwonlyargcount])
    return {name: value for name, value in frame.f_locals.items()
            if name not in arguments and not name.startswith("_")
            and isinstance(value, (int, float))}


def _param_names(optimizer, names) -> dict[Value, str]:
    params = [p for group in optimizer.param_groups for p in group["params"]]
    if names is None:
        return {p: str(p.label) if p.label else f"p{i}" for i, p in enumerate(params)}
    if hasattr(names, "named_parameters"):  # a Module: its parameter names
        return {p: name for name, p in names.named_parameters()}
    if isinstance(names, dict):
        return dict(names)
    names = list(names)
    if len(names) != len(params):
        raise ValueError(
            f"names has {len(names)} entries but the optimizer has {len(params)} parameters; "
            "give one name per parameter, in order, or pass the model (a Module)."
        )
    return dict(zip(params, names))


def trace(optimizer, names=None) -> OptimizerTrace:
    """Record every ``update`` the optimizer makes inside a ``with`` block.

    ``names`` labels the parameters in the table: a Module (its ``named_parameters()``), a
    dict Value -> name, or a list of names in parameter order. By default a parameter's label,
    else ``p0, p1, ...`` by position. Recording again with the same trace appends rows.

    >>> with trace(opt) as t:          # doctest: +SKIP
    ...     opt.step()
    >>> print(t)                       # doctest: +SKIP
    """
    if not isinstance(optimizer, Optimizer):
        raise TypeError(
            f"trace needs a microopt.optim.Optimizer, got {type(optimizer).__name__}: "
            f"{optimizer!r}. Create one first, e.g. Adam(model.parameters(), lr=0.01)."
        )
    return OptimizerTrace(optimizer, _param_names(optimizer, names))


def trace_steps(optimizer, loss_fn: Callable[[], Value], steps: int = 5, names=None, *,
                restore: bool = True) -> OptimizerTrace:
    """Run ``steps`` training steps and record each update, then put the parameters back.

    One step is the usual loop: ``zero_grad()``, ``loss = loss_fn()``, ``loss.backward()``,
    ``step()``. ``loss_fn`` takes no arguments and returns the loss Value, built from the
    optimizer's parameters. Each row also holds the loss its gradient came from.

    The steps are a rehearsal: afterwards (even if a step raises) every parameter's ``data``
    and ``grad`` and the optimizer's state are restored as they were, so tracing never moves
    your model; the table's title says so. ``restore=False`` keeps the steps taken, and the
    title says that instead.
    """
    steps = whole_number("steps", steps, minimum=1, advice="It is how many optimizer steps to trace.")
    t = trace(optimizer, names)
    params = [p for group in optimizer.param_groups for p in group["params"]]
    saved = ([(p.data, p.grad) for p in params], copy.deepcopy(dict(optimizer.state)), optimizer._step_count)
    try:
        for _ in range(steps):
            optimizer.zero_grad()
            loss = loss_fn()
            if not isinstance(loss, Value):
                raise TypeError(
                    f"loss_fn must return a Value (the loss), got {type(loss).__name__}: {loss!r}."
                )
            loss.backward()
            first = len(t.rows)
            with t:
                optimizer.step()
            for row in t.rows[first:]:
                row.loss = loss.data
    finally:
        if restore:
            for p, (data, grad) in zip(params, saved[0]):
                p.data, p.grad = data, grad
            optimizer.state.clear()
            optimizer.state.update(saved[1])
            optimizer._step_count = saved[2]
    t.note = ("; parameters and optimizer state restored afterwards (restore=False keeps the steps)" if restore
              else f"; the parameters kept these {steps} steps (restore=False)")
    return t

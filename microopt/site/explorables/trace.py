"""Explorable: an optimizer's update, step by step, next to the code that computes it.

``microopt.teach.trace_steps`` records the local variables of every ``update(p, state, ...)``
call (Adam's ``g, m, v, m_hat, v_hat, update``) while the optimizer takes ``STEPS`` steps on
Rosenbrock's function. The page shows that ``update`` method's source with each recorded
value beside the line that assigns it, for the step and parameter chosen.
"""

from __future__ import annotations

import html
import inspect
import re
import textwrap

from microopt.engine.value import Value
from microopt.functions import get
from microopt.teach.tracing import trace_steps
from microopt.train.presets import PRESETS, preset

NAME = "trace"
TITLE = "Inside an optimizer step"
SUMMARY = "Step through Adam (or momentum, RMSprop, Adagrad, Lion): g, m, v, m_hat, v_hat and the update."

OPTIMIZERS = ("adam", "momentum", "rmsprop", "adagrad", "nadam", "lion")
LRS = {"momentum": 0.001}  # the preset's 0.01 leaves Rosenbrock's valley at once; others use their preset's
STEPS = 20
FUNCTION = "rosenbrock"
_ASSIGNED = re.compile(r"^\s*([A-Za-z_][\w]*(?:\s*,\s*[A-Za-z_][\w]*)*)\s*=(?!=)")


def shown(value) -> str:
    """A recorded quantity as the trace table prints it: 6 significant digits, ints and bools as they are."""
    return format(value, ".6g") if isinstance(value, float) else str(value)


def source_lines(optimizer) -> list[tuple[str, list[str]]]:
    """The lines of the ``update`` method the optimizer runs, each with the names it assigns."""
    method = next(klass.__dict__["update"] for klass in type(optimizer).__mro__ if "update" in klass.__dict__)
    lines = textwrap.dedent(inspect.getsource(method)).splitlines()
    out = []
    for line in lines:
        match = _ASSIGNED.match(line)
        out.append((line, [name.strip() for name in match.group(1).split(",")] if match else []))
    return out


def optimizer_data(name: str) -> dict:
    function = get(FUNCTION)
    x, y = Value(function.start[0], label="x"), Value(function.start[1], label="y")
    lr = LRS.get(name, PRESETS[name][1]["lr"])
    optimizer = preset(name, lr)([x, y])
    recorded = trace_steps(optimizer, lambda: function(x, y), steps=STEPS)
    lines = source_lines(optimizer)
    steps = {param: [] for param in ("x", "y")}
    for row in recorded.rows:
        steps[row.param].append({"step": row.step, "loss": shown(row.loss), "before": shown(row.data_before),
                                 "after": shown(row.data_after),
                                 "values": {k: shown(v) for k, v in row.quantities.items()}})
    series = {param: {q: [r.quantities.get(q) for r in recorded.rows if r.param == param
                          and isinstance(r.quantities.get(q), float)] for q in recorded.names} for param in steps}
    return {"title": f"{type(optimizer).__name__}(lr={lr:g}) on {FUNCTION}, from ({function.start[0]:g}, "
                     f"{function.start[1]:g})",
            "class": type(optimizer).__name__, "source": [line for line, _ in lines],
            "assigns": [names for _, names in lines], "names": recorded.names, "steps": steps, "series": series,
            "first": {name: next(i for i, (_, names) in enumerate(lines) if name in names)
                      for name in recorded.names if any(name in names for _, names in lines)}}


def build() -> tuple[dict, str]:
    data = {name: optimizer_data(name) for name in OPTIMIZERS}
    options = "".join(f'<option value="{name}">{name} ({html.escape(data[name]["class"])})</option>'
                      for name in OPTIMIZERS)
    body = f"""
<h1>{TITLE}</h1>
<p class="lead">Every microopt optimizer moves one parameter in one method, <code>update(p, state, ...)</code>,
whose local variables are the quantities of its paper under the paper's names. Adam keeps a running mean of the
gradient, <code>m</code>, and of its square, <code>v</code>; both start at zero, so the first steps divide them by
1 − βᵗ (<code>m_hat</code>, <code>v_hat</code>), and the step is lr · m_hat / (√v_hat + ε): about lr in size whatever
the gradient's scale. Below is that method's own source; beside each line, the value it computed at the chosen step,
recorded by <code>microopt.teach.trace_steps</code> while the optimizer took {STEPS} steps on {FUNCTION}'s
function when this page was built.</p>
<div class="controls">
<label>optimizer <select id="optimizer">{options}</select></label>
<label>parameter <select id="param"><option value="x">x</option><option value="y">y</option></select></label>
<button id="previous" type="button" aria-label="previous step">← previous</button>
<input id="slider" type="range" step="1" value="0" aria-label="step">
<button id="next" type="button" aria-label="next step">next →</button>
<span id="position" class="position"></span>
</div>
<h2 id="trace-title"></h2>
<p id="summary"></p>
<div class="trace-layout">
<div id="code" class="code" aria-label="the update method with this step's values"></div>
<table class="numbers" id="quantities"><thead><tr><th>quantity</th><th>this step</th>
<th>over the {STEPS} steps</th></tr></thead><tbody></tbody></table>
</div>
"""
    return data, body

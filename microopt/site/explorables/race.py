"""Explorable: an optimizer race you configure, over a grid of races run at build time.

For each landscape, ``microopt.train.race`` runs every optimizer of ``OPTIMIZERS`` at each of
``FACTORS`` times its preset learning rate, from the landscape's own start. Ticking optimizers
and choosing their rates selects runs from that grid: the page draws their trajectories and loss
curves together and lists microopt's results for them.
"""

from __future__ import annotations

import html

from microopt.functions import get
from microopt.site.charts import landscape, map_axes
from microopt.site.explorables._runs import loss_axes, run_data
from microopt.train.presets import PRESETS, preset
from microopt.train.race import race
from microopt.viz.style import color_for

NAME = "race"
TITLE = "Optimizer race"
SUMMARY = "Pick optimizers and learning rates; compare their paths and losses on Rosenbrock and Himmelblau."

FUNCTIONS = ("rosenbrock", "himmelblau")
OPTIMIZERS = ("gd", "momentum", "rmsprop", "adagrad", "adam", "lion")
FACTORS = (0.1, 0.3, 1.0, 3.0)  # times the preset's learning rate
STEPS = 150
SHOWN = ("gd", "momentum", "adam")  # ticked when the page opens, each at its best rate on the landscape


def learning_rates(name: str) -> list[float]:
    """The grid of rates for preset ``name``, rounded to 3 digits like ``log_space``'s."""
    return [float(f"{PRESETS[name][1]['lr'] * factor:.3g}") for factor in FACTORS]


def function_data(name: str) -> tuple[dict, str]:
    function = get(name)
    factories = {f"{opt}@{lr:g}": preset(opt, lr) for opt in OPTIMIZERS for lr in learning_rates(opt)}
    result = race(factories, function, steps=STEPS)
    runs = list(result)
    minimum = function.minimum_value or 0.0
    losses = loss_axes(runs, STEPS, width=440, height=330)
    contour = map_axes(function, width=440)
    best = {opt: min(learning_rates(opt), key=lambda lr: result[f"{opt}@{lr:g}"].final_loss) for opt in OPTIMIZERS}
    data = {"formula": function.formula, "start": list(function.start),
            "best": {opt: f"{lr:g}" for opt, lr in best.items()},
            "runs": {run.name: run_data(run, losses, minimum) for run in runs}}
    figure = f"""
<section class="problem" data-problem="{name}" hidden>
<div class="charts">
<figure>{contour.svg(f"{name}-map", background=landscape(function, contour), title="trajectories")}
<figcaption>f(x, y) = {html.escape(function.formula)}: log-scaled colour and contours of f − f*, ★ the
global minima, ● the start.</figcaption></figure>
<figure>{losses.svg(f"{name}-loss", title="losses")}
<figcaption>f − f* at every step (log scale); a diverged run leaves through the top.</figcaption></figure>
</div>
</section>"""
    return data, figure


def build() -> tuple[dict, str]:
    data = {"optimizers": {opt: {"color": color_for(opt), "lrs": [f"{lr:g}" for lr in learning_rates(opt)],
                                 "preset": f"{PRESETS[opt][1]['lr']:g}"} for opt in OPTIMIZERS},
            "functions": {}}
    sections = []
    for name in FUNCTIONS:
        data["functions"][name], section = function_data(name)
        sections.append(section)
    rows = []
    for opt in OPTIMIZERS:
        spec = data["optimizers"][opt]
        choices = "".join(f'<option value="{lr}"{" selected" if lr == spec["preset"] else ""}>lr {lr}</option>'
                          for lr in spec["lrs"])
        checked = " checked" if opt in SHOWN else ""
        rows.append(f'<label><input type="checkbox" class="run-toggle" value="{opt}"{checked}>'
                    f'<span class="swatch" style="background:{spec["color"]}"></span>{opt} '
                    f'<select class="run-lr" data-optimizer="{opt}" aria-label="learning rate of {opt}">{choices}'
                    "</select></label>")
    options = "".join(f'<option value="{name}">{name}</option>' for name in FUNCTIONS)
    body = f"""
<h1>{TITLE}</h1>
<p class="lead">A fair race changes one thing only, the optimizer: every runner starts from the same point and
takes the same {STEPS} steps. Momentum builds up speed along a consistent direction, RMSprop and Adam divide each
coordinate's step by a running size of its gradient, so a steep wall and a flat floor get similar steps; Lion keeps
only the sign. Which wins depends on the landscape and on the learning rate: try each optimizer at several rates
before calling a winner (each starts at the rate of its grid that ends lowest on this landscape).
All {len(OPTIMIZERS) * len(FACTORS)} runs per landscape were computed by
<code>microopt.train.race</code> when this page was built (the rates are 0.1, 0.3, 1 and 3 times each preset's).</p>
<div class="controls">
<label>landscape <select id="problem">{options}</select></label>
<div class="optimizer-list">{"".join(rows)}</div>
</div>
{"".join(sections)}
<table class="numbers" id="results"><thead><tr><th>optimizer</th><th>lr</th><th>final f − f*</th>
<th>outcome</th></tr></thead><tbody></tbody></table>
"""
    return data, body

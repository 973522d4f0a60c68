"""Explorable: one learning rate at a time, on the quadratic bowl and on Rosenbrock's valley.

``microopt.train.lr_sweep`` runs plain gradient descent once per rate of a log-spaced grid when
the page is built; the slider picks a rate and the page draws that run's trajectory on the
contour map, its loss curve, and where it sits on the sweep (final loss against rate).
"""

from __future__ import annotations

import html

from microopt.functions import get
from microopt.site.charts import Axes, landscape, map_axes
from microopt.site.explorables._runs import loss_axes, run_data
from microopt.train.sweep import log_space, lr_sweep

NAME = "learning-rate"
TITLE = "The learning rate, on a bowl and in a valley"
SUMMARY = "Slide through learning rates for gradient descent: too small crawls, too large diverges."

# name -> (function, its learning rates, steps, what to look for)
PROBLEMS = {
    "bowl": ("quadratic", log_space(0.003, 0.3, per_decade=8), 60,
             "The bowl ½(x² + 10y²) is ten times steeper along y than along x. Gradient descent is stable only "
             "while lr < 2/10 = 0.2: past it each step overshoots the valley floor by more than it corrects, "
             "and the zig-zag grows until the run diverges."),
    "rosenbrock": ("rosenbrock", log_space(1e-4, 0.01, per_decade=6), 300,
                   "Rosenbrock's valley is easy to find and hard to follow: the walls are steep, the floor "
                   "almost flat. A rate small enough for the walls barely moves along the floor; a little "
                   "more and the first steps bounce out of the valley."),
}


def problem_data(key: str) -> tuple[dict, str]:
    name, lrs, steps, text = PROBLEMS[key]
    function = get(name)
    sweep = lr_sweep(function, "gd", lrs=lrs, steps=steps)
    runs = list(sweep.race)
    minimum = function.minimum_value or 0.0
    losses = loss_axes(runs, steps, width=440, height=250)
    contour = map_axes(function, width=440)
    sweep_axes = Axes((lrs[0], lrs[-1]), losses.y, "learning rate (log scale)", "loss after the last step",
                      width=440, height=250, log_x=True, log_y=True)
    data = {"function": function.formula, "steps": steps, "lrs": [f"{lr:g}" for lr in lrs], "lr_values": lrs,
            "best": f"{sweep.best_lr:g}" if sweep.best_lr is not None else None,
            "sweep": [[lr, max(loss - minimum, losses.y[0])]
                      for lr, loss, diverged in zip(lrs, sweep.losses, sweep.diverged) if not diverged],
            "diverged_lrs": [lr for lr, diverged in zip(lrs, sweep.diverged) if diverged],
            "runs": [run_data(run, losses, minimum) for run in runs], "start": list(function.start)}
    figure = f"""
<section class="problem" data-problem="{key}" hidden>
<p>{html.escape(text)}</p>
<div class="charts">
<figure>{contour.svg(f"{key}-map", background=landscape(function, contour), title="trajectory on the contour map")}
<figcaption>f(x, y) = {html.escape(function.formula)}: colour and white contours on a log scale of f − f*,
★ the minimum, ● the start.</figcaption></figure>
<div><figure>{losses.svg(f"{key}-loss", title="loss per step")}
<figcaption>f − f* at every step of this run; a run that diverges leaves through the top.</figcaption></figure>
<figure>{sweep_axes.svg(f"{key}-sweep", title="final loss against learning rate")}
<figcaption>The sweep: f − f* after {steps} steps at each rate (✕ at the top: diverged); the ring is the rate
chosen.</figcaption></figure></div>
</div>
</section>"""
    return data, figure


def build() -> tuple[dict, str]:
    data, sections = {}, []
    for key in PROBLEMS:
        data[key], section = problem_data(key)
        sections.append(section)
    options = "".join(f'<option value="{key}">{key}</option>' for key in PROBLEMS)
    body = f"""
<h1>{TITLE}</h1>
<p class="lead">Gradient descent takes steps of the learning rate times the gradient, θ ← θ − lr ∇f(θ). Too small,
and after hundreds of steps it has barely moved; too large, and every step overshoots, each farther than the last,
until the loss explodes. The best rate usually sits just below the one where divergence begins. Every run on this
page was computed by <code>microopt.train.lr_sweep</code> with plain gradient descent, from the same start, when
the page was built; the slider only chooses which one to draw.</p>
<div class="controls">
<label>landscape <select id="problem">{options}</select></label>
<button id="previous" type="button" aria-label="smaller learning rate">← smaller</button>
<input id="slider" type="range" step="1" value="0" aria-label="learning rate">
<button id="next" type="button" aria-label="larger learning rate">larger →</button>
<span>lr = <span id="lr" class="value"></span></span>
<span>final loss <span id="final" class="value"></span></span>
<span id="status" class="status"></span>
</div>
<p id="message" class="position"></p>
{"".join(sections)}
"""
    return data, body


"""Write the exercise notebooks: each exercise as a template (TODO cells) and its solution.

Both versions come from the one list of cells below, so they never drift apart. A cell is
markdown, plain code, an *exercise* (template source that raises NotImplementedError, and the
solution source), or a *check* (a call to a ``microopt.exercises`` checker). Exercise and check
cells carry the tags "exercise" and "check", which the tests use. Run from anywhere:

    python notebooks/exercises/make_notebooks.py

Notebooks are written without outputs, with the kernel ``python3``.
"""

from __future__ import annotations

import pathlib

import nbformat

HERE = pathlib.Path(__file__).resolve().parent


def md(text):
    return ("markdown", text.strip("\n"), None)


def code(text):
    return ("code", text.strip("\n"), None)


def exercise(template, solution):
    return ("exercise", template.strip("\n"), solution.strip("\n"))


def check(text):
    return ("check", text.strip("\n"), None)


# ----------------------------------------------------------------------------- 01: backward
BACKWARD = [
    md("""
# Exercise 1: write the backward rule of an operation

Every operation of `microopt.Value` computes two things at once: its **forward value** and its
**local derivative** with respect to each input. `backward()` then only multiplies and adds:
`parent.grad += local_derivative * node.grad`. So an op is correct exactly when these two
numbers are correct, and that is what you write here, as plain functions on floats:

```python
def rule(x):      ->  (value, d value / dx)
def rule(a, b):   ->  (value, (d value / da, d value / db))
```

`check_backward(rule, "tanh")` compares your rule with microopt's own op and with **central
differences** of your forward value, $(f(x+h) - f(x-h)) / 2h$, at ordinary points and at edge
points (0, very large inputs, the edge of the domain). On a mistake it raises an
`AssertionError` saying where and giving a hint; on success it prints one line.
"""),
    code("""
import math

from microopt import Value
from microopt.exercises import check_backward
from microopt.teach import step_through
"""),
    md("""
## 1.1 tanh

$\\tanh(x) = \\dfrac{e^{x} - e^{-x}}{e^{x} + e^{-x}}$ and $\\dfrac{d}{dx}\\tanh(x) = 1 - \\tanh(x)^2$.

Write the derivative with the **output** $t = \\tanh(x)$: it is cheaper (no second `tanh`), and
it is how every autograd engine stores it. Careful: the checker tries $x = \\pm 800$, where
$e^{x}$ overflows. `math.tanh` never does.
"""),
    exercise("""
def tanh_rule(x):
    # TODO: return (tanh(x), d tanh(x) / dx), the derivative written with the output
    raise NotImplementedError("TODO: write tanh_rule")
""", """
def tanh_rule(x):
    t = math.tanh(x)
    return t, 1 - t * t
"""),
    check("""
check_backward(tanh_rule, "tanh")
"""),
    md("""
## 1.2 sigmoid, without overflow

$\\sigma(x) = \\dfrac{1}{1 + e^{-x}}$ and $\\sigma'(x) = \\sigma(x)\\,(1 - \\sigma(x))$.

The formula as written computes $e^{-x}$, which overflows for $x < -709.78$. A stable form only
ever takes `math.exp` of a non-positive number: for $x < 0$, $\\sigma(x) = \\dfrac{e^{x}}{1 + e^{x}}$.
"""),
    exercise("""
def sigmoid_rule(x):
    # TODO: return (sigmoid(x), its derivative), never calling math.exp on a positive number
    raise NotImplementedError("TODO: write sigmoid_rule")
""", """
def sigmoid_rule(x):
    e = math.exp(-abs(x))          # at most 1: cannot overflow
    s = 1 / (1 + e) if x >= 0 else e / (1 + e)
    return s, s * (1 - s)
"""),
    check("""
check_backward(sigmoid_rule, "sigmoid")
"""),
    md("""
## 1.3 division, an operation with two inputs

$\\dfrac{\\partial}{\\partial a}\\dfrac{a}{b} = \\dfrac{1}{b}$ and
$\\dfrac{\\partial}{\\partial b}\\dfrac{a}{b} = -\\dfrac{a}{b^2}$. Return both, in the order of the inputs.
"""),
    exercise("""
def div_rule(a, b):
    # TODO: return (a / b, (d/da, d/db))
    raise NotImplementedError("TODO: write div_rule")
""", """
def div_rule(a, b):
    q = a / b
    return q, (1 / b, -q / b)      # -a/b² written as -(a/b)/b
"""),
    check("""
check_backward(div_rule, "/")
"""),
    md("""
## 1.4 the chain rule by hand

For $L = \\tanh(a \\cdot b + a)$ at $a = 2$, $b = -3$, compute $\\partial L/\\partial a$ and
$\\partial L/\\partial b$ **with your rules only** (no `Value`): a forward pass that keeps each
local derivative, then multiply them backwards. Remember that $a$ is used twice: its two
contributions add up.
"""),
    exercise("""
a, b = 2.0, -3.0
# TODO: forward pass with mul (write it inline), then tanh_rule; then the chain rule backwards
dL_da = dL_db = None
raise NotImplementedError("TODO: compute dL_da and dL_db by hand")
""", """
a, b = 2.0, -3.0
n = a * b + a                      # d n/da = b + 1 (a appears twice), d n/db = a
L, dL_dn = tanh_rule(n)
dL_da = dL_dn * (b + 1)
dL_db = dL_dn * a
"""),
    md("""
Now compare with `backward()`, and look at the steps it takes: each line is one
`parent.grad += local * node.grad`. Note the two additions into `a`.
"""),
    check("""
va, vb = Value(a, label="a"), Value(b, label="b")
L = (va * vb + va).tanh()
L.label = "L"
L.backward()
assert dL_da is not None and dL_db is not None, "compute dL_da and dL_db first (exercise 1.4)"
assert math.isclose(dL_da, va.grad, rel_tol=1e-12), f"dL/da: yours {dL_da}, backward() {va.grad}"
assert math.isclose(dL_db, vb.grad, rel_tol=1e-12), f"dL/db: yours {dL_db}, backward() {vb.grad}"
print(step_through(L))
"""),
]

# ----------------------------------------------------------------------------- 02: Adam
ADAM_EQUATIONS = """
For each parameter θ with gradient $g$, at step $t = 1, 2, \\dots$ (learning rate γ, betas
$(β_1, β_2)$, ε, weight decay λ):

| quantity | equation | note |
|---|---|---|
| `g` | $g ← ∇f(θ) + λθ$ | the decay term only when λ > 0 (coupled, L2) |
| `t` | $t ← t + 1$ | kept in `state`, so the first step has t = 1 |
| `m` | $m ← β_1 m + (1 - β_1)\\, g$ | starts at 0, kept in `state` |
| `v` | $v ← β_2 v + (1 - β_2)\\, g^2$ | starts at 0, kept in `state` |
| `m_hat` | $\\hat m = m / (1 - β_1^t)$ | bias correction |
| `v_hat` | $\\hat v = v / (1 - β_2^t)$ | bias correction |
| `update` | $γ\\, \\hat m / (\\sqrt{\\hat v} + ε)$ | ε outside the square root |
| | $θ ← θ - \\text{update}$ | |
"""

ADAM = [
    md("""
# Exercise 2: write Adam

You will write Adam as a subclass of `microopt.optim.Optimizer`, exactly as microopt's own
optimizers are written: the base class handles parameter groups, state and `step()`, which
calls your `update(p, state, **hyperparameters)` once for every parameter `p`. Your job is that
one method: read `p.grad`, keep what must survive between steps in the dict `state` (it is
empty at the first step), and change `p.data`.
""" + ADAM_EQUATIONS + """
Use these names for your variables (`g`, `t`, `m`, `v`, `m_hat`, `v_hat`, `update`):
`check_optimizer` records them and, on a mismatch, tells you **which one** differs first from
PyTorch's Adam, at which step and for which parameter.
"""),
    code("""
import math

from microopt import Value
from microopt.exercises import check_optimizer
from microopt.optim import Optimizer
from microopt.teach import trace_steps
"""),
    exercise("""
class MyAdam(Optimizer):
    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0):
        super().__init__(params, dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay))

    def update(self, p, state, *, lr, betas, eps, weight_decay):
        beta1, beta2 = betas
        # TODO: g (with weight decay), t, m, v (read from and saved to state), m_hat, v_hat, update;
        # then move p.data
        raise NotImplementedError("TODO: write MyAdam.update")
""", """
class MyAdam(Optimizer):
    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0):
        super().__init__(params, dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay))

    def update(self, p, state, *, lr, betas, eps, weight_decay):
        beta1, beta2 = betas
        if not state:
            state.update(t=0, m=0.0, v=0.0)
        g = p.grad + weight_decay * p.data
        t = state["t"] = state["t"] + 1
        m = state["m"] = beta1 * state["m"] + (1 - beta1) * g
        v = state["v"] = beta2 * state["v"] + (1 - beta2) * g * g
        m_hat = m / (1 - beta1 ** t)
        v_hat = v / (1 - beta2 ** t)
        update = lr * m_hat / (math.sqrt(v_hat) + eps)
        p.data -= update
"""),
    check("""
check_optimizer(MyAdam, "Adam", lr=0.01)
check_optimizer(MyAdam, "Adam", lr=0.01, weight_decay=0.1)
"""),
    md("""
## Look inside your own optimizer

`trace_steps` runs a few steps of any optimizer, yours included, and records the variables of
its `update`. On $f(w) = w^2$ from $w = 1$: at step 1, `m_hat` is exactly $g$ and `v_hat`
exactly $g^2$, so the first step is $γ$ against the gradient, whatever its size.
"""),
    check("""
w = Value(1.0, label="w")
trace_steps(MyAdam([w], lr=0.1), lambda: w * w, steps=3)
"""),
    md("""
## 2.2 AdamW: decoupled weight decay

Adam's `weight_decay` goes through the gradient, so it is divided by $\\sqrt{\\hat v}$ like the
rest: weights with large gradients are barely decayed. AdamW shrinks θ directly, by the same
factor for every weight, **before** the Adam step, and does not touch `g`:
$θ ← θ\\,(1 - γλ)$. Write it by changing only what differs from `MyAdam`.
"""),
    exercise("""
class MyAdamW(MyAdam):
    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2):
        super().__init__(params, lr=lr, betas=betas, eps=eps, weight_decay=weight_decay)

    def update(self, p, state, *, lr, betas, eps, weight_decay):
        # TODO: decay p.data directly, then an Adam step without weight decay in g
        raise NotImplementedError("TODO: write MyAdamW.update")
""", """
class MyAdamW(MyAdam):
    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2):
        super().__init__(params, lr=lr, betas=betas, eps=eps, weight_decay=weight_decay)

    def update(self, p, state, *, lr, betas, eps, weight_decay):
        p.data *= 1 - lr * weight_decay
        super().update(p, state, lr=lr, betas=betas, eps=eps, weight_decay=0.0)
"""),
    check("""
check_optimizer(MyAdamW, "AdamW", lr=0.01, weight_decay=0.1)
"""),
    md("""
## 2.3 Read a failure message

Here is an Adam with a classic mistake. Run the cell and read what the checker says: the step,
the parameter, the first quantity that differs, and the hint. Then find the bug in the code.
"""),
    code("""
class BuggyAdam(MyAdam):
    def update(self, p, state, *, lr, betas, eps, weight_decay):
        beta1, beta2 = betas
        if not state:
            state.update(t=0, m=0.0, v=0.0)
        g = p.grad + weight_decay * p.data
        t = state["t"] = state["t"] + 1
        m = state["m"] = beta1 * state["m"] + (1 - beta1) * g
        v = state["v"] = beta2 * state["v"] + (1 - beta2) * g * g
        m_hat = m / (1 - beta1 ** t)
        v_hat = v / (1 - beta2 ** t)
        update = lr * m_hat / math.sqrt(v_hat + eps)
        p.data -= update


try:
    check_optimizer(BuggyAdam, "Adam", lr=0.01)
except AssertionError as failure:
    print(failure)
"""),
]

# ----------------------------------------------------------------------------- 03: momentum
MOMENTUM = [
    md("""
# Exercise 3: SGD with momentum, PyTorch's way

Momentum keeps a running sum of past gradients, the buffer $b$, and steps along it. PyTorch's
`SGD` (learning rate γ, momentum μ, dampening τ, weight decay λ):

| quantity | equation | note |
|---|---|---|
| `g` | $g ← ∇f(θ) + λθ$ | coupled weight decay |
| `b` | $b ← g$ at the first step, then $b ← μ b + (1 - τ)\\, g$ | kept in `state["momentum_buffer"]` |
| `direction` | $g + μ b$ with Nesterov, else $b$ | |
| `update` | $γ \\cdot \\text{direction}$ | $θ ← θ - \\text{update}$ |

Watch the first step: the buffer starts at $g$ itself, not at 0, and is not dampened. (Many
write-ups start it at 0; with dampening the two differ.) `check_sgd_momentum` runs your class
beside `torch.optim.SGD`'s rules with momentum 0.9, dampening 0.1 and weight decay 0.01, where
the usual mistakes change the numbers.
"""),
    code("""
from microopt import Value
from microopt.exercises import check_sgd_momentum
from microopt.optim import Optimizer
from microopt.teach import trace_steps
"""),
    exercise("""
class MySGD(Optimizer):
    def __init__(self, params, lr=1e-3, momentum=0.0, dampening=0.0, weight_decay=0.0, nesterov=False):
        super().__init__(params, dict(lr=lr, momentum=momentum, dampening=dampening,
                                      weight_decay=weight_decay, nesterov=nesterov))

    def update(self, p, state, *, lr, momentum, dampening, weight_decay, nesterov):
        # TODO: g, then b (state["momentum_buffer"]), direction, update; then move p.data
        raise NotImplementedError("TODO: write MySGD.update")
""", """
class MySGD(Optimizer):
    def __init__(self, params, lr=1e-3, momentum=0.0, dampening=0.0, weight_decay=0.0, nesterov=False):
        super().__init__(params, dict(lr=lr, momentum=momentum, dampening=dampening,
                                      weight_decay=weight_decay, nesterov=nesterov))

    def update(self, p, state, *, lr, momentum, dampening, weight_decay, nesterov):
        g = p.grad + weight_decay * p.data
        if "momentum_buffer" not in state:
            b = g
        else:
            b = momentum * state["momentum_buffer"] + (1 - dampening) * g
        state["momentum_buffer"] = b
        direction = g + momentum * b if nesterov else b
        update = lr * direction
        p.data -= update
"""),
    check("""
check_sgd_momentum(MySGD, nesterov=True)
"""),
    md("""
With a constant gradient the buffer grows towards $g / (1 - μ)$: momentum 0.9 ends up taking
steps ten times larger than plain SGD. Watch `b` on $f(w) = 3w$, whose gradient is always 3.
"""),
    check("""
w = Value(0.0, label="w")
t = trace_steps(MySGD([w], lr=0.01, momentum=0.9), lambda: 3 * w, steps=30)
print([round(b, 3) for b in t.column("b")[::5]], "->", 3 / (1 - 0.9))
"""),
]

# ----------------------------------------------------------------------------- 04: schedules
SCHEDULES = [
    md("""
# Exercise 4: learning-rate schedules in closed form

A schedule gives the learning rate at each **epoch** $e$: one call of `scheduler.step()`, made
after each `optimizer.step()`. Epoch 0 is the lr right after the scheduler is built, so the
first update uses it. PyTorch's schedulers change the lr step by step (a recursive rule);
here you write where the schedule is at epoch $e$ directly, as a function
`f(epoch, base_lr, <the scheduler's settings>)`, and `check_lr_schedule` compares it with
`microopt.optim.lr_scheduler` (PyTorch's numbers) epoch by epoch.
"""),
    code("""
import math

from microopt.exercises import check_lr_schedule
"""),
    md("""
## 4.1 StepLR: divide by a constant every `step_size` epochs

$\\text{lr}_e = \\text{lr}_0 \\cdot γ^{\\lfloor e / s \\rfloor}$, with $\\text{lr}_0$ = `base_lr` and $s$ = `step_size`.
"""),
    exercise("""
def step_lr(epoch, base_lr, step_size, gamma):
    # TODO
    raise NotImplementedError("TODO: write step_lr")
""", """
def step_lr(epoch, base_lr, step_size, gamma):
    return base_lr * gamma ** (epoch // step_size)
"""),
    check("""
check_lr_schedule(step_lr, "StepLR", step_size=3, gamma=0.5)
"""),
    md("""
## 4.2 LinearLR: a warm-up

The factor goes linearly from `start_factor` at epoch 0 to `end_factor` at epoch
`total_iters` ($s$, $f$, $T$ below), and stays there:
$\\text{lr}_e = \\text{lr}_0 \\cdot \\big(s + (f - s) \\cdot \\min(e, T) / T\\big)$.
"""),
    exercise("""
def linear_lr(epoch, base_lr, start_factor, end_factor, total_iters):
    # TODO
    raise NotImplementedError("TODO: write linear_lr")
""", """
def linear_lr(epoch, base_lr, start_factor, end_factor, total_iters):
    progress = min(epoch, total_iters) / total_iters
    return base_lr * (start_factor + (end_factor - start_factor) * progress)
"""),
    check("""
check_lr_schedule(linear_lr, "LinearLR", start_factor=0.25, end_factor=1.0, total_iters=4, steps=10)
"""),
    md("""
## 4.3 Cosine annealing

Half a cosine from `base_lr` down to `eta_min` over `T_max` epochs:
$\\text{lr}_e = η_{min} + (\\text{lr}_0 - η_{min}) \\, \\dfrac{1 + \\cos(π e / T_{max})}{2}$.
"""),
    exercise("""
def cosine_lr(epoch, base_lr, T_max, eta_min=0.0):
    # TODO
    raise NotImplementedError("TODO: write cosine_lr")
""", """
def cosine_lr(epoch, base_lr, T_max, eta_min=0.0):
    return eta_min + (base_lr - eta_min) * (1 + math.cos(math.pi * epoch / T_max)) / 2
"""),
    check("""
check_lr_schedule(cosine_lr, "CosineAnnealingLR", T_max=10, eta_min=0.001, steps=10)
"""),
]

NOTEBOOKS = {"01_backward": BACKWARD, "02_adam": ADAM, "03_momentum": MOMENTUM,
             "04_schedules": SCHEDULES}


def build(cells, solution: bool) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.metadata = {
        "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
        "language_info": {"name": "python"},
    }
    for kind, source, answer in cells:
        if kind == "markdown":
            nb.cells.append(nbformat.v4.new_markdown_cell(source))
            continue
        cell = nbformat.v4.new_code_cell(answer if solution and kind == "exercise" else source)
        if kind in ("exercise", "check"):
            cell.metadata["tags"] = [kind]
        nb.cells.append(cell)
    for i, cell in enumerate(nb.cells):
        cell.id = f"cell-{i}"  # stable ids: regenerating gives the same files
    return nb


def main() -> None:
    for name, cells in NOTEBOOKS.items():
        for variant in ("template", "solution"):
            nb = build(cells, solution=variant == "solution")
            nbformat.validate(nb)
            nbformat.write(nb, HERE / f"{name}_{variant}.ipynb")


if __name__ == "__main__":
    main()

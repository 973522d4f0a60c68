# ruff: noqa: E501  (the cells are notebook text: equations and code lines as students read them)
"""Write the exercise notebooks: each exercise's solution notebook, and its student version.

The solution notebooks (``solutions/NN_name_solution.ipynb``) are the single source. They are
marked as nbgrader marks them: the answers between ``### BEGIN SOLUTION`` and ``### END
SOLUTION``, the checks students do not see between ``### BEGIN HIDDEN TESTS`` and ``### END
HIDDEN TESTS``, each graded cell with ``# points: N``. The student notebooks
(``NN_name.ipynb``, next to this file) are what ``microopt assignment release`` makes of them:
stubs in place of the answers, no hidden tests, no outputs. Grade a class with
``microopt assignment grade solutions/NN_name_solution.ipynb SUBMISSIONS --out REPORT``.

Run from anywhere:

    python notebooks/exercises/make_notebooks.py
"""

from __future__ import annotations

import pathlib

import nbformat

from microopt.site.lite import INSTALL_CELL, INSTALL_CELL_ID

HERE = pathlib.Path(__file__).resolve().parent
SOLUTIONS = HERE / "solutions"


def md(text):
    return ("markdown", text.strip("\n"))


def code(text):
    return ("code", text.strip("\n"))


def answer(text):
    """A code cell with the answer between the solution markers (write them in ``text``)."""
    assert "### BEGIN SOLUTION" in text
    return ("code", text.strip("\n"))


def graded(points, visible, hidden=""):
    """A test cell worth ``points``: the visible checks, then the hidden ones."""
    source = f"# points: {points}\n{visible.strip(chr(10))}"
    if hidden:
        source += f"\n### BEGIN HIDDEN TESTS\n{hidden.strip(chr(10))}\n### END HIDDEN TESTS"
    return ("code", source)


# ----------------------------------------------------------------------------- 01: backward rules
BACKWARD = [
    md(r"""
# Exercise 1: the backward rule of an operation

Every operation of `microopt.Value` computes two numbers: its **forward value** and its **local
derivative** with respect to each input. `backward()` then only multiplies and adds. Write them
as plain functions on floats:

```python
def rule(x):      ->  (value, d value / dx)
def rule(a, b):   ->  (value, (d value / da, d value / db))
```

`check_backward(rule, "tanh")` compares your rule with central differences of your own forward
value, $(f(x+h) - f(x-h)) / 2h$, and with the engine, at ordinary and edge points (0, ±800, the
edge of the domain). Calling the engine's own op (`Value(x).tanh()`) is refused: write it yourself.
"""),
    code("""
import math

from microopt import Value
from microopt.exercises import check_backward, check_value
"""),
    md(r"""
## 1.1 tanh

Derive $\frac{d}{dx}\tanh(x)$ from $\tanh(x) = \frac{e^{x} - e^{-x}}{e^{x} + e^{-x}}$ (quotient rule), then
write it with the **output** $t = \tanh(x)$ only, so backward reuses the forward value. At $x = \pm 800$
a formula with $e^{x}$ overflows; `math.tanh` never does.
"""),
    answer("""
def tanh_rule(x):
    ### BEGIN SOLUTION
    t = math.tanh(x)
    return t, 1 - t * t
    ### END SOLUTION
"""),
    graded(2, 'check_backward(tanh_rule, "tanh")', 'check_backward(tanh_rule, "tanh", points=[1e-3, -7.5, 30.0])'),
    md(r"""
## 1.2 sigmoid, without overflow

$\sigma(x) = 1 / (1 + e^{-x})$. Derive $\sigma'(x)$ and write it with the output $s = \sigma(x)$ only, as
for tanh. The formula as written overflows for $x < -709.78$: only ever take `math.exp` of a number $\le 0$.
"""),
    answer("""
def sigmoid_rule(x):
    ### BEGIN SOLUTION
    e = math.exp(-abs(x))          # at most 1: cannot overflow
    s = 1 / (1 + e) if x >= 0 else e / (1 + e)
    return s, s * (1 - s)
    ### END SOLUTION
"""),
    graded(2, 'check_backward(sigmoid_rule, "sigmoid")', 'check_backward(sigmoid_rule, "sigmoid", points=[-710.0, 710.0])'),
    md(r"""
## 1.3 division: two inputs

Return both partial derivatives of $a / b$, in the order of the inputs.
"""),
    answer("""
def div_rule(a, b):
    ### BEGIN SOLUTION
    q = a / b
    return q, (1 / b, -q / b)
    ### END SOLUTION
"""),
    graded(1, 'check_backward(div_rule, "/")', 'check_backward(div_rule, "/", points=[(-3.0, 0.5), (1e-3, -2.0)])'),
    md(r"""
## 1.4 the chain rule by hand

For $L = \tanh(a b + a)$ at $a = 2$, $b = -3$, compute $\partial L/\partial a$ and $\partial L/\partial b$
with your rules only (no `Value`). $a$ is used twice: its two contributions add up.
"""),
    answer("""
a, b = 2.0, -3.0
### BEGIN SOLUTION
n = a * b + a
L, dL_dn = tanh_rule(n)
dL_da = dL_dn * (b + 1)
dL_db = dL_dn * a
### END SOLUTION
"""),
    graded(1, """
va, vb = Value(a), Value(b)
(va * vb + va).tanh().backward()
check_value(dL_da, va.grad, "dL/da")
check_value(dL_db, vb.grad, "dL/db")
"""),
]

# ----------------------------------------------------------------------------- 02: gradient check
GRADCHECK = [
    md(r"""
# Exercise 2: check a gradient with central differences

`backward()` is only as right as every local derivative in the graph. The independent check is
numerical: nudge one input by $\pm h$ and measure the slope,
$\dfrac{\partial f}{\partial x_i} \approx \dfrac{f(x + h e_i) - f(x - h e_i)}{2h}$, whose error shrinks like $h^2$.

Write `numerical_gradient(f, xs, h)`: `f` takes a list of floats and returns a float; return the list
of the slopes, one per input. Then `relative_error(a, b)` $= |a - b| / \max(|a|, |b|, 10^{-12})$.
"""),
    code("""
import math

from microopt import Value
from microopt.exercises import check_sequence, check_value
"""),
    answer("""
def numerical_gradient(f, xs, h=1e-6):
    ### BEGIN SOLUTION
    slopes = []
    for i in range(len(xs)):
        up, down = list(xs), list(xs)
        up[i] += h
        down[i] -= h
        slopes.append((f(up) - f(down)) / (2 * h))
    return slopes
    ### END SOLUTION


def relative_error(a, b):
    ### BEGIN SOLUTION
    return abs(a - b) / max(abs(a), abs(b), 1e-12)
    ### END SOLUTION
"""),
    graded(2, """
def f(v):
    return v[0] ** 2 * v[1] + math.sin(v[1])          # df/dx = 2xy, df/dy = x² + cos y


check_sequence(numerical_gradient(f, [1.5, -0.5]), [2 * 1.5 * -0.5, 1.5 ** 2 + math.cos(-0.5)],
               "the slopes of x²y + sin y at (1.5, -0.5)", rtol=1e-7, atol=1e-8)
""", """
def g(v):
    return math.exp(v[0]) * v[1] * v[2]


check_sequence(numerical_gradient(g, [0.3, 2.0, -1.0], h=1e-5),
               [math.exp(0.3) * -2.0, math.exp(0.3) * -1.0, math.exp(0.3) * 2.0], "the slopes of e^x y z", rtol=1e-7)
"""),
    graded(1, """
check_value(relative_error(1.0, 1.001), 0.001 / 1.001, "relative_error(1, 1.001)")
check_value(relative_error(0.0, 0.0), 0.0, "relative_error(0, 0)")
"""),
    md(r"""
## 2.2 Use it: is this backward right?

Check `backward()` on $f(x, y) = \tanh(x y) + x / y$ at $(0.7, -1.3)$: the relative error of each
gradient should be below $10^{-7}$. Store the largest of the two in `worst`.
"""),
    answer("""
### BEGIN SOLUTION
x, y = Value(0.7), Value(-1.3)
((x * y).tanh() + x / y).backward()
numeric = numerical_gradient(lambda v: math.tanh(v[0] * v[1]) + v[0] / v[1], [0.7, -1.3])
worst = max(relative_error(x.grad, numeric[0]), relative_error(y.grad, numeric[1]))
### END SOLUTION
"""),
    graded(1, """
assert isinstance(worst, float) and worst < 1e-7, f"worst relative error {worst!r}: expected below 1e-7"
"""),
]

# ----------------------------------------------------------------------------- 03: gradient descent
GD = [
    md(r"""
# Exercise 3: gradient descent, and choosing the learning rate

Gradient descent repeats $\theta \leftarrow \theta - \gamma \nabla f(\theta)$. Write
`gradient_descent(f, start, lr, steps)`: `f` takes a list of Values and returns a Value; start
from the floats `start`; return the list of parameter values (floats) after `steps` steps.
Zero the gradients before each `backward()`: they add up otherwise.
"""),
    code("""
from microopt import Value
from microopt.exercises import check_sequence, check_value
from microopt.optim import SGD


def bowl(p):
    x, y = p
    return 2 * x * x + 0.5 * y * y
"""),
    answer("""
def gradient_descent(f, start, lr, steps):
    ### BEGIN SOLUTION
    params = [Value(s) for s in start]
    for _ in range(steps):
        for p in params:
            p.grad = 0.0
        f(params).backward()
        for p in params:
            p.data -= lr * p.grad
    return [p.data for p in params]
    ### END SOLUTION
"""),
    graded(2, """
def reference(f, start, lr, steps):
    params = [Value(s) for s in start]
    optimizer = SGD(params, lr=lr)
    for _ in range(steps):
        optimizer.zero_grad()
        f(params).backward()
        optimizer.step()
    return [p.data for p in params]

check_sequence(gradient_descent(bowl, [1.0, 1.0], 0.1, 20), reference(bowl, [1.0, 1.0], 0.1, 20),
               "gradient descent on the bowl, lr 0.1, 20 steps",
               hint="zero p.grad before each backward(): gradients accumulate.")
""", """
check_sequence(gradient_descent(bowl, [-3.0, 0.5], 0.45, 7), reference(bowl, [-3.0, 0.5], 0.45, 7), "lr 0.45")
"""),
    md(r"""
## 3.2 Predict the stability limit

On a quadratic $f(\theta) = \tfrac12 \sum_i L_i \theta_i^2$ each coordinate evolves as
$\theta_i \leftarrow (1 - \gamma L_i)\,\theta_i$: it shrinks only while $|1 - \gamma L_i| < 1$.
The `bowl` above is $2x^2 + 0.5y^2$. **Before running anything**, compute the largest learning rate
for which gradient descent converges on it, and store it in `lr_limit`.
"""),
    answer("""
### BEGIN SOLUTION
L = 4.0                     # the largest curvature: d²(2x²)/dx² = 4
lr_limit = 2 / L
### END SOLUTION
"""),
    graded(2, """
check_value(lr_limit, 0.5, "the stability limit 2/L of the bowl",
            hint="the curvature of 2x² is 4 (its second derivative), of 0.5y² it is 1; the largest decides.")
assert abs(gradient_descent(bowl, [1.0, 1.0], 0.99 * lr_limit, 400)[0]) < 1e-3, "just below the limit it converges"
assert abs(gradient_descent(bowl, [1.0, 1.0], 1.01 * lr_limit, 400)[0]) > 1.0, "just above it diverges"
"""),
]


# ----------------------------------------------------------------------------- 04: momentum
MOMENTUM = [
    md(r"""
# Exercise 4: SGD with momentum

Momentum keeps a running sum of past gradients, the buffer $b$, and steps along it (learning rate
$\gamma$, momentum $\mu$):

$$b_1 = g_1, \qquad b_t = \mu\, b_{t-1} + g_t, \qquad \theta \leftarrow \theta - \gamma\, b_t.$$

Write it as two **pure functions** over the whole model, the way optax and JAX write optimizers
(microopt's own `SGD` is a class that updates one `Value` at a time, in place):

- `sgd_init(params)`: `params` is the list of the parameters' values (floats); return the state
  before the first step, laid out as you like (here: a list of buffers, one per parameter, empty
  until the first step).
- `sgd_update(params, grads, state, *, lr, momentum)`: one step; return the pair (the list of the
  new values, the new state), changing neither argument.

The velocity form $v \leftarrow \mu v - \gamma g,\ \theta \leftarrow \theta + v$ takes the same steps.
"""),
    code("""
from microopt import Value
from microopt.exercises import check_sgd_momentum, check_value
from microopt.optim import SGD
from microopt.teach import trace_steps
"""),
    answer("""
def sgd_init(params):
    ### BEGIN SOLUTION
    return {"b": [None] * len(params)}
    ### END SOLUTION


def sgd_update(params, grads, state, *, lr=1e-3, momentum=0.0):
    ### BEGIN SOLUTION
    buffers = [g if b is None else momentum * b + g for g, b in zip(grads, state["b"])]
    return [theta - lr * b for theta, b in zip(params, buffers)], {"b": buffers}
    ### END SOLUTION
"""),
    graded(3, "check_sgd_momentum((sgd_init, sgd_update))",
           "check_sgd_momentum((sgd_init, sgd_update), lr=0.1, momentum=0.5, steps=15)"),
    md(r"""
## 4.2 Predict the terminal velocity

With a constant gradient $g$ the buffer grows towards a limit. On $f(w) = 3w$ (gradient 3) with
$\mu = 0.9$, what does $b$ tend to? Store it in `terminal_b`, then watch it happen, in your
functions and in microopt's `SGD` (whose trace names the buffer `b`).
"""),
    answer("""
### BEGIN SOLUTION
terminal_b = 3 / (1 - 0.9)
### END SOLUTION
"""),
    graded(1, """
check_value(terminal_b, 30.0, "the limit of b", hint="b = μb + g has a fixed point b = g / (1 - μ).")
params, state = [0.0], sgd_init([0.0])
for _ in range(200):
    before = params[0]
    params, state = sgd_update(params, [3.0], state, lr=0.01, momentum=0.9)
check_value((before - params[0]) / 0.01, terminal_b, "your step / lr after 200 steps", rtol=1e-6)
w = Value(0.0, label="w")
buffers = trace_steps(SGD([w], lr=0.01, momentum=0.9), lambda: 3 * w, steps=200).column("b")
check_value(buffers[-1], terminal_b, "SGD's b after 200 steps", rtol=1e-6)
"""),
]

# ----------------------------------------------------------------------------- 05: Nesterov
NESTEROV = [
    md(r"""
# Exercise 5: Nesterov momentum

Nesterov momentum looks ahead: it steps along the new gradient *plus* the momentum it is about to
apply. In PyTorch's form (learning rate $\gamma$, momentum $\mu$):

$$b_t = \mu\, b_{t-1} + g_t \ (b_1 = g_1), \qquad d_t = g_t + \mu\, b_t, \qquad \theta \leftarrow \theta - \gamma\, d_t.$$

Write it as a pair of pure functions, as in exercise 4: `nesterov_init(params)` returns the state,
`nesterov_update(params, grads, state, *, lr, momentum, nesterov)` returns (the new values, the new
state). With `nesterov=False` the pair is plain momentum (exercise 4).
"""),
    code("""
from microopt.exercises import check_optimizer
"""),
    answer("""
def nesterov_init(params):
    ### BEGIN SOLUTION
    return [None] * len(params)
    ### END SOLUTION


def nesterov_update(params, grads, state, *, lr=1e-3, momentum=0.0, nesterov=False):
    ### BEGIN SOLUTION
    new_params, buffers = [], []
    for theta, g, b in zip(params, grads, state):
        b = g if b is None else momentum * b + g
        direction = g + momentum * b if nesterov else b
        new_params.append(theta - lr * direction)
        buffers.append(b)
    return new_params, buffers
    ### END SOLUTION
"""),
    graded(2, 'check_optimizer((nesterov_init, nesterov_update), "SGD", lr=0.05, momentum=0.9, nesterov=True)',
           'check_optimizer((nesterov_init, nesterov_update), "SGD", lr=0.02, momentum=0.5, nesterov=True, steps=15)'),
    graded(1, 'check_optimizer((nesterov_init, nesterov_update), "SGD", lr=0.05, momentum=0.9)'),
]

# ----------------------------------------------------------------------------- 06: Adagrad
ADAGRAD = [
    md(r"""
# Exercise 6: Adagrad

Adagrad divides each parameter's step by the root of the **sum** of its squared gradients so far,
so parameters with large gradients take small steps (learning rate $\gamma$, $\varepsilon$):

$$s_t = s_{t-1} + g_t^2 \ (s_0 = 0), \qquad \theta \leftarrow \theta - \gamma\, \frac{g_t}{\sqrt{s_t} + \varepsilon}.$$

The sum only grows, so the steps shrink for good: compare with RMSprop next. Write it as a pair of
pure functions (exercise 4): `adagrad_init(params)` and
`adagrad_update(params, grads, state, *, lr, eps)` returning (the new values, the new state).
"""),
    code("""
import math

from microopt.exercises import check_optimizer
"""),
    answer("""
def adagrad_init(params):
    ### BEGIN SOLUTION
    return {"sum_sq": [0.0] * len(params)}
    ### END SOLUTION


def adagrad_update(params, grads, state, *, lr=1e-2, eps=1e-10):
    ### BEGIN SOLUTION
    sums = [s + g * g for s, g in zip(state["sum_sq"], grads)]
    new_params = [theta - lr * g / (math.sqrt(s) + eps) for theta, g, s in zip(params, grads, sums)]
    return new_params, {"sum_sq": sums}
    ### END SOLUTION
"""),
    graded(3, 'check_optimizer((adagrad_init, adagrad_update), "Adagrad", lr=0.1)',
           'check_optimizer((adagrad_init, adagrad_update), "Adagrad", lr=0.5, eps=1e-6)'),
]

# ----------------------------------------------------------------------------- 07: RMSprop
RMSPROP = [
    md(r"""
# Exercise 7: RMSprop

RMSprop replaces Adagrad's sum by a running **mean** of $g^2$, so old gradients fade (smoothing
$\alpha$, PyTorch's default 0.99):

$$v_t = \alpha\, v_{t-1} + (1 - \alpha)\, g_t^2 \ (v_0 = 0), \qquad \theta \leftarrow \theta - \gamma\, \frac{g_t}{\sqrt{v_t} + \varepsilon}.$$

No bias correction (that is Adam's addition). Write it as a pair of pure functions (exercise 4):
`rmsprop_init(params)` and `rmsprop_update(params, grads, state, *, lr, alpha, eps)`.
"""),
    code("""
import math

from microopt.exercises import check_optimizer
"""),
    answer("""
def rmsprop_init(params):
    ### BEGIN SOLUTION
    return {"square_avg": [0.0] * len(params)}
    ### END SOLUTION


def rmsprop_update(params, grads, state, *, lr=1e-2, alpha=0.99, eps=1e-8):
    ### BEGIN SOLUTION
    averages = [alpha * v + (1 - alpha) * g * g for v, g in zip(state["square_avg"], grads)]
    new_params = [theta - lr * g / (math.sqrt(v) + eps) for theta, g, v in zip(params, grads, averages)]
    return new_params, {"square_avg": averages}
    ### END SOLUTION
"""),
    graded(3, 'check_optimizer((rmsprop_init, rmsprop_update), "RMSprop", lr=0.01)',
           'check_optimizer((rmsprop_init, rmsprop_update), "RMSprop", lr=0.05, alpha=0.9)'),
]


# ----------------------------------------------------------------------------- 08: Adam
ADAM = [
    md(r"""
# Exercise 8: Adam, as two pure functions

Adam combines momentum (a running mean $m$ of $g$) with RMSprop (a running mean $v$ of $g^2$), and
corrects both for starting at zero. At step $t = 1, 2, \dots$ (learning rate $\gamma$, betas
$\beta_1, \beta_2$, $\varepsilon$, weight decay $\lambda$ added to the gradient as L2):

$$g \leftarrow \nabla f(\theta) + \lambda\theta,\quad m \leftarrow \beta_1 m + (1-\beta_1) g,\quad
v \leftarrow \beta_2 v + (1-\beta_2) g^2,\quad \hat m = \frac{m}{1-\beta_1^t},\quad \hat v = \frac{v}{1-\beta_2^t},\quad
\theta \leftarrow \theta - \gamma\,\frac{\hat m}{\sqrt{\hat v} + \varepsilon}.$$

microopt's `Adam` is a class that updates one `Value` at a time, in place. Write Adam the way
optax and JAX do instead: two **pure functions** over the whole model, which change nothing they
are given.

- `adam_init(params)`: `params` is the list of the parameters' values (floats). Return Adam's
  state before the first step, laid out as you like: for instance one step count and a list of
  $m$ and of $v$ (one entry per parameter).
- `adam_update(params, grads, state, *, lr, betas, eps, weight_decay)`: one step for all the
  parameters; return the pair (the list of their new values, the new state).

`check_optimizer((adam_init, adam_update), "Adam", ...)` runs your pair beside PyTorch's rules
and names the first quantity of your state that differs when it can read its names (`t` or `step`,
`m`, `v`, or optax's `count`, `mu`, `nu`).
"""),
    code("""
import math

from microopt import Value
from microopt.exercises import check_optimizer, check_value
"""),
    answer("""
def adam_init(params):
    ### BEGIN SOLUTION
    return {"t": 0, "m": [0.0] * len(params), "v": [0.0] * len(params)}
    ### END SOLUTION


def adam_update(params, grads, state, *, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0):
    ### BEGIN SOLUTION
    beta1, beta2 = betas
    t = state["t"] + 1
    new_params, m, v = [], [], []
    for theta, grad, m_before, v_before in zip(params, grads, state["m"], state["v"]):
        g = grad + weight_decay * theta
        m.append(beta1 * m_before + (1 - beta1) * g)
        v.append(beta2 * v_before + (1 - beta2) * g * g)
        m_hat = m[-1] / (1 - beta1 ** t)
        v_hat = v[-1] / (1 - beta2 ** t)
        new_params.append(theta - lr * m_hat / (math.sqrt(v_hat) + eps))
    return new_params, {"t": t, "m": m, "v": v}
    ### END SOLUTION
"""),
    graded(3, 'check_optimizer((adam_init, adam_update), "Adam", lr=0.01)',
           'check_optimizer((adam_init, adam_update), "Adam", lr=0.05, betas=(0.8, 0.99), eps=1e-6, steps=12)'),
    graded(2, 'check_optimizer((adam_init, adam_update), "Adam", lr=0.01, weight_decay=0.1)'),
    md(r"""
## 8.2 Predict the size of the first step

Before running it: with `lr=0.01`, how far does Adam move a parameter at its very first step,
whether its gradient is $10^{-3}$ or $10^{3}$? Store the size in `first_step`.
"""),
    answer("""
### BEGIN SOLUTION
first_step = 0.01          # m̂ = g and v̂ = g² at t = 1, so the step is lr · g/|g|
### END SOLUTION
"""),
    graded(1, """
from microopt.optim import Adam

for gradient in (1e-3, 1e3):
    w = Value(1.0)
    w.grad = gradient
    Adam([w], lr=0.01).step()
    check_value(first_step, 1.0 - w.data, f"the first step with gradient {gradient:g}", rtol=1e-4,
                hint="at t = 1, m_hat = g and v_hat = g², so m_hat / √v_hat = ±1.")
"""),
]

# ----------------------------------------------------------------------------- 09: AdamW against L2
ADAMW = [
    md(r"""
# Exercise 9: AdamW against Adam with L2

Adam's `weight_decay` adds $\lambda\theta$ to the gradient, so the decay is then divided by
$\sqrt{\hat v}$ like the rest: a weight with large gradients is barely decayed. AdamW (decoupled
decay) shrinks $\theta \leftarrow \theta(1 - \gamma\lambda)$ **before** an Adam step that leaves $g$ alone.

Write AdamW as a pair of pure functions, as you wrote Adam in exercise 8: `adamw_init(params)`
returns the state, `adamw_update(params, grads, state, *, lr, betas, eps, weight_decay)` returns
(the new values, the new state). Start from your exercise 8 if you like; here the pair is standalone.
"""),
    code("""
import math

from microopt import Value
from microopt.exercises import check_optimizer
from microopt.optim import Adam, AdamW
"""),
    answer("""
def adamw_init(params):
    ### BEGIN SOLUTION
    return {"t": 0, "m": [0.0] * len(params), "v": [0.0] * len(params)}
    ### END SOLUTION


def adamw_update(params, grads, state, *, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2):
    ### BEGIN SOLUTION
    beta1, beta2 = betas
    t = state["t"] + 1
    new_params, m, v = [], [], []
    for theta, g, m_before, v_before in zip(params, grads, state["m"], state["v"]):
        theta = theta * (1 - lr * weight_decay)
        m.append(beta1 * m_before + (1 - beta1) * g)
        v.append(beta2 * v_before + (1 - beta2) * g * g)
        new_params.append(theta - lr * (m[-1] / (1 - beta1 ** t)) / (math.sqrt(v[-1] / (1 - beta2 ** t)) + eps))
    return new_params, {"t": t, "m": m, "v": v}
    ### END SOLUTION
"""),
    graded(3, 'check_optimizer((adamw_init, adamw_update), "AdamW", lr=0.01, weight_decay=0.1)',
           'check_optimizer((adamw_init, adamw_update), "AdamW", lr=0.03, weight_decay=0.5, betas=(0.85, 0.99))'),
    md(r"""
## 9.2 Which weights does AdamW shrink more?

Four weights start at 1 with gradients of alternating sign and sizes 10, 1, 0.1 and 0.01
(`scales` below). After 50 steps with `lr=0.01` and $\lambda = 0.1$, the *shrinkage from decay* of a
weight is how much lower it ends than without decay. **Predict** for which weights (their indices)
AdamW's shrinkage is larger than Adam+L2's, and store the list in `shrunk_more_by_adamw`.
"""),
    code("""
scales = [10.0, 1.0, 0.1, 0.01]
"""),
    answer("""
### BEGIN SOLUTION
shrunk_more_by_adamw = [0, 1]   # L2's decay is divided by √v̂ ≈ the gradient's size: large gradients, little decay
### END SOLUTION
"""),
    graded(2, """
def final_weights(cls, **hyperparameters):
    weights = [Value(1.0) for _ in scales]
    optimizer = cls(weights, lr=0.01, **hyperparameters)
    for t in range(50):
        for w, s in zip(weights, scales):
            w.grad = s * (-1) ** t
        optimizer.step()
    return [w.data for w in weights]

plain, l2 = final_weights(Adam), final_weights(Adam, weight_decay=0.1)
decoupled = final_weights(AdamW, weight_decay=0.1)
measured = [i for i in range(len(scales)) if plain[i] - decoupled[i] > plain[i] - l2[i]]
assert sorted(shrunk_more_by_adamw) == measured, (
    f"AdamW shrinks weights {measured} more than Adam+L2, you said {shrunk_more_by_adamw}. Hint: with L2, "
    "the decay λθ is divided by √v̂, which is about the size of the gradient.")
"""),
]


# ----------------------------------------------------------------------------- 10: warmup + cosine
WARMUP_COSINE = [
    md(r"""
# Exercise 10: a warmup, then a cosine

A common schedule for Adam: the learning rate climbs linearly for `warmup` epochs, from
`base_lr / warmup` to `base_lr`, then follows half a cosine down to 0 over the remaining
`total - warmup` epochs. In PyTorch it is `SequentialLR([LinearLR(start_factor=1/warmup,
total_iters=warmup), CosineAnnealingLR(T_max=total - warmup)], milestones=[warmup])`. Write the lr of
epoch $e$ directly:

$$\text{lr}_e = \text{base} \cdot \Big(\tfrac{1}{w} + \big(1 - \tfrac{1}{w}\big)\tfrac{e}{w}\Big) \ \ (e < w),
\qquad \text{lr}_e = \text{base} \cdot \frac{1 + \cos\big(\pi (e - w) / (T - w)\big)}{2} \ \ (e \ge w).$$
"""),
    code("""
import math

from microopt import Value
from microopt.exercises import check_sequence
from microopt.optim import SGD
from microopt.optim.lr_scheduler import CosineAnnealingLR, LinearLR, SequentialLR
"""),
    answer("""
def warmup_cosine(epoch, base_lr, warmup, total):
    ### BEGIN SOLUTION
    if epoch < warmup:
        return base_lr * (1 / warmup + (1 - 1 / warmup) * epoch / warmup)
    return base_lr * (1 + math.cos(math.pi * (epoch - warmup) / (total - warmup))) / 2
    ### END SOLUTION
"""),
    graded(3, """
def reference(base_lr, warmup, total):
    optimizer = SGD([Value(0.0)], lr=base_lr)
    scheduler = SequentialLR(optimizer, [LinearLR(optimizer, start_factor=1 / warmup, total_iters=warmup),
                                         CosineAnnealingLR(optimizer, T_max=total - warmup)], milestones=[warmup])
    lrs = []
    for _ in range(total + 1):
        lrs.append(scheduler.get_last_lr()[0])
        optimizer.step()
        scheduler.step()
    return lrs

check_sequence([warmup_cosine(e, 0.1, 5, 30) for e in range(31)], reference(0.1, 5, 30),
               "warmup 5, total 30", hint="epoch 0 is the lr right after the scheduler is built: base/warmup.")
""", """
check_sequence([warmup_cosine(e, 3e-4, 10, 100) for e in range(101)], reference(3e-4, 10, 100), "warmup 10")
"""),
]

# ----------------------------------------------------------------------------- 11: clipping
CLIPPING = [
    md(r"""
# Exercise 11: gradient clipping

When the gradient's norm explodes, one step can throw the parameters far away. Clipping by norm
rescales all gradients by the same factor when their Euclidean norm $\|g\| = \sqrt{\sum_i g_i^2}$ is
above `max_norm`:

$$g_i \leftarrow g_i \cdot \min\Big(1, \frac{\text{max\_norm}}{\|g\| + 10^{-6}}\Big),$$

and returns $\|g\|$ before clipping (PyTorch's `clip_grad_norm_`; the $10^{-6}$ guards a zero norm).
Mind gradients so large that $g^2$ overflows (`1e200`): factor out the largest $|g_i|$ first.
"""),
    code("""
import math

from microopt.exercises import check_clip_grad_norm
"""),
    answer("""
def clip_grad_norm(params, max_norm):
    ### BEGIN SOLUTION
    largest = max(abs(p.grad) for p in params)
    norm = 0.0 if largest == 0 else largest * math.sqrt(sum((p.grad / largest) ** 2 for p in params))
    factor = min(1.0, max_norm / (norm + 1e-6))
    for p in params:
        p.grad *= factor
    return norm
    ### END SOLUTION
"""),
    graded(3, "check_clip_grad_norm(clip_grad_norm)"),
]

# ----------------------------------------------------------------------------- 12: early stopping
EARLY_STOPPING = [
    md(r"""
# Exercise 12: early stopping

Train while the validation loss improves; stop when it has not improved for `patience` epochs in a
row, and keep the weights of the best epoch. An epoch *improves* when its loss is below the best so
far by more than `min_delta`. Write `early_stopping(val_losses, patience, min_delta=0.0)`: given the
validation loss of each epoch (epoch 0, 1, ...), return `(stop, best)`: the epoch after which
training stops (the last epoch if it never does) and the epoch whose weights are kept.
"""),
    code("""
from microopt.exercises import check_value
"""),
    answer("""
def early_stopping(val_losses, patience, min_delta=0.0):
    ### BEGIN SOLUTION
    best, waited = 0, 0
    for epoch in range(1, len(val_losses)):
        if val_losses[epoch] < val_losses[best] - min_delta:
            best, waited = epoch, 0
        else:
            waited += 1
            if waited >= patience:
                return epoch, best
    return len(val_losses) - 1, best
    ### END SOLUTION
"""),
    graded(2, """
losses = [1.0, 0.8, 0.7, 0.72, 0.71, 0.69, 0.75, 0.8, 0.9, 0.95]
stop, best = early_stopping(losses, patience=3)
check_value(best, 5, "the best epoch")
check_value(stop, 8, "the epoch training stops after", hint="epochs 6, 7 and 8 do not improve on epoch 5.")
""", """
assert early_stopping([1.0, 0.9, 0.8], patience=2) == (2, 2), "it never stops: (last epoch, best)"
assert early_stopping([1.0, 0.99, 0.98, 0.97], patience=2, min_delta=0.05) == (2, 0), "min_delta"
"""),
]

# ----------------------------------------------------------------------------- 13: lr range test
LR_RANGE = [
    md(r"""
# Exercise 13: a learning-rate range test, and the window of a problem

Which learning rates work? Try a range and look. On the bowl $f(x, y) = 2x^2 + 0.5y^2$ from
$(1, 1)$, run 20 steps of gradient descent for each rate of a grid, and keep the rates whose final
loss is below $10^{-3}$: that is the problem's **learning-rate window**.

Write `final_loss(lr, steps=20)` and `lr_window(lrs, threshold=1e-3)`, which returns `(lowest,
highest)` of the rates that reach the threshold.
"""),
    code("""
from microopt import Value
from microopt.exercises import check_value


def bowl(x, y):
    return 2 * x * x + 0.5 * y * y

lrs = [0.01 * 1.02 ** k for k in range(200)]     # 0.01 ... 0.51, 2% apart
"""),
    answer("""
def final_loss(lr, steps=20):
    ### BEGIN SOLUTION
    x, y = Value(1.0), Value(1.0)
    for _ in range(steps):
        x.grad = y.grad = 0.0
        bowl(x, y).backward()
        x.data -= lr * x.grad
        y.data -= lr * y.grad
    return bowl(x, y).data
    ### END SOLUTION


def lr_window(lrs, threshold=1e-3):
    ### BEGIN SOLUTION
    good = [lr for lr in lrs if final_loss(lr) < threshold]
    return min(good), max(good)
    ### END SOLUTION
"""),
    graded(2, """
lowest, highest = lr_window(lrs)
check_value(lowest, min(lr for lr in lrs if 2 * (1 - 4 * lr) ** 40 + 0.5 * (1 - lr) ** 40 < 1e-3), "the lowest rate")
check_value(highest, max(lr for lr in lrs if 2 * (1 - 4 * lr) ** 40 + 0.5 * (1 - lr) ** 40 < 1e-3), "the highest rate")
"""),
    md(r"""
## 13.2 Predict the window

Each coordinate shrinks by $|1 - \gamma L_i|$ per step ($L = 4$ for $x$, $1$ for $y$), so after $N = 20$
steps the loss is $2(1 - 4\gamma)^{2N} + 0.5(1 - \gamma)^{2N}$. Ignoring the smaller term at each end,
**predict** the window's ends as formulas, `predicted_low` and `predicted_high`, before comparing.
"""),
    answer("""
### BEGIN SOLUTION
N, threshold = 20, 1e-3
predicted_low = 1 - (threshold / 0.5) ** (1 / (2 * N))          # y's term alone reaches the threshold
predicted_high = (1 + (threshold / 2) ** (1 / (2 * N))) / 4      # x's term alone: 4γ - 1 = (threshold/2)^(1/2N)
### END SOLUTION
"""),
    graded(2, """
check_value(predicted_low, lowest, "the predicted lowest rate", rtol=0.03)
check_value(predicted_high, highest, "the predicted highest rate", rtol=0.03)
"""),
]


# ----------------------------------------------------------------------------- 14: schedules
SCHEDULES = [
    md(r"""
# Exercise 14: learning-rate schedules in closed form

A schedule gives the learning rate of each **epoch** $e$: one `scheduler.step()`, made after each
`optimizer.step()`. Epoch 0 is the lr right after the scheduler is built. PyTorch's schedulers change
the lr step by step; here you write where the schedule is at epoch $e$ directly, as a function
`f(epoch, base_lr, <the scheduler's settings>)`, and `check_lr_schedule` compares it epoch by epoch.
"""),
    code("""
import math

from microopt.exercises import check_lr_schedule
"""),
    md(r"""
## 14.1 StepLR: multiply by $\gamma$ every `step_size` epochs
"""),
    answer("""
def step_lr(epoch, base_lr, step_size, gamma):
    ### BEGIN SOLUTION
    return base_lr * gamma ** (epoch // step_size)
    ### END SOLUTION
"""),
    graded(1, 'check_lr_schedule(step_lr, "StepLR", step_size=3, gamma=0.5)',
           'check_lr_schedule(step_lr, "StepLR", step_size=7, gamma=0.9, steps=40)'),
    md(r"""
## 14.2 LinearLR: from `start_factor` to `end_factor` over `total_iters` epochs, then constant
"""),
    answer("""
def linear_lr(epoch, base_lr, start_factor, end_factor, total_iters):
    ### BEGIN SOLUTION
    progress = min(epoch, total_iters) / total_iters
    return base_lr * (start_factor + (end_factor - start_factor) * progress)
    ### END SOLUTION
"""),
    graded(1, 'check_lr_schedule(linear_lr, "LinearLR", start_factor=0.25, end_factor=1.0, total_iters=4, steps=10)',
           'check_lr_schedule(linear_lr, "LinearLR", start_factor=1.0, end_factor=0.1, total_iters=9, steps=15)'),
    md(r"""
## 14.3 Cosine annealing from `base_lr` down to `eta_min` over `T_max` epochs
"""),
    answer("""
def cosine_lr(epoch, base_lr, T_max, eta_min=0.0):
    ### BEGIN SOLUTION
    return eta_min + (base_lr - eta_min) * (1 + math.cos(math.pi * epoch / T_max)) / 2
    ### END SOLUTION
"""),
    graded(1, 'check_lr_schedule(cosine_lr, "CosineAnnealingLR", T_max=10, eta_min=0.001, steps=10)',
           'check_lr_schedule(cosine_lr, "CosineAnnealingLR", T_max=25, steps=25)'),
]

NOTEBOOKS = {
    "01_backward": BACKWARD, "02_gradient_check": GRADCHECK, "03_gradient_descent": GD, "04_momentum": MOMENTUM,
    "05_nesterov": NESTEROV, "06_adagrad": ADAGRAD, "07_rmsprop": RMSPROP, "08_adam": ADAM, "09_adamw": ADAMW,
    "10_warmup_cosine": WARMUP_COSINE, "11_clipping": CLIPPING, "12_early_stopping": EARLY_STOPPING,
    "13_lr_range_test": LR_RANGE, "14_schedules": SCHEDULES,
}


def build(cells) -> nbformat.NotebookNode:
    """The solution notebook of one exercise, with stable cell ids (regenerating gives the same file)."""
    nb = nbformat.v4.new_notebook()
    nb.metadata = {
        "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
        "language_info": {"name": "python"},
    }
    for i, (kind, source) in enumerate(cells):
        cell = nbformat.v4.new_markdown_cell(source) if kind == "markdown" else nbformat.v4.new_code_cell(source)
        cell.id = f"cell-{i}"
        nb.cells.append(cell)
    # Under the title, the cell that installs microopt where it is missing (JupyterLite, hosted notebooks).
    nb.cells.insert(1, nbformat.v4.new_code_cell(INSTALL_CELL, id=INSTALL_CELL_ID))
    return nb


def main() -> None:
    from microopt.exercises.assignment import release

    SOLUTIONS.mkdir(exist_ok=True)
    for name, cells in NOTEBOOKS.items():
        nb = build(cells)
        nbformat.validate(nb)
        nbformat.write(nb, SOLUTIONS / f"{name}_solution.ipynb")
        release(SOLUTIONS / f"{name}_solution.ipynb", HERE)


if __name__ == "__main__":
    main()

"""check_optimizer judges what the code computes: either style passes, variants are named,
delegation is refused, and an infinite loop fails with the step it happened at.

The students are hand-written from the equations (PyTorch's names in the step() style).
"""

from __future__ import annotations

import math
import subprocess
import sys
import textwrap
import time

import pytest

from microopt import optim
from microopt.exercises import check_lr_schedule, check_optimizer, check_sgd_momentum
from microopt.optim import Optimizer
from microopt.optim.lr_scheduler import LRScheduler, StepLR


def failure(student, *args, **kwargs) -> str:
    with pytest.raises(AssertionError) as info:
        check_optimizer(student, *args, **kwargs)
    return str(info.value)


class TorchStyleAdam(Optimizer):
    """Adam as PyTorch writes it: step() loops over the groups, state named exp_avg and exp_avg_sq."""

    m_weight = None  # a mistake: m averaged with this instead of β₁
    bias_correction = True

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0):
        super().__init__(params, dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay))

    def step(self):
        for group in self.param_groups:
            beta1, beta2 = group["betas"]
            for p in group["params"]:
                state = self.state[p]
                if len(state) == 0:
                    state["step"], state["exp_avg"], state["exp_avg_sq"] = 0, 0.0, 0.0
                grad = p.grad + group["weight_decay"] * p.data
                state["step"] += 1
                b1 = self.m_weight or beta1
                state["exp_avg"] = b1 * state["exp_avg"] + (1 - b1) * grad
                state["exp_avg_sq"] = beta2 * state["exp_avg_sq"] + (1 - beta2) * grad * grad
                c1 = 1 - beta1 ** state["step"] if self.bias_correction else 1.0
                c2 = 1 - beta2 ** state["step"] if self.bias_correction else 1.0
                denom = math.sqrt(state["exp_avg_sq"] / c2) + group["eps"]
                p.data -= group["lr"] * (state["exp_avg"] / c1) / denom


class TorchStyleSGD(Optimizer):
    """Momentum SGD as PyTorch writes it, the buffer named buf, with no dampening argument."""

    def __init__(self, params, lr=1e-3, momentum=0.0):
        super().__init__(params, dict(lr=lr, momentum=momentum))

    def step(self):
        for group in self.param_groups:
            for p in group["params"]:
                state = self.state[p]
                state["buf"] = p.grad if "buf" not in state else group["momentum"] * state["buf"] + p.grad
                p.data -= group["lr"] * state["buf"]


class VelocitySGD(Optimizer):
    """CS231n's velocity form: v ← μv - γg, θ ← θ + v (the same steps as PyTorch's when τ = 0)."""

    def __init__(self, params, lr=1e-3, momentum=0.0, dampening=0.0):
        super().__init__(params, dict(lr=lr, momentum=momentum, dampening=dampening))

    def update(self, p, state, *, lr, momentum, dampening):
        velocity = momentum * state.get("velocity", 0.0) - lr * p.grad
        state["velocity"] = velocity
        p.data += velocity


def test_pytorch_style_optimizers_with_their_own_state_names_pass(capsys):
    check_optimizer(TorchStyleAdam, "Adam", lr=0.01, weight_decay=0.1)
    check_sgd_momentum(TorchStyleSGD)  # a first momentum exercise: no dampening needed
    out = capsys.readouterr().out
    assert "TorchStyleAdam matches Adam(lr=0.01, weight_decay=0.1) on 3 problems x 10 steps" in out
    assert "compared by name: state step, state m, state v" in out
    assert "TorchStyleSGD matches SGD(lr=0.05, momentum=0.9)" in out


def test_pytorch_style_messages_name_the_quantity_by_pytorchs_name():
    message = failure(type("MyAdam", (TorchStyleAdam,), {"m_weight": 0.5}), "Adam", lr=0.01)
    assert "at step 1, parameter 'x'" in message
    assert "your state['exp_avg'] (read as m) differs first" in message
    assert "Hint: m ← β₁ m + (1 - β₁) g" in message


def test_pytorch_style_without_readable_names_gets_the_parameter_and_the_mistake():
    message = failure(type("MyAdam", (TorchStyleAdam,), {"bias_correction": False}), "Adam", lr=0.01)
    assert "θ after the step: yours" in message
    assert "Hint: bias correction is missing" in message


def test_the_velocity_form_passes_without_dampening_and_is_named_with_it(capsys):
    check_sgd_momentum(VelocitySGD)
    assert "VelocitySGD matches SGD(lr=0.05, momentum=0.9)" in capsys.readouterr().out
    message = failure(VelocitySGD, "SGD", lr=0.05, momentum=0.9, dampening=0.1)
    assert "Hint: your steps are momentum without dampening (the CS231n velocity form" in message


def test_kingma_and_bas_efficient_form_is_named():
    class EfficientAdam(TorchStyleAdam):
        def step(self):
            for group in self.param_groups:
                beta1, beta2 = group["betas"]
                for p in group["params"]:
                    state = self.state[p]
                    t = state["t"] = state.get("t", 0) + 1
                    m = state["m"] = beta1 * state.get("m", 0.0) + (1 - beta1) * p.grad
                    v = state["v"] = beta2 * state.get("v", 0.0) + (1 - beta2) * p.grad ** 2
                    alpha_t = group["lr"] * math.sqrt(1 - beta2 ** t) / (1 - beta1 ** t)
                    p.data -= alpha_t * m / (math.sqrt(v) + group["eps"])

    message = failure(EfficientAdam, "Adam", lr=0.01)
    assert "on the flat bowl" in message  # equal elsewhere: ε̂ only matters where √v̂ ~ ε
    assert 'Hint: your steps match Kingma & Ba\'s "efficient" form of Adam' in message


def test_a_default_that_differs_from_the_references_is_named():
    class MyRMSprop(Optimizer):
        def __init__(self, params, lr=1e-2, alpha=0.9, eps=1e-8):
            super().__init__(params, dict(lr=lr, alpha=alpha, eps=eps))

        def update(self, p, state, *, lr, alpha, eps):
            square_avg = state["square_avg"] = alpha * state.get("square_avg", 0.0) + (1 - alpha) * p.grad ** 2
            p.data -= lr * p.grad / (math.sqrt(square_avg) + eps)

    message = failure(MyRMSprop, "RMSprop", lr=0.01)
    assert "Hint: your default alpha=0.9 differs from RMSprop's alpha=0.99 (PyTorch's)" in message
    check_optimizer(MyRMSprop, "RMSprop", lr=0.01, alpha=0.9, verbose=False)  # the update itself is right


def test_v_going_negative_and_the_previous_m_are_explained():
    class NegativeV(TorchStyleAdam):
        def step(self):
            for group in self.param_groups:
                beta1, beta2 = group["betas"]
                for p in group["params"]:
                    state = self.state[p]
                    t = state["t"] = state.get("t", 0) + 1
                    m = state["m"] = beta1 * state.get("m", 0.0) + (1 - beta1) * p.grad
                    v = state["v"] = beta2 * state.get("v", 0.0) + (1 - beta2) * p.grad  # g, not g²
                    p.data -= group["lr"] * m / (1 - beta1 ** t) / (math.sqrt(v / (1 - beta2 ** t)) + group["eps"])

    message = failure(NegativeV, "Adam", lr=0.01)
    assert "raised ValueError at step 1" in message and "math domain error" in message
    assert "Hint: v went negative" in message

    class PreviousM(TorchStyleAdam):
        def step(self):
            for group in self.param_groups:
                beta1, beta2 = group["betas"]
                for p in group["params"]:
                    state = self.state[p]
                    t = state["t"] = state.get("t", 0) + 1
                    m_hat = state.get("m", 0.0) / (1 - beta1 ** t)  # the m of the step before
                    state["m"] = beta1 * state.get("m", 0.0) + (1 - beta1) * p.grad
                    v = state["v"] = beta2 * state.get("v", 0.0) + (1 - beta2) * p.grad ** 2
                    p.data -= group["lr"] * m_hat / (math.sqrt(v / (1 - beta2 ** t)) + group["eps"])

    assert "Hint: the update uses the previous m" in failure(PreviousM, "Adam", lr=0.01)


# ----------------------------------------------------------------- delegation
def test_a_subclass_of_the_reference_is_refused():
    class MyAdam(optim.Adam):
        pass

    message = failure(MyAdam, "Adam", lr=0.01)
    assert message.startswith("MyAdam derives from microopt.optim.Adam, so it runs microopt's code, not yours")
    assert "Write it yourself" in message
    assert "Write it yourself" in failure(type("MySGD", (optim.SGD,), {}), "Adam")  # any algorithm


def test_calling_the_references_update_or_step_is_refused():
    class CallsUpdate(TorchStyleAdam):
        def step(self):
            for group in self.param_groups:
                hyperparameters = {k: v for k, v in group.items() if k != "params"}
                for p in group["params"]:
                    optim.Adam.update(self, p, self.state[p], amsgrad=False, maximize=False,
                                      decoupled_weight_decay=False, **hyperparameters)

    message = failure(CallsUpdate, "Adam", lr=0.01)
    assert "called microopt's own Adam.update at step 1" in message and "Write it yourself" in message

    class WrapsAdam(TorchStyleAdam):
        def __init__(self, params, **hyperparameters):
            super().__init__(params, **hyperparameters)
            self.inner = optim.Adam(params, **hyperparameters)

        def step(self):
            self.inner.step()

    assert "called microopt's own Optimizer.step" not in failure(WrapsAdam, "Adam", lr=0.01)
    assert "Write it yourself" in failure(WrapsAdam, "Adam", lr=0.01)


def test_a_schedule_subclassing_or_calling_the_reference_is_refused():
    class MyStepLR(StepLR):
        pass

    with pytest.raises(AssertionError, match="MyStepLR derives from microopt's StepLR.*Write it yourself"):
        check_lr_schedule(MyStepLR, "StepLR", step_size=3, gamma=0.5)

    def step_lr(epoch, base_lr, step_size, gamma):
        from microopt.optim import SGD
        from microopt import Value
        scheduler = StepLR(SGD([Value(0.0)], lr=base_lr), step_size, gamma)
        return scheduler.get_last_lr()[0]

    with pytest.raises(AssertionError, match="step_lr calls microopt's own StepLR.__init__.*Write it yourself"):
        check_lr_schedule(step_lr, "StepLR", step_size=3, gamma=0.5)

    class OwnStepLR(LRScheduler):  # the base class is allowed
        def __init__(self, optimizer, step_size, gamma):
            self.step_size, self.gamma = step_size, gamma
            super().__init__(optimizer)

        def get_lr(self):
            return [base * self.gamma ** (self.last_epoch // self.step_size) for base in self.base_lrs]

    check_lr_schedule(OwnStepLR, "StepLR", step_size=3, gamma=0.5, verbose=False)


# ----------------------------------------------------------------- time limits
class Looping(TorchStyleAdam):
    """A correct Adam, except for an infinite loop at its third step."""

    def step(self):
        self.calls = getattr(self, "calls", 0) + 1
        while self.calls == 3:
            pass
        super().step()


def test_an_infinite_loop_fails_with_the_step_it_happened_at():
    message = failure(Looping, "Adam", lr=0.01, time_limit=0.3)
    assert message.startswith("Looping.step() did not finish within 0.3 s at step 3 on the tilted bowl")
    assert "a loop that never ends" in message

    class LoopingUpdate(Optimizer):
        def __init__(self, params, lr=1e-3):
            super().__init__(params, dict(lr=lr))

        def update(self, p, state, *, lr):
            n = 0
            while n >= 0:  # never false
                n += 1

    assert "LoopingUpdate.step() did not finish within 0.2 s at step 1 (parameter 'x')" in failure(
        LoopingUpdate, "SGD", lr=0.01, time_limit=0.2)
    # the next check of the same class (a notebook's next cell, a hidden test) fails at once
    started = time.perf_counter()
    again = failure(LoopingUpdate, "SGD", lr=0.1, time_limit=10)
    assert time.perf_counter() - started < 1
    assert again.startswith("LoopingUpdate is not checked again: in an earlier check, LoopingUpdate.step() did not "
                            "finish within 0.2 s at step 1 (parameter 'x')")


def test_the_time_limit_holds_in_a_script():
    script = textwrap.dedent("""
        from microopt.exercises import check_optimizer
        from microopt.optim import Optimizer

        class Stuck(Optimizer):
            def __init__(self, params, lr=1e-3):
                super().__init__(params, dict(lr=lr))

            def update(self, p, state, *, lr):
                while True:
                    pass

        try:
            check_optimizer(Stuck, "SGD", lr=0.1, time_limit=0.5)
        except AssertionError as failure:
            print(str(failure).splitlines()[0])
    """)
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60).stdout
    assert out.startswith("Stuck.step() did not finish within 0.5 s at step 1 (parameter 'x')")

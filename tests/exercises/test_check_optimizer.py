"""check_optimizer / check_sgd_momentum: pass correct optimizers, explain each typical mistake.

The "students" below are written the way a student would write them, from the docstring
equations, independently of microopt's own implementations and of the mistake replays; the
catalogue tests (test_mistake_catalogue.py) cover every mistake in both styles.
"""

from __future__ import annotations

import math
import operator

import pytest
from hypothesis import given, settings, strategies as st

from microopt import Value
from microopt.exercises import check_optimizer, check_sgd_momentum
from microopt.exercises.mistakes import student_source
from microopt.exercises.optimizers import _algorithms
from microopt.optim import Optimizer


class StudentAdam(Optimizer):
    """Adam written in PyTorch's arrangement (step size and denominator), with switches for mistakes."""

    bias_correction = True
    eps_inside_sqrt = False
    decay_after_update = False
    first_step = 1  # 0: the step counter starts at 0
    beta_for_v = 1  # 0: v averaged with β₁ instead of β₂
    sign = 1.0

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0):
        super().__init__(params, dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay))

    def update(self, p, state, *, lr, betas, eps, weight_decay):
        if not state:
            state["t"], state["m"], state["v"] = self.first_step - 1, 0.0, 0.0
        g = p.grad
        if weight_decay and not self.decay_after_update:
            g = g + weight_decay * p.data
        state["t"] += 1
        t = state["t"]
        m = state["m"] = betas[0] * state["m"] + (1 - betas[0]) * g
        v = state["v"] = betas[self.beta_for_v] * state["v"] + (1 - betas[self.beta_for_v]) * g * g
        if self.bias_correction:
            m_hat = m / (1 - betas[0] ** t)
            v_hat = v / (1 - betas[1] ** t)
        else:
            m_hat, v_hat = m, v
        denominator = math.sqrt(v_hat + eps) if self.eps_inside_sqrt else math.sqrt(v_hat) + eps
        update = lr * m_hat / denominator
        p.data -= self.sign * update
        if weight_decay and self.decay_after_update:
            p.data -= lr * weight_decay * p.data


def variant(**changes):
    return type("MyAdam", (StudentAdam,), changes)


class StudentSGD(Optimizer):
    buffer_from_zero = False

    def __init__(self, params, lr=1e-3, momentum=0.0, dampening=0.0, weight_decay=0.0, nesterov=False):
        super().__init__(params, dict(lr=lr, momentum=momentum, dampening=dampening,
                                      weight_decay=weight_decay, nesterov=nesterov))

    def update(self, p, state, *, lr, momentum, dampening, weight_decay, nesterov):
        g = p.grad + weight_decay * p.data
        if "momentum_buffer" in state or self.buffer_from_zero:
            b = momentum * state.get("momentum_buffer", 0.0) + (1 - dampening) * g
        else:
            b = g
        state["momentum_buffer"] = b
        direction = g + momentum * b if nesterov else b
        p.data -= lr * direction


def failure(student, *args, **kwargs) -> str:
    with pytest.raises(AssertionError) as info:
        check_optimizer(student, *args, **kwargs)
    return str(info.value)


def test_a_correct_adam_passes_and_says_so(capsys):
    check_optimizer(StudentAdam, "Adam", lr=0.01, weight_decay=0.1)
    out = capsys.readouterr().out.strip()
    assert out == ("check_optimizer: StudentAdam matches Adam(lr=0.01, weight_decay=0.1) on 3 problems "
                   "x 10 steps (quantities compared by name: g, t, m, v, m_hat, v_hat, update, state step, state m, "
                   "state v).")
    check_optimizer(StudentAdam, "Adam", verbose=False)
    assert capsys.readouterr().out == ""


@pytest.mark.parametrize("style", ["update", "step"])
@pytest.mark.parametrize("name", sorted(_algorithms()))
def test_every_algorithm_written_either_way_passes(name, style):
    namespace = {}
    exec(student_source(_algorithms()[name], style=style), namespace)
    check_optimizer(namespace[f"My{name}"], name, steps=6, verbose=False)


def test_adam_without_bias_correction():
    message = failure(variant(bias_correction=False), "Adam", lr=0.01)
    assert "at step 1, parameter 'x'" in message
    # g, t, m and v agree; m_hat = m is 10 times too small at step 1 (1 - β₁ = 0.1)
    assert "m_hat differs first (compared in the order Adam computes them" in message
    assert "Hint: bias correction is missing" in message


def test_eps_inside_the_square_root_shows_on_the_flat_bowl():
    message = failure(variant(eps_inside_sqrt=True), "Adam", lr=0.01)
    assert "on the flat bowl" in message and "at step 1, parameter 'x'" in message
    assert "update differs first" in message  # everything before the denominator agrees
    assert "Hint: eps sits outside the square root" in message


def test_weight_decay_applied_after_the_update():
    message = failure(variant(decay_after_update=True), "Adam", lr=0.01, weight_decay=0.1)
    assert "g differs first" in message  # the decay term is missing from g
    assert "Hint: weight decay is applied after the update" in message


def test_step_counter_starting_at_zero_raises_and_is_explained():
    message = failure(variant(first_step=0), "Adam", lr=0.01)
    try:  # this Python's own words: "float division by zero" up to CPython 3.13, "division by zero" from 3.14
        operator.truediv(1.0, 0.0)
    except ZeroDivisionError as error:
        divided_by_zero = str(error)
    assert message.startswith("MyAdam.step() raised ZeroDivisionError at step 1 (parameter 'x') on the "
                              f"tilted bowl f(x, y) = (x-1)² + 5(y+0.5)² + xy + tanh(x+y): {divided_by_zero}")
    assert "Hint: the step count starts at 0" in message
    assert "eps > 0" not in message and "Use eps" not in message  # not the base class's advice


def test_wrong_sign():
    message = failure(variant(sign=-1.0), "Adam", lr=0.01)
    # every quantity agrees; θ moves uphill: x = -1.5 - 0.01 instead of -1.5 + 0.01 (Adam: ±lr at step 1)
    assert "θ after the step: yours -1.50999999" in message and "reference -1.49000000" in message
    assert "Hint: the parameter moves the wrong way" in message


def test_an_unknown_mistake_names_the_first_wrong_quantity_and_its_equation():
    message = failure(variant(beta_for_v=0), "Adam", lr=0.01)
    assert "  v differs first" in message
    assert "Hint: v ← β₂ v + (1 - β₂) g²" in message


def test_momentum_buffer_started_at_zero():
    class MySGD(StudentSGD):
        buffer_from_zero = True

    with pytest.raises(AssertionError) as info:
        check_sgd_momentum(MySGD, dampening=0.1)
    message = str(info.value)
    assert "at step 1, parameter 'x'" in message and "  b differs first" in message
    assert "Hint: the momentum buffer starts at zero" in message


def test_a_correct_sgd_with_momentum_passes(capsys):
    check_sgd_momentum(StudentSGD, nesterov=True, dampening=0.1, weight_decay=0.01)
    assert capsys.readouterr().out.startswith(
        "check_sgd_momentum: StudentSGD matches SGD(lr=0.05, momentum=0.9, dampening=0.1, weight_decay=0.01) "
        "and SGD(lr=0.05, momentum=0.9, dampening=0.0, weight_decay=0.01, nesterov=True)")


def test_state_not_kept():
    class Forgetful(StudentSGD):
        def update(self, p, state, **hyperparameters):
            super().update(p, {}, **hyperparameters)

    message = failure(Forgetful, "SGD", lr=0.05, momentum=0.9)
    assert "at step 2" in message and "Hint: your update starts from scratch at every step" in message


def test_unfinished_template_and_unusual_names():
    class Template(Optimizer):
        def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8):
            super().__init__(params, dict(lr=lr, betas=betas, eps=eps))

        def update(self, p, state, *, lr, betas, eps):
            raise NotImplementedError("TODO: write Adam's update")

    message = failure(Template, "Adam")
    assert "raised NotImplementedError at step 1 (parameter 'x')" in message
    assert "Hint: the TODO is not done yet" in message

    class Renamed(Optimizer):  # plain gradient descent, with names of its own
        def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8):
            super().__init__(params, dict(lr=lr, betas=betas, eps=eps))

        def update(self, p, state, *, lr, betas, eps):
            exp_avg = p.grad
            p.data -= lr * exp_avg

    message = failure(Renamed, "Adam", lr=0.01)
    assert "differs first" not in message and "θ after the step" in message
    assert ("Name your variables (or state entries) as in the docstring (beta1, beta2, g, t, m, v, m_hat, "
            "v_hat, update, step)") in message


def test_a_value_stored_in_p_data_is_explained():
    class ValueInData(StudentSGD):
        def update(self, p, state, *, lr, momentum, dampening, weight_decay, nesterov):
            p.data -= lr * p  # p is the Value itself: p.data becomes a Value

    message = failure(ValueInData, "SGD", lr=0.1)
    assert "raised TypeError at step 1" in message
    assert "a parameter's data is a Value" in message and "p.data must stay a plain number" in message


def test_bad_input():
    with pytest.raises(AssertionError, match=r"got an instance of StudentAdam. Pass the class itself: "
                                             r"check_optimizer\(StudentAdam, ...\)"):
        check_optimizer(StudentAdam([Value(1.0)]), "Adam")
    with pytest.raises(AssertionError, match=r"StudentSGD\(lr=0.1, betas=.*could not be created: TypeError"):
        check_optimizer(StudentSGD, "Adam", lr=0.1, betas=(0.9, 0.99))
    with pytest.raises(ValueError, match="Unknown reference optimizer 'Adamm': choose one of SGD, "):
        check_optimizer(StudentAdam, "Adamm")
    with pytest.raises(ValueError, match=r"Invalid steps: 0 \(must be a whole number >= 1\)"):
        check_optimizer(StudentAdam, "Adam", steps=0)


def test_an_equivalent_arrangement_and_other_names_pass(capsys):
    class TorchArrangedAdam(StudentAdam):
        """PyTorch's _single_tensor_adam arrangement: no m_hat, v_hat; eps after the corrected sqrt."""

        def update(self, p, state, *, lr, betas, eps, weight_decay):
            if not state:
                state.update(step=0, exp_avg=0.0, exp_avg_sq=0.0)
            grad = p.grad + weight_decay * p.data
            state["step"] += 1
            exp_avg = state["exp_avg"] = betas[0] * state["exp_avg"] + (1 - betas[0]) * grad
            exp_avg_sq = state["exp_avg_sq"] = betas[1] * state["exp_avg_sq"] + (1 - betas[1]) * grad * grad
            step_size = lr / (1 - betas[0] ** state["step"])
            denom = math.sqrt(exp_avg_sq) / math.sqrt(1 - betas[1] ** state["step"]) + eps
            p.data -= step_size * exp_avg / denom

    check_optimizer(TorchArrangedAdam, "Adam", lr=0.01, weight_decay=0.1)
    assert capsys.readouterr().out.endswith("(quantities compared by name: state step, state m, state v).\n")


@settings(max_examples=15, deadline=None)
@given(lr=st.floats(1e-4, 0.2), beta1=st.floats(0.0, 0.99), beta2=st.floats(0.5, 0.9999),
       eps=st.sampled_from([1e-8, 1e-6, 1e-3]), weight_decay=st.sampled_from([0.0, 0.01, 0.3]))
def test_a_correct_independent_adam_passes_for_any_hyperparameters(lr, beta1, beta2, eps, weight_decay):
    settings_ = dict(lr=lr, betas=(beta1, beta2), eps=eps, weight_decay=weight_decay)
    check_optimizer(StudentAdam, "Adam", steps=6, verbose=False, **settings_)
    with pytest.raises(AssertionError, match="Hint: bias correction is missing"):
        check_optimizer(variant(bias_correction=False), "Adam", steps=6, verbose=False, **settings_)

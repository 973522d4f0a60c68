"""check_lr_schedule: closed forms and scheduler classes against microopt's (PyTorch's) schedules."""

from __future__ import annotations

import math

import pytest

from microopt.exercises import check_lr_schedule
from microopt.optim.lr_scheduler import LRScheduler


def step_lr(epoch, base_lr, step_size, gamma):
    return base_lr * gamma ** (epoch // step_size)


def cosine(epoch, base_lr, T_max, eta_min=0.0):
    return eta_min + (base_lr - eta_min) * (1 + math.cos(math.pi * epoch / T_max)) / 2


def failure(*args, **kwargs) -> str:
    with pytest.raises(AssertionError) as info:
        check_lr_schedule(*args, **kwargs)
    return str(info.value)


def test_closed_forms_match_the_recursive_schedulers(capsys):
    check_lr_schedule(step_lr, "StepLR", step_size=3, gamma=0.5)
    # the closed form and PyTorch's recursive form agree to ~1e-16 relative over a full period
    check_lr_schedule(cosine, "CosineAnnealingLR", T_max=10, eta_min=0.001, steps=10)
    assert capsys.readouterr().out.splitlines()[0] == (
        "check_lr_schedule: step_lr matches StepLR(step_size=3, gamma=0.5) from lr 0.1 over epochs 0..30.")


def test_a_scheduler_subclass_is_stepped_like_the_reference(capsys):
    class MyExponential(LRScheduler):
        def __init__(self, optimizer, gamma, last_epoch=-1):
            self.gamma = gamma
            super().__init__(optimizer, last_epoch)

        def get_lr(self):
            return [base * self.gamma ** self.last_epoch for base in self.base_lrs]

    check_lr_schedule(MyExponential, "ExponentialLR", gamma=0.8, steps=12)
    assert "MyExponential matches ExponentialLR(gamma=0.8)" in capsys.readouterr().out


def test_one_epoch_early():
    message = failure(lambda epoch, base_lr, step_size, gamma: step_lr(epoch + 1, base_lr, step_size, gamma),
                      "StepLR", step_size=3, gamma=0.5)
    # StepLR(3, 0.5) from 0.1: 0.1, 0.1, 0.1, 0.05 ...; one epoch early halves at epoch 2
    assert "at epoch 2: yours 0.05, reference 0.1" in message
    assert "reference: epochs 0..4: 0.1, 0.1, 0.1, 0.05, 0.05" in message
    assert "Hint: your schedule is one epoch early" in message


def test_one_epoch_late_and_constant():
    late = failure(lambda epoch, base_lr, gamma: base_lr * gamma ** max(epoch - 1, 0), "ExponentialLR", gamma=0.5)
    assert "at epoch 1: yours 0.1, reference 0.05" in late and "one epoch late" in late
    constant = failure(lambda epoch, base_lr, gamma: base_lr, "ExponentialLR", gamma=0.5)
    assert "Hint: your lr never changes" in constant
    wrong = failure(lambda epoch, base_lr, gamma: base_lr * gamma * epoch, "ExponentialLR", gamma=0.5)
    assert "Hint: lr_e = base_lr · γ^e" in wrong


def test_template_signature_and_bad_reference():
    def template(epoch, base_lr, step_size, gamma):
        raise NotImplementedError("TODO")

    assert "Hint: the TODO is not done yet" in failure(template, "StepLR", step_size=3, gamma=0.5)
    message = failure(lambda epoch, base_lr: base_lr, "StepLR", step_size=3, gamma=0.5)
    assert "A schedule function takes (epoch, base_lr, step_size, gamma)" in message
    with pytest.raises(ValueError, match="Unknown reference schedule 'ReduceLROnPlateau'"):
        check_lr_schedule(step_lr, "ReduceLROnPlateau")


def test_a_setting_off_by_one_or_ignored_is_named():
    # the catalogue replays the reference with each setting changed: step_size 4 instead of 3 ...
    message = failure(lambda epoch, base_lr, step_size, gamma: base_lr * gamma ** (epoch // (step_size + 1)),
                      "StepLR", step_size=3, gamma=0.5)
    assert "Hint: your schedule behaves as if step_size were 4 instead of 3 (step_size one too large" in message
    # ... and eta_min ignored (0.0 instead of 0.001)
    message = failure(lambda epoch, base_lr, T_max, eta_min: base_lr * (1 + math.cos(math.pi * epoch / T_max)) / 2,
                      "CosineAnnealingLR", T_max=10, eta_min=0.001, steps=10)
    assert "Hint: your schedule behaves as if eta_min were 0.0 instead of 0.001: eta_min is ignored." in message


def test_an_infinite_loop_in_a_schedule_fails_with_the_time_limit():
    def looping(epoch, base_lr, gamma):
        while True:
            pass

    message = failure(looping, "ExponentialLR", gamma=0.9, time_limit=0.2)
    assert message.startswith("looping did not finish within 0.2 s")

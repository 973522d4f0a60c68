"""Each algorithm owns its hyperparameter rules; the base class keeps only the shared ones."""

from __future__ import annotations

import numpy as np
import pytest

from microopt import Value
from microopt._validate import real_number
from microopt.optim import OPTIMIZERS, Adadelta, Adagrad, Adam, Optimizer, Rprop
from microopt.optim import rules as r


class TinyAdafactor(Optimizer):
    """Test-only: an eps shaped like Adafactor's, (ε₁ or None, ε₂), with its own rule."""

    rules = {**Optimizer.rules, "eps": lambda value: tuple(
        None if e is None and i == 0 else real_number(f"eps[{i}]", e, minimum=0.0)
        for i, e in enumerate(r.pair("eps", value, (None, 1e-3))))}

    def __init__(self, params, lr=0.1, eps=(None, 1e-3)):
        super().__init__(params, {"lr": lr, "eps": eps})

    def update(self, p, state, *, lr, eps):
        p.data -= lr * p.grad / (abs(p.grad) + eps[1])


class BorrowsSharedEps(TinyAdafactor):
    rules = Optimizer.rules  # no rule of its own for eps: the shared one applies


def test_the_base_class_holds_only_the_shared_rules():
    assert set(Optimizer.rules) == {"lr", "eps", "weight_decay", "maximize"}


@pytest.mark.parametrize("cls, names", [
    (Rprop, {"etas", "step_sizes"}), (Adadelta, {"rho"}), (Adam, {"betas", "amsgrad", "decoupled_weight_decay"}),
    (Adagrad, {"lr_decay", "initial_accumulator_value"}),
])
def test_algorithm_rules_sit_with_the_algorithm(cls, names):
    assert names <= set(cls.rules) and not names & set(Optimizer.rules)


def test_every_registered_hyperparameter_has_a_rule():
    for name, spec in OPTIMIZERS.items():
        w = Value(1.0)
        assert set(spec.cls([w]).defaults) <= set(spec.cls.rules), name


def test_a_differently_shaped_eps_is_not_refused_by_name():
    w = Value(1.0)
    opt = TinyAdafactor([w])
    assert opt.param_groups[0]["eps"] == (None, 1e-3)
    w.grad = 2.0
    opt.step()
    assert w.data == pytest.approx(1.0 - 0.1 * 2.0 / 2.001, rel=1e-15)
    with pytest.raises(ValueError, match=r"Invalid eps\[1\]: -1 \(must be a finite number >= 0\)"):
        TinyAdafactor([Value(1.0)], eps=(None, -1))


def test_without_its_own_rule_the_shared_eps_rule_applies():
    with pytest.raises(ValueError, match=r"Invalid epsilon value: \(None, 0.001\) \(must be a finite number >= 0\)"):
        BorrowsSharedEps([Value(1.0)])


def test_numpy_numbers_are_accepted_and_stored_as_python_numbers():
    opt = Adam([Value(1.0)], lr=np.float32(0.5), betas=(np.float64(0.8), np.float32(0.5)), amsgrad=np.bool_(True))
    group = opt.param_groups[0]
    assert group["lr"] == 0.5 and type(group["lr"]) is float
    assert group["betas"] == (0.8, 0.5) and all(type(b) is float for b in group["betas"])
    assert group["amsgrad"] is True
    opt = Adagrad([Value(1.0)], lr_decay=np.int64(0))
    assert opt.param_groups[0]["lr_decay"] == 0.0

"""Presets name optimizers of microopt.optim.OPTIMIZERS, and cover all of them but the excluded."""

from __future__ import annotations

import pytest

from microopt import Value
from microopt.optim import OPTIMIZERS
from microopt.train.presets import NOT_PRESETS, PRESETS, preset


def test_every_preset_builds_its_registered_optimizer_with_its_settings():
    for name, (class_name, settings) in PRESETS.items():
        optimizer = preset(name)([Value(1.0)])
        assert type(optimizer) is OPTIMIZERS[class_name].cls, name
        for key, value in settings.items():
            assert optimizer.param_groups[0][key] == value, (name, key)


def test_every_registered_optimizer_is_reachable_by_a_preset_or_excluded_with_a_reason():
    reachable = {class_name for class_name, _ in PRESETS.values()}
    for name in OPTIMIZERS:
        assert (name in reachable) != (name in NOT_PRESETS), name
    assert all(len(reason) > 20 for reason in NOT_PRESETS.values())


def test_unknown_preset_lists_the_choices():
    with pytest.raises(ValueError, match="Unknown optimizer 'adamm'; choose one of gd, sgd"):
        preset("adamm")

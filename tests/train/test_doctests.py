"""The examples in microopt.train's docstrings run and print what they claim."""

import doctest
import importlib

import pytest

MODULES = ["microopt.train", "microopt.train.race", "microopt.train.sweep", "microopt.train.presets",
           "microopt.train.callbacks", "microopt.train.text"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0

"""Hostile and careless input to microopt.nn: each case asserts the exact outcome."""

from __future__ import annotations

import math

import numpy as np
import pytest

from microopt import Value
from microopt.nn import MLP, Layer, Neuron, cross_entropy, hinge_loss, mse_loss


@pytest.mark.parametrize("nin,nouts", [(np.int64(2), [np.int64(3), np.int32(1)]), (np.uint8(2), (3, 1)),
                                       (2, np.array([3, 1]))])
def test_numpy_sizes_build_the_same_model(nin, nouts):
    model = MLP(nin, nouts)
    reference = MLP(2, [3, 1])
    assert repr(model) == repr(reference) == "MLP(2 -> 3 -> 1, activation='relu', 13 parameters)"
    assert model.state_dict() == reference.state_dict()


def test_numpy_seed_gives_the_same_weights():
    assert MLP(2, [3, 1], seed=np.int64(5)).state_dict() == MLP(2, [3, 1], seed=5).state_dict()


@pytest.mark.parametrize("nouts,message", [
    ([2.5], r"Invalid nouts\[0\]: 2.5 \(must be a whole number >= 1\)\. Layer sizes are whole numbers"),
    ([3, 0], r"Invalid nouts\[1\]: 0 \(must be a whole number >= 1\)"),
    ([True], r"Invalid nouts\[0\]: True \(must be a whole number >= 1\)"),
    ([np.float64(3.0)], r"Invalid nouts\[0\]: np.float64\(3.0\) \(must be a whole number >= 1\)"),
    (["16"], r"Invalid nouts\[0\]: '16' \(must be a whole number >= 1\)"),
])
def test_bad_layer_sizes_are_named(nouts, message):
    with pytest.raises(ValueError, match=message):
        MLP(2, nouts)


@pytest.mark.parametrize("nin,message", [(0, r"Invalid nin: 0 \(must be a whole number >= 1\)"),
                                         (2.0, r"Invalid nin: 2.0 \(must be a whole number >= 1\)"),
                                         (-1, r"Invalid nin: -1 \(must be a whole number >= 1\)")])
def test_bad_input_counts_are_named(nin, message):
    with pytest.raises(ValueError, match=message):
        MLP(nin, [3])


def test_a_single_size_is_refused_with_the_fix():
    with pytest.raises(TypeError, match=r"MLP needs a list of layer sizes, got 3; write MLP\(2, \[3\]\)"):
        MLP(2, 3)
    with pytest.raises(TypeError, match=r"write MLP\(2, \[3\]\)"):
        MLP(2, np.int64(3))


def test_numpy_sizes_for_neuron_and_layer():
    assert len(Neuron(np.int64(4)).w) == 4
    assert len(Layer(2, np.int16(5)).neurons) == 5


def test_unknown_activation_lists_the_registry_ones():
    with pytest.raises(ValueError, match="Unknown activation 'gelu'; choose one of tanh, sigmoid, relu, "
                                         "leaky_relu, softplus, linear"):
        MLP(2, [3, 1], activation="gelu")


@pytest.mark.parametrize("activation", ["relu", "tanh", "sigmoid", "leaky_relu", "softplus"])
def test_a_nan_input_gives_a_nan_output_with_every_activation(activation):
    out = MLP(2, [4, 1], activation=activation)([math.nan, 0.5])
    assert math.isnan(out.data)


def test_numpy_inputs_are_numbers():
    model = MLP(2, [3, 1])
    assert model(np.array([0.5, -1.0])).data == model([0.5, -1.0]).data


def test_wrong_input_length_names_both_lengths():
    with pytest.raises(ValueError, match=r"Neuron expects 2 inputs, got 3: \[1.0, 2.0, 3.0\]"):
        MLP(2, [1])([1.0, 2.0, 3.0])


def test_losses_take_numpy_targets():
    assert hinge_loss([Value(0.5)], [np.int64(1)]).data == 0.5
    assert mse_loss([Value(1.0)], [np.float32(0.5)]).data == 0.25
    assert cross_entropy([[Value(0.0), Value(0.0)]], [np.int64(1)]).data == pytest.approx(math.log(2.0), rel=1e-15)


def test_load_state_dict_takes_numpy_numbers():
    model = MLP(1, [1])
    model.load_state_dict({name: np.float32(0.5) for name in model.state_dict()})
    assert set(model.state_dict().values()) == {0.5}


@pytest.mark.parametrize("bad", [math.nan, math.inf, 10 ** 400, None, "0.5", True])
def test_load_state_dict_refuses_non_finite_entries_and_changes_nothing(bad):
    model = MLP(1, [1])
    before = model.state_dict()
    state = dict(before)
    state["layers.0.neurons.0.b"] = bad
    with pytest.raises(ValueError, match=r"state_dict entry 'layers.0.neurons.0.b' must be a finite number, got "):
        model.load_state_dict(state)
    assert model.state_dict() == before

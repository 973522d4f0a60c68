"""Module, Neuron, Layer, MLP: parameters, names, seeding, state dicts, errors."""

import json
import math

import pytest

from microopt import Value
from microopt.nn import MLP, Layer, Module, Neuron


def test_micrograd_demo_model_has_337_parameters():
    # (2*16 + 16) + (16*16 + 16) + (16*1 + 1) = 48 + 272 + 17
    assert MLP(2, [16, 16, 1]).num_parameters() == 337


def test_named_parameters_follow_attribute_order():
    names = [name for name, _ in MLP(2, [3, 1]).named_parameters()]
    assert names[:4] == ["layers.0.neurons.0.w.0", "layers.0.neurons.0.w.1",
                         "layers.0.neurons.0.b", "layers.0.neurons.1.w.0"]
    assert names[-1] == "layers.1.neurons.0.b"
    assert len(names) == len(set(names)) == 3 * 3 + 4


def test_seeded_initialisation_is_reproducible():
    a, b, c = MLP(3, [4, 2], seed=7), MLP(3, [4, 2], seed=7), MLP(3, [4, 2], seed=8)
    assert a.state_dict() == b.state_dict()
    assert a.state_dict() != c.state_dict()


def test_initialisation_is_uniform_within_pytorch_bound():
    bound = 1 / math.sqrt(16)
    model = MLP(16, [32])
    assert all(-bound <= p.data <= bound for p in model.parameters())


def test_mlp_returns_one_value_for_one_output_else_a_list():
    x = [0.5, -1.0]
    assert isinstance(MLP(2, [4, 1])(x), Value)
    out = MLP(2, [4, 3])(x)
    assert isinstance(out, list) and len(out) == 3
    assert isinstance(Layer(2, 1)(x), list)  # a Layer always returns a list


def test_last_layer_is_linear_hidden_layers_use_the_activation():
    model = MLP(2, [3, 3, 1], activation="tanh")
    assert [n.activation for n in model.layers[0].neurons] == ["tanh"] * 3
    assert model.layers[-1].neurons[0].activation == "linear"


def test_neuron_output_by_hand():
    n = Neuron(2, activation="tanh")
    n.w[0].data, n.w[1].data, n.b.data = 0.5, -1.0, 0.25
    out = n([2.0, 3.0])
    assert out.data == math.tanh(0.5 * 2.0 - 1.0 * 3.0 + 0.25)
    assert out.parents[0].op == "sum"  # the weighted sum is a single n-ary node


def test_mlp_gradients_match_central_differences():
    model = MLP(2, [3, 1], activation="tanh", seed=3)

    def loss():
        return model([0.3, -0.8]) ** 2

    loss().backward()
    h = 1e-6
    for name, p in model.named_parameters():
        p.data += h
        up = loss().data
        p.data -= 2 * h
        down = loss().data
        p.data += h
        assert p.grad == pytest.approx((up - down) / (2 * h), rel=1e-6, abs=1e-9), name


def test_zero_grad_resets_every_parameter():
    model = MLP(2, [3, 1])
    model([1.0, 2.0]).backward()
    assert any(p.grad != 0.0 for p in model.parameters())
    model.zero_grad()
    assert all(p.grad == 0.0 for p in model.parameters())


def test_state_dict_round_trips_through_json():
    model = MLP(2, [4, 1], seed=1)
    restored = MLP(2, [4, 1], seed=2)
    restored.load_state_dict(json.loads(json.dumps(model.state_dict())))
    assert restored.state_dict() == model.state_dict()
    assert restored([0.1, 0.2]).data == model([0.1, 0.2]).data


def test_load_state_dict_names_what_does_not_fit():
    model = MLP(2, [4, 1])
    with pytest.raises(ValueError, match="missing .*unexpected"):
        model.load_state_dict(MLP(3, [4, 1]).state_dict())
    bad = model.state_dict()
    bad["layers.0.neurons.0.b"] = "zero"
    with pytest.raises(ValueError, match="layers.0.neurons.0.b"):
        model.load_state_dict(bad)
    with pytest.raises(TypeError, match="dict"):
        model.load_state_dict([1.0, 2.0])
    for not_finite in (float("inf"), float("nan")):
        bad["layers.0.neurons.0.b"] = not_finite
        with pytest.raises(ValueError, match="layers.0.neurons.0.b.*finite"):
            model.load_state_dict(bad)


def test_custom_module_discovers_its_parameters():
    class Affine(Module):
        def __init__(self):
            self.scale = Value(2.0)
            self.shift = Value(-1.0)
            self.inner = Neuron(1, activation="linear")
            self._cache = Value(99.0)  # private attributes are not parameters

        def forward(self, x):
            return self.inner([x]) * self.scale + self.shift

    model = Affine()
    assert [name for name, _ in model.named_parameters()] == ["scale", "shift", "inner.w.0", "inner.b"]
    assert model.num_parameters() == 4
    assert model.parameters() == [model.scale, model.shift, model.inner.w[0], model.inner.b]


def test_parameters_are_named_parameters_without_the_names():
    class Nested(Module):  # lists, tuples, modules, a parameter shared three times
        def __init__(self):
            self.first = MLP(2, [3, 1], seed=1)
            self.pairs = [(Value(1.0), Value(2.0)), [Value(3.0)]]
            self.again = [self.first.layers[0].neurons[1].b, self.pairs[0][0]]

    model = Nested()
    assert model.parameters() == [p for _, p in model.named_parameters()]
    assert len(model.parameters()) == 13 + 3


def test_shared_parameter_is_listed_once():
    class Tied(Module):
        def __init__(self):
            self.a = Value(1.0)
            self.b = self.a

    assert Tied().num_parameters() == 1


def test_bad_construction_and_inputs():
    with pytest.raises(ValueError, match="expects 2 inputs, got 3"):
        MLP(2, [3, 1])([1.0, 2.0, 3.0])
    with pytest.raises(TypeError, match=r"list of 2 inputs .*got float: 5\.0"):
        MLP(2, [3, 1])(5.0)
    with pytest.raises(ValueError, match="Unknown activation 'relux'"):
        MLP(2, [3, 1], activation="relux")
    with pytest.raises(TypeError, match=r"MLP\(2, \[3\]\)"):
        MLP(2, 3)
    with pytest.raises(ValueError, match=r"Invalid nin: 0 \(must be a whole number >= 1\)"):
        Neuron(0)
    with pytest.raises(ValueError, match=r"Invalid nout: 0 \(must be a whole number >= 1\)"):
        Layer(2, 0)
    with pytest.raises(NotImplementedError, match="forward"):
        Module()(1.0)


def test_repr_summarises_the_model():
    assert repr(MLP(2, [16, 16, 1])) == "MLP(2 -> 16 -> 16 -> 1, activation='relu', 337 parameters)"

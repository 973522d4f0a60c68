"""Hostile and careless calls of fit: refused before any step, with what to pass instead.

Every refusal is checked to have changed nothing (``state_dict`` before and after), and every
input fit accepts in another spelling (numpy numbers, a label column, bools) is checked to
train exactly as the plain spelling does.
"""

import json
import math

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from microopt.data import make_moons, make_polynomial
from microopt.engine.value import Value
from microopt.nn import MLP, Module
from microopt.optim import SGD, Adam
from microopt.optim.lr_scheduler import StepLR
from microopt.train import EarlyStopping, fit, save_checkpoint
from microopt.train.objective import check_dataset
from tests.train.conftest import small_model

MOONS = make_moons(12, noise=0.1, seed=0)


def train(data=MOONS, model=None, optimizer=None, **options):
    model = model or small_model()
    optimizer = optimizer or SGD(model.parameters(), lr=0.1)
    options.setdefault("epochs", 2)
    return fit(model, optimizer, data, progress=False, **options), model


def refused(error, words, data=MOONS, **options):
    """fit(...) raises ``error`` whose message contains ``words``, and the model is untouched."""
    model = options.pop("model", None) or small_model()
    optimizer = options.pop("optimizer", None) or SGD(model.parameters(), lr=0.1)
    before = model.state_dict()
    options.setdefault("epochs", 2)
    options.setdefault("progress", False)
    with pytest.raises(error) as caught:
        fit(model, optimizer, data, **options)
    assert words in str(caught.value), str(caught.value)
    assert model.state_dict() == before
    return str(caught.value)


# --------------------------------------------------------------------- optimizers that are not microopt's (defect 7)
def test_a_torch_optimizer_is_refused_with_what_to_pass():
    torch = pytest.importorskip("torch")
    weights = torch.zeros(3, requires_grad=True)
    message = refused(TypeError, "got torch.optim.sgd.SGD (a torch optimizer steps tensors, not microopt Values)",
                      optimizer=torch.optim.SGD([weights], lr=0.1))
    assert "microopt.optim.SGD(model.parameters(), lr=0.1)" in message


def test_a_duck_typed_optimizer_is_refused():
    class LooksLikeOne:
        param_groups = [{"params": [], "lr": 0.1}]

        def zero_grad(self):
            pass

        def step(self):
            pass

    refused(TypeError, "fit needs a microopt optimizer over the model's Values", optimizer=LooksLikeOne())


@pytest.mark.parametrize("optimizer, shown", [("adam", "str: 'adam'"), (0.1, "float: 0.1"), (SGD, "type: <class")])
def test_not_an_optimizer_at_all(optimizer, shown):
    refused(TypeError, f"got {shown}", optimizer=optimizer)


def test_an_optimizer_over_another_models_parameters_is_refused():
    other = small_model(seed=1)
    refused(ValueError, "The optimizer updates none of the model's 17 parameters: it was built on another model's",
            optimizer=SGD(other.parameters(), lr=0.1))


def test_an_optimizer_over_part_of_the_model_trains_that_part():
    model = small_model()
    frozen = model.layers[0].parameters()
    before = [p.data for p in frozen]
    train(model=model, optimizer=SGD(model.layers[1].parameters(), lr=0.1))
    assert [p.data for p in frozen] == before


def test_a_scheduler_on_another_optimizer_is_refused():
    model = small_model()
    other = StepLR(SGD(small_model().parameters(), lr=0.1), step_size=2)
    refused(ValueError, "The scheduler drives another optimizer than the one given to fit", model=model,
            optimizer=SGD(model.parameters(), lr=0.1), scheduler=other)


def test_a_torch_scheduler_is_refused():
    torch = pytest.importorskip("torch")
    torch_optimizer = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.1)
    refused(TypeError, "fit needs a scheduler from microopt.optim.lr_scheduler (or None)",
            scheduler=torch.optim.lr_scheduler.StepLR(torch_optimizer, step_size=2))


# --------------------------------------------------------------------- models and losses
@pytest.mark.parametrize("model, shown", [
    ([1, 2], "got list: [1, 2]"), ("mlp", "got str: 'mlp'"), (None, "got NoneType: None"),
    (lambda x: x[0], "got function"), (MLP, "got the class MLP itself; create one first, e.g. model = MLP(...)"),
])
def test_a_model_that_is_not_a_model_is_refused(model, shown):
    with pytest.raises(TypeError, match="fit needs a model") as caught:
        fit(model, SGD(small_model().parameters(), lr=0.1), MOONS, epochs=1, progress=False)
    assert shown in str(caught.value)


@pytest.mark.parametrize("result, shown", [(0.5, "returned float: 0.5"), (None, "returned NoneType: None"),
                                           ([Value(1.0)], "returned list"), ("0.5", "returned str")])
def test_a_loss_that_does_not_return_a_value_is_refused(result, shown):
    def my_loss(outputs, targets):
        return result

    message = refused(TypeError, f"The loss function 'my_loss' {shown}", loss=my_loss)
    assert "not a Value, so there is nothing to backpropagate" in message


def test_a_loss_returning_a_value_trains():
    history, _ = train(loss=lambda outputs, targets: sum((o - t) ** 2 for o, t in zip(outputs, targets)))
    assert history.config["loss"] == "<lambda>" and len(history.steps) == 2


# --------------------------------------------------------------------- callbacks
def stop_now(record):
    return True


@pytest.mark.parametrize("callbacks, words", [
    (stop_now, "callbacks must be a list of functions, got function: <function stop_now"),
    (EarlyStopping(patience=2), "callbacks must be a list of functions, got EarlyStopping"),
    ("stop", "callbacks must be a list of functions, got str: 'stop'"),
    (5, "callbacks must be a list of functions, got int: 5"),
    ([stop_now, "x"], "every callback must be a function of the epoch record (e.g. EarlyStopping(patience=3)), "
                      "got str: 'x'"),
])
def test_callbacks_that_are_not_a_list_of_functions_are_refused(callbacks, words):
    message = refused(TypeError, words, callbacks=callbacks)
    if callable(callbacks):
        assert "Wrap it in a list: callbacks=[" in message


def test_callbacks_as_a_tuple_or_generator_work():
    history, _ = train(callbacks=(stop_now,))
    assert history.stop_reason == "callback" and len(history.epochs) == 1
    history, _ = train(callbacks=(f for f in [stop_now]))
    assert history.stop_reason == "callback"


# --------------------------------------------------------------------- numbers from numpy
@pytest.mark.parametrize("name, value, plain", [
    ("epochs", np.int64(2), 2), ("steps", np.int32(3), 3), ("batch_size", np.int64(5), 5),
    ("seed", np.int64(7), 7), ("l2", np.float32(0.25), float(np.float32(0.25))), ("l1", np.float64(0.01), 0.01),
    ("clip_grad_norm", np.float64(0.5), 0.5), ("divergence_factor", np.float64(1e4), 1e4),
    ("shuffle", np.bool_(False), False),
])
def test_numpy_numbers_train_exactly_as_python_numbers(tmp_path, name, value, plain):
    base = {"epochs": 2, "batch_size": 5}
    numpy_history, numpy_model = train(**{**base, name: value})
    plain_history, plain_model = train(**{**base, name: plain})
    assert numpy_history.steps == plain_history.steps and numpy_model.state_dict() == plain_model.state_dict()
    save_checkpoint(tmp_path / "run.json", history=numpy_history)  # the config is JSON: no numpy int in it
    assert json.loads((tmp_path / "run.json").read_text())["history"]["config"] == plain_history.config


@pytest.mark.parametrize("options, words", [
    ({"epochs": 2.0}, "Invalid epochs: 2.0 (must be a whole number >= 1). Pass how many passes"),
    ({"epochs": True}, "Invalid epochs: True (must be a whole number >= 1)"),
    ({"epochs": np.float64(2)}, "Invalid epochs: np.float64(2.0) (must be a whole number >= 1)"),
    ({"steps": -1}, "Invalid steps: -1 (must be a whole number >= 1). Pass how many optimizer steps"),
    ({"batch_size": "8"}, "Invalid batch_size: '8' (must be a whole number >= 1)"),
    ({"seed": 1.5}, "Invalid seed: 1.5 (must be a whole number). Pass an int, e.g. seed=0."),
    ({"seed": "0"}, "Invalid seed: '0' (must be a whole number)"),
    ({"l1": math.nan}, "Invalid l1: nan (must be a finite number >= 0)"),
    ({"l2": "0.1"}, "Invalid l2: '0.1' (must be a finite number >= 0)"),
    ({"clip_grad_norm": -1.0}, "Invalid clip_grad_norm: -1.0 (must be a finite number > 0). None means no clipping."),
    ({"clip_grad_norm": math.inf}, "Invalid clip_grad_norm: inf (must be a finite number > 0)"),
    ({"shuffle": "yes"}, "Invalid shuffle: 'yes' (must be True or False)"),
    ({"progress": 0}, "Invalid progress: 0 (must be True or False)"),
])
def test_bad_numbers_are_refused_with_the_rule(options, words):
    refused(ValueError, words, **options)


# --------------------------------------------------------------------- data: NaN, inf, None, shapes
def with_value(data, where, index, value):
    X, y = [list(x) for x in data[0]], list(data[1])
    if where == "X":
        X[index[0]][index[1]] = value
    else:
        y[index] = value
    return X, y


@pytest.mark.parametrize("where, index, value, error, words", [
    ("X", (3, 1), math.nan, ValueError, "train_data: X[3][1] is nan: training on it would make every loss nan"),
    ("X", (0, 0), math.inf, ValueError, "train_data: X[0][0] is inf"),
    ("X", (11, 0), -math.inf, ValueError, "train_data: X[11][0] is -inf"),
    ("X", (2, 0), None, TypeError, "train_data: X[2][0] is None (NoneType): each sample must be a number"),
    ("X", (2, 1), "1.5", TypeError, "train_data: X[2][1] is '1.5' (str)"),
    ("y", 4, math.nan, ValueError, "train_data: y[4] is nan"),
    ("y", 0, math.inf, ValueError, "train_data: y[0] is inf"),
    ("y", 5, None, TypeError, "train_data: y[5] is None (NoneType): every sample needs a target; drop the samples"),
    ("y", 1, "1", TypeError, "train_data: y[1] is '1' (str): each target must be a number"),
    ("y", 1, Value(1.0), TypeError, "train_data: y[1] is Value(data=1, grad=0) (Value): each target must be a number"),
])
def test_bad_values_in_the_data_are_refused_naming_the_sample(where, index, value, error, words):
    message = refused(error, words, data=with_value(MOONS, where, index, value))
    assert "diverged" not in message and "learning rate" not in message


def test_bad_values_in_the_validation_data_are_named_too():
    refused(ValueError, "val_data: X[1][0] is nan", val_data=with_value(MOONS, "X", (1, 0), math.nan))


@given(row=st.integers(0, 11), column=st.integers(0, 1), bad=st.sampled_from([math.nan, math.inf, -math.inf]))
@settings(max_examples=25, deadline=None)
def test_any_non_finite_feature_is_named(row, column, bad):
    with pytest.raises(ValueError, match=rf"train_data: X\[{row}\]\[{column}\] is {bad}"):
        check_dataset(with_value(MOONS, "X", (row, column), bad), "train_data")


@pytest.mark.parametrize("X, words", [
    ([[0.0, 1.0], [1.0], [0.5, 0.5]], "train_data: X[1] has 1 features but X[0] has 2"),
    ([[0.0, 1.0], 2.0, [0.5, 0.5]], "train_data: X[1] has None features but X[0] has 2"),
])
def test_samples_of_different_lengths_are_refused(X, words):
    with pytest.raises(ValueError) as caught:
        check_dataset((X, [0, 1, 0]), "train_data")
    assert words in str(caught.value)


def test_targets_of_different_shapes_are_refused():
    with pytest.raises(ValueError, match=r"y\[1\] is \[1.0, 2.0, 3.0\] but y\[0\] is \[0.0, 1.0\]; give every"):
        check_dataset(([[0.0], [1.0]], [[0.0, 1.0], [1.0, 2.0, 3.0]]), "train_data")


@pytest.mark.parametrize("data, error, words", [
    ((5, [1]), TypeError, "train_data must be a pair (X, y) of sequences, got X: int, y: list"),
    (([[0.0]], None), TypeError, "got X: list, y: NoneType"),
    ({"X": [], "y": []}, TypeError, "train_data must be a pair (X, y)"),
])
def test_data_that_is_not_a_dataset(data, error, words):
    with pytest.raises(error) as caught:
        check_dataset(data, "train_data")
    assert words in str(caught.value)


# --------------------------------------------------------------------- labels: accepted spellings and the ambiguous one
def test_a_label_column_trains_as_the_flat_labels():
    X, y = MOONS
    column, _ = train((X, [[label] for label in y]))
    flat, _ = train((X, y))
    assert column.steps == flat.steps and column.config["loss"] == "bce"


def test_numpy_arrays_train_as_lists():
    X, y = MOONS
    as_numpy, numpy_model = train((np.array(X), np.array(y).reshape(-1, 1)), batch_size=5)
    as_lists, list_model = train((X, y), batch_size=5)
    assert as_numpy.steps == as_lists.steps and numpy_model.state_dict() == list_model.state_dict()


def test_float32_features_are_read_as_the_floats_they_hold():
    X, y = MOONS
    as_float32, _ = train((np.array(X, dtype=np.float32), y))
    rounded, _ = train(([[float(np.float32(v)) for v in x] for x in X], y))
    assert as_float32.steps == rounded.steps


def test_bool_labels_are_the_classes_1_and_0():
    X, y = MOONS
    as_bools, _ = train((X, [label == 1 for label in y]))
    as_numpy_bools, _ = train((X, np.array(y) == 1))
    as_ints, _ = train((X, y))
    assert as_bools.steps == as_ints.steps == as_numpy_bools.steps and as_bools.config["loss"] == "bce"


@pytest.mark.parametrize("labels", [[0.0, 1.0], [-1.0, 1.0], [1.0]])
def test_float_labels_that_could_be_classes_are_ambiguous_for_auto(labels):
    X, _ = MOONS
    y = [labels[i % len(labels)] for i in range(len(X))]
    message = refused(ValueError, f"loss='auto' cannot tell whether the targets {sorted(set(y))} are classes or "
                                  "numbers to fit", data=(X, y))
    assert "int labels (y = [int(t) for t in y])" in message and "loss='mse'" in message


@pytest.mark.parametrize("loss", ["bce", "mse"])
def test_float_labels_train_with_an_explicit_loss(loss):
    X, y = MOONS
    floats, _ = train((X, [float(t) for t in y]), loss=loss)
    ints, _ = train((X, y), loss=loss)
    assert [r["loss"] for r in floats.steps] == [r["loss"] for r in ints.steps]


def test_float_class_indices_work_with_cross_entropy():
    X, y = make_moons(12, seed=0)
    model = MLP(2, [4, 2], seed=0)
    as_floats = fit(model, SGD(model.parameters(), lr=0.1), (X, [float(t) for t in y]), epochs=2,
                    loss="cross_entropy", progress=False)
    model = MLP(2, [4, 2], seed=0)
    as_ints = fit(model, SGD(model.parameters(), lr=0.1), (X, y), epochs=2, loss="cross_entropy", progress=False)
    assert as_floats.steps == as_ints.steps


def test_whole_number_floats_that_are_not_binary_are_regression_targets():
    X = [[x / 10] for x in range(10)]
    history, _ = train((X, [float(i % 3) for i in range(10)]), model=MLP(1, [3, 1], seed=0))
    assert history.config["loss"] == "mse"


def test_regression_targets_are_untouched():
    X, y = make_polynomial(8, seed=1)
    assert check_dataset((X, y), "d") == (X, y)


# --------------------------------------------------------------------- the gradient norm cannot overflow
class TwoWeights(Module):
    def __init__(self):
        self.a, self.b = Value(1.0), Value(1.0)

    def forward(self, x):
        return self.a * x[0] + self.b * x[0]


def test_the_recorded_gradient_norm_does_not_overflow():
    # Each gradient is 1e200: Σ g² overflows to inf, the norm itself is √2 · 1e200.
    model = TwoWeights()
    history = fit(model, SGD(model.parameters(), lr=0.0), ([[1e200]], [0.0]), steps=1,
                  loss=lambda outputs, targets: outputs[0], divergence_factor=None, progress=False)
    assert history.steps[0]["grad_norm"] == pytest.approx(math.sqrt(2) * 1e200, rel=1e-15)


def test_without_clipping_the_gradients_are_not_changed_by_measuring_them():
    model = small_model()
    optimizer = SGD(model.parameters(), lr=0.1)
    fit(model, optimizer, MOONS, steps=1, epochs=1, progress=False)
    by_hand = small_model()
    from microopt.nn import binary_cross_entropy_with_logits

    loss = binary_cross_entropy_with_logits([by_hand(x) for x in MOONS[0]], MOONS[1])
    loss.backward()
    for p in by_hand.parameters():
        p.data -= 0.1 * p.grad
    assert model.state_dict() == by_hand.state_dict()


def test_adam_over_the_model_is_fine_with_a_list_of_groups():
    model = small_model()
    groups = [{"params": model.layers[0].parameters()}, {"params": model.layers[1].parameters(), "lr": 0.01}]
    history, _ = train(model=model, optimizer=Adam(groups, lr=0.05))
    assert len(history.steps) == 2

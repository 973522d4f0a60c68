"""fit: the loop does what the same steps written by hand do, and records them faithfully."""

import math

import pytest

from microopt.data import Minibatches
from microopt.nn import MLP, binary_cross_entropy_with_logits, cross_entropy, hinge_loss, mse_loss
from microopt.nn.losses import accuracy
from microopt.optim import SGD, Adam, l1_penalty, l2_penalty
from microopt.optim.lr_scheduler import ReduceLROnPlateau, StepLR
from microopt.train import History, evaluate, fit
from tests.train.conftest import small_model


def by_hand(model, optimizer, X, y, loss_fn, batches, penalty=None):
    """The textbook loop, for comparison: returns the loss of every step."""
    losses = []
    for X_batch, y_batch in batches:
        optimizer.zero_grad()
        loss = loss_fn([model(x) for x in X_batch], y_batch)
        losses.append(loss.data)
        if penalty is not None:
            loss = loss + penalty(model.parameters())
        loss.backward()
        optimizer.step()
    return losses


# --------------------------------------------------------------------- it learns, and records it
def test_fit_decreases_the_loss_and_records_every_step_and_epoch(moons):
    model = small_model()
    history = fit(model, Adam(model.parameters(), lr=0.05), moons, epochs=6, batch_size=8, progress=False)
    # 20 samples in batches of 8: 8 + 8 + 4, three steps per epoch
    assert len(history.steps) == 18 and len(history.epochs) == 6 and len(history) == 6
    assert [r["step"] for r in history.steps] == list(range(18))
    assert [r["epoch"] for r in history.steps] == [e for e in range(6) for _ in range(3)]
    assert history["epoch"] == list(range(6))
    assert history["train_loss"][-1] < 0.8 * history["train_loss"][0]
    assert all(r["penalty"] == 0.0 and r["lr"] == 0.05 for r in history.steps)
    assert history["val_loss"] == [None] * 6
    assert history.config["loss"] == "bce" and history.config["steps_per_epoch"] == 3


def test_epoch_train_loss_and_accuracy_are_the_batch_means_weighted_by_batch_size(moons):
    model = small_model()
    history = fit(model, SGD(model.parameters(), lr=0.1), moons, epochs=2, batch_size=8, progress=False)
    for epoch in range(2):
        steps = history.steps[3 * epoch: 3 * epoch + 3]
        sizes = [8, 8, 4]
        expected_loss = sum(r["loss"] * n for r, n in zip(steps, sizes)) / 20
        expected_accuracy = sum(r["accuracy"] * n for r, n in zip(steps, sizes)) / 20
        assert history.epochs[epoch]["train_loss"] == pytest.approx(expected_loss, rel=1e-15)
        assert history.epochs[epoch]["train_accuracy"] == pytest.approx(expected_accuracy, rel=1e-15)


def test_validation_numbers_are_the_model_evaluated_after_the_epoch(moons, val_moons):
    model = small_model()
    history = fit(model, SGD(model.parameters(), lr=0.3), moons, epochs=3, val_data=val_moons, progress=False)
    X_val, y_val = val_moons
    outputs = [model(x) for x in X_val]
    assert history["val_loss"][-1] == binary_cross_entropy_with_logits(outputs, y_val).data
    assert history["val_accuracy"][-1] == accuracy(outputs, y_val)
    assert evaluate(model, val_moons) == {"loss": history["val_loss"][-1], "accuracy": history["val_accuracy"][-1]}


# --------------------------------------------------------------------- the same as by hand
def test_full_batch_fit_is_gradient_descent_by_hand(moons):
    X, y = moons
    model, reference = small_model(), small_model()
    history = fit(model, SGD(model.parameters(), lr=0.2), moons, epochs=4, progress=False)
    losses = by_hand(reference, SGD(reference.parameters(), lr=0.2), X, y, binary_cross_entropy_with_logits,
                     [(X, y)] * 4)
    assert history.column("loss", per="step") == losses
    assert model.state_dict() == reference.state_dict()  # bit for bit


@pytest.mark.parametrize("batch_size", [20, 50])
def test_a_batch_as_big_as_the_data_is_full_batch(moons, batch_size):
    full, batched = small_model(), small_model()
    fit(full, SGD(full.parameters(), lr=0.2), moons, epochs=3, progress=False)
    fit(batched, SGD(batched.parameters(), lr=0.2), moons, epochs=3, batch_size=batch_size, progress=False)
    assert batched.state_dict() == full.state_dict()


def test_minibatches_follow_the_seeded_order_of_microopt_data(moons):
    X, y = moons
    model, reference = small_model(), small_model()
    history = fit(model, SGD(model.parameters(), lr=0.1, momentum=0.9), moons, epochs=3, batch_size=6,
                  seed=7, progress=False)
    batches = Minibatches(X, y, batch_size=6, seed=7)  # a new order each time it is iterated
    losses = by_hand(reference, SGD(reference.parameters(), lr=0.1, momentum=0.9), X, y,
                     binary_cross_entropy_with_logits, [b for _ in range(3) for b in batches])
    assert history.column("loss", per="step") == losses
    assert model.state_dict() == reference.state_dict()


def test_l1_and_l2_penalties_are_added_to_the_loss_as_in_microopt_optim(curve):
    X, y = curve
    model, reference = small_model(nin=1), small_model(nin=1)
    start = [p.data for p in model.parameters()]
    history = fit(model, SGD(model.parameters(), lr=0.05), curve, epochs=3, l1=0.01, l2=0.1, progress=False)
    # penalty before the first step: 0.01 Σ|w| + 0.1/2 Σ w²
    expected = 0.01 * sum(abs(w) for w in start) + 0.05 * sum(w * w for w in start)
    assert history.steps[0]["penalty"] == pytest.approx(expected, rel=1e-12)

    def penalty(params):
        return l1_penalty(params, 0.01) + l2_penalty(params, 0.1)

    losses = by_hand(reference, SGD(reference.parameters(), lr=0.05), X, y, mse_loss, [(X, y)] * 3, penalty)
    assert history.column("loss", per="step") == losses
    assert model.state_dict() == pytest.approx(reference.state_dict(), rel=1e-12)


def test_grad_norm_is_recorded_before_clipping_and_the_step_is_clipped(curve):
    X, y = curve
    model, probe = small_model(nin=1), small_model(nin=1)
    start = [p.data for p in model.parameters()]
    history = fit(model, SGD(model.parameters(), lr=0.5), curve, epochs=1, clip_grad_norm=1e-3, progress=False)
    mse_loss([probe(x) for x in X], y).backward()
    norm = math.sqrt(sum(p.grad ** 2 for p in probe.parameters()))
    assert norm > 1e-2  # so the clipping bites
    assert history.steps[0]["grad_norm"] == pytest.approx(norm, rel=1e-12)
    moved = math.sqrt(sum((p.data - w) ** 2 for p, w in zip(model.parameters(), start)))
    assert moved == pytest.approx(0.5 * 1e-3, rel=1e-5)  # lr times the clipped norm


# --------------------------------------------------------------------- learning rates and schedulers
def test_step_lrs_follow_the_scheduler_stepped_once_per_step(moons):
    model = small_model()
    optimizer = SGD(model.parameters(), lr=0.1)
    history = fit(model, optimizer, moons, epochs=3, batch_size=5, scheduler=StepLR(optimizer, 3, gamma=0.5),
                  progress=False)
    # the same schedule on its own: 12 steps (4 per epoch), halving every 3
    probe = SGD(small_model().parameters(), lr=0.1)
    schedule = StepLR(probe, 3, gamma=0.5)
    expected = []
    for _ in range(12):
        expected.append(schedule.get_last_lr()[0])
        probe.step()
        schedule.step()
    assert history.column("lr", per="step") == expected == [0.1] * 3 + [0.05] * 3 + [0.025] * 3 + [0.0125] * 3
    assert history["lr"] == [expected[3], expected[7], expected[11]]  # the lr of each epoch's last step
    assert optimizer.param_groups[0]["lr"] == 0.1 * 0.5 ** 4


def test_scheduler_interval_epoch_steps_the_scheduler_after_each_epoch(moons):
    model = small_model()
    optimizer = SGD(model.parameters(), lr=0.1)
    history = fit(model, optimizer, moons, epochs=3, batch_size=10, scheduler=StepLR(optimizer, 1, gamma=0.5),
                  scheduler_interval="epoch", progress=False)
    assert history.column("lr", per="step") == [0.1, 0.1, 0.05, 0.05, 0.025, 0.025]
    assert history["lr"] == [0.1, 0.05, 0.025]


class RecordingPlateau(ReduceLROnPlateau):
    """ReduceLROnPlateau that remembers the metrics it was given."""

    def __init__(self, *args, **kwargs):
        self.metrics = []
        super().__init__(*args, **kwargs)

    def step(self, metrics):
        self.metrics.append(metrics)
        super().step(metrics)


@pytest.mark.parametrize("with_validation", [True, False])
def test_reduce_lr_on_plateau_gets_the_validation_loss_once_per_epoch(moons, val_moons, with_validation):
    model = small_model()
    optimizer = SGD(model.parameters(), lr=0.1)
    scheduler = RecordingPlateau(optimizer, patience=0, factor=0.5)
    history = fit(model, optimizer, moons, epochs=4, batch_size=10, scheduler=scheduler, progress=False,
                  val_data=val_moons if with_validation else None)
    assert scheduler.metrics == history["val_loss" if with_validation else "train_loss"]


# --------------------------------------------------------------------- losses
@pytest.mark.parametrize("targets, nout, expected", [
    ("regression", 1, "mse"),
    ("signed", 1, "hinge"),
    ("binary", 1, "bce"),
    ("binary", 2, "cross_entropy"),
])
def test_loss_auto_picks_the_textbook_loss(moons, curve, targets, nout, expected):
    X, y = curve if targets == "regression" else moons
    if targets == "signed":
        y = [2 * t - 1 for t in y]
    model = small_model(nin=len(X[0]), nout=nout)
    history = fit(model, SGD(model.parameters(), lr=0.01), (X, y), epochs=1, progress=False)
    assert history.config["loss"] == expected
    loss_fn = {"mse": mse_loss, "hinge": hinge_loss, "bce": binary_cross_entropy_with_logits,
               "cross_entropy": cross_entropy}[expected]
    assert history.steps[0]["loss"] == loss_fn([small_model(nin=len(X[0]), nout=nout)(x) for x in X], y).data
    assert (history.steps[0]["accuracy"] is None) == (expected == "mse")


def test_a_custom_loss_function_is_used_as_given(curve):
    model = small_model(nin=1)

    def mean_absolute_error(outputs, targets):
        return sum((abs(o - t) for o, t in zip(outputs, targets)), 0.0) / len(targets)

    history = fit(model, SGD(model.parameters(), lr=0.01), curve, epochs=1, loss=mean_absolute_error,
                  progress=False)
    X, y = curve
    assert history.steps[0]["loss"] == mean_absolute_error([small_model(nin=1)(x) for x in X], y).data
    assert history.config["loss"] == "mean_absolute_error" and history.steps[0]["accuracy"] is None


def test_loss_auto_refuses_many_classes_with_one_output(moons):
    X, y = moons
    model = small_model()
    with pytest.raises(ValueError, match=r"classes \[0, 1, 2\].*one output per class"):
        fit(model, SGD(model.parameters(), lr=0.1), (X, [i % 3 for i in range(len(X))]), epochs=1, progress=False)


# --------------------------------------------------------------------- stopping early and resuming
def test_steps_stops_mid_epoch(moons):
    model = small_model()
    history = fit(model, SGD(model.parameters(), lr=0.1), moons, epochs=5, steps=4, batch_size=8, progress=False)
    assert len(history.steps) == 4 and len(history.epochs) == 1  # epoch 1 was left after one step


def test_a_callback_returning_true_stops_training_and_every_callback_sees_every_epoch(moons):
    seen_by_first, seen_by_second = [], []

    def stop_after_epoch_2(record):
        seen_by_first.append(record["epoch"])
        return record["epoch"] == 2

    model = small_model()
    history = fit(model, SGD(model.parameters(), lr=0.1), moons, epochs=10, progress=False,
                  callbacks=[stop_after_epoch_2, lambda record: seen_by_second.append(record)])
    assert len(history.epochs) == 3 and history.stop_reason == "callback"
    assert seen_by_first == [0, 1, 2] and seen_by_second == history.epochs


def test_fit_continues_a_history_to_the_same_end_as_one_call(moons):
    model, reference = small_model(), small_model()
    optimizer, reference_optimizer = SGD(model.parameters(), lr=0.1), SGD(reference.parameters(), lr=0.1)
    history = fit(model, optimizer, moons, epochs=3, steps=5, batch_size=8, progress=False)
    same = fit(model, optimizer, moons, epochs=3, batch_size=8, progress=False, history=history)
    whole = fit(reference, reference_optimizer, moons, epochs=3, batch_size=8, progress=False)
    assert same is history and history.steps == whole.steps and history.epochs == whole.epochs
    assert model.state_dict() == reference.state_dict()


def test_resuming_with_other_settings_is_refused(moons):
    model = small_model()
    optimizer = SGD(model.parameters(), lr=0.1)
    history = fit(model, optimizer, moons, epochs=1, batch_size=8, seed=1, progress=False)
    with pytest.raises(ValueError, match=r"seed: 1 then, 2 now.*same data, seed, batch_size"):
        fit(model, optimizer, moons, epochs=2, batch_size=8, seed=2, progress=False, history=history)
    with pytest.raises(TypeError, match="history must be a History"):
        fit(model, optimizer, moons, epochs=2, batch_size=8, progress=False, history=history.to_dict())


# --------------------------------------------------------------------- bad arguments
@pytest.mark.parametrize("kwargs, message", [
    ({}, "fit needs epochs= .* or steps="),
    ({"epochs": 0}, r"Invalid epochs: 0 \(must be a whole number >= 1\)"),
    ({"epochs": 1, "steps": 2.5}, r"Invalid steps: 2.5"),
    ({"epochs": 1, "batch_size": 0}, r"Invalid batch_size: 0"),
    ({"epochs": 1, "l2": -0.1}, r"Invalid l2: -0.1 \(must be a finite number >= 0\). 0 means no penalty"),
    ({"epochs": 1, "clip_grad_norm": 0}, r"Invalid clip_grad_norm: 0"),
    ({"epochs": 1, "scheduler_interval": "batch"}, r"Invalid scheduler_interval: 'batch'"),
    ({"epochs": 1, "loss": "l1"}, r"Unknown loss 'l1'; choose 'auto', 'mse'"),
    ({"epochs": 1, "divergence_factor": 0.5}, r"Invalid divergence_factor: 0.5"),
])
def test_bad_arguments_are_refused_with_the_offending_value(moons, kwargs, message):
    model = small_model()
    with pytest.raises(ValueError, match=message):
        fit(model, SGD(model.parameters(), lr=0.1), moons, progress=False, **kwargs)


def test_an_optimizer_or_scheduler_of_the_wrong_kind_is_refused_before_any_step(moons):
    model = small_model()
    before = model.state_dict()
    with pytest.raises(TypeError, match=r"fit needs a microopt optimizer over the model's Values, .*got str: 'adam'"):
        fit(model, "adam", moons, epochs=1, progress=False)
    with pytest.raises(TypeError, match=r"fit needs a scheduler .*got str: 'step'"):
        fit(model, SGD(model.parameters(), lr=0.1), moons, epochs=1, scheduler="step", progress=False)
    with pytest.raises(TypeError, match=r"every callback must be a function .*got int: 3"):
        fit(model, SGD(model.parameters(), lr=0.1), moons, epochs=1, callbacks=[3], progress=False)
    assert model.state_dict() == before  # refused up front: no step was taken


@pytest.mark.parametrize("data, error, message", [
    ([[0.0, 1.0]], TypeError, r"train_data must be a pair \(X, y\)"),
    (([], []), ValueError, r"train_data is empty"),
    (([[0.0, 1.0], [1.0, 0.0]], [1]), ValueError, r"X has 2 samples but y has 1"),
])
def test_bad_datasets_are_refused(data, error, message):
    model = small_model()
    with pytest.raises(error, match=message):
        fit(model, SGD(model.parameters(), lr=0.1), data, epochs=1, progress=False)


def test_fit_returns_a_history():
    model = MLP(1, [1])
    history = fit(model, SGD(model.parameters(), lr=0.1), ([[1.0]], [2.0]), epochs=2, progress=False)
    assert isinstance(history, History)
    # one weight w and bias b, loss (w + b - 2)²: the gradient step is exact to check by hand
    w, b = MLP(1, [1]).parameters()
    residual = w.data + b.data - 2.0
    assert history.steps[0]["loss"] == pytest.approx(residual ** 2, rel=1e-15)
    assert history.steps[0]["grad_norm"] == pytest.approx(abs(2 * residual) * math.sqrt(2), rel=1e-15)
    # each step: w, b -= 0.1 · 2 r, so r -= 0.4 r: r becomes 0.6 r
    assert history.steps[1]["loss"] == pytest.approx((0.6 * residual) ** 2, rel=1e-12)

"""fit(..., compile=True): the eager run, bit for bit, with optimizers, schedulers and checkpoints unchanged."""

from __future__ import annotations

import pytest

from microopt.data import make_moons, to_signed_labels
from microopt.nn import MLP
from microopt.optim import SGD, Adam
from microopt.optim.lr_scheduler import OneCycleLR, ReduceLROnPlateau, StepLR
from microopt.train import fit, load_checkpoint, save_checkpoint
from microopt.train.compile import CompileError

X, Y01 = make_moons(14, seed=4)
YPM = to_signed_labels(Y01)
VAL = make_moons(6, seed=5)


def run(compile_: bool, *, loss="hinge", targets=YPM, optimizer=lambda p: SGD(p, lr=0.1, momentum=0.9),
        scheduler=lambda o: StepLR(o, step_size=2, gamma=0.5), **options):
    model = MLP(2, [4, 1], activation="tanh", seed=3)
    opt = optimizer(model.parameters())
    history = fit(model, opt, (X, targets), loss=loss, scheduler=scheduler(opt), progress=False,
                  compile=compile_, **options)
    return history.to_dict(), model.state_dict(), opt.state_dict()


@pytest.mark.parametrize("loss, targets", [("hinge", YPM), ("bce", Y01), ("mse", [0.5 * t for t in YPM])])
def test_a_compiled_fit_is_the_eager_fit_bit_for_bit(loss, targets):
    # batches of 5, 5 and 4 samples: two batch sizes, two compiled steps; penalties and clipping on
    val_targets = {"hinge": to_signed_labels(VAL[1]), "bce": VAL[1], "mse": [0.5 * t for t in to_signed_labels(VAL[1])]}
    options = dict(loss=loss, targets=targets, epochs=3, batch_size=5, l1=1e-3, l2=1e-2, clip_grad_norm=1.0,
                   val_data=(VAL[0], val_targets[loss]))
    assert run(True, **options) == run(False, **options)  # every loss, lr, norm, accuracy; weights; buffers


@pytest.mark.parametrize("optimizer, scheduler", [
    (lambda p: Adam(p, lr=0.05), lambda o: OneCycleLR(o, max_lr=0.1, total_steps=6)),
    (lambda p: SGD(p, lr=0.1), lambda o: ReduceLROnPlateau(o, patience=0, factor=0.5)),
], ids=["Adam+OneCycleLR", "SGD+ReduceLROnPlateau"])
def test_optimizers_and_schedulers_work_unchanged(optimizer, scheduler):
    options = dict(optimizer=optimizer, scheduler=scheduler, steps=6, batch_size=7)
    assert run(True, **options) == run(False, **options)


def test_a_resumed_compiled_run_is_the_uninterrupted_eager_run(tmp_path):
    def setup():
        model = MLP(2, [4, 1], activation="relu", seed=3)
        optimizer = Adam(model.parameters(), lr=0.05)
        return model, optimizer, StepLR(optimizer, step_size=3, gamma=0.5)

    model, optimizer, scheduler = setup()
    history = fit(model, optimizer, (X, YPM), steps=4, epochs=3, batch_size=5, scheduler=scheduler,
                  progress=False, compile=True)  # stopped mid-epoch
    save_checkpoint(tmp_path / "run.json", model=model, optimizer=optimizer, scheduler=scheduler, history=history)
    model, optimizer, scheduler = setup()
    saved = load_checkpoint(tmp_path / "run.json", model=model, optimizer=optimizer, scheduler=scheduler)
    resumed = fit(model, optimizer, (X, YPM), epochs=3, batch_size=5, scheduler=scheduler, progress=False,
                  compile=True, history=saved["history"])

    eager_model, eager_optimizer, eager_scheduler = setup()
    eager = fit(eager_model, eager_optimizer, (X, YPM), epochs=3, batch_size=5, scheduler=eager_scheduler,
                progress=False)
    assert resumed.to_dict() == eager.to_dict()
    assert model.state_dict() == eager_model.state_dict()
    assert optimizer.state_dict() == eager_optimizer.state_dict()


def test_cross_entropy_is_refused_with_a_message():
    model = MLP(2, [3, 2], seed=0)
    with pytest.raises(CompileError, match="indexes by its targets"):
        fit(model, SGD(model.parameters(), lr=0.1), (X, Y01), loss="cross_entropy", epochs=1, progress=False,
            compile=True)


def test_compile_must_be_a_flag():
    model = MLP(2, [3, 1], seed=0)
    with pytest.raises((TypeError, ValueError), match="compile"):
        fit(model, SGD(model.parameters(), lr=0.1), (X, YPM), epochs=1, progress=False, compile="yes")

"""Checkpoints: one JSON file, written atomically, checked on loading, and an exact resume."""

import json
import math
import os
import pickle
import tempfile

import pytest
from hypothesis import given, settings, strategies as st

from microopt.data import make_moons
from microopt.nn import MLP
from microopt.optim import SGD, Adam
from microopt.optim.lr_scheduler import ExponentialLR, OneCycleLR, ReduceLROnPlateau, StepLR
from microopt.train import CheckpointError, History, fit, load_checkpoint, save_checkpoint
from microopt.train.checkpoint import VERSION
from tests.train.conftest import small_model


def setup(scheduler="step"):
    """A fresh model, optimizer and scheduler, the same every call."""
    model = small_model()
    optimizer = Adam(model.parameters(), lr=0.05)
    if scheduler == "step":
        return model, optimizer, StepLR(optimizer, step_size=4, gamma=0.5)
    if scheduler == "one_cycle":
        return model, optimizer, OneCycleLR(optimizer, max_lr=0.1, total_steps=15)
    return model, optimizer, ReduceLROnPlateau(optimizer, patience=0, factor=0.5)


@pytest.fixture
def saved(tmp_path, moons):
    """A checkpoint written after 4 steps of training."""
    model, optimizer, scheduler = setup()
    history = fit(model, optimizer, moons, steps=4, epochs=5, batch_size=8, scheduler=scheduler, progress=False)
    path = tmp_path / "run.json"
    save_checkpoint(path, model=model, optimizer=optimizer, scheduler=scheduler, history=history,
                    extra={"note": "after 4 steps"})
    return path, model, optimizer, scheduler, history


# --------------------------------------------------------------------- round trip
def test_a_checkpoint_restores_everything_it_saved(saved):
    path, model, optimizer, scheduler, history = saved
    fresh_model, fresh_optimizer, fresh_scheduler = setup()
    loaded = load_checkpoint(path, model=fresh_model, optimizer=fresh_optimizer, scheduler=fresh_scheduler)
    assert fresh_model.state_dict() == model.state_dict()
    assert fresh_optimizer.state_dict() == optimizer.state_dict()
    assert fresh_optimizer.param_groups[0]["betas"] == (0.9, 0.999)  # a tuple again after JSON
    assert fresh_scheduler.state_dict() == scheduler.state_dict()
    assert loaded["history"].to_dict() == history.to_dict()
    assert loaded["extra"] == {"note": "after 4 steps"}


def test_the_file_is_plain_json_with_a_format_and_version(saved):
    document = json.loads(saved[0].read_text())
    assert document["format"] == "microopt-checkpoint" and document["version"] == VERSION == 1
    assert document["model"]["type"] == "MLP" and document["optimizer"]["type"] == "Adam"
    assert document["scheduler"]["type"] == "StepLR" and len(document["history"]["steps"]) == 4


def test_parts_can_be_saved_and_loaded_alone(tmp_path):
    model = small_model()
    save_checkpoint(tmp_path / "weights.json", model=model)
    other = small_model(seed=5)
    assert load_checkpoint(tmp_path / "weights.json", model=other) == {
        "history": None, "extra": None, "microopt_version": "0.1.0"}
    assert other.state_dict() == model.state_dict()


# --------------------------------------------------------------------- resuming is exact
@pytest.mark.parametrize("stop_after", [1, 3, 7, 11])  # mid-epoch, at an epoch's end, later
@pytest.mark.parametrize("scheduler", ["step", "one_cycle", "plateau"])
def test_a_resumed_run_is_bit_for_bit_the_uninterrupted_run(tmp_path, moons, val_moons, stop_after, scheduler):
    run = dict(epochs=5, batch_size=7, val_data=val_moons, progress=False, seed=4)  # 3 batches per epoch
    model, optimizer, sched = setup(scheduler)
    whole = fit(model, optimizer, moons, scheduler=sched, **run)

    first_model, first_optimizer, first_scheduler = setup(scheduler)
    part = fit(first_model, first_optimizer, moons, scheduler=first_scheduler, steps=stop_after, **run)
    save_checkpoint(tmp_path / "c.json", model=first_model, optimizer=first_optimizer, scheduler=first_scheduler,
                    history=part)
    resumed_model, resumed_optimizer, resumed_scheduler = setup(scheduler)
    loaded = load_checkpoint(tmp_path / "c.json", model=resumed_model, optimizer=resumed_optimizer,
                             scheduler=resumed_scheduler)
    resumed = fit(resumed_model, resumed_optimizer, moons, scheduler=resumed_scheduler, history=loaded["history"],
                  **run)
    assert resumed.steps == whole.steps and resumed.epochs == whole.epochs
    assert resumed_model.state_dict() == model.state_dict()
    assert resumed_optimizer.state_dict() == optimizer.state_dict()


# --------------------------------------------------------------------- atomic writes
def test_a_failure_while_writing_leaves_the_old_checkpoint_intact(saved, monkeypatch):
    path = saved[0]
    before = path.read_bytes()

    def disk_full(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", disk_full)
    with pytest.raises(CheckpointError, match=r"Cannot save checkpoint '.*run.json': No space left on device. "
                                               r"The disk is full"):
        save_checkpoint(path, model=small_model(seed=9), extra={"note": "newer"})
    assert path.read_bytes() == before
    assert sorted(p.name for p in path.parent.iterdir()) == ["run.json"]  # no temporary file left behind


def test_a_failed_rename_leaves_the_old_checkpoint_intact(saved, monkeypatch):
    path = saved[0]
    before = path.read_bytes()

    def interrupted(source, destination):
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        save_checkpoint(path, model=small_model(seed=9))
    assert path.read_bytes() == before and sorted(p.name for p in path.parent.iterdir()) == ["run.json"]


def test_extra_that_is_not_json_is_refused_before_anything_is_written(saved):
    path = saved[0]
    before = path.read_bytes()
    with pytest.raises(CheckpointError, match=r"Everything saved must be JSON data .* extra="):
        save_checkpoint(path, extra={"model": small_model()})
    assert path.read_bytes() == before and sorted(p.name for p in path.parent.iterdir()) == ["run.json"]


# --------------------------------------------------------------------- malformed and mismatched files
def rewrite(path, change):
    document = json.loads(path.read_text())
    change(document)
    path.write_text(json.dumps(document))


@pytest.mark.parametrize("content, message", [
    ('{"format": "microopt-checkpoint", "vers', r"invalid JSON at line 1, column \d+ .*cut short"),
    ("[1, 2, 3]", r"is not a microopt checkpoint: expected \"format\": 'microopt-checkpoint', found 'list'"),
    ('{"state": {}}', r"is not a microopt checkpoint: .*found None"),
    ('{"format": "microopt-checkpoint", "version": 2}',
     r"format version 2, but this microopt reads version 1.*upgrade"),
    ('{"format": "microopt-checkpoint", "version": "1"}', r"format version '1'.*damaged"),
    ('{"format": "microopt-checkpoint", "version": 1}', r"the field 'model' is missing"),
])
def test_malformed_files_are_refused(tmp_path, content, message):
    path = tmp_path / "bad.json"
    path.write_text(content)
    with pytest.raises(CheckpointError, match=message):
        load_checkpoint(path, model=small_model())


def test_a_pickle_is_refused_never_loaded(tmp_path):
    path = tmp_path / "run.pkl"
    path.write_bytes(pickle.dumps({"model": [1.0, 2.0]}))
    with pytest.raises(CheckpointError, match="is not a microopt checkpoint: it is not UTF-8 text"):
        load_checkpoint(path)


def test_a_missing_file_is_named(tmp_path):
    with pytest.raises(CheckpointError, match=r"No checkpoint at '.*nowhere.json': the file does not exist"):
        load_checkpoint(tmp_path / "nowhere.json")
    with pytest.raises(CheckpointError, match=r"No checkpoint at '.*': it is a folder"):
        load_checkpoint(tmp_path)


def test_saving_into_a_missing_folder_names_the_folder(tmp_path):
    # not os.replace's FileNotFoundError about a temporary file the user never named
    with pytest.raises(CheckpointError, match=r"the folder '.*nowhere' does not exist"):
        save_checkpoint(tmp_path / "nowhere" / "run.json", extra=1)
    assert not (tmp_path / "nowhere").exists()


@pytest.mark.parametrize("target, message", [
    ("model", r"does not load into the model MLP: state_dict does not fit this MLP: "
              r"missing \['layers.0.neurons.4.w.0'.*another shape"),
    ("optimizer_type",
     r"holds the state of the optimizer Adam, which cannot be loaded into the SGD given. Create the optimizer as Adam"),
    ("optimizer_groups",
     r"does not load into the optimizer Adam: .*different number of parameter groups: 1, this optimizer has 2"),
    ("scheduler_type", r"holds the state of the scheduler StepLR, which cannot be loaded into the ExponentialLR given"),
])
def test_a_checkpoint_that_does_not_fit_is_refused_and_changes_nothing(saved, target, message):
    path = saved[0]
    model, optimizer, scheduler = setup()
    if target == "model":
        model = MLP(2, [6, 1], seed=0)  # 6·3 + 7 = 25 parameters instead of 4·3 + 5 = 17
        optimizer = Adam(model.parameters(), lr=0.05)
        scheduler = StepLR(optimizer, 4)
    elif target == "optimizer_type":
        optimizer = SGD(model.parameters(), lr=0.1)
        scheduler = StepLR(optimizer, 4)
    elif target == "optimizer_groups":
        params = model.parameters()
        optimizer = Adam([{"params": params[:5]}, {"params": params[5:]}], lr=0.05)
        scheduler = StepLR(optimizer, 4)
    else:
        scheduler = ExponentialLR(optimizer, gamma=0.9)
    before = (model.state_dict(), optimizer.state_dict(), scheduler.state_dict())
    with pytest.raises(CheckpointError, match=message):
        load_checkpoint(path, model=model, optimizer=optimizer, scheduler=scheduler)
    assert (model.state_dict(), optimizer.state_dict(), scheduler.state_dict()) == before


def test_an_optimizer_group_of_another_size_is_refused(saved):
    model = small_model()
    params = model.parameters()
    optimizer = Adam(params[:10], lr=0.05)
    with pytest.raises(CheckpointError,
                       match=r"does not load into the optimizer Adam: .*group 0 has 17 parameters saved, 10 here"):
        load_checkpoint(saved[0], optimizer=optimizer)


@pytest.mark.parametrize("change, message", [
    (lambda d: d.update(model=None), r"holds no model state \(it was saved without model=\)"),
    (lambda d: d["model"].pop("state_dict"), r"'model' must hold a 'type' and a 'state_dict' dict"),
    (lambda d: d["model"]["state_dict"].update({"layers.0.neurons.0.b": "0.5"}),
     r"does not load into the model MLP: state_dict entry 'layers.0.neurons.0.b' must be a finite number, got '0.5'"),
    (lambda d: d["history"]["steps"][0].pop("lr"), r"malformed history: History steps record 0 must have exactly"),
    (lambda d: d["optimizer"]["state_dict"].pop("param_groups"),
     r"does not load into the optimizer Adam: .*'param_groups' and 'state'"),
])
def test_malformed_sections_are_named(saved, change, message):
    path = saved[0]
    rewrite(path, change)
    model, optimizer, _ = setup()
    with pytest.raises(CheckpointError, match=message):
        load_checkpoint(path, model=model, optimizer=optimizer)


def test_history_survives_json():
    history = History([{"step": 0, "epoch": 0, "loss": 0.1, "penalty": 0.0, "lr": 0.1, "grad_norm": 1.0,
                        "accuracy": None}], [], {"seed": 3})
    assert History.from_dict(json.loads(json.dumps(history.to_dict()))).to_dict() == history.to_dict()


def test_a_state_that_fails_to_load_changes_nothing_already_accepted(saved):
    path = saved[0]
    rewrite(path, lambda d: d["scheduler"]["state_dict"].update(not_a_step_lr_field=1))
    model, optimizer, scheduler = setup()
    before = (model.state_dict(), optimizer.state_dict(), scheduler.state_dict())
    with pytest.raises(CheckpointError,
                       match=r"does not load into the scheduler StepLR: state_dict has keys \['not_a_step_lr_field'\]"):
        load_checkpoint(path, model=model, optimizer=optimizer, scheduler=scheduler)
    assert (model.state_dict(), optimizer.state_dict(), scheduler.state_dict()) == before


@settings(max_examples=15, deadline=None)
@given(batch_size=st.integers(1, 20), stop_after=st.integers(1, 40), seed=st.integers(0, 2**32))
def test_resuming_anywhere_with_any_batch_size_is_exact(batch_size, stop_after, seed):
    data = make_moons(12, seed=5)
    total = 3 * math.ceil(12 / batch_size)
    stop_after = min(stop_after, total)
    run = dict(epochs=3, batch_size=batch_size, seed=seed, progress=False)
    model, optimizer, scheduler = setup()
    whole = fit(model, optimizer, data, scheduler=scheduler, **run)
    first = setup()
    part = fit(first[0], first[1], data, scheduler=first[2], steps=stop_after, **run)
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "run.json")
        save_checkpoint(path, model=first[0], optimizer=first[1], scheduler=first[2], history=part)
        resumed = setup()
        history = load_checkpoint(path, model=resumed[0], optimizer=resumed[1], scheduler=resumed[2])["history"]
    fit(resumed[0], resumed[1], data, scheduler=resumed[2], history=history, **run)
    assert history.steps == whole.steps and history.epochs == whole.epochs
    assert resumed[0].state_dict() == model.state_dict()

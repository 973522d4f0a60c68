"""Interruptions: Ctrl-C anywhere in fit, or a killed process, never desynchronises a run.

The promise checked everywhere: stop a run at any point, save what there is, resume from
that file in fresh objects, and the result is bit for bit the run that was never stopped.
In-process the interrupt comes from a loss or a callback that raises ``KeyboardInterrupt``
at a chosen call, or from a real SIGINT raised inside the optimizer's update (which fit holds
back until the step is recorded). Out of process, a training script is sent SIGINT (Ctrl-C)
or SIGKILL at random moments.
"""

import json
import math
import os
import pathlib
import signal
import subprocess
import sys
import textwrap
import time

import pytest

from microopt.data import make_moons
from microopt.nn import MLP, binary_cross_entropy_with_logits
from microopt.optim import Adam
from microopt.optim.lr_scheduler import ReduceLROnPlateau, StepLR
from microopt.train import fit, load_checkpoint, read_checkpoint, save_checkpoint
from microopt.train.fit import TrainingInterrupted

DATA, VAL = make_moons(10, seed=0), make_moons(4, seed=1)
RUN = dict(epochs=3, batch_size=4, seed=2, val_data=VAL, progress=False)  # 3 steps per epoch, 9 in all
ROOT = pathlib.Path(__file__).resolve().parents[2]


class InterruptingAdam(Adam):
    """Adam whose update raises a real SIGINT at its ``at``-th parameter update."""

    at = None
    calls = 0

    def update(self, p, state, **hyperparameters):
        InterruptingAdam.calls += 1
        if InterruptingAdam.calls == InterruptingAdam.at:
            signal.raise_signal(signal.SIGINT)
        super().update(p, state, **hyperparameters)


@pytest.fixture(autouse=True)
def pythons_own_ctrl_c_handler():
    """Ctrl-C as in a terminal, whoever started the tests: a shell that runs them in the
    background starts them with SIGINT ignored, which fit rightly leaves alone (so would every
    child process, since an ignored signal survives exec). Restored afterwards."""
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    yield
    signal.signal(signal.SIGINT, previous)


def setup(scheduler):
    model = MLP(2, [3, 1], activation="tanh", seed=0)
    optimizer = InterruptingAdam(model.parameters(), lr=0.05)
    if scheduler == "step":
        return model, optimizer, StepLR(optimizer, step_size=2, gamma=0.5), "step"
    if scheduler == "epoch":
        return model, optimizer, StepLR(optimizer, step_size=1, gamma=0.5), "epoch"
    return model, optimizer, ReduceLROnPlateau(optimizer, patience=0, factor=0.5), "step"


class Interrupt:
    """When the loss should raise KeyboardInterrupt: at its ``at``-th call (None: never)."""

    at = None
    calls = 0


def interruptible_bce(outputs, targets):
    Interrupt.calls += 1
    if Interrupt.calls == Interrupt.at:
        raise KeyboardInterrupt
    return binary_cross_entropy_with_logits(outputs, targets)


def run_fit(scheduler, loss=interruptible_bce, callbacks=(), history=None, objects=None):
    model, optimizer, sched, interval = objects or setup(scheduler)
    history = fit(model, optimizer, DATA, loss=loss, scheduler=sched, scheduler_interval=interval,
                  callbacks=list(callbacks), history=history, **RUN)
    return history, (model, optimizer, sched, interval)


def uninterrupted(scheduler):
    InterruptingAdam.at = Interrupt.at = None
    history, (model, optimizer, sched, _) = run_fit(scheduler)
    return history.to_dict(), model.state_dict(), optimizer.state_dict(), sched.state_dict()


WHOLE = {}


def whole(scheduler):
    if scheduler not in WHOLE:
        WHOLE[scheduler] = uninterrupted(scheduler)
    return WHOLE[scheduler]


def resume_and_compare(tmp_path, scheduler, interrupted_history, objects):
    """Save what the interrupted run holds, resume in fresh objects, compare with the whole run."""
    model, optimizer, sched, _ = objects
    # The optimizer never runs ahead of the history: Adam's step count is the number of records.
    steps = {state["step"] for state in optimizer.state_dict()["state"].values()} or {0}
    assert steps == {len(interrupted_history.steps)}
    path = tmp_path / "interrupted.json"
    save_checkpoint(path, model=model, optimizer=optimizer, scheduler=sched, history=interrupted_history)
    InterruptingAdam.at = Interrupt.at = None
    fresh = setup(scheduler)
    loaded = load_checkpoint(path, model=fresh[0], optimizer=fresh[1], scheduler=fresh[2])
    history, (model, optimizer, sched, _) = run_fit(scheduler, history=loaded["history"], objects=fresh)
    expected = whole(scheduler)
    resumed = (history.to_dict(), model.state_dict(), optimizer.state_dict(), sched.state_dict())
    assert resumed[0]["steps"] == expected[0]["steps"] and resumed[0]["epochs"] == expected[0]["epochs"]
    assert resumed[1:] == expected[1:]


# --------------------------------------------------------------------- in process: a loss or a callback raises
@pytest.mark.parametrize("scheduler", ["step", "epoch", "plateau"])
@pytest.mark.parametrize("at", range(1, 13))  # 9 training steps and 3 validations: 12 loss calls
def test_ctrl_c_in_the_loss_at_any_call_leaves_a_resumable_run(tmp_path, scheduler, at):
    whole(scheduler)
    InterruptingAdam.at, Interrupt.calls, Interrupt.at = None, 0, at
    objects = setup(scheduler)
    with pytest.raises(TrainingInterrupted) as caught:
        run_fit(scheduler, objects=objects)
    history = caught.value.history
    assert history.stop_reason == "interrupted" and isinstance(caught.value, KeyboardInterrupt)
    assert f"Training interrupted after {history.num_steps} steps" in str(caught.value)
    resume_and_compare(tmp_path, scheduler, history, objects)


@pytest.mark.parametrize("scheduler", ["step", "plateau"])
@pytest.mark.parametrize("epoch", range(3))
def test_ctrl_c_in_a_callback_leaves_a_resumable_run(tmp_path, scheduler, epoch):
    def callback(record):
        if record["epoch"] == epoch:
            raise KeyboardInterrupt

    whole(scheduler)
    InterruptingAdam.at = Interrupt.at = None
    objects = setup(scheduler)
    with pytest.raises(TrainingInterrupted) as caught:
        run_fit(scheduler, callbacks=[callback], objects=objects)
    assert len(caught.value.history.epochs) == epoch + 1  # the epoch was recorded before its callbacks
    resume_and_compare(tmp_path, scheduler, caught.value.history, objects)


# --------------------------------------------------------------------- in process: a real SIGINT mid-step
@pytest.mark.parametrize("scheduler", ["step", "epoch", "plateau"])
@pytest.mark.parametrize("at", [1, 2, 7, 13, 14, 26, 27, 40, 65, 100, 117])  # 13 parameter updates per step
def test_sigint_in_the_middle_of_an_optimizer_step_waits_for_the_step(tmp_path, scheduler, at):
    whole(scheduler)
    InterruptingAdam.calls, InterruptingAdam.at, Interrupt.at = 0, at, None
    objects = setup(scheduler)
    with pytest.raises(TrainingInterrupted) as caught:
        run_fit(scheduler, objects=objects)
    history = caught.value.history
    assert history.num_steps == (at - 1) // 13 + 1  # the step it arrived in was completed and recorded
    resume_and_compare(tmp_path, scheduler, history, objects)


def test_the_sigint_handler_is_restored_after_fit():
    InterruptingAdam.at = None
    run_fit("step")
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_a_handler_of_the_users_own_is_left_alone():
    seen = []
    previous = signal.signal(signal.SIGINT, lambda signum, frame: seen.append(signum))
    try:
        InterruptingAdam.calls, InterruptingAdam.at = 0, 3
        history, _ = run_fit("step")
        assert seen == [signal.SIGINT] and history.num_steps == 9  # their handler ran; training went on
    finally:
        signal.signal(signal.SIGINT, previous)
        InterruptingAdam.at = None


# --------------------------------------------------------------------- out of process: Ctrl-C and SIGKILL
TRAINER = textwrap.dedent("""
    import sys
    from microopt.data import make_moons
    from microopt.nn import MLP
    from microopt.optim import Adam
    from microopt.optim.lr_scheduler import StepLR
    from microopt.train import fit, load_checkpoint, save_checkpoint
    from microopt.train.fit import TrainingInterrupted

    path, epochs = sys.argv[1], int(sys.argv[2])
    model = MLP(2, [6, 1], activation="tanh", seed=0)
    optimizer = Adam(model.parameters(), lr=0.02)
    scheduler = StepLR(optimizer, step_size=7, gamma=0.9)
    history = None
    if len(sys.argv) > 3:
        history = load_checkpoint(path, model=model, optimizer=optimizer, scheduler=scheduler)["history"]
    data = make_moons(40, seed=3)
    try:
        for epoch in range(len(history.epochs) + 1 if history else 1, epochs + 1):  # a checkpoint per epoch
            history = fit(model, optimizer, data, epochs=epoch, batch_size=9, seed=1, scheduler=scheduler,
                          progress=False, history=history)
            save_checkpoint(path, model=model, optimizer=optimizer, scheduler=scheduler, history=history)
    except TrainingInterrupted as interrupted:
        save_checkpoint(path, model=model, optimizer=optimizer, scheduler=scheduler, history=interrupted.history)
        print("interrupted", interrupted.history.num_steps, flush=True)
        sys.exit(130)
    except KeyboardInterrupt:  # during a save: the previous checkpoint is intact
        print("interrupted while saving", flush=True)
        sys.exit(130)
    print("done", history.num_steps, flush=True)
""")


def start(tmp_path, *args):
    script = tmp_path / "trainer.py"
    script.write_text(TRAINER)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TQDM_DISABLE": "1"}
    return subprocess.Popen([sys.executable, str(script), *map(str, args)], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def wait_for(path, timeout=60.0):
    deadline = time.monotonic() + timeout
    while not path.exists():
        assert time.monotonic() < deadline, "the training script wrote no checkpoint"
        time.sleep(0.01)


EPOCHS = 30


@pytest.fixture(scope="module")
def expected(tmp_path_factory):
    """The uninterrupted run, by the same script, in this process."""
    import runpy

    folder = tmp_path_factory.mktemp("whole")
    (folder / "trainer.py").write_text(TRAINER)
    argv = sys.argv
    sys.argv = ["trainer.py", str(folder / "whole.json"), str(EPOCHS)]
    try:
        runpy.run_path(str(folder / "trainer.py"), run_name="__main__")
    finally:
        sys.argv = argv
    return read_checkpoint(folder / "whole.json")


def test_a_process_stopped_by_ctrl_c_resumes_to_the_same_result(tmp_path, expected):
    """The defect: Ctrl-C could leave the optimizer one step ahead of the history."""
    epochs = EPOCHS
    path = tmp_path / "run.json"
    process = start(tmp_path, path, epochs)
    wait_for(path)
    time.sleep(0.05)
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=120)
    if process.returncode == 0:
        pytest.skip("the run finished before Ctrl-C arrived")  # a very fast machine
    assert process.returncode == 130 and out.startswith("interrupted"), err
    steps = read_checkpoint(path)["optimizer"]["state_dict"]["state"]["0"]["step"]
    assert steps == len(read_checkpoint(path)["history"]["steps"])
    resumed = start(tmp_path, path, epochs, "resume")
    out, err = resumed.communicate(timeout=120)
    assert resumed.returncode == 0, err
    assert_same_run(read_checkpoint(path), expected)


def assert_same_run(document, expected):
    for key in ("model", "optimizer", "scheduler", "history"):
        assert json.dumps(document[key], sort_keys=True) == json.dumps(expected[key], sort_keys=True), key


@pytest.mark.parametrize("delay", [0.0, 0.1])
def test_a_process_killed_mid_fit_resumes_from_its_last_checkpoint_to_the_same_result(tmp_path, expected, delay):
    epochs = EPOCHS
    path = tmp_path / "run.json"
    process = start(tmp_path, path, epochs)
    wait_for(path)
    time.sleep(delay)
    process.kill()  # SIGKILL: no handler, no cleanup, possibly in the middle of a save
    process.communicate(timeout=60)
    saved = read_checkpoint(path)  # whole: the old or the new checkpoint, never half of one
    resumed = start(tmp_path, path, epochs, "resume")
    out, err = resumed.communicate(timeout=120)
    assert resumed.returncode == 0, err
    assert len(saved["history"]["epochs"]) <= epochs
    assert_same_run(read_checkpoint(path), expected)


SAVER = textwrap.dedent("""
    import sys
    from microopt.train import save_checkpoint

    path = sys.argv[1]
    versions = [{"version": i, "payload": [i] * 50_000} for i in range(2)]
    save_checkpoint(path, extra=versions[0])
    print("ready", flush=True)
    i = 0
    while True:
        i += 1
        save_checkpoint(path, extra=versions[i % 2])
""")


def test_a_process_killed_mid_save_leaves_a_whole_checkpoint(tmp_path):
    script = tmp_path / "saver.py"
    script.write_text(SAVER)
    path = tmp_path / "ckpt.json"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    for delay in (0.0, 0.03, 0.1):
        process = subprocess.Popen([sys.executable, str(script), str(path)], env=env, stdout=subprocess.PIPE,
                                   text=True)
        assert process.stdout.readline() == "ready\n"
        time.sleep(delay)
        process.kill()
        process.communicate(timeout=60)
        extra = read_checkpoint(path)["extra"]
        assert extra["version"] in (0, 1) and extra["payload"] == [extra["version"]] * 50_000


def test_the_interruption_and_divergence_errors_survive_pickling():
    """A joblib worker sends exceptions back pickled: both must come back whole."""
    import pickle

    from microopt.train import DivergenceError

    InterruptingAdam.calls, InterruptingAdam.at, Interrupt.at = 0, 30, None
    with pytest.raises(TrainingInterrupted) as caught:
        run_fit("step")
    back = pickle.loads(pickle.dumps(caught.value))
    assert str(back) == str(caught.value) and back.history.to_dict() == caught.value.history.to_dict()
    diverged = DivergenceError("the loss became nan", step=3, lr=0.1, loss=math.nan, epoch=1,
                               history=caught.value.history)
    again = pickle.loads(pickle.dumps(diverged))
    assert str(again) == str(diverged) == ("Training diverged at step 3 (epoch 1) with lr = 0.1: the loss became "
                                           "nan. Try a smaller learning rate, e.g. 0.01 (10x smaller).")
    assert (again.step, again.epoch, again.lr, again.history.num_steps) == (3, 1, 0.1, 3)

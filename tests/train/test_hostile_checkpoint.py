"""Hostile and careless use of checkpoints: every case ends in the right state and a clear error.

Loading is all or nothing (a file that does not fit changes no weight, no optimizer buffer,
no scheduler field); saving never half-writes, never leaves a temporary file, never replaces
a read-only file or a symlink, and explains every OS failure in terms of the user's own path.
"""

import errno
import json
import math
import os
import stat

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

import microopt.train.checkpoint as checkpoint
from microopt.optim import Adam
from microopt.optim.lr_scheduler import StepLR
from microopt.train import CheckpointError, fit, load_checkpoint, read_checkpoint, save_checkpoint
from tests.train.conftest import small_model


def setup():
    model = small_model()
    optimizer = Adam(model.parameters(), lr=0.05)
    return model, optimizer, StepLR(optimizer, step_size=4, gamma=0.5)


def trained():
    """Model, optimizer and scheduler after 3 steps: every part has state to lose."""
    from microopt.data import make_moons

    model, optimizer, scheduler = setup()
    history = fit(model, optimizer, make_moons(12, seed=3), steps=3, epochs=3, batch_size=4,
                  scheduler=scheduler, progress=False)
    return model, optimizer, scheduler, history


@pytest.fixture
def saved(tmp_path):
    model, optimizer, scheduler, history = trained()
    path = tmp_path / "run.json"
    save_checkpoint(path, model=model, optimizer=optimizer, scheduler=scheduler, history=history)
    return path


def snapshot(*objects):
    return json.dumps([o.state_dict() for o in objects], sort_keys=True)


def files_in(folder):
    return sorted(p.name for p in folder.iterdir())


def rewrite(path, change):
    document = json.loads(path.read_text())
    change(document)
    path.write_text(json.dumps(document))


# --------------------------------------------------------------------- all or nothing (defect 3)
@pytest.mark.parametrize("change, words", [
    (lambda d: d["optimizer"]["state_dict"]["param_groups"][0].update(lr=10**400),
     "does not load into the optimizer Adam"),
    (lambda d: d["optimizer"]["state_dict"]["param_groups"][0].update(lr=-1.0),
     "does not load into the optimizer Adam: Invalid learning rate: -1.0"),
    (lambda d: d["optimizer"]["state_dict"]["param_groups"][0].update(betas=[0.9]),
     "does not load into the optimizer Adam: Invalid betas: (0.9,) (must be a pair"),
    (lambda d: d["optimizer"]["state_dict"]["state"]["0"].update(m="a lot"),
     "does not load into the optimizer Adam: loaded state dict entry '0': Invalid buffer 'm': 'a lot'"),
    (lambda d: d["optimizer"]["state_dict"]["state"].update({"99": {"step": 1}}),
     "does not load into the optimizer Adam: loaded state dict has state for parameter '99'"),
    (lambda d: d["model"]["state_dict"].update({"layers.1.neurons.0.b": 10**400}),
     "does not load into the model MLP"),
    (lambda d: d["model"]["state_dict"].update({"layers.1.neurons.0.b": None}),
     "does not load into the model MLP: state_dict entry 'layers.1.neurons.0.b' must be a finite number, got None"),
    (lambda d: d["model"]["state_dict"].pop("layers.0.neurons.0.b"),
     "does not load into the model MLP: state_dict does not fit this MLP: missing ['layers.0.neurons.0.b']"),
    (lambda d: d["scheduler"]["state_dict"].update(gamma="half"),
     "does not load into the scheduler StepLR: state_dict entry 'gamma' is 'half'"),
    (lambda d: d["scheduler"]["state_dict"].update(typo=1),
     "does not load into the scheduler StepLR: state_dict has keys ['typo']"),
    (lambda d: d["scheduler"].update(state_dict=[]), "'scheduler' must hold a 'type' and a 'state_dict' dict"),
    (lambda d: d["optimizer"].update(type=5), "'optimizer' must hold a 'type' and a 'state_dict' dict"),
    (lambda d: d["history"].update(steps="many"), "has a malformed history: History 'steps' must be a list"),
    (lambda d: d["history"].update(config=[]), "has a malformed history: History 'config' must be a dict"),
])
def test_a_bad_section_changes_nothing_at_all(saved, change, words):
    rewrite(saved, change)
    model, optimizer, scheduler = setup()
    before = snapshot(model, optimizer, scheduler)
    with pytest.raises(CheckpointError) as caught:
        load_checkpoint(saved, model=model, optimizer=optimizer, scheduler=scheduler)
    assert words in str(caught.value) and str(saved) in str(caught.value)
    assert snapshot(model, optimizer, scheduler) == before


def test_the_optimizer_state_is_untouched_when_only_the_scheduler_is_bad(saved):
    # The model and optimizer sections are valid and come first: they must not be half-applied.
    rewrite(saved, lambda d: d["scheduler"]["state_dict"].update(base_lrs="0.1"))
    model, optimizer, scheduler = setup()
    weights = [p.data for p in model.parameters()]
    with pytest.raises(CheckpointError, match="does not load into the scheduler StepLR"):
        load_checkpoint(saved, model=model, optimizer=optimizer, scheduler=scheduler)
    assert [p.data for p in model.parameters()] == weights and optimizer.state_dict()["state"] == {}


def test_a_scheduler_on_another_optimizer_is_refused(saved):
    model, optimizer, _ = setup()
    other = StepLR(Adam(small_model().parameters(), lr=0.1), step_size=4)
    with pytest.raises(CheckpointError, match="the scheduler given drives another optimizer"):
        load_checkpoint(saved, model=model, optimizer=optimizer, scheduler=other)


def test_objects_that_cannot_be_copied_are_named():
    class Locked:
        def __deepcopy__(self, memo):
            raise TypeError("cannot pickle '_thread.lock' object")

        def state_dict(self):
            return {}

    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "m.json")
        save_checkpoint(path, model=Locked())
        with pytest.raises(TypeError, match=r"on copies of the objects first.*cannot pickle '_thread.lock'"):
            load_checkpoint(path, model=Locked())


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cut=st.floats(0.0, 1.0, exclude_max=True))
def test_a_file_cut_short_anywhere_is_refused_and_changes_nothing(saved, cut):
    whole = saved.read_bytes()
    broken = saved.with_name("cut.json")
    broken.write_bytes(whole[: int(cut * len(whole))])
    model, optimizer, scheduler = setup()
    before = snapshot(model, optimizer, scheduler)
    with pytest.raises(CheckpointError, match="is not a microopt checkpoint"):
        load_checkpoint(broken, model=model, optimizer=optimizer, scheduler=scheduler)
    assert snapshot(model, optimizer, scheduler) == before


json_values = st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=3),
                           lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner,
                                                                                      max_size=3),
                           max_leaves=5)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(section=st.sampled_from(["model", "optimizer", "scheduler"]), value=json_values, pick=st.integers(0, 10**6))
def test_any_replaced_value_loads_whole_or_changes_nothing(saved, section, value, pick):
    """Replace one field of one section by any JSON value: it loads, or nothing moves."""
    document = json.loads(saved.read_text())
    state = document[section]["state_dict"]
    if section == "optimizer":
        state = state["param_groups"][0]
    key = sorted(k for k in state if k != "params")[pick % (len(state) - (section == "optimizer"))]
    state[key] = value
    mutated = saved.with_name("mutated.json")
    mutated.write_text(json.dumps(document))
    model, optimizer, scheduler = setup()
    before = snapshot(model, optimizer, scheduler)
    try:
        load_checkpoint(mutated, model=model, optimizer=optimizer, scheduler=scheduler)
    except CheckpointError as error:
        assert f"does not load into the {section}" in str(error)
        assert snapshot(model, optimizer, scheduler) == before
    else:
        assert snapshot(model, optimizer, scheduler) != before or value == state[key]


# --------------------------------------------------------------------- files too big, too deep (defect 10)
def test_a_file_over_the_limit_is_refused_without_being_read(saved, monkeypatch):
    def no_reading(*args, **kwargs):
        raise AssertionError("the file was opened")

    monkeypatch.setattr(checkpoint, "open", no_reading, raising=False)
    size = saved.stat().st_size
    with pytest.raises(CheckpointError, match=rf"it is {size:,} bytes, more than the limit of 1,000 .*max_bytes"):
        load_checkpoint(saved, max_bytes=1000)


def test_the_default_limit_refuses_a_huge_file_at_once(tmp_path):
    huge = tmp_path / "huge.json"
    with open(huge, "wb") as file:  # sparse: 100 MB on paper, nothing on the disk
        file.truncate(100 * 2**20)
    with pytest.raises(CheckpointError, match=r"104,857,600 bytes, more than the limit of 67,108,864"):
        load_checkpoint(huge)
    assert checkpoint.MAX_BYTES == 64 * 2**20


def test_a_file_just_under_the_limit_loads(saved):
    size = saved.stat().st_size
    assert load_checkpoint(saved, max_bytes=size)["history"].num_steps == 3


@pytest.mark.parametrize("max_bytes, shown", [(0, "0"), (-5, "-5"), (1.5, "1.5"), ("64MB", "'64MB'"), (True, "True")])
def test_a_bad_limit_is_refused(saved, max_bytes, shown):
    with pytest.raises(ValueError, match=rf"Invalid max_bytes: {shown} \(must be a whole number >= 1\)"):
        load_checkpoint(saved, max_bytes=max_bytes)


@pytest.mark.parametrize("bomb", ["[" * 100_000, '{"a":' * 100_000, '{"format": "microopt-checkpoint", "extra": '
                                  + "[" * 50_000 + "]" * 50_000 + "}"])
def test_a_nesting_bomb_is_a_checkpoint_error_not_a_recursion_error(tmp_path, bomb):
    path = tmp_path / "bomb.json"
    path.write_text(bomb)
    with pytest.raises(CheckpointError, match="is not a microopt checkpoint: its JSON is nested too deeply"):
        load_checkpoint(path)


def test_an_integer_of_a_million_digits_is_refused(tmp_path):
    path = tmp_path / "digits.json"
    path.write_text('{"format": "microopt-checkpoint", "version": 1' + "0" * 10_000 + "}")
    with pytest.raises(CheckpointError, match="is not a microopt checkpoint: Exceeds the limit"):
        load_checkpoint(path)


def test_a_pipe_is_refused_without_blocking(tmp_path):
    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)
    with pytest.raises(CheckpointError, match="it is not a regular file"):
        load_checkpoint(fifo)


def test_a_device_is_refused():
    with pytest.raises(CheckpointError, match=r"No checkpoint at '/dev/zero': it is not a regular file"):
        load_checkpoint("/dev/zero")


@pytest.mark.parametrize("version, words", [(True, "version True"), (1.0, "version 1.0"), (None, "version None"),
                                            ("1", "version '1'"), (10**50, "upgrade microopt")])
def test_only_the_integer_version_1_is_read(tmp_path, version, words):
    path = tmp_path / "v.json"
    path.write_text(json.dumps({"format": "microopt-checkpoint", "version": version}))
    if isinstance(version, float):  # JSON 1.0 is Python's 1.0 == 1: the file is read, and its missing fields named
        with pytest.raises(CheckpointError, match="the field 'model' is missing"):
            load_checkpoint(path)
        return
    with pytest.raises(CheckpointError, match=words):
        load_checkpoint(path)


def test_a_byte_order_mark_is_harmless(saved):
    saved.write_bytes(b"\xef\xbb\xbf" + saved.read_bytes())
    assert load_checkpoint(saved)["history"].num_steps == 3


# --------------------------------------------------------------------- a diverged model
def test_a_model_with_nan_weights_is_saved_and_can_be_inspected(tmp_path):
    model, optimizer, scheduler, history = trained()
    broken = model.parameters()
    broken[0].data, broken[1].data = math.nan, math.inf
    path = tmp_path / "diverged.json"
    save_checkpoint(path, model=model, optimizer=optimizer, history=history)
    weights = read_checkpoint(path)["model"]["state_dict"]
    assert math.isnan(weights["layers.0.neurons.0.w.0"]) and weights["layers.0.neurons.0.w.1"] == math.inf
    assert weights["layers.1.neurons.0.b"] == model.state_dict()["layers.1.neurons.0.b"]
    fresh = small_model(seed=2)
    before = fresh.state_dict()
    with pytest.raises(CheckpointError, match=r"The model had diverged when it was saved \(2 weights are NaN or "
                                              r"infinite, e.g. 'layers.0.neurons.0.w.0'\); read_checkpoint\("):
        load_checkpoint(path, model=fresh)
    assert fresh.state_dict() == before
    assert load_checkpoint(path)["history"].num_steps == 3  # the rest still loads


# --------------------------------------------------------------------- saving: files and permissions (defect 5)
def test_a_read_only_file_is_not_replaced(saved):
    before = saved.read_bytes()
    saved.chmod(0o444)
    with pytest.raises(CheckpointError, match=r"the file is read-only \(mode 444\), so it is not replaced.*chmod u\+w"):
        save_checkpoint(saved, extra="newer")
    assert saved.read_bytes() == before and files_in(saved.parent) == ["run.json"]


@pytest.mark.parametrize("mode", [0o600, 0o640, 0o664, 0o604])
def test_replacing_a_file_keeps_its_mode(saved, mode):
    saved.chmod(mode)
    save_checkpoint(saved, extra="newer")
    assert stat.S_IMODE(saved.stat().st_mode) == mode and read_checkpoint(saved)["extra"] == "newer"


@pytest.mark.parametrize("umask, mode", [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664), (0o027, 0o640)])
def test_a_new_file_honours_the_umask(tmp_path, umask, mode):
    previous = os.umask(umask)
    try:
        save_checkpoint(tmp_path / "new.json", extra=1)
    finally:
        os.umask(previous)
    assert stat.S_IMODE((tmp_path / "new.json").stat().st_mode) == mode


def test_saving_through_a_symlink_writes_its_target(saved, tmp_path):
    link = tmp_path / "latest.json"
    link.symlink_to(saved.name)
    save_checkpoint(link, extra="through the link")
    assert link.is_symlink() and os.readlink(link) == "run.json"
    assert read_checkpoint(saved)["extra"] == "through the link"
    assert files_in(tmp_path) == ["latest.json", "run.json"]


def test_a_dangling_symlink_creates_its_target(tmp_path):
    (tmp_path / "runs").mkdir()
    link = tmp_path / "latest.json"
    link.symlink_to("runs/first.json")
    save_checkpoint(link, extra=1)
    assert link.is_symlink() and read_checkpoint(tmp_path / "runs" / "first.json")["extra"] == 1


def test_a_symlink_chain_to_a_read_only_file_is_refused(saved, tmp_path):
    (tmp_path / "a.json").symlink_to("run.json")
    (tmp_path / "b.json").symlink_to("a.json")
    saved.chmod(0o400)
    with pytest.raises(CheckpointError, match=r"Cannot save checkpoint '.*b.json': the file is read-only"):
        save_checkpoint(tmp_path / "b.json", extra=1)


@pytest.mark.parametrize("path, words", [
    ("with\0nul.json", r"Invalid checkpoint path: 'with\\x00nul.json' \(must be a non-empty file name without NUL"),
    ("", r"Invalid checkpoint path: '' \(must be a non-empty file name"),
])
def test_impossible_paths_are_refused_for_saving_and_loading(tmp_path, path, words):
    with pytest.raises(CheckpointError, match=words):
        save_checkpoint(path, extra=1)
    with pytest.raises(CheckpointError, match=words):
        load_checkpoint(path)


@pytest.mark.parametrize("path", [5, None, ["run.json"]])
def test_a_path_that_is_not_a_path_is_a_type_error(path):
    with pytest.raises(TypeError, match=r"Invalid checkpoint path: .* \(must be a file name, a str or a pathlib"):
        save_checkpoint(path, extra=1)


def test_a_bytes_path_works(tmp_path):
    save_checkpoint(os.fsencode(tmp_path / "b.json"), extra=[1])
    assert load_checkpoint(os.fsencode(tmp_path / "b.json"))["extra"] == [1]


def test_saving_onto_a_folder_says_so(tmp_path):
    with pytest.raises(CheckpointError, match=r"Cannot save checkpoint '.*': it is a folder. Give a file name, e.g."):
        save_checkpoint(tmp_path, extra=1)
    assert files_in(tmp_path) == []


@pytest.mark.parametrize("failing, number, words", [
    ("open", errno.EACCES, "Permission denied. You have no permission to write in"),
    ("open", errno.EROFS, "Read-only file system. The file system is read-only"),
    ("open", errno.ENAMETOOLONG, "File name too long. The file name is too long"),
    ("fsync", errno.ENOSPC, "No space left on device. The disk is full"),
    ("fsync", errno.EDQUOT, "Disk quota exceeded. The disk quota is exceeded"),
    ("replace", errno.EIO, "Input/output error. The previous checkpoint, if any, is intact."),
    ("replace", errno.EXDEV, "Invalid cross-device link."),
])
def test_os_failures_name_the_users_path_and_leave_no_temporary_file(saved, monkeypatch, failing, number, words):
    before = saved.read_bytes()
    real = getattr(os, failing)

    def fail(*args, **kwargs):
        if failing == "open" and not str(args[0]).endswith(".tmp"):
            return real(*args, **kwargs)  # only the temporary file's creation fails
        raise OSError(number, os.strerror(number), str(args[0]) if args else None)

    monkeypatch.setattr(os, failing, fail)
    with pytest.raises(CheckpointError) as caught:
        save_checkpoint(saved, extra="newer")
    message = str(caught.value)
    assert message.startswith(f"Cannot save checkpoint {str(saved)!r}: ") and words in message
    assert ".tmp" not in message
    monkeypatch.undo()
    assert saved.read_bytes() == before and files_in(saved.parent) == ["run.json"]


def test_a_write_that_fails_half_way_leaves_the_old_file(saved, monkeypatch):
    before = saved.read_bytes()
    real_fdopen = os.fdopen

    class HalfFile:
        def __init__(self, file):
            self.file = file

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.file.close()

        def write(self, text):
            self.file.write(text[: len(text) // 2])
            raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fdopen", lambda *a, **k: HalfFile(real_fdopen(*a, **k)))
    with pytest.raises(CheckpointError, match="No space left on device. The disk is full"):
        save_checkpoint(saved, extra="x" * 10_000)
    assert saved.read_bytes() == before and files_in(saved.parent) == ["run.json"]


def test_ctrl_c_while_writing_leaves_the_old_file(saved, monkeypatch):
    before = saved.read_bytes()

    def interrupted(fd):
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "fsync", interrupted)
    with pytest.raises(KeyboardInterrupt):
        save_checkpoint(saved, extra="newer")
    monkeypatch.undo()
    assert saved.read_bytes() == before and files_in(saved.parent) == ["run.json"]


# --------------------------------------------------------------------- saving: what JSON would change
@pytest.mark.parametrize("extra, words", [
    ({1: "a"}, r"Cannot save extra: its key 1 is a int, and JSON keys are strings, so it would come back as '1'"),
    ({"runs": [{"lr": 0.1, (1, 2): 3}]}, r"Cannot save extra\['runs'\]\[0\]: its key \(1, 2\) is a tuple"),
    ((0.9, 0.999), r"Cannot save extra: it is a tuple, which JSON stores as a list.*Pass a list"),
    ({"betas": (0.9, 0.999)}, r"Cannot save extra\['betas'\]: it is a tuple"),
    ({"f": print}, r"Object of type builtin_function_or_method is not JSON serializable.*extra="),
    ({"s": {1, 2}}, r"Object of type set is not JSON serializable"),
])
def test_extra_that_json_would_change_or_refuse_is_refused_before_writing(tmp_path, extra, words):
    with pytest.raises(CheckpointError, match=words):
        save_checkpoint(tmp_path / "x.json", extra=extra)
    assert files_in(tmp_path) == []


def test_a_circular_extra_is_refused(tmp_path):
    loop = []
    loop.append(loop)
    with pytest.raises(CheckpointError, match="Circular reference detected"):
        save_checkpoint(tmp_path / "x.json", extra={"loop": loop})
    assert files_in(tmp_path) == []


def test_a_deeply_nested_extra_is_refused(tmp_path):
    deep = []
    for _ in range(3000):  # beyond the recursion limit (1000)
        deep = [deep]
    with pytest.raises(CheckpointError, match=r"Cannot save checkpoint '.*x.json': maximum recursion depth"):
        save_checkpoint(tmp_path / "x.json", extra=deep)
    assert files_in(tmp_path) == []


@given(extra=json_values)
@settings(max_examples=30, deadline=None)
def test_extra_json_data_comes_back_equal(extra):
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "x.json")
        save_checkpoint(path, extra=extra)
        back = load_checkpoint(path)["extra"]
    assert json.dumps(back, sort_keys=True) == json.dumps(extra, sort_keys=True)

"""Checkpoints: a whole training run in one JSON file, to stop now and continue later.

The file holds the model's parameters, the optimizer's and the scheduler's ``state_dict()``,
the ``History`` (which also records the seed and position that fix the minibatch order) and
anything JSON-compatible you add as ``extra``. Loading it into a fresh model, optimizer and
scheduler and calling ``fit`` again continues the run bit for bit as if it had never stopped::

    save_checkpoint("run.json", model=model, optimizer=opt, scheduler=sched, history=history)
    ...
    ckpt = load_checkpoint("run.json", model=model, optimizer=opt, scheduler=sched)
    fit(model, opt, data, epochs=20, scheduler=sched, history=ckpt["history"])

Why JSON and not pickle: loading a pickle runs whatever code the file names, so a pickle
from someone else is a program you execute. A JSON file can only ever be data. Floats survive
the trip exactly, since Python writes the shortest repr that reads back to the same float.

Why atomic: the file is written to a temporary file in the same folder, flushed to disk, then
renamed over the old one (``os.replace`` is atomic). A crash mid-write leaves the previous
checkpoint untouched, never half a file.
"""

from __future__ import annotations

import json
import os
import tempfile
from typing import Any

from microopt.train.history import History

FORMAT = "microopt-checkpoint"
VERSION = 1


class CheckpointError(ValueError):
    """A checkpoint file is malformed or does not fit the model/optimizer/scheduler given."""


# --------------------------------------------------------------------- saving
def save_checkpoint(path: str | os.PathLike, *, model=None, optimizer=None, scheduler=None,
                    history: History | None = None, extra: Any = None) -> None:
    """Write model, optimizer, scheduler, history and ``extra`` to ``path`` as one JSON file."""
    from microopt import __version__

    document = {
        "format": FORMAT,
        "version": VERSION,
        "microopt_version": __version__,
        "model": None if model is None else {"type": type(model).__name__, "state_dict": model.state_dict()},
        "optimizer": None if optimizer is None else {
            "type": type(optimizer).__name__, "state_dict": optimizer.state_dict()},
        "scheduler": None if scheduler is None else {
            "type": type(scheduler).__name__, "state_dict": scheduler.state_dict()},
        "history": None if history is None else history.to_dict(),
        "extra": extra,
    }
    # Serialise completely before touching the disk: an unserialisable `extra` must not
    # leave anything behind.
    try:
        text = json.dumps(document, indent=1)
    except (TypeError, ValueError) as err:
        raise CheckpointError(
            f"Cannot save checkpoint {os.fspath(path)!r}: {err}. Everything saved must be JSON data "
            "(numbers, strings, lists, dicts); pass plain values in extra=."
        ) from None
    _write_atomically(os.fspath(path), text)


def _write_atomically(path: str, text: str) -> None:
    """Write to a temporary file beside ``path``, fsync it, then rename it over ``path``."""
    directory = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(directory):
        raise CheckpointError(f"Cannot save checkpoint {path!r}: the folder {directory!r} does not exist. Create it first.")
    fd, temporary = tempfile.mkstemp(prefix=f".{os.path.basename(path)}.", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as file:
            file.write(text)
            file.flush()
            os.fsync(file.fileno())  # the bytes are on disk before the rename makes them visible
        os.replace(temporary, path)
    except BaseException:
        try:
            os.unlink(temporary)
        except FileNotFoundError:
            pass
        raise
    _fsync_directory(directory)


def _fsync_directory(directory: str) -> None:
    # Makes the rename itself durable on POSIX; Windows cannot open a folder this way.
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


# --------------------------------------------------------------------- loading
def load_checkpoint(path: str | os.PathLike, *, model=None, optimizer=None, scheduler=None) -> dict[str, Any]:
    """Read ``path``, load its state into the given objects, return what else it holds.

    Returns ``{"history": History or None, "extra": ..., "microopt_version": "..."}``. Loading
    is all or nothing: a checkpoint that does not fit raises ``CheckpointError`` and leaves
    the model, optimizer and scheduler as they were.
    """
    document = _read(os.fspath(path))
    where = f"checkpoint {os.fspath(path)!r}"
    model_state = _section(document, "model", model, where)
    optimizer_state = _section(document, "optimizer", optimizer, where)
    scheduler_state = _section(document, "scheduler", scheduler, where)
    if model is not None:
        _check_model(model, model_state, where)
    if optimizer is not None:
        _check_optimizer(optimizer, optimizer_state, where)
    try:
        history = None if document["history"] is None else History.from_dict(document["history"])
    except ValueError as err:
        raise CheckpointError(f"{where} has a malformed history: {err}") from None

    targets = [(obj, state) for obj, state in ((model, model_state), (optimizer, optimizer_state),
                                               (scheduler, scheduler_state)) if obj is not None]
    snapshots = [(obj, obj.state_dict()) for obj, _ in targets]
    try:
        for obj, state in targets:
            obj.load_state_dict(state)
    except (KeyError, TypeError, ValueError) as err:
        for obj, snapshot in snapshots:  # all or nothing: put back what was already loaded
            obj.load_state_dict(snapshot)
        raise CheckpointError(f"{where} does not load: {err}") from None
    return {"history": history, "extra": document["extra"], "microopt_version": document["microopt_version"]}


def _read(path: str) -> dict:
    try:
        with open(path, encoding="utf-8") as file:
            text = file.read()
    except FileNotFoundError:
        raise CheckpointError(f"No checkpoint at {path!r}: the file does not exist.") from None
    except IsADirectoryError:
        raise CheckpointError(f"No checkpoint at {path!r}: it is a folder; give the checkpoint file inside it.") from None
    except UnicodeDecodeError:
        raise CheckpointError(
            f"{path!r} is not a microopt checkpoint: it is not UTF-8 text (a binary file, a pickle?)."
        ) from None
    try:
        document = json.loads(text)
    except json.JSONDecodeError as err:
        raise CheckpointError(
            f"{path!r} is not a microopt checkpoint: invalid JSON at line {err.lineno}, column {err.colno} "
            f"({err.msg}). Was the file cut short or edited by hand?"
        ) from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        found = document.get("format") if isinstance(document, dict) else type(document).__name__
        raise CheckpointError(
            f"{path!r} is not a microopt checkpoint: expected \"format\": {FORMAT!r}, found {found!r}. "
            "Checkpoints are written by microopt.train.save_checkpoint."
        )
    version = document.get("version")
    if version != VERSION:
        newer = isinstance(version, int) and not isinstance(version, bool) and version > VERSION
        raise CheckpointError(
            f"{path!r} has checkpoint format version {version!r}, but this microopt reads version {VERSION}. "
            + ("It was written by a newer microopt: upgrade microopt to read it." if newer
               else "The file is damaged or was not written by save_checkpoint.")
        )
    for key in ("model", "optimizer", "scheduler", "history", "extra", "microopt_version"):
        if key not in document:
            raise CheckpointError(f"{path!r} is malformed: the field {key!r} is missing.")
    return document


def _section(document: dict, key: str, target: Any, where: str) -> Any:
    """The saved state for ``key``, checked to exist when a ``target`` should receive it."""
    section = document[key]
    if target is None:
        return None
    if section is None:
        raise CheckpointError(
            f"{where} holds no {key} state (it was saved without {key}=), so it cannot be loaded "
            f"into the {type(target).__name__} given. Pass {key}=None to load the rest."
        )
    if not isinstance(section, dict) or not isinstance(section.get("state_dict"), dict) \
            or not isinstance(section.get("type"), str):
        raise CheckpointError(f"{where} is malformed: {key!r} must hold a 'type' and a 'state_dict' dict.")
    if key != "model" and section["type"] != type(target).__name__:
        raise CheckpointError(
            f"{where} holds the state of the {key} {section['type']}, which cannot be loaded into the "
            f"{type(target).__name__} given. Create the {key} as {section['type']}(...) to resume this run."
        )
    return section["state_dict"]


def _check_model(model, state: dict, where: str) -> None:
    expected = list(model.state_dict())
    missing = [name for name in expected if name not in state]
    unexpected = [name for name in state if name not in expected]
    if missing or unexpected:
        raise CheckpointError(
            f"{where} does not fit this {type(model).__name__}: it has {len(state)} parameters and the "
            f"model {len(expected)}; missing {missing[:3]}{'...' if len(missing) > 3 else ''}, unexpected "
            f"{unexpected[:3]}{'...' if len(unexpected) > 3 else ''}. Build the model with the same "
            "layer sizes as the one saved."
        )
    bad = {name: v for name, v in state.items()
           if isinstance(v, bool) or not isinstance(v, (int, float))}
    if bad:
        name, value = next(iter(bad.items()))
        raise CheckpointError(f"{where} is malformed: parameter {name!r} is {value!r}, not a number.")


def _check_optimizer(optimizer, state_dict: dict, where: str) -> None:
    """Check the group count and sizes (Optimizer.load_state_dict reads JSON's string keys)."""
    name = type(optimizer).__name__
    saved_groups, state = state_dict.get("param_groups"), state_dict.get("state")
    if not isinstance(saved_groups, list) or not isinstance(state, dict) \
            or not all(isinstance(g, dict) and isinstance(g.get("params"), list) for g in saved_groups):
        raise CheckpointError(f"{where} is malformed: the optimizer state needs 'state' and 'param_groups'.")
    groups = optimizer.param_groups
    if len(saved_groups) != len(groups):
        raise CheckpointError(
            f"{where} has {len(saved_groups)} optimizer parameter groups, the {name} given has {len(groups)}. "
            "Create the optimizer with the same parameter groups as the one saved."
        )
    for i, (saved, group) in enumerate(zip(saved_groups, groups)):
        if len(saved["params"]) != len(group["params"]):
            raise CheckpointError(
                f"{where}: optimizer parameter group {i} has {len(saved['params'])} parameters, the {name} "
                f"given has {len(group['params'])}. Was it saved from a model of another shape?"
            )

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
the trip exactly, since Python writes the shortest repr that reads back to the same float;
NaN and infinities (a diverged model) are written as Python's ``NaN`` and ``Infinity``.

Why atomic: the file is written to a temporary file in the same folder, flushed to disk, then
renamed over the old one (``os.replace`` is atomic). A crash mid-write leaves the previous
checkpoint untouched, never half a file. The new file keeps the old one's permissions (a new
one gets the usual ``0o666`` minus the umask), a read-only checkpoint is never replaced, and
saving through a symbolic link replaces the file it points to, not the link.

Why all or nothing: ``load_checkpoint`` first loads the file into copies of the model,
optimizer and scheduler, so that their own ``load_state_dict`` checks judge it; only when all
three accept it are the originals loaded. A file that does not fit changes nothing.

Files larger than ``MAX_BYTES`` (64 MiB, about a million parameters with Adam's state) are
refused before being read; pass ``max_bytes=`` to read a larger one you trust.
"""

from __future__ import annotations

import copy
import errno
import json
import os
import secrets
import stat
from typing import Any

from microopt._validate import whole_number
from microopt.train.history import History
from microopt import __version__

FORMAT = "microopt-checkpoint"
VERSION = 1
MAX_BYTES = 64 * 2**20
SECTIONS = ("model", "optimizer", "scheduler")


class CheckpointError(ValueError):
    """A checkpoint cannot be written, or its file is malformed or does not fit the objects given."""


# --------------------------------------------------------------------- saving
def save_checkpoint(path: str | os.PathLike, *, model=None, optimizer=None, scheduler=None,
                    history: History | None = None, extra: Any = None) -> None:
    """Write model, optimizer, scheduler, history and ``extra`` to ``path`` as one JSON file.

    Raises ``CheckpointError`` naming ``path`` when it cannot be written (a read-only file, a
    missing folder, no permission, a full disk); the previous file is then left as it was.
    """
    path = _as_path(path)
    _check_json_data(extra)
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
    # Serialise completely before touching the disk: nothing unsaveable may leave a file behind.
    try:
        text = json.dumps(document, indent=1)
    except (TypeError, ValueError, RecursionError) as err:
        raise CheckpointError(
            f"Cannot save checkpoint {path!r}: {err}. Everything saved must be JSON data "
            "(numbers, strings, lists, dicts); pass plain values in extra=."
        ) from None
    _write_atomically(path, text)


def _as_path(path: object) -> str:
    """``path`` as a str, refusing what no operating system accepts as a file name."""
    if not isinstance(path, (str, bytes, os.PathLike)):
        raise TypeError(f"Invalid checkpoint path: {path!r} (must be a file name, a str or a pathlib.Path).")
    path = os.fsdecode(os.fspath(path))
    if not path or "\0" in path:
        raise CheckpointError(
            f"Invalid checkpoint path: {path!r} (must be a non-empty file name without NUL characters)."
        )
    return path


def _check_json_data(extra: Any) -> None:
    """Refuse in ``extra`` what JSON would change on the way: tuples and non-str keys."""
    pending, seen = [(extra, "extra")], set()
    while pending:  # a loop, not recursion: a deeply nested extra must not overflow the stack
        value, where = pending.pop()
        if isinstance(value, (dict, list)):
            if id(value) in seen:  # a cycle: json.dumps names it below
                continue
            seen.add(id(value))
        if isinstance(value, dict):
            for key, item in value.items():
                if not isinstance(key, str):
                    raise CheckpointError(
                        f"Cannot save {where}: its key {key!r} is a {type(key).__name__}, and JSON keys are "
                        f"strings, so it would come back as {str(key)!r}. Use string keys in extra=."
                    )
                pending.append((item, f"{where}[{key!r}]"))
        elif isinstance(value, list):
            pending.extend((item, f"{where}[{i}]") for i, item in enumerate(value))
        elif isinstance(value, tuple):
            raise CheckpointError(
                f"Cannot save {where}: it is a tuple, which JSON stores as a list, so it would come back "
                "as a list. Pass a list in extra=."
            )


def _write_atomically(path: str, text: str) -> None:
    """Write to a temporary file beside ``path``'s target, fsync it, then rename it over the target."""
    target = os.path.realpath(path)  # through a symlink: replace the file it points to, keep the link
    directory = os.path.dirname(target)
    if os.path.isdir(target):
        raise CheckpointError(f"Cannot save checkpoint {path!r}: it is a folder. Give a file name, "
                              f"e.g. {os.path.join(path, 'run.json')!r}.")
    if not os.path.isdir(directory):
        raise CheckpointError(f"Cannot save checkpoint {path!r}: the folder {directory!r} does not exist. "
                              "Create it first.")
    mode = _mode_to_keep(path, target)
    temporary = os.path.join(directory, f".{os.path.basename(target)}.{secrets.token_hex(4)}.tmp")
    try:
        # O_EXCL: never write into a file someone else made; 0o666 lets the kernel apply the umask.
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    except OSError as err:
        raise _save_error(path, directory, err) from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as file:
            if mode is not None:
                os.chmod(temporary, mode)
            file.write(text)
            file.flush()
            os.fsync(file.fileno())  # the bytes are on disk before the rename makes them visible
        os.replace(temporary, target)
    except BaseException as err:  # KeyboardInterrupt included: never leave the temporary file
        try:
            os.unlink(temporary)
        except OSError:
            pass
        if isinstance(err, OSError):
            raise _save_error(path, directory, err) from None
        raise
    _fsync_directory(directory)


def _mode_to_keep(path: str, target: str) -> int | None:
    """The permissions of the file being replaced (None when there is none), refusing a read-only one."""
    try:
        mode = stat.S_IMODE(os.stat(target).st_mode)
    except FileNotFoundError:
        return None
    except OSError as err:
        raise _save_error(path, os.path.dirname(target), err) from None
    # Checked by the permission bits too: root may write anything, but 0o444 still means "keep".
    if not mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH) or not os.access(target, os.W_OK):
        raise CheckpointError(
            f"Cannot save checkpoint {path!r}: the file is read-only (mode {mode:o}), so it is not replaced. "
            "Save under another name, or make it writable first (chmod u+w)."
        )
    return mode


def _save_error(path: str, directory: str, err: OSError) -> CheckpointError:
    """The OS's reason, told about the user's path, never about the temporary file."""
    advice = {
        errno.EACCES: f"You have no permission to write in {directory!r}; save somewhere else.",
        errno.EPERM: f"You have no permission to write in {directory!r}; save somewhere else.",
        errno.ENOSPC: "The disk is full; free some space and save again (the previous checkpoint is intact).",
        errno.EDQUOT: "The disk quota is exceeded; free some space and save again.",
        errno.EROFS: "The file system is read-only; save somewhere else.",
        errno.ENAMETOOLONG: "The file name is too long; use a shorter one.",
    }.get(err.errno, "The previous checkpoint, if any, is intact.")
    return CheckpointError(f"Cannot save checkpoint {path!r}: {err.strerror or err}. {advice}")


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
def load_checkpoint(path: str | os.PathLike, *, model=None, optimizer=None, scheduler=None,
                    max_bytes: int = MAX_BYTES) -> dict[str, Any]:
    """Read ``path``, load its state into the given objects, return what else it holds.

    Returns ``{"history": History or None, "extra": ..., "microopt_version": "..."}``. Loading
    is all or nothing: a checkpoint that does not fit raises ``CheckpointError`` and leaves
    the model, optimizer and scheduler as they were.
    """
    path = _as_path(path)
    where = f"checkpoint {path!r}"
    document = read_checkpoint(path, max_bytes=max_bytes)
    targets = {"model": model, "optimizer": optimizer, "scheduler": scheduler}
    states = {key: _section(document, key, target, where) for key, target in targets.items()}
    if scheduler is not None and optimizer is not None and getattr(scheduler, "optimizer", optimizer) is not optimizer:
        raise CheckpointError(f"Cannot load {where}: the scheduler given drives another optimizer than the "
                              "one given. Build the scheduler on this optimizer.")
    try:
        history = None if document["history"] is None else History.from_dict(document["history"])
    except (TypeError, ValueError) as err:
        raise CheckpointError(f"{where} has a malformed history: {err}") from None

    given = [key for key, target in targets.items() if target is not None]
    try:
        # One deepcopy of all three keeps their links (the scheduler's optimizer, its parameters).
        trials = copy.deepcopy([targets[key] for key in given])
    except Exception as err:
        raise TypeError(
            f"load_checkpoint tries {where} on copies of the objects first, so that a file that does not "
            f"fit changes nothing, and copy.deepcopy failed: {err}. Give objects that can be copied."
        ) from err
    for key, trial in zip(given, trials):
        try:
            trial.load_state_dict(states[key])
        except Exception as err:  # any refusal means the file does not fit; the originals are untouched
            raise CheckpointError(f"{where} does not load into the {key} {type(trial).__name__}: {err}"
                                  + _diverged_advice(key, states[key], path)) from err
    for key in given:  # accepted by copies of exactly these objects, so the same loads succeed here
        targets[key].load_state_dict(states[key])
    return {"history": history, "extra": document["extra"], "microopt_version": document["microopt_version"]}


def _diverged_advice(key: str, state: Any, path: str) -> str:
    """For a model saved with NaN or infinite weights: how to look at them anyway."""
    if key != "model" or not isinstance(state, dict):
        return ""
    nonfinite = [name for name, v in state.items() if isinstance(v, float) and v - v != 0.0]
    if not nonfinite:
        return ""
    return (f" The model had diverged when it was saved ({len(nonfinite)} weights are NaN or infinite, e.g. "
            f"{nonfinite[0]!r}); read_checkpoint({path!r})['model']['state_dict'] shows every saved number.")


def read_checkpoint(path: str | os.PathLike, *, max_bytes: int = MAX_BYTES) -> dict[str, Any]:
    """The whole checkpoint as the dict it was saved as, checked for its format, loaded into nothing.

    For looking inside a file, e.g. at the weights of a model that diverged:
    ``read_checkpoint("run.json")["model"]["state_dict"]``.
    """
    path = _as_path(path)
    max_bytes = whole_number("max_bytes", max_bytes, minimum=1, advice="Pass the largest file size to read, in bytes.")
    text = _read_text(path, max_bytes)
    try:
        document = json.loads(text)
    except json.JSONDecodeError as err:
        raise CheckpointError(
            f"{path!r} is not a microopt checkpoint: invalid JSON at line {err.lineno}, column {err.colno} "
            f"({err.msg}). Was the file cut short or edited by hand?"
        ) from None
    except RecursionError:
        raise CheckpointError(
            f"{path!r} is not a microopt checkpoint: its JSON is nested too deeply to read "
            "(deeper than Python's recursion limit). Was it written by save_checkpoint?"
        ) from None
    except ValueError as err:  # an integer of more digits than Python converts (sys.get_int_max_str_digits)
        raise CheckpointError(f"{path!r} is not a microopt checkpoint: {err}.") from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        found = document.get("format") if isinstance(document, dict) else type(document).__name__
        raise CheckpointError(
            f"{path!r} is not a microopt checkpoint: expected \"format\": {FORMAT!r}, found {found!r:.80}. "
            "Checkpoints are written by microopt.train.save_checkpoint."
        )
    version = document.get("version")
    if version != VERSION or isinstance(version, bool):
        newer = isinstance(version, int) and not isinstance(version, bool) and version > VERSION
        raise CheckpointError(
            f"{path!r} has checkpoint format version {version!r:.40}, but this microopt reads version {VERSION}. "
            + ("It was written by a newer microopt: upgrade microopt to read it." if newer
               else "The file is damaged or was not written by save_checkpoint.")
        )
    for key in (*SECTIONS, "history", "extra", "microopt_version"):
        if key not in document:
            raise CheckpointError(f"{path!r} is malformed: the field {key!r} is missing.")
    return document


def _read_text(path: str, max_bytes: int) -> str:
    """The file's text, refusing before reading anything that is not a regular file of at most max_bytes."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise CheckpointError(f"No checkpoint at {path!r}: the file does not exist.") from None
    except OSError as err:
        raise CheckpointError(f"Cannot read checkpoint {path!r}: {err.strerror or err}.") from None
    if stat.S_ISDIR(info.st_mode):
        raise CheckpointError(f"No checkpoint at {path!r}: it is a folder; give the checkpoint file inside it.")
    if not stat.S_ISREG(info.st_mode):  # a pipe or a device would block or never end
        raise CheckpointError(f"No checkpoint at {path!r}: it is not a regular file (a pipe, a device?).")
    if info.st_size > max_bytes:
        raise CheckpointError(
            f"Refusing checkpoint {path!r}: it is {info.st_size:,} bytes, more than the limit of {max_bytes:,} "
            "(load_checkpoint's max_bytes=, MAX_BYTES by default). If you trust the file, pass a larger max_bytes."
        )
    try:
        with open(path, "rb") as file:
            data = file.read(max_bytes + 1)  # a file that grew since stat() is still cut at the limit
    except OSError as err:
        raise CheckpointError(f"Cannot read checkpoint {path!r}: {err.strerror or err}.") from None
    if len(data) > max_bytes:
        raise CheckpointError(f"Refusing checkpoint {path!r}: it grew past the limit of {max_bytes:,} bytes "
                              "while being read. Pass a larger max_bytes if you trust it.")
    try:
        return data.decode("utf-8-sig")  # -sig: a byte-order mark added by an editor is harmless
    except UnicodeDecodeError:
        raise CheckpointError(
            f"{path!r} is not a microopt checkpoint: it is not UTF-8 text (a binary file, a pickle?)."
        ) from None


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
            f"{where} holds the state of the {key} {section['type']:.60}, which cannot be loaded into the "
            f"{type(target).__name__} given. Create the {key} as {section['type']:.60}(...) to resume this run."
        )
    return section["state_dict"]

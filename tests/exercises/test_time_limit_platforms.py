"""The per-check time limit on Linux, macOS and Windows: nothing in its path is POSIX-only.

The limit is a watchdog thread that asks CPython to raise an exception in the checked
thread (``PyThreadState_SetAsyncExc`` through ctypes), which CPython offers on every
platform. What differs by platform is what a POSIX-only design would use: signals
(``signal.alarm`` / ``setitimer`` exist on neither Windows nor in a thread other than the
main one), ``fork``, ``resource``. These tests prove the checkers use none of them: by
reading their code, and by running a check with those calls booby-trapped and
``sys.platform`` set to each of the three. These tests run on Linux here; on macOS and
Windows the same tests run as they are (nothing in them is skipped by platform).
"""

from __future__ import annotations

import ast
import os
import pathlib
import signal
import sys
import threading

import pytest

import microopt.exercises
from microopt.exercises import check_backward, check_lr_schedule, check_optimizer
from microopt.exercises.assignment import kernels
from microopt.optim import Optimizer

EXERCISES = pathlib.Path(microopt.exercises.__file__).parent
CHECKERS = sorted(p for p in EXERCISES.glob("*.py"))  # _guard.py and every check_* that runs student code
POSIX_ONLY_MODULES = {"signal", "resource", "fcntl", "termios", "pty", "grp", "pwd", "posix"}
POSIX_ONLY_CALLS = {("os", name) for name in ("fork", "forkpty", "kill", "killpg", "setpgrp", "setsid", "nice",
                                               "wait", "waitpid", "getuid", "geteuid")}


def _posix_only_uses(path: pathlib.Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [a.name for a in node.names if a.name.split(".")[0] in POSIX_ONLY_MODULES]
        elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] in POSIX_ONLY_MODULES:
            found.append(node.module)
        elif (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
              and (node.value.id, node.attr) in POSIX_ONLY_CALLS):
            found.append(f"{node.value.id}.{node.attr}")
    return found


@pytest.mark.parametrize("path", CHECKERS, ids=lambda p: p.name)
def test_no_checker_module_uses_signals_fork_or_resource(path):
    assert _posix_only_uses(path) == []


def test_the_scan_finds_what_it_looks_for(tmp_path):
    posix = tmp_path / "posix.py"
    posix.write_text("import signal\nimport os\nfrom resource import getrusage\nsignal.alarm(1)\nos.fork()\n")
    assert _posix_only_uses(posix) == ["signal", "resource", "os.fork"]


def _looping_optimizer() -> type:
    """A new class each time: check_optimizer does not check again a class that ran out of time."""
    class Looping(Optimizer):
        def __init__(self, params, lr=1e-3):
            super().__init__(params, dict(lr=lr))

        def update(self, p, state, *, lr):
            while True:
                pass

    return Looping


def _looping_schedule(epoch, base_lr, step_size):
    while True:
        pass


def _looping_rule(x):
    while True:
        pass


@pytest.fixture(params=["linux", "darwin", "win32"])
def platform_without_signals(request, monkeypatch):
    """sys.platform set to each platform, and every POSIX-only call a check could make booby-trapped."""
    def trap(name):
        def called(*args, **kwargs):
            raise AssertionError(f"the time limit used {name}, which Windows lacks")
        return called

    monkeypatch.setattr(sys, "platform", request.param)
    for name in ("signal", "alarm", "setitimer", "pthread_kill", "pause"):
        if hasattr(signal, name):
            monkeypatch.setattr(signal, name, trap(f"signal.{name}"))
    for name in ("fork", "kill", "killpg"):
        if hasattr(os, name):
            monkeypatch.setattr(os, name, trap(f"os.{name}"))
    return request.param


def _failure(check, *args, **kwargs) -> str:
    with pytest.raises(AssertionError) as failure:
        check(*args, **kwargs)
    return str(failure.value)


def test_a_loop_stops_at_the_time_limit_without_signals_on_every_platform(platform_without_signals):
    assert _failure(check_optimizer, _looping_optimizer(), "SGD", lr=0.1, time_limit=0.1).startswith(
        "Looping.step() did not finish within 0.1 s at step 1 (parameter 'x')")
    assert _failure(check_lr_schedule, _looping_schedule, "StepLR", step_size=3, time_limit=0.1).startswith(
        "_looping_schedule did not finish within 0.1 s")
    assert _failure(check_backward, _looping_rule, "tanh", time_limit=0.1).startswith(
        "_looping_rule did not finish within 0.1 s")


def test_the_time_limit_holds_outside_the_main_thread(platform_without_signals):
    """signal.alarm works only in the main thread; the watchdog works in any (a kernel's, a test runner's)."""
    messages = []
    looping = _looping_optimizer()
    worker = threading.Thread(target=lambda: messages.append(_failure(check_optimizer, looping, "SGD", lr=0.1,
                                                                      time_limit=0.1)))
    worker.start()
    worker.join(30)
    assert messages and messages[0].startswith("Looping.step() did not finish within 0.1 s at step 1")


@pytest.mark.parametrize("platform, transport", [("linux", "ipc"), ("darwin", "ipc"), ("win32", "tcp")])
def test_the_graders_kernels_use_unix_sockets_except_on_windows(monkeypatch, tmp_path, platform, transport):
    monkeypatch.setattr(sys, "platform", platform)
    assert kernels.kernel_manager(str(tmp_path)).transport == transport


@pytest.fixture
def no_threads(monkeypatch):
    """Pyodide's world: sys.platform is emscripten and starting a thread fails as it does there."""
    from microopt.exercises import _guard

    def cannot_start(*args, **kwargs):
        raise RuntimeError("can't start new thread")

    monkeypatch.setattr(sys, "platform", "emscripten")
    monkeypatch.setattr(_guard, "THREADS", False, raising=False)  # as computed on import there
    monkeypatch.setattr(threading.Thread, "start", cannot_start)


def test_without_threads_the_trace_keeps_the_time_limit(no_threads):
    """In JupyterLite no watchdog thread can start: a correct solution still passes (instead of
    'raised RuntimeError: can't start new thread'), and a loop still stops, named."""
    import math

    def tanh_rule(x):
        t = math.tanh(x)
        return t, 1 - t * t

    check_backward(tanh_rule, "tanh", time_limit=5)
    assert _failure(check_optimizer, _looping_optimizer(), "SGD", lr=0.1, time_limit=0.1).startswith(
        "Looping.step() did not finish within 0.1 s at step 1 (parameter 'x')")
    assert _failure(check_backward, _looping_rule, "tanh", time_limit=0.1).startswith(
        "_looping_rule did not finish within 0.1 s")

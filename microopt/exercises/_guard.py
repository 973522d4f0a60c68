"""A time limit and a ban on the library's own algorithm, for the student's code a check runs.

``guard(time_limit, forbidden)`` watches the ``with`` block in two ways:

- a trace function (``sys.settrace``, current thread only) sees every Python function call
  and refuses the code objects in ``forbidden`` (the reference's own ``update``, ``step``,
  op...) by raising ``Delegated``;
- a watchdog thread (``threading.Timer``) raises ``TimeLimitExceeded`` in the checked thread
  when the block runs past its deadline (``PyThreadState_SetAsyncExc``: the interpreter
  raises it between two bytecodes, so even ``while True: pass`` stops).

Where no thread can start (Pyodide, in JupyterLite: ``THREADS`` is False), the trace function
keeps the deadline instead: it looks at the clock at every line of Python the block runs.

Both exceptions derive from ``BaseException``, so a student's ``except Exception`` cannot
swallow them. This works the same in a script, a notebook kernel and any autograder, on
Linux, macOS and Windows (no ``signal.alarm``, no subprocess). What it cannot stop is a wait
inside C code (``time.sleep(1e9)``): a grader's per-notebook time limit is the backstop
there. Under a debugger or coverage tool (a trace function already installed) the
delegation ban stands aside; the time limit still holds.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import sys
import threading
import time
from typing import Iterator, Mapping

from microopt._validate import real_number

_MICROOPT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# Seconds per check (a correct solution needs a fraction of one); a grader may set the
# environment variable MICROOPT_CHECK_TIME_LIMIT for every kernel it starts.
DEFAULT_TIME_LIMIT = float(os.environ.get("MICROOPT_CHECK_TIME_LIMIT", "5"))
THREADS = sys.platform != "emscripten"  # WebAssembly (Pyodide) cannot start a thread


def checked_time_limit(time_limit: object) -> float | None:
    """A check's ``time_limit``: None (no limit) or a number of seconds > 0 (inf: no limit either)."""
    if time_limit is None:
        return None
    seconds = real_number("time_limit", time_limit, above=0, finite=False,
                          advice="Pass the seconds the student's code may take (e.g. 5), or None for no limit.")
    return None if seconds == float("inf") else seconds


class TimeLimitExceeded(BaseException):
    """The student's code ran past the check's deadline (an infinite loop, most likely)."""


class Delegated(BaseException):
    """The student's code called the library's own implementation of what it should write."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name


class Deadline:
    """One time budget shared by the several calls of a check: ``remaining()`` seconds left."""

    def __init__(self, seconds: float | None) -> None:
        self.seconds = seconds
        self.end = None if seconds is None else time.perf_counter() + seconds

    def remaining(self) -> float | None:
        return None if self.end is None else max(self.end - time.perf_counter(), 0.0)


def is_library(code) -> bool:
    """Is this code object microopt's own (not the student's)?"""
    return code.co_filename.startswith(_MICROOPT)


def _raise_in(thread_id: int, exception: type[BaseException] | None) -> None:
    """Ask the interpreter to raise ``exception`` in thread ``thread_id`` (None: cancel the request)."""
    ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread_id),
                                               ctypes.py_object(exception) if exception else None)


class _Watchdog:
    def __init__(self, seconds: float) -> None:
        self.thread_id = threading.get_ident()
        self.lock = threading.Lock()
        self.active, self.fired = True, False
        self.timer = threading.Timer(seconds, self._fire)
        self.timer.daemon = True

    def _fire(self) -> None:
        with self.lock:
            if self.active:
                self.fired = True
                _raise_in(self.thread_id, TimeLimitExceeded)

    def __enter__(self) -> None:
        self.timer.start()

    def __exit__(self, kind, error, traceback) -> None:
        self.timer.cancel()
        with self.lock:
            self.active = False
            if self.fired and kind is not TimeLimitExceeded:  # fired but not raised yet: withdraw it
                _raise_in(self.thread_id, None)


@contextlib.contextmanager
def guard(time_limit: float | None, forbidden: Mapping | None = None) -> Iterator[None]:
    """Run the ``with`` block under a deadline ``time_limit`` seconds away (None: no limit).

    ``forbidden`` maps code objects to the names the refusal gives them.
    """
    forbidden = forbidden or {}

    # Without threads the deadline is kept by the trace function, line by line.
    deadline = time.monotonic() + time_limit if time_limit is not None and not THREADS else None

    def on_line(frame, event, arg):
        if time.monotonic() > deadline:
            raise TimeLimitExceeded
        return on_line

    def on_call(frame, event, arg):
        if frame.f_code in forbidden:
            raise Delegated(forbidden[frame.f_code])
        if deadline is not None:
            return on_line(frame, event, arg)
        return None

    tracing = (bool(forbidden) or deadline is not None) and sys.gettrace() is None  # never break a debugger
    watchdog = _Watchdog(time_limit) if time_limit is not None and THREADS else contextlib.nullcontext()
    with watchdog:
        if tracing:
            sys.settrace(on_call)
        try:
            yield
        finally:
            if tracing:
                sys.settrace(None)

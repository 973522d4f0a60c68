"""The grader's kernels: started ahead, each handed out once, never more alive than allowed.

The pool is driven with stand-in kernels (no processes: a kernel's start is a short sleep),
so the order of events can be asserted exactly; real kernels run in test_assignment.py.
"""

from __future__ import annotations

import asyncio
import sys

from microopt.exercises.assignment import kernels
from microopt.exercises.assignment.kernels import LAUNCH, KernelPool, lean_kernel_specs


class FakeKernel:
    def __init__(self, number: int, log: list) -> None:
        self.number, self.log, self.start_seconds = number, log, 0.01

    async def shut_down(self) -> None:
        self.log.append(("shut down", self.number))


def _fake_starts(monkeypatch, log: list, fail: set = frozenset()):
    started = []

    async def start_kernel():
        number = len(started)
        started.append(number)
        log.append(("start", number))
        await asyncio.sleep(0.01)
        if number in fail:
            raise RuntimeError(f"kernel {number} died at start")
        log.append(("ready", number))
        return FakeKernel(number, log)

    monkeypatch.setattr(kernels, "start_kernel", start_kernel)


def test_kernels_start_ahead_are_handed_out_once_each_and_stay_within_the_limit(monkeypatch):
    log = []
    _fake_starts(monkeypatch, log)

    async def grade_class():
        todo = [6]  # notebooks left to grade
        async with KernelPool(count=6, alive=3) as pool:
            async def notebook(worker):
                while todo[0] > 0:
                    todo[0] -= 1
                    kernel = await pool.take()
                    log.append(("run", kernel.number))
                    await asyncio.sleep(0.02)
                    await pool.done(kernel)
            await asyncio.gather(notebook(0), notebook(1))

    asyncio.run(grade_class())
    runs = [n for event, n in log if event == "run"]
    assert sorted(runs) == list(range(6))  # every kernel once, none reused
    assert sorted(n for event, n in log if event == "shut down") == list(range(6))
    alive, most = 0, 0
    for event, _ in log:
        alive += {"start": 1, "shut down": -1}.get(event, 0)
        most = max(most, alive)
    assert most == 3  # two notebooks running, one kernel starting ahead
    assert log.index(("start", 2)) < log.index(("run", 0))  # the third kernel started before the first ran


def test_a_kernel_that_fails_to_start_fails_its_notebook_only_and_frees_its_place(monkeypatch):
    log = []
    _fake_starts(monkeypatch, log, fail={1})

    async def grade_class():
        outcomes = []
        async with KernelPool(count=3, alive=1) as pool:
            for _ in range(3):
                try:
                    kernel = await pool.take()
                except RuntimeError as error:
                    outcomes.append(str(error))
                    continue
                outcomes.append(kernel.number)
                await pool.done(kernel)
        return outcomes

    assert asyncio.run(grade_class()) == [0, "kernel 1 died at start", 2]


def test_kernels_started_but_never_taken_are_shut_down(monkeypatch):
    log = []
    _fake_starts(monkeypatch, log)

    async def stop_early():
        async with KernelPool(count=4, alive=2) as pool:
            kernel = await pool.take()
            await asyncio.sleep(0.05)  # the second kernel is ready by now
            await pool.done(kernel)

    asyncio.run(stop_early())
    shut = [n for event, n in log if event == "shut down"]
    assert shut[:2] == [0, 1]
    assert {n for event, n in log if event == "ready"} == set(shut)  # no kernel left running


def test_the_lean_kernel_is_the_python3_kernel_without_its_debugger():
    spec = lean_kernel_specs().get_kernel_spec("python3")
    assert spec.argv == [sys.executable, "-c", LAUNCH, "-f", "{connection_file}"]
    assert spec.language == "python"
    assert "sys.modules['debugpy'] = None" in LAUNCH and LAUNCH.endswith("kernelapp.launch_new_instance()\n")

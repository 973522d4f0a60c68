"""A kernel client that looks for its reply again and again, so a lost wake-up costs a fraction
of a second instead of a whole time limit (``microopt.exercises.assignment.kernels.look_often``)."""

from __future__ import annotations

import asyncio
import time
from queue import Empty
from types import SimpleNamespace

import pytest

from microopt.exercises.assignment.kernels import look_often


class LostWakeUp:
    """A channel whose message is there from ``ready_after`` s on, but a call already waiting
    never notices it (the lost wake-up): only a call that starts after that finds it."""

    def __init__(self, ready_after: float | None) -> None:
        self.ready_at = None if ready_after is None else time.monotonic() + ready_after
        self.waits: list[float | None] = []

    async def get_msg(self, timeout: float | None = None) -> dict:
        self.waits.append(timeout)
        if self.ready_at is not None and time.monotonic() >= self.ready_at:
            return {"content": "the reply"}
        await asyncio.sleep(3600 if timeout is None else timeout)
        raise Empty


def client(shell: LostWakeUp, iopub: LostWakeUp) -> SimpleNamespace:
    return look_often(SimpleNamespace(shell_channel=shell, iopub_channel=iopub), every=0.05)


def test_a_reply_whose_wake_up_was_lost_is_found_within_a_slice():
    kc = client(LostWakeUp(ready_after=0.12), LostWakeUp(ready_after=0.12))
    for channel in (kc.shell_channel, kc.iopub_channel):
        started = time.monotonic()
        assert asyncio.run(channel.get_msg(timeout=30)) == {"content": "the reply"}
        assert time.monotonic() - started < 5  # not the 30 s of one long wait
    started = time.monotonic()
    assert asyncio.run(kc.iopub_channel.get_msg()) == {"content": "the reply"}  # no timeout: still found
    assert time.monotonic() - started < 1


def test_with_no_message_the_timeout_still_holds_whole():
    shell = LostWakeUp(ready_after=None)
    kc = client(shell, LostWakeUp(ready_after=None))
    started = time.monotonic()
    with pytest.raises(Empty):
        asyncio.run(kc.shell_channel.get_msg(timeout=0.3))
    waited = time.monotonic() - started
    assert 0.3 <= waited < 3
    assert len(shell.waits) >= 4 and max(shell.waits) <= 0.05  # in slices, none longer than `every`


def test_a_zero_timeout_looks_once():
    shell = LostWakeUp(ready_after=None)
    kc = client(shell, LostWakeUp(ready_after=None))
    with pytest.raises(Empty):
        asyncio.run(kc.shell_channel.get_msg(timeout=0))
    assert shell.waits == [0.0]

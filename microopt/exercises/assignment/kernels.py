"""Fresh kernels for grading: lean to start, started ahead of need, each used for one notebook only.

- **Lean.** The usual ``python3`` kernel (ipykernel and IPython: magics, display and
  ``%matplotlib`` work as in Jupyter), launched without its debugger: ipykernel imports
  debugpy at start (about 140 modules, a quarter of the kernel's start-up CPU) for a
  frontend's debugger panel, which no grading run opens.
- **Private sockets.** On Linux and macOS a kernel talks over Unix sockets in a folder of its
  own, so kernels started at the same moment cannot race for a TCP port on 127.0.0.1 (a
  lost race is a kernel that dies at start, or a client that waits forever). Windows has no
  such sockets in zmq: there the kernel uses TCP, as Jupyter does.
- **Started ahead.** A kernel needs about 2 s to be ready, most of it waiting (the kernel's
  imports, then a handshake). ``KernelPool`` starts the next kernels while other notebooks
  run, so a notebook finds its kernel ready. A kernel is never reused: it runs one notebook,
  then it is shut down, so every submission still gets a fresh interpreter.
- **Never asleep on a waiting reply.** zmq tells asyncio about new messages through an
  edge-triggered file descriptor, and now and then the wake-up is lost when a cell's reply
  and its last status message arrive together: the client sleeps until its time limit
  although the reply is waiting, then finds it and carries on with no error (here about
  once in 40 runs of a widget cell; a correct student's notebook would be failed for
  "running past its time limit"). ``look_often`` makes the client look again every
  ``LOOK_EVERY`` seconds, so such a reply costs at most that; the time limits are unchanged.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass

STARTUP_TIMEOUT = 60.0  # seconds for a kernel to answer its first request
LOOK_EVERY = 0.25  # seconds between two looks for a message a client is waiting for
KERNEL_ARGUMENTS = ["--log-level=CRITICAL", "--HistoryManager.enabled=False"]  # no history database
# ipykernel_launcher's start, with debugpy barred: a None in sys.modules makes `import debugpy`
# fail, and ipykernel then runs without its debugger.
LAUNCH = ("import sys\n"
          "sys.modules['debugpy'] = None\n"
          "if sys.path[0] == '':\n"
          "    del sys.path[0]\n"
          "from ipykernel import kernelapp\n"
          "kernelapp.launch_new_instance()\n")


def lean_kernel_specs():
    """A kernel-spec manager whose ``python3`` is launched without the debugger (``LAUNCH``)."""
    from jupyter_client.kernelspec import KernelSpec, KernelSpecManager

    class LeanKernelSpecs(KernelSpecManager):
        def get_kernel_spec(self, kernel_name: str) -> KernelSpec:
            spec = super().get_kernel_spec(kernel_name)
            if kernel_name != "python3":
                return spec
            return KernelSpec(argv=[sys.executable, "-c", LAUNCH, "-f", "{connection_file}"],
                              name=spec.name, display_name=spec.display_name, language=spec.language,
                              resource_dir=spec.resource_dir, env=spec.env, interrupt_mode=spec.interrupt_mode)

    return LeanKernelSpecs()


def kernel_manager(sockets: str):
    """A lean ``python3`` kernel manager; on Linux and macOS, its Unix sockets go in the folder ``sockets``.

    Keep ``sockets`` short: a Unix socket path holds about 100 characters.
    """
    from jupyter_client.manager import AsyncKernelManager

    if sys.platform == "win32":  # zmq has no ipc transport on Windows
        return AsyncKernelManager(kernel_name="python3", kernel_spec_manager=lean_kernel_specs())
    return AsyncKernelManager(kernel_name="python3", kernel_spec_manager=lean_kernel_specs(),
                              transport="ipc", ip=os.path.join(sockets, "k"))


def look_often(kc, every: float = LOOK_EVERY):
    """Make the kernel client ``kc``'s shell and IOPub channels look for a message every ``every`` s.

    Each ``get_msg(timeout)`` waits in slices of at most ``every`` seconds instead of one long
    poll, so a lost wake-up (see the module's docstring) delays a reply by ``every`` at most;
    ``Empty`` is still raised when ``timeout`` has passed with no message. Returns ``kc``.
    """
    from queue import Empty

    for channel in (kc.shell_channel, kc.iopub_channel):
        get_msg = channel.get_msg

        async def get_msg_in_slices(timeout: float | None = None, get_msg=get_msg):
            deadline = None if timeout is None else time.monotonic() + timeout
            while True:
                left = every if deadline is None else max(0.0, deadline - time.monotonic())
                try:
                    return await get_msg(timeout=min(every, left))
                except Empty:
                    if deadline is not None and time.monotonic() >= deadline:
                        raise

        channel.get_msg = get_msg_in_slices
    return kc


def notebook_client(notebook, **options):
    """An ``nbclient.NotebookClient`` for ``notebook`` whose kernel client ``look_often``."""
    from nbclient import NotebookClient

    class Client(NotebookClient):
        async def async_start_new_kernel_client(self):
            return look_often(await super().async_start_new_kernel_client())

    return Client(notebook, **options)


@dataclass
class Kernel:
    """A started kernel, ready for its one notebook: its manager, client and folder."""

    km: object
    kc: object
    folder: str  # the notebook's working folder; the kernel's sockets are in it too
    start_seconds: float  # from the start command to the first answer

    async def shut_down(self) -> None:
        try:
            if await self.km.is_alive():
                await self.km.shutdown_kernel(now=True)  # cleans up its connection files too
            else:
                await self.km.cleanup_resources()
        finally:
            self.kc.stop_channels()
            shutil.rmtree(self.folder, ignore_errors=True)


async def start_kernel() -> Kernel:
    """Start a fresh lean kernel in a new temporary folder and wait until it answers."""
    started = time.perf_counter()
    folder = tempfile.mkdtemp(prefix="mo-kernel-")
    km = kernel_manager(folder)
    try:
        await km.start_kernel(extra_arguments=KERNEL_ARGUMENTS, cwd=folder)
        kc = look_often(km.client())
        kc.start_channels()
        try:
            await kc.wait_for_ready(timeout=STARTUP_TIMEOUT)
        except BaseException:
            kc.stop_channels()
            raise
    except BaseException:
        if km.has_kernel:
            await km.shutdown_kernel(now=True)
        shutil.rmtree(folder, ignore_errors=True)
        raise
    kc.allow_stdin = False  # input() fails at once instead of waiting for an answer nobody gives
    return Kernel(km, kc, folder, time.perf_counter() - started)


class KernelPool:
    """``count`` fresh kernels, started in order and handed out once each by ``take()``.

    At most ``alive`` kernels exist at a time: those starting, those started and waiting to be
    taken, and those running a notebook; ``done(kernel)`` shuts one down and makes room for the
    next. So with ``alive = jobs + ahead``, ``jobs`` notebooks run while ``ahead`` kernels start.
    ``waited`` adds up the seconds ``take()`` spent waiting for a kernel to be ready.
    """

    def __init__(self, count: int, alive: int) -> None:
        self.count, self.alive = count, max(alive, 1)
        self.waited = 0.0
        self._room = asyncio.Semaphore(self.alive)
        self._started: asyncio.Queue = asyncio.Queue()
        self._producer: asyncio.Task | None = None

    async def __aenter__(self) -> KernelPool:
        self._producer = asyncio.create_task(self._produce())
        return self

    async def __aexit__(self, *exc_info) -> None:
        self._producer.cancel()
        while not self._started.empty():  # started but never taken (the grading stopped early)
            task = self._started.get_nowait()
            task.cancel()
            try:
                kernel = await task
            except BaseException:  # cancelled while starting (start_kernel cleaned up) or failed
                continue
            await kernel.shut_down()

    async def _produce(self) -> None:
        for _ in range(self.count):
            await self._room.acquire()
            await self._started.put(asyncio.create_task(self._start()))

    async def _start(self) -> Kernel:
        try:
            return await start_kernel()
        except BaseException:
            self._room.release()
            raise

    async def take(self) -> Kernel:
        """The next fresh kernel (raises what its start raised: the caller's notebook cannot run)."""
        asked = time.perf_counter()
        task = await self._started.get()
        try:
            return await task
        finally:
            self.waited += time.perf_counter() - asked

    async def done(self, kernel: Kernel) -> None:
        try:
            await kernel.shut_down()
        finally:
            self._room.release()

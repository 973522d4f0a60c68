"""Progress bars on a real terminal (a pty) and none in piped output: no carriage-return noise in logs."""

from __future__ import annotations

import fcntl
import os
import struct
import subprocess
import sys
import termios

COMMAND = [sys.executable, "-m", "microopt", "race", "--problem", "quadratic", "--optimizers", "gd,adam",
           "--steps", "5", "--no-plots"]


def environment() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "TQDM_DISABLE"}
    return {**env, "PYTHONPATH": os.getcwd()}


def test_a_terminal_gets_the_bar():
    leader, follower = os.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))  # 24 rows, 100 columns
    try:
        result = subprocess.run(COMMAND, stdout=subprocess.PIPE, stderr=follower, env=environment(), timeout=60)
        os.close(follower)
        seen = b""
        while True:
            try:
                chunk = os.read(leader, 4096)
            except OSError:  # the terminal is closed once the output is read
                break
            if not chunk:
                break
            seen += chunk
    finally:
        os.close(leader)
    assert result.returncode == 0
    assert b"race on quadratic:   0%" in seen and b"0/2" in seen and seen.startswith(b"\r")


def test_piped_output_has_no_bar_and_no_carriage_return():
    result = subprocess.run(COMMAND, capture_output=True, env=environment(), timeout=60)
    assert result.returncode == 0
    assert result.stderr == b""
    assert b"\r" not in result.stdout and b"quadratic, 5 steps per run" in result.stdout

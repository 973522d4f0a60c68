"""One small site per test session, shared by every test worker: lesson 01 and the explorables.

Lesson 01 is the shortest (a few seconds): the site's lesson machinery is tested on it, while
tests/notebooks runs every lesson. Under pytest-xdist the workers share the session's temporary
folder; a lock lets the first one build and the others wait for it.
"""

from __future__ import annotations

import fcntl
import http.server
import os
import pathlib
import shutil
import threading
from functools import partial

import pytest

from microopt.site.build import build_site

LESSON = "01"


def _session_folder(tmp_path_factory) -> pathlib.Path:
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base  # xdist: one basetemp per worker


@pytest.fixture(scope="session")
def site(tmp_path_factory) -> pathlib.Path:
    """The built site's folder (lesson 01 only when npm can fetch KaTeX; the explorables always)."""
    root = _session_folder(tmp_path_factory)
    folder = root / "microopt-site"
    with open(root / "microopt-site.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        if not (folder / "index.html").is_file():
            build_site(folder, chosen=[LESSON], with_lessons=shutil.which("npm") is not None, log=lambda text: None)
    return folder


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:  # no line per request in the test output
        pass


@pytest.fixture(scope="session")
def server(site):
    """The site served on 127.0.0.1 (a free port), as ``python -m http.server --bind 127.0.0.1 0`` would."""
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), partial(_QuietHandler, directory=str(site)))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()

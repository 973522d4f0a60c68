"""Running notebooks in JupyterLite, in Debian's chromium driven by Playwright, offline.

What ``tests/site/test_lite.py`` and the by-hand runner ``python -m tests.site.lite_run_all`` share:
the site (built by ``microopt.site.lite`` once per version of its inputs, kept in the user cache),
a server on 127.0.0.1, a browser context that refuses and counts every request to another host,
and ``Session``: one JupyterLab page in which notebooks are opened one after another, each run
cell by cell (so that a failing cell does not stop the next: a student's template fails its
checks on purpose) and read back with its outputs.
"""

from __future__ import annotations

import contextlib
import fcntl
import functools
import hashlib
import http.server
import json
import pathlib
import shutil
import threading
from dataclasses import dataclass

from microopt.site import lite

ROOT = pathlib.Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]


def inputs_digest() -> str:
    """A digest of everything the site is built from: a changed lesson or module rebuilds it."""
    digest = hashlib.sha256(f"{lite.PYODIDE_VERSION} {lite.VIZ_VERSION} {lite.PIPLITE_WHEELS}".encode())
    for pattern in ("microopt/**/*.py", "notebooks/*.ipynb", "notebooks/exercises/*.ipynb", "pyproject.toml"):
        for path in sorted(ROOT.glob(pattern)):
            digest.update(str(path.relative_to(ROOT)).encode() + path.read_bytes())
    return digest.hexdigest()[:16]


def built_site() -> pathlib.Path:
    """The site of the current inputs, built if needed: the first process builds under a lock, the rest wait."""
    sites = lite.cache_dir() / "sites"
    sites.mkdir(parents=True, exist_ok=True)
    site = sites / inputs_digest()
    with open(sites / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (site / "jupyter-lite.json").is_file():
            for old in sites.iterdir():  # one site kept: the one of the current inputs
                if old.is_dir():
                    shutil.rmtree(old)
            lite.build_lite(site)
    return site


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@contextlib.contextmanager
def serve(folder: pathlib.Path, port: int = 0):
    """``folder`` served on 127.0.0.1 (on ``port``; 0: a free one); yields its base URL."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), functools.partial(_QuietHandler, directory=folder))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def site_path(notebook: pathlib.Path) -> str:
    """Where a notebook of the checkout sits in the site: lessons at the top, exercises (and their
    solutions, which the site does not ship) in ``exercises/``."""
    return f"exercises/{notebook.name}" if "exercises" in notebook.parts else notebook.name


# The notebook app (notebooks/index.html?path=...): wait for the page's one notebook and its kernel,
# then run all its cells at once (tests/site/lite_lessons.py drives lessons this way).
OPEN_AND_WAIT_FOR_KERNEL = """async () => {
    const app = window.jupyterapp;
    let panel = null;
    while (!(panel = app.shell.currentWidget) || !panel.sessionContext) await new Promise(r => setTimeout(r, 100));
    await panel.context.ready;
    await panel.sessionContext.ready;
    const session = () => panel.sessionContext.session;
    while (!session() || !session().kernel) await new Promise(r => setTimeout(r, 100));
    const kernel = session().kernel;
    await kernel.info;  // answered once Pyodide, IPython and the kernel are loaded
    return performance.now() / 1000;
}"""

RUN_ALL_AND_READ_OUTPUTS = """async (sources) => {
    const app = window.jupyterapp;
    const panel = app.shell.currentWidget;
    const cells = panel.content.model.cells;
    for (const [index, source] of Object.entries(sources)) cells.get(Number(index)).sharedModel.setSource(source);
    await app.commands.execute("notebook:run-all-cells");
    const kernel = panel.sessionContext.session.kernel;
    const deadline = performance.now() + 600000;  // a dead or looping kernel fails the test, never hangs it
    while (kernel.status !== "idle") {
        if (kernel.status === "dead" || performance.now() > deadline) throw new Error(`kernel ${kernel.status}`);
        await new Promise(r => setTimeout(r, 100));
    }
    const result = [];
    for (let i = 0; i < cells.length; i++) {
        const cell = cells.get(i);
        result.push({type: cell.type, count: cell.type === "code" ? cell.executionCount : null,
                     outputs: cell.type === "code" ? cell.outputs.toJSON() : []});
    }
    return result;
}"""

# JupyterLab (lab/index.html): any number of notebooks in one page, each run cell by cell.
OPEN = """async ({path, kernelId}) => {
    const app = window.jupyterapp;
    const sleep = ms => new Promise(r => setTimeout(r, ms));
    const started = performance.now();
    const options = {path, factory: "Notebook"};
    if (kernelId) options.kernel = {id: kernelId};
    const panel = await app.commands.execute("docmanager:open", options);
    await panel.context.ready;
    await panel.sessionContext.ready;
    while (!panel.sessionContext.session || !panel.sessionContext.session.kernel) await sleep(100);
    const kernel = panel.sessionContext.session.kernel;
    await kernel.info;  // answered once Pyodide, IPython and the kernel are loaded
    (window.microoptPanels = window.microoptPanels || {})[path] = panel;
    return {kernelId: kernel.id, seconds: (performance.now() - started) / 1000, sincePage: performance.now() / 1000};
}"""

UPLOAD = """async ({path, content}) => {
    await window.jupyterapp.serviceManager.contents.save(path, {type: "notebook", format: "json", content});
}"""

RUN_CELLS = """async ({path, sources, cellTimeout}) => {
    const app = window.jupyterapp;
    const sleep = ms => new Promise(r => setTimeout(r, ms));
    const panel = window.microoptPanels[path];
    app.shell.activateById(panel.id);
    const notebook = panel.content;
    const cells = notebook.model.cells;
    for (const [index, source] of Object.entries(sources)) cells.get(Number(index)).sharedModel.setSource(source);
    const kernel = panel.sessionContext.session.kernel;
    let stopped = null;
    for (let i = 0; i < cells.length && stopped === null; i++) {
        if (cells.get(i).type !== "code") continue;
        notebook.activeCellIndex = i;
        const deadline = performance.now() + cellTimeout * 1000;  // a looping cell fails the run, never hangs it
        const ran = app.commands.execute("notebook:run-cell");
        let done = false;
        ran.then(() => { done = true; }, () => { done = true; });
        while (!done || kernel.status !== "idle") {
            if (kernel.status === "dead") { stopped = `cell ${i}: the kernel died`; break; }
            if (performance.now() > deadline) { stopped = `cell ${i}: still running after ${cellTimeout} s`; break; }
            await sleep(50);
        }
    }
    const result = [];
    for (let i = 0; i < cells.length; i++) {
        const cell = cells.get(i);
        result.push({type: cell.type, count: cell.type === "code" ? cell.executionCount : null,
                     outputs: cell.type === "code" ? cell.outputs.toJSON() : []});
    }
    return {cells: result, stopped};
}"""

CLOSE = """async ({path, shutdown}) => {
    const panel = window.microoptPanels[path];
    if (shutdown) await panel.sessionContext.shutdown();
    panel.dispose();
    delete window.microoptPanels[path];
}"""


@dataclass
class Run:
    """One notebook, run: its cells with their outputs, and how long it took."""

    path: str
    cells: list[dict]
    kernel_seconds: float  # from opening the notebook until its kernel answered (0 when it reused one)
    run_seconds: float
    stopped: str | None  # why the run stopped early (a dead kernel, a cell past its time), or None
    images: int  # image outputs the page shows

    def errors(self) -> list[tuple[int, str, str]]:
        """(cell index, exception name, message) of every error output."""
        return [(i, o["ename"], o["evalue"]) for i, c in enumerate(self.cells) for o in c["outputs"]
                if o["output_type"] == "error"]

    def text(self) -> str:
        """Everything the cells printed or returned as text."""
        return "\n".join(text_of(cell) for cell in self.cells)


def text_of(cell) -> str:
    return "".join(o.get("text", "") if o["output_type"] == "stream" else
                   o.get("data", {}).get("text/plain", "") for o in cell["outputs"])


class Session:
    """One JupyterLab page of the site at ``base_url`` in ``context``: open, run and close notebooks.

    ``first``: the page opens with that notebook (``lab/index.html?path=...``), so its kernel starts
    while JupyterLab is still setting up, as when a student follows a link to a lesson.
    """

    def __init__(self, context, base_url: str, first: str | None = None):
        self.context, self.base_url = context, base_url
        self.page = context.new_page()
        self.page.goto(f"{base_url}/lab/index.html" + (f"?path={first}" if first else ""))
        self.page.wait_for_function("window.jupyterapp && window.jupyterapp.shell", timeout=120_000)
        self.page.evaluate("window.jupyterapp.restored.then(() => true)")  # the (empty) workspace is in place

    def upload(self, notebook: pathlib.Path, path: str) -> None:
        """Put a notebook from disk into the site's browser storage at ``path`` (e.g. a solution)."""
        self.page.evaluate(UPLOAD, {"path": path, "content": json.loads(notebook.read_text(encoding="utf-8"))})

    def run(self, path: str, *, sources: dict[int, str] | None = None, kernel_id: str | None = None,
            cell_timeout: float = 300, screenshot: pathlib.Path | None = None, close: bool = True) -> Run:
        """Open ``path`` (in a new kernel, or in ``kernel_id``'s), run every code cell, read the outputs.

        ``sources`` replaces cells first (a student's answers). The screenshot shows the first
        image output (a diagram or plot), or the notebook's end. ``close=False`` keeps the
        notebook and its kernel open: ``self.kernel_id`` is then the kernel to reuse.
        """
        import time

        opened = self.page.evaluate(OPEN, {"path": path, "kernelId": kernel_id})
        self.kernel_id, self.since_page = opened["kernelId"], opened["sincePage"]
        started = time.perf_counter()
        ran = self.page.evaluate(RUN_CELLS, {"path": path, "sources": {str(k): v for k, v in (sources or {}).items()},
                                             "cellTimeout": cell_timeout})
        seconds = time.perf_counter() - started
        images = self.page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-OutputArea-output img")
        shown = images.count()
        if screenshot is not None:
            if shown:
                images.first.scroll_into_view_if_needed()
            self.page.wait_for_timeout(300)  # let the outputs paint
            self.page.screenshot(path=screenshot)
        if close:
            self.page.evaluate(CLOSE, {"path": path, "shutdown": kernel_id is None})
        return Run(path, ran["cells"], 0.0 if kernel_id else opened["seconds"], seconds, ran["stopped"], shown)


@contextlib.contextmanager
def offline_context(browser, base_url: str, refused: list[str]):
    """A browser context that may reach ``base_url`` only; every other URL is aborted and added to ``refused``."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})

    def route(request_route):
        url = request_route.request.url
        if url.startswith(base_url + "/") or url.startswith(("data:", "blob:")):
            request_route.continue_()
        else:
            refused.append(url)
            request_route.abort()

    context.route("**/*", route)
    try:
        yield context
    finally:
        context.close()


def solution_of(notebook: pathlib.Path) -> dict[int, str]:
    """The answer cells of a solution notebook, without the solution markers: what a student types."""
    answers = {}
    for index, cell in enumerate(json.loads(notebook.read_text(encoding="utf-8"))["cells"]):
        source = "".join(cell["source"])
        if "### BEGIN SOLUTION" in source:
            answers[index] = "\n".join(line for line in source.splitlines() if "### " not in line)
    return answers

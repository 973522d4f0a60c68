"""JupyterLite in a real browser: a lesson and an exercise run on Pyodide, offline.

The site is built by ``microopt.site.lite.build_lite`` once per version of its inputs (kept in
the user cache: ``lite_site``) and served on 127.0.0.1; Debian's chromium, driven by Playwright,
opens each notebook, runs every cell and the test reads the outputs back from the notebook.
Every request to another host is aborted and counted: there must be none. Screenshots go to
``$MICROOPT_SCREENSHOTS`` (default: pytest's temporary folder).
"""

from __future__ import annotations

import contextlib
import fcntl
import functools
import hashlib
import http.server
import json
import os
import pathlib
import shutil
import threading

import pytest

from microopt.site import lite

ROOT = pathlib.Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]

pytestmark = [
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason=f"no chromium at {CHROMIUM} (apt-get install chromium)"),
    pytest.mark.skipif(shutil.which("npm") is None,
                       reason="no npm: the build fetches Pyodide and Viz.js with it (apt-get install npm)"),
]


def inputs_digest() -> str:
    """A digest of everything the site is built from: a changed lesson or module rebuilds it."""
    digest = hashlib.sha256(f"{lite.PYODIDE_VERSION} {lite.VIZ_VERSION} {lite.PIPLITE_WHEELS}".encode())
    for pattern in ("microopt/**/*.py", "notebooks/*.ipynb", "notebooks/exercises/*.ipynb", "pyproject.toml"):
        for path in sorted(ROOT.glob(pattern)):
            digest.update(str(path.relative_to(ROOT)).encode() + path.read_bytes())
    return digest.hexdigest()[:16]


@pytest.fixture(scope="session")
def lite_site() -> pathlib.Path:
    """The built site, shared by every test worker: the first builds it under a lock, the rest wait."""
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


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def base_url(lite_site):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=lite_site))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def screenshots(tmp_path_factory) -> pathlib.Path:
    folder = pathlib.Path(os.environ.get("MICROOPT_SCREENSHOTS") or tmp_path_factory.mktemp("lite-screenshots"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(scope="module")
def offline(browser, base_url):
    """A browser context that may reach ``base_url`` only, and the list of URLs it refused.

    One context for the module: the second notebook finds Pyodide in the HTTP cache.
    """
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    refused: list[str] = []

    def route(request_route):
        url = request_route.request.url
        if url.startswith(base_url + "/") or url.startswith(("data:", "blob:")):
            request_route.continue_()
        else:
            refused.append(url)
            request_route.abort()

    context.route("**/*", route)
    yield context, refused
    context.close()


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


def run_notebook(offline, base_url, path: str, screenshot: pathlib.Path, sources: dict[int, str] | None = None):
    """Open ``path`` in JupyterLite (replacing the cells in ``sources``) and run every cell.

    Returns the cells with their outputs, the seconds from opening the page until the kernel
    answered, the refused URLs and how many images the outputs show. The screenshot shows the
    first image output (a diagram or plot), or the notebook's end when there is none.
    """
    context, refused = offline
    with contextlib.closing(context.new_page()) as page:
        page.goto(f"{base_url}/notebooks/index.html?path={path}")
        page.wait_for_function("window.jupyterapp && window.jupyterapp.shell", timeout=60_000)
        kernel_ready = page.evaluate(OPEN_AND_WAIT_FOR_KERNEL)
        cells = page.evaluate(RUN_ALL_AND_READ_OUTPUTS, {str(k): v for k, v in (sources or {}).items()})
        images = page.locator(".jp-OutputArea-output img")
        if images.count():
            images.first.scroll_into_view_if_needed()
        page.wait_for_timeout(300)  # let the outputs paint
        page.screenshot(path=screenshot)
        shown = images.count()
    record(path, kernel_ready)
    return cells, kernel_ready, refused, shown


def record(path: str, kernel_ready: float) -> None:
    """Print how long the kernel took to answer (measured, reported; no test asserts a time)."""
    print(f"\nJupyterLite, {path}: kernel ready {kernel_ready:.1f} s after opening the page")


def errors(cells) -> list[str]:
    return [f"cell {i}: {o['ename']}: {o['evalue']}" for i, c in enumerate(cells) for o in c["outputs"]
            if o["output_type"] == "error"]


def text_of(cell) -> str:
    return "".join(o.get("text", "") if o["output_type"] == "stream" else
                   o.get("data", {}).get("text/plain", "") for o in cell["outputs"])


def test_lesson_runs_in_jupyterlite_with_graphs_drawn_by_vizjs(offline, base_url, screenshots):
    cells, _, refused, images = run_notebook(offline, base_url, "01_value_and_backprop.ipynb",
                                             screenshots / "lite-lesson-01.png")
    assert refused == [], f"requests left 127.0.0.1: {refused}"
    assert errors(cells) == []
    code = [c for c in cells if c["type"] == "code"]
    assert all(c["count"] is not None for c in code), "some cells did not run"
    printed = "\n".join(text_of(c) for c in code)
    assert "dL/da = 6" in printed and "dL/db = -4" in printed  # the chain rule, by hand and by backward()
    diagrams = [o for c in code for o in c["outputs"] if "image/svg+xml" in o.get("data", {})]
    assert len(diagrams) >= 3, "the out.draw() and steps.draw(2) cells show a diagram each"
    assert all("<svg" in d["data"]["image/svg+xml"] for d in diagrams)
    assert any(">L<" in d["data"]["image/svg+xml"] for d in diagrams)  # the output node's label, laid out by Viz.js
    assert images >= 3  # and the page shows them (SVG as <img>)


def solution_of(notebook: pathlib.Path) -> dict[int, str]:
    """The answer cells of a solution notebook, without the solution markers: what a student types."""
    answers = {}
    for index, cell in enumerate(json.loads(notebook.read_text(encoding="utf-8"))["cells"]):
        source = "".join(cell["source"])
        if "### BEGIN SOLUTION" in source:
            answers[index] = "\n".join(line for line in source.splitlines() if "### " not in line)
    return answers


def test_exercise_is_checked_in_jupyterlite(offline, base_url, screenshots):
    """Exercise 3 as a student does it: the released notebook, the answers typed in, every check run."""
    answers = solution_of(ROOT / "notebooks/exercises/solutions/03_gradient_descent_solution.ipynb")
    cells, _, refused, _ = run_notebook(offline, base_url, "exercises/03_gradient_descent.ipynb",
                                        screenshots / "lite-exercise-03.png", answers)
    assert refused == [], f"requests left 127.0.0.1: {refused}"
    assert answers and errors(cells) == []
    printed = "\n".join(text_of(c) for c in cells)
    assert "check_sequence: gradient descent on the bowl, lr 0.1, 20 steps matches at all" in printed, printed
    assert "check_value: the stability limit 2/L of the bowl = 0.5, as expected." in printed, printed

"""The site in a real browser: Debian's chromium driven by Playwright, pages served on 127.0.0.1.

Every page is checked against microopt itself: the test recomputes the numbers a position
should show (``step_through``, ``lr_sweep``, ``race``, ``trace_steps``) and compares them with
what the page displays after the slider, a button, an arrow key or a checkbox moved it. Every
request to a host other than 127.0.0.1 is aborted and counted (there must be none); load
times from disk and page sizes are measured; screenshots go to the session's temporary folder.
"""

from __future__ import annotations

import json
import pathlib
import shutil
from urllib.parse import urlparse

import pytest

from microopt.functions import get
from microopt.site.explorables import backprop, learning_rate, race, trace
from microopt.site.explorables._runs import format_loss
from microopt.teach import step_through, trace_steps
from microopt.train import lr_sweep
from microopt.train.presets import preset
from microopt.train.race import race as run_race
from microopt.viz.graph import format_number

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
MAX_PAGE_BYTES = 300_000
MAX_LOAD_SECONDS = 1.0  # from disk; the pages measured here load in about a tenth of that
LOADS = 3

sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright (PyPI: playwright) is not installed")
pytestmark = pytest.mark.skipif(not pathlib.Path(CHROMIUM).is_file() and shutil.which("chromium") is None,
                                reason=f"no chromium browser ({CHROMIUM}): `apt-get install chromium` to run these")


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as playwright:
        executable = CHROMIUM if pathlib.Path(CHROMIUM).is_file() else shutil.which("chromium")
        launched = playwright.chromium.launch(executable_path=executable, args=ARGS)
        yield launched
        launched.close()


class Visit:
    """A page with every request outside 127.0.0.1 and file:// aborted and recorded, and its errors kept."""

    def __init__(self, browser, shots: pathlib.Path) -> None:
        self.page = browser.new_page(viewport={"width": 1100, "height": 900})
        self.shots = shots
        self.outside: list[str] = []
        self.errors: list[str] = []
        self.bytes = 0  # of the page last opened and everything it fetched
        self.page.route("**/*", self._route)
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.page.on("console", lambda message: self.errors.append(message.text) if message.type == "error" else None)

    def _route(self, route) -> None:
        url = urlparse(route.request.url)
        if url.scheme in ("file", "data") or url.hostname == "127.0.0.1":
            route.continue_()
        else:
            self.outside.append(route.request.url)
            route.abort()

    def open(self, url: str):
        response = self.page.goto(url)
        self.page.wait_for_load_state("load")
        fetched = self.page.evaluate(
            "performance.getEntriesByType('resource').reduce((n, r) => n + r.decodedBodySize, 0)")
        self.bytes = len(response.body()) + fetched
        return self.page

    def data(self) -> dict:
        return json.loads(self.page.text_content("#data"))

    def slide(self, k: int) -> None:
        self.page.eval_on_selector("#slider", "(s, k) => { s.value = k; s.dispatchEvent(new Event('input')); }", k)

    def text(self, selector: str) -> str:
        return self.page.text_content(selector)

    def shot(self, name: str) -> pathlib.Path:
        path = self.shots / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path

    def close(self) -> None:
        assert self.outside == [], f"requests left 127.0.0.1: {self.outside}"
        assert self.errors == [], f"the page reported errors: {self.errors}"
        self.page.close()


@pytest.fixture(scope="session")
def shots(tmp_path_factory) -> pathlib.Path:
    return tmp_path_factory.mktemp("screenshots", numbered=False)


@pytest.fixture
def visit(browser, shots):
    opened = []

    def make() -> Visit:
        opened.append(Visit(browser, shots))
        return opened[-1]

    yield make
    for one in opened:
        one.close()
    print(f"screenshots in {shots}")


def grad_texts(page) -> dict[str, str]:
    """Each visible diagram box's grad text, by its Graphviz node id."""
    return page.eval_on_selector_all(
        ".diagram-box:not([hidden]) g.node",
        "gs => Object.fromEntries(gs.map(g => [g.querySelector('title').textContent, "
        "([...g.querySelectorAll('text')].find(t => t.textContent.startsWith('grad ')) || {}).textContent]))")


def test_backprop_steps_show_microopt_gradients(visit, server):
    v = visit()
    page = v.open(f"{server}/explore/backprop.html")
    root, _ = backprop.neuron()
    steps = step_through(root)
    ids = {node: f"n{i}" for i, node in enumerate(steps.order)}

    def expected(k):
        return {ids[node]: f"grad {format_number(grad, 4)}" for node, grad in steps.grads(k).items()}

    assert {k: t for k, t in grad_texts(page).items() if not k.endswith("_op")} == expected(0)
    v.slide(3)
    assert {k: t for k, t in grad_texts(page).items() if not k.endswith("_op")} == expected(3)
    assert v.text("#position") == f"moment 3 of {len(steps)}"
    step = steps[2]  # moment 3: after the third step
    assert v.text("#chain-rule").splitlines()[0].startswith(step.formula)
    for line, c in zip(v.text("#chain-rule").splitlines()[1:], step.contributions):
        assert line.startswith(f"{c.name}.grad += {format_number(c.local_grad, 4)} × {format_number(step.grad, 4)}")
    page.click("#next")
    assert v.text("#position") == f"moment 4 of {len(steps)}"
    page.focus("body")
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("ArrowLeft")
    assert v.text("#position") == f"moment 2 of {len(steps)}"
    assert {k: t for k, t in grad_texts(page).items() if not k.endswith("_op")} == expected(2)
    page.keyboard.press("End")
    assert {k: t for k, t in grad_texts(page).items() if not k.endswith("_op")} == expected(len(steps))
    v.shot("backprop")
    page.select_option("#example", "reused")
    shared, _ = backprop.reused()
    reused = step_through(shared)
    assert v.text("#position") == f"moment 0 of {len(reused)}"
    v.slide(len(reused))
    final = {f"n{i}": f"grad {format_number(reused.grads()[node], 4)}" for i, node in enumerate(reused.order)}
    assert {k: t for k, t in grad_texts(page).items() if not k.endswith("_op")} == final
    assert "a.grad" in v.text("#chain-rule")


def test_learning_rate_slider_shows_microopt_sweep(visit, server):
    v = visit()
    page = v.open(f"{server}/explore/learning-rate.html")
    name, lrs, steps, _ = learning_rate.PROBLEMS["bowl"]
    sweep = lr_sweep(name, "gd", lrs=lrs, steps=steps)
    seen_paths = set()
    for k in (0, len(lrs) // 2, len(lrs) - 1):
        v.slide(k)
        run = list(sweep.race)[k]
        assert v.text("#lr").split()[0] == f"{lrs[k]:g}"
        assert v.text("#final") == ("∞ (diverged)" if run.diverged else format_loss(run.final_loss))
        assert ("diverged at step" in v.text("#status")) == run.diverged
        points = page.get_attribute("#bowl-map g.plot polyline:nth-of-type(2)", "points")
        assert len(points.split()) == len(run.trajectory)
        seen_paths.add(points)
    assert len(seen_paths) == 3  # each rate draws its own path
    assert sweep.diverged[-1] and "Try a smaller learning rate" in v.text("#message")
    page.focus("body")
    page.keyboard.press("ArrowLeft")
    assert v.text("#lr").split()[0] == f"{lrs[-2]:g}"
    v.shot("learning-rate-bowl")
    page.select_option("#problem", "rosenbrock")
    assert page.is_visible("#rosenbrock-map") and not page.is_visible("#bowl-map")
    data = v.data()["rosenbrock"]
    v.slide(0)
    assert v.text("#lr").split()[0] == data["lrs"][0] == f"{learning_rate.PROBLEMS['rosenbrock'][1][0]:g}"
    v.shot("learning-rate-rosenbrock")


def test_race_explorer_draws_the_chosen_runs(visit, server):
    v = visit()
    page = v.open(f"{server}/explore/race.html")
    rows = page.eval_on_selector_all("#results tbody tr", "rs => rs.map(r => r.dataset.run)")
    assert [key.split("@")[0] for key in rows] == list(race.SHOWN)
    page.check('.run-toggle[value="lion"]')
    page.select_option('.run-lr[data-optimizer="lion"]', "0.003")
    lion = run_race({"lion": preset("lion", 0.003)}, "rosenbrock", steps=race.STEPS)["lion"]
    row = page.locator('#results tr[data-run="lion@0.003"] td')
    assert row.nth(2).text_content() == format_loss(lion.final_loss - 0.0)
    points = page.get_attribute('#rosenbrock-map polyline[data-run="lion@0.003"]', "points")
    assert len(points.split()) == len(lion.trajectory)
    page.uncheck('.run-toggle[value="gd"]')
    assert page.locator('#results tr[data-run^="gd@"]').count() == 0
    v.shot("race-rosenbrock")
    page.select_option("#problem", "himmelblau")
    assert page.locator("#himmelblau-map polyline").count() == 2 * (len(race.SHOWN) - 1 + 1)
    v.shot("race-himmelblau")


def test_trace_steps_show_microopt_quantities(visit, server):
    v = visit()
    page = v.open(f"{server}/explore/trace.html")
    function = get(trace.FUNCTION)
    from microopt import Value

    x, y = Value(function.start[0], label="x"), Value(function.start[1], label="y")
    recorded = trace_steps(preset("adam", 0.05)([x, y]), lambda: function(x, y), steps=trace.STEPS)
    rows = [row for row in recorded.rows if row.param == "x"]
    for k in (0, 4):
        v.slide(k)
        shown = dict(page.eval_on_selector_all("#quantities tbody tr", "rs => rs.map(r => [r.dataset.quantity, "
                                               "r.children[1].textContent])"))
        assert shown == {name: trace.shown(value) for name, value in rows[k].quantities.items()}
        assert "m_hat = " + trace.shown(rows[k].quantities["m_hat"]) in v.text("#code")
    page.focus("body")
    page.keyboard.press("ArrowRight")
    assert v.text("#position") == f"step 6 of {trace.STEPS}"
    page.select_option("#param", "y")
    assert v.text("#position") == f"step 1 of {trace.STEPS}"
    v.shot("trace-adam")


@pytest.mark.parametrize("module", [backprop, learning_rate, race, trace], ids=lambda m: m.NAME)
def test_explorable_is_small_loads_fast_from_disk_and_works(visit, server, site, module):
    path = site / "explore" / f"{module.NAME}.html"
    v = visit()
    v.open(f"{server}/explore/{path.name}")
    fetched = v.bytes  # everything the page asked for: it is one file with its style, script and data inside
    assert path.stat().st_size <= fetched < MAX_PAGE_BYTES
    loads = []
    for _ in range(LOADS):  # the best of a few loads: the page's own cost, not a busy machine's hiccup
        page = v.open(path.as_uri())
        loads.append(page.evaluate("performance.getEntriesByType('navigation')[0].loadEventEnd") / 1000)
    seconds = min(loads)
    print(f"{module.NAME}: {fetched / 1000:.0f} kB, loaded from disk in {seconds:.3f} s "
          f"(best of {LOADS}: {', '.join(f'{s:.3f}' for s in loads)})")
    assert 0 < seconds < MAX_LOAD_SECONDS
    if page.locator("#slider").count():
        before = page.locator("main").inner_text()
        page.click("#next")
        assert page.locator("main").inner_text() != before  # the script runs from file:// too


def test_index_and_lesson_page_render_offline(visit, server, site):
    v = visit()
    page = v.open(f"{server}/index.html")
    links = page.eval_on_selector_all("main a", "as => as.map(a => a.getAttribute('href'))")
    assert {f"explore/{m.NAME}.html" for m in (backprop, learning_rate, race, trace)} <= set(links)
    lessons = [link for link in links if link.startswith("lessons/")]
    if shutil.which("npm") is None:
        pytest.skip("npm is absent, so the site was built without lessons (KaTeX comes from npm)")
    assert lessons == ["lessons/01_value_and_backprop.html"]
    page.click(f'a[href="{lessons[0]}"]')
    page.wait_for_load_state("load")
    assert page.title().startswith("1. Values and backpropagation")
    assert page.locator(".katex").count() > 10  # $...$ rendered by the vendored KaTeX
    assert page.locator(".katex-error").count() == 0
    assert page.locator(".output_area img, .output_area svg").count() >= 4  # the lesson's diagrams, inline
    assert page.locator(".widget-note").count() == 1
    assert page.evaluate("[...document.images].every(i => i.complete && i.naturalWidth > 0)")
    v.shot("lesson-01")

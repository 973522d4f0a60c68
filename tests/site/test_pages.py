"""The built pages without a browser: no other host named, microopt's numbers in the data, reuse of executed lessons."""

from __future__ import annotations

import json
import re
import shutil

import pytest

from microopt.site.build import build_site
from microopt.site.explorables import backprop, learning_rate, race, trace
from microopt.site.lessons import _has_outputs
from microopt.train.sweep import lr_sweep

# What makes a browser fetch something: a src, a stylesheet link, a CSS url() or @import.
FETCHES = re.compile(r"""(?:src|href)\s*=\s*["']?(https?:)?//|url\(\s*["']?(https?:)?//|@import""", re.I)


def pages(site):
    return sorted(site.rglob("*.html"))


def test_no_page_fetches_from_another_host(site):
    found = pages(site)
    assert len(found) >= 5
    for path in found:
        text = path.read_text(encoding="utf-8")
        fetches = [m.group(0) for m in FETCHES.finditer(text)
                   if not m.group(0).lower().startswith("href")]  # a plain link <a href> is not a fetch
        stylesheets = re.findall(r'<link[^>]+href="(?:https?:)?//', text)
        assert fetches == [] and stylesheets == [], f"{path.name} fetches from another host: {fetches + stylesheets}"


def data_of(site, module) -> dict:
    text = (site / "explore" / f"{module.NAME}.html").read_text(encoding="utf-8")
    return json.loads(re.search(r'<script type="application/json" id="data">(.*?)</script>', text, re.S).group(1))


def test_learning_rate_data_is_microopt_sweep(site):
    data = data_of(site, learning_rate)["bowl"]
    name, lrs, steps, _ = learning_rate.PROBLEMS["bowl"]
    sweep = lr_sweep(name, "gd", lrs=lrs, steps=steps)
    assert data["lrs"] == [f"{lr:g}" for lr in lrs]
    assert [run["diverged"] for run in data["runs"]] == sweep.diverged == [False] * 15 + [True, True]
    assert data["best"] == f"{sweep.best_lr:g}" == "0.169"  # just below the stability limit 2/κ = 0.2
    first = next(iter(sweep.race))
    assert data["runs"][0]["path"][:4] == [round(v, 3) for point in first.trajectory[:2] for v in point]


def test_every_explorable_has_its_data(site):
    assert set(data_of(site, backprop)) == set(backprop.EXAMPLES)
    assert set(data_of(site, race)["functions"]) == set(race.FUNCTIONS)
    assert set(data_of(site, trace)) == set(trace.OPTIMIZERS)
    assert data_of(site, trace)["adam"]["names"][-5:] == ["m", "v", "m_hat", "v_hat", "update"]


@pytest.mark.skipif(shutil.which("npm") is None, reason="npm is absent: the site was built without lessons")
def test_a_second_build_reuses_the_executed_lesson(site, tmp_path):
    copy = site / "lessons" / "notebooks" / "01_value_and_backprop.ipynb"
    import nbformat

    assert _has_outputs(nbformat.read(str(copy), as_version=4))
    assert (site / "lessons" / "katex" / "katex.min.js").is_file()
    again = tmp_path / "again"
    shutil.copytree(site / "lessons" / "notebooks", again / "lessons" / "notebooks")
    said = []
    build_site(again, chosen=["01"], with_explorables=False, log=said.append)
    assert said[0] == f"{copy.name}: reusing the executed copy {again / 'lessons' / 'notebooks' / copy.name}"
    assert (again / "lessons" / "01_value_and_backprop.html").read_text() == \
        (site / "lessons" / "01_value_and_backprop.html").read_text()


def test_the_page_shows_one_image_per_figure_and_no_widget():
    import nbformat

    from microopt.site.lessons import SVG_LIMIT, WIDGET, for_the_page

    small, large = "<svg>" + "x" * 100 + "</svg>", "<svg>" + "x" * SVG_LIMIT + "</svg>"
    outputs = [nbformat.v4.new_output("display_data", data={"image/svg+xml": svg, "image/png": "iVBOR"})
               for svg in (small, large)]
    outputs.append(nbformat.v4.new_output("display_data", data={WIDGET: {"model_id": "1"}, "text/plain": "VBox()"}))
    cell = nbformat.v4.new_code_cell("plot()", outputs=outputs)
    notebook = nbformat.v4.new_notebook(cells=[cell], metadata={"widgets": {"state": {}}})
    shown = for_the_page(notebook)
    assert [list(o.data) for o in shown.cells[0].outputs] == [["image/svg+xml"], ["image/png"], ["text/html"]]
    assert "widget-note" in shown.cells[0].outputs[2].data["text/html"] and "widgets" not in shown.metadata
    assert list(notebook.cells[0].outputs[0].data) == ["image/svg+xml", "image/png"]  # the original is untouched

"""Run lessons in JupyterLite in chromium and report, per lesson: ran to the end, errors, plots, time.

Not a test (it takes about a minute a lesson, too long for CI): a check to run by hand against
a built site, for any list of lessons::

    python -m microopt.site.lite --out /tmp/lite            # build the site once
    python -m tests.site.lite_lessons --site /tmp/lite --shots /tmp/shots 04 05 07

It serves the site on 127.0.0.1 (``--port``; 0 picks a free one), opens each notebook with
Playwright in Debian's chromium, runs every cell, and reads the outputs back from the notebook
model. A lesson passes when every code cell ran, no output is an error, nothing was fetched
from another host, and its plots are SVG (Pyodide has no matplotlib, so a PNG would mean a
plot that did not go through ``microopt.viz``). One screenshot per lesson, the page at its
first plot (or the notebook's end), goes to ``--shots``; a failing cell's traceback ends its
report. The exit status is 0 when every lesson passed.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import pathlib
import re
import sys
import time

from tests.site.jupyterlite import (ARGS, CHROMIUM, OPEN_AND_WAIT_FOR_KERNEL, RUN_ALL_AND_READ_OUTPUTS, offline_context,
                                    serve)

NOTEBOOKS = pathlib.Path(__file__).resolve().parents[2] / "notebooks"
ANSI = re.compile(r"\x1b\[[0-9;]*m")  # the colors of IPython's tracebacks
PLOT_MARK = "microopt-plot-"  # the clip-path id every microopt.viz.svg figure carries


@dataclasses.dataclass
class LessonReport:
    notebook: str
    cells_run: int
    code_cells: int
    errors: list[str]  # each failing cell: its error and the end of its traceback
    plots: int  # SVG figures of microopt.viz.svg
    diagrams: int  # other SVG outputs (graph diagrams drawn by Viz.js)
    pngs: int  # PNG outputs: none is expected without matplotlib
    refused: list[str]  # requests to any host but the site's
    kernel_seconds: float  # from opening the page until the kernel answered
    run_seconds: float  # running every cell

    @property
    def passed(self) -> bool:
        return (self.cells_run == self.code_cells and not self.errors and not self.refused and not self.pngs)

    def line(self) -> str:
        verdict = "ran to the end" if self.passed else "FAILED"
        return (f"{self.notebook}: {verdict}; {self.cells_run}/{self.code_cells} code cells, {self.plots} SVG plots, "
                f"{self.diagrams} diagrams, {self.pngs} PNG, {len(self.errors)} errors, {len(self.refused)} "
                f"requests refused; kernel {self.kernel_seconds:.1f} s, cells {self.run_seconds:.1f} s"
                + "".join(f"\n    {e}" for e in self.errors + self.refused))


def find_notebook(lesson: str) -> str:
    """"04" or "04_training_an_mlp_on_moons" or its file name -> the file name in notebooks/."""
    matches = sorted(p.name for p in NOTEBOOKS.glob(f"{lesson.removesuffix('.ipynb')}*.ipynb"))
    if len(matches) != 1:
        raise SystemExit(f"Invalid lesson: {lesson!r} (matches {matches or 'no notebook'} in {NOTEBOOKS}). "
                         "Give its number, e.g. 04.")
    return matches[0]


def run_lesson(context, base_url: str, refused: list[str], notebook: str, shots: pathlib.Path) -> LessonReport:
    """Open ``notebook`` in the site at ``base_url``, run all its cells and read the outputs back."""
    before = len(refused)
    with contextlib.closing(context.new_page()) as page:
        opened = time.perf_counter()
        page.goto(f"{base_url}/notebooks/index.html?path={notebook}")
        page.wait_for_function("window.jupyterapp && window.jupyterapp.shell", timeout=60_000)
        page.evaluate(OPEN_AND_WAIT_FOR_KERNEL)
        kernel_ready = time.perf_counter()
        cells = page.evaluate(RUN_ALL_AND_READ_OUTPUTS, {})
        finished = time.perf_counter()
        images = page.locator(".jp-OutputArea-output img")
        if images.count():  # the notebook in JupyterLite, at its first plot
            images.first.scroll_into_view_if_needed()
        page.wait_for_timeout(300)  # let the outputs paint
        page.screenshot(path=shots / f"lite-{notebook.removesuffix('.ipynb')}.png")
    code = [c for c in cells if c["type"] == "code"]
    svgs = [o["data"]["image/svg+xml"] for c in code for o in c["outputs"] if "image/svg+xml" in o.get("data", {})]
    plots = sum(PLOT_MARK in s for s in svgs)
    failures = [f"cell {i}: {o['ename']}: {o['evalue']}\n" + ANSI.sub("", "\n".join(o.get("traceback", [])[-3:]))
                for i, c in enumerate(cells) for o in c["outputs"] if o["output_type"] == "error"]
    return LessonReport(notebook, sum(c["count"] is not None for c in code), len(code), failures, plots,
                        len(svgs) - plots, sum("image/png" in o.get("data", {}) for c in code for o in c["outputs"]),
                        refused[before:], kernel_ready - opened, finished - kernel_ready)


def check_lessons(site: pathlib.Path, lessons: list[str], shots: pathlib.Path, port: int = 0) -> list[LessonReport]:
    """Serve ``site``, run each of ``lessons`` in chromium, and return their reports."""
    from playwright.sync_api import sync_playwright

    shots.mkdir(parents=True, exist_ok=True)
    refused: list[str] = []
    reports = []
    with serve(site, port) as base_url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        with offline_context(browser, base_url, refused) as context:
            for lesson in lessons:
                reports.append(run_lesson(context, base_url, refused, find_notebook(lesson), shots))
                print(reports[-1].line(), flush=True)
        browser.close()
    return reports


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("lessons", nargs="+", help="lesson numbers (04) or notebook names")
    parser.add_argument("--site", required=True, type=pathlib.Path, help="a site built by python -m microopt.site.lite")
    parser.add_argument("--shots", default=pathlib.Path("lite-shots"), type=pathlib.Path, help="screenshot folder")
    parser.add_argument("--port", default=0, type=int, help="port on 127.0.0.1 (0: any free one)")
    args = parser.parse_args(argv)
    if not (args.site / "jupyter-lite.json").is_file():
        parser.error(f"Invalid --site: {str(args.site)!r} has no jupyter-lite.json. Build it with "
                     "python -m microopt.site.lite --out DIR.")
    reports = check_lessons(args.site, args.lessons, args.shots, args.port)
    return 0 if all(r.passed for r in reports) else 1


if __name__ == "__main__":
    sys.exit(main())

"""Run lessons and exercises in JupyterLite (chromium, offline) and report each: ok / error, and its time.

By hand, not in CI (all 18 lessons and 14 exercises take minutes)::

    python -m tests.site.lite_run_all                      # every lesson, exercise template and solution
    python -m tests.site.lite_run_all notebooks/04_*.ipynb # some notebooks
    python -m tests.site.lite_run_all --exercises          # the 14 templates and their 14 solutions

The notebooks are read from the checkout and put into the site's browser storage before they run
(so a solution, which the site does not ship, runs where its exercise sits, in ``exercises/``),
in one JupyterLab page, each in a fresh kernel (``--one-kernel``: all in one, faster, but a
notebook may then lean on a name an earlier one defined). The site is the one the tests build
(``tests/site/jupyterlite.py``; ``--site DIR`` for another, e.g. one from ``microopt site --lite``).

What "ok" means depends on the notebook (and for all: no PNG output, since Pyodide has no
matplotlib: plots are SVG drawn by ``microopt.viz``):
- a lesson or a solution: every code cell runs without an error;
- an exercise as released to students (its stubs unanswered): every cell that is not graded runs,
  a stub raises the ``NotImplementedError`` whose message says TODO, and every graded cell fails
  helpfully, as in ``tests/exercises/test_exercise_notebooks.py``: an ``AssertionError`` saying
  "the TODO is not done yet" or "no answer yet", or the ``NameError``/``NotImplementedError`` of
  an answer not written yet.
The exit status is 1 when any notebook is not ok.
"""

from __future__ import annotations

import argparse
import os
import pathlib
import re
import sys
import time

from tests.site import jupyterlite
from tests.site.jupyterlite import Run

ROOT = jupyterlite.ROOT
LESSONS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
TEMPLATES = sorted((ROOT / "notebooks" / "exercises").glob("[0-9][0-9]_*.ipynb"))
SOLUTIONS = sorted((ROOT / "notebooks" / "exercises" / "solutions").glob("*_solution.ipynb"))
HELPFUL = ("Hint: the TODO is not done yet", "no answer yet")


def is_template(notebook: pathlib.Path) -> bool:
    return "exercises" in notebook.parts and not notebook.stem.endswith("_solution")


def exception_name(ename: str) -> str:
    """``NameError`` from the kernel's ``<class 'NameError'>`` (Pyodide's kernel reports the class)."""
    return re.sub(r"^<class '(?:[\w.]*\.)?(\w+)'>$", r"\1", ename)


def problems(notebook: pathlib.Path, run: Run) -> list[str]:
    """What is wrong with a run of ``notebook`` (empty: ok)."""
    found = [run.stopped] if run.stopped else []
    pngs = sum("image/png" in o.get("data", {}) for c in run.cells for o in c["outputs"])
    if pngs:  # Pyodide has no matplotlib: a PNG is a plot that did not go through microopt.viz
        found.append(f"{pngs} PNG outputs: plots drawn without microopt.viz (SVG expected in JupyterLite)")
    errors = {index: (exception_name(name), message) for index, name, message in run.errors()}
    if not is_template(notebook):
        return found + [f"cell {i}: {name}: {message[:300]}" for i, (name, message) in errors.items()]
    import nbformat

    from microopt.exercises.assignment.notebook import points_of

    cells = nbformat.read(notebook, as_version=4).cells
    graded = 0
    for index, cell in enumerate(cells):
        if cell.cell_type != "code" or (run.stopped and index not in errors and not run.cells[index]["count"]):
            continue
        name, message = errors.get(index, (None, ""))
        if "raise NotImplementedError" in cell.source:  # an answer still to write
            if name is not None and not (name == "NotImplementedError" and "TODO" in message):
                found.append(f"cell {index} (a stub): {name}: {message[:300]}")
        elif points_of(cell) is not None:
            graded += 1
            if name is None:
                found.append(f"cell {index} (graded) passed on the unanswered template")
            elif name == "AssertionError" and not any(text in message for text in HELPFUL):
                found.append(f"cell {index} (graded) failed without saying the TODO is not done: {message[:300]}")
            elif name not in ("AssertionError", "NameError", "NotImplementedError"):
                found.append(f"cell {index} (graded): {name}: {message[:300]}")
        elif name is not None:
            found.append(f"cell {index}: {name}: {message[:300]}")
    return found + ([] if graded else ["no graded cell"])


def run_all(notebooks: list[pathlib.Path], site: pathlib.Path, *, one_kernel: bool = False, cell_timeout: float = 300,
            screenshots: pathlib.Path | None = None, report=print) -> list[tuple[pathlib.Path, list[str], Run]]:
    """Run ``notebooks`` in one JupyterLite session on ``site``; report a line each; return the results."""
    from playwright.sync_api import sync_playwright

    results, refused = [], []
    with jupyterlite.serve(site) as base_url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=jupyterlite.CHROMIUM, args=jupyterlite.ARGS)
        with jupyterlite.offline_context(browser, base_url, refused) as context:
            started = time.perf_counter()
            session = jupyterlite.Session(context, base_url)
            report(f"JupyterLab up in {time.perf_counter() - started:.1f} s; {len(notebooks)} notebooks, "
                   f"{'one kernel' if one_kernel else 'a fresh kernel each'}, load {os.getloadavg()[0]:.1f}")
            kernel_id = None
            for notebook in notebooks:
                path = jupyterlite.site_path(notebook)
                session.upload(notebook, path)
                shot = screenshots / f"{notebook.stem}.png" if screenshots else None
                try:
                    run = session.run(path, kernel_id=kernel_id, cell_timeout=cell_timeout, screenshot=shot,
                                      close=not one_kernel)
                except Exception as error:  # noqa: BLE001 - a broken page is this notebook's failure, reported
                    run = Run(path, [], 0.0, 0.0, f"the page failed: {error}".splitlines()[0], 0)
                    session = jupyterlite.Session(context, base_url)
                    kernel_id = None
                else:
                    kernel_id = session.kernel_id if one_kernel else None
                found = problems(notebook, run) if run.cells else [run.stopped]
                results.append((notebook, found, run))
                status = "ok   " if not found else "ERROR"
                report(f"{status} {notebook.relative_to(ROOT)}: kernel {run.kernel_seconds:5.1f} s, "
                       f"cells {run.run_seconds:6.1f} s" + "".join(f"\n        {p}" for p in found))
        browser.close()
    failed = sum(1 for _, found, _ in results if found)
    report(f"{len(results) - failed} ok, {failed} failed; requests refused (not to 127.0.0.1): {len(refused)}"
           + "".join(f"\n        {url}" for url in refused[:10]))
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.site.lite_run_all", description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=pathlib.Path, help="notebooks to run (default: all)")
    parser.add_argument("--lessons", action="store_true", help="the 18 lessons")
    parser.add_argument("--exercises", action="store_true", help="the exercise templates and their solutions")
    parser.add_argument("--site", type=pathlib.Path, help="a built JupyterLite folder (default: the tests' cached one)")
    parser.add_argument("--one-kernel", action="store_true", help="run every notebook in the first one's kernel")
    parser.add_argument("--cell-timeout", type=float, default=300, help="seconds a cell may run (default 300)")
    parser.add_argument("--screenshots", type=pathlib.Path, help="save a screenshot of each notebook here")
    args = parser.parse_args(argv)
    exercises = [notebook for template in TEMPLATES
                 for notebook in (template, template.parent / "solutions" / f"{template.stem}_solution.ipynb")]
    notebooks = [path.resolve() for path in args.notebooks]
    if args.lessons or not (notebooks or args.exercises):
        notebooks += LESSONS
    if args.exercises or not (args.notebooks or args.lessons):
        notebooks += exercises
    missing = [str(path) for path in notebooks if not path.is_file()]
    if missing:
        parser.error(f"Invalid notebooks: {', '.join(missing)} (no such file). Pass paths of .ipynb files.")
    if args.screenshots:
        args.screenshots.mkdir(parents=True, exist_ok=True)
    site = args.site.resolve() if args.site else jupyterlite.built_site()
    results = run_all(notebooks, site, one_kernel=args.one_kernel, cell_timeout=args.cell_timeout,
                      screenshots=args.screenshots, report=lambda line: print(line, flush=True))
    return 1 if any(found for _, found, _ in results) else 0


if __name__ == "__main__":
    sys.exit(main())

"""Run lessons in JupyterLite, in chromium, and report: a manual check, not a CI test (minutes).

    python tests/site/lite_lessons.py --site DIR [--shots DIR] [--port 8703] 02 03 14

``DIR`` is a site built by ``python -m microopt.site.lite --out DIR`` (build it once, reuse it).
Each lesson is opened in a fresh page, every cell is run (with the helpers of
``tests/site/test_lite.py``), and one line is printed per lesson: whether it ran to the end
without an error output (and every cell ran), how many plots it drew (image outputs: SVG, PNG, GIF), the seconds
until the kernel answered and until the last cell finished, and any request that tried to
leave 127.0.0.1 (all are refused). Screenshots go to ``--shots``: ``NN.png``, the page at the
lesson's first plot, and ``NN-plotK.png``, each plot as shown. The exit status is 1 if any
lesson failed or any request was refused.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import pathlib
import sys
import threading
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2]))
from tests.site.test_lite import (ARGS, CHROMIUM, OPEN_AND_WAIT_FOR_KERNEL, RUN_ALL_AND_READ_OUTPUTS,  # noqa: E402
                                  QuietHandler, errors, text_of)

IMAGE_TYPES = ("image/svg+xml", "image/png", "image/gif", "image/jpeg")
NOTEBOOKS = pathlib.Path(__file__).resolve().parents[2] / "notebooks"


def lesson_file(number: str) -> str:
    """``"03"`` -> ``"03_momentum_rmsprop_adam.ipynb"`` (the lesson's file in the site)."""
    matches = sorted(NOTEBOOKS.glob(f"{int(number):02d}_*.ipynb"))
    if len(matches) != 1:
        raise SystemExit(f"No single lesson numbered {number!r} in {NOTEBOOKS} (found {len(matches)}).")
    return matches[0].name


def run_lesson(context, base_url: str, name: str, shots: pathlib.Path) -> dict:
    """Open lesson ``name``, run all its cells; the outcome as a dict (see the module docstring)."""
    page = context.new_page()
    try:
        opened = time.perf_counter()
        page.goto(f"{base_url}/notebooks/index.html?path={name}")
        page.wait_for_function("window.jupyterapp && window.jupyterapp.shell", timeout=60_000)
        page.evaluate(OPEN_AND_WAIT_FOR_KERNEL)
        kernel = time.perf_counter() - opened
        cells = page.evaluate(RUN_ALL_AND_READ_OUTPUTS, {})
        finished = time.perf_counter() - opened
        page.wait_for_timeout(500)  # let the outputs paint
        outputs = [o for c in cells for o in c["outputs"]]
        plots = sum(any(kind in o.get("data", {}) for kind in IMAGE_TYPES) for o in outputs)
        shown = page.locator(".jp-OutputArea-output img, .jp-OutputArea-output svg")
        number = name.split("_")[0]
        for k in range(shown.count()):  # each plot as the reader sees it, then the page at the first one
            shown.nth(k).scroll_into_view_if_needed()
            shown.nth(k).screenshot(path=shots / f"{number}-plot{k + 1}.png")
        if shown.count():
            shown.first.scroll_into_view_if_needed()
        page.screenshot(path=shots / f"{number}.png")
        unrun = [i for i, c in enumerate(cells) if c["type"] == "code" and c["count"] is None]
        failing = [f"cell {i} printed: {text_of(c)[-1500:]}" for i, c in enumerate(cells)
                   if any(o["output_type"] == "error" for o in c["outputs"]) and text_of(c)]
        return {"name": name, "errors": errors(cells) + failing, "unrun": unrun, "plots": plots, "shown": shown.count(),
                "kernel": kernel, "finished": finished}
    finally:
        page.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("lessons", nargs="+", help="lesson numbers, e.g. 02 03 14")
    parser.add_argument("--site", required=True, type=pathlib.Path, help="a built JupyterLite site")
    parser.add_argument("--shots", type=pathlib.Path, default=pathlib.Path("lite-shots"), help="screenshot folder")
    parser.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (0: any free one)")
    args = parser.parse_args(argv)
    if not (args.site / "jupyter-lite.json").is_file():
        raise SystemExit(f"{args.site} is not a JupyterLite site: build it with "
                         f"`python -m microopt.site.lite --out {args.site}`.")
    args.shots.mkdir(parents=True, exist_ok=True)
    from playwright.sync_api import sync_playwright

    server = http.server.ThreadingHTTPServer(("127.0.0.1", args.port),
                                             functools.partial(QuietHandler, directory=args.site))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base_url = f"http://127.0.0.1:{server.server_address[1]}"
    refused: list[str] = []
    failed = 0
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            context = browser.new_context(viewport={"width": 1280, "height": 900})
            context.route("**/*", lambda route: route.continue_() if route.request.url.startswith(
                (base_url + "/", "data:", "blob:")) else (refused.append(route.request.url), route.abort()))
            for number in args.lessons:
                result = run_lesson(context, base_url, lesson_file(number), args.shots)
                ok = not result["errors"] and not result["unrun"]
                failed += not ok
                print(f"{result['name']}: {'ran to the end' if ok else 'FAILED'}; {result['plots']} plots "
                      f"({result['shown']} shown); kernel {result['kernel']:.1f} s, all cells done at "
                      f"{result['finished']:.1f} s", flush=True)
                for problem in result["errors"] + [f"cell {i} did not run" for i in result["unrun"]]:
                    print("   ", problem[:2000], flush=True)
            browser.close()
    finally:
        server.shutdown()
    if refused:
        print(f"requests refused (they tried to leave 127.0.0.1): {refused}")
    return 1 if failed or refused else 0


if __name__ == "__main__":
    sys.exit(main())

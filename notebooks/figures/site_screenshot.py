"""Regenerate the README's picture of the site: ``python notebooks/figures/site_screenshot.py``.

``site.png``: the optimizer race explorable of ``microopt site`` (Rosenbrock; gradient descent,
momentum and Adam at their best rates), as Debian's chromium shows it, through Playwright.
Needs ``/usr/bin/chromium`` and the ``playwright`` package (never ``playwright install``).
"""

from __future__ import annotations

import io
import pathlib
import tempfile

from PIL import Image
from playwright.sync_api import sync_playwright

from microopt.site.explorables import race, write_explorable

HERE = pathlib.Path(__file__).resolve().parent
ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
WIDTH = 1000  # CSS pixels of the browser window; the PNG is scaled to half of it per side


def screenshot(path: pathlib.Path) -> pathlib.Path:
    with tempfile.TemporaryDirectory() as folder:
        page_path = write_explorable(race, pathlib.Path(folder))
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
            page = browser.new_page(viewport={"width": WIDTH, "height": 1100}, device_scale_factor=1)
            page.goto(page_path.as_uri())
            controls = page.locator(".controls").bounding_box()
            table = page.locator("#results").bounding_box()
            top, bottom = controls["y"] - 10, table["y"] + table["height"] + 10
            png = page.screenshot(full_page=True, clip={"x": 0, "y": top, "width": WIDTH, "height": bottom - top})
            browser.close()
    image = Image.open(io.BytesIO(png)).convert("RGB")
    image = image.resize((image.width * 3 // 4, image.height * 3 // 4), Image.LANCZOS)
    image.quantize(colors=256, method=Image.Quantize.FASTOCTREE).save(path, optimize=True)
    return path


if __name__ == "__main__":
    print(screenshot(HERE / "site.png"))

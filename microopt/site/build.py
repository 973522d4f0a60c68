"""``build_site``: the lessons, the explorables and an index page, into one folder.

The folder holds only static files: ``index.html``, ``lessons/NN_name.html`` (with the vendored
``lessons/katex/`` they share), the executed notebooks ``lessons/notebooks/``, and one HTML file
per explorable in ``explore/``, and with ``with_lite`` the JupyterLite site in ``lite/``
(``microopt.site.lite``: the notebooks, runnable in the browser). Open ``index.html`` from disk or
publish the folder as it is; JupyterLite itself needs a web server (browsers refuse its
WebAssembly workers from ``file://``).
"""

from __future__ import annotations

import html
import pathlib
import time
from typing import Callable, Sequence

from microopt.site import katex, lessons, lite
from microopt.site.explorables import EXPLORABLES, write_explorable
from microopt.site.page import page

LITE = "lite"  # the JupyterLite folder inside the site, and the index page's link into it
LITE_APP = f"{LITE}/lab/index.html"
REPOSITORY_NOTEBOOKS = pathlib.Path(__file__).resolve().parents[2] / "notebooks"  # in a clone of microopt


def default_notebooks() -> pathlib.Path:
    """The lessons of the microopt checkout this module runs from, else ``./notebooks``."""
    return REPOSITORY_NOTEBOOKS if REPOSITORY_NOTEBOOKS.is_dir() else pathlib.Path("notebooks")


def select_lessons(folder: pathlib.Path, chosen: Sequence[str] | None) -> list[pathlib.Path]:
    """The lessons of ``folder``, or those whose name starts with one of ``chosen`` ("01", "02_gradient")."""
    found = lessons.find_lessons(folder)
    if not found:
        raise ValueError(f"Invalid notebooks folder: {str(folder)!r} (holds no lesson NN_name.ipynb). "
                         "Pass --notebooks with the folder of microopt's notebooks.")
    if chosen is None:
        return found
    picked = []
    for prefix in chosen:
        matches = [path for path in found if path.stem.startswith(prefix)]
        if not matches:
            numbers = ", ".join(path.stem[:2] for path in found)
            raise ValueError(f"Invalid lesson: {prefix!r} (no notebook of {folder} starts with it; "
                             f"the lessons are {numbers}). Pass e.g. --lessons 01,02.")
        picked += [path for path in matches if path not in picked]
    return picked


def build_site(out: pathlib.Path, *, notebooks: pathlib.Path | None = None, chosen: Sequence[str] | None = None,
               with_lessons: bool = True, with_explorables: bool = True, with_lite: bool = False,
               log: Callable[[str], None] = print) -> pathlib.Path:
    """Write the site into ``out``; return the index page's path.

    ``chosen`` limits the lessons to those names' prefixes (all by default); ``with_lessons=False``
    or ``with_explorables=False`` leaves that half out (the index says so). ``with_lite`` also
    builds JupyterLite into ``out/lite`` with every lesson and exercise (``lite.build_lite``: needs
    npm and ``microopt[browser]``; raises ``lite.LiteBuildError``), linked from the index.
    """
    out = pathlib.Path(out)
    folder = default_notebooks() if notebooks is None else pathlib.Path(notebooks)
    paths = select_lessons(folder, chosen) if with_lessons else []
    out.mkdir(parents=True, exist_ok=True)
    entries, pages = [], []
    if paths:
        lesson_dir = out / "lessons"
        lesson_dir.mkdir(exist_ok=True)
        katex.vendor(lesson_dir)  # first: a missing npm stops the build before any notebook runs
        for path in paths:
            started = time.perf_counter()
            notebook = lessons.executed(path, lesson_dir / "notebooks", log=log)
            title = lessons.title_of(notebook)
            target = lesson_dir / f"{path.stem}.html"
            target.write_text(lessons.render(notebook, title, f"notebooks/{path.name}"), encoding="utf-8")
            entries.append((f"lessons/{target.name}", title))
            log(f"{target.relative_to(out)}: {time.perf_counter() - started:.1f} s")
    if with_explorables:
        explore = out / "explore"
        explore.mkdir(exist_ok=True)
        for module in EXPLORABLES:
            started = time.perf_counter()
            path = write_explorable(module, explore, home="../index.html")
            pages.append((f"explore/{path.name}", module.TITLE, module.SUMMARY))
            log(f"{path.relative_to(out)}: {time.perf_counter() - started:.1f} s")
    if with_lite:
        started = time.perf_counter()
        lite.build_lite(out / LITE, notebooks=folder)
        log(f"{LITE_APP}: {time.perf_counter() - started:.1f} s")
    index = out / "index.html"
    index.write_text(index_page(entries, pages, with_lite=with_lite), encoding="utf-8")
    return index


LITE_PARAGRAPH = f"""<p><a href="{LITE_APP}">Every lesson and exercise in JupyterLite</a>: Python (Pyodide) runs
in this browser tab, nothing to install. It needs the site served over HTTP (GitHub Pages, or
<code>python -m http.server</code> in this folder), not opened from disk.</p>"""


def index_page(entries: list[tuple[str, str]], pages: list[tuple[str, str, str]], *, with_lite: bool = False) -> str:
    lesson_items = "".join(f'<li><a href="{html.escape(href)}">{html.escape(title)}</a></li>'
                           for href, title in entries)
    page_items = "".join(f'<li><a href="{html.escape(href)}">{html.escape(title)}</a><p>{html.escape(summary)}</p></li>'
                         for href, title, summary in pages)
    body = f"""
<h1>microopt, in the browser</h1>
<p class="lead">How neural networks are optimized, from a scalar autograd engine to Adam, told by lessons you can read
here with their outputs, and by explorables you can play with at once: no install, no kernel. Every number on these
pages was computed by microopt when the site was built.</p>
<h2 id="explorables">Explorables</h2>
{f'<ul class="cards">{page_items}</ul>' if pages else "<p>Not built this time (--no-explorables).</p>"}
<h2 id="lessons">Lessons</h2>
{f'<ul class="lessons">{lesson_items}</ul>' if entries else "<p>Not built this time (--no-lessons).</p>"}
<h2 id="jupyterlite">Run the notebooks in your browser</h2>
{LITE_PARAGRAPH if with_lite else "<p>Not built this time (microopt site --lite builds it).</p>"}
"""
    return page("microopt", body)

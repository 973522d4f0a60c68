"""Graphviz compiled to WebAssembly (Viz.js), for drawing graphs where no ``dot`` program can run.

Under Pyodide (JupyterLite, ``sys.platform == "emscripten"``) there are no subprocesses, so the
``graphviz`` package cannot run ``dot``. npm's ``@viz-js/viz`` is the same Graphviz as an ES
module with its wasm inlined; ``microopt site --lite`` puts it next to Pyodide as ``viz.js``.
``render_svg(source)`` imports it once and lays out DOT source with it, in about 0.1 s.

Importing is asynchronous in JavaScript: a notebook cell waits for it with
``pyodide.ffi.run_sync`` (JavaScript Promise Integration, in Chromium since version 137). Where
that is impossible (a widget callback, an older browser) and Viz.js is not loaded yet, or the
site has no ``viz.js``, ``render_svg`` returns None and the caller shows the DOT source with
a note (``unavailable_reason()``): drawing never fails a cell.
"""

from __future__ import annotations

import sys

VIZ_FILE = "viz.js"

_viz = None  # once imported: a JavaScript function DOT source -> SVG text
_reason = "Viz.js (Graphviz in WebAssembly) runs only under Pyodide, in the browser."


def viz_url() -> str:
    """Where ``viz.js`` is: next to Pyodide's own files (its ``indexURL``)."""
    import pyodide_js

    return str(pyodide_js._api.config.indexURL) + VIZ_FILE


def _load():
    """The DOT -> SVG function, importing ``viz.js`` on first use; None (and a reason) if impossible."""
    global _viz, _reason
    if _viz is not None or sys.platform != "emscripten":
        return _viz
    from pyodide.code import run_js
    from pyodide.ffi import JsException, can_run_sync, run_sync

    if not can_run_sync():
        _reason = ("Viz.js is not loaded yet, and this call cannot wait for it (no JavaScript Promise "
                   "Integration here); draw the graph once in a cell of its own first.")
        return None
    url = viz_url()
    try:
        _viz = run_sync(run_js(f"import({url!r}).then(module => module.instance())"
                               ".then(viz => source => viz.renderString(source, {format: 'svg'}))"))
    except JsException as error:
        _reason = f"Viz.js could not be loaded from {url}: {error}"
    return _viz


def render_svg(source: str) -> str | None:
    """The SVG of DOT ``source`` laid out by Viz.js, or None when Viz.js cannot run here."""
    global _reason
    render = _load()
    if render is None:
        return None
    from pyodide.ffi import JsException

    try:
        return str(render(source))
    except JsException as error:  # Graphviz refused the source: say so instead of failing the cell
        _reason = f"Viz.js could not lay out this graph: {error}"
        return None


def unavailable_reason() -> str:
    """Why ``render_svg`` returned None."""
    return _reason

"""Lesson pages: each notebook executed once, then rendered with its outputs and no network.

Execution (``executed``): a notebook whose code cells all have outputs already is used as it
is; otherwise the executed copy kept in the site (``DIR/notebooks/NAME.ipynb``) is reused when
it was made from the same source by the same microopt; otherwise the notebook runs in a fresh
kernel (nbclient, over Unix sockets like the tests), with matplotlib asked for SVG figures.

Rendering (``render``): nbconvert's ``basic`` template gives the cells without the page
around them, so none of the CDN scripts of its full templates (require.js, MathJax, the widget
manager) appear; ``microopt.site.page`` wraps them, and KaTeX (vendored next to the pages)
renders the ``$...$`` math in the browser. A widget output, which needs a live kernel, is
replaced by a note pointing to the explorables.
"""

from __future__ import annotations

import copy
import hashlib
import html
import pathlib
import shutil
import tempfile

from microopt import __version__
from microopt.exercises.assignment.kernels import kernel_manager, notebook_client
from microopt.site.page import page

# Run first in the kernel, then removed: figures as SVG (text kept as text) and as PNG; the page shows
# the SVG unless it is larger than SVG_LIMIT (a filled contour map can be megabytes of paths).
SETUP = ("%config InlineBackend.figure_formats = ['svg', 'png']\n"
         "import matplotlib\n"
         "matplotlib.rcParams['svg.fonttype'] = 'none'\n"
         "matplotlib.rcParams['svg.hashsalt'] = 'microopt'")
WIDGET = "application/vnd.jupyter.widget-view+json"
SVG_LIMIT = 150_000  # characters
# Seconds per cell. The lessons' cells take seconds. nbclient sometimes sits idle after an ipywidgets
# `interact` cell for exactly this long and then goes on without an error (seen in lesson 02, and
# in a two-cell notebook), so it is kept short.
TIMEOUT = 120
KATEX_HEAD = """<link rel="stylesheet" href="katex/katex.min.css">
<script defer src="katex/katex.min.js"></script>
<script defer src="katex/contrib/auto-render.min.js"></script>"""
KATEX_START = """<script>
document.addEventListener("DOMContentLoaded", () => renderMathInElement(document.querySelector("main"), {
  delimiters: [{left: "$$", right: "$$", display: true}, {left: "$", right: "$", display: false}],
  ignoredClasses: ["highlight", "output_area"], throwOnError: false}));
</script>"""


class LessonError(RuntimeError):
    """A lesson could not be executed: one of its cells failed, timed out, or its kernel died."""


def find_lessons(folder: pathlib.Path) -> list[pathlib.Path]:
    """The lesson notebooks of ``folder``: ``NN_name.ipynb``, in order."""
    return sorted(folder.glob("[0-9][0-9]_*.ipynb"))


def title_of(notebook) -> str:
    """The first heading of the notebook, e.g. "1. Values and backpropagation"."""
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    return "Lesson"


def _source_key(path: pathlib.Path) -> str:
    return hashlib.sha256(path.read_bytes() + __version__.encode()).hexdigest()


def _has_outputs(notebook) -> bool:
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    return bool(code) and all(cell.get("execution_count") is not None for cell in code)


def _made_from(notebook) -> str | None:
    """The source key an executed copy records (see ``executed``)."""
    return notebook.metadata.get("microopt_site", {}).get("source")


def execute(notebook, folder: pathlib.Path, timeout: int = TIMEOUT, name: str = "the notebook") -> None:
    """Run ``notebook`` (called ``name`` in errors) in place, in a fresh kernel working in ``folder``."""
    import nbclient
    import nbformat

    notebook.cells.insert(0, nbformat.v4.new_code_cell(SETUP))
    sockets = tempfile.mkdtemp(prefix="mo-site-")  # short: a Unix socket path holds about 100 characters
    try:
        client = notebook_client(notebook, km=kernel_manager(sockets), timeout=timeout, shutdown_kernel="immediate",
                                 resources={"metadata": {"path": str(folder)}})
        client.execute(cleanup_kc=True)
    except (nbclient.exceptions.CellExecutionError, nbclient.exceptions.CellTimeoutError,
            nbclient.exceptions.DeadKernelError) as error:
        raise LessonError(f"{name} did not run to the end: "
                          f"{str(error).strip()[-1500:]}") from None
    finally:
        shutil.rmtree(sockets, ignore_errors=True)
        del notebook.cells[0]
    for cell in notebook.cells:  # number the cells as if the setup had not run
        if cell.cell_type == "code" and cell.get("execution_count"):
            cell.execution_count -= 1
            for output in cell.outputs:
                if output.get("execution_count"):
                    output.execution_count -= 1


def executed(path: pathlib.Path, copies: pathlib.Path, log=print):
    """The notebook at ``path`` with outputs (see the module docstring); the executed copy is kept in ``copies``."""
    import nbformat

    notebook = nbformat.read(str(path), as_version=4)
    kept = copies / path.name
    key = _source_key(path)
    if _has_outputs(notebook):
        log(f"{path.name}: already executed, used as it is")
    elif kept.is_file() and _made_from(nbformat.read(str(kept), as_version=4)) == key:
        log(f"{path.name}: reusing the executed copy {kept}")
        return nbformat.read(str(kept), as_version=4)
    else:
        log(f"{path.name}: executing...")
        execute(notebook, path.parent, name=path.name)
    notebook.metadata["microopt_site"] = {"source": key, "microopt": __version__}
    copies.mkdir(parents=True, exist_ok=True)
    nbformat.write(notebook, str(kept))
    return notebook


def for_the_page(notebook, explorables: str = "../index.html#explorables"):
    """A copy of ``notebook`` as the page shows it: one image format per figure (SVG, or PNG when the
    SVG is over ``SVG_LIMIT``), and a note instead of each widget (no kernel drives it here)."""
    notebook = copy.deepcopy(notebook)
    notebook.metadata.pop("widgets", None)  # the widgets' saved state: nothing on a static page reads it
    note = (f'<p class="widget-note">An interactive widget was here: it needs a running notebook. On this site, '
            f'the <a href="{explorables}">explorables</a> show the same kind of slider without a kernel.</p>')
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if WIDGET in data:
                output.data = {"text/html": note}
            elif "image/svg+xml" in data and "image/png" in data:
                del data["image/png" if len(data["image/svg+xml"]) <= SVG_LIMIT else "image/svg+xml"]
    return notebook


def render(notebook, title: str, download: str, home: str = "../index.html") -> str:
    """The lesson page: the cells with their outputs, KaTeX for the math, a link to the executed notebook."""
    from nbconvert import HTMLExporter
    from pygments.formatters import HtmlFormatter

    cells, _ = HTMLExporter(template_name="basic").from_notebook_node(for_the_page(notebook))
    style = HtmlFormatter(style="default").get_style_defs(".highlight")
    head = f"{KATEX_HEAD}\n<style>\n{style}\n</style>"
    body = (f'<p class="position"><a href="{html.escape(download)}" download>Download this notebook</a> '
            f"(executed, with its outputs), or run it yourself: it is in microopt's <code>notebooks/</code>.</p>"
            f"{cells}\n{KATEX_START}")
    return page(title, body, head=head, home=home)

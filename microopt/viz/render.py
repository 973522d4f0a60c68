"""Rendering Graphviz diagrams: find a layout program, and say how to get one when there is none.

The ``graphviz`` Python package writes DOT source and runs an external program to lay it out.
That program is a system ``dot`` (``apt-get install graphviz``) or, without root, the static
``graphviz-pure`` from PyPI, whose executable is named ``graphviz-pure``. ``use_renderer()``
points ``graphviz.backend.dot_command.DOT_BINARY`` at whichever is found, in this order:

1. a ``DOT_BINARY`` you set yourself (anything but the default ``dot``) is kept;
2. ``dot`` on the PATH;
3. ``graphviz-pure`` next to the running interpreter (``sysconfig.get_path("scripts")``),
   which also works in notebook kernels whose PATH lacks the virtual environment;
4. ``graphviz-pure`` on the PATH.

``Diagram`` is a ``graphviz.Digraph`` that renders quietly (graphviz-pure warns about the width
of non-ASCII characters), turns "program not found" into ``RendererNotFoundError`` with the
install commands, and in Jupyter shows that message instead of failing the cell.

Where no program can run at all (Pyodide in JupyterLite has no subprocesses), SVG comes from
Viz.js, Graphviz compiled to WebAssembly (``microopt.viz.vizjs``): Jupyter then shows the
diagram as SVG whatever its ``format``, and ``pipe(format="svg")`` works. If even that is
impossible, Jupyter shows the DOT source with a note saying why.

This module imports ``graphviz`` at the top: only ``microopt.viz.graph`` imports it, when drawing.
"""

from __future__ import annotations

import os
import pathlib
import shutil
import sysconfig

import graphviz
import graphviz.backend.dot_command

from microopt.viz import vizjs

_DEFAULT_BINARY = pathlib.Path("dot")
_PURE = "graphviz-pure.exe" if os.name == "nt" else "graphviz-pure"


class RendererNotFoundError(RuntimeError):
    """No Graphviz layout program was found, so a diagram can be built but not rendered."""


def find_renderer() -> str | None:
    """The Graphviz program to run: a path or command name, or None when there is none."""
    if shutil.which("dot"):
        return "dot"
    next_to_python = pathlib.Path(sysconfig.get_path("scripts")) / _PURE
    if next_to_python.is_file():
        return str(next_to_python)
    return shutil.which(_PURE)


def use_renderer() -> None:
    """Point ``DOT_BINARY`` at the program ``find_renderer()`` finds (see the module docstring).

    When nothing is found ``DOT_BINARY`` stays as it is, and rendering raises
    ``RendererNotFoundError``; the DOT source remains available as ``.source``.
    """
    if pathlib.Path(graphviz.backend.dot_command.DOT_BINARY) != _DEFAULT_BINARY:
        return
    program = find_renderer()
    if program is not None:
        graphviz.backend.dot_command.DOT_BINARY = pathlib.Path(program)


def _not_found_message() -> str:
    return (
        f"Cannot render the diagram: no Graphviz program found "
        f"(tried {str(graphviz.backend.dot_command.DOT_BINARY)!r}). "
        "Install one with `pip install graphviz-pure` (no root needed) or "
        "`apt-get install graphviz`; the DOT source is still available as `.source`."
    )


class Diagram(graphviz.Digraph):
    """A ``graphviz.Digraph`` that renders quietly and explains a missing Graphviz program."""

    def pipe(self, format: str | None = None, *args, quiet: bool = True, **kwargs):
        try:
            return super().pipe(format, *args, quiet=quiet, **kwargs)
        except (graphviz.ExecutableNotFound, OSError):  # Pyodide: OSError, no subprocesses at all
            svg = vizjs.render_svg(self.source) if (format or self.format) == "svg" else None
            if svg is None:
                raise RendererNotFoundError(_not_found_message()) from None
            return svg if kwargs.get("encoding") else svg.encode("utf-8")

    def render(self, *args, quiet: bool = True, **kwargs):
        try:
            return super().render(*args, quiet=quiet, **kwargs)
        except graphviz.ExecutableNotFound:
            raise RendererNotFoundError(_not_found_message()) from None

    def _repr_mimebundle_(self, include=None, exclude=None, **kwargs):
        # Show the diagram in its own format (draw_graph(format="png") shows a PNG), not in
        # graphviz's global Jupyter format, which is always SVG unless changed.
        if include is None:
            include = ["image/svg+xml" if self.format == "svg" else f"image/{self.format}"]
        # A _repr_ that raises turns into a notebook cell error: show the reason as text instead.
        try:
            return super()._repr_mimebundle_(include, exclude, **kwargs)
        except RendererNotFoundError as error:
            svg = vizjs.render_svg(self.source)
            if svg is not None:
                return {"image/svg+xml": svg}
            return {"text/plain": f"{error}\n{vizjs.unavailable_reason()}\n\n{self.source}"}
        except graphviz.CalledProcessError as error:
            return {"text/plain": f"{error}\n\n{self.source}"}

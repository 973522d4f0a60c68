"""``SvgFigure``: a grid of ``SvgAxes`` that shows itself in Jupyter as SVG and saves as .svg."""

from __future__ import annotations

import os
from typing import Iterator

from microopt.viz.svg.axes import SvgAxes
from microopt.viz.svg.draw import draw_axes, legend_height

PIXELS_PER_INCH = 72  # figure sizes are given in inches, as to matplotlib


class AxesArray:
    """The axes of ``subplots(nrows, ncols)``, indexed as matplotlib's numpy array of them.

    ``axes[i, j]`` (or ``axes[k]`` when there is one row or one column), ``axes.flat``,
    unpacking (``left, right = axes``) and ``axes.shape`` work as on the numpy array.
    """

    def __init__(self, items: list[SvgAxes], shape: tuple[int, ...]) -> None:
        self._items, self.shape = items, shape

    @property
    def flat(self) -> Iterator[SvgAxes]:
        return iter(self._items)

    def ravel(self) -> list[SvgAxes]:
        return list(self._items)

    def __len__(self) -> int:
        return self.shape[0]

    def __iter__(self):
        if len(self.shape) == 1:
            return iter(self._items)
        return iter(self[i] for i in range(self.shape[0]))

    def __getitem__(self, key):
        if len(self.shape) == 1:
            return self._items[key]
        if isinstance(key, tuple):
            i, j = key
            return self._items[i * self.shape[1] + j]
        row = self._items[key * self.shape[1]:(key + 1) * self.shape[1]]
        return AxesArray(row, (self.shape[1],))


class SvgFigure:
    """A figure of ``nrows`` x ``ncols`` ``SvgAxes`` (``figure.axes``, as matplotlib's list).

    Shows itself in Jupyter (``_repr_svg_``); ``savefig("plot.svg")`` writes the file.
    """

    def __init__(self, figsize: tuple[float, float], nrows: int = 1, ncols: int = 1) -> None:
        self.width, self.height = (float(v) * PIXELS_PER_INCH for v in figsize)
        self.nrows, self.ncols = nrows, ncols
        self.axes = [SvgAxes(self) for _ in range(nrows * ncols)]

    def subplots(self, squeeze: bool = True):
        """The axes as ``matplotlib.figure.Figure.subplots`` returns them: one, a row, or a grid."""
        if squeeze and self.nrows == self.ncols == 1:
            return self.axes[0]
        if squeeze and 1 in (self.nrows, self.ncols):
            return AxesArray(self.axes, (len(self.axes),))
        return AxesArray(self.axes, (self.nrows, self.ncols))

    def cell_size(self) -> tuple[float, float]:
        """The width and height in pixels each axes gets (before legends below make rows taller)."""
        return self.width / self.ncols, self.height / self.nrows

    def _repr_svg_(self) -> str:
        return self.to_svg()

    def savefig(self, path, **_ignored) -> None:
        suffix = os.path.splitext(os.fspath(path))[1].lower()
        if suffix != ".svg":
            raise ValueError(f"Cannot save {os.fspath(path)!r}: without matplotlib, plots are SVG only. "
                             "Use a .svg file name, or install matplotlib for PNG and PDF.")
        with open(path, "w", encoding="utf-8") as file:
            file.write(self.to_svg())

    def to_svg(self) -> str:
        """The whole figure as an SVG document.

        A legend below an axes makes its row taller, not the plot smaller.
        """
        width, height = self.cell_size()
        out = []
        top = 0.0
        for row in range(self.nrows):
            cells = self.axes[row * self.ncols:(row + 1) * self.ncols]
            for col, ax in enumerate(cells):
                out += draw_axes(ax, col * width, top, width, height)
            top += height + max(legend_height(ax, width) for ax in cells)
        return "\n".join([f"<svg xmlns='http://www.w3.org/2000/svg' width='{self.width:.0f}' height='{top:.0f}' "
                          f"viewBox='0 0 {self.width:.0f} {top:.0f}'>",
                          "<rect width='100%' height='100%' fill='white'/>", *out, "</svg>"])

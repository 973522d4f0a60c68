"""``SvgFigure``: a grid of ``SvgAxes`` that shows itself in Jupyter as SVG and saves as .svg."""

from __future__ import annotations

import dataclasses
import os
from typing import Iterator

from microopt.viz.svg.axes import ColorScale, SvgAxes
from microopt.viz.svg.draw import draw_axes, legend_height, plot_box, text

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
        self.title = ""  # suptitle

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

    def colorbar(self, mappable: ColorScale, ax: SvgAxes | None = None, label: str = "", **_ignored) -> None:
        """A colorbar right of ``ax`` (the first axes by default) for what ``contourf`` or ``imshow`` returned."""
        if not isinstance(mappable, ColorScale):
            raise ValueError(f"Invalid colorbar mappable: {type(mappable).__name__} (must be what contourf or "
                             "imshow returned). Pass that, e.g. fig.colorbar(ax.contourf(...), ax=ax).")
        (ax or self.axes[0]).colorbar = dataclasses.replace(mappable, label=str(label))

    def suptitle(self, text: str, **_ignored) -> None:
        """A title over the whole figure, above the axes' own titles."""
        self.title = str(text)

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

        A legend below an axes makes its row taller, not the plot smaller. Rows whose titles
        take more room get it from the others, so that every row's plots are the same height
        (as matplotlib's constrained layout makes them).
        """
        width, height = self.cell_size()
        rows = [self.axes[row * self.ncols:(row + 1) * self.ncols] for row in range(self.nrows)]
        above = [max(plot_box(ax, 0.0, 0.0, width, height)[1] for ax in cells) for cells in rows]  # titles' room
        out = []
        top = 0.0
        if self.title:  # the suptitle takes a row of its own above the grid, as matplotlib's
            out.append(text(self.width / 2, 18, self.title, 13, extra="font-weight='bold'"))
            top = 26.0
        for cells, room in zip(rows, above):
            row_height = height + room - sum(above) / self.nrows
            for col, ax in enumerate(cells):
                out += draw_axes(ax, col * width, top, width, row_height)
            top += row_height + max(legend_height(ax, width) for ax in cells)
        return "\n".join([f"<svg xmlns='http://www.w3.org/2000/svg' width='{self.width:.0f}' height='{top:.0f}' "
                          f"viewBox='0 0 {self.width:.0f} {top:.0f}'>",
                          "<rect width='100%' height='100%' fill='white'/>", *out, "</svg>"])

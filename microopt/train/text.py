"""Plain-text tables: the one formatter behind every table microopt prints.

Histories, races, sweeps and lr range tests (``train``), the teaching traces (``teach``) and the
benchmark report (``bench``) all go through ``format_table``, so they follow one set of rules:

- each column is as wide as its widest cell, columns two spaces apart, trailing spaces dropped;
- label columns (the names of the rows, the first ``labels`` of them) are flush left, value
  columns (numbers) flush right, and each header is aligned like its column; with
  ``labels=None`` a column is a label column unless every value in it is a number;
- a rule of dashes under each header (``rule=False`` leaves it out);
- a cell is shown by ``cell``: by default ``format_number`` (four significant digits, ``-`` for a
  missing value); text is shown as it is.
"""

from __future__ import annotations

import math
from typing import Any, Callable, Sequence


def format_number(value: Any) -> str:
    """Four significant digits for floats, ``-`` for a missing value, ``inf``/``nan`` as such."""
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.4g}" if math.isfinite(value) else str(value)
    return str(value)


def format_percent(fraction: float | None) -> str:
    """An accuracy as a percentage with one decimal (``0.8525`` -> ``85.2%``), ``-`` when missing."""
    return "-" if fraction is None else f"{fraction:.1%}"


def format_table(header: Sequence[str], rows: Sequence[Sequence[Any]], *, labels: int | None = 1,
                 rule: bool = True, indent: str = "", cell: Callable[[Any], str] = format_number) -> str:
    """An aligned text table (the rules are in the module docstring).

    >>> print(format_table(["optimizer", "final loss"], [["adam", 0.012345], ["gd", None]]))
    optimizer  final loss
    ---------  ----------
    adam          0.01235
    gd                  -
    """
    cells = [[cell(value) for value in row] for row in rows]
    widths = [max([len(h), *(len(r[i]) for r in cells)]) for i, h in enumerate(header)]
    flush_left = [i < labels if labels is not None else not _numbers(row[i] for row in rows)
                  for i in range(len(header))]

    def line(items: Sequence[str]) -> str:
        padded = (c.ljust(w) if left else c.rjust(w) for c, w, left in zip(items, widths, flush_left))
        return (indent + "  ".join(padded)).rstrip()

    lines = [line(header), *([line(["-" * w for w in widths])] if rule else []), *(line(r) for r in cells)]
    return "\n".join(lines)


def _numbers(values) -> bool:
    """Whether every value that is there (not None) is a number (bools are not)."""
    return all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values if v is not None)

"""Plain-text tables for histories, races and sweeps: what the CLI prints and notebooks show."""

from __future__ import annotations

import math
from typing import Any, Sequence


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


def format_table(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """An aligned text table: the first column left-aligned (names), the others right (numbers)."""
    cells = [[format_number(v) for v in row] for row in rows]
    widths = [max([len(h), *(len(r[i]) for r in cells)]) for i, h in enumerate(header)]

    def line(items: Sequence[str]) -> str:
        cells = (c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(items, widths)))
        return "  ".join(cells).rstrip()

    return "\n".join([line(header), line(["-" * w for w in widths]), *(line(r) for r in cells)])

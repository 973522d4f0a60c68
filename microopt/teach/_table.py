"""Plain-text and HTML tables for the teaching views: one small formatter, used everywhere.

Numbers are shown with 6 significant digits (``format(x, ".6g")``): enough to see that two
quantities agree, short enough to fit a terminal. Programs should read the exact floats
from the objects (``.rows``, ``.to_records()``, ``.contributions``), never parse the text.
"""

from __future__ import annotations

import html
from typing import Sequence

from microopt.train.text import format_table


def fmt(x: object) -> str:
    """A cell: floats with 6 significant digits, bools and ints as they are, None as ''."""
    if x is None:
        return ""
    if isinstance(x, float):
        return format(x, ".6g")
    return str(x)


def text_table(header: Sequence[str], rows: Sequence[Sequence[object]], indent: str = "") -> str:
    """Columns padded to their widest cell, numbers right-aligned, words left-aligned (no rule).

    The one table formatter, ``microopt.train.text.format_table``, with this module's cells.
    """
    return format_table(header, rows, labels=None, rule=False, indent=indent, cell=fmt)


def html_table(header: Sequence[str], rows: Sequence[Sequence[object]], caption: str = "",
               highlight_rows: Sequence[int] = ()) -> str:
    """An HTML <table>; rows whose index is in ``highlight_rows`` get a yellow background."""
    parts = ['<table style="border-collapse: collapse; font-family: monospace">']
    if caption:
        parts.append(f'<caption style="text-align: left">{html.escape(caption)}</caption>')
    parts.append("<tr>" + "".join(
        f'<th style="padding: 2px 8px; text-align: right">{html.escape(h)}</th>' for h in header
    ) + "</tr>")
    for i, row in enumerate(rows):
        style = ' style="background: #fff3b0"' if i in highlight_rows else ""
        parts.append(f"<tr{style}>" + "".join(
            f'<td style="padding: 2px 8px; text-align: right">{html.escape(fmt(c))}</td>' for c in row
        ) + "</tr>")
    parts.append("</table>")
    return "\n".join(parts)


def error_html(what: str, error: BaseException) -> str:
    """What a ``_repr_html_`` shows instead of raising: Jupyter turns a raise into a cell error."""
    return f"<pre>{html.escape(what)} could not be shown: {html.escape(repr(error))}</pre>"

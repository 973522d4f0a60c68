"""Pages that need no kernel: microopt computes every number when the site is built, a small
script (no framework) selects and draws them.

Each module has ``NAME`` (the file name), ``TITLE``, ``SUMMARY`` (for the index) and
``build() -> (data, body)``: the JSON the page carries and its HTML body. Its script is
``assets/<NAME with _ for ->.js``, after the shared ``assets/explorable.js``.
"""

from __future__ import annotations

import pathlib

from microopt.site.explorables import backprop, learning_rate, race, trace
from microopt.site.page import json_script, page

EXPLORABLES = (backprop, learning_rate, race, trace)


def write_explorable(module, out: pathlib.Path, home: str = "index.html") -> pathlib.Path:
    """Build the page of ``module`` into the folder ``out`` (its header links to ``home``); return its path."""
    data, body = module.build()
    script = module.NAME.replace("-", "_") + ".js"
    path = out / f"{module.NAME}.html"
    path.write_text(page(module.TITLE, body + json_script(data), scripts=("explorable.js", script),
                               home=home), encoding="utf-8")
    return path

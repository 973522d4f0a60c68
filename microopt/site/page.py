"""The HTML around every page of the site: head, navigation, the shared style sheet, embedded data.

Every page is one file that opens from ``file://``: its style sheet and scripts are inlined
(``asset``), its numbers travel as JSON inside it (``json_script``), and it names no other
host. Lesson pages add the vendored KaTeX next to them (``microopt.site.katex``).
"""

from __future__ import annotations

import html
import json
import math
from importlib import resources
from typing import Any

TAGLINE = "how neural networks are optimized"


def asset(name: str) -> str:
    """The text of ``microopt/site/assets/<name>`` (a style sheet or a script of the site)."""
    return resources.files("microopt.site").joinpath("assets", name).read_text(encoding="utf-8")


def finite_or_none(value: Any) -> Any:
    """``value`` with every inf and NaN replaced by None, so that it is valid JSON (null)."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {key: finite_or_none(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [finite_or_none(item) for item in value]
    return value


def json_script(data: Any, element_id: str = "data") -> str:
    """``data`` as a ``<script type="application/json">`` block; ``</`` is escaped so the text cannot end it."""
    text = json.dumps(finite_or_none(data), allow_nan=False, ensure_ascii=False, separators=(",", ":"))
    text = text.replace("</", "<\\/")
    return f'<script type="application/json" id="{element_id}">{text}</script>'


def page(title: str, body: str, *, head: str = "", scripts: tuple[str, ...] = (), home: str = "index.html") -> str:
    """A complete HTML page: ``body`` under a header linking back to ``home``, with the site's style inlined.

    ``scripts`` are asset names inlined at the end of the body, in order.
    """
    inline = "\n".join(f"<script>\n{asset(name)}\n</script>" for name in scripts)
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title)} · microopt</title>
<style>
{asset("site.css")}
</style>
{head}
</head>
<body>
<header class="site-header"><a href="{html.escape(home)}">microopt</a> <span>{TAGLINE}</span></header>
<main>
{body}
</main>
{inline}
</body>
</html>
"""

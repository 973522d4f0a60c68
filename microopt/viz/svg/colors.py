"""Colors as matplotlib names them, written as SVG hex: names, gray levels, the color cycle, colormaps."""

from __future__ import annotations

from typing import Any

# matplotlib's "tab10" cycle: the colors a new line or histogram takes, in turn, on each axes
CYCLE = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22",
         "#17becf")
NAMED_COLORS = {
    "black": "#000000", "white": "#ffffff", "gray": "#808080", "grey": "#808080", "red": "#ff0000",
    "green": "#008000", "blue": "#0000ff", "orange": "#ffa500", "purple": "#800080",
    # matplotlib's one-letter colors, as in the format string "k--"
    "b": "#0000ff", "g": "#008000", "r": "#ff0000", "c": "#00bfbf", "m": "#bf00bf", "y": "#bfbf00",
    "k": "#000000", "w": "#ffffff",
    **{f"tab:{name}": hex_ for name, hex_ in zip(("blue", "orange", "green", "red", "purple", "brown", "pink",
                                                   "gray", "olive", "cyan"), CYCLE)},
    **{f"C{i}": hex_ for i, hex_ in enumerate(CYCLE)},
}
# matplotlib's viridis at 0, 0.1, ..., 1, interpolated linearly in between
VIRIDIS = ("#440154", "#482475", "#414487", "#355f8d", "#2a788e", "#21918c", "#22a884", "#44bf70", "#7ad151",
           "#bddf26", "#fde725")
# matplotlib's Greys and Blues (ColorBrewer's sequential maps) and gray at 0, 1/8, ..., 1
GREYS = ("#ffffff", "#f0f0f0", "#d9d9d9", "#bdbdbd", "#959595", "#727272", "#515151", "#242424", "#000000")
BLUES = ("#f7fbff", "#deebf7", "#c6dbef", "#9dcae1", "#6aaed6", "#4191c6", "#2070b4", "#08509b", "#08306b")
GRAY = ("#000000", "#ffffff")
COLORMAPS = {"viridis": VIRIDIS, "Greys": GREYS, "Blues": BLUES, "gray": GRAY, "gray_r": GRAY[::-1]}


def svg_color(color: Any, default: str = CYCLE[0]) -> str:
    """A matplotlib color as SVG: hex as it is, names as hex, "0.45" (a gray level) as hex.

    An RGB(A) tuple of floats in [0, 1] becomes hex too; None gives ``default``.
    """
    if color is None:
        return default
    if isinstance(color, (tuple, list)) and len(color) in (3, 4):
        return "#" + "".join(f"{round(min(max(float(c), 0.0), 1.0) * 255):02x}" for c in color[:3])
    if not isinstance(color, str):
        raise ValueError(f"Invalid color: {color!r} (must be a name such as 'tab:red', a hex string such as "
                         "'#d62728', a gray level such as '0.5' or an RGB tuple). Pass one of those.")
    try:
        level = round(float(color) * 255)
    except ValueError:
        return NAMED_COLORS.get(color, color)
    return f"#{level:02x}{level:02x}{level:02x}"


def interpolate(table: tuple[str, ...], t: float) -> str:
    """The color at ``t`` in [0, 1] of a colormap given by colors at equal steps, as a hex string."""
    t = min(max(t, 0.0), 1.0) * (len(table) - 1)
    i = min(int(t), len(table) - 2)
    a, b = table[i], table[i + 1]
    mix = [round(int(a[k:k + 2], 16) * (1 - (t - i)) + int(b[k:k + 2], 16) * (t - i)) for k in (1, 3, 5)]
    return "#" + "".join(f"{c:02x}" for c in mix)


def viridis(t: float) -> str:
    """The viridis color at ``t`` in [0, 1], as a hex string."""
    return interpolate(VIRIDIS, t)


def colormap_color(name: str, t: float) -> str:
    """The color at ``t`` in [0, 1] of colormap ``name`` (one of ``COLORMAPS``), as a hex string."""
    if name not in COLORMAPS:
        raise ValueError(f"Invalid colormap: {name!r} (must be one of {', '.join(sorted(COLORMAPS))}). "
                         "Pick one of those, or give the colors yourself.")
    return interpolate(COLORMAPS[name], t)

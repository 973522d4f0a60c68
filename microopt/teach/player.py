"""Step through frames in Jupyter: a slider with previous/next buttons, or static HTML.

A "frame" is any HTML snippet: a backward step with its diagram, an optimizer step... The
player asks for frame ``k`` only when it is shown. ipywidgets is imported only here, and
only when a player is built; ``show_frames`` falls back to plain HTML without it.
"""

from __future__ import annotations

from typing import Callable

from microopt._validate import whole_number

MAX_FRAME_CHARACTERS = 10_000_000  # larger frames make the widget's round trip crawl


class Player:
    """A slider over frames 0..n-1, with "previous"/"next" buttons, rendering ``frame(k)``.

    ``.widget`` is the ipywidgets box to display; ``.slider`` and ``.view`` (an HTML widget
    holding the current frame) are exposed so that code and tests can drive it:
    ``player.slider.value = 3`` shows frame 3.
    """

    def __init__(self, n: int, frame: Callable[[int], str], description: str = "frame") -> None:
        try:
            import ipywidgets as widgets
        except ImportError:
            raise ImportError("The slider needs ipywidgets, which is not installed: "
                              "`pip install microopt[notebooks]` (or `pip install ipywidgets`). "
                              "Without it, .show() displays every step as HTML.") from None

        n = whole_number("number of frames", n, minimum=1, advice="A player needs at least one frame.")
        self.frame = frame
        self.slider = widgets.IntSlider(value=0, min=0, max=n - 1, description=description,
                                        continuous_update=False)
        previous = widgets.Button(description="previous", icon="arrow-left")
        following = widgets.Button(description="next", icon="arrow-right")
        previous.on_click(lambda _: self.go(self.slider.value - 1))
        following.on_click(lambda _: self.go(self.slider.value + 1))
        self.view = widgets.HTML(value=self._render(0))
        self.slider.observe(lambda change: self._show(change["new"]), names="value")
        self.widget = widgets.VBox([widgets.HBox([previous, self.slider, following]), self.view])

    def go(self, k: int) -> None:
        """Move to frame ``k``, clamped to the first and last frames."""
        self.slider.value = max(self.slider.min, min(self.slider.max, k))

    def _show(self, k: int) -> None:
        self.view.value = self._render(k)

    def _render(self, k: int) -> str:
        import html

        try:
            shown = self.frame(k)
        except Exception as error:  # a callback that raises would leave a frozen widget
            return f"<pre>frame {k} could not be shown: {html.escape(repr(error))}</pre>"
        if not isinstance(shown, str):
            return (f"<pre>frame {k} could not be shown: the frame function returned "
                    f"{html.escape(repr(shown)[:80])}, not HTML text.</pre>")
        if len(shown) > MAX_FRAME_CHARACTERS:
            return (f"<pre>frame {k} is {len(shown):,} characters of HTML, more than the {MAX_FRAME_CHARACTERS:,} "
                    "a player shows (MAX_FRAME_CHARACTERS): draw a smaller graph.</pre>")
        return shown


def show_frames(n: int, frame: Callable[[int], str], fallback: Callable[[], str],
                description: str = "frame") -> None:
    """Display a ``Player`` in Jupyter, or the static HTML ``fallback()`` without ipywidgets."""
    try:
        from IPython.display import HTML, display
    except ImportError:
        raise RuntimeError(
            "show() displays in Jupyter, and IPython is not installed. Use print() on the object "
            "for a text version, or `pip install ipykernel` to run a notebook."
        ) from None
    try:
        display(Player(n, frame, description).widget)
    except ImportError:
        display(HTML(fallback()))

"""Progress bars (``tqdm.auto``): a widget in Jupyter, text on a terminal, nothing anywhere else.

``fit`` shows one over its steps, the ``microopt`` commands one over the runs of a race or a
sweep. A bar is drawn only where someone watches it: in a notebook, or when stderr is a
terminal. Output piped or redirected to a file (a log, ``| tee``, a CI job) gets no bar, so
it carries no carriage-return noise. ``progress=False`` (``--no-progress``) or the
environment variable ``TQDM_DISABLE=1`` turns the bar off everywhere.

tqdm is imported only when a bar is shown, so the training loop itself needs nothing but
the standard library.
"""

from __future__ import annotations

import os
import sys
import warnings


class ProgressBar:
    """A thin wrapper that does nothing when disabled, so the loop never checks."""

    def __init__(self, total: int, *, initial: int = 0, enabled: bool = True, desc: str = "fit",
                 unit: str = "step", leave: bool = True) -> None:
        self._bar = None
        if not enabled or _disabled_by_environment() or not watched():
            return
        try:
            from tqdm.auto import tqdm
        except ImportError:
            warnings.warn("progress=True needs tqdm (pip install tqdm); training without a progress bar.",
                          stacklevel=3)
            return
        self._bar = tqdm(total=total, initial=initial, desc=desc, unit=unit, leave=leave,
                         dynamic_ncols=True)

    @property
    def shown(self) -> bool:
        return self._bar is not None

    def update(self, label: str | None = None, **postfix: float) -> None:
        """One more step (or run) done; ``label`` and the numbers are shown after the bar."""
        if self._bar is not None:
            if label is not None:
                self._bar.set_postfix_str(label, refresh=False)
            else:
                self._bar.set_postfix({k: f"{v:.4g}" for k, v in postfix.items() if v is not None}, refresh=False)
            self._bar.update(1)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()


def watched() -> bool:
    """True in a Jupyter kernel, or when stderr is a terminal: where a bar is seen, not logged."""
    try:
        if sys.stderr is not None and sys.stderr.isatty():
            return True
    except (AttributeError, ValueError):  # a replaced or closed stream
        pass
    ipython = sys.modules.get("IPython")  # only a running kernel has imported it
    shell = ipython.get_ipython() if ipython is not None and hasattr(ipython, "get_ipython") else None
    return shell is not None and "IPKernelApp" in getattr(shell, "config", {})


def _disabled_by_environment() -> bool:
    # tqdm reads TQDM_DISABLE too, but checking it here also skips importing tqdm at all.
    return os.environ.get("TQDM_DISABLE", "").strip().lower() not in ("", "0", "false", "no")

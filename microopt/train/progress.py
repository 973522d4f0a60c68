"""The progress bar of ``fit``: ``tqdm.auto``, a widget in Jupyter and text in a terminal.

tqdm is imported only when a bar is wanted, so the training loop itself needs nothing but
the standard library. ``progress=False`` or the environment variable ``TQDM_DISABLE=1``
turns the bar off.
"""

from __future__ import annotations

import os
import warnings


class ProgressBar:
    """A thin wrapper that does nothing when disabled, so the loop never checks."""

    def __init__(self, total: int, *, initial: int = 0, enabled: bool = True, desc: str = "fit") -> None:
        self._bar = None
        if not enabled or _disabled_by_environment():
            return
        try:
            from tqdm.auto import tqdm
        except ImportError:
            warnings.warn("progress=True needs tqdm (pip install tqdm); training without a progress bar.",
                          stacklevel=3)
            return
        self._bar = tqdm(total=total, initial=initial, desc=desc, unit="step", dynamic_ncols=True)

    def update(self, **postfix: float) -> None:
        if self._bar is not None:
            self._bar.set_postfix({k: f"{v:.4g}" for k, v in postfix.items() if v is not None}, refresh=False)
            self._bar.update(1)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()


def _disabled_by_environment() -> bool:
    # tqdm reads TQDM_DISABLE too, but checking it here also skips importing tqdm at all.
    return os.environ.get("TQDM_DISABLE", "").strip().lower() not in ("", "0", "false", "no")

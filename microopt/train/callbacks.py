"""Callbacks for ``fit``: functions of the epoch record that may stop training.

A callback is any function ``callback(record) -> bool | None``, called after every epoch
with that epoch's record (``{"epoch", "train_loss", "val_loss", ...}``); returning True stops
training. ``EarlyStopping`` is the one every course needs.
"""

from __future__ import annotations

import math
from typing import Any

from microopt._validate import flag, invalid, real_number, whole_number


class EarlyStopping:
    """Stop when ``monitor`` has not improved by more than ``min_delta`` for ``patience`` epochs.

    Improvement means ``value < best - min_delta`` (every monitored field is a loss). Once the
    validation loss starts rising while the training loss keeps falling, the model is
    overfitting: more epochs only make it worse on new data.

    With ``model=``, the weights of the best epoch are kept, and put back into the model when
    training stops early (``restore_best_weights``, as in Keras); ``restore()`` does it by hand.

    >>> stopper = EarlyStopping(patience=1)
    >>> [stopper({"val_loss": v}) for v in (0.9, 0.5, 0.6, 0.7)]
    [False, False, False, True]
    >>> stopper.best, stopper.best_epoch
    (0.5, 1)
    """

    def __init__(self, monitor: str = "val_loss", patience: int = 5, min_delta: float = 0.0, model: Any = None,
                 restore_best_weights: bool = True) -> None:
        if monitor not in ("val_loss", "train_loss"):
            raise ValueError(invalid("monitor", monitor, "must be 'val_loss' or 'train_loss'",
                                     "EarlyStopping watches a loss; 'val_loss' needs val_data= in fit."))
        self.monitor = monitor
        self.patience = whole_number("patience", patience, minimum=0,
                                     advice="It is how many epochs without improvement to wait.")
        self.min_delta = real_number("min_delta", min_delta, minimum=0.0,
                                     advice="It is how much lower the loss must be to count as better.")
        self.model = model
        self.restore_best_weights = flag("restore_best_weights", restore_best_weights)
        self.best = math.inf
        self.best_epoch: int | None = None
        self.best_weights: dict[str, float] | None = None
        self.bad_epochs = 0
        self.stopped_epoch: int | None = None
        self._epoch = -1  # counts calls, for records without an "epoch" field

    def __call__(self, record: dict) -> bool:
        value = record.get(self.monitor)
        if value is None:
            raise ValueError(
                f"EarlyStopping monitors {self.monitor!r}, but the epoch record has none: pass val_data= "
                "to fit, or use EarlyStopping(monitor='train_loss')."
            )
        self._epoch = record.get("epoch", self._epoch + 1)
        if value < self.best - self.min_delta:
            self.best, self.best_epoch, self.bad_epochs = value, self._epoch, 0
            if self.model is not None:
                self.best_weights = self.model.state_dict()
            return False
        self.bad_epochs += 1
        if self.bad_epochs <= self.patience:
            return False
        self.stopped_epoch = self._epoch
        if self.restore_best_weights:
            self.restore()
        return True

    def restore(self) -> None:
        """Put the weights of the best epoch back into the model (if a model was given)."""
        if self.model is not None and self.best_weights is not None:
            self.model.load_state_dict(self.best_weights)

    def __repr__(self) -> str:
        return (f"EarlyStopping(monitor={self.monitor!r}, patience={self.patience}, best={self.best:.4g} "
                f"at epoch {self.best_epoch})")

"""`History`: what happened during training, one record per step and one per epoch.

A record is a plain dict, so a history turns into rows, columns or JSON without help::

    history.steps            # [{"step": 0, "epoch": 0, "loss": 0.69, "lr": 0.1, ...}, ...]
    history.epochs           # [{"epoch": 0, "train_loss": 0.52, "val_loss": 0.55, ...}, ...]
    history["val_loss"]      # [0.55, 0.41, ...]   (one number per epoch)
    history.column("lr", per="step")

Steps and epochs are counted from 0, as PyTorch's schedulers count ``last_epoch``.
"""

from __future__ import annotations

from typing import Any

from microopt._validate import whole_number
from microopt.train.text import format_number, format_percent, format_table

STEP_KEYS = ("step", "epoch", "loss", "penalty", "lr", "grad_norm", "accuracy")
EPOCH_KEYS = ("epoch", "train_loss", "train_accuracy", "val_loss", "val_accuracy", "lr")


class History:
    """Step and epoch records of one training run, plus the settings needed to resume it.

    Step record: ``step``, ``epoch``, ``loss`` (the data loss of the minibatch, before the
    update), ``penalty`` (the L1/L2 term added to it, 0.0 without one), ``lr`` (the learning
    rate of the first parameter group used for the update), ``grad_norm`` (the L2 norm of
    all gradients, before clipping) and ``accuracy`` (of the minibatch, before the update;
    None for regression).

    Epoch record: ``epoch``, ``train_loss`` and ``train_accuracy`` (means over the epoch's
    minibatches weighted by their size, measured while the model was learning, as Keras
    reports them), ``val_loss`` and ``val_accuracy`` (measured on ``val_data`` after the
    epoch), ``lr`` (used by the epoch's last step). Accuracies are None for regression, the
    validation numbers None without validation data.
    """

    def __init__(self, steps: list[dict] | None = None, epochs: list[dict] | None = None,
                 config: dict | None = None, stop_reason: str | None = None) -> None:
        self.steps: list[dict[str, Any]] = list(steps or [])
        self.epochs: list[dict[str, Any]] = list(epochs or [])
        # How the run was set up (seed, batch_size, ...): fit() checks it before resuming.
        self.config: dict[str, Any] = dict(config or {})
        # Why the last fit() ended early ("callback", ...), None when it ran its course.
        self.stop_reason = stop_reason

    # ----------------------------------------------------------------- columns and rows
    def column(self, name: str, per: str = "epoch") -> list:
        """One field of every epoch record (``per="epoch"``) or step record (``per="step"``)."""
        if per not in ("epoch", "step"):
            raise ValueError(f"per must be 'epoch' or 'step', got {per!r}.")
        records, keys = (self.epochs, EPOCH_KEYS) if per == "epoch" else (self.steps, STEP_KEYS)
        if name not in keys:
            raise KeyError(f"History has no {per} field {name!r}; {per} fields are {', '.join(keys)}.")
        return [record[name] for record in records]

    def __getitem__(self, name: str) -> list:
        """``history["val_loss"]``: an epoch column, or a step column for fields only steps have.

        ``"epoch"`` and ``"lr"`` exist at both levels; they give the epoch column here, and
        ``column(name, per="step")`` gives the step column.
        """
        if name in EPOCH_KEYS:
            return self.column(name, "epoch")
        if name in STEP_KEYS:
            return self.column(name, "step")
        raise KeyError(
            f"History has no field {name!r}; epoch fields are {', '.join(EPOCH_KEYS)}, "
            f"step fields are {', '.join(STEP_KEYS)}."
        )

    def __len__(self) -> int:
        """The number of completed epochs."""
        return len(self.epochs)

    @property
    def num_steps(self) -> int:
        return len(self.steps)

    def last(self, name: str) -> Any:
        """The latest value of a field (``history.last("val_loss")``), None before any record."""
        values = self[name]
        return values[-1] if values else None

    # ----------------------------------------------------------------- text
    def table(self, every: int = 1) -> str:
        """The epoch records as an aligned text table (every ``every``-th epoch, and the last).

        Accuracies are shown in percent, as everywhere microopt prints them.
        """
        every = whole_number("every", every, minimum=1, advice="Pass 1 to show every epoch.")
        columns = [k for k in EPOCH_KEYS if any(r[k] is not None for r in self.epochs)]
        shown = [r for i, r in enumerate(self.epochs) if i % every == 0 or i == len(self.epochs) - 1]
        return format_table(columns, [[format_percent(r[k]) if k.endswith("accuracy") else r[k] for k in columns]
                                      for r in shown])

    def __repr__(self) -> str:
        if not self.epochs:
            return f"History({len(self.steps)} steps, no complete epoch)"
        latest = {k: v for k, v in self.epochs[-1].items() if k != "epoch" and v is not None}
        shown = ", ".join(f"{k}={format_percent(v) if k.endswith('accuracy') else format_number(v)}"
                          for k, v in latest.items())
        return f"History({len(self.epochs)} epochs, {len(self.steps)} steps; last epoch: {shown})"

    # ----------------------------------------------------------------- JSON
    def to_dict(self) -> dict[str, Any]:
        """Plain lists and dicts for ``json.dumps``; ``History.from_dict`` reverses it."""
        return {
            "steps": [dict(r) for r in self.steps],
            "epochs": [dict(r) for r in self.epochs],
            "config": dict(self.config),
            "stop_reason": self.stop_reason,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> History:
        if not isinstance(data, dict):
            raise ValueError(f"A history must be a dict with 'steps' and 'epochs', got {type(data).__name__}.")
        for key, fields in (("steps", STEP_KEYS), ("epochs", EPOCH_KEYS)):
            records = data.get(key)
            if not isinstance(records, list):
                raise ValueError(f"History {key!r} must be a list of records, got {records!r:.80}.")
            for i, record in enumerate(records):
                if not isinstance(record, dict) or set(record) != set(fields):
                    raise ValueError(
                        f"History {key} record {i} must have exactly the fields {', '.join(fields)}, "
                        f"got {record!r:.120}."
                    )
        config = data.get("config", {})
        if not isinstance(config, dict):
            raise ValueError(f"History 'config' must be a dict, got {config!r:.80}.")
        return cls(data["steps"], data["epochs"], config, data.get("stop_reason"))


"""What the plots read from training results: protocols, so that ``viz`` never imports ``train``.

``microopt.train``'s ``History``, ``RaceRun``, ``RaceResult`` and ``SweepResult`` have these
attributes, and anything else that has them (records of your own) plots the same way. The
plots check them with ``isinstance(x, Protocol)``, which looks for the attributes only.

======================  ============================================================
protocol                what is read
======================  ============================================================
``TrainingRecords``     ``steps``: dicts with ``"step"`` and ``"loss"``; ``epochs``: dicts
                        with ``"epoch"``, ``"train_loss"`` and ``"val_loss"`` (or None)
``Run``                 ``losses`` (one per step), ``diverged``; on a 2-D function also
                        ``trajectory``, the points (x, y) visited, the start first
``Race``                ``runs``, a mapping name -> ``Run``; ``function``, the 2-D test
                        function raced on (None for a dataset)
``Sweep``               ``lrs`` and ``losses``, one loss per learning rate (inf: diverged)
======================  ============================================================
"""

from __future__ import annotations

from typing import Any, Mapping, Protocol, Sequence, runtime_checkable


@runtime_checkable
class TrainingRecords(Protocol):
    """A training history (``microopt.train.History``): its step and epoch records."""

    steps: Sequence[Mapping[str, Any]]
    epochs: Sequence[Mapping[str, Any]]


@runtime_checkable
class Run(Protocol):
    """One run of a race (``microopt.train.RaceRun``)."""

    losses: Sequence[float]
    diverged: bool


@runtime_checkable
class Race(Protocol):
    """The runs of a race by name (``microopt.train.RaceResult``), and the function raced on."""

    runs: Mapping[str, Run]
    function: Any


@runtime_checkable
class Sweep(Protocol):
    """A learning-rate sweep (``microopt.train.SweepResult``): the rates and the loss of each."""

    lrs: Sequence[float]
    losses: Sequence[float]

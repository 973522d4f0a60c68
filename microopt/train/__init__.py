"""Training: the loop (``fit``), races between optimizers, learning-rate sweeps, checkpoints.

>>> from microopt.data import make_moons
>>> from microopt.nn import MLP
>>> from microopt.optim import SGD
>>> model = MLP(2, [8, 1])
>>> history = fit(model, SGD(model.parameters(), lr=0.1), make_moons(40), epochs=5, progress=False)
>>> len(history.epochs), len(history.steps)      # full batch: one step per epoch
(5, 5)

Everything here is pure Python; only the progress bar imports tqdm, and only when shown.
"""

from microopt.train.callbacks import EarlyStopping
from microopt.train.checkpoint import CheckpointError, load_checkpoint, read_checkpoint, save_checkpoint
from microopt.train.divergence import DivergenceError
from microopt.train.fit import TrainingInterrupted, fit
from microopt.train.history import History
from microopt.train.lr_find import LRFinderResult, lr_find
from microopt.train.objective import evaluate
from microopt.train.parallel import over_seeds
from microopt.train.presets import PRESETS, preset
from microopt.train.race import RaceResult, RaceRun, race
from microopt.train.sweep import SweepResult, log_space, lr_sweep

__all__ = [
    "fit", "History", "DivergenceError", "evaluate", "EarlyStopping",
    "race", "RaceResult", "RaceRun", "preset", "PRESETS",
    "lr_sweep", "SweepResult", "log_space", "lr_find", "LRFinderResult", "over_seeds",
    "save_checkpoint", "load_checkpoint", "read_checkpoint", "CheckpointError", "TrainingInterrupted",
]

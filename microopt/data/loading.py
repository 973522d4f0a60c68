"""Splitting a dataset and walking through it in minibatches, seeded and deterministic."""

from __future__ import annotations

import math
import operator
import random
from typing import Iterator, Sequence

from microopt._validate import flag, real_number, whole_number


def _check_pair(name: str, X: Sequence, y: Sequence) -> None:
    if len(X) != len(y):
        raise ValueError(
            f"{name}: X has {len(X)} samples but y has {len(y)}; they must have one entry per sample."
        )


def train_test_split(X: Sequence, y: Sequence, test_size: float | int = 0.25, seed: int = 0,
                     shuffle: bool = True) -> tuple[list, list, list, list]:
    """Split ``(X, y)`` into a training set and a held-out test set.

    ``test_size`` is a fraction in (0, 1) (the test set gets ceil(test_size · n) samples, as in
    scikit-learn) or a whole number of samples. The samples are shuffled first with
    ``random.Random(seed)`` unless ``shuffle=False`` (then the test set is the last samples).
    Returns ``X_train, X_test, y_train, y_test``, in scikit-learn's order.

    >>> X_train, X_test, y_train, y_test = train_test_split([[0], [1], [2], [3]], [0, 1, 0, 1])
    >>> len(X_train), len(X_test)
    (3, 1)
    """
    _check_pair("train_test_split", X, y)
    n = len(X)
    n_test = _test_count(test_size, n)
    if not 1 <= n_test <= n - 1:
        raise ValueError(
            f"Invalid test_size: {test_size!r} gives {n_test} test samples out of {n}; both the "
            "training and the test set need at least one sample. Use more data or another test_size."
        )
    order = list(range(n))
    if flag("shuffle", shuffle):
        random.Random(whole_number("seed", seed, advice="Pass an int, e.g. seed=0.")).shuffle(order)
    train, test = order[: n - n_test], order[n - n_test:]
    return [X[i] for i in train], [X[i] for i in test], [y[i] for i in train], [y[i] for i in test]


def _test_count(test_size: object, n: int) -> int:
    """How many samples ``test_size`` asks for: a whole number as is, a fraction of n rounded up."""
    if isinstance(test_size, bool):
        raise ValueError(f"Invalid test_size: {test_size!r} (a fraction in (0, 1) or a number of samples).")
    try:
        return operator.index(test_size)  # ints, numpy ints
    except TypeError:
        pass
    fraction = real_number("test_size", test_size, above=0.0, below=1.0,
                           advice="Pass a fraction such as 0.25, or a whole number of samples.")
    return math.ceil(fraction * n)


class Minibatches:
    """The samples of ``(X, y)`` in batches of ``batch_size``: a small ``DataLoader``.

    Iterate over it once per epoch; each pass yields ``(X_batch, y_batch)`` lists and covers
    every sample once. The last batch is smaller when ``batch_size`` does not divide the
    number of samples (``drop_last=True`` drops it instead). ``len()`` is the number of batches.

    With ``shuffle=True`` every epoch has its own order, and that order depends only on
    ``seed`` and the epoch number: the same seed replays the same run, and ``set_epoch(e)``
    resumes a run at epoch e (for instance after loading a checkpoint).

    >>> batches = Minibatches([[0], [1], [2], [3], [4]], [0, 1, 2, 3, 4], batch_size=2, shuffle=False)
    >>> len(batches), [yb for _, yb in batches]
    (3, [[0, 1], [2, 3], [4]])
    """

    def __init__(self, X: Sequence, y: Sequence, batch_size: int, shuffle: bool = True, seed: int = 0,
                 drop_last: bool = False) -> None:
        _check_pair("minibatches", X, y)
        if len(X) == 0:
            raise ValueError("minibatches: the dataset is empty (X == []); there is nothing to batch.")
        batch_size = whole_number("batch_size", batch_size, minimum=1)
        shuffle, drop_last = flag("shuffle", shuffle), flag("drop_last", drop_last)
        seed = whole_number("seed", seed, advice="Pass an int, e.g. seed=0.")
        if drop_last and batch_size > len(X):
            raise ValueError(
                f"Invalid batch_size: {batch_size!r} with drop_last=True and only {len(X)} samples "
                "would give no batch at all. Use a smaller batch_size or drop_last=False."
            )
        self.X, self.y = list(X), list(y)
        self.batch_size = batch_size
        self.shuffle = shuffle
        self.seed = seed
        self.drop_last = drop_last
        self.epoch = 0  # how many passes have started; picks the shuffle order

    def __len__(self) -> int:
        n = len(self.X)
        return n // self.batch_size if self.drop_last else math.ceil(n / self.batch_size)

    def set_epoch(self, epoch: int) -> None:
        """Make the next pass use the order of epoch ``epoch`` (0 is the first)."""
        self.epoch = whole_number("epoch", epoch, minimum=0)

    def order(self, epoch: int) -> list[int]:
        """The sample indices in the order epoch ``epoch`` visits them."""
        indices = list(range(len(self.X)))
        if self.shuffle:
            # A generator per (seed, epoch): the order of an epoch never depends on how far
            # earlier epochs were iterated.
            random.Random(f"{self.seed}/{epoch}").shuffle(indices)
        return indices

    def __iter__(self) -> Iterator[tuple[list, list]]:
        indices = self.order(self.epoch)
        self.epoch += 1
        for b in range(len(self)):
            batch = indices[b * self.batch_size: (b + 1) * self.batch_size]
            yield [self.X[i] for i in batch], [self.y[i] for i in batch]

    def __repr__(self) -> str:
        return (f"Minibatches({len(self.X)} samples, batch_size={self.batch_size}, "
                f"{len(self)} batches, shuffle={self.shuffle}, seed={self.seed})")


def minibatches(X: Sequence, y: Sequence, batch_size: int, shuffle: bool = True, seed: int = 0,
                drop_last: bool = False) -> Minibatches:
    """A reusable iterable of ``(X_batch, y_batch)``; see ``Minibatches``.

    >>> for X_batch, y_batch in minibatches([[0.0], [1.0], [2.0]], [0, 1, 0], batch_size=2):
    ...     print(len(X_batch))
    2
    1
    """
    return Minibatches(X, y, batch_size, shuffle=shuffle, seed=seed, drop_last=drop_last)

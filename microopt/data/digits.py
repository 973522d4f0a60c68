"""`load_digits`: a real dataset shipped with microopt, the 8x8 handwritten digits.

1,797 images of the digits 0-9 written by 13 people (the test set of UCI's "Optical
Recognition of Handwritten Digits", Alpaydin & Kaynak 1998, as scikit-learn bundles it; CC BY
4.0 / BSD-3, see ``DIGITS_LICENSE.txt`` next to this file). Each image is 8x8 pixels, each
pixel a count 0..16 of "on" pixels in a 4x4 block of the original 32x32 scan.

Unlike the synthetic ``make_*`` sets, nobody chose these points to make a lesson work: the
classes overlap (a sloppy 3 next to an 8), 64 features give a small MLP thousands of weights,
and 1,797 samples are few enough to overfit. Pure Python: ``gzip`` and ``csv`` read the file.
"""

from __future__ import annotations

import csv
import gzip
import random
from functools import lru_cache
from importlib import resources
from typing import Iterable

from microopt._validate import flag, invalid, whole_number

NUM_CLASSES = 10
NUM_FEATURES = 64  # 8 x 8 pixels, row by row
MAX_PIXEL = 16


@lru_cache(maxsize=1)
def _rows() -> tuple[tuple[tuple[int, ...], int], ...]:
    """Every (pixels, digit) of the file, in the file's order (read once per process)."""
    with resources.files("microopt.data").joinpath("digits.csv.gz").open("rb") as raw:
        with gzip.open(raw, "rt", newline="") as text:
            rows = [[int(float(v)) for v in line] for line in csv.reader(text)]
    return tuple((tuple(row[:NUM_FEATURES]), row[NUM_FEATURES]) for row in rows)


def load_digits(classes: Iterable[int] | None = None, n_per_class: int | None = None, *, scale: bool = True,
                shuffle: bool = True, seed: int = 0) -> tuple[list[list[float]], list[int]]:
    """The digits as ``(X, y)``: ``X`` one list of 64 pixels per image, ``y`` its label.

    Args:
        classes: the digits to keep, e.g. ``(3, 8)``; None keeps all ten. The labels are the
            positions in ``classes`` (0..k-1, what ``cross_entropy`` and a k-output MLP expect):
            ``classes=(3, 8)`` labels threes 0 and eights 1. With None, the label is the digit.
        n_per_class: keep this many images of each class (the first ones in the file, so the
            same for every seed), for lessons that must run fast; None keeps them all.
            The smallest class, the eights, has 174.
        scale: pixels divided by 16, into [0, 1] (the default: inputs of order 1 suit a
            freshly initialized network); False gives the counts 0..16 as floats.
        shuffle, seed: shuffle the samples (seeded), so any slice is a fair mix of classes;
            ``shuffle=False`` keeps the file's order.

    >>> X, y = load_digits()
    >>> len(X), len(X[0]), sorted(set(y)) == list(range(10))
    (1797, 64, True)
    >>> X, y = load_digits(classes=(3, 8), n_per_class=5)
    >>> len(X), y.count(0), y.count(1)
    (10, 5, 5)
    """
    chosen = _check_classes(classes)
    rows = _rows()
    if n_per_class is not None:
        smallest = min(sum(1 for _, digit in rows if digit == c) for c in chosen)
        n_per_class = whole_number("n_per_class", n_per_class, minimum=1, maximum=smallest,
                                   advice="Pass None to keep every image of each class.")
    shuffle, scale = flag("shuffle", shuffle), flag("scale", scale)
    label_of = {digit: position for position, digit in enumerate(chosen)}
    kept: list[tuple[tuple[int, ...], int]] = []
    taken = dict.fromkeys(chosen, 0)
    for pixels, digit in rows:
        if digit in label_of and (n_per_class is None or taken[digit] < n_per_class):
            taken[digit] += 1
            kept.append((pixels, digit))
    if shuffle:
        random.Random(seed).shuffle(kept)
    divisor = float(MAX_PIXEL) if scale else 1.0
    X = [[v / divisor for v in pixels] for pixels, _ in kept]
    y = [label_of[digit] if classes is not None else digit for _, digit in kept]
    return X, y


def _check_classes(classes: Iterable[int] | None) -> list[int]:
    if classes is None:
        return list(range(NUM_CLASSES))
    if isinstance(classes, (str, bytes)) or not hasattr(classes, "__iter__"):
        raise ValueError(invalid("classes", classes, "must be a list of digits 0..9",
                                 "For one digit against another, pass e.g. classes=(3, 8)."))
    chosen = [whole_number("class", c, minimum=0, maximum=9, advice="The digits are 0..9.") for c in classes]
    if len(chosen) < 2 or len(set(chosen)) != len(chosen):
        raise ValueError(invalid("classes", classes, "must name at least two different digits",
                                 "A classifier needs two classes or more, each given once."))
    return chosen

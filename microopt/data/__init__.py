"""Data for the examples: synthetic datasets, a train/test split, and minibatches (pure Python)."""

from microopt.data.datasets import (make_blobs, make_circles, make_moons, make_polynomial, make_spirals, polynomial,
                                    to_signed_labels)
from microopt.data.digits import load_digits
from microopt.data.loading import Minibatches, minibatches, train_test_split

__all__ = [
    "make_moons", "make_circles", "make_spirals", "make_blobs", "make_polynomial", "polynomial", "to_signed_labels",
    "train_test_split", "minibatches", "Minibatches", "load_digits",
]

"""load_digits: the shipped file is UCI's digits test set, as scikit-learn bundles it.

Standing alone, the tests check what UCI documents (1,797 images, 64 pixels in 0..16, the class
counts of optdigits.tes) and a few pixels read off the file by hand; with scikit-learn
installed, they compare every number with scikit-learn's own copy and loader.
"""

from __future__ import annotations

import gzip
import hashlib
import importlib.util
import pathlib
from collections import Counter

import pytest

import microopt.data
from microopt.data import load_digits

DATA = pathlib.Path(microopt.data.__file__).parent
# UCI, "Class Labels", number of examples in the testing set (optdigits.tes)
UCI_COUNTS = {0: 178, 1: 182, 2: 177, 3: 183, 4: 181, 5: 182, 6: 181, 7: 179, 8: 174, 9: 180}
SHA256 = "09f66e6debdee2cd2b5ae59e0d6abbb73fc2b0e0185d2e1957e9ebb51e23aa22"  # sklearn 1.9.1's digits.csv.gz


def test_counts_shape_and_range_as_uci_documents_them():
    X, y = load_digits(scale=False)
    assert len(X) == len(y) == 1797
    assert all(len(x) == 64 for x in X)
    assert all(v == int(v) and 0 <= v <= 16 for x in X for v in x)
    assert min(v for x in X for v in x) == 0 and max(v for x in X for v in x) == 16
    assert Counter(y) == UCI_COUNTS
    assert all(type(label) is int for label in y) and all(isinstance(v, float) for v in X[0])


def test_the_first_images_in_file_order():
    X, y = load_digits(scale=False, shuffle=False)
    assert y[:10] == list(range(10))  # the file starts with one of each digit, in order
    # the first row of the file: a zero, whose top row of pixels is 0 0 5 13 9 1 0 0
    assert X[0][:8] == [0.0, 0.0, 5.0, 13.0, 9.0, 1.0, 0.0, 0.0]
    assert X[0][8:16] == [0.0, 0.0, 13.0, 15.0, 10.0, 15.0, 5.0, 0.0]
    assert sum(X[0]) == 294.0


def test_scaled_pixels_are_the_counts_over_16():
    raw, _ = load_digits(scale=False, seed=3)
    scaled, _ = load_digits(seed=3)
    assert all(s == r / 16 for xs, xr in zip(scaled, raw) for s, r in zip(xs, xr))
    assert max(v for x in scaled for v in x) == 1.0


def test_shuffling_is_seeded_and_only_reorders():
    a, b, c = load_digits(seed=0), load_digits(seed=0), load_digits(seed=1)
    assert a == b and a != c
    ordered = load_digits(shuffle=False)
    assert sorted(map(tuple, a[0])) == sorted(map(tuple, ordered[0]))
    assert Counter(a[1][:200]).keys() == set(range(10))  # any slice is a mix of classes


def test_a_subset_of_classes_is_relabelled_0_to_k_minus_1():
    X, y = load_digits(classes=(3, 8))
    assert len(X) == 183 + 174 and Counter(y) == {0: 183, 1: 174}
    all_X, all_y = load_digits(shuffle=False)
    threes = {tuple(x) for x, d in zip(all_X, all_y) if d == 3}
    assert {tuple(x) for x, label in zip(X, y) if label == 0} == threes
    reversed_labels = load_digits(classes=(8, 3))[1]
    assert Counter(reversed_labels) == {0: 174, 1: 183}


def test_n_per_class_keeps_the_first_images_of_each_class():
    X, y = load_digits(n_per_class=20, seed=5)
    assert len(X) == 200 and Counter(y) == dict.fromkeys(range(10), 20)
    first, _ = load_digits(n_per_class=20, shuffle=False)
    other_seed, _ = load_digits(n_per_class=20, seed=6)
    assert sorted(map(tuple, X)) == sorted(map(tuple, first)) == sorted(map(tuple, other_seed))
    assert len(load_digits(classes=(0, 1), n_per_class=174)[0]) == 348


@pytest.mark.parametrize("options, message", [
    ({"classes": (3,)}, "Invalid classes: (3,) (must name at least two different digits)"),
    ({"classes": (3, 3)}, "Invalid classes: (3, 3) (must name at least two different digits)"),
    ({"classes": (3, 10)}, "Invalid class: 10 (must be a whole number from 0 to 9)"),
    ({"classes": "38"}, "Invalid classes: '38' (must be a list of digits 0..9)"),
    ({"classes": 3}, "Invalid classes: 3 (must be a list of digits 0..9)"),
    ({"n_per_class": 0}, "Invalid n_per_class: 0 (must be a whole number from 1 to 174)"),
    ({"n_per_class": 175}, "Invalid n_per_class: 175 (must be a whole number from 1 to 174)"),
    ({"classes": (0, 3), "n_per_class": 179}, "Invalid n_per_class: 179 (must be a whole number from 1 to 178)"),
    ({"scale": 1}, "Invalid scale: 1 (must be True or False)"),
])
def test_bad_options_are_refused(options, message):
    with pytest.raises(ValueError) as error:
        load_digits(**options)
    assert str(error.value).startswith(message)


def test_the_file_and_its_licence_ship_with_the_package():
    pyproject = (DATA.parents[1] / "pyproject.toml").read_text()
    assert '[tool.setuptools.package-data]\n"microopt.data" = ["digits.csv.gz", "DIGITS_LICENSE.txt"]' in pyproject
    assert hashlib.sha256((DATA / "digits.csv.gz").read_bytes()).hexdigest() == SHA256
    assert (DATA / "digits.csv.gz").stat().st_size < 60_000
    licence = (DATA / "DIGITS_LICENSE.txt").read_text()
    assert "https://doi.org/10.24432/C50P49" in licence and "BSD 3-Clause" in licence and "CC BY 4.0" in licence


def test_same_numbers_as_scikit_learns_copy():
    # scikit-learn's file, found without importing scikit-learn (seconds), parsed by numpy as
    # scikit-learn's load_digits does (np.loadtxt), independently of microopt's csv reader
    spec = importlib.util.find_spec("sklearn")
    if spec is None:
        pytest.skip("scikit-learn is not installed; the tests above stand alone")
    np = pytest.importorskip("numpy")
    sklearn_file = pathlib.Path(spec.origin).parent / "datasets" / "data" / "digits.csv.gz"
    with gzip.open(sklearn_file, "rt") as text:
        reference = np.loadtxt(text, delimiter=",")
    X, y = load_digits(scale=False, shuffle=False)
    assert X == reference[:, :64].tolist() and y == reference[:, 64].astype(int).tolist()
    assert (DATA / "digits.csv.gz").read_bytes() == sklearn_file.read_bytes()


def test_docstring_examples():
    import doctest

    import microopt.data.digits

    result = doctest.testmod(microopt.data.digits)
    assert result.attempted > 0 and result.failed == 0

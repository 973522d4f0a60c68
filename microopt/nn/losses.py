"""Loss functions: one number that says how wrong a batch of predictions is.

Every loss takes the model outputs for a batch and the targets, computes one term per
sample, and returns their mean as a single Value (one n-ary ``microopt.sum`` node, then a
division by the batch size), exactly as PyTorch's ``reduction="mean"``. Outputs may be
Values (to backpropagate) or plain floats (to evaluate); targets are plain numbers, or Values.

=================================  ======================  =================  ==================
loss                               per sample ℓ            model output       target
=================================  ======================  =================  ==================
mse_loss                           (p - t)²                a score p          a real number t
hinge_loss                         max(0, 1 - y s)         a score s          y = -1 or +1
binary_cross_entropy_with_logits   log(1 + e^z) - y z      a logit z          y = 0 or 1
cross_entropy                      log Σ_j e^(z_j) - z_c   k logits z_1..z_k  a class c, 0..k-1
=================================  ======================  =================  ==================

``accuracy`` is not a loss (it has no useful gradient) and returns a plain float.
"""

from __future__ import annotations

from numbers import Integral, Real
from typing import Sequence, Union

from microopt.engine.value import Value, sum as value_sum

Scalar = Union[Value, float, int]


# ------------------------------------------------------------------------- validation
def _check_batch(name: str, outputs: Sequence, targets: Sequence, what: str) -> None:
    """Both arguments are non-empty sequences of the same length."""
    for arg, value in ((what, outputs), ("targets", targets)):
        if isinstance(value, (Value, Real, str)) or not hasattr(value, "__len__"):
            raise TypeError(
                f"{name}: {arg} must be a list with one entry per sample, got "
                f"{type(value).__name__}: {value!r}. Wrap a single sample in a list: [{value!r}]."
            )
    if len(outputs) == 0:
        raise ValueError(f"{name}: got an empty batch ({what} == []); pass at least one sample.")
    if len(outputs) != len(targets):
        raise ValueError(
            f"{name}: {len(outputs)} {what} but {len(targets)} targets; "
            "they must have one entry per sample, in the same order."
        )


def _check_scalar(name: str, value: object, where: str) -> Scalar:
    if isinstance(value, Value) or (isinstance(value, Real) and not isinstance(value, bool)):
        return value
    raise TypeError(
        f"{name}: {where} must be a Value or a number, got {type(value).__name__}: {value!r}."
    )


def _target_number(value: object) -> float | None:
    """The number a target stands for, or None when it is not a number."""
    if isinstance(value, Value):
        return value.data
    if isinstance(value, Real) and not isinstance(value, bool):
        return float(value)
    return None


def _mean(terms: list[Value]) -> Value:
    """(1/n) Σ terms, as one n-ary sum node followed by one division."""
    return value_sum(terms) / len(terms)


# ------------------------------------------------------------------------- regression
def mse_loss(predictions: Sequence, targets: Sequence) -> Value:
    """Mean squared error, L = (1/N) Σ (p - t)², as ``torch.nn.functional.mse_loss``.

    ``predictions``: one score per sample (Value or float), or one list of scores per sample
    for a model with several outputs. ``targets``: numbers of the same shape. The mean runs
    over every element (N = samples × outputs), as in PyTorch. dL/dp = 2 (p - t) / N.

    >>> mse_loss([Value(1.0), Value(3.0)], [0.0, 1.0]).data  # (1 + 4) / 2
    2.5
    """
    _check_batch("mse_loss", predictions, targets, "predictions")
    terms = []
    for i, (p, t) in enumerate(zip(predictions, targets)):
        if isinstance(p, (list, tuple)):
            if not isinstance(t, (list, tuple)) or len(t) != len(p):
                raise ValueError(
                    f"mse_loss: prediction {i} has {len(p)} outputs, so target {i} must be a list "
                    f"of {len(p)} numbers, got {t!r}."
                )
            pairs = [(_check_scalar("mse_loss", pj, f"prediction {i}[{j}]"),
                      _check_scalar("mse_loss", tj, f"target {i}[{j}]")) for j, (pj, tj) in enumerate(zip(p, t))]
        else:
            pairs = [(_check_scalar("mse_loss", p, f"prediction {i}"), _check_scalar("mse_loss", t, f"target {i}"))]
        for pj, tj in pairs:
            error = pj - tj if isinstance(pj, Value) else Value(float(pj)) - tj
            terms.append(error * error)
    return _mean(terms)


# ------------------------------------------------------------------------- binary classification
def hinge_loss(scores: Sequence[Scalar], targets: Sequence[int]) -> Value:
    """The SVM hinge loss, L = (1/n) Σ max(0, 1 - y s), with labels y in {-1, +1}.

    ``scores``: one real score s per sample (Value or float); the predicted class is the sign
    of s. ``targets``: -1 or +1 per sample (convert 0/1 labels with
    ``microopt.data.to_signed_labels``). A sample costs nothing once it is on the right
    side with margin y s >= 1; inside the margin the gradient is dL/ds = -y / n.

    >>> hinge_loss([2.0, 0.5, -1.0], [1, 1, 1]).data  # (0 + 0.5 + 2) / 3
    0.8333333333333334
    """
    _check_batch("hinge_loss", scores, targets, "scores")
    terms = []
    for i, (s, y) in enumerate(zip(scores, targets)):
        s = _check_scalar("hinge_loss", s, f"score {i}")
        label = _target_number(y)
        if label not in (-1.0, 1.0):
            raise ValueError(
                f"hinge_loss: targets must be -1 or +1, but target {i} is {y!r}. "
                "Convert 0/1 labels with microopt.data.to_signed_labels(y)."
            )
        margin = s * y if isinstance(s, Value) else Value(float(s)) * y
        terms.append((1.0 - margin).relu())
    return _mean(terms)


def binary_cross_entropy_with_logits(logits: Sequence[Scalar], targets: Sequence[Scalar]) -> Value:
    """Logistic loss on raw scores, as ``torch.nn.functional.binary_cross_entropy_with_logits``.

    With p = sigmoid(z), the per-sample loss -[y log p + (1 - y) log(1 - p)] simplifies to::

        ℓ(z, y) = log(1 + e^z) - z y = max(z, 0) - z y + log(1 + e^-|z|)

    The right-hand form is PyTorch's: e^-|z| <= 1 never overflows, so z = ±1000 gives a finite
    loss. log(1 + e^z) is ``Value.softplus``, which computes exactly that stable form, and its
    local derivative sigmoid(z) makes dℓ/dz = sigmoid(z) - y, also at z = 0.

    ``logits``: one raw score z per sample (Value or float; not a probability).
    ``targets``: 0 or 1 per sample (soft targets in [0, 1] are accepted, as in PyTorch).
    Returns the mean over the batch.

    >>> round(binary_cross_entropy_with_logits([0.0], [1]).data, 6)  # log 2
    0.693147
    """
    name = "binary_cross_entropy_with_logits"
    _check_batch(name, logits, targets, "logits")
    terms = []
    for i, (z, y) in enumerate(zip(logits, targets)):
        z = _check_scalar(name, z, f"logit {i}")
        label = _target_number(y)
        if label is None or not 0.0 <= label <= 1.0:
            raise ValueError(
                f"{name}: targets must be 0 or 1 (or a probability in [0, 1]), but target {i} "
                f"is {y!r}. For -1/+1 labels use hinge_loss, or map them with (y + 1) / 2."
            )
        z = z if isinstance(z, Value) else Value(float(z))
        terms.append(z.softplus() - z * y)
    return _mean(terms)


# ------------------------------------------------------------------------- several classes
def cross_entropy(logits_per_sample: Sequence[Sequence[Scalar]], targets: Sequence[int]) -> Value:
    """Softmax cross-entropy, as ``torch.nn.functional.cross_entropy`` with class-index targets.

    For one sample with logits z_1..z_k and true class c::

        ℓ = -log softmax(z)_c = log Σ_j e^(z_j) - z_c
          = m + log Σ_j e^(z_j - m) - z_c,    m = max_j z_j   (log-sum-exp)

    Subtracting the largest logit m makes every exponent <= 0, so nothing overflows and the sum
    is at least 1, so the log is finite: logits of ±1000 are fine. m is a constant (its data,
    not a Value): it cancels out of ℓ, so it adds nothing to the gradient
    dℓ/dz_j = softmax(z)_j - [j = c].

    ``logits_per_sample``: one list of k logits per sample (e.g. the list an ``MLP(..., [.., k])``
    returns). ``targets``: the class index c in 0..k-1 of each sample. Returns the mean.

    >>> round(cross_entropy([[0.0, 0.0]], [1]).data, 6)  # two equal logits: log 2
    0.693147
    """
    _check_batch("cross_entropy", logits_per_sample, targets, "logit lists")
    k = None
    terms = []
    for i, (z, c) in enumerate(zip(logits_per_sample, targets)):
        if isinstance(z, (Value, Real)) or not hasattr(z, "__len__"):
            raise TypeError(
                f"cross_entropy: sample {i} must be a list of k logits (one per class), got {z!r}. "
                "For one score per sample use binary_cross_entropy_with_logits."
            )
        if k is None:
            k = len(z)
            if k < 2:
                raise ValueError(f"cross_entropy needs at least 2 classes, but sample 0 has {k} logits: {z!r}.")
        elif len(z) != k:
            raise ValueError(f"cross_entropy: sample 0 has {k} logits but sample {i} has {len(z)}: {z!r}.")
        if isinstance(c, bool) or not isinstance(c, Integral) or not 0 <= c < k:
            raise ValueError(
                f"cross_entropy: target {i} must be a class index, a whole number in 0..{k - 1}, "
                f"got {c!r}."
            )
        z = [v if isinstance(v, Value) else Value(float(_check_scalar("cross_entropy", v, f"logit {i}[{j}]")))
             for j, v in enumerate(z)]
        m = max(v.data for v in z)
        log_sum_exp = value_sum([(v - m).exp() for v in z]).log() + m
        terms.append(log_sum_exp - z[int(c)])
    return _mean(terms)


# ------------------------------------------------------------------------- not a loss
def accuracy(predictions_or_scores: Sequence, targets: Sequence[int], threshold: float = 0.0) -> float:
    """The fraction of samples classified correctly, a float in [0, 1].

    Two kinds of model output are understood:

    - one list of logits per sample: the prediction is the index of the largest (argmax;
      the first one on a tie), compared with class-index targets;
    - one score per sample: the prediction is "positive" when score > ``threshold`` (0 for
      logits and hinge scores; use 0.5 for probabilities), compared with 0/1 targets or, when
      any target is -1, with -1/+1 targets.

    >>> accuracy([2.0, -1.0, 0.5], [1, 0, 0])
    0.6666666666666666
    >>> accuracy([[0.1, 2.0], [3.0, 0.0]], [1, 1])
    0.5
    """
    _check_batch("accuracy", predictions_or_scores, targets, "predictions")
    labels = [_target_number(t) for t in targets]
    if any(label is None for label in labels):
        bad = next(t for t, label in zip(targets, labels) if label is None)
        raise TypeError(f"accuracy: targets must be numbers, got {bad!r}.")
    first = predictions_or_scores[0]
    if isinstance(first, (list, tuple)):
        scores = [[_data(v) for v in row] for row in predictions_or_scores]
        predicted = [max(range(len(row)), key=row.__getitem__) for row in scores]
    else:
        positive, negative = (1.0, -1.0) if -1.0 in labels else (1.0, 0.0)
        if any(label not in (positive, negative) for label in labels):
            raise ValueError(
                f"accuracy: with one score per sample the targets must be 0/1 or -1/+1, got "
                f"{sorted(set(labels))}. For several classes pass one list of logits per sample."
            )
        predicted = [positive if _data(s) > threshold else negative for s in predictions_or_scores]
    return sum(p == label for p, label in zip(predicted, labels)) / len(labels)


def _data(value: object) -> float:
    number = _target_number(value)
    if number is None:
        raise TypeError(f"accuracy: predictions must be Values or numbers, got {value!r}.")
    return number

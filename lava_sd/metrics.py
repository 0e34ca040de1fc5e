"""Classification metrics in plain numpy: confusion matrix and macro-F1."""

from __future__ import annotations

import numpy as np

from lava_sd.checks import ParameterError
from lava_sd.data._args import positive_int


def confusion_matrix(y_true: np.ndarray, y_pred: np.ndarray, n_classes: int) -> np.ndarray:
    """Counts of (true, predicted) label pairs.

    Args:
        y_true: integer labels ``(N,)`` in ``[0, n_classes)``.
        y_pred: integer predictions ``(N,)`` in ``[0, n_classes)``.
        n_classes: number of classes, >= 1.

    Returns:
        int64 ``(n_classes, n_classes)``; entry ``[i, j]`` counts samples of class ``i``
        predicted as ``j`` (rows true, columns predicted, as scikit-learn).

    Raises:
        ParameterError: for non-integer or mismatched inputs, or labels out of range.
    """
    true, pred, n_classes = _labels("confusion_matrix", y_true, y_pred, n_classes)
    counts = np.bincount(true * n_classes + pred, minlength=n_classes * n_classes)
    return counts.reshape(n_classes, n_classes).astype(np.int64)


def macro_f1(y_true: np.ndarray, y_pred: np.ndarray, n_classes: int) -> float:
    """Unweighted mean of the per-class F1 scores.

    Per class ``k``: ``F1 = 2 TP / (2 TP + FP + FN)``. The mean runs over the classes that occur
    in ``y_true`` or ``y_pred`` (a class occurring in only one of them scores 0); a class in
    neither (e.g. a subset of the test set without it) is left out instead of counting as 0 or
    1. This equals scikit-learn's ``f1_score(y_true, y_pred, average="macro")``.

    Args:
        y_true: integer labels ``(N,)`` in ``[0, n_classes)``.
        y_pred: integer predictions ``(N,)`` in ``[0, n_classes)``.
        n_classes: number of classes, >= 1.

    Returns:
        The macro-averaged F1 in ``[0, 1]`` as a Python float.

    Raises:
        ParameterError: for non-integer or mismatched inputs, or labels out of range.
    """
    cm = confusion_matrix(y_true, y_pred, n_classes).astype(np.float64)
    tp = np.diag(cm)
    support, predicted = cm.sum(axis=1), cm.sum(axis=0)
    present = (support + predicted) > 0
    f1 = 2 * tp[present] / (support[present] + predicted[present])
    return float(f1.mean())


def _labels(
    owner: str, y_true: object, y_pred: object, n_classes: object
) -> tuple[np.ndarray, np.ndarray, int]:
    """Check two label vectors against ``n_classes``; return them as int64 and ``n_classes``."""
    n_classes = positive_int(owner, "n_classes", n_classes)
    arrays = []
    for name, value in (("y_true", y_true), ("y_pred", y_pred)):
        arr = np.asarray(value)
        if arr.size == 0:
            raise ParameterError(f"{owner}: '{name}' is empty; it must be non-empty class indices.")
        if arr.ndim != 1 or arr.dtype.kind not in "iu":
            raise ParameterError(
                f"{owner}: '{name}' must be a 1-D integer array of class indices, got shape "
                f"{arr.shape} and dtype {arr.dtype}; use e.g. scores.argmax(axis=1)."
            )
        if arr.min() < 0 or arr.max() >= n_classes:
            raise ParameterError(
                f"{owner}: '{name}' has labels in [{arr.min()}, {arr.max()}], outside "
                f"[0, {n_classes}) for n_classes={n_classes}."
            )
        arrays.append(arr.astype(np.int64))
    if arrays[0].shape != arrays[1].shape:
        raise ParameterError(
            f"{owner}: 'y_true' and 'y_pred' must be of equal length, got "
            f"{arrays[0].size} and {arrays[1].size}."
        )
    return arrays[0], arrays[1], n_classes

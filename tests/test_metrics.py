"""Classification metrics: by hand, against scikit-learn, and bad input."""

from __future__ import annotations

import numpy as np
import pytest

from lava_sd.checks import ParameterError
from lava_sd.metrics import confusion_matrix, macro_f1


def test_confusion_and_macro_f1_by_hand():
    y_true = np.array([0, 0, 1, 1, 2, 2])
    y_pred = np.array([0, 1, 1, 1, 2, 0])
    cm = confusion_matrix(y_true, y_pred, 3)
    assert cm.dtype == np.int64
    assert cm.tolist() == [[1, 1, 0], [0, 2, 0], [1, 0, 1]]
    # F1: class 0 = 2*1/(2+1+1) = 0.5, class 1 = 2*2/(4+1+0) = 0.8, class 2 = 2*1/(2+0+1) = 2/3
    assert macro_f1(y_true, y_pred, 3) == pytest.approx((0.5 + 0.8 + 2 / 3) / 3)
    assert macro_f1(y_true, y_true, 3) == 1.0
    # class 3 occurs in neither vector: left out, not counted as 0
    assert macro_f1(y_true, y_pred, 4) == pytest.approx((0.5 + 0.8 + 2 / 3) / 3)
    # a class only predicted counts as 0
    assert macro_f1(np.array([0, 0]), np.array([0, 1]), 2) == pytest.approx((2 / 3 + 0) / 2)
    assert isinstance(macro_f1(y_true, y_pred, 3), float)


def test_macro_f1_matches_scikit_learn(rng):
    from sklearn import metrics  # a dev dependency: missing, the test must fail, not skip

    y_true = rng.integers(0, 7, size=300)
    y_pred = np.where(rng.random(300) < 0.6, y_true, rng.integers(0, 7, size=300))
    assert macro_f1(y_true, y_pred, 7) == pytest.approx(
        metrics.f1_score(y_true, y_pred, average="macro")
    )
    np.testing.assert_array_equal(
        confusion_matrix(y_true, y_pred, 7),
        metrics.confusion_matrix(y_true, y_pred, labels=range(7)),
    )


@pytest.mark.parametrize(
    ("y_true", "y_pred", "n_classes", "match"),
    [
        ([0, 1], [0.0, 1.0], 2, "integer"),
        ([0, 1], [0, 2], 2, "outside"),
        ([0, -1], [0, 1], 2, "outside"),
        ([0, 1], [0], 2, "equal length"),
        ([], [], 2, "non-empty"),
        ([0, 1], [0, 1], 0, "n_classes"),
    ],
)
def test_metrics_reject_bad_input(y_true, y_pred, n_classes, match):
    for metric in (macro_f1, confusion_matrix):
        with pytest.raises(ParameterError, match=match):
            metric(np.asarray(y_true), np.asarray(y_pred), n_classes)

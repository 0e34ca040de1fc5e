"""The HAR benchmark's classical baseline: a scikit-learn random forest on window statistics."""

from __future__ import annotations

import importlib
import time
from typing import Any

import numpy as np

from lava_sd.checks import ParameterError
from lava_sd.data._args import positive_int
from lava_sd.data.har_watch import HarSplits, window_statistics
from lava_sd.metrics import confusion_matrix, macro_f1


def random_forest_baseline(
    splits: HarSplits, *, seed: int = 0, n_estimators: int = 200
) -> dict[str, Any]:
    """Train a scikit-learn random forest on :func:`window_statistics` and score it on the test set.

    ``RandomForestClassifier(n_estimators, random_state=seed, n_jobs=1)`` with scikit-learn's
    other defaults, fitted on the statistics of ``splits.x_train`` and evaluated on those of
    ``splits.x_test``. scikit-learn is imported only here (``lava_sd.data`` itself needs numpy
    and scipy only).

    Args:
        splits: windows from :func:`load_watch_windows` (or a subset made with
            :func:`dataclasses.replace`).
        seed: non-negative integer ``random_state`` of the forest.
        n_estimators: number of trees, >= 1.

    Returns:
        ``{"acc", "macro_f1", "confusion" (list of lists, rows true, columns predicted),
        "seconds_fit", "seconds_predict", "n_features", "n_estimators", "seed", "n_train",
        "n_test"}``, plain Python numbers (JSON-serializable).

    Raises:
        ParameterError: for a bad ``splits``, ``seed`` or ``n_estimators``.
        ModuleNotFoundError: if scikit-learn is not installed (the message says how to install).
    """
    owner = "random_forest_baseline"
    if not isinstance(splits, HarSplits):
        raise ParameterError(
            f"{owner}: 'splits' must be a HarSplits from load_watch_windows(), got "
            f"{type(splits).__name__}."
        )
    seed = positive_int(owner, "seed", seed, minimum=0)
    n_estimators = positive_int(owner, "n_estimators", n_estimators)
    try:
        # import_module rather than an import statement: lava_sd.data's modules state (and a test
        # checks) that they have no scikit-learn import; this optional one happens only here.
        ensemble = importlib.import_module("sklearn.ensemble")
    except ModuleNotFoundError as exc:
        raise ModuleNotFoundError(
            f"{owner} needs scikit-learn, which is not installed: `pip install "
            "'scikit-learn>=1.3'` (it is in the project's dev extra: `pip install -e '.[dev]'`)."
        ) from exc
    features_train = window_statistics(splits.x_train)
    features_test = window_statistics(splits.x_test)
    n_classes = len(splits.class_names)
    forest = ensemble.RandomForestClassifier(n_estimators=n_estimators, random_state=seed, n_jobs=1)
    started = time.perf_counter()
    forest.fit(features_train, splits.y_train)
    seconds_fit = time.perf_counter() - started
    started = time.perf_counter()
    predicted = np.asarray(forest.predict(features_test), dtype=np.int64)
    seconds_predict = time.perf_counter() - started
    return {
        "acc": float(np.mean(predicted == splits.y_test)),
        "macro_f1": macro_f1(splits.y_test, predicted, n_classes),
        "confusion": confusion_matrix(splits.y_test, predicted, n_classes).tolist(),
        "seconds_fit": seconds_fit,
        "seconds_predict": seconds_predict,
        "n_features": int(features_train.shape[1]),
        "n_estimators": n_estimators,
        "seed": seed,
        "n_train": len(splits.y_train),
        "n_test": len(splits.y_test),
    }

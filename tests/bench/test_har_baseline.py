"""The HAR benchmark's random-forest baseline."""

from __future__ import annotations

import dataclasses
import json

import numpy as np
import pytest

from lava_sd.bench.har_baseline import random_forest_baseline
from lava_sd.checks import ParameterError
from lava_sd.data import load_watch_windows


@pytest.fixture(scope="module")
def splits():
    return load_watch_windows()


def test_random_forest_baseline_beats_chance(splits):
    small = dataclasses.replace(
        splits,
        x_train=splits.x_train[::3],
        y_train=splits.y_train[::3],
        subject_train=splits.subject_train[::3],
        x_test=splits.x_test[::2],
        y_test=splits.y_test[::2],
        subject_test=splits.subject_test[::2],
    )
    result = random_forest_baseline(small, seed=0, n_estimators=10)
    assert json.loads(json.dumps(result)) == result  # plain Python values
    assert result["n_features"] == 30 and result["n_estimators"] == 10
    assert result["n_train"] == len(small.y_train) and result["n_test"] == len(small.y_test)
    cm = np.array(result["confusion"])
    assert cm.shape == (7, 7) and cm.sum() == len(small.y_test)
    assert result["acc"] == pytest.approx(np.trace(cm) / cm.sum())
    assert result["acc"] > 0.4 and result["macro_f1"] > 0.4  # chance is 1/7
    assert result["seconds_fit"] > 0 and result["seconds_predict"] > 0
    again = random_forest_baseline(small, seed=0, n_estimators=10)
    assert again["confusion"] == result["confusion"]  # seeded


def test_random_forest_baseline_rejects_bad_arguments(splits):
    with pytest.raises(ParameterError, match="HarSplits"):
        random_forest_baseline({"x_train": splits.x_train})
    with pytest.raises(ParameterError, match="n_estimators"):
        random_forest_baseline(splits, n_estimators=0)
    with pytest.raises(ParameterError, match="seed"):
        random_forest_baseline(splits, seed=-1)

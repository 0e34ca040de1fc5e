"""HAR subject folds: a one-fold, one-epoch smoke run that exercises training, Lava, the JSON."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from lava_sd.bench import har_cv, har_watch


def test_one_fold_smoke_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(har_cv, "FOLDS", ((9, 10),))
    monkeypatch.setitem(har_watch.AUGMENT, "copies", 1)
    out = tmp_path / "cv.json"
    har_cv.main(["--n-test", "30", "--out", str(out), "--epochs", "1", "--finetune-epochs", "0"])
    report = json.loads(out.read_text())
    (fold,) = report["folds"]
    assert fold["test_subjects"] == [9, 10] and fold["n_test"] == 30
    assert fold["n_train_windows"] == 2 * 3675  # the windows of subjects 1-8 and one copy
    for key in ("acc_torch", "acc_lava_fixed", "acc_random_forest", "acc_random_forest_augmented"):
        assert 0 <= fold[key] <= 1
        assert report["summary"][key]["std"] == 0.0

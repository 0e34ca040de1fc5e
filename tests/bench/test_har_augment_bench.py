"""HAR augmentation choice: a one-epoch smoke run of the validation benchmark (subject 8)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from lava_sd.bench import har_augment, har_watch


def test_validation_smoke_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(har_watch.AUGMENT, "copies", 1)
    out = tmp_path / "augment.json"
    har_augment.main(["--out", str(out), "--epochs", "1", "--finetune-epochs", "0"])
    report = json.loads(out.read_text())
    assert (
        "subjects 1-7" in report["dataset"] and "test 482 windows (subjects 8)" in report["dataset"]
    )
    rows = report["candidates"]
    assert set(rows) == {"none", "rotate_gain"} and report["chosen"] in rows
    assert rows["none"]["augment"] is None and rows["rotate_gain"]["augment"]["copies"] == 1
    assert rows["rotate_gain"]["n_train_windows"] == 2 * rows["none"]["n_train_windows"]
    for row in rows.values():
        assert 0 <= row["acc_lava_fixed"] <= 1 and 0 <= row["acc_torch"] <= 1

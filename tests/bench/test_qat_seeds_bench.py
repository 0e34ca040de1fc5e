"""``lava-sd bench qat-seeds``: a smoke run on generated data (one model, two seeds, one epoch):
per seed the float and QAT figures, their mean and spread, and seed 0's QAT network is
``lava-sd bench qat``'s checkpoint."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from test_qat_bench import toy_data

from lava_sd import load
from lava_sd.bench import qat, qat_seeds


def test_smoke_run_two_seeds(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(qat.DATA, "audio_digits", toy_data)
    monkeypatch.setitem(qat.DEFAULT_HIDDEN, "audio_digits", (8,))
    checkpoints, out = tmp_path / "ckpt", tmp_path / "seeds.json"
    argv = ["--models", "lif", "--seeds", "0", "1", "--train-missing", "--epochs", "1",
            "--checkpoints", str(checkpoints), "--out", str(out)]  # fmt: skip
    report = qat_seeds.main(argv)
    assert json.loads(out.read_text()) == report
    entry = report["models"]["lif"]
    assert sorted(entry["seeds"]) == ["0", "1"]
    accs = [s["qat_acc_lava_fixed"] for s in entry["seeds"].values()]
    assert entry["summary"]["qat_acc_lava_fixed"]["mean"] == pytest.approx(np.mean(accs))
    assert entry["summary"]["qat_acc_lava_fixed"]["std"] == pytest.approx(np.std(accs, ddof=1))
    assert (checkpoints / "audio_digits_lif_w4.npz").is_file()  # seed 0: qat's own checkpoint
    assert load(checkpoints / "seeds" / "audio_digits_lif_w4_s1.npz").weight_bits == 4
    assert "weight_bits" not in load(checkpoints / "seeds" / "audio_digits_lif_float_s1.npz").config
    with pytest.raises(SystemExit, match="--train-missing"):
        qat_seeds.main(["--models", "lif", "--seeds", "2", "--checkpoints", str(checkpoints)])

"""``lava-sd bench seeds``: smoke runs on generated data (one model, two seeds, one epoch) for
both options: per seed both networks' figures, their mean and spread, seed 0's compared
network taken from ``lava-sd bench qat`` / ``activity``, and clear errors."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from test_qat_bench import toy_data

from lava_sd import load
from lava_sd.bench import qat, seeds


@pytest.fixture
def toy_benchmark(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(qat.DATA, "audio_digits", toy_data)
    monkeypatch.setitem(qat.DEFAULT_HIDDEN, "audio_digits", (8,))


@pytest.mark.usefixtures("toy_benchmark")
@pytest.mark.parametrize(
    ("option", "seed0", "reference"),
    [("weight_bits=4", "audio_digits_lif_w4.npz", "float"),
     ("activity_penalty=0.5", "activity_audio_digits_lif_test_p0.5.npz", "plain")],
)  # fmt: skip
def test_smoke_run_two_seeds(tmp_path: Path, option: str, seed0: str, reference: str) -> None:
    checkpoints, out = tmp_path / "ckpt", tmp_path / "seeds.json"
    argv = ["--option", option, "--models", "lif", "--seeds", "0", "1", "--train-missing",
            "--epochs", "1", "--checkpoints", str(checkpoints), "--out", str(out)]  # fmt: skip
    report = seeds.main(argv)
    assert json.loads(out.read_text()) == report and report["reference"] == reference
    entry = report["models"]["lif"]
    assert sorted(entry["seeds"]) == ["0", "1"]
    accs = [s["compared_acc_lava_fixed"] for s in entry["seeds"].values()]
    spread = entry["summary"]["compared_acc_lava_fixed"]
    assert spread["mean"] == pytest.approx(np.mean(accs))
    assert spread["std"] == pytest.approx(np.std(accs, ddof=1))
    for s in entry["seeds"].values():
        assert s["compared_lava_fixed_minus_reference_torch"] == pytest.approx(
            s["compared_acc_lava_fixed"] - s["reference_acc_torch"]
        )
    assert (checkpoints / seed0).is_file()  # seed 0: the other bench's checkpoint
    compared = load(next((checkpoints / "seeds").glob("audio_digits_lif_[wp]*_s1.npz")))
    plain = load(checkpoints / "seeds" / f"audio_digits_lif_{reference}_s1.npz")
    if option.startswith("weight_bits"):
        assert compared.weight_bits == 4 and "weight_bits" not in plain.config
    else:
        assert compared.training_info["recipe"]["activity_penalty"] == 0.5
        assert "activity_penalty" not in plain.training_info["recipe"]


@pytest.mark.usefixtures("toy_benchmark")
def test_errors(tmp_path: Path) -> None:
    with pytest.raises(SystemExit, match="--train-missing"):
        seeds.main(["--models", "lif", "--seeds", "2", "--checkpoints", str(tmp_path)])
    for bad in ("weight_bits=x", "dropout=0.1", "activity_penalty=-1"):
        with pytest.raises(SystemExit):
            seeds.main(["--option", bad])

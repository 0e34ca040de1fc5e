"""``lava-sd bench qat``: a smoke run on generated data (two models, two widths, one epoch),
the rows come from the registry, and the float references are the shipped float checkpoints."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import torch
from toy_data import tones

from lava_sd import REGISTRY, load
from lava_sd.bench import qat
from lava_sd.bench.common import WEIGHTS_DIR
from lava_sd.data import encode_labels


def toy_data() -> qat.Data:
    """Tones: 60 training and 24 test samples of three classes."""
    x, labels = tones(np.random.default_rng(0), 84)
    x = ((x - 5) / 3).astype(np.float32)
    y = encode_labels(labels)[0]
    lengths = np.full(len(y), x.shape[-1])
    train = tuple(torch.from_numpy(a[:60]) for a in (x, lengths, y))
    return qat.Data(train, (x[60:], lengths[60:], y[60:]), ["0", "1", "2"], None, "tones")


def test_smoke_run_trains_and_tables_two_models(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(qat.DATA, "audio_digits", toy_data)
    monkeypatch.setitem(qat.DEFAULT_HIDDEN, "audio_digits", (8,))
    checkpoints = tmp_path / "ckpt"
    argv = ["--benchmarks", "audio_digits", "--models", "lif", "lprnn", "--bits", "4", "3",
            "--train-missing", "--epochs", "1", "--checkpoints", str(checkpoints),
            "--weights-dir", str(tmp_path), "--out-dir", str(tmp_path)]  # fmt: skip
    report = qat.main(argv)["audio_digits"]
    written = json.loads((tmp_path / "qat_audio_digits.json").read_text())
    assert written == json.loads(json.dumps(report, default=float))
    assert (tmp_path / "qat_audio_digits.png").stat().st_size > 10_000
    assert list(report["models"]) == ["lprnn", "lif"]  # registry order
    for name, entry in report["models"].items():
        assert set(entry["qat"]) == set(entry["float"]["ptq"]) == {"4", "3"}
        assert entry["float"]["weights_file"].endswith(f"audio_digits_{name}_float.npz")
        for bits, row in entry["qat"].items():
            assert 0 <= row["acc_lava_fixed"] <= 1 and row["synops_per_sample"] >= 0
            assert load(row["weights_file"]).weight_bits == int(bits)
    assert load(checkpoints / "audio_digits_lprnn_float.npz").config["frac_bits"] is None
    stamps = {p: p.stat().st_mtime_ns for p in checkpoints.glob("*.npz")}
    qat.main([*argv[:-6], "--no-eval", "--checkpoints", str(checkpoints)])  # nothing missing
    assert {p: p.stat().st_mtime_ns for p in checkpoints.glob("*.npz")} == stamps


def test_every_registered_model_is_a_row_with_a_float_reference() -> None:
    for benchmark in qat.BENCHMARKS:
        rows = qat.qat_rows(benchmark)
        assert [row.spec.name for row in rows] == list(REGISTRY)
        shipped = {row.spec.name for row in rows if row.shipped(WEIGHTS_DIR) is not None}
        # the shipped lpRNNs are 3-bit networks: their float reference is trained by the bench
        assert shipped == {"alif", "spiking_lstm", "egru", "l2mu"}
        for row in rows:
            settings = row.fit_settings()
            assert settings == ({"preset": benchmark} if row.spec.name in shipped | {"lprnn"}
                                else {"hidden": qat.DEFAULT_HIDDEN[benchmark]})  # fmt: skip


def test_first_keeps_the_first_test_samples_only() -> None:
    """``--n-test N`` of the qat, activity and seeds benches: ``Data.first``."""
    data = toy_data()
    short = data.first(5)
    assert [len(a) for a in short.test] == [5, 5, 5] and short.train is data.train
    for full, cut in zip(data.test, short.test, strict=True):
        np.testing.assert_array_equal(cut, full[:5])
    assert data.first(None) is data

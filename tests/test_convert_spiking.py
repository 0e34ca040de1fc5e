"""convert_spiking: a trained-shape SpikingClassifier runs in Lava float exactly as in torch, and
in Lava fixed point close to it; checkpoints round-trip; bad input fails clearly."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch

from lava_sd import ParameterError
from lava_sd.convert_spiking import convert_spiking, quantize_matrix
from lava_sd.torch.checkpoint import load_classifiers, save_classifiers
from lava_sd.torch.spiking_classifier import SpikingClassifier


@pytest.mark.parametrize("kind", ["alif", "spiking_lstm", "egru"])
def test_lava_float_equals_torch_and_fixed_is_close(rng: np.random.Generator, kind: str) -> None:
    seed = int(rng.integers(100))
    model = SpikingClassifier(kind, 5, (12, 8), 3, frame_steps=3, thr=0.1, seed=seed)
    model = model.double()
    x = rng.normal(0, 1.0, (6, 5, 20))
    lengths = rng.integers(8, 21, 6)
    with torch.no_grad():
        logits = model(torch.from_numpy(x), torch.from_numpy(lengths)).numpy()
        spikes = [s.sum() for s in model.spikes(torch.from_numpy(x))]
    net = convert_spiking(model)
    out_f = net.run(x, lengths, backend="float")
    out_x = net.run(x, lengths, backend="fixed")
    assert all(s > 0 for s in spikes), "every layer must spike"
    np.testing.assert_allclose(out_f.logits, logits, rtol=1e-6, atol=1e-9)
    assert out_x.overflow_steps == 0
    # Fixed point (8-bit weights, rounded decays) changes spike times, not the picture: the
    # logits stay correlated and spike counts within 25 %.
    assert np.corrcoef(out_x.logits.ravel(), logits.ravel())[0, 1] > 0.8
    for a, b in zip(out_x.spikes, out_f.spikes, strict=True):
        assert abs(a.sum() - b.sum()) <= 0.25 * b.sum()
    assert net.synops(out_x.spikes).shape == (6,) and np.all(net.dense_macs(lengths) > 0)


def test_quantize_matrix_uses_even_8_bit_mantissas(rng: np.random.Generator) -> None:
    w = rng.normal(0, 0.3, (7, 9))
    mant, exp = quantize_matrix(w, 1024.0)
    assert np.all(mant % 2 == 0) and np.abs(mant).max() <= 254 and np.abs(mant).max() > 127
    np.testing.assert_allclose(mant * 2.0**exp / 1024, w, atol=2.0**exp / 1024)


def test_checkpoint_round_trip(tmp_path: Path) -> None:
    model = SpikingClassifier("spiking_lstm", 4, (6,), 2, seed=3)
    save_classifiers(tmp_path / "m.npz", {"net": model}, {"seed": 3})
    loaded, meta = load_classifiers(tmp_path / "m.npz")
    assert meta == {"seed": 3} and loaded["net"].config == model.config
    for a, b in zip(model.state_dict().values(), loaded["net"].state_dict().values(), strict=True):
        torch.testing.assert_close(a, b)


def test_bad_input() -> None:
    with pytest.raises(ValueError, match="kind"):
        SpikingClassifier("gru", 4, (6,), 2)
    net = convert_spiking(SpikingClassifier("alif", 4, (6,), 2))
    with pytest.raises(ParameterError, match="trained on 4 features"):
        net.run(np.zeros((2, 5, 10)), np.array([10, 10]))
    with pytest.raises(ParameterError, match="lengths"):
        net.run(np.zeros((2, 4, 10)), np.array([10, 11]))
    with pytest.raises(ParameterError, match="NaN"):
        net.run(np.full((1, 4, 10), np.nan), np.array([10]))

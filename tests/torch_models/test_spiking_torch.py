"""Torch ALIF, spiking LSTM and EGRU modules: gradients reach every trained parameter, the paper's
parameter ranges are enforced, bad input fails clearly."""

from __future__ import annotations

import pytest
import torch

from lava_sd.config.spiking_lstm import SpikingLSTMConfig
from lava_sd.torch.alif import ALIFCell, ALIFLayer
from lava_sd.torch.egru import EGRULayer
from lava_sd.torch.spiking_classifier import SpikingClassifier
from lava_sd.torch.spiking_lstm import SpikingLSTMLayer


@pytest.mark.parametrize("kind", ["alif", "spiking_lstm", "egru"])
def test_gradients_reach_every_parameter(kind: str) -> None:
    torch.manual_seed(0)
    model = SpikingClassifier(kind, 3, (8,), 2, frame_steps=2, thr=0.2)
    x = torch.randn(4, 3, 10)
    loss = model(x, torch.tensor([10, 8, 6, 10])).logsumexp(1).sum()
    loss.backward()
    for name, p in model.named_parameters():
        assert p.grad is not None and p.grad.abs().sum() > 0, name


def test_alif_parameters_are_clamped_to_the_papers_ranges() -> None:
    cell = ALIFCell(5)
    with torch.no_grad():
        cell.tau_u.fill_(1.0)
        cell.a.fill_(3.0)
        cell.b.fill_(-1.0)
        cell.tau_w.fill_(1e4)
    p = cell.paper_params()
    assert float(p["tau_u"].min()) == 5.0 and float(p["tau_w"].max()) == 300.0
    assert float(p["a"].max()) == 1.0 and float(p["b"].min()) == 0.0
    config = cell.config()  # a valid ALIFConfig: the clamped values
    assert float(config.folded()["a_w"].min()) > 0


def test_bad_input_shapes_and_values() -> None:
    layer = ALIFLayer(3, 4)
    with pytest.raises(ValueError, match=r"\(batch, 3, T\)"):
        layer(torch.zeros(2, 4, 5))
    with pytest.raises(ValueError, match="NaN"):
        layer(torch.full((1, 3, 5), float("nan")))
    lstm = SpikingLSTMLayer(3, SpikingLSTMConfig(2, 2))
    with pytest.raises(ValueError, match=r"\(batch, 4\)"):
        lstm.cell(torch.zeros(2, 3))
    egru = EGRULayer(3, 4)
    with pytest.raises(ValueError, match=r"EGRULayer: input must be \(batch, 3, T\)"):
        egru(torch.zeros(2, 4, 5))
    with pytest.raises(ValueError, match="EGRULayer: input holds NaN"):
        egru(torch.full((1, 3, 5), float("inf")))
    with pytest.raises(ValueError, match="readout_decay"):
        SpikingClassifier("alif", 3, (4,), 2, readout_decay=0.0)

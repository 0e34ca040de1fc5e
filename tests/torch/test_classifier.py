"""The torch Classifier of every registered model, and the ALIF, spiking LSTM and EGRU modules:
gradients reach every trained parameter, the paper's parameter ranges are enforced, bad input
fails clearly."""

from __future__ import annotations

import pytest
import torch

from lava_sd import REGISTRY, Classifier, ParameterError
from lava_sd.models.alif.torch import ALIFCell, ALIFLayer
from lava_sd.models.egru.torch import EGRULayer
from lava_sd.models.spiking_lstm.config import SpikingLSTMConfig
from lava_sd.models.spiking_lstm.torch import SpikingLSTMLayer


@pytest.mark.parametrize("name", sorted(REGISTRY))
def test_gradients_reach_every_parameter(name: str) -> None:
    options = {"egru": dict(thr=0.2)}.get(name, {})
    model = Classifier(name, 3, (8,), 2, frame_steps=2, frame_offset=0, **options)
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
    with pytest.raises(ParameterError, match="readout_decay"):
        Classifier("alif", 3, (4,), 2, readout_decay=0.0)
    with pytest.raises(ParameterError, match="frame_steps"):
        Classifier("egru", 3, (4,), 2, frame_steps=0)


def test_classifier_settings_and_defaults() -> None:
    model = Classifier("lprnn", 3, (4, 5), 2, frame_steps=4, frame_offset=2, recurrent=False)
    assert model.config["model"] == "lprnn" and model.config["recurrent"] is False
    assert (model.frame_steps, model.frame_offset, model.readout_kind) == (4, 2, "decoded")
    assert [type(layer).__name__ for layer in model.layers] == ["LpLinear", "LpLinear"]
    assert [type(layer).__name__ for layer in Classifier("lprnn", 3, (4, 5), 2).layers] == [
        "LpLinear",
        "LpRNN",
    ]
    x, lengths = torch.randn(2, 3, 6), torch.tensor([6, 3])
    frame_form = model(x, lengths, frame_steps=1, frame_offset=0)
    assert frame_form.shape == (2, 2) and not torch.equal(frame_form, model(x, lengths))

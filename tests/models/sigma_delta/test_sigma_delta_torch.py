"""Torch ΣΔ module: shapes, errors, surrogate gradients."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from lava_sd import ParameterError, SigmaDeltaConfig
from lava_sd.torch import SigmaDeltaCell, SigmaDeltaLayer, spike


def test_surrogate_gradient_flows_to_the_input() -> None:
    config = SigmaDeltaConfig.for_range(1.0)
    layer = SigmaDeltaLayer(SigmaDeltaCell(4, **config.float_params()))
    x = torch.full((2, 4, 50), 0.4, requires_grad=True)
    spikes, _ = layer(x)
    spikes.sum().backward()
    assert x.grad is not None and x.grad.abs().sum() > 0


def test_spike_forward_and_surrogate() -> None:
    x = torch.tensor([-1.0, 0.0, 1e-3, 1.0], requires_grad=True)
    s = spike(x)
    assert s.tolist() == [0.0, 0.0, 1.0, 1.0]
    s.sum().backward()
    expected = 0.4 * 5 / 2 * torch.exp(-5 * x.detach().abs())
    torch.testing.assert_close(x.grad, expected)


def test_bad_shapes_and_values() -> None:
    cell = SigmaDeltaCell(3)
    with pytest.raises(ValueError, match=r"\(batch, 3\)"):
        cell(torch.zeros(2, 4))
    layer = SigmaDeltaLayer(cell)
    with pytest.raises(ValueError, match=r"\(batch, n, T\)"):
        layer(torch.zeros(3, 10))
    with pytest.raises(ValueError, match="NaN"):
        layer(torch.full((1, 3, 5), float("nan")))
    with pytest.raises(ParameterError, match="du_in"):
        SigmaDeltaCell(3, du_in=2.0)
    with pytest.raises(ParameterError, match="does not broadcast"):
        SigmaDeltaCell(3, vth=np.zeros(4))

"""Torch spiking LSTM (Rao et al. 2022): cell and recurrent layer over ``dynamics.step_float``.

The update lives in ``lava_sd.models.spiking_lstm.dynamics`` (shared with the Lava
``floating_pt`` model); neuron parameters come from ``SpikingLSTMConfig`` and are fixed, the
weights are trained::

    i   <- i (1 - du) + I_t                    # I_t = W x_t + b + V s_{t-1}
    ahp <- ahp (1 - da) - w_ahp s_{t-1}
    v   <- v (1 - dv) + i + ahp;  v <- 0 while refractory
    s    = H(v - theta);  v <- 0 where s       # H with the SLAYER surrogate
"""

from __future__ import annotations

import torch
from torch import nn

from lava_sd.layer.torch import RecurrentSynapses, spike
from lava_sd.models.spiking_lstm.config import SpikingLSTMConfig
from lava_sd.models.spiking_lstm.dynamics import SpikingLSTMParams, SpikingLSTMState, step_float

__all__ = ["SpikingLSTMCell", "SpikingLSTMLayer"]


class SpikingLSTMCell(nn.Module):
    """One step of a spiking LSTM layer; input current ``(batch, n)``."""

    def __init__(self, config: SpikingLSTMConfig, dtype: torch.dtype = torch.float32) -> None:
        super().__init__()
        self.config, self.n = config, config.n
        p = config.float_params()
        for key in ("du", "da", "dv", "w_ahp", "vth", "n_ref"):
            self.register_buffer(key, torch.as_tensor(p[key], dtype=dtype))

    def params(self) -> SpikingLSTMParams:
        """The parameters as ``step_float`` takes them (bias 0: it is in the input current)."""
        return SpikingLSTMParams(self.du, self.da, self.dv, self.w_ahp, self.vth, 0.0, self.n_ref)

    def initial_state(self, batch: int) -> SpikingLSTMState:
        """All-zero state for ``batch`` samples."""
        zeros = self.w_ahp.new_zeros(batch, self.n)
        return SpikingLSTMState(*(zeros.clone() for _ in SpikingLSTMState._fields))

    def forward(
        self, current: torch.Tensor, state: SpikingLSTMState | None = None
    ) -> tuple[torch.Tensor, SpikingLSTMState]:
        """Advance one step: ``(spikes, new_state)``."""
        if current.ndim != 2 or current.shape[1] != self.n:
            raise ValueError(
                f"SpikingLSTMCell: input must have shape (batch, {self.n}), got "
                f"{tuple(current.shape)}."
            )
        if state is None:
            state = self.initial_state(current.shape[0])
        new = step_float(state, current, self.params(), spike_fn=spike)
        return new.s, new


class SpikingLSTMLayer(nn.Module):
    """Input weights, bias, optional recurrent weights and a spiking LSTM cell, run over a
    sequence ``(batch, n_in, T)`` -> spikes ``(batch, n, T)``."""

    def __init__(
        self,
        n_in: int,
        config: SpikingLSTMConfig,
        *,
        recurrent: bool = True,
        init_gain: float = 1.0,
        dtype: torch.dtype = torch.float32,
    ) -> None:
        super().__init__()
        self.n_in, self.n = n_in, config.n
        self.synapses = RecurrentSynapses(n_in, config.n, recurrent=recurrent, init_gain=init_gain)
        self.cell = SpikingLSTMCell(config, dtype=dtype)

    def forward(self, x: torch.Tensor, frame_steps: int = 1) -> torch.Tensor:
        """Spikes ``(batch, n, T)`` for input ``x`` ``(batch, n_in, T)`` (one neuron update per
        step: ``frame_steps`` does not change the dynamics)."""
        return self.synapses.run(x, self.cell)


def build_layer(
    index: int,
    n_in: int,
    n: int,
    *,
    generator: torch.Generator | None = None,
    init_gain: float = 1.0,
    recurrent: bool = True,
) -> SpikingLSTMLayer:
    """Layer ``index`` of a spiking LSTM classifier: ``n - n // 2`` LIF and ``n // 2`` AHP
    neurons with the authors' neuron defaults (``SpikingLSTMConfig``); ``generator`` is unused
    (the weights come from torch's global generator, which the classifier seeds)."""
    config = SpikingLSTMConfig(n_regular=n - n // 2, n_adaptive=n // 2)
    return SpikingLSTMLayer(n_in, config, recurrent=recurrent, init_gain=init_gain)

"""Torch LIF: cell and recurrent layer over ``dynamics.step_float``.

The update lives in ``lava_sd.models.lif.dynamics`` (shared with the Lava ``floating_pt`` model);
the neuron parameters come from ``LIFConfig`` and are fixed, the weights and biases are trained::

    u <- u (1 - du) + I_t                             # I_t = W x_t + V s_{t-1}
    v <- v (1 - dv) + u + b + v_bias  [- s_{t-1} theta]   # reset "subtract"; v_bias 0
                                                      # unless set (a NIR graph's v_leak)
    s  = H(v - theta);  v <- 0 where s       # reset "zero"; H with the SLAYER surrogate

The trained bias ``b`` acts on ``v``, as Lava's LIF ``bias`` does, so a layer with a synaptic
current (``tau_u > 1``) runs in Lava as trained.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import torch
from torch import nn

from lava_sd.checks import ParameterError
from lava_sd.layer.torch import RecurrentSynapses, spike
from lava_sd.models.lif.config import LIFConfig
from lava_sd.models.lif.dynamics import LIFParams, LIFState, step_float

__all__ = ["LIFCell", "LIFLayer"]


class LIFCell(nn.Module):
    """One step of ``n`` LIF neurons; input current ``(batch, n)``.

    The buffers ``du``, ``dv``, ``vth`` (from ``config``) and ``v_bias`` (a constant added to
    ``v`` every step, 0 by default) are scalars, or per neuron ``(n,)`` when a network is built
    from per-neuron parameters (``lava_sd.interop.nir``); checkpoints keep either shape.
    """

    NEURON_BUFFERS = ("du", "dv", "vth", "v_bias")

    def __init__(self, n: int, config: LIFConfig, dtype: torch.dtype = torch.float32) -> None:
        super().__init__()
        self.n, self.config = n, config
        p = config.float_params()
        for key in ("du", "dv", "vth"):
            self.register_buffer(key, torch.as_tensor(p[key], dtype=dtype))
        self.register_buffer("v_bias", torch.zeros((), dtype=dtype))
        self.subtract = config.reset == "subtract"

    def _load_from_state_dict(self, state_dict: dict, prefix: str, *args: Any) -> None:
        """Take each neuron buffer in the shape the checkpoint stores (scalar or per neuron);
        checkpoints written before ``v_bias`` existed load with ``v_bias = 0``."""
        for key in self.NEURON_BUFFERS:
            stored = state_dict.get(prefix + key)
            own = getattr(self, key)
            if stored is None and key == "v_bias":
                state_dict[prefix + key] = torch.zeros_like(own)
            elif stored is not None and stored.shape != own.shape:
                setattr(self, key, own.new_empty(stored.shape))
        super()._load_from_state_dict(state_dict, prefix, *args)

    def initial_state(self, batch: int) -> LIFState:
        """All-zero state for ``batch`` samples."""
        zeros = self.du.new_zeros(batch, self.n)
        return LIFState(*(zeros.clone() for _ in LIFState._fields))

    def forward(
        self,
        current: torch.Tensor,
        state: LIFState | None = None,
        bias: torch.Tensor | None = None,
    ) -> tuple[torch.Tensor, LIFState]:
        """Advance one step: ``(spikes, new_state)``; ``bias`` ``(n,)`` is added to ``v`` with
        ``v_bias``."""
        if current.ndim != 2 or current.shape[1] != self.n:
            raise ValueError(
                f"LIFCell: input must have shape (batch, {self.n}), got {tuple(current.shape)}."
            )
        if state is None:
            state = self.initial_state(current.shape[0])
        v_bias = self.v_bias if bias is None else self.v_bias + bias
        params = LIFParams(self.du, self.dv, self.vth, v_bias, self.subtract)
        new = step_float(state, current, params, spike_fn=spike)
        return new.s, new


class LIFLayer(nn.Module):
    """Input weights, bias, optional recurrent weights and LIF neurons, run over a sequence
    ``(batch, n_in, T)`` -> spikes ``(batch, n, T)``."""

    def __init__(
        self,
        n_in: int,
        n: int,
        config: LIFConfig,
        *,
        recurrent: bool = True,
        init_gain: float = 1.0,
    ) -> None:
        super().__init__()
        self.n_in, self.n = n_in, n
        self.synapses = RecurrentSynapses(n_in, n, recurrent=recurrent, init_gain=init_gain)
        self.cell = LIFCell(n, config)

    def forward(self, x: torch.Tensor, frame_steps: int = 1) -> torch.Tensor:
        """Spikes ``(batch, n, T)`` for input ``x`` ``(batch, n_in, T)`` (one neuron update per
        step: ``frame_steps`` does not change the dynamics)."""
        return self.synapses.run(x, self.cell, bias_in_current=False)


def build_layer(
    index: int,
    n_in: int,
    n: int,
    *,
    generator: torch.Generator | None = None,
    tau_u: float = 1.0,
    tau_v: float = 20.0,
    reset: str = "zero",
    init_gain: float = 1.0,
    recurrent: bool | Sequence[bool] = True,
) -> LIFLayer:
    """Layer ``index`` of a LIF classifier (time constants in steps; ``generator`` is unused:
    the weights come from torch's global generator, which the classifier seeds).
    ``recurrent`` is one flag for every layer or a list with one per layer."""
    config = LIFConfig(tau_u=tau_u, tau_v=tau_v, reset=reset)
    if not isinstance(recurrent, bool):
        flags = list(recurrent)
        if index >= len(flags):
            raise ParameterError(
                f"LIF layer {index}: 'recurrent' gives {len(flags)} flag(s); give one per layer."
            )
        recurrent = bool(flags[index])
    return LIFLayer(n_in, n, config, recurrent=recurrent, init_gain=init_gain)

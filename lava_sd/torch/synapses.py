"""Input and recurrent weights of a spiking layer, the loop that runs a cell over time, and the
input check every sequence layer makes."""

from __future__ import annotations

from typing import Any

import torch
from torch import nn


def check_sequence(owner: str, x: torch.Tensor, n_in: int) -> None:
    """Raise ``ValueError`` unless ``x`` is a finite input sequence ``(batch, n_in, T)``."""
    if x.ndim != 3 or x.shape[1] != n_in:
        raise ValueError(f"{owner}: input must be (batch, {n_in}, T), got {tuple(x.shape)}.")
    if not torch.isfinite(x).all():
        raise ValueError(f"{owner}: input holds NaN or infinite values.")


class RecurrentSynapses(nn.Module):
    """``I_t = W x_t + bias (+ V s_{t-1})`` feeding a cell ``cell(I_t, state) -> (s_t, state)``.

    Args:
        n_in, n: input and layer width.
        recurrent: add the recurrent matrix ``V`` (n, n) on the layer's own last spikes.
        init_gain: gain of the Xavier-uniform initialisation of ``W`` (spiking layers need
            inputs that reach the threshold from the start).
    """

    def __init__(
        self, n_in: int, n: int, *, recurrent: bool = True, init_gain: float = 3.0
    ) -> None:
        super().__init__()
        self.n_in, self.n = n_in, n
        self.weight = nn.Parameter(torch.empty(n, n_in))
        self.bias = nn.Parameter(torch.zeros(n))
        nn.init.xavier_uniform_(self.weight, gain=init_gain)
        self.recurrent_weight = None
        if recurrent:
            self.recurrent_weight = nn.Parameter(torch.empty(n, n))
            nn.init.orthogonal_(self.recurrent_weight, gain=0.5)

    def run(self, x: torch.Tensor, cell: nn.Module) -> torch.Tensor:
        """Run ``cell`` over ``x`` ``(batch, n_in, T)``; returns spikes ``(batch, n, T)``."""
        check_sequence(f"{type(cell).__name__} layer", x, self.n_in)
        drive = torch.einsum("oi,bit->bot", self.weight, x) + self.bias[None, :, None]
        state: Any = None
        spikes = x.new_zeros(x.shape[0], self.n)
        out = []
        for t in range(x.shape[-1]):
            current = drive[..., t]
            if self.recurrent_weight is not None:
                current = current + spikes @ self.recurrent_weight.T
            spikes, state = cell(current, state)
            out.append(spikes)
        return torch.stack(out, dim=-1)

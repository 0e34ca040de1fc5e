"""The torch side of the layer framework, shared by every model's torch face: Heaviside spikes
with surrogate gradients, the input check of sequence layers, and input + recurrent synapses
running a cell over time.

Spikes: forward ``H(x) = 1 if x > 0 else 0``; backward ``dH/dx = c * alpha / 2 * exp(-alpha |x|)``
with ``alpha = 5`` and ``c = 0.4`` by default (SLAYER's exponential form; Baronig et al. 2024,
SPEC §3), or the EGRU pseudo-derivative ``damping * max(0, 1 - |x|)`` (SPEC §5). Imports torch:
keep it out of the folders Lava's model discovery executes.
"""

from __future__ import annotations

from typing import Any

import torch
from torch import nn


class _Spike(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x: torch.Tensor, alpha: float, c: float) -> torch.Tensor:  # type: ignore[override]
        ctx.save_for_backward(x)
        ctx.alpha, ctx.c = alpha, c
        return (x > 0).to(x.dtype)

    @staticmethod
    def backward(ctx, grad: torch.Tensor):  # type: ignore[override]
        (x,) = ctx.saved_tensors
        surrogate = ctx.c * ctx.alpha / 2 * torch.exp(-ctx.alpha * x.abs())
        return grad * surrogate, None, None


def spike(x: torch.Tensor, alpha: float = 5.0, c: float = 0.4) -> torch.Tensor:
    """``H(x)`` with the SLAYER exponential surrogate gradient."""
    return _Spike.apply(x, alpha, c)


class _EGRUSpike(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x: torch.Tensor, damping: float) -> torch.Tensor:  # type: ignore[override]
        ctx.save_for_backward(x)
        ctx.damping = damping
        return (x > 0).to(x.dtype)

    @staticmethod
    def backward(ctx, grad: torch.Tensor):  # type: ignore[override]
        (x,) = ctx.saved_tensors
        return grad * ctx.damping * (1 - x.abs()).clamp(min=0), None


def egru_spike(x: torch.Tensor, damping: float = 0.7) -> torch.Tensor:
    """``H(x)`` with the EGRU pseudo-derivative ``damping * max(0, 1 - |x|)`` (SPEC §5)."""
    return _EGRUSpike.apply(x, damping)


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

    def run(
        self, x: torch.Tensor, cell: nn.Module, *, bias_in_current: bool = True
    ) -> torch.Tensor:
        """Run ``cell`` over ``x`` ``(batch, n_in, T)``; returns spikes ``(batch, n, T)``.

        ``bias_in_current=False``: ``I_t`` leaves the bias out and the cell gets it as
        ``cell(I_t, state, bias)`` (the LIF adds it to ``v``, as Lava's LIF does)."""
        check_sequence(f"{type(cell).__name__} layer", x, self.n_in)
        drive = torch.einsum("oi,bit->bot", self.weight, x)
        if bias_in_current:
            drive = drive + self.bias[None, :, None]
        extra = () if bias_in_current else (self.bias,)
        state: Any = None
        spikes = x.new_zeros(x.shape[0], self.n)
        out = []
        for t in range(x.shape[-1]):
            current = drive[..., t]
            if self.recurrent_weight is not None:
                current = current + spikes @ self.recurrent_weight.T
            spikes, state = cell(current, state, *extra)
            out.append(spikes)
        return torch.stack(out, dim=-1)

"""Heaviside spike with a surrogate gradient (SLAYER's exponential form).

Forward ``H(x) = 1 if x > 0 else 0``; backward ``dH/dx = c * alpha / 2 * exp(-alpha |x|)``
with ``alpha = 5`` and ``c = 0.4`` by default (Baronig et al. 2024, SPEC §3).
"""

from __future__ import annotations

import torch


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

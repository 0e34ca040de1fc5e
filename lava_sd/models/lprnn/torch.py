"""Low-pass RNN (ANN form, what is trained) with 3-bit quantization-aware weights (SPEC §2).

Per frame t, with the clamped ReLU ``f(x) = clamp(x, 0, 6)`` and retention ``a``::

    y_t = f(W x_t + b + U h_{t-1})        # LpLinear: no U
    h_t = a h_{t-1} + (1 - a) y_t

Weights and biases are quantized with a straight-through estimator to 3 fractional bits::

    w_q = round(clamp(w, -w_max, w_max) * 2**3) / 2**3     (round half to even, as torch.round)

Sequences are ``(batch, features, T)`` (time last, as in Lava and SLAYER). Run at the SNN's time
resolution (``frame_steps = K`` steps per frame, as ``lava_sd.Classifier`` does when it holds
each frame K steps), the retention per step is ``a**(1/K)``. ``build_layer`` makes the layers of
a ``lava_sd.Classifier("lprnn", ...)``: an ``LpLinear`` first, then ``LpRNN`` layers (or
``LpLinear`` ones with ``recurrent=False``); its readout is the mean over valid frames of
``W_o h_t + b_o``.
"""

from __future__ import annotations

import torch
from torch import nn

__all__ = ["LpLinear", "LpRNN", "quantize"]

ACT_MAX = 6.0


def quantize(w: torch.Tensor, frac_bits: int = 3, w_max: float = 1.0) -> torch.Tensor:
    """``round(clamp(w, -w_max, w_max) * 2**frac_bits) / 2**frac_bits`` with a straight-through
    gradient (the gradient of the clamp passes, the rounding is treated as identity)."""
    clamped = w.clamp(-w_max, w_max)
    step = 2.0**frac_bits
    return clamped + (torch.round(clamped * step) / step - clamped).detach()


class _LowPassLayer(nn.Module):
    """Shared body of LpLinear and LpRNN: ``recurrent=False`` drops U."""

    def __init__(
        self,
        n_in: int,
        n_out: int,
        *,
        recurrent: bool,
        a: float = 0.8,
        frac_bits: int | None = 3,
        w_max: float = 1.0,
    ) -> None:
        super().__init__()
        if not 0.0 <= a < 1.0:
            raise ValueError(f"retention a must be in [0, 1), got {a}.")
        self.n_in, self.n_out, self.a = n_in, n_out, a
        self.frac_bits, self.w_max = frac_bits, w_max
        self.weight = nn.Parameter(torch.empty(n_out, n_in))
        self.bias = nn.Parameter(torch.zeros(n_out))
        nn.init.xavier_uniform_(self.weight)
        self.recurrent_weight = None
        if recurrent:
            self.recurrent_weight = nn.Parameter(torch.empty(n_out, n_out))
            nn.init.orthogonal_(self.recurrent_weight)

    def _q(self, w: torch.Tensor) -> torch.Tensor:
        return w if self.frac_bits is None else quantize(w, self.frac_bits, self.w_max)

    def effective(self) -> dict[str, torch.Tensor]:
        """The (quantized) weights the forward pass uses: ``W``, ``b`` and, if recurrent, ``U``."""
        out = {"W": self._q(self.weight), "b": self._q(self.bias)}
        if self.recurrent_weight is not None:
            out["U"] = self._q(self.recurrent_weight)
        return out

    def forward(self, x: torch.Tensor, frame_steps: int = 1) -> torch.Tensor:
        """``x`` (batch, n_in, T) -> ``h`` (batch, n_out, T), with retention ``a**(1/K)`` per
        step for ``K = frame_steps`` steps per frame (``a`` itself in frame form, K = 1)."""
        a = self.a ** (1.0 / frame_steps)
        if x.ndim != 3 or x.shape[1] != self.n_in:
            raise ValueError(
                f"{type(self).__name__}: input must be (batch, {self.n_in}, T), got "
                f"{tuple(x.shape)}."
            )
        p = self.effective()
        drive = torch.einsum("oi,bit->bot", p["W"], x) + p["b"][None, :, None]
        h = x.new_zeros(x.shape[0], self.n_out)
        out = []
        for t in range(x.shape[-1]):
            pre = drive[..., t] if "U" not in p else drive[..., t] + h @ p["U"].T
            h = a * h + (1 - a) * pre.clamp(0.0, ACT_MAX)
            out.append(h)
        return torch.stack(out, dim=-1)

    def events(self, h: torch.Tensor) -> torch.Tensor:
        """The spikes per step of the ΣΔ neurons that decode ``h``: ``h / 6``. A ΣΔ neuron whose
        feedback decays by ``g`` per step and adds ``q = 6 g`` per spike holds a decoded value
        ``d`` at ``d g / q = d / 6`` spikes per step (``docs/lprnn_mapping.md``)."""
        return h / ACT_MAX


class LpLinear(_LowPassLayer):
    """Feed-forward low-pass layer: ``h_t = a h_{t-1} + (1 - a) f(W x_t + b)``."""

    def __init__(self, n_in: int, n_out: int, **kwargs: float) -> None:
        super().__init__(n_in, n_out, recurrent=False, **kwargs)


class LpRNN(_LowPassLayer):
    """Recurrent low-pass layer: ``h_t = a h_{t-1} + (1 - a) f(W x_t + b + U h_{t-1})``."""

    def __init__(self, n_in: int, n_out: int, **kwargs: float) -> None:
        super().__init__(n_in, n_out, recurrent=True, **kwargs)


def build_layer(
    index: int,
    n_in: int,
    n: int,
    *,
    generator: torch.Generator | None = None,
    a: float = 0.8,
    frac_bits: int | None = 3,
    w_max: float = 1.0,
    recurrent: bool = True,
) -> _LowPassLayer:
    """Layer ``index`` of an lpRNN classifier: ``LpLinear`` first, then ``LpRNN`` (``LpLinear``
    if not ``recurrent``: a feed-forward ΣΔ network, still low-pass in time). ``generator`` is
    unused: the weights are drawn from torch's global generator, which the classifier seeds."""
    cls = LpRNN if index and recurrent else LpLinear
    return cls(n_in, n, a=a, frac_bits=frac_bits, w_max=w_max)

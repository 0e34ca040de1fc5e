"""Low-pass RNN (ANN form, what is trained) with 3-bit quantization-aware weights (SPEC §2).

Per frame t, with the clamped ReLU ``f(x) = clamp(x, 0, 6)`` and retention ``a``::

    y_t = f(W x_t + b + U h_{t-1})        # LpLinear: no U
    h_t = a h_{t-1} + (1 - a) y_t

Weights and biases are quantized with a straight-through estimator to 3 fractional bits::

    w_q = round(clamp(w, -w_max, w_max) * 2**3) / 2**3     (round half to even, as torch.round)

Sequences are ``(batch, features, T)`` (time last, as in Lava and SLAYER) with per-sample
lengths; the classifier's readout is the mean over valid frames of ``W_o h_t + b_o``.
"""

from __future__ import annotations

import torch
from torch import nn

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

    def forward(self, x: torch.Tensor, retention: float | None = None) -> torch.Tensor:
        """``x`` (batch, n_in, T) -> ``h`` (batch, n_out, T); ``retention`` overrides ``a``."""
        a = self.a if retention is None else retention
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


class LpLinear(_LowPassLayer):
    """Feed-forward low-pass layer: ``h_t = a h_{t-1} + (1 - a) f(W x_t + b)``."""

    def __init__(self, n_in: int, n_out: int, **kwargs: float) -> None:
        super().__init__(n_in, n_out, recurrent=False, **kwargs)


class LpRNN(_LowPassLayer):
    """Recurrent low-pass layer: ``h_t = a h_{t-1} + (1 - a) f(W x_t + b + U h_{t-1})``."""

    def __init__(self, n_in: int, n_out: int, **kwargs: float) -> None:
        super().__init__(n_in, n_out, recurrent=True, **kwargs)


class LpRNNClassifier(nn.Module):
    """``LpLinear(n_in, hidden[0])`` -> ``LpRNN`` for each further size -> linear readout,
    averaged over the valid frames of each sequence. ``recurrent=False`` makes every layer an
    ``LpLinear``: a feed-forward ΣΔ network (still low-pass in time)."""

    def __init__(
        self,
        n_in: int,
        hidden: tuple[int, ...],
        n_classes: int,
        *,
        a: float = 0.8,
        frac_bits: int | None = 3,
        w_max: float = 1.0,
        recurrent: bool = True,
    ) -> None:
        super().__init__()
        if not hidden:
            raise ValueError("LpRNNClassifier needs at least one hidden layer size.")
        kw = dict(a=a, frac_bits=frac_bits, w_max=w_max)
        layers: list[nn.Module] = [LpLinear(n_in, hidden[0], **kw)]
        later = LpRNN if recurrent else LpLinear
        layers += [later(m, n, **kw) for m, n in zip(hidden[:-1], hidden[1:], strict=True)]
        self.layers = nn.ModuleList(layers)
        self.readout = nn.Linear(hidden[-1], n_classes)
        self.config = dict(
            n_in=n_in, hidden=tuple(hidden), n_classes=n_classes, recurrent=recurrent, **kw
        )

    def hidden_states(
        self, x: torch.Tensor, frame_steps: int = 1, frame_offset: int = 0
    ) -> list[torch.Tensor]:
        """Every layer's ``h``, each (batch, n, T).

        With ``frame_steps = K > 1`` the network runs at the SNN's time resolution, as the ΣΔ
        mapping does: each frame is held for K steps with retention ``a**(1/K)`` per step, and
        ``h`` is sampled ``frame_offset`` steps after each frame end.
        """
        retention = self.config["a"] ** (1.0 / frame_steps)
        if frame_steps > 1 or frame_offset:
            x = torch.repeat_interleave(x, frame_steps, dim=-1)
            if frame_offset:
                x = torch.cat([x, x[..., -1:].expand(-1, -1, frame_offset)], dim=-1)
        states = []
        for layer in self.layers:
            x = layer(x, retention)
            states.append(x)
        if frame_steps > 1 or frame_offset:
            states = [h[..., frame_offset + frame_steps - 1 :: frame_steps] for h in states]
        return states

    def forward(
        self,
        x: torch.Tensor,
        lengths: torch.Tensor,
        frame_steps: int = 1,
        frame_offset: int = 0,
    ) -> torch.Tensor:
        """Logits (batch, classes): mean over the first ``lengths[b]`` frames of the readout."""
        h = self.hidden_states(x, frame_steps, frame_offset)[-1]
        return readout_mean(h, lengths, self.readout.weight, self.readout.bias)


def readout_mean(
    h: torch.Tensor, lengths: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor
) -> torch.Tensor:
    """``W_o mean_{t < length} h_t + b_o`` for ``h`` (batch, n, T)."""
    mask = torch.arange(h.shape[-1], device=h.device)[None, :] < lengths[:, None]
    mean = (h * mask[:, None, :]).sum(-1) / lengths[:, None].clamp(min=1)
    return mean @ weight.T + bias

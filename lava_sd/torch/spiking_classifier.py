"""A sequence classifier from event-based recurrent layers (ALIF, spiking LSTM or EGRU) with a
leaky-integrator readout (no spikes).

Each input frame is held for ``frame_steps`` steps. The readout integrates the last layer's
output ``s`` (binary spikes, or EGRU's graded events) with decay ``k`` and is averaged over each
sample's own steps::

    r_t = (1 - k) r_{t-1} + k s_t;   logits = W_o mean_{t < K length} r_t + b_o

which equals the time mean of leaky-integrator output neurons with input weights ``W_o``
(the integrator is linear). The Lava layers accumulate the same trace (``trace_sum``).
"""

from __future__ import annotations

import torch
from torch import nn

from lava_sd.config.spiking_lstm import SpikingLSTMConfig
from lava_sd.torch.alif import ALIFLayer
from lava_sd.torch.egru import EGRULayer
from lava_sd.torch.spiking_lstm import SpikingLSTMLayer

KINDS = ("alif", "spiking_lstm", "egru")


class SpikingClassifier(nn.Module):
    """Recurrent spiking layers of one ``kind`` + leaky-integrator readout.

    Args:
        kind: ``"alif"`` (SE-adLIF layers), ``"spiking_lstm"`` (half LIF, half AHP neurons,
            the authors' neuron defaults) or ``"egru"`` (EGRU, piecewise-linear gates).
        n_in: input features per frame.
        hidden: layer widths.
        n_classes: readout width.
        frame_steps: steps per input frame ``K``.
        readout_decay: the readout's ``k`` in (0, 1].
        init_gain: Xavier gain of the input weights (default 6 for ALIF, whose strong
            adaptation needs large inputs to fire at all, 1 otherwise).
        thr: initial EGRU threshold (EGRU only).
        seed: seeds the initialisation (weights and ALIF neuron parameters).
    """

    def __init__(
        self,
        kind: str,
        n_in: int,
        hidden: tuple[int, ...],
        n_classes: int,
        *,
        frame_steps: int = 4,
        readout_decay: float = 205 / 4096,
        init_gain: float | None = None,
        thr: float = 0.5,
        seed: int = 0,
    ) -> None:
        super().__init__()
        if kind not in KINDS:
            raise ValueError(f"SpikingClassifier: kind must be one of {KINDS}, got {kind!r}.")
        if not hidden:
            raise ValueError("SpikingClassifier needs at least one hidden layer size.")
        if not 0 < readout_decay <= 1:
            raise ValueError(f"readout_decay must be in (0, 1], got {readout_decay}.")
        if int(frame_steps) != frame_steps or frame_steps < 1:
            raise ValueError(f"frame_steps must be a positive integer, got {frame_steps}.")
        gain = init_gain if init_gain is not None else (6.0 if kind == "alif" else 1.0)
        torch.manual_seed(seed)
        generator = torch.Generator().manual_seed(seed)
        layers: list[nn.Module] = []
        for m, n in zip((n_in, *hidden[:-1]), hidden, strict=True):
            if kind == "alif":
                layers.append(ALIFLayer(m, n, generator=generator, init_gain=gain))
            elif kind == "egru":
                layers.append(EGRULayer(m, n, thr=thr))
            else:
                config = SpikingLSTMConfig(n_regular=n - n // 2, n_adaptive=n // 2)
                layers.append(SpikingLSTMLayer(m, config, init_gain=gain))
        self.layers = nn.ModuleList(layers)
        self.readout = nn.Linear(layers[-1].n, n_classes)
        self.frame_steps, self.readout_decay = int(frame_steps), float(readout_decay)
        self.config = dict(
            kind=kind, n_in=n_in, hidden=tuple(hidden), n_classes=n_classes,
            frame_steps=int(frame_steps), readout_decay=float(readout_decay), init_gain=gain,
            thr=thr, seed=seed,
        )  # fmt: skip

    def spikes(self, x: torch.Tensor) -> list[torch.Tensor]:
        """Every layer's output (spikes or EGRU events) ``(B, n, T K)`` for frames ``x``."""
        h = torch.repeat_interleave(x, self.frame_steps, dim=-1)
        out = []
        for layer in self.layers:
            h = layer(h)
            out.append(h)
        return out

    def readout_trace(self, spikes: torch.Tensor) -> torch.Tensor:
        """The readout's low-pass trace ``r`` of ``spikes`` ``(B, n, T)``."""
        k = self.readout_decay
        r = spikes.new_zeros(spikes.shape[:-1])
        out = []
        for t in range(spikes.shape[-1]):
            r = (1 - k) * r + k * spikes[..., t]
            out.append(r)
        return torch.stack(out, dim=-1)

    def forward(self, x: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        """Logits ``(B, classes)`` for padded frames ``x`` ``(B, F, T)`` with ``lengths``."""
        r = self.readout_trace(self.spikes(x)[-1])
        steps = lengths * self.frame_steps
        mask = torch.arange(r.shape[-1], device=r.device)[None, :] < steps[:, None]
        mean = (r * mask[:, None, :]).sum(-1) / steps[:, None].clamp(min=1)
        return self.readout(mean)

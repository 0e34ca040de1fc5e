"""Torch ΣΔ neuron: a cell and a sequence layer over ``dynamics.step_float``.

The update equations live in ``lava_sd.models.sigma_delta.dynamics`` (shared with the Lava
``floating_pt`` model); this module only holds parameters and loops over time::

    i_in <- i_in (1 - du_in) + a_in
    i_ip <- max(0, i_ip (1 - du_ip) + i_in + bias)
    i_fb <- i_fb (1 - du_fb) + w_fb s
    v    <- max(0, v (1 - dv) + i_ip + i_fb)
    s     = H(v - vth);  v <- 0 where s          # H with a surrogate gradient
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import torch
from torch import nn

from lava_sd.checks import as_array, check_range
from lava_sd.layer.torch import spike
from lava_sd.models.sigma_delta.dynamics import FloatParams, SigmaDeltaState, step_float

__all__ = ["SigmaDeltaCell", "SigmaDeltaLayer"]

PARAMS = ("du_in", "du_ip", "du_fb", "dv", "w_fb", "vth", "bias")


class SigmaDeltaCell(nn.Module):
    """One step of a ΣΔ population of ``n`` neurons (inputs of shape ``(batch, n)``).

    Takes the same float parameters as ``lava_sd.SigmaDelta`` (``floating_pt``): decays as
    fractions ``1/tau`` in [0, 1], ``w_fb <= 0``, ``vth >= 0``, ``bias = bias_mant * 2**bias_exp``.
    ``SigmaDeltaConfig.float_params()`` gives a valid set.
    """

    def __init__(
        self,
        n: int,
        *,
        du_in: float | Sequence[float] = 1.0,
        du_ip: float | Sequence[float] = 1.0,
        du_fb: float | Sequence[float] = 1 / 16,
        dv: float | Sequence[float] = 1.0,
        w_fb: float | Sequence[float] = -1 / 16,
        vth: float | Sequence[float] = 0.0,
        bias_mant: float | Sequence[float] = 0.0,
        bias_exp: int | Sequence[int] = 0,
        dtype: torch.dtype = torch.float32,
    ) -> None:
        super().__init__()
        owner = "SigmaDeltaCell"
        values = dict(du_in=du_in, du_ip=du_ip, du_fb=du_fb, dv=dv, w_fb=w_fb, vth=vth)
        arrays = {key: as_array(owner, key, val, (n,)) for key, val in values.items()}
        for key in ("du_in", "du_ip", "du_fb", "dv"):
            check_range(owner, key, arrays[key], 0, 1, "Decays are fractions 1/tau.")
        check_range(owner, "w_fb", arrays["w_fb"], -np.inf, 0, "The feedback is negative.")
        check_range(owner, "vth", arrays["vth"], 0, np.inf)
        bias = as_array(owner, "bias_mant", bias_mant, (n,)) * 2.0 ** as_array(
            owner, "bias_exp", bias_exp, (n,)
        )
        arrays["bias"] = bias
        self.n = n
        for key in PARAMS:
            self.register_buffer(key, torch.as_tensor(arrays[key], dtype=dtype))

    def params(self) -> FloatParams:
        """The parameters as the tuple ``step_float`` takes."""
        return FloatParams(*(getattr(self, key) for key in PARAMS))

    def initial_state(self, batch: int) -> SigmaDeltaState:
        """All-zero state for ``batch`` samples."""
        zeros = torch.zeros(batch, self.n, dtype=self.w_fb.dtype, device=self.w_fb.device)
        return SigmaDeltaState(*(zeros.clone() for _ in SigmaDeltaState._fields))

    def forward(
        self, a_in: torch.Tensor, state: SigmaDeltaState | None = None
    ) -> tuple[torch.Tensor, SigmaDeltaState]:
        """Advance one step: returns ``(spikes, new_state)``."""
        if a_in.ndim != 2 or a_in.shape[1] != self.n:
            raise ValueError(
                f"SigmaDeltaCell: input must have shape (batch, {self.n}), got {tuple(a_in.shape)}."
            )
        if state is None:
            state = self.initial_state(a_in.shape[0])
        new = step_float(state, a_in, self.params(), spike_fn=spike)
        return new.s, new


class SigmaDeltaLayer(nn.Module):
    """A ΣΔ population run over a sequence ``(batch, n, T)`` (time last, as in Lava/SLAYER)."""

    def __init__(self, cell: SigmaDeltaCell) -> None:
        super().__init__()
        self.cell = cell

    def forward(
        self, a_in: torch.Tensor, state: SigmaDeltaState | None = None
    ) -> tuple[torch.Tensor, dict[str, torch.Tensor]]:
        """Returns spikes ``(batch, n, T)`` and every state's trace, each ``(batch, n, T)``."""
        if a_in.ndim != 3:
            raise ValueError(
                f"SigmaDeltaLayer: input must be (batch, n, T), got shape {tuple(a_in.shape)}."
            )
        if not torch.isfinite(a_in).all():
            raise ValueError("SigmaDeltaLayer: input holds NaN or infinite values.")
        traces: dict[str, list[torch.Tensor]] = {key: [] for key in SigmaDeltaState._fields}
        for t in range(a_in.shape[-1]):
            _, state = self.cell(a_in[..., t], state)
            for key, value in zip(SigmaDeltaState._fields, state, strict=True):
                traces[key].append(value)
        stacked = {key: torch.stack(vals, dim=-1) for key, vals in traces.items()}
        return stacked["s"], stacked

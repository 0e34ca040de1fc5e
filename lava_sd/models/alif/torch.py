"""Torch SE-adLIF (Baronig et al. 2024): cell and recurrent layer over ``dynamics.step_float``.

The update lives in ``lava_sd.models.alif.dynamics`` (shared with the Lava ``floating_pt``
model). The cell holds the paper's per-neuron parameters, trainable and clamped to the paper's
ranges, and folds them with ``dynamics.fold`` every step::

    I_t = W x_t + bias + V z_{t-1}
    u_t = alpha u_{t-1} + (1 - alpha)(I_t - w_{t-1})
    z_t = H(u_t - theta);  u_t <- u_t (1 - z_t)             # H with the SLAYER surrogate
    w_t = beta w_{t-1} + (1 - beta) q (a u_t + b z_t)       # symplectic Euler (default)

with ``alpha = exp(-1/tau_u)``, ``beta = exp(-1/tau_w)``.
"""

from __future__ import annotations

import torch
from torch import nn

from lava_sd.layer.torch import RecurrentSynapses, spike
from lava_sd.models.alif.config import A_RANGE, B_RANGE, TAU_U_RANGE, TAU_W_RANGE, ALIFConfig
from lava_sd.models.alif.dynamics import ALIFFloatParams, ALIFState, fold, step_float

__all__ = ["ALIFCell", "ALIFLayer"]


class ALIFCell(nn.Module):
    """One step of ``n`` SE-adLIF neurons; input ``(batch, n)`` in the paper's current units.

    Args:
        n: number of neurons.
        q, theta: the paper's adaptation scale (120) and threshold (1).
        symplectic: symplectic Euler (default) or Euler-forward.
        generator: seeds the uniform initialisation of tau_u, tau_w, a, b over the paper's
            ranges (SPEC §3).
        dtype: parameter dtype.
    """

    def __init__(
        self,
        n: int,
        *,
        q: float = 120.0,
        theta: float = 1.0,
        symplectic: bool = True,
        generator: torch.Generator | None = None,
        dtype: torch.dtype = torch.float32,
    ) -> None:
        super().__init__()
        self.n, self.q, self.theta, self.symplectic = n, q, theta, symplectic

        def uniform(low: float, high: float) -> nn.Parameter:
            return nn.Parameter(
                low + (high - low) * torch.rand(n, generator=generator, dtype=dtype)
            )

        self.tau_u, self.tau_w = uniform(*TAU_U_RANGE), uniform(*TAU_W_RANGE)
        self.a, self.b = uniform(*A_RANGE), uniform(*B_RANGE)

    def paper_params(self) -> dict[str, torch.Tensor]:
        """``tau_u, tau_w, a, b`` clamped to the paper's ranges (what the forward pass uses)."""
        return {
            "tau_u": self.tau_u.clamp(*TAU_U_RANGE),
            "tau_w": self.tau_w.clamp(*TAU_W_RANGE),
            "a": self.a.clamp(*A_RANGE),
            "b": self.b.clamp(*B_RANGE),
        }

    def config(self, bias: torch.Tensor | float = 0.0) -> ALIFConfig:
        """The current parameters as an ``ALIFConfig`` (numpy), e.g. for ``lava_sd.ALIF``."""
        p = {k: v.detach().double().cpu().numpy() for k, v in self.paper_params().items()}
        if isinstance(bias, torch.Tensor):
            bias = bias.detach().double().cpu().numpy()
        return ALIFConfig(**p, q=self.q, theta=self.theta, bias=bias, symplectic=self.symplectic)

    def folded(self) -> dict[str, torch.Tensor]:
        """``dv, dw, a_w, b_w, gain`` (``dynamics.fold``) of the clamped parameters."""
        p = self.paper_params()
        alpha, beta = torch.exp(-1.0 / p["tau_u"]), torch.exp(-1.0 / p["tau_w"])
        return fold(alpha, beta, p["a"], p["b"], self.q)

    def initial_state(self, batch: int) -> ALIFState:
        """All-zero state for ``batch`` samples."""
        zeros = self.tau_u.new_zeros(batch, self.n)
        return ALIFState(*(zeros.clone() for _ in ALIFState._fields))

    def forward(
        self, current: torch.Tensor, state: ALIFState | None = None
    ) -> tuple[torch.Tensor, ALIFState]:
        """Advance one step with input current ``I_t`` (bias included): ``(spikes, state)``."""
        if current.ndim != 2 or current.shape[1] != self.n:
            raise ValueError(
                f"ALIFCell: input must have shape (batch, {self.n}), got {tuple(current.shape)}."
            )
        if state is None:
            state = self.initial_state(current.shape[0])
        f = self.folded()
        params = ALIFFloatParams(
            1.0, f["dv"], f["dw"], f["a_w"], f["b_w"], self.theta, 0.0, self.symplectic
        )
        new = step_float(state, f["gain"] * current, params, spike_fn=spike)
        return new.s, new


class ALIFLayer(nn.Module):
    """A layer of ALIF neurons with input weights, bias and optional recurrent weights, run over
    a sequence ``(batch, n_in, T)`` -> spikes ``(batch, n, T)``."""

    def __init__(
        self,
        n_in: int,
        n: int,
        *,
        recurrent: bool = True,
        init_gain: float = 6.0,
        generator: torch.Generator | None = None,
        **cell: float | bool,
    ) -> None:
        super().__init__()
        self.n_in, self.n = n_in, n
        self.synapses = RecurrentSynapses(n_in, n, recurrent=recurrent, init_gain=init_gain)
        self.cell = ALIFCell(n, generator=generator, **cell)

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
    init_gain: float = 6.0,
    recurrent: bool = True,
    q: float = 120.0,
    theta: float = 1.0,
    symplectic: bool = True,
) -> ALIFLayer:
    """Layer ``index`` of an ALIF classifier (``init_gain`` 6: the strong adaptation needs large
    inputs to fire at all); ``generator`` draws the neuron parameters."""
    return ALIFLayer(
        n_in, n, recurrent=recurrent, init_gain=init_gain, generator=generator, q=q, theta=theta,
        symplectic=symplectic,
    )  # fmt: skip

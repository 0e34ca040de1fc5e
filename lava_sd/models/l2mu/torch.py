"""Torch L2MU (Fra et al. 2024): the cell run over a sequence, over ``dynamics.step_float``.

The update lives in ``lava_sd.models.l2mu.dynamics`` (shared with the Lava ``floating_pt``
model). Trained: the encoders ``e_x, e_h, e_m``, the weights ``W_x, W_h, W_m`` and, per
population (input ``u``, memory ``m``, units ``h``), the membrane decay ``beta`` and the
threshold ``theta`` of snnTorch's ``Leaky``. Fixed: the Legendre matrices ``Ad, Bd``
(``legendre.legendre_memory``, zero-order hold)::

    I_u = e_x x_t + e_h s_h[t-1] + e_m s_m[t-1];   s_u = LIF_u(I_u)
    I_m = Ad s_m[t-1] + Bd s_u  (per channel);    s_m = LIF_m(I_m)
    I_h = W_x x_t + W_h s_h[t-1] + W_m s_m;       s_h = LIF_h(I_h)
    LIF_p: U <- beta_p U + I - S_prev theta_p;  S = H(U - theta_p)   (reset "subtract")
"""

from __future__ import annotations

import torch
from torch import nn

from lava_sd.layer.torch import check_sequence, spike
from lava_sd.models.l2mu.dynamics import L2MUParams, L2MUState, step_float
from lava_sd.models.l2mu.legendre import legendre_memory
from lava_sd.models.lif.config import RESETS
from lava_sd.models.lif.dynamics import RESET_BY_SUBTRACTION, LIFParams

__all__ = ["L2MULayer"]

THRESHOLD_MIN = 0.05  # a learned threshold is clamped at this value (a zero one fires always)


class L2MULayer(nn.Module):
    """An L2MU cell over a sequence ``(batch, n_in, T)`` -> unit spikes ``(batch, n, T)``.

    Args:
        n_in, n: input features and units.
        memory: memory channels ``M`` (input neurons).
        order: Legendre order ``d`` (memory neurons per channel).
        theta: the memory's window in steps.
        reset: ``"subtract"`` (snnTorch's ``Leaky``, the paper) or ``"zero"`` (Lava's LIF).
        beta, threshold: initial membrane decay and threshold of every population.
        recurrent: the hidden feedback ``e_h``, ``W_h`` (the paper has it).
        init_gain: gain of the Xavier-uniform initialisation of every trained matrix.
        generator: draws the initial weights.
    """

    def __init__(
        self,
        n_in: int,
        n: int,
        *,
        memory: int,
        order: int,
        theta: float,
        reset: str = "subtract",
        beta: float = 0.9,
        threshold: float = 1.0,
        recurrent: bool = True,
        init_gain: float = 1.0,
        generator: torch.Generator | None = None,
    ) -> None:
        super().__init__()
        if reset not in RESETS:
            raise ValueError(f"L2MULayer: reset must be one of {sorted(RESETS)}, got {reset!r}.")
        self.n_in, self.n, self.memory, self.order = n_in, n, memory, order
        self.theta, self.reset = float(theta), reset
        m, md = memory, memory * order

        def weight(rows: int, cols: int) -> nn.Parameter:
            w = torch.empty(rows, cols)
            bound = init_gain * (6.0 / (rows + cols)) ** 0.5
            return nn.Parameter(w.uniform_(-bound, bound, generator=generator))

        self.enc_x, self.w_x = weight(m, n_in), weight(n, n_in)
        self.enc_m, self.w_m = weight(m, md), weight(n, md)
        self.enc_h = weight(m, n) if recurrent else None
        self.w_h = weight(n, n) if recurrent else None
        ad, bd = legendre_memory(order, theta)
        self.register_buffer("ad", torch.as_tensor(ad, dtype=torch.float32))
        self.register_buffer("ad_rest", torch.zeros(order, order), persistent=False)  # fixed only
        self.register_buffer("bd", torch.as_tensor(bd, dtype=torch.float32).reshape(order, 1))
        self.beta = nn.Parameter(torch.full((3,), float(beta)))
        self.threshold = nn.Parameter(torch.full((3,), float(threshold)))
        self._populations: torch.Tensor | None = None  # the last forward pass's (``events``)

    @property
    def recurrent(self) -> bool:
        """Whether the layer has the hidden feedback ``e_h``, ``W_h``."""
        return self.w_h is not None

    def input_weights(self) -> torch.Tensor:
        """``[e_x; W_x]`` ``(M + n, n_in)``: the layer's fused input synapses."""
        return torch.cat([self.enc_x, self.w_x])

    def recurrent_weights(self) -> torch.Tensor | None:
        """``[e_h; W_h]`` ``(M + n, n)``, or ``None``."""
        return None if self.w_h is None else torch.cat([self.enc_h, self.w_h])

    def decays(self) -> torch.Tensor:
        """``beta`` of the input, memory and unit populations, clamped to [0, 1]."""
        return self.beta.clamp(0.0, 1.0)

    def thresholds(self) -> torch.Tensor:
        """``theta`` of the populations, at least ``THRESHOLD_MIN``."""
        return self.threshold.clamp(min=THRESHOLD_MIN)

    def params(self) -> L2MUParams:
        """The float parameters ``step_float`` takes (``du = 1``: no synaptic memory)."""
        beta, theta = self.decays(), self.thresholds()
        subtract = RESETS[self.reset] == RESET_BY_SUBTRACTION
        lifs = [LIFParams(1.0, 1 - beta[i], theta[i], 0.0, subtract) for i in range(3)]
        return L2MUParams(
            self.memory, self.order, *lifs, self.enc_m, self.ad, self.ad_rest, self.bd, self.w_m
        )

    def forward(self, x: torch.Tensor, frame_steps: int = 1) -> torch.Tensor:
        """Unit spikes ``(batch, n, T)`` for input ``x`` ``(batch, n_in, T)`` (one cell update
        per step: ``frame_steps`` does not change the dynamics)."""
        check_sequence("L2MULayer", x, self.n_in)
        drive = torch.einsum("oi,bit->bot", self.input_weights(), x)
        rec = self.recurrent_weights()
        p = self.params()
        batch = x.shape[0]
        sizes = (self.memory,) * 3 + (self.memory * self.order,) * 3 + (self.n,) * 3
        state = L2MUState(*(x.new_zeros(batch, k) for k in sizes))
        out, populations = [], []
        for t in range(x.shape[-1]):
            recurrent = None if rec is None else state.s @ rec.T
            state = step_float(state, drive[..., t], recurrent, p, spike_fn=spike)
            out.append(state.s)
            populations.append(torch.cat([state.s_u, state.s_m], dim=-1))
        self._populations = torch.stack(populations, dim=-1)
        return torch.stack(out, dim=-1)

    def events(self, s: torch.Tensor) -> torch.Tensor:
        """Every neuron's spikes of the forward pass that returned the unit spikes ``s``: the
        units, then the input and memory populations (the Lava layer's ``spike_count`` order)."""
        last = self._populations
        if last is None or last.shape[-1] != s.shape[-1] or len(last) != len(s):
            raise ValueError("L2MULayer.events: pass the output of the last forward pass.")
        return torch.cat([s, self._populations], dim=1)


def build_layer(
    index: int,
    n_in: int,
    n: int,
    *,
    generator: torch.Generator | None = None,
    memory: int = 16,
    order: int = 8,
    theta: float = 20.0,
    reset: str = "subtract",
    beta: float = 0.9,
    threshold: float = 1.0,
    recurrent: bool = True,
    init_gain: float = 1.0,
) -> L2MULayer:
    """Layer ``index`` of an L2MU classifier; ``generator`` draws its initial weights."""
    return L2MULayer(
        n_in, n, memory=memory, order=order, theta=theta, reset=reset, beta=beta,
        threshold=threshold, recurrent=recurrent, init_gain=init_gain, generator=generator,
    )  # fmt: skip

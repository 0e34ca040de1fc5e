"""Torch EGRU (Subramoney et al. 2023): cell and recurrent layer over ``dynamics.step_float``.

The gate equations live in ``lava_sd.models.egru.dynamics`` (shared with the Lava
``floating_pt`` model), including the piecewise-linear sigmoid and tanh the fixed-point model
computes, so training sees what the chip computes::

    u = sigmoid(wx_u + ry_u);  r = sigmoid(wx_r + ry_r);  g = tanh(wx_g + r ry_g)
    c <- u c + (1 - u) g;  e = H(c - thr);  y = e c;  c <- c - e thr

with ``wx = W x_t + b_W``, ``ry = R y_{t-1} + b_R`` and the pseudo-derivative
``dH/dx = 0.7 max(0, 1 - |c - thr|)``. ``exact=True`` uses torch's sigmoid and tanh instead
(not what ``fixed_pt`` computes; for comparison).
"""

from __future__ import annotations

import torch
from torch import nn

from lava_sd.layer.torch import check_sequence, egru_spike
from lava_sd.models.egru.dynamics import EGRUState, sigmoid_pwl, step_float, tanh_pwl

__all__ = ["EGRULayer"]


class EGRULayer(nn.Module):
    """``n`` EGRU units with input weights ``W`` (3n, n_in), recurrent ``R`` (3n, n), biases,
    and trainable thresholds clamped to [0, 1]; maps ``(batch, n_in, T)`` to ``y (batch, n, T)``.

    Args:
        n_in, n: input and layer width.
        recurrent: use ``R`` (the recurrent input is the sparse output ``y``).
        thr: initial threshold of every unit.
        exact: use exact sigmoid/tanh instead of the piecewise-linear forms.
    """

    def __init__(
        self,
        n_in: int,
        n: int,
        *,
        recurrent: bool = True,
        thr: float = 0.5,
        exact: bool = False,
    ) -> None:
        super().__init__()
        if not 0.0 <= thr <= 1.0:
            raise ValueError(f"EGRULayer: thr must be in [0, 1], got {thr}.")
        self.n_in, self.n, self.exact = n_in, n, exact
        self.weight = nn.Parameter(torch.empty(3 * n, n_in))
        self.bias_x = nn.Parameter(torch.zeros(3 * n))
        self.bias_r = nn.Parameter(torch.zeros(3 * n))
        nn.init.xavier_uniform_(self.weight)
        self.recurrent_weight = None
        if recurrent:
            self.recurrent_weight = nn.Parameter(torch.empty(3 * n, n))
            nn.init.orthogonal_(self.recurrent_weight)
        self.thr = nn.Parameter(torch.full((n,), float(thr)))
        self._events: torch.Tensor | None = None  # the last forward pass's (``events``)

    def threshold(self) -> torch.Tensor:
        """The thresholds the forward pass uses: clamped to [0, 1]."""
        return self.thr.clamp(0.0, 1.0)

    def forward(self, x: torch.Tensor, frame_steps: int = 1) -> torch.Tensor:
        """Outputs ``y`` ``(batch, n, T)`` (graded events, 0 where silent); one update per step
        (``frame_steps`` does not change the dynamics)."""
        check_sequence("EGRULayer", x, self.n_in)
        sigmoid, tanh = (torch.sigmoid, torch.tanh) if self.exact else (sigmoid_pwl, tanh_pwl)
        wx_all = torch.einsum("oi,bit->bot", self.weight, x) + self.bias_x[None, :, None]
        thr = self.threshold()
        zeros = x.new_zeros(x.shape[0], self.n)
        state = EGRUState(zeros, zeros)
        out, fired = [], []

        def fire(v: torch.Tensor) -> torch.Tensor:
            e = egru_spike(v)
            fired.append(e)
            return e

        for t in range(x.shape[-1]):
            ry = self.bias_r
            if self.recurrent_weight is not None:
                ry = state.y @ self.recurrent_weight.T + ry
            state = step_float(state, wx_all[..., t], ry, thr, fire, sigmoid, tanh)
            out.append(state.y)
        self._events = torch.stack(fired, dim=-1)
        return torch.stack(out, dim=-1)

    def events(self, y: torch.Tensor) -> torch.Tensor:
        """The event indicators ``H(c - thr)`` (with the pseudo-derivative) of the forward pass
        that returned ``y``: the graded ``y`` is 0 exactly where they are."""
        if self._events is None or self._events.shape != y.shape:
            raise ValueError("EGRULayer.events: pass the output of the last forward pass.")
        return self._events


def build_layer(
    index: int,
    n_in: int,
    n: int,
    *,
    generator: torch.Generator | None = None,
    thr: float = 0.5,
    recurrent: bool = True,
    exact: bool = False,
) -> EGRULayer:
    """Layer ``index`` of an EGRU classifier; ``generator`` is unused (the weights come from
    torch's global generator, which the classifier seeds)."""
    return EGRULayer(n_in, n, recurrent=recurrent, thr=thr, exact=exact)

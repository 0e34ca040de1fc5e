"""Spiking LSTM cell (Rao, Plank, Wild, Maass 2022) dynamics: the one place its equations live.

LIF neurons and adaptive neurons with an after-hyperpolarizing (AHP) current in one layer;
``w_ahp = 0`` makes a neuron a plain LIF. ``step_float`` is shared by the torch module
(``lava_sd.torch.SpikingLSTMCell``) and the Lava ``floating_pt`` model; ``step_fixed`` is its
integer twin. Per step, sequentially (``s`` on the right is the last step's spike)::

    i   <- i (1 - du) + a_in                    # synaptic current (du = 1: instantaneous)
    ahp <- ahp (1 - da) - w_ahp s               # AHP current (<= 0), adaptive neurons only
    v   <- v (1 - dv) + i + ahp + bias          # membrane
    v   <- 0 where ref > 0                      # refractory: held at 0, cannot spike
    s    = H(v - vth);  v <- 0 where s
    ref <- n_ref where s, else max(ref - 1, 0)  # steps of refractoriness left

Fixed point: ``i`` and ``ahp`` are currents (Lava's ``u``: D = du + 1, D = da + 1, 24-bit,
wrap), ``v`` a voltage (D = dv, saturates), ``w_ahp`` and ``bias`` in state units (2**6 per
input unit), ``ref`` a small counter. Only numpy is imported here (Lava's model discovery).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

import numpy as np

from lava_sd.fixed_point import ACT_SHIFT, VTH_SHIFT, decay, saturate24, wrap24
from lava_sd.neurons.sigma_delta.dynamics import heaviside, leak


class SpikingLSTMState(NamedTuple):
    """State of a spiking LSTM layer; every field has the population's shape."""

    i: Any  # synaptic current
    ahp: Any  # after-hyperpolarizing current (0 in regular neurons)
    v: Any  # membrane
    ref: Any  # refractory steps left
    s: Any  # spikes of the last step (0/1)


class SpikingLSTMParams(NamedTuple):
    """Parameters, float or integer (see the module docstring for the units)."""

    du: Any
    da: Any
    dv: Any
    w_ahp: Any
    vth: Any
    bias: Any
    n_ref: Any


def ahp_weight(beta: Any, tau_a: Any, tau_v: Any) -> Any:
    """``w_ahp = beta (1/(tau_a tau_v) - 1/tau_a**2)`` (SPEC §4), in the units of ``beta``.

    An AHP current ``-w_ahp`` per spike, low-passed with ``tau_a``, acts on the membrane like
    an LSNN threshold increase of ``beta`` per spike (Rao et al. 2022).
    """
    return beta * (1.0 / (tau_a * tau_v) - 1.0 / tau_a**2)


def step_float(
    state: SpikingLSTMState,
    a_in: Any,
    p: SpikingLSTMParams,
    spike_fn: Callable[[Any], Any] = heaviside,
) -> SpikingLSTMState:
    """One float step (numpy arrays or torch tensors); ``spike_fn`` as in the ΣΔ model.

    ``vth >= 0`` is required: a membrane held at 0 then cannot spike.
    """
    i = leak(state.i, p.du) + a_in
    ahp = leak(state.ahp, p.da) - p.w_ahp * state.s
    refractory = (state.ref > 0) * 1.0
    v = (leak(state.v, p.dv) + i + ahp + p.bias) * (1 - refractory)
    s = spike_fn(v - p.vth)
    ref = s * p.n_ref + (1 - s) * (state.ref - 1).clip(min=0)
    return SpikingLSTMState(i, ahp, v * (1 - s), ref, s)


def step_fixed(
    state: SpikingLSTMState, a_in: np.ndarray, p: SpikingLSTMParams
) -> tuple[SpikingLSTMState, np.ndarray]:
    """One integer step, bit-accurate to ``docs/fixed_point.md``.

    Returns:
        ``(new_state, overflowed)``: int64 state and a mask of neurons where ``i`` or ``ahp``
        wrapped or ``v`` saturated in this step.
    """
    a_in = np.asarray(a_in, dtype=np.int64)
    i, of_i = wrap24(decay(state.i, p.du + 1) + (a_in << ACT_SHIFT))
    ahp, of_a = wrap24(decay(state.ahp, p.da + 1) - p.w_ahp * state.s)
    v, of_v = saturate24(decay(state.v, p.dv) + i + ahp + p.bias)
    v = np.where(state.ref > 0, 0, v)
    s = (v > (p.vth << VTH_SHIFT)).astype(np.int64)
    ref = np.where(s > 0, p.n_ref, np.maximum(state.ref - 1, 0))
    return SpikingLSTMState(i, ahp, np.where(s > 0, 0, v), ref, s), of_i | of_a | of_v

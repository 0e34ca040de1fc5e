"""Spiking LSTM cell (Rao, Plank, Wild, Maass 2022) dynamics: the one place its equations live.

LIF neurons and adaptive neurons with an after-hyperpolarizing (AHP) current in one layer;
``w_ahp = 0`` makes a neuron a plain LIF. ``step_float`` is shared by the torch module
(``lava_sd.models.spiking_lstm.torch.SpikingLSTMCell``) and the Lava ``floating_pt`` model;
``step_fixed`` is its integer twin; ``SPIKING_LSTM_NEURON`` describes the neuron to the layer
framework. Per step, sequentially (``s`` on the right is the last step's spike)::

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

from collections.abc import Callable, Mapping
from typing import Any, NamedTuple

import numpy as np

from lava_sd.fixed_point import (
    ACT_SHIFT,
    STATE_MAX,
    VTH_SHIFT,
    as_int64,
    decay,
    namespace,
    saturate24,
    scaled_bias,
    wrap24,
)
from lava_sd.layer.spec import (
    BIAS,
    INF,
    SPIKE,
    THRESHOLD,
    NeuronSpec,
    VarSpec,
    current_decay,
    state_var,
    summed_input,
    voltage_decay,
)
from lava_sd.spiking import heaviside, leak

REF_MAX = 255


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
    state: SpikingLSTMState, a_in: Any, p: SpikingLSTMParams
) -> tuple[SpikingLSTMState, tuple[Any, ...]]:
    """One integer step, bit-accurate to ``docs/fixed_point.md`` (numpy int64 arrays, or torch
    int64 tensors with the parameters as tensors).

    Returns:
        ``(new_state, overflow)``: int64 state and masks of neurons where ``i`` or ``ahp``
        wrapped or ``v`` saturated in this step.
    """
    a_in = as_int64(a_in, like=state.i)
    i, of_i = wrap24(decay(state.i, p.du + 1) + (a_in << ACT_SHIFT))
    ahp, of_a = wrap24(decay(state.ahp, p.da + 1) - p.w_ahp * state.s)
    v, of_v = saturate24(decay(state.v, p.dv) + i + ahp + p.bias)
    xp = namespace(v)
    v = xp.where(state.ref > 0, 0, v)
    s = as_int64(v > (p.vth << VTH_SHIFT))
    ref = xp.where(s > 0, p.n_ref, (state.ref - 1).clip(min=0))
    return SpikingLSTMState(i, ahp, xp.where(s > 0, 0, v), ref, s), (of_i, of_a, of_v)


def float_params(v: Mapping[str, Any]) -> SpikingLSTMParams:
    """Float ``SpikingLSTMParams`` from the float Vars."""
    return SpikingLSTMParams(
        v["du"], v["da"], v["dv"], v["w_ahp"], v["vth"], v["bias_mant"] * 2.0 ** v["bias_exp"],
        v["n_ref"],
    )  # fmt: skip


def fixed_params(v: Mapping[str, Any]) -> SpikingLSTMParams:
    """Integer (int64) ``SpikingLSTMParams`` from the integer Vars."""
    return SpikingLSTMParams(
        *(np.asarray(v[k], np.int64) for k in ("du", "da", "dv", "w_ahp", "vth")),
        scaled_bias(v["bias_mant"], v["bias_exp"]),
        np.asarray(v["n_ref"], np.int64),
    )


SPIKING_LSTM_NEURON = NeuronSpec(
    name="spiking_lstm",
    state_type=SpikingLSTMState,
    params=(
        current_decay("du", "Current decay", 1.0),
        current_decay("da", "AHP decay"),
        voltage_decay("dv", "Membrane decay"),
        VarSpec("w_ahp", (0, INF), (0, STATE_MAX), 24, "AHP per spike (>= 0; 0 = LIF neuron)."),
        THRESHOLD,
        *BIAS,
        VarSpec(
            "n_ref",
            (0, REF_MAX),
            (0, REF_MAX),
            8,
            "Refractory steps, an integer in [0, 255].",
            1,
            integer=True,
        ),
    ),  # fmt: skip
    states=(
        state_var("i"),
        state_var("ahp"),
        state_var("v"),
        VarSpec("ref", (0, REF_MAX), (0, REF_MAX), 8, "Refractory steps left.", 0.0),
        SPIKE,
    ),
    float_params=float_params,
    fixed_params=fixed_params,
    step_float=summed_input(step_float),
    step_fixed=summed_input(step_fixed),
    overflow_names=("i", "ahp", "v"),
)

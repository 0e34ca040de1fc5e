"""Current-based LIF (Lava's ``LIF``, batched) dynamics: the one place its equations live.

``step_float`` is shared by the torch module (``lava_sd.models.lif.torch.LIFCell``) and the Lava
``floating_pt`` model; ``step_fixed`` is its integer twin; ``LIF_NEURON`` describes the neuron to
the layer framework. Per step (``s`` on the right is the last step's spike)::

    u <- u (1 - du) + a_in                       # synaptic current
    v <- v (1 - dv) + u + bias  [- reset s vth]  # membrane; reset = 1: subtract the threshold
    s  = H(v - vth)
    v <- 0 where s                               # reset = 0 (Lava's LIF): reset to zero

``reset = 0`` is Lava's LIF exactly (fixed point: ``u`` wraps, ``du`` stored as D - 1; ``v``
saturates, ``dv`` is D; input ``<< 6``; spike when ``v > vth << 6``). ``reset = 1`` is snnTorch's
``Leaky`` with subtraction: the stored ``v`` is the membrane before the reset, and the threshold is
subtracted on the next step, undecayed. Only numpy is imported here (Lava's model discovery).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, NamedTuple

import numpy as np

from lava_sd.fixed_point import (
    ACT_SHIFT,
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

RESET_TO_ZERO, RESET_BY_SUBTRACTION = 0, 1


class LIFState(NamedTuple):
    """State of a LIF population; every field has the population's shape."""

    u: Any  # synaptic current
    v: Any  # membrane
    s: Any  # spikes of the last step (0/1)


class LIFParams(NamedTuple):
    """Parameters, float or integer: decays (float fractions; fixed Lava storage), threshold,
    bias (float value units; fixed ``bias_mant << bias_exp`` in state units) and the reset."""

    du: Any
    dv: Any
    vth: Any
    bias: Any
    subtract: bool = False


def step_float(
    state: LIFState, a_in: Any, p: LIFParams, spike_fn: Callable[[Any], Any] = heaviside
) -> LIFState:
    """One float step (numpy arrays or torch tensors); ``spike_fn`` as in every model."""
    u = leak(state.u, p.du) + a_in
    v = leak(state.v, p.dv) + u + p.bias
    if p.subtract:
        v = v - state.s * p.vth
    s = spike_fn(v - p.vth)
    return LIFState(u, v if p.subtract else v * (1 - s), s)


def step_fixed(state: LIFState, a_in: Any, p: LIFParams) -> tuple[LIFState, tuple[Any, ...]]:
    """One integer step, bit-accurate to Lava's LIF (``reset = 0``); numpy int64 arrays, or
    torch int64 tensors with the parameters as tensors.

    Returns:
        ``(new_state, overflow)``: int64 state and masks of neurons where ``u`` wrapped or ``v``
        saturated in this step.
    """
    a_in = as_int64(a_in, like=state.u)
    u, of_u = wrap24(decay(state.u, p.du + 1) + (a_in << ACT_SHIFT))
    vth = p.vth << VTH_SHIFT
    v = decay(state.v, p.dv) + u + p.bias
    if p.subtract:
        v = v - state.s * vth
    v, of_v = saturate24(v)
    s = as_int64(v > vth)
    return LIFState(u, v if p.subtract else namespace(v).where(s > 0, 0, v), s), (of_u, of_v)


def float_params(v: Mapping[str, Any]) -> LIFParams:
    """Float ``LIFParams`` from the float Vars."""
    return LIFParams(
        v["du"], v["dv"], v["vth"], v["bias_mant"] * 2.0 ** v["bias_exp"],
        bool(np.asarray(v["reset"]).flat[0] == RESET_BY_SUBTRACTION),
    )  # fmt: skip


def fixed_params(v: Mapping[str, Any]) -> LIFParams:
    """Integer (int64) ``LIFParams`` from the integer Vars."""
    return LIFParams(
        *(np.asarray(v[k], np.int64) for k in ("du", "dv", "vth")),
        scaled_bias(v["bias_mant"], v["bias_exp"]),
        bool(np.asarray(v["reset"]).flat[0] == RESET_BY_SUBTRACTION),
    )


LIF_NEURON = NeuronSpec(
    name="lif",
    state_type=LIFState,
    params=(
        current_decay("du", "Current decay"),
        voltage_decay("dv", "Membrane decay"),
        THRESHOLD,
        *BIAS,
        VarSpec(
            "reset",
            (0, 1),
            (0, 1),
            1,
            "0: reset to zero (Lava's LIF), 1: subtract vth.",
            RESET_TO_ZERO,
            "scalar",
            integer=True,
        ),
    ),  # fmt: skip
    states=(state_var("u"), state_var("v"), SPIKE),
    float_params=float_params,
    fixed_params=fixed_params,
    step_float=summed_input(step_float),
    step_fixed=summed_input(step_fixed),
    overflow_names=("u", "v"),
)

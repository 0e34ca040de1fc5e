"""ΣΔ neuron dynamics: the one place its update equations live.

``step_float`` is shared by the torch module (``lava_sd.models.sigma_delta.torch``) and the Lava
``floating_pt`` model; ``step_fixed`` is its integer twin used by the ``fixed_pt`` model.
``SIGMA_DELTA`` describes the neuron to the layer framework (``lava_sd.layer``).
Per step, sequentially (each line uses the values just computed above it; ``s`` on the right is
the neuron's own spike of the previous step)::

    i_in <- i_in (1 - du_in) + a_in                      # synaptic current; wraps (fixed)
    i_ip <- max(0, i_ip (1 - du_ip) + i_in + bias)      # second low-pass stage; saturates
    i_fb <- i_fb (1 - du_fb) + w_fb s                   # negative self-feedback; wraps
    v    <- max(0, v (1 - dv) + i_ip + i_fb)            # rectified membrane; saturates
    s     = H(v - vth);  v <- 0 where s

Float decays are fractions ``1 / tau`` in [0, 1]. Fixed decays use Lava's storage: the three
currents ``du`` with effective ``D = du + 1``, the voltage ``dv`` with ``D = dv``; the input is
shifted left by 6 into ``i_in`` and the threshold compares against ``vth << 6``.
Only numpy is imported here: this module is executed by Lava's model discovery.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
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
    squeeze_constant,
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


class SigmaDeltaState(NamedTuple):
    """State of a ΣΔ population; every field has the population's shape."""

    i_in: Any
    i_ip: Any
    i_fb: Any
    v: Any
    s: Any  # spikes of the last step (0/1)


class FloatParams(NamedTuple):
    """Float parameters: decays are fractions ``1/tau`` in [0, 1]; ``bias`` in value units."""

    du_in: Any
    du_ip: Any
    du_fb: Any
    dv: Any
    w_fb: Any
    vth: Any
    bias: Any


class FixedParams(NamedTuple):
    """Integer parameters: ``du_*`` in [0, 4095] (D = du + 1), ``dv`` in [0, 4096] (D = dv),
    ``w_fb`` and ``bias`` in state units (2**6 per input unit), ``vth`` in input units."""

    du_in: np.ndarray
    du_ip: np.ndarray
    du_fb: np.ndarray
    dv: np.ndarray
    w_fb: np.ndarray
    vth: np.ndarray
    bias: np.ndarray


def fixed_params(
    du_in: Any,
    du_ip: Any,
    du_fb: Any,
    dv: Any,
    w_fb: Any,
    vth: Any,
    bias_mant: Any,
    bias_exp: Any,
) -> FixedParams:
    """``FixedParams`` (int64, ``bias = bias_mant << bias_exp``) from Lava's integer storage.

    Each array is reduced to a single entry along every axis on which it is constant: it
    broadcasts to the same values, and a uniform parameter then costs a scalar operation per
    step instead of one over the whole population.
    """
    values = (du_in, du_ip, du_fb, dv, w_fb, vth, scaled_bias(bias_mant, bias_exp))
    return FixedParams(*(squeeze_constant(np.asarray(v, dtype=np.int64)) for v in values))


def feedback_float(i_fb: Any, s: Any, du_fb: Any, w_fb: Any) -> Any:
    """Float self-feedback update ``i_fb (1 - du_fb) + w_fb s``; also the spike decoder."""
    return leak(i_fb, du_fb) + w_fb * s


def feedback_fixed(i_fb: Any, s: Any, du_fb: Any, w_fb: Any) -> tuple[Any, Any]:
    """Integer self-feedback update (wraps at 24 bits); returns ``(i_fb, overflowed)``."""
    return wrap24(decay(i_fb, du_fb + 1) + w_fb * s)


def step_float(
    state: SigmaDeltaState,
    a_in: Any,
    p: FloatParams,
    spike_fn: Callable[[Any], Any] = heaviside,
) -> SigmaDeltaState:
    """One float step. Works on numpy arrays and torch tensors alike.

    Args:
        state: previous state.
        a_in: synaptic input of this step (already weighted), population shape.
        p: float parameters.
        spike_fn: Heaviside function; the torch module passes one with a surrogate gradient.

    Returns:
        The new state; ``state.s`` holds this step's spikes.
    """
    i_in = leak(state.i_in, p.du_in) + a_in
    i_ip = (leak(state.i_ip, p.du_ip) + i_in + p.bias).clip(min=0)
    i_fb = feedback_float(state.i_fb, state.s, p.du_fb, p.w_fb)
    v = (leak(state.v, p.dv) + i_ip + i_fb).clip(min=0)
    s = spike_fn(v - p.vth)
    return SigmaDeltaState(i_in, i_ip, i_fb, v * (1 - s), s)


def step_fixed(
    state: SigmaDeltaState, a_in: Any, p: FixedParams
) -> tuple[SigmaDeltaState, tuple[Any, ...]]:
    """One integer step, bit-accurate to the rules in ``docs/fixed_point.md`` (numpy int64
    arrays, or torch int64 tensors with the parameters as tensors).

    Args:
        state: previous state (integer arrays).
        a_in: integer synaptic input of this step (e.g. a ``Dense`` output).
        p: integer parameters.

    Returns:
        ``(new_state, overflow)``: the state as int64 and, for ``i_in``, ``i_ip``, ``i_fb`` and
        ``v``, a boolean mask of neurons where it wrapped or saturated in this step.
    """
    a_in = as_int64(a_in, like=state.i_in)
    i_in, of_in = wrap24(decay(state.i_in, p.du_in + 1) + (a_in << ACT_SHIFT))
    i_ip, of_ip = saturate24(decay(state.i_ip, p.du_ip + 1) + i_in + p.bias)
    i_ip = i_ip.clip(min=0)
    i_fb, of_fb = feedback_fixed(state.i_fb, state.s, p.du_fb, p.w_fb)
    v, of_v = saturate24(decay(state.v, p.dv) + i_ip + i_fb)
    v = v.clip(min=0)
    spiking = v > (p.vth << VTH_SHIFT)
    xp = namespace(v)
    new = SigmaDeltaState(i_in, i_ip, i_fb, xp.where(spiking, 0, v), as_int64(spiking))
    return new, (of_in, of_ip, of_fb, of_v)


def float_params(v: Mapping[str, Any]) -> FloatParams:
    """``FloatParams`` from the float Vars (``bias = bias_mant * 2**bias_exp``)."""
    return FloatParams(
        v["du_in"], v["du_ip"], v["du_fb"], v["dv"], v["w_fb"], v["vth"],
        v["bias_mant"] * 2.0 ** v["bias_exp"],
    )  # fmt: skip


def fixed_params_from_vars(v: Mapping[str, Any]) -> FixedParams:
    """``FixedParams`` from the integer Vars (``fixed_params``)."""
    return fixed_params(*(v[key] for key in PARAM_NAMES))


def decoded(state: SigmaDeltaState) -> Any:
    """The value a ΣΔ neuron encodes: ``-i_fb`` (the low-passed, scaled spike train)."""
    return -state.i_fb


PARAM_NAMES = ("du_in", "du_ip", "du_fb", "dv", "w_fb", "vth", "bias_mant", "bias_exp")
SIGMA_DELTA = NeuronSpec(
    name="sigma_delta",
    state_type=SigmaDeltaState,
    params=(
        current_decay("du_in", "Input current decay", 1.0),
        current_decay("du_ip", "Second low-pass decay", 1.0),
        current_decay("du_fb", "Feedback decay", 1 / 16),
        voltage_decay("dv", "Membrane decay", 1.0),
        VarSpec(
            "w_fb",
            (-INF, 0),
            (-STATE_MAX, 0),
            24,
            "The self-feedback must be negative (ΣΔ).",
            -1 / 16,
        ),
        replace(
            THRESHOLD,
            default=0.0,
            hint="The membrane is rectified (v >= 0): a negative "
            "threshold would fire every step; fixed: v > vth << 6.",
        ),
        *BIAS,
    ),  # fmt: skip
    states=tuple(state_var(name) for name in ("i_in", "i_ip", "i_fb", "v")) + (SPIKE,),
    float_params=float_params,
    fixed_params=fixed_params_from_vars,
    step_float=summed_input(step_float),
    step_fixed=summed_input(step_fixed),
    overflow_names=("i_in", "i_ip", "i_fb", "v"),
    decoded=decoded,
)

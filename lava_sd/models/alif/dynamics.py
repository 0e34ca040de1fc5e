"""Adaptive LIF (SE-adLIF, Baronig et al. 2024) dynamics: the one place its equations live.

``step_float`` is shared by the torch module (``lava_sd.models.alif.torch.ALIFCell``) and the
Lava ``floating_pt`` model; ``step_fixed`` is its integer twin used by the ``fixed_pt`` model;
``ALIF_NEURON`` describes the neuron to the layer framework.
Per step, sequentially (``v``, ``s`` on the right of the last line are the values just
computed in the symplectic-Euler form, the previous step's in the Euler-forward form)::

    i <- i (1 - du) + a_in                      # synaptic current (du = 1: instantaneous)
    v <- v (1 - dv) + i + bias - w              # membrane
    s  = H(v - vth);  v <- 0 where s            # spike, reset before the adaptation update
    w <- w (1 - dw) + a_w v + b_w s             # adaptation

This is the paper's update (SPEC §3) with ``(1 - alpha)`` folded into the input, as Lava's
LIF has no multiply by ``(1 - alpha)``: with ``dv = 1 - alpha``, ``dw = 1 - beta``,
``i = (1 - alpha) I``, ``w = (1 - alpha) w_paper``, ``a_w = (1 - beta)(1 - alpha) q a`` and
``b_w = (1 - beta)(1 - alpha) q b`` the membrane is exactly the paper's ``u`` (``ALIFConfig``
does the mapping). Fixed point: ``i`` wraps like Lava's ``u`` (``du``: D = du + 1), ``v``
saturates like Lava's ``v`` (``dv``: D = dv), ``w`` saturates and uses voltage storage
(``dw``: D = dw); ``a_w`` is a 12-bit fraction, ``a_w v`` is ``sign(a_w v)(|a_w v| >> 12)``;
``b_w`` is in state units. With ``a_w = b_w = 0`` the integer model is Lava's LIF.
Only numpy is imported here: this module is executed by Lava's model discovery.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, NamedTuple

import numpy as np

from lava_sd.fixed_point import (
    ACT_SHIFT,
    DECAY_UNITY,
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


class ALIFState(NamedTuple):
    """State of an ALIF population; every field has the population's shape."""

    i: Any  # synaptic current
    v: Any  # membrane (the paper's u)
    w: Any  # adaptation, scaled by (1 - alpha)
    s: Any  # spikes of the last step (0/1)


class ALIFFloatParams(NamedTuple):
    """Float parameters: decays are fractions in [0, 1]; the rest in value units."""

    du: Any
    dv: Any
    dw: Any
    a_w: Any
    b_w: Any
    vth: Any
    bias: Any
    symplectic: bool = True


class ALIFFixedParams(NamedTuple):
    """Integer parameters: ``du`` in [0, 4095] (D = du + 1), ``dv`` and ``dw`` in [0, 4096]
    (D = dv, dw), ``a_w`` in [0, 4096] (fraction a_w / 4096), ``b_w`` and ``bias`` in state
    units (2**6 per input unit), ``vth`` in input units."""

    du: np.ndarray
    dv: np.ndarray
    dw: np.ndarray
    a_w: np.ndarray
    b_w: np.ndarray
    vth: np.ndarray
    bias: np.ndarray
    symplectic: bool = True


def scale12(x: Any, m: Any) -> Any:
    """Integer product ``sign(x m) (|x m| >> 12)`` (a 12-bit fraction ``m / 4096``)."""
    return decay(x, DECAY_UNITY - as_int64(m, like=x))


def step_float(
    state: ALIFState,
    a_in: Any,
    p: ALIFFloatParams,
    spike_fn: Callable[[Any], Any] = heaviside,
) -> ALIFState:
    """One float step (numpy arrays or torch tensors).

    Args:
        state: previous state.
        a_in: synaptic input of this step (already weighted), population shape.
        p: float parameters; ``p.symplectic = False`` selects Euler-forward.
        spike_fn: Heaviside function; the torch module passes one with a surrogate gradient.

    Returns:
        The new state; ``state.s`` holds this step's spikes.
    """
    i = leak(state.i, p.du) + a_in
    v = leak(state.v, p.dv) + i + p.bias - state.w
    s = spike_fn(v - p.vth)
    v = v * (1 - s)
    v_src, s_src = (v, s) if p.symplectic else (state.v, state.s)
    w = leak(state.w, p.dw) + p.a_w * v_src + p.b_w * s_src
    return ALIFState(i, v, w, s)


def step_fixed(
    state: ALIFState, a_in: Any, p: ALIFFixedParams
) -> tuple[ALIFState, tuple[Any, ...]]:
    """One integer step, bit-accurate to the rules in ``docs/fixed_point.md`` (numpy int64
    arrays, or torch int64 tensors with the parameters as tensors).

    Args:
        state: previous state (integer arrays).
        a_in: integer synaptic input of this step (e.g. a ``Dense`` output).
        p: integer parameters.

    Returns:
        ``(new_state, overflow)``: the state as int64 and, for ``i``, ``v`` and ``w``, a boolean
        mask of neurons where it wrapped or saturated in this step.
    """
    a_in = as_int64(a_in, like=state.i)
    i, of_i = wrap24(decay(state.i, p.du + 1) + (a_in << ACT_SHIFT))
    v, of_v = saturate24(decay(state.v, p.dv) + i + p.bias - state.w)
    s = as_int64(v > (p.vth << VTH_SHIFT))
    v = namespace(v).where(s > 0, 0, v)
    v_src, s_src = (v, s) if p.symplectic else (state.v, state.s)
    w, of_w = saturate24(decay(state.w, p.dw) + scale12(v_src, p.a_w) + p.b_w * s_src)
    return ALIFState(i, v, w, s), (of_i, of_v, of_w)


def fold(alpha: Any, beta: Any, a: Any, b: Any, q: Any) -> dict[str, Any]:
    """The paper's parameters (SPEC §3) as the folded ones of ``step_float``.

    ``u_t = alpha u + (1 - alpha)(I - w)`` and ``w_t = beta w + (1 - beta) q (a u + b z)``
    become ``dv = 1 - alpha``, ``dw = 1 - beta``, ``a_w = (1 - beta)(1 - alpha) q a``,
    ``b_w = (1 - beta)(1 - alpha) q b``; the input, the bias and ``w`` are multiplied by
    ``gain = 1 - alpha``. Plain arithmetic: works on floats, numpy arrays and torch tensors.
    """
    dv, dw = 1 - alpha, 1 - beta
    return {"dv": dv, "dw": dw, "a_w": dw * dv * q * a, "b_w": dw * dv * q * b, "gain": dv}


def float_params(v: Mapping[str, Any]) -> ALIFFloatParams:
    """``ALIFFloatParams`` from the float Vars."""
    return ALIFFloatParams(
        v["du"], v["dv"], v["dw"], v["a_w"], v["b_w"], v["vth"],
        v["bias_mant"] * 2.0 ** v["bias_exp"], bool(np.asarray(v["symplectic"]).flat[0]),
    )  # fmt: skip


def fixed_params(v: Mapping[str, Any]) -> ALIFFixedParams:
    """``ALIFFixedParams`` (int64) from the integer Vars."""
    return ALIFFixedParams(
        *(np.asarray(v[k], np.int64) for k in ("du", "dv", "dw", "a_w", "b_w", "vth")),
        scaled_bias(v["bias_mant"], v["bias_exp"]),
        bool(np.asarray(v["symplectic"]).flat[0]),
    )


ALIF_NEURON = NeuronSpec(
    name="alif",
    state_type=ALIFState,
    params=(
        current_decay("du", "Current decay", 1.0),
        voltage_decay("dv", "Membrane decay 1 - alpha"),
        voltage_decay("dw", "Adaptation decay 1 - beta"),
        VarSpec(
            "a_w", (0, INF), (0, DECAY_UNITY), 13, "a_w >= 0 (a in [0, 1]); fixed: 12-bit fraction."
        ),
        VarSpec("b_w", (0, INF), (0, STATE_MAX), 24, "b_w >= 0 (b in [0, 2]); fixed: state units."),
        THRESHOLD,
        *BIAS,
        VarSpec(
            "symplectic",
            (0, 1),
            (0, 1),
            1,
            "1: symplectic Euler, 0: Euler-forward.",
            1,
            "scalar",
            integer=True,
        ),
    ),  # fmt: skip
    states=(state_var("i"), state_var("v"), state_var("w"), SPIKE),
    float_params=float_params,
    fixed_params=fixed_params,
    step_float=summed_input(step_float),
    step_fixed=summed_input(step_fixed),
    overflow_names=("i", "v", "w"),
)

"""L2MU (spiking Legendre Memory Unit; Fra et al. 2024) dynamics: the one place its equations live.

``step_float`` is shared by the torch module (``lava_sd.models.l2mu.torch.L2MULayer``) and the
Lava ``floating_pt`` model; ``step_fixed`` is its integer twin; ``L2MU_NEURON`` describes the
cell to the layer framework. A cell of ``n`` units has ``M = memory`` input neurons and ``M d``
memory neurons (``d = order``; memory channel ``c``, Legendre index ``i`` -> ``c d + i``), every
one a LIF neuron (``lava_sd.models.lif.dynamics``). The layer's fused synapses give
``drive = [e_x; W_x] x_t`` and ``recurrent = [e_h; W_h] s_h[t-1]`` (``M + n`` rows); per step::

    I_u = drive_u + recurrent_u + e_m s_m[t-1];      s_u = LIF_u(I_u)
    I_m = Ad s_m[t-1] + Bd s_u   (per channel);     s_m = LIF_m(I_m)
    I_h = drive_h + recurrent_h + W_m s_m;           s_h = LIF_h(I_h)

    LIF_p: u <- u (1 - du_p) + I;  v <- v (1 - dv_p) + u [- s_prev vth_p];  s = H(v - vth_p)

with ``du_p = 1`` (no synaptic memory: snnTorch's ``Leaky``, ``beta = 1 - dv_p``) by default and
the reset of every population by subtraction (``reset = 1``, the paper) or to zero (``reset = 0``,
Lava's LIF). ``Ad``, ``Bd`` are the Legendre delay system (``legendre.legendre_memory``), applied
as ``Ad m`` (keras-lmu; the authors' code computes ``Ad^T m``, see ``docs/l2mu.md``).

Fixed point: each population is Lava's LIF exactly (``lif.dynamics.step_fixed``, input ``<< 6``,
spike when ``v > vth << 6``); every internal matrix is a Lava ``Dense`` on binary spikes (8-bit
mantissas, one exponent per matrix: ``layer.synapses.dense_fixed``). ``Ad`` is two such Dense
connections, ``ad + ad_rest`` (the mapping puts what 8 bits of ``Ad`` miss into ``ad_rest``:
with one 8-bit term the memory's slow poles move, and the trained cell loses several points,
docs/l2mu.md); in float ``ad + ad_rest`` is used as one matrix. Only numpy is imported here:
Lava's model discovery executes the modules that import it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import Any, NamedTuple

import numpy as np

from lava_sd.fixed_point import as_int64, namespace
from lava_sd.layer.spec import (
    INF,
    SPIKE,
    THRESHOLD,
    NeuronSpec,
    Population,
    VarSpec,
    current_decay,
    state_var,
    voltage_decay,
)
from lava_sd.layer.synapses import dense_fixed, fixed_weights
from lava_sd.models.lif import dynamics as lif
from lava_sd.models.lif.dynamics import LIFParams, LIFState
from lava_sd.spiking import heaviside

POPULATIONS = ("u", "m", "h")  # input, memory, units: the order of the Vars' suffixes


class L2MUState(NamedTuple):
    """State of an L2MU cell: each population's LIF state (``u``, ``v``, ``s``)."""

    u_u: Any  # input population (..., M)
    v_u: Any
    s_u: Any
    u_m: Any  # memory population (..., M d)
    v_m: Any
    s_m: Any
    u: Any  # units (..., n): the cell's output s
    v: Any
    s: Any


class L2MUParams(NamedTuple):
    """Parameters, float or integer: sizes, each population's LIF parameters and the internal
    matrices (fixed point: Lava-ready 8-bit weights and their exponents; float: exponents 0)."""

    memory: int
    order: int
    lif_u: LIFParams
    lif_m: LIFParams
    lif_h: LIFParams
    enc_m: Any  # (M, M d): memory -> input population
    ad: Any  # (d, d): memory -> memory, within a channel
    ad_rest: Any  # (d, d): a second Dense of the same synapses (fixed: what 8 bits of ad miss)
    bd: Any  # (d, 1): input neuron c -> its channel's memory
    w_m: Any  # (n, M d): memory -> units
    exps: tuple[int, ...] = (0, 0, 0, 0, 0)  # of enc_m, ad, ad_rest, bd, w_m


def _populations(state: L2MUState) -> tuple[LIFState, LIFState, LIFState]:
    return LIFState(*state[0:3]), LIFState(*state[3:6]), LIFState(*state[6:9])


def _channels(x: Any, memory: int) -> Any:
    """``(..., M k)`` -> ``(..., M, k)``: one row per memory channel (numpy or torch)."""
    return x.reshape(*x.shape[:-1], memory, x.shape[-1] // memory)


def _merge(x: Any) -> Any:
    """``(..., M, d)`` -> ``(..., M d)``."""
    return x.reshape(*x.shape[:-2], x.shape[-2] * x.shape[-1])


def step_float(
    state: L2MUState,
    drive: Any,
    recurrent: Any,
    p: L2MUParams,
    spike_fn: Callable[[Any], Any] = heaviside,
) -> L2MUState:
    """One float step (numpy arrays or torch tensors); ``spike_fn`` as in every model."""
    pop_u, pop_m, pop_h = _populations(state)
    total = drive if recurrent is None else drive + recurrent
    m = p.memory
    i_u = total[..., :m] + pop_m.s @ p.enc_m.T
    new_u = lif.step_float(pop_u, i_u, p.lif_u, spike_fn)
    ad = p.ad + p.ad_rest
    i_m = _merge(_channels(pop_m.s, m) @ ad.T + _channels(new_u.s, m) @ p.bd.T)
    new_m = lif.step_float(pop_m, i_m, p.lif_m, spike_fn)
    i_h = total[..., m:] + new_m.s @ p.w_m.T
    new_h = lif.step_float(pop_h, i_h, p.lif_h, spike_fn)
    return L2MUState(*new_u, *new_m, *new_h)


def _dense(s: Any, weights: Any, exp: int) -> Any:
    """Lava ``Dense`` on binary spikes ``s`` (..., k): ``(s @ W.T) << exp``."""
    flat = s.reshape(-1, s.shape[-1])
    return dense_fixed(flat, weights, exp, 0).reshape(*s.shape[:-1], weights.shape[0])


def step_fixed(
    state: L2MUState, drive: Any, recurrent: Any, p: L2MUParams
) -> tuple[L2MUState, tuple[Any, ...]]:
    """One integer step: Lava ``Dense`` synapses into three Lava LIF populations (numpy int64
    arrays, or torch int64 tensors with the parameters and matrices as tensors).

    Returns:
        ``(new_state, overflow)`` with the masks of ``OVERFLOW_NAMES``.
    """
    pop_u, pop_m, pop_h = _populations(state)
    total = as_int64(drive, like=state.u) + (0 if recurrent is None else recurrent)
    m = p.memory
    e_enc, e_ad, e_rest, e_bd, e_w = p.exps
    i_u = total[..., :m] + _dense(pop_m.s, p.enc_m, e_enc)
    new_u, (of_uu, of_vu) = lif.step_fixed(pop_u, i_u, p.lif_u)
    s_m = _channels(pop_m.s, m)
    i_m = _merge(_dense(s_m, p.ad, e_ad)) + _merge(_dense(s_m, p.ad_rest, e_rest))
    i_m = i_m + _merge(_dense(_channels(new_u.s, m), p.bd, e_bd))
    new_m, (of_um, of_vm) = lif.step_fixed(pop_m, i_m, p.lif_m)
    i_h = total[..., m:] + _dense(new_m.s, p.w_m, e_w)
    new_h, (of_u, of_v) = lif.step_fixed(pop_h, i_h, p.lif_h)
    return L2MUState(*new_u, *new_m, *new_h), (of_uu, of_vu, of_um, of_vm, of_u, of_v)


OVERFLOW_NAMES = ("u_u", "v_u", "u_m", "v_m", "u", "v")


def overflow_mask(flags: tuple[Any, ...]) -> Any:
    """Per neuron, units first, then the input and memory populations (``spike_count``'s
    order): any overflow in this step."""
    of_uu, of_vu, of_um, of_vm, of_u, of_v = flags
    return namespace(of_u).concatenate([of_u | of_v, of_uu | of_vu, of_um | of_vm], axis=-1)


def _lif_params(v: Mapping[str, Any], suffix: str, fixed: bool) -> LIFParams:
    keys = [f"{k}{suffix}" for k in ("du", "dv", "vth")]
    subtract = bool(np.asarray(v["reset"]).flat[0] == lif.RESET_BY_SUBTRACTION)
    if fixed:
        du, dv, vth = (np.asarray(v[k], np.int64) for k in keys)
        return LIFParams(du, dv, vth, 0, subtract)
    return LIFParams(*(v[k] for k in keys), 0.0, subtract)


def _sizes(v: Mapping[str, Any]) -> tuple[int, int]:
    return int(np.asarray(v["memory"]).flat[0]), int(np.asarray(v["order"]).flat[0])


def float_params(v: Mapping[str, Any]) -> L2MUParams:
    """Float ``L2MUParams`` from the float Vars."""
    return L2MUParams(
        *_sizes(v), *(_lif_params(v, s, False) for s in ("_u", "_m", "")),
        *(np.asarray(v[k], float) for k in MATRICES),
    )  # fmt: skip


def fixed_params(v: Mapping[str, Any]) -> L2MUParams:
    """Integer ``L2MUParams`` from the integer Vars (weights as Lava's ``Dense`` uses them)."""
    return L2MUParams(
        *_sizes(v), *(_lif_params(v, s, True) for s in ("_u", "_m", "")),
        *(fixed_weights(np.asarray(v[k])) for k in MATRICES),
        tuple(int(np.asarray(v[f"{k}_exp"]).flat[0]) for k in MATRICES),
    )  # fmt: skip


MATRICES = ("enc_m", "ad", "ad_rest", "bd", "w_m")
_SHAPES = {
    "enc_m": lambda n, m, d: (m, m * d),
    "ad": lambda n, m, d: (d, d),
    "ad_rest": lambda n, m, d: (d, d),
    "bd": lambda n, m, d: (d, 1),
    "w_m": lambda n, m, d: (n, m * d),
}


def _matrix(name: str, hint: str) -> tuple[VarSpec, VarSpec]:
    shape = _SHAPES[name]
    weights = VarSpec(
        name, (-INF, INF), (-256, 255), 8, f"{hint}; fixed: an 8-bit Dense mantissa.", 0.0,
        lambda batch, n, dims: shape(n, dims["memory"], dims["order"]),
    )  # fmt: skip
    exp = VarSpec(f"{name}_exp", (-24, 24), (-24, 24), 5, f"Exponent of {name}.", 0, "scalar",
                  integer=True)  # fmt: skip
    return weights, exp


def _population_params(suffix: str, what: str) -> tuple[VarSpec, ...]:
    """``du``, ``dv`` and ``vth`` of a population: one value for the whole population."""
    return tuple(
        replace(var, shape="scalar")
        for var in (
            current_decay(f"du{suffix}", f"{what} current decay (1 for snnTorch's Leaky)"),
            voltage_decay(f"dv{suffix}", f"{what} membrane decay 1 - beta"),
            replace(THRESHOLD, name=f"vth{suffix}", hint=f"{what} threshold; fixed: v > vth << 6."),
        )
    )


def _states(suffix: str, shape: Callable[..., tuple[int, ...]]) -> tuple[VarSpec, ...]:
    """``u``, ``v``, ``s`` of a population of ``shape``."""
    return tuple(
        replace(var, name=f"{var.name}{suffix}", shape=shape)
        for var in (state_var("u"), state_var("v"), SPIKE)
    )


def _input_shape(batch: tuple[int, ...], n: int, dims: Mapping[str, int]) -> tuple[int, ...]:
    return (*batch, dims["memory"])


def _memory_shape(batch: tuple[int, ...], n: int, dims: Mapping[str, int]) -> tuple[int, ...]:
    return (*batch, dims["memory"] * dims["order"])


SIZE_HINT = "A whole number >= 1."
L2MU_NEURON = NeuronSpec(
    name="l2mu",
    state_type=L2MUState,
    params=(
        VarSpec(
            "memory",
            (1, INF),
            (1, INF),
            24,
            f"Memory channels M: {SIZE_HINT}",
            None,
            "scalar",
            integer=True,
        ),
        VarSpec(
            "order",
            (1, INF),
            (1, INF),
            24,
            f"Legendre order d: {SIZE_HINT}",
            None,
            "scalar",
            integer=True,
        ),
        *_population_params("_u", "Input population"),
        *_population_params("_m", "Memory population"),
        *_population_params("", "Units"),
        VarSpec(
            "reset",
            (0, 1),
            (0, 1),
            1,
            "1: subtract vth (the paper), 0: reset to zero (Lava's LIF).",
            lif.RESET_BY_SUBTRACTION,
            "scalar",
            integer=True,
        ),
        *_matrix("enc_m", "Encoder of the memory into the input population"),
        *_matrix("ad", "Legendre state matrix Ad"),
        *_matrix("ad_rest", "Second Dense term of Ad (fixed point: its remainder)"),
        *_matrix("bd", "Legendre input matrix Bd"),
        *_matrix("w_m", "Memory -> units weights"),
    ),  # fmt: skip
    states=(
        *_states("_u", _input_shape),
        *_states("_m", _memory_shape),
        state_var("u"),
        state_var("v"),
        SPIKE,
    ),  # fmt: skip
    float_params=float_params,
    fixed_params=fixed_params,
    step_float=step_float,
    step_fixed=step_fixed,
    overflow_names=OVERFLOW_NAMES,
    dims=("memory", "order"),
    rows=lambda n, dims: dims["memory"] + n,
    populations=(
        Population(
            "s_u",
            size=lambda n, dims: dims["memory"],
            fan_out=lambda n, dims: dims["order"],
            fan_in=lambda inputs, n, dims: inputs + dims["memory"] * dims["order"],
            states=("u_u", "v_u", "s_u"),
        ),
        Population(
            "s_m",
            size=lambda n, dims: dims["memory"] * dims["order"],
            fan_out=lambda n, dims: 2 * dims["order"] + dims["memory"] + n,
            fan_in=lambda inputs, n, dims: 2 * dims["order"] + 1,
            states=("u_m", "v_m", "s_m"),
        ),
    ),
    unit_fan_in=lambda n, dims: dims["memory"] * dims["order"],
    overflow_mask=overflow_mask,
)
"""The L2MU cell for the layer framework. Events: the units, then the input population (each
event reaches its channel's ``d`` memory neurons through ``Bd``), then the memory population
(``2 d`` through the two Dense terms of ``Ad``, ``M`` through ``e_m``, ``n`` through ``W_m``)."""

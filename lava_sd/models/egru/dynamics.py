"""EGRU (event-based GRU; Subramoney et al. 2023) dynamics: the one place its equations live.

``step_float`` is shared by the torch module (``lava_sd.models.egru.torch.EGRULayer``) and the
Lava ``floating_pt`` model; ``step_fixed`` is its integer twin; ``EGRU_NEURON`` describes the
unit to the layer framework (the layer adds the gate biases: ``wx = drive + b_W``,
``ry = recurrent + b_R``). Given the gate inputs of this step,
``wx = W x_t + b_W`` and ``ry = R y_{t-1} + b_R`` (each ``(..., 3n)``: update, reset, candidate)::

    u = sigmoid(wx_u + ry_u);  r = sigmoid(wx_r + ry_r);  g = tanh(wx_g + r ry_g)
    c <- u c + (1 - u) g
    e  = H(c - thr);  y = e c            # graded event carrying the pre-reset state
    c <- c - e thr                       # reset by subtraction

The recurrent input is the sparse output ``y``, not ``c``. ``sigmoid`` and ``tanh`` are the
hardware-friendly piecewise-linear forms below (power-of-two slopes: shifts and adds), in torch,
in Lava float and, on a Q12 integer grid, in Lava fixed point::

    sigmoid_pwl(x) = 1/2 + x/4 - 1/8 k(x, 1) - 3/32 k(x, 5/2) - 1/32 k(x, 9/2)
    k(x, a) = relu(x - a) - relu(-x - a)                  # odd hinge pair at +-a
    tanh_pwl(x) = 2 sigmoid_pwl(2 x) - 1

Only numpy is imported here: this module is executed by Lava's model discovery.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, NamedTuple

import numpy as np

from lava_sd.fixed_point import STATE_MAX, as_int64, namespace, saturate24
from lava_sd.layer.spec import INF, NeuronSpec, VarSpec, state_var
from lava_sd.spiking import heaviside

FRAC_BITS = 12  # fixed point: Q12, 1.0 = 4096
ONE = 1 << FRAC_BITS
# (breakpoint, slope change) of sigmoid_pwl's hinges, slopes as powers of two (3/32 = 1/16 + 1/32)
SIGMOID_HINGES = ((1.0, 1 / 8), (2.5, 3 / 32), (4.5, 1 / 32))


class EGRUState(NamedTuple):
    """State of an EGRU layer; each field ``(..., n)``."""

    c: Any  # internal state after the reset
    y: Any  # this step's graded output (0 where no event)


def _hinge(x: Any, a: float) -> Any:
    """The odd hinge pair ``relu(x - a) - relu(-x - a)`` (float, or integer with integer a)."""
    return (x - a).clip(min=0) - (-x - a).clip(min=0)


def sigmoid_pwl(x: Any) -> Any:
    """Piecewise-linear sigmoid (numpy or torch): exact 1/2 at 0, 0 and 1 beyond +-4.5."""
    y = 0.5 + 0.25 * x
    for a, slope in SIGMOID_HINGES:
        y = y - slope * _hinge(x, a)
    return y


def tanh_pwl(x: Any) -> Any:
    """Piecewise-linear tanh ``2 sigmoid_pwl(2x) - 1`` (numpy or torch)."""
    return 2 * sigmoid_pwl(2 * x) - 1


def split_gates(z: Any) -> tuple[Any, Any, Any]:
    """``(update, reset, candidate)`` thirds of the last axis of ``z``."""
    n = z.shape[-1] // 3
    return z[..., :n], z[..., n : 2 * n], z[..., 2 * n :]


def step_float(
    state: EGRUState,
    wx: Any,
    ry: Any,
    thr: Any,
    spike_fn: Callable[[Any], Any] = heaviside,
    sigmoid: Callable[[Any], Any] = sigmoid_pwl,
    tanh: Callable[[Any], Any] = tanh_pwl,
) -> EGRUState:
    """One float step (numpy arrays or torch tensors).

    Args:
        state: previous state.
        wx: ``W x_t + b_W``, ``(..., 3n)``.
        ry: ``R y_{t-1} + b_R``, ``(..., 3n)``.
        thr: per-unit threshold in [0, 1].
        spike_fn: Heaviside; the torch module passes one with the EGRU pseudo-derivative.
        sigmoid, tanh: gate nonlinearities (default: the piecewise-linear forms).
    """
    xu, xr, xg = split_gates(wx)
    hu, hr, hg = split_gates(ry)
    u = sigmoid(xu + hu)
    r = sigmoid(xr + hr)
    g = tanh(xg + r * hg)
    c = u * state.c + (1 - u) * g
    e = spike_fn(c - thr)
    return EGRUState(c - e * thr, e * c)


def sigmoid_fixed(x: Any) -> Any:
    """``sigmoid_pwl`` on the Q12 grid with shifts (floor) and adds, clamped to [0, 4096] (the
    floors of the four terms could otherwise overshoot the ends by up to 3 LSB); numpy int64
    arrays or torch int64 tensors."""
    x = as_int64(x)
    y = (ONE >> 1) + (x >> 2)
    y = y - (_hinge(x, ONE) >> 3)
    k = _hinge(x, 5 * ONE // 2)
    y = y - (k >> 4) - (k >> 5)
    return (y - (_hinge(x, 9 * ONE // 2) >> 5)).clip(0, ONE)


def tanh_fixed(x: Any) -> Any:
    """``tanh_pwl`` on the Q12 grid: ``2 sigmoid_fixed(2x) - 4096``, in [-4096, 4096]."""
    return 2 * sigmoid_fixed(as_int64(x) << 1) - ONE


def step_fixed(state: EGRUState, wx: Any, ry: Any, thr: Any) -> tuple[EGRUState, tuple[Any, ...]]:
    """One integer step on the Q12 grid (1.0 = 4096), bit-accurate to ``docs/fixed_point.md``
    (numpy int64 arrays, or torch int64 tensors with the parameters as tensors).

    Gate inputs saturate at 24 bits; products of Q12 values are shifted right by 12 (floor);
    ``c`` saturates at 24 bits; ``thr`` is Q12 in [0, 4096].

    Returns:
        ``(new_state, overflow)``: int64 state, and masks of units where the update, reset or
        candidate gate input, or ``c``, saturated in this step.
    """
    xu, xr, xg = split_gates(as_int64(wx, like=state.c))
    hu, hr, hg = split_gates(as_int64(ry, like=state.c))
    pu, of_u = saturate24(xu + hu)
    pr, of_r = saturate24(xr + hr)
    u = sigmoid_fixed(pu)
    r = sigmoid_fixed(pr)
    g_in, of_g = saturate24(xg + ((r * hg) >> FRAC_BITS))
    g = tanh_fixed(g_in)
    c, of_c = saturate24((u * state.c + (ONE - u) * g) >> FRAC_BITS)
    e = c > thr
    xp = namespace(c)
    return EGRUState(xp.where(e, c - thr, c), xp.where(e, c, 0)), (of_u, of_r, of_g, of_c)


class EGRUParams(NamedTuple):
    """Gate biases ``(3n,)`` and thresholds (float, or Q12 integers)."""

    bias_x: Any
    bias_r: Any
    thr: Any


def layer_step_float(
    state: EGRUState, drive: Any, recurrent: Any, p: EGRUParams, spike_fn: Callable = heaviside
) -> EGRUState:
    """``step_float`` with ``wx = drive + b_W`` and ``ry = recurrent + b_R`` (``b_R`` alone
    without recurrent synapses)."""
    ry = p.bias_r if recurrent is None else recurrent + p.bias_r
    return step_float(state, drive + p.bias_x, ry, p.thr, spike_fn)


def layer_step_fixed(
    state: EGRUState, drive: Any, recurrent: Any, p: EGRUParams
) -> tuple[EGRUState, tuple[Any, ...]]:
    """``step_fixed`` with the gate biases added as in ``layer_step_float``."""
    ry = p.bias_r if recurrent is None else recurrent + p.bias_r
    return step_fixed(state, drive + p.bias_x, ry, p.thr)


def float_params(v: Mapping[str, Any]) -> EGRUParams:
    """Float ``EGRUParams`` from the float Vars."""
    return EGRUParams(v["bias_x"], v["bias_r"], v["thr"])


def fixed_params(v: Mapping[str, Any]) -> EGRUParams:
    """Integer (int64, Q12) ``EGRUParams`` from the integer Vars."""
    return EGRUParams(*(np.asarray(v[k], np.int64) for k in ("bias_x", "bias_r", "thr")))


def _q12_24bit(name: str) -> VarSpec:
    return VarSpec(name, (-INF, INF), (-STATE_MAX, STATE_MAX), 24,
                   "fixed_pt takes Q12 integers (1.0 = 4096), 24-bit.", 0.0, "rows")  # fmt: skip


EGRU_NEURON = NeuronSpec(
    name="egru",
    state_type=EGRUState,
    params=(
        VarSpec("thr", (0, 1), (0, ONE), 13, "Thresholds in [0, 1]; fixed: Q12, [0, 4096].", 0.5),
        _q12_24bit("bias_x"),
        _q12_24bit("bias_r"),
    ),
    states=(state_var("c"), state_var("y")),
    float_params=float_params,
    fixed_params=fixed_params,
    step_float=layer_step_float,
    step_fixed=layer_step_fixed,
    overflow_names=("update gate input", "reset gate input", "candidate gate input", "c"),
    output="y",
    output_bits=24,
    gates=3,
    input_shift=0,
)

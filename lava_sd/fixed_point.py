"""Integer helpers shared by every ``fixed_pt`` model.

They follow the conventions of Lava's bit-accurate LIF and Dense models (lava-nc 0.10,
``lava/proc/lif/models.py`` and ``lava/proc/dense/models.py``) so that lava_sd neurons can be
wired to Lava's synapses and reduce to Lava's LIF:

- a decay with effective constant ``D`` in [0, 4096]::

      x <- sign(x * (4096 - D)) * (|x * (4096 - D)| >> 12)      # int64, rounds toward zero

  Lava stores a *current* decay as ``du`` with ``D = du + 1`` and a *voltage* decay as ``dv``
  with ``D = dv``; from a float time constant ``D = round(4096 / tau)``;
- 24-bit states: currents wrap (``x > 2**23 -> x - 2**24``, ``x <= -2**23 -> x + 2**24``),
  voltages saturate at ``+-(2**23 - 1)``;
- synaptic input enters a current shifted left by ``ACT_SHIFT`` = 6; thresholds compare against
  ``vth << VTH_SHIFT`` (strict ``>``); biases are ``bias_mant << bias_exp`` (13-bit signed
  mantissa, 3-bit unsigned exponent), added unshifted.

The integer helpers (``decay``, ``wrap24``, ``saturate24``, ``as_int64``, ...) take numpy
arrays or torch tensors and return the same kind: every ``step_fixed`` is written with them and
with operators numpy and torch share, so one integer step runs in the Lava ``fixed_pt`` models
(numpy int64) and in torch (int64 tensors, ``lava_sd.simulate(..., engine="torch")``).
Only numpy is imported here: this module is executed by Lava's model discovery; torch is found in
``sys.modules`` when a tensor is passed (a tensor exists only once torch is imported).
"""

from __future__ import annotations

import math
import sys
from typing import Any

import numpy as np

from lava_sd.checks import ParameterError

DECAY_SHIFT = 12
DECAY_UNITY = 1 << DECAY_SHIFT  # 4096
ACT_SHIFT = 6
VTH_SHIFT = 6
STATE_BITS = 24
STATE_MAX = (1 << (STATE_BITS - 1)) - 1  # 2**23 - 1
WRAP_LIMIT = 1 << (STATE_BITS - 1)  # 2**23
BIAS_MANT_BITS = 13
BIAS_EXP_BITS = 3
VTH_BITS = 17
WEIGHT_BITS = 8  # Lava's Dense: at most 8-bit weights
WEIGHT_MANTISSA_MAX = 254  # even 8-bit mantissas: immune to Dense's mixed-sign LSB drop
WEIGHT_EXP_RANGE = (-24, 24)
DEFAULT_VTH = 1 << 10  # spiking layers: threshold 1 = 2**10 << 6 state units


def namespace(x: Any) -> Any:
    """The array module of ``x``: ``torch`` for a torch tensor, else ``numpy``.

    Both modules have what the integer steps use (``where``, ``sign``, ``clip``,
    ``concatenate``, ``int64``) with the same meaning on int64 arrays.
    """
    if isinstance(x, np.ndarray):
        return np
    torch = sys.modules.get("torch")
    return torch if torch is not None and isinstance(x, torch.Tensor) else np


def as_int64(x: Any, like: Any = None) -> Any:
    """``x`` as int64, a torch tensor (on ``like``'s device) if ``x`` or ``like`` is one, else a
    numpy array; no copy when it already is one. Floats are truncated, as ``astype`` does."""
    xp = namespace(x if like is None else like)
    if xp is np:
        return np.asarray(x, dtype=np.int64)
    device = (x if like is None else like).device
    return xp.as_tensor(x, dtype=xp.int64, device=device)


def zeros_int64(shape: tuple[int, ...], like: Any) -> Any:
    """int64 zeros of ``shape``, in ``like``'s namespace (and on its device)."""
    if namespace(like) is np:
        return np.zeros(shape, dtype=np.int64)
    return like.new_zeros(shape, dtype=namespace(like).int64)


def within(x: Any, low: int, high: int) -> bool:
    """Whether every entry of ``x`` lies in ``[low, high]`` (two reductions; True if empty)."""
    if not math.prod(x.shape):
        return True
    return low <= int(x.min()) and int(x.max()) <= high


_CLEAR: dict[tuple[Any, ...], Any] = {}
_CLEAR_LIMIT = 64  # shapes kept; beyond, the cache starts again (a forgotten mask still reads
# as clear through its values: ``overflow_any`` then looks at them)


def _clear_key(x: Any) -> tuple[Any, ...]:
    return namespace(x).__name__, tuple(x.shape), str(getattr(x, "device", ""))


def clear_mask(like: Any) -> Any:
    """An all-False mask of ``like``'s shape: the overflow flag of a state that neither wrapped
    nor saturated. One shared, read-only mask per shape (and namespace, device), so that
    ``overflow_any`` answers without looking at it."""
    key = _clear_key(like)
    mask = _CLEAR.get(key)
    if mask is None:
        if len(_CLEAR) >= _CLEAR_LIMIT:
            _CLEAR.clear()
        if namespace(like) is np:
            mask = np.zeros(like.shape, dtype=bool)
            mask.flags.writeable = False
        else:
            mask = like.new_zeros(like.shape, dtype=namespace(like).bool)
        mask = _CLEAR.setdefault(key, mask)
    return mask


def overflow_any(flag: Any) -> bool:
    """Whether an overflow flag (a boolean mask) is set anywhere; free for a ``clear_mask``."""
    return _CLEAR.get(_clear_key(flag)) is not flag and bool(flag.any())


def decay(x: Any, d_eff: Any) -> Any:
    """Decay ``x`` by ``d_eff / 4096`` with Lava's rounding toward zero.

    ``x <- sign(x * (4096 - D)) * (|x * (4096 - D)| >> 12)`` computed in int64.

    Args:
        x: integer state (numpy array or torch tensor).
        d_eff: effective decay ``D`` in [0, 4096] (``du + 1`` for currents, ``dv`` for voltages).

    Returns:
        The decayed state as int64 (zeros without arithmetic when ``D = 4096`` everywhere).
    """
    x = as_int64(x)
    xp = namespace(x)
    kept = DECAY_UNITY - as_int64(d_eff, like=x)  # 4096 * the retained fraction
    if not kept.any():
        return zeros_int64(xp.broadcast_shapes(x.shape, kept.shape), like=x)
    prod = x * kept
    return xp.sign(prod) * (abs(prod) >> DECAY_SHIFT)


def wrap24(x: Any) -> tuple[Any, Any]:
    """Wrap a 24-bit current like Lava's LIF ``u``.

    ``x > 2**23 -> x - 2**24`` and ``x <= -2**23 -> x + 2**24``, for ``|x| < 2**62``.

    Returns:
        ``(wrapped, overflowed)``: the wrapped int64 values (``x`` itself when nothing wrapped)
        and a boolean mask of wrapped entries (``clear_mask(x)`` when there is none).
    """
    x = as_int64(x)
    if within(x, 1 - WRAP_LIMIT, WRAP_LIMIT):
        return x, clear_mask(x)
    xp = namespace(x)
    overflowed = (x > WRAP_LIMIT) | (x <= -WRAP_LIMIT)
    wrapped = xp.where(
        x > WRAP_LIMIT, x - 2 * WRAP_LIMIT, xp.where(overflowed, x + 2 * WRAP_LIMIT, x)
    )
    return wrapped, overflowed


def saturate24(x: Any) -> tuple[Any, Any]:
    """Saturate a 24-bit voltage like Lava's LIF ``v`` to ``+-(2**23 - 1)``, for ``|x| < 2**62``.

    Returns:
        ``(saturated, overflowed)``: the clipped int64 values (``x`` itself when nothing was
        clipped) and a boolean mask of clipped entries (``clear_mask(x)`` when there is none).
    """
    x = as_int64(x)
    if within(x, -STATE_MAX, STATE_MAX):
        return x, clear_mask(x)
    saturated = namespace(x).clip(x, -STATE_MAX, STATE_MAX)
    return saturated, saturated != x


def squeeze_constant(x: np.ndarray) -> np.ndarray:
    """``x`` with every axis along which it is constant reduced to length 1: it broadcasts to
    the same values, and a uniform parameter then costs a scalar operation per step instead of
    one over the whole population."""
    for axis in range(x.ndim):
        first = x.take([0], axis=axis)
        if x.shape[axis] > 1 and np.array_equal(x, np.broadcast_to(first, x.shape)):
            x = first
    return x


def scaled_bias(bias_mant: np.ndarray, bias_exp: np.ndarray) -> np.ndarray:
    """Effective integer bias ``bias_mant << bias_exp`` (int64)."""
    return np.left_shift(np.asarray(bias_mant, np.int64), np.asarray(bias_exp, np.int64))


def current_decay_from_tau(tau: float | np.ndarray) -> np.ndarray:
    """Lava ``du`` storage for a current with time constant ``tau`` (steps, >= 1).

    ``D = round(4096 / tau)`` clipped to [1, 4096] and stored as ``du = D - 1`` in [0, 4095].
    ``tau = 1`` gives ``du = 4095`` (no memory); ``tau = inf`` gives ``du = 0`` (slowest leak).
    """
    d = np.clip(np.round(DECAY_UNITY / np.asarray(tau, dtype=float)), 1, DECAY_UNITY)
    return d.astype(np.int64) - 1


def voltage_decay_from_tau(tau: float | np.ndarray) -> np.ndarray:
    """Lava ``dv`` storage for a voltage with time constant ``tau`` (steps, >= 1).

    ``D = dv = round(4096 / tau)`` in [0, 4096]; ``tau = inf`` gives ``dv = 0`` (no leak).
    """
    return np.clip(np.round(DECAY_UNITY / np.asarray(tau, dtype=float)), 0, DECAY_UNITY).astype(
        np.int64
    )


def split_mant_exp(
    value: float | np.ndarray, mant_bits: int = BIAS_MANT_BITS, exp_bits: int = BIAS_EXP_BITS
) -> tuple[np.ndarray, np.ndarray]:
    """Split integer-valued ``value`` into a signed mantissa and unsigned exponent.

    Chooses per element the smallest exponent ``e`` in [0, 2**exp_bits - 1] such that
    ``round(value / 2**e)`` fits in a signed ``mant_bits`` mantissa, so that
    ``mant << e`` approximates ``value`` as closely as the format allows.

    Raises:
        ParameterError: if a value is too large for the format even at the largest exponent.
    """
    value = np.asarray(value, dtype=float)
    mant_max = (1 << (mant_bits - 1)) - 1
    exp_max = (1 << exp_bits) - 1
    exp = np.zeros(value.shape, dtype=np.int64)
    for e in range(exp_max, -1, -1):
        fits = np.abs(np.round(value / 2**e)) <= mant_max
        exp = np.where(fits, e, exp)
    mant = np.round(value / 2.0**exp).astype(np.int64)
    too_big = np.abs(mant) > mant_max
    if np.any(too_big):
        worst = float(np.max(np.abs(value[too_big])))
        raise ParameterError(
            f"value {worst:g} does not fit a {mant_bits}-bit mantissa with a {exp_bits}-bit "
            f"exponent (largest representable {mant_max << exp_max}); reduce the input scale."
        )
    return mant, exp


def quantize_weights(
    w: np.ndarray, scale: float, bits: int = WEIGHT_BITS
) -> tuple[np.ndarray, int]:
    """Even ``bits``-bit mantissas ``m`` and one exponent ``e`` with ``m 2**e ~ w scale``.

    ``m = 2 round(w scale / 2**(e + 1))``, ``|m| <= 2**bits - 2`` (``weight_mantissa_max``;
    254 at 8 bits), ``e`` the smallest exponent that keeps them there. Mantissas are even, so
    Lava's ``Dense`` (which drops the lowest bit of mixed-sign weights) keeps them exactly; at
    ``bits < 8`` a matrix takes ``2**(bits - 1) - 1`` magnitudes per sign, and the same values
    are Lava's ``num_weight_bits = bits`` format ``m 2**(8 - bits)`` at exponent
    ``e - (8 - bits)``.

    Raises:
        ParameterError: if a weight is not finite or too large for ``bits`` bits << 24, or
            ``bits`` is not in [2, 8].
    """
    mant_max = weight_mantissa_max(bits)
    target = np.asarray(w, dtype=float) * scale
    if not np.all(np.isfinite(target)):
        raise ParameterError(
            f"a weight matrix of shape {target.shape} holds NaN or infinite values; the trained "
            "model is broken (check its training loss) and cannot be quantized."
        )
    peak = float(np.abs(target).max(initial=0.0))
    low, high = WEIGHT_EXP_RANGE
    exp = low if peak == 0 else max(int(np.ceil(np.log2(peak / mant_max))), low)
    mant = 2 * np.round(target / 2.0 ** (exp + 1)).astype(np.int64)
    if exp > high or np.abs(mant).max(initial=0) > mant_max:
        raise ParameterError(
            f"a weight of {peak:g} state units does not fit {bits} bits << {high}."
        )
    return mant, exp


def quantize_weight_terms(
    target: np.ndarray, terms: int, bits: int = WEIGHT_BITS
) -> tuple[list[tuple[np.ndarray, int]], np.ndarray]:
    """``target ~ held = sum_k m_k 2**e_k`` in integer weight units: ``quantize_weights`` of
    ``target``, then of what the terms before it miss (``target - held``), ``terms`` terms in
    all (a term of zero mantissas once nothing is missing). Each term is one ``Dense``
    connection; the last exponent bounds the error (``<= 2**e_last``).

    Returns:
        ``([(m_1, e_1), ...], held)``.

    Raises:
        ParameterError: as ``quantize_weights``.
    """
    held = np.zeros(np.shape(target))
    out = []
    for _ in range(terms):
        mant, exp = quantize_weights(target - held, 1.0, bits)
        out.append((mant, exp))
        held = held + mant * 2.0**exp
    return out, held


def weight_mantissa_max(bits: int = WEIGHT_BITS) -> int:
    """The largest even ``bits``-bit weight mantissa, ``2**bits - 2`` (254 at 8 bits).

    Raises:
        ParameterError: if ``bits`` is not an integer in [2, 8].
    """
    if isinstance(bits, bool) or int(bits) != bits or not 2 <= bits <= WEIGHT_BITS:
        raise ParameterError(
            f"weight_bits must be an integer in [2, {WEIGHT_BITS}] (Lava's Dense holds at most "
            f"8-bit weights), got {bits!r}."
        )
    return (1 << int(bits)) - 2


def state_unit(owner: str, vth: int, theta: float) -> float:
    """Integer state units per value unit when the threshold ``theta`` is the integer ``vth``
    (a spike when ``v > vth << 6``): ``(vth << 6) / theta``.

    Raises:
        ParameterError: if ``vth`` is not an integer in [1, 2**17).
    """
    if int(vth) != vth or not 1 <= vth < 1 << VTH_BITS:
        raise ParameterError(f"{owner}: vth must be an integer in [1, 2**17), got {vth}.")
    return (int(vth) << VTH_SHIFT) / theta

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

Only numpy is imported here: this module is executed by Lava's model discovery.
"""

from __future__ import annotations

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


def decay(x: np.ndarray, d_eff: np.ndarray | int) -> np.ndarray:
    """Decay ``x`` by ``d_eff / 4096`` with Lava's rounding toward zero.

    ``x <- sign(x * (4096 - D)) * (|x * (4096 - D)| >> 12)`` computed in int64.

    Args:
        x: integer state.
        d_eff: effective decay ``D`` in [0, 4096] (``du + 1`` for currents, ``dv`` for voltages).

    Returns:
        The decayed state as int64 (zeros without arithmetic when ``D = 4096`` everywhere).
    """
    x = np.asarray(x, dtype=np.int64)
    kept = DECAY_UNITY - np.asarray(d_eff, dtype=np.int64)  # 4096 * the retained fraction
    if not kept.any():
        return np.zeros(np.broadcast_shapes(x.shape, kept.shape), dtype=np.int64)
    prod = x * kept
    return np.sign(prod) * (np.abs(prod) >> DECAY_SHIFT)


def wrap24(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Wrap a 24-bit current like Lava's LIF ``u``.

    ``x > 2**23 -> x - 2**24`` and ``x <= -2**23 -> x + 2**24``, for ``|x| < 2**62``.

    Returns:
        ``(wrapped, overflowed)``: the wrapped int64 values (``x`` itself when nothing wrapped)
        and a boolean mask of wrapped entries.
    """
    x = np.asarray(x, dtype=np.int64)
    # -2**23 < x <= 2**23 exactly when x + 2**23 - 1 lies in [0, 2**24 - 1]: one unsigned compare.
    overflowed = (x + (WRAP_LIMIT - 1)).view(np.uint64) > 2 * WRAP_LIMIT - 1
    if not overflowed.any():
        return x, overflowed
    wrapped = np.where(
        x > WRAP_LIMIT, x - 2 * WRAP_LIMIT, np.where(overflowed, x + 2 * WRAP_LIMIT, x)
    )
    return wrapped, overflowed


def saturate24(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Saturate a 24-bit voltage like Lava's LIF ``v`` to ``+-(2**23 - 1)``, for ``|x| < 2**62``.

    Returns:
        ``(saturated, overflowed)``: the clipped int64 values (``x`` itself when nothing was
        clipped) and a boolean mask of clipped entries.
    """
    x = np.asarray(x, dtype=np.int64)
    # |x| <= 2**23 - 1 exactly when x + 2**23 - 1 lies in [0, 2**24 - 2]: one unsigned compare.
    overflowed = (x + STATE_MAX).view(np.uint64) > 2 * STATE_MAX
    if not overflowed.any():
        return x, overflowed
    return np.clip(x, -STATE_MAX, STATE_MAX), overflowed


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

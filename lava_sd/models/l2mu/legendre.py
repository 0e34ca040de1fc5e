"""The Legendre delay memory of the L2MU cell, in plain numpy (no torch, no Lava).

Continuous system (Voelker, Kajić, Eliasmith 2019; identical to keras-lmu), order ``d``, window
``theta`` time steps, ``R_i = 2 i + 1`` for ``i, j`` in ``0 .. d-1``::

    A[i, j] = R_i * (-1 if i < j else (-1)**(i - j + 1));    B[i] = R_i * (-1)**i
    theta dm/dt = A m + B u

Discretised with a step of one time step (zero-order hold, or Euler)::

    zoh:   [[Ad, Bd], [0, 1]] = expm([[A / theta, B / theta], [0, 0]])
    euler: Ad = I + A / theta,  Bd = B / theta
    m_t = Ad m_{t-1} + Bd u_t                                   (Ad m, as keras-lmu, not Ad^T m)

Delay read-out: ``u(t - r theta + 1/2) ~ sum_i P_i(2 r - 1) m_t[i]`` for ``r`` in ``[0, 1]``
(``P_i`` the Legendre polynomials, so ``P_i(2r - 1)`` the shifted ones; the ``+ 1/2`` is the
zero-order hold: ``u_t`` is held over ``(t - 1, t]``). Fixed point: every dense weight of lava_sd
is an even 8-bit mantissa with one exponent per matrix (``quantize_dense``); the functions at the
end measure what that does to ``Ad``, ``Bd`` and the memory. Measurements: ``docs/l2mu.md``.

Only numpy and scipy are imported here: Lava's model discovery may execute this module.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from scipy.linalg import expm
from scipy.special import eval_legendre

from lava_sd.checks import ParameterError, check_finite
from lava_sd.fixed_point import quantize_weight_terms, quantize_weights

DISCRETIZERS = ("zoh", "euler")
DELAYS = (0.25, 0.5, 0.75, 1.0)  # fractions r of the window that the reports decode


# ---------------------------------------------------------------------------------------------
# parameter checks
# ---------------------------------------------------------------------------------------------


def _order(owner: str, order: object) -> int:
    """``order`` as an int >= 1, or ``ParameterError``."""
    return _count(owner, "order", order, " (the number of Legendre polynomials d)")


def _count(owner: str, name: str, value: object, what: str = "") -> int:
    """``value`` as an int >= 1, or ``ParameterError``."""
    message = f"{owner}: '{name}' must be an integer >= 1{what}, got {value!r}."
    if isinstance(value, bool | np.bool_):
        raise ParameterError(message)
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise ParameterError(message) from None
    if not np.isfinite(number) or number != round(number) or number < 1:
        raise ParameterError(message)
    return int(number)


def _positive(owner: str, name: str, value: object, hint: str = "") -> float:
    """``value`` as a finite float > 0, or ``ParameterError``."""
    try:
        x = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise ParameterError(f"{owner}: '{name}' must be a number > 0, got {value!r}.") from None
    if not np.isfinite(x) or x <= 0:
        raise ParameterError(
            f"{owner}: '{name}' must be a finite number > 0, got {value!r}." + hint
        )
    return x


def _array(owner: str, name: str, value: object, ndim: int | tuple[int, ...]) -> np.ndarray:
    """``value`` as a finite float64 array with ``ndim`` dimensions, or ``ParameterError``."""
    try:
        arr = np.array(value, dtype=float)
    except (TypeError, ValueError):
        raise ParameterError(f"{owner}: '{name}' must be numeric, got {value!r}.") from None
    allowed = (ndim,) if isinstance(ndim, int) else ndim
    if arr.ndim not in allowed:
        raise ParameterError(
            f"{owner}: '{name}' must have {' or '.join(map(str, allowed))} dimension(s), "
            f"got shape {arr.shape}."
        )
    if arr.size == 0:
        raise ParameterError(f"{owner}: '{name}' is empty.")
    check_finite(owner, name, arr)
    return arr


def _system(owner: str, Ad: object, Bd: object) -> tuple[np.ndarray, np.ndarray]:
    """A square ``(d, d)`` matrix and a ``(d,)`` vector (``(d, 1)`` is flattened)."""
    a = _array(owner, "Ad", Ad, 2)
    b = _array(owner, "Bd", Bd, (1, 2))
    if b.ndim == 2:
        if b.shape[1] != 1:
            raise ParameterError(f"{owner}: 'Bd' must have shape (d,) or (d, 1), got {b.shape}.")
        b = b[:, 0]
    if a.shape != (b.size, b.size):
        raise ParameterError(
            f"{owner}: 'Ad' has shape {a.shape} but 'Bd' has {b.size} entries; "
            f"'Ad' must be ({b.size}, {b.size})."
        )
    return a, b


def _fractions(owner: str, r: object) -> np.ndarray:
    """Delay fractions as a finite array in ``[0, 1]``."""
    arr = _array(owner, "r", r, (0, 1))
    if np.any((arr < 0) | (arr > 1)):
        raise ParameterError(
            f"{owner}: 'r' = {arr[(arr < 0) | (arr > 1)].flat[0]:g} is outside [0, 1]; r is the "
            "delay as a fraction of the window theta."
        )
    return arr


# ---------------------------------------------------------------------------------------------
# the Legendre system
# ---------------------------------------------------------------------------------------------


def legendre_matrices(order: int) -> tuple[np.ndarray, np.ndarray]:
    """``A[i, j] = R_i (-1 if i < j else (-1)**(i-j+1))``, ``B[i] = R_i (-1)**i``, ``R_i = 2i+1``.

    The continuous Legendre delay system ``theta dm/dt = A m + B u`` (keras-lmu's ``_gen_AB``,
    before its transposition).

    Args:
        order: number of Legendre polynomials ``d >= 1``.

    Returns:
        ``A`` of shape ``(d, d)`` and ``B`` of shape ``(d,)``, float64.

    Raises:
        ParameterError: if ``order`` is not an integer >= 1.
    """
    d = _order("legendre_matrices", order)
    q = np.arange(d)
    r = (2 * q + 1).astype(float)
    i, j = np.meshgrid(q, q, indexing="ij")
    sign = np.where(i < j, -1.0, np.where((i - j + 1) % 2 == 0, 1.0, -1.0))
    a = sign * r[:, None]
    b = np.where(q % 2 == 0, 1.0, -1.0) * r
    return a, b


def discretize(
    A: np.ndarray, B: np.ndarray, theta: float, method: str = "zoh"
) -> tuple[np.ndarray, np.ndarray]:
    """Discretise ``theta dm/dt = A m + B u`` with a step of 1.

    ``zoh``: ``[[Ad, Bd], [0, 1]] = expm([[A/theta, B/theta], [0, 0]])`` (exact for an input held
    constant over each step); ``euler``: ``Ad = I + A/theta``, ``Bd = B/theta``.

    Args:
        A: ``(d, d)`` continuous state matrix.
        B: ``(d,)`` (or ``(d, 1)``) continuous input vector.
        theta: window length in time steps, > 0.
        method: ``"zoh"`` or ``"euler"``.

    Returns:
        ``Ad`` of shape ``(d, d)`` and ``Bd`` of shape ``(d,)``.

    Raises:
        ParameterError: on a non-finite or mis-shaped ``A``/``B``, ``theta <= 0`` or an unknown
            ``method``.
    """
    a, b = _system("discretize", A, B)
    th = _positive("discretize", "theta", theta, " theta is the window length in time steps.")
    if method not in DISCRETIZERS:
        raise ParameterError(f"discretize: method must be one of {DISCRETIZERS}, got {method!r}.")
    d = b.size
    if method == "euler":
        return np.eye(d) + a / th, b / th
    em = np.zeros((d + 1, d + 1))
    em[:d, :d] = a / th
    em[:d, d] = b / th
    ms = expm(em)
    return ms[:d, :d], ms[:d, d].copy()


def legendre_memory(order: int, theta: float, method: str = "zoh") -> tuple[np.ndarray, np.ndarray]:
    """``(Ad, Bd) = discretize(*legendre_matrices(order), theta, method)``."""
    return discretize(*legendre_matrices(order), theta, method)


def delay_decoder(order: int, r: float | Sequence[float] | np.ndarray) -> np.ndarray:
    """``C_i(r) = P_i(2 r - 1)``: read ``u(t - r theta)`` (+1/2 under zoh) as ``C(r) . m_t``.

    ``P_i`` is the Legendre polynomial of degree ``i``, so ``C(0) = ((-1)**i)`` (the newest input,
    the sign pattern of ``B``) and ``C(1) = (1, ..., 1)`` (the oldest input in the window).

    Args:
        order: number of Legendre polynomials ``d``.
        r: delay as a fraction of the window, in ``[0, 1]``; scalar or 1-D.

    Returns:
        ``(d,)`` for a scalar ``r``, ``(len(r), d)`` for a 1-D ``r``.

    Raises:
        ParameterError: on a bad ``order`` or an ``r`` outside ``[0, 1]`` or not finite.
    """
    d = _order("delay_decoder", order)
    rr = _fractions("delay_decoder", r)
    return eval_legendre(np.arange(d), 2.0 * rr[..., None] - 1.0)


def run_memory(Ad: np.ndarray, Bd: np.ndarray, u: np.ndarray) -> np.ndarray:
    """``m_t = Ad m_{t-1} + Bd u_t`` from ``m_0 = 0``, the non-spiking reference memory.

    Args:
        Ad: ``(d, d)``; pass ``Ad.T`` to reproduce the authors' code (see ``docs/l2mu.md``).
        Bd: ``(d,)``.
        u: input sequence ``(T,)``.

    Returns:
        ``m`` of shape ``(T, d)``: row ``t - 1`` is ``m_t`` (after ``u_t`` has entered).

    Raises:
        ParameterError: on mis-shaped or non-finite arguments.
    """
    a, b = _system("run_memory", Ad, Bd)
    x = _array("run_memory", "u", u, 1)
    m = np.zeros(b.size)
    out = np.empty((x.size, b.size))
    for t, value in enumerate(x):
        m = a @ m + b * value
        out[t] = m
    return out


# ---------------------------------------------------------------------------------------------
# delay reconstruction
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SineMix:
    """``u(t) = sum_k sin(2 pi f_k t + phi_k) / sqrt(K / 2)``: RMS about 1, band-limited to
    ``max f_k`` cycles per step, defined for every real ``t`` (so a delay need not be whole)."""

    freqs: np.ndarray
    phases: np.ndarray

    def __call__(self, t: np.ndarray | float) -> np.ndarray:
        tt = np.asarray(t, dtype=float)[..., None]
        waves = np.sin(2 * np.pi * self.freqs * tt + self.phases)
        return waves.sum(axis=-1) / np.sqrt(self.freqs.size / 2)


def band_limited_signal(rng: np.random.Generator, f_max: float, n_components: int = 16) -> SineMix:
    """A ``SineMix`` with ``n_components`` frequencies uniform in ``(0, f_max]`` cycles per step
    and uniform phases.

    Raises:
        ParameterError: if ``f_max`` is not in ``(0, 0.5]`` (Nyquist) or ``n_components < 1``.
    """
    f = _positive("band_limited_signal", "f_max", f_max)
    if f > 0.5:
        raise ParameterError(
            f"band_limited_signal: f_max = {f:g} cycles per step is above Nyquist (0.5)."
        )
    k = _count("band_limited_signal", "n_components", n_components)
    freqs = f * (1.0 - rng.random(k))  # (0, f_max]
    return SineMix(freqs=freqs, phases=rng.uniform(0.0, 2 * np.pi, k))


def nrmse(estimate: np.ndarray, target: np.ndarray) -> float:
    """``rms(estimate - target) / rms(target)``."""
    e = np.asarray(estimate, dtype=float)
    y = np.asarray(target, dtype=float)
    return float(np.sqrt(np.mean((e - y) ** 2) / np.mean(y**2)))


def delay_errors(
    Ad: np.ndarray,
    Bd: np.ndarray,
    signal: Callable[[np.ndarray], np.ndarray],
    theta: float,
    r: float | Sequence[float] | np.ndarray = DELAYS,
    *,
    shift: float = 0.5,
    n_windows: int = 12,
    warmup_windows: int = 2,
    decoders: np.ndarray | None = None,
) -> np.ndarray:
    """NRMSE of ``C(r) . m_t`` against ``u(t - r theta + shift)``, per delay fraction ``r``.

    The memory ``m_t = Ad m_{t-1} + Bd u_t`` runs on ``u_t = signal(t)``, ``t = 1 .. T`` with
    ``T = n_windows ceil(theta)``; steps ``t <= warmup_windows ceil(theta)`` are not scored
    (the memory starts empty). ``C(r)`` is ``delay_decoder(d, r)`` unless ``decoders`` is given.

    Args:
        Ad, Bd: the discrete memory (``Ad.T`` for the authors' code).
        signal: continuous-time input ``t -> u(t)`` (e.g. ``band_limited_signal``).
        theta: the window the decoder assumes, in steps.
        r: delay fractions in ``[0, 1]``.
        shift: ``+1/2`` for zoh (the held input is centred half a step later); 0 to see the offset.
        n_windows, warmup_windows: run length and unscored start, in windows.
        decoders: optional ``(len(r), d)`` read-out weights replacing the Legendre decoder.

    Returns:
        NRMSE per ``r``, shape ``(len(r),)``.
    """
    a, b = _system("delay_errors", Ad, Bd)
    th = _positive("delay_errors", "theta", theta)
    rr = np.atleast_1d(_fractions("delay_errors", r))
    if warmup_windows < 1 or n_windows <= warmup_windows:
        raise ParameterError("delay_errors: need 1 <= warmup_windows < n_windows.")
    window = int(np.ceil(th))
    t = np.arange(1, n_windows * window + 1, dtype=float)
    m = run_memory(a, b, signal(t))
    c = delay_decoder(b.size, rr) if decoders is None else np.atleast_2d(decoders)
    if c.shape != (rr.size, b.size):
        raise ParameterError(
            f"delay_errors: 'decoders' must have shape {(rr.size, b.size)}, got {c.shape}."
        )
    keep = t > warmup_windows * window
    return np.array(
        [
            nrmse(m[keep] @ ci, signal(t[keep] - ri * th + shift))
            for ri, ci in zip(rr, c, strict=True)
        ]
    )


def equivalent_decoder(
    Ad: np.ndarray, Bd: np.ndarray, M: np.ndarray, c: np.ndarray, horizon: int = 4096
) -> np.ndarray:
    """Weights ``c2`` with ``c2 . M^k Bd ~ c . Ad^k Bd`` for ``k < horizon`` (least squares).

    Then ``c2 . m2_t ~ c . m_t`` for every input, where ``m`` runs on ``(Ad, Bd)`` and ``m2`` on
    ``(M, Bd)``. If both pairs are controllable and ``M`` has ``Ad``'s characteristic polynomial
    (``M = Ad.T``), an exact ``c2`` exists (Cayley-Hamilton); ``|c2|`` against ``|c|`` is the
    noise amplification that a read-out of ``m2`` pays to decode what ``c`` decodes from ``m``.

    Raises:
        ParameterError: on mis-shaped or non-finite input.
    """
    a, b = _system("equivalent_decoder", Ad, Bd)
    m, _ = _system("equivalent_decoder", M, Bd)
    if m.shape != a.shape:
        raise ParameterError(f"equivalent_decoder: 'M' must have shape {a.shape}, got {m.shape}.")
    cc = _array("equivalent_decoder", "c", c, 1)
    if cc.size != b.size:
        raise ParameterError(f"equivalent_decoder: 'c' must have {b.size} entries, got {cc.size}.")
    n = _count("equivalent_decoder", "horizon", horizon)
    target = _impulse(a, b, n) @ cc
    c2, *_ = np.linalg.lstsq(_impulse(m, b, n), target, rcond=None)
    return c2


# ---------------------------------------------------------------------------------------------
# fixed point
# ---------------------------------------------------------------------------------------------


def quantize_dense(W: np.ndarray, scale: float = 1.0) -> tuple[np.ndarray, int]:
    """Even 8-bit mantissas ``m`` and one exponent ``e`` with ``m 2**e ~ W scale``: the rule of
    every lava_sd dense weight, ``lava_sd.fixed_point.quantize_weights`` (``e`` the smallest
    exponent >= -24 that keeps ``|m| <= 254``, ``m = 2 round(W scale / 2**(e + 1))``; the entry
    error is at most ``2**e``), with this module's argument checks.

    Raises:
        ParameterError: on non-finite or empty ``W``, ``scale <= 0``, or a weight too large for
            8 bits << 24.
    """
    w = _array("quantize_dense", "W", W, tuple(range(1, 33)))
    mant, exp = quantize_weights(w, _positive("quantize_dense", "scale", scale))
    return mant, int(exp)


def dequantize(mantissa: np.ndarray, exponent: int, scale: float = 1.0) -> np.ndarray:
    """``mantissa 2**exponent / scale``, the float weight a quantised matrix stands for."""
    return np.asarray(mantissa, dtype=float) * 2.0**exponent / scale


def quantize_terms(
    W: np.ndarray, terms: int = 1, scale: float = 1.0
) -> list[tuple[np.ndarray, int]]:
    """``W scale ~ sum_k m_k 2**e_k``: ``quantize_dense`` of ``W``, then of what it left, up to
    ``terms`` times. Two terms are two ``Dense`` connections into the same neurons (16-bit
    weights from two 8-bit ones); the last term's exponent bounds the error (``<= 2**e_last``)."""
    k = _count("quantize_terms", "terms", terms)
    w = _array("quantize_terms", "W", W, tuple(range(1, 33)))
    parts, _ = quantize_weight_terms(w * _positive("quantize_terms", "scale", scale), k)
    while parts and not np.any(parts[-1][0]):  # nothing was left for it
        parts.pop()
    return [(mant, int(exp)) for mant, exp in parts]


def _from_terms(
    parts: list[tuple[np.ndarray, int]], shape: tuple[int, ...], scale: float
) -> np.ndarray:
    total = np.zeros(shape)
    for mant, exp in parts:
        total = total + dequantize(mant, exp, scale)
    return total


@dataclass(frozen=True)
class QuantizationEffect:
    """What 8-bit dense quantisation does to one Legendre memory (see ``quantization_effect``)."""

    order: int
    theta: float
    method: str
    terms: int
    scale: float
    ad_exponents: tuple[int, ...]
    bd_exponents: tuple[int, ...]
    ad_max_error: float  # max |Ad_q - Ad|
    bd_max_error: float  # max |Bd_q - Bd|
    ad_rel_error: float  # max |Ad_q - Ad| / max |Ad|
    bd_rel_error: float  # max |Bd_q - Bd| / max |Bd|
    radius: float  # spectral radius of Ad
    radius_q: float  # spectral radius of Ad_q
    impulse_nrmse: float  # |H_q - H|_F / |H|_F over the first n_windows windows, H_k = Ad^k Bd
    delay_nrmse: tuple[float, ...]  # float memory, per r in DELAYS
    delay_nrmse_q: tuple[float, ...]  # quantised memory, same signal and decoder


def quantization_effect(
    order: int,
    theta: float,
    method: str = "zoh",
    *,
    terms: int = 1,
    scale: float = 1.0,
    signal: Callable[[np.ndarray], np.ndarray] | None = None,
    impulse_windows: int = 4,
) -> QuantizationEffect:
    """Quantise ``Ad`` and ``Bd`` like dense weights and compare the memory with the float one.

    ``Ad_q = sum_k m_k 2**e_k`` (``quantize_terms``, one exponent per matrix and term), same for
    ``Bd``. Impulse response ``H_k = Ad^k Bd``, ``k < impulse_windows ceil(theta)``; delay
    reconstruction by ``delay_errors`` with the float Legendre decoder at ``r`` in ``DELAYS``.

    Args:
        order, theta, method: the memory.
        terms: 8-bit terms per matrix (1: one ``Dense``; 2: two in parallel).
        scale: state units per float unit. A power of two only moves the exponents; any other
            factor moves the largest mantissa within 128 .. 254, so the error up to 2x.
        signal: test input; default ``band_limited_signal(default_rng(0), order / (16 theta))``,
            the band in which the float memory decodes within 0.2 % (``docs/l2mu.md``).
        impulse_windows: impulse-response horizon in windows.
    """
    ad, bd = legendre_memory(order, theta, method)
    d = bd.size
    ad_parts = quantize_terms(ad, terms, scale)
    bd_parts = quantize_terms(bd, terms, scale)
    ad_q = _from_terms(ad_parts, ad.shape, scale)
    bd_q = _from_terms(bd_parts, bd.shape, scale)
    if signal is None:
        signal = band_limited_signal(np.random.default_rng(0), min(0.5, d / (16.0 * theta)))
    horizon = impulse_windows * int(np.ceil(theta))
    h, h_q = _impulse(ad, bd, horizon), _impulse(ad_q, bd_q, horizon)
    return QuantizationEffect(
        order=d,
        theta=float(theta),
        method=method,
        terms=int(terms),
        scale=float(scale),
        ad_exponents=tuple(e for _, e in ad_parts),
        bd_exponents=tuple(e for _, e in bd_parts),
        ad_max_error=float(np.abs(ad_q - ad).max()),
        bd_max_error=float(np.abs(bd_q - bd).max()),
        ad_rel_error=float(np.abs(ad_q - ad).max() / np.abs(ad).max()),
        bd_rel_error=float(np.abs(bd_q - bd).max() / np.abs(bd).max()),
        radius=_radius(ad),
        radius_q=_radius(ad_q),
        impulse_nrmse=float(np.linalg.norm(h_q - h) / np.linalg.norm(h)),
        delay_nrmse=tuple(float(e) for e in delay_errors(ad, bd, signal, theta)),
        delay_nrmse_q=tuple(float(e) for e in delay_errors(ad_q, bd_q, signal, theta)),
    )


def _impulse(a: np.ndarray, b: np.ndarray, n: int) -> np.ndarray:
    out = np.empty((n, b.size))
    x = b.copy()
    for k in range(n):
        out[k] = x
        x = a @ x
    return out


def _radius(a: np.ndarray) -> float:
    return float(np.abs(np.linalg.eigvals(a)).max())

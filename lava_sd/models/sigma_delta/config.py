"""ΣΔ population parameters from time constants, for both backends, and their decoding.

A ΣΔ neuron with ``tau_v = 1`` and ``threshold = 0`` spikes whenever its decoded value
``d = -i_fb`` is below its input ``x``; each spike raises ``d`` by the quantum ``q = |w_fb|`` and
``d`` leaks with ``tau_fb``::

    d_t = d_{t-1} (1 - 1/tau_fb) + q s_{t-1}

At one spike per step ``d`` settles at ``q tau_fb``, the largest value the population can
represent. ``SigmaDeltaConfig.for_range`` picks ``q`` from the signal range. For a fixed range,
a larger ``tau_fb`` gives a finer quantum (smaller error on slow signals) at the same mean spike
rate (about ``mean(x) / (q tau_fb)``), but a slower decoder that lags fast signals; a threshold
above 0 saves spikes and biases the decoded value low by about the threshold.

Every field of ``SigmaDeltaConfig`` may also be an array with one value per neuron (broadcast
to the population's shape); ``quantum`` and ``max_decodable`` then report the largest.
The decoded value after step ``t`` reflects the spikes up to step ``t - 1``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from lava_sd.checks import ParameterError, as_array, check_range
from lava_sd.fixed_point import (
    ACT_SHIFT,
    STATE_BITS,
    current_decay_from_tau,
    split_mant_exp,
    voltage_decay_from_tau,
)
from lava_sd.models.sigma_delta.dynamics import feedback_fixed, feedback_float

STATE_SCALE = 1 << ACT_SHIFT  # fixed states carry input units << 6
STATE_BUDGET_BITS = STATE_BITS - 3  # keep 2 bits of headroom below the 24-bit limit


@dataclass(frozen=True)
class SigmaDeltaConfig:
    """Float description of a ΣΔ population, with time constants in steps.

    Attributes:
        w_fb: self-feedback weight (<= 0); ``|w_fb|`` is the decoding quantum.
        tau_fb: feedback (decoder) time constant, >= 1.
        tau_in: synaptic current time constant, >= 1 (1: the input passes straight through).
        tau_ip: second low-pass stage, >= 1 (1: no memory).
        tau_v: membrane time constant, >= 1 or ``inf`` (non-leaky).
        threshold: spike threshold (>= 0).
        bias: constant input added to ``i_ip``.
    """

    w_fb: float
    tau_fb: float = 16.0
    tau_in: float = 1.0
    tau_ip: float = 1.0
    tau_v: float = 1.0
    threshold: float = 0.0
    bias: float = 0.0

    def __post_init__(self) -> None:
        owner = "SigmaDeltaConfig"
        for key in ("tau_fb", "tau_in", "tau_ip", "tau_v"):
            value = np.asarray(getattr(self, key), dtype=float)
            if np.any(np.isnan(value)):
                raise ParameterError(f"{owner}: '{key}' is NaN.")
            check_range(owner, key, value, 1, np.inf, "Time constants are in steps, >= 1.")
        for key in ("w_fb", "threshold", "bias"):
            as_array(owner, key, getattr(self, key))
        check_range(owner, "w_fb", np.asarray(self.w_fb), -np.inf, 0, "Feedback is negative.")
        check_range(owner, "threshold", np.asarray(self.threshold), 0, np.inf)

    @classmethod
    def for_range(
        cls, max_value: float, *, tau_fb: float = 16.0, headroom: float = 1.25, **kwargs: float
    ) -> SigmaDeltaConfig:
        """Config whose decoded value can reach ``headroom * max_value`` at full rate.

        ``w_fb = -headroom * max_value / tau_fb``, so a signal of at most ``max_value`` needs at
        most ``1 / headroom`` spikes per step and the quantum is ``headroom * max_value / tau_fb``.
        """
        if not (np.isfinite(max_value) and max_value > 0):
            raise ParameterError(f"for_range: max_value must be positive, got {max_value!r}.")
        if not (np.isfinite(headroom) and headroom >= 1):
            raise ParameterError(f"for_range: headroom must be >= 1, got {headroom!r}.")
        return cls(w_fb=-headroom * max_value / tau_fb, tau_fb=tau_fb, **kwargs)

    @property
    def quantum(self) -> float:
        """Decoded-value increment per spike, ``|w_fb|``."""
        return float(np.max(np.abs(self.w_fb)))

    @property
    def max_decodable(self) -> float:
        """Decoded value at one spike per step, ``|w_fb| tau_fb``."""
        return float(np.max(np.abs(self.w_fb) * self.tau_fb))

    def float_params(self) -> dict[str, float]:
        """Keyword arguments of ``SigmaDelta`` for ``floating_pt``."""
        return dict(
            du_in=1 / self.tau_in,
            du_ip=1 / self.tau_ip,
            du_fb=1 / self.tau_fb,
            dv=1 / self.tau_v,
            w_fb=self.w_fb,
            vth=self.threshold,
            bias_mant=self.bias,
            bias_exp=0,
        )

    def default_input_scale(self) -> int:
        """Largest power of two that keeps the decoded range within 21 bits of state.

        Fixed-point inputs are ``round(x * input_scale)`` and states carry ``x * input_scale
        * 64``; the full-rate decoded value then uses at most ``2**21`` state units.
        """
        budget = 2**STATE_BUDGET_BITS / (STATE_SCALE * self.max_decodable)
        return 2 ** max(0, math.floor(math.log2(budget)))

    def fixed_params(self, input_scale: int) -> dict[str, np.ndarray]:
        """Keyword arguments of ``SigmaDelta`` for ``fixed_pt``, for inputs ``round(x * S)``.

        Decays ``D = round(4096 / tau)`` (currents stored as ``du = D - 1``, the voltage as
        ``dv = D``); ``w_fb`` and ``bias`` in state units ``x * S * 64`` (bias split into a
        13-bit mantissa and 3-bit exponent); ``vth = round(threshold * S)``.

        Raises:
            ParameterError: if ``input_scale`` is not a positive integer or quantizes a
                non-zero feedback to zero.
        """
        if int(input_scale) != input_scale or input_scale < 1:
            raise ParameterError(f"input_scale must be a positive integer, got {input_scale!r}.")
        unit = input_scale * STATE_SCALE
        w_fb = np.round(np.asarray(self.w_fb) * unit).astype(np.int64)
        if np.any((w_fb == 0) & (np.asarray(self.w_fb) != 0)):
            raise ParameterError(
                f"input_scale {input_scale} quantizes w_fb={self.w_fb} to 0; use a larger scale, "
                f"e.g. {self.default_input_scale()}."
            )
        bias_mant, bias_exp = split_mant_exp(np.asarray(self.bias) * unit)
        return dict(
            du_in=current_decay_from_tau(self.tau_in),
            du_ip=current_decay_from_tau(self.tau_ip),
            du_fb=current_decay_from_tau(self.tau_fb),
            dv=voltage_decay_from_tau(self.tau_v),
            w_fb=w_fb,
            vth=np.round(np.asarray(self.threshold) * input_scale).astype(np.int64),
            bias_mant=bias_mant,
            bias_exp=bias_exp,
        )

    def decode(self, spikes: np.ndarray, input_scale: int | None = None) -> np.ndarray:
        """Decoded value after every step, from a spike raster with time as the last axis.

        Equals the neuron's ``-i_fb`` trace exactly: float arithmetic when ``input_scale`` is
        ``None``, else the integer ``fixed_pt`` arithmetic rescaled to input units.
        """
        spikes = np.asarray(spikes)
        if input_scale is None:
            return decode_spikes(spikes, 1 / self.tau_fb, self.w_fb)
        out = np.zeros(spikes.shape, dtype=float)
        params = self.fixed_params(input_scale)
        i_fb = np.zeros(spikes.shape[:-1], dtype=np.int64)
        s_prev = np.zeros(spikes.shape[:-1], dtype=np.int64)
        for t in range(spikes.shape[-1]):
            i_fb, _ = feedback_fixed(i_fb, s_prev, params["du_fb"], params["w_fb"])
            out[..., t] = -i_fb / (input_scale * STATE_SCALE)
            s_prev = spikes[..., t].astype(np.int64)
        return out


def decode_spikes(
    spikes: np.ndarray, du_fb: float | np.ndarray, w_fb: float | np.ndarray
) -> np.ndarray:
    """Float decoded value ``-i_fb`` after every step of a ΣΔ population's spike raster.

    Runs the neuron's own feedback filter ``i_fb <- i_fb (1 - du_fb) + w_fb s_prev``
    (``dynamics.feedback_float``) over ``spikes`` with time as the last axis; equals the float
    model's ``-i_fb`` trace exactly.
    """
    spikes = np.asarray(spikes)
    out = np.zeros(spikes.shape, dtype=float)
    i_fb = np.zeros(spikes.shape[:-1])
    s_prev = np.zeros(spikes.shape[:-1])
    for t in range(spikes.shape[-1]):
        i_fb = feedback_float(i_fb, s_prev, du_fb, w_fb)
        out[..., t] = -i_fb
        s_prev = spikes[..., t]
    return out

"""Spiking LSTM parameters in the paper's terms (SPEC §4) and their float / fixed Lava form."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from lava_sd.checks import ParameterError
from lava_sd.fixed_point import DECAY_UNITY, DEFAULT_VTH, split_mant_exp, state_unit
from lava_sd.models.spiking_lstm.dynamics import ahp_weight

# The authors' beta = 1,390,000 Loihi state units with theta = 127 * 2**6 = 8128 units.
AUTHORS_BETA = 1_390_000 / (127 * 2**6)  # ~171 thresholds


@dataclass(frozen=True)
class SpikingLSTMConfig:
    """``n_regular`` LIF neurons followed by ``n_adaptive`` AHP neurons (Rao et al. 2022).

    Time constants in steps (>= 1); ``beta`` in units of the threshold ``theta`` (the authors'
    defaults: tau_v 20, tau_a 700, beta 1,390,000 Loihi units = 171 theta, refractory 1).
    Decays are quantized to Lava's 1/4096 grid in BOTH forms (``D = round(4096 / tau)``), so
    float and fixed point leak by the same factors.
    """

    n_regular: int
    n_adaptive: int
    tau_v: float = 20.0
    tau_a: float = 700.0
    beta: float = AUTHORS_BETA
    theta: float = 1.0
    n_ref: int = 1
    tau_i: float = 1.0

    def __post_init__(self) -> None:
        owner = "SpikingLSTMConfig"
        if self.n_regular < 0 or self.n_adaptive < 0 or self.n < 1:
            raise ParameterError(f"{owner}: need n_regular, n_adaptive >= 0 and at least one.")
        for key in ("tau_v", "tau_a", "tau_i"):
            if not getattr(self, key) >= 1:
                raise ParameterError(f"{owner}: '{key}' must be >= 1 step.")
        if self.beta < 0 or self.theta <= 0:
            raise ParameterError(f"{owner}: need beta >= 0 and theta > 0.")
        if int(self.n_ref) != self.n_ref or not 0 <= self.n_ref <= 255:
            raise ParameterError(f"{owner}: 'n_ref' must be an integer in [0, 255].")

    @property
    def n(self) -> int:
        """Neurons in the layer."""
        return self.n_regular + self.n_adaptive

    def decays(self) -> dict[str, int]:
        """Effective integer decays ``D = round(4096 / tau)`` of i, ahp and v."""
        return {
            key: int(np.clip(round(DECAY_UNITY / tau), 1, DECAY_UNITY))
            for key, tau in (("du", self.tau_i), ("da", self.tau_a), ("dv", self.tau_v))
        }

    def w_ahp(self) -> np.ndarray:
        """AHP per spike in threshold units: 0 for the regular, ``ahp_weight`` for the rest."""
        w = ahp_weight(self.beta, self.tau_a, self.tau_v) * self.theta
        return np.r_[np.zeros(self.n_regular), np.full(self.n_adaptive, w)]

    def float_params(self) -> dict[str, Any]:
        """Keyword arguments of ``lava_sd.SpikingLSTM`` for ``floating_pt`` (no bias)."""
        d = {key: value / DECAY_UNITY for key, value in self.decays().items()}
        return dict(**d, w_ahp=self.w_ahp(), vth=self.theta, n_ref=self.n_ref)

    def unit(self, vth: int = DEFAULT_VTH) -> float:
        """Fixed-point state units per value unit for threshold ``vth`` (``state_unit``)."""
        return state_unit("SpikingLSTMConfig", vth, self.theta)

    def fixed_params(self, vth: int = DEFAULT_VTH, bias: Any = 0.0) -> dict[str, Any]:
        """Keyword arguments of ``lava_sd.SpikingLSTM`` for ``fixed_pt``; ``bias`` in value
        units (per neuron) becomes ``bias_mant << bias_exp`` in state units."""
        unit = self.unit(vth)
        d = self.decays()
        bias_mant, bias_exp = split_mant_exp(np.round(np.asarray(bias, float) * unit))
        return dict(
            du=d["du"] - 1, da=d["da"] - 1, dv=d["dv"],
            w_ahp=np.round(self.w_ahp() * unit).astype(np.int64), vth=int(vth),
            bias_mant=bias_mant, bias_exp=bias_exp, n_ref=int(self.n_ref),
        )  # fmt: skip

"""LIF parameters from time constants, for both backends."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from lava_sd.checks import ParameterError
from lava_sd.fixed_point import DECAY_UNITY, DEFAULT_VTH, split_mant_exp, state_unit
from lava_sd.models.lif.dynamics import RESET_BY_SUBTRACTION, RESET_TO_ZERO

RESETS = {"zero": RESET_TO_ZERO, "subtract": RESET_BY_SUBTRACTION}


@dataclass(frozen=True)
class LIFConfig:
    """A LIF population: time constants in steps (>= 1), threshold ``theta`` (value units) and
    the reset (``"zero"``: Lava's LIF; ``"subtract"``: snnTorch's ``Leaky``).

    Decays are quantized to Lava's 1/4096 grid in BOTH forms (``D = round(4096 / tau)``), so
    float and fixed point leak by the same factors.
    """

    tau_u: float = 1.0
    tau_v: float = 20.0
    theta: float = 1.0
    reset: str = "zero"

    def __post_init__(self) -> None:
        for key in ("tau_u", "tau_v"):
            if not getattr(self, key) >= 1:
                raise ParameterError(f"LIFConfig: '{key}' must be >= 1 step.")
        if not self.theta > 0:
            raise ParameterError("LIFConfig: 'theta' must be positive.")
        if self.reset not in RESETS:
            raise ParameterError(f"LIFConfig: 'reset' must be one of {sorted(RESETS)}.")

    def decays(self) -> dict[str, int]:
        """Effective integer decays ``D = round(4096 / tau)`` of u and v."""
        return {
            key: int(np.clip(round(DECAY_UNITY / tau), 1, DECAY_UNITY))
            for key, tau in (("du", self.tau_u), ("dv", self.tau_v))
        }

    def float_params(self, bias: Any = 0.0) -> dict[str, Any]:
        """Keyword arguments of ``lava_sd.LIF`` for ``floating_pt``."""
        d = self.decays()
        return dict(
            du=d["du"] / DECAY_UNITY, dv=d["dv"] / DECAY_UNITY, vth=self.theta,
            bias_mant=bias, bias_exp=0, reset=RESETS[self.reset],
        )  # fmt: skip

    def unit(self, vth: int = DEFAULT_VTH) -> float:
        """Fixed-point state units per value unit for threshold ``vth`` (``state_unit``)."""
        return state_unit("LIFConfig", vth, self.theta)

    def fixed_params(self, vth: int = DEFAULT_VTH, bias: Any = 0.0) -> dict[str, Any]:
        """Keyword arguments of ``lava_sd.LIF`` for ``fixed_pt``; ``bias`` in value units."""
        d = self.decays()
        bias_mant, bias_exp = split_mant_exp(np.round(np.asarray(bias, float) * self.unit(vth)))
        return dict(
            du=d["du"] - 1, dv=d["dv"], vth=int(vth), bias_mant=bias_mant, bias_exp=bias_exp,
            reset=RESETS[self.reset],
        )  # fmt: skip

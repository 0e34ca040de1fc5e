"""ALIF parameters in the paper's terms (SPEC §3) and their float / fixed-point Lava form."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from lava_sd.checks import ParameterError, as_array, check_range
from lava_sd.fixed_point import DECAY_UNITY, DEFAULT_VTH, split_mant_exp, state_unit
from lava_sd.models.alif.dynamics import fold

TAU_U_RANGE = (5.0, 25.0)  # the paper's training ranges (SPEC §3)
TAU_W_RANGE = (60.0, 300.0)
A_RANGE = (0.0, 1.0)
B_RANGE = (0.0, 2.0)


@dataclass(frozen=True)
class ALIFConfig:
    """SE-adLIF parameters per neuron as in Baronig et al. 2024 (scalars or arrays).

    ``alpha = exp(-1/tau_u)``, ``beta = exp(-1/tau_w)``; ``a`` in [0, 1], ``b`` in [0, 2],
    time constants in steps (> 1), ``q = 120``, threshold ``theta = 1``, bias in value units.
    ``float_params()`` / ``fixed_params()`` give ``lava_sd.ALIF`` keyword arguments; the input
    weights must be multiplied by ``input_gain(backend)`` (the folded ``1 - alpha``).
    """

    tau_u: Any = 20.0
    tau_w: Any = 150.0
    a: Any = 0.5
    b: Any = 1.0
    q: float = 120.0
    theta: float = 1.0
    bias: Any = 0.0
    symplectic: bool = True

    def __post_init__(self) -> None:
        owner = "ALIFConfig"
        for key in ("tau_u", "tau_w"):
            arr = as_array(owner, key, getattr(self, key))
            if np.any(arr <= 1):
                raise ParameterError(
                    f"{owner}: '{key}' = {arr[arr <= 1].flat[0]:g} steps; time constants must "
                    "be > 1 step (the paper uses tau_u in [5, 25], tau_w in [60, 300])."
                )
        check_range(owner, "a", as_array(owner, "a", self.a), *A_RANGE, "SPEC §3: a in [0, 1].")
        check_range(owner, "b", as_array(owner, "b", self.b), *B_RANGE, "SPEC §3: b in [0, 2].")
        for key in ("q", "theta"):
            if not as_array(owner, key, getattr(self, key)) > 0:
                raise ParameterError(f"{owner}: '{key}' must be positive.")
        as_array(owner, "bias", self.bias)

    def folded(self) -> dict[str, np.ndarray]:
        """``dv, dw, a_w, b_w, gain`` of ``dynamics.fold`` as float arrays."""
        alpha = np.exp(-1.0 / np.asarray(self.tau_u, dtype=float))
        beta = np.exp(-1.0 / np.asarray(self.tau_w, dtype=float))
        return fold(alpha, beta, np.asarray(self.a, float), np.asarray(self.b, float), self.q)

    def input_gain(self, backend: str = "float") -> np.ndarray:
        """The factor ``1 - alpha`` to fold into the input weights (its fixed-point value
        ``dv / 4096`` for ``backend="fixed"``)."""
        gain = self.folded()["gain"]
        return gain if backend == "float" else np.round(gain * DECAY_UNITY) / DECAY_UNITY

    def float_params(self) -> dict[str, Any]:
        """Keyword arguments of ``lava_sd.ALIF`` for ``floating_pt``."""
        f = self.folded()
        return dict(
            du=1.0, dv=f["dv"], dw=f["dw"], a_w=f["a_w"], b_w=f["b_w"], vth=self.theta,
            bias_mant=f["gain"] * np.asarray(self.bias, float), bias_exp=0,
            symplectic=int(self.symplectic),
        )  # fmt: skip

    def fixed_params(self, vth: int = DEFAULT_VTH) -> dict[str, Any]:
        """Keyword arguments of ``lava_sd.ALIF`` for ``fixed_pt``.

        Args:
            vth: integer threshold; the state unit (integer per value unit) is
                ``unit = (vth << 6) / theta``.
        """
        unit = self.unit(vth)
        f = self.folded()
        dv = np.round(f["dv"] * DECAY_UNITY)
        bias_mant, bias_exp = split_mant_exp(np.round(dv / DECAY_UNITY * self.bias * unit))
        return dict(
            du=DECAY_UNITY - 1,
            dv=dv.astype(np.int64),
            dw=np.round(f["dw"] * DECAY_UNITY).astype(np.int64),
            a_w=np.round(f["a_w"] * DECAY_UNITY).astype(np.int64),
            b_w=np.round(f["b_w"] * unit).astype(np.int64),
            vth=int(vth),
            bias_mant=bias_mant,
            bias_exp=bias_exp,
            symplectic=int(self.symplectic),
        )

    def unit(self, vth: int = DEFAULT_VTH) -> float:
        """Fixed-point state units per value unit for threshold ``vth`` (``state_unit``)."""
        return state_unit("ALIFConfig", vth, self.theta)

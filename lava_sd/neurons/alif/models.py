"""Lava process models of the ALIF layer: thin wrappers over ``dynamics.step_float/step_fixed``.

Absolute imports only: Lava's model discovery executes this file as a top-level module.
"""

from __future__ import annotations

import numpy as np
from lava.magma.core.decorator import implements, requires, tag
from lava.magma.core.model.py.type import LavaPyType
from lava.magma.core.resources import CPU
from lava.magma.core.sync.protocols.loihi_protocol import LoihiProtocol

from lava_sd.fixed_point import scaled_bias
from lava_sd.layers.spiking.models import AbstractSpikingLayerFixed, AbstractSpikingLayerFloat
from lava_sd.model_state import load_state, store_state
from lava_sd.neurons.alif.dynamics import (
    ALIFFixedParams,
    ALIFFloatParams,
    ALIFState,
    step_fixed,
    step_float,
)
from lava_sd.neurons.alif.process import ALIF


@implements(proc=ALIF, protocol=LoihiProtocol)
@requires(CPU)
@tag("floating_pt")
class PyALIFModelFloat(AbstractSpikingLayerFloat):
    """float64 ALIF layer; equations in ``dynamics.step_float``."""

    i: np.ndarray = LavaPyType(np.ndarray, float)
    v: np.ndarray = LavaPyType(np.ndarray, float)
    w: np.ndarray = LavaPyType(np.ndarray, float)
    s: np.ndarray = LavaPyType(np.ndarray, float)
    du: np.ndarray = LavaPyType(np.ndarray, float)
    dv: np.ndarray = LavaPyType(np.ndarray, float)
    dw: np.ndarray = LavaPyType(np.ndarray, float)
    a_w: np.ndarray = LavaPyType(np.ndarray, float)
    b_w: np.ndarray = LavaPyType(np.ndarray, float)
    vth: np.ndarray = LavaPyType(np.ndarray, float)
    bias_mant: np.ndarray = LavaPyType(np.ndarray, float)
    bias_exp: np.ndarray = LavaPyType(np.ndarray, np.int64)
    symplectic: np.ndarray = LavaPyType(np.ndarray, np.int32)

    def params(self) -> ALIFFloatParams:
        """The parameter Vars as ``step_float`` takes them."""
        return ALIFFloatParams(
            self.du, self.dv, self.dw, self.a_w, self.b_w, self.vth,
            self.bias_mant * 2.0**self.bias_exp, bool(self.symplectic[0]),
        )  # fmt: skip

    def neuron_step(self, a: np.ndarray) -> np.ndarray:
        params = self.derived("neuron_params", self.params)
        state = step_float(load_state(self, ALIFState), a, params)
        store_state(self, state)
        return state.s


@implements(proc=ALIF, protocol=LoihiProtocol)
@requires(CPU)
@tag("fixed_pt")
class PyALIFModelFixed(AbstractSpikingLayerFixed):
    """Integer ALIF layer; equations in ``dynamics.step_fixed``.

    Bit widths (``docs/fixed_point.md``): i 24-bit wrapping, v and w 24-bit saturating, du
    12-bit (D = du + 1), dv and dw 13-bit (D, up to 4096), a_w 13-bit (fraction of 4096), b_w
    24-bit, vth 17-bit, bias 13-bit mantissa + 3-bit exponent.
    """

    i: np.ndarray = LavaPyType(np.ndarray, np.int32, precision=24)
    v: np.ndarray = LavaPyType(np.ndarray, np.int32, precision=24)
    w: np.ndarray = LavaPyType(np.ndarray, np.int32, precision=24)
    s: np.ndarray = LavaPyType(np.ndarray, np.int32, precision=1)
    du: np.ndarray = LavaPyType(np.ndarray, np.int32, precision=12)
    dv: np.ndarray = LavaPyType(np.ndarray, np.int32, precision=13)
    dw: np.ndarray = LavaPyType(np.ndarray, np.int32, precision=13)
    a_w: np.ndarray = LavaPyType(np.ndarray, np.int32, precision=13)
    b_w: np.ndarray = LavaPyType(np.ndarray, np.int32, precision=24)
    vth: np.ndarray = LavaPyType(np.ndarray, np.int32, precision=17)
    bias_mant: np.ndarray = LavaPyType(np.ndarray, np.int32, precision=13)
    bias_exp: np.ndarray = LavaPyType(np.ndarray, np.int32, precision=3)
    symplectic: np.ndarray = LavaPyType(np.ndarray, np.int32, precision=1)

    def params(self) -> ALIFFixedParams:
        """The parameter Vars as ``step_fixed`` takes them (int64)."""
        return ALIFFixedParams(
            *(getattr(self, k).astype(np.int64) for k in ("du", "dv", "dw", "a_w", "b_w", "vth")),
            scaled_bias(self.bias_mant, self.bias_exp),
            bool(self.symplectic[0]),
        )

    def neuron_step(self, a: np.ndarray) -> np.ndarray:
        params = self.derived("neuron_params", self.params)
        state, overflowed = step_fixed(load_state(self, ALIFState), a, params)
        store_state(self, state)
        self.overflow[:] += overflowed
        return state.s

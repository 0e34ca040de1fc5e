"""Lava process models of the spiking LSTM layer: thin wrappers over ``dynamics``.

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
from lava_sd.neurons.spiking_lstm.dynamics import (
    SpikingLSTMParams,
    SpikingLSTMState,
    step_fixed,
    step_float,
)
from lava_sd.neurons.spiking_lstm.process import SpikingLSTM


@implements(proc=SpikingLSTM, protocol=LoihiProtocol)
@requires(CPU)
@tag("floating_pt")
class PySpikingLSTMModelFloat(AbstractSpikingLayerFloat):
    """float64 spiking LSTM layer; equations in ``dynamics.step_float``."""

    i: np.ndarray = LavaPyType(np.ndarray, float)
    ahp: np.ndarray = LavaPyType(np.ndarray, float)
    v: np.ndarray = LavaPyType(np.ndarray, float)
    ref: np.ndarray = LavaPyType(np.ndarray, float)
    s: np.ndarray = LavaPyType(np.ndarray, float)
    du: np.ndarray = LavaPyType(np.ndarray, float)
    da: np.ndarray = LavaPyType(np.ndarray, float)
    dv: np.ndarray = LavaPyType(np.ndarray, float)
    w_ahp: np.ndarray = LavaPyType(np.ndarray, float)
    vth: np.ndarray = LavaPyType(np.ndarray, float)
    bias_mant: np.ndarray = LavaPyType(np.ndarray, float)
    bias_exp: np.ndarray = LavaPyType(np.ndarray, np.int64)
    n_ref: np.ndarray = LavaPyType(np.ndarray, float)

    def params(self) -> SpikingLSTMParams:
        """The parameter Vars as ``step_float`` takes them."""
        return SpikingLSTMParams(
            self.du, self.da, self.dv, self.w_ahp, self.vth, self.bias_mant * 2.0**self.bias_exp,
            self.n_ref,
        )  # fmt: skip

    def neuron_step(self, a: np.ndarray) -> np.ndarray:
        params = self.derived("neuron_params", self.params)
        state = step_float(load_state(self, SpikingLSTMState), a, params)
        store_state(self, state)
        return state.s


@implements(proc=SpikingLSTM, protocol=LoihiProtocol)
@requires(CPU)
@tag("fixed_pt")
class PySpikingLSTMModelFixed(AbstractSpikingLayerFixed):
    """Integer spiking LSTM layer; equations in ``dynamics.step_fixed``.

    Bit widths (``docs/fixed_point.md``): i and ahp 24-bit wrapping, v 24-bit saturating, du and
    da 12-bit (D = d + 1), dv 13-bit, w_ahp 24-bit, vth 17-bit, bias 13-bit mantissa + 3-bit
    exponent, n_ref and ref 8-bit.
    """

    i: np.ndarray = LavaPyType(np.ndarray, np.int32, precision=24)
    ahp: np.ndarray = LavaPyType(np.ndarray, np.int32, precision=24)
    v: np.ndarray = LavaPyType(np.ndarray, np.int32, precision=24)
    ref: np.ndarray = LavaPyType(np.ndarray, np.int32, precision=8)
    s: np.ndarray = LavaPyType(np.ndarray, np.int32, precision=1)
    du: np.ndarray = LavaPyType(np.ndarray, np.int32, precision=12)
    da: np.ndarray = LavaPyType(np.ndarray, np.int32, precision=12)
    dv: np.ndarray = LavaPyType(np.ndarray, np.int32, precision=13)
    w_ahp: np.ndarray = LavaPyType(np.ndarray, np.int32, precision=24)
    vth: np.ndarray = LavaPyType(np.ndarray, np.int32, precision=17)
    bias_mant: np.ndarray = LavaPyType(np.ndarray, np.int32, precision=13)
    bias_exp: np.ndarray = LavaPyType(np.ndarray, np.int32, precision=3)
    n_ref: np.ndarray = LavaPyType(np.ndarray, np.int32, precision=8)

    def params(self) -> SpikingLSTMParams:
        """The parameter Vars as ``step_fixed`` takes them (int64)."""
        return SpikingLSTMParams(
            *(getattr(self, k).astype(np.int64) for k in ("du", "da", "dv", "w_ahp", "vth")),
            scaled_bias(self.bias_mant, self.bias_exp),
            self.n_ref.astype(np.int64),
        )

    def neuron_step(self, a: np.ndarray) -> np.ndarray:
        params = self.derived("neuron_params", self.params)
        state, overflowed = step_fixed(load_state(self, SpikingLSTMState), a, params)
        store_state(self, state)
        self.overflow[:] += overflowed
        return state.s

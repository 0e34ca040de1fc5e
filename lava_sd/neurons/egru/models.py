"""Lava process models of the EGRU layer: thin wrappers over ``dynamics.step_float/step_fixed``.

Absolute imports only: Lava's model discovery executes this file as a top-level module.
"""

from __future__ import annotations

import numpy as np
from lava.magma.core.decorator import implements, requires, tag
from lava.magma.core.model.py.ports import PyOutPort
from lava.magma.core.model.py.type import LavaPyType
from lava.magma.core.resources import CPU
from lava.magma.core.sync.protocols.loihi_protocol import LoihiProtocol

from lava_sd.layers.spiking.models import AbstractSpikingLayerFixed, AbstractSpikingLayerFloat
from lava_sd.model_state import load_state, store_state
from lava_sd.neurons.egru.dynamics import EGRUState, step_fixed, step_float
from lava_sd.neurons.egru.process import EGRU
from lava_sd.synapses.batch_dense.dynamics import dense_fixed, dense_float


@implements(proc=EGRU, protocol=LoihiProtocol)
@requires(CPU)
@tag("floating_pt")
class PyEGRUModelFloat(AbstractSpikingLayerFloat):
    """float64 EGRU layer; gate equations in ``dynamics.step_float``."""

    c: np.ndarray = LavaPyType(np.ndarray, float)
    y: np.ndarray = LavaPyType(np.ndarray, float)
    thr: np.ndarray = LavaPyType(np.ndarray, float)
    bias_x: np.ndarray = LavaPyType(np.ndarray, float)
    bias_r: np.ndarray = LavaPyType(np.ndarray, float)

    def layer_step(self, x: np.ndarray) -> np.ndarray:
        wx = dense_float(x, self.weights, int(self.num_message_bits[0])) + self.bias_x
        ry = self.bias_r
        if self.use_rec[0]:
            ry = dense_float(self.y, self.rec_weights, 24) + ry
        state = step_float(load_state(self, EGRUState), wx, ry, self.thr)
        store_state(self, state)
        return state.y


@implements(proc=EGRU, protocol=LoihiProtocol)
@requires(CPU)
@tag("fixed_pt")
class PyEGRUModelFixed(AbstractSpikingLayerFixed):
    """Integer EGRU layer on the Q12 grid; gate equations in ``dynamics.step_fixed``.

    Bit widths (``docs/fixed_point.md``): gate inputs and ``c`` 24-bit saturating, gates Q12 in
    [0, 4096], ``y`` a 24-bit graded payload, biases 24-bit, ``thr`` 13-bit.
    """

    s_out: PyOutPort = LavaPyType(PyOutPort.VEC_DENSE, np.int32, precision=24)
    c: np.ndarray = LavaPyType(np.ndarray, np.int32, precision=24)
    y: np.ndarray = LavaPyType(np.ndarray, np.int32, precision=24)
    thr: np.ndarray = LavaPyType(np.ndarray, np.int32, precision=13)
    bias_x: np.ndarray = LavaPyType(np.ndarray, np.int32, precision=24)
    bias_r: np.ndarray = LavaPyType(np.ndarray, np.int32, precision=24)

    def layer_step(self, x: np.ndarray) -> np.ndarray:
        w, u = self.fixed_weights()
        exp, nmb = int(self.weight_exp[0]), int(self.num_message_bits[0])
        wx = dense_fixed(x, w, exp, nmb) + self.bias_x
        ry = self.bias_r.astype(np.int64)
        if self.use_rec[0]:
            ry = dense_fixed(self.y, u, int(self.rec_weight_exp[0]), 24) + ry
        state, overflowed = step_fixed(load_state(self, EGRUState), wx, ry, self.thr)
        store_state(self, state)
        self.overflow[:] += overflowed
        return state.y

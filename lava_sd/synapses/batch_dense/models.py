"""Lava process models of ``BatchDense``: thin wrappers over ``dynamics``.

Absolute imports only: Lava's model discovery executes this file as a top-level module.
"""

from __future__ import annotations

import numpy as np
from lava.magma.core.decorator import implements, requires, tag
from lava.magma.core.model.py.model import PyLoihiProcessModel
from lava.magma.core.model.py.ports import PyInPort, PyOutPort
from lava.magma.core.model.py.type import LavaPyType
from lava.magma.core.resources import CPU
from lava.magma.core.sync.protocols.loihi_protocol import LoihiProtocol

from lava_sd.layer.synapses import dense_fixed, dense_float, fixed_weights
from lava_sd.model_state import DerivedFromVars, OneBlasThread
from lava_sd.synapses.batch_dense.process import BatchDense


@implements(proc=BatchDense, protocol=LoihiProtocol)
@requires(CPU)
@tag("floating_pt")
class PyBatchDenseModelFloat(OneBlasThread, PyLoihiProcessModel):
    """float64 batched dense synapse (one step of delay)."""

    s_in: PyInPort = LavaPyType(PyInPort.VEC_DENSE, float)
    a_out: PyOutPort = LavaPyType(PyOutPort.VEC_DENSE, float)
    weights: np.ndarray = LavaPyType(np.ndarray, float)
    a_buff: np.ndarray = LavaPyType(np.ndarray, float)
    weight_exp: np.ndarray = LavaPyType(np.ndarray, np.int32)
    num_message_bits: np.ndarray = LavaPyType(np.ndarray, np.int32)

    def run_spk(self) -> None:
        self.a_out.send(self.a_buff)
        self.a_buff[:] = dense_float(self.s_in.recv(), self.weights, int(self.num_message_bits[0]))


@implements(proc=BatchDense, protocol=LoihiProtocol)
@requires(CPU)
@tag("fixed_pt")
class PyBatchDenseModelFixed(OneBlasThread, DerivedFromVars, PyLoihiProcessModel):
    """Integer batched dense synapse, bit-exact with Lava's ``Dense`` fixed_pt model."""

    s_in: PyInPort = LavaPyType(PyInPort.VEC_DENSE, np.int32, precision=24)
    a_out: PyOutPort = LavaPyType(PyOutPort.VEC_DENSE, np.int32, precision=24)
    weights: np.ndarray = LavaPyType(np.ndarray, np.int32, precision=8)
    a_buff: np.ndarray = LavaPyType(np.ndarray, np.int32, precision=24)
    weight_exp: np.ndarray = LavaPyType(np.ndarray, np.int32, precision=5)
    num_message_bits: np.ndarray = LavaPyType(np.ndarray, np.int32, precision=5)

    def quantized_weights(self) -> np.ndarray:
        """The weights clipped and truncated as Lava's Dense does (also written to the Var, as
        Dense does); computed once per run and again after a ``set()``."""
        weights = fixed_weights(
            self.weights, int(self.proc_params["num_weight_bits"]), self.proc_params["sign_mode"]
        )
        self.weights[:] = weights
        return weights

    def run_spk(self) -> None:
        self.a_out.send(self.a_buff)
        self.a_buff[:] = dense_fixed(
            self.s_in.recv(),
            self.derived("weights", self.quantized_weights),
            int(self.weight_exp[0]),
            int(self.num_message_bits[0]),
        )

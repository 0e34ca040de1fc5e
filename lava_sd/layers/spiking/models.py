"""Process-model bases of the recurrent spiking layers: synapses, readout trace, spike counts.

A concrete model adds the neuron Vars and ``neuron_step(a) -> spikes`` (which calls the
model's ``dynamics.step_float`` or ``step_fixed``; parameters derived from Vars go through
``DerivedFromVars.derived``, computed once per run). The synapse arithmetic is
``lava_sd.synapses.batch_dense.dynamics``. Absolute imports only: Lava's model discovery executes
model files as top-level modules.
"""

from __future__ import annotations

import numpy as np
from lava.magma.core.model.py.model import PyLoihiProcessModel
from lava.magma.core.model.py.ports import PyInPort, PyOutPort
from lava.magma.core.model.py.type import LavaPyType

from lava_sd.fixed_point import decay
from lava_sd.model_state import DerivedFromVars, OneBlasThread
from lava_sd.synapses.batch_dense.dynamics import dense_fixed, dense_float, fixed_weights


class AbstractSpikingLayerFloat(OneBlasThread, DerivedFromVars, PyLoihiProcessModel):
    """float64 synapses and readout of a ``SpikingLayer``; subclasses add ``neuron_step``."""

    a_in: PyInPort = LavaPyType(PyInPort.VEC_DENSE, float)
    s_out: PyOutPort = LavaPyType(PyOutPort.VEC_DENSE, float)
    weights: np.ndarray = LavaPyType(np.ndarray, float)
    rec_weights: np.ndarray = LavaPyType(np.ndarray, float)
    use_weights: np.ndarray = LavaPyType(np.ndarray, np.int32)
    use_rec: np.ndarray = LavaPyType(np.ndarray, np.int32)
    weight_exp: np.ndarray = LavaPyType(np.ndarray, np.int32)
    rec_weight_exp: np.ndarray = LavaPyType(np.ndarray, np.int32)
    num_message_bits: np.ndarray = LavaPyType(np.ndarray, np.int32)
    n_steps: np.ndarray = LavaPyType(np.ndarray, np.int64)
    readout_decay: np.ndarray = LavaPyType(np.ndarray, float)
    trace: np.ndarray = LavaPyType(np.ndarray, float)
    trace_sum: np.ndarray = LavaPyType(np.ndarray, float)
    spike_count: np.ndarray = LavaPyType(np.ndarray, np.int64)
    overflow: np.ndarray = LavaPyType(np.ndarray, np.int64)

    def neuron_step(self, a: np.ndarray) -> np.ndarray:
        """Advance the neurons by one step with synaptic input ``a``; returns the spikes."""
        raise NotImplementedError

    def layer_step(self, x: np.ndarray) -> np.ndarray:
        """Synapses then neurons: the layer's output for input ``x``."""
        a = x
        if self.use_weights[0]:
            a = dense_float(x, self.weights, int(self.num_message_bits[0]))
        if self.use_rec[0]:
            a = a + dense_float(self.s, self.rec_weights, 0)
        return self.neuron_step(a)

    def run_spk(self) -> None:
        out = self.layer_step(self.a_in.recv())
        k = self.readout_decay[0]
        self.trace[:] = self.trace * (1 - k) + k * out
        _accumulate(self, out)
        self.s_out.send(out)


class AbstractSpikingLayerFixed(OneBlasThread, DerivedFromVars, PyLoihiProcessModel):
    """Integer synapses (bit-exact with Lava's ``Dense``) and readout of a ``SpikingLayer``.

    The readout trace is ``decay(trace, k) + k s`` with ``k`` a voltage-style decay (D = k), so
    one spike adds 4096 * k / 4096 = k; it is at most 4096 and never overflows.
    """

    a_in: PyInPort = LavaPyType(PyInPort.VEC_DENSE, np.int32, precision=24)
    s_out: PyOutPort = LavaPyType(PyOutPort.VEC_DENSE, np.int32, precision=1)
    weights: np.ndarray = LavaPyType(np.ndarray, np.int32, precision=8)
    rec_weights: np.ndarray = LavaPyType(np.ndarray, np.int32, precision=8)
    use_weights: np.ndarray = LavaPyType(np.ndarray, np.int32)
    use_rec: np.ndarray = LavaPyType(np.ndarray, np.int32)
    weight_exp: np.ndarray = LavaPyType(np.ndarray, np.int32, precision=5)
    rec_weight_exp: np.ndarray = LavaPyType(np.ndarray, np.int32, precision=5)
    num_message_bits: np.ndarray = LavaPyType(np.ndarray, np.int32, precision=5)
    n_steps: np.ndarray = LavaPyType(np.ndarray, np.int64)
    readout_decay: np.ndarray = LavaPyType(np.ndarray, np.int64)
    trace: np.ndarray = LavaPyType(np.ndarray, np.int64)
    trace_sum: np.ndarray = LavaPyType(np.ndarray, np.int64)
    spike_count: np.ndarray = LavaPyType(np.ndarray, np.int64)
    overflow: np.ndarray = LavaPyType(np.ndarray, np.int64)

    def neuron_step(self, a: np.ndarray) -> np.ndarray:
        """Advance the neurons by one step with integer input ``a``; returns the spikes."""
        raise NotImplementedError

    def fixed_weights(self) -> tuple[np.ndarray, np.ndarray]:
        """Input and recurrent weights as Lava's Dense uses them (prepared once per run)."""
        return self.derived(
            "weights", lambda: (fixed_weights(self.weights), fixed_weights(self.rec_weights))
        )

    def layer_step(self, x: np.ndarray) -> np.ndarray:
        """Synapses then neurons: the layer's output for integer input ``x``."""
        w, u = self.fixed_weights()
        if self.use_weights[0]:
            a = dense_fixed(x, w, int(self.weight_exp[0]), int(self.num_message_bits[0]))
        else:
            a = np.asarray(x, dtype=np.int64)
        if self.use_rec[0]:
            a = a + dense_fixed(self.s, u, int(self.rec_weight_exp[0]), 0)
        return self.neuron_step(a)

    def run_spk(self) -> None:
        out = self.layer_step(self.a_in.recv())
        k = self.readout_decay[0]
        self.trace[:] = decay(self.trace, k) + k * out
        _accumulate(self, out)
        self.s_out.send(out)


def _accumulate(model: PyLoihiProcessModel, out: np.ndarray) -> None:
    """Add this step's events (non-zero outputs) and trace to the sums of samples still within
    ``n_steps``."""
    own = (model.time_step - 1 < model.n_steps).reshape(out.shape[:-1] + (1,))
    model.spike_count[:] += np.where(own, out != 0, 0).astype(np.int64)
    model.trace_sum[:] += np.where(own, model.trace, 0)

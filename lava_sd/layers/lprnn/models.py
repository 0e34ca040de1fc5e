"""Lava process models of the ΣΔ-lpRNN layers: fused synapses + ``SigmaDelta`` neuron step.

The synapse arithmetic is ``lava_sd.synapses.batch_dense.dynamics`` and the neuron update is
``lava_sd.neurons.sigma_delta.dynamics``; this file only wires them and samples the readout.
Absolute imports only: Lava's model discovery executes this file as a top-level module.
"""

from __future__ import annotations

import numpy as np
from lava.magma.core.decorator import implements, requires, tag
from lava.magma.core.model.py.ports import PyInPort, PyOutPort
from lava.magma.core.model.py.type import LavaPyType
from lava.magma.core.resources import CPU
from lava.magma.core.sync.protocols.loihi_protocol import LoihiProtocol

from lava_sd.layers.lprnn.process import LpLinear, LpRNN
from lava_sd.model_state import OneBlasThread
from lava_sd.neurons.sigma_delta.models import AbstractSigmaDeltaFixed, AbstractSigmaDeltaFloat
from lava_sd.synapses.batch_dense.dynamics import dense_fixed, dense_float, fixed_weights


def record_readout(
    time_step: int,
    spikes: np.ndarray,
    i_fb: np.ndarray,
    n_frames: np.ndarray,
    frame_steps: int,
    frame_offset: int,
    spike_count: np.ndarray,
    d_sum: np.ndarray,
) -> None:
    """Accumulate one step (``time_step`` from 1) of a layer's readout, in place.

    ``spike_count += spikes`` for the samples still within their own ``n_frames * K + offset``
    steps (not in the batch padding), and ``d_sum -= i_fb`` (the decoded value) at each frame
    end ``t - offset = k K - 1`` of a frame ``k < n_frames``. Arrays are ``(batch, n)``,
    ``n_frames`` is ``(batch,)``.
    """
    own = time_step - 1 < n_frames * frame_steps + frame_offset
    np.add(spike_count, spikes, out=spike_count, where=own[:, None], casting="unsafe")
    t = time_step - 1 - frame_offset
    if t < 0 or (t + 1) % frame_steps:
        return
    valid = (t + 1) // frame_steps - 1 < n_frames
    d_sum[valid] -= i_fb[valid]


class _LayerModel(OneBlasThread):
    """Shared by the layer models: one BLAS thread per process, and the readout."""

    def _record(self, spikes: np.ndarray) -> None:
        """Count the spikes and sample the decoded value (``record_readout``)."""
        record_readout(
            self.time_step,
            spikes,
            self.i_fb,
            self.n_frames,
            int(self.frame_steps[0]),
            int(self.frame_offset[0]),
            self.spike_count,
            self.d_sum,
        )


class AbstractLpLayerFloat(_LayerModel, AbstractSigmaDeltaFloat):
    """float64 layer: ``a_in = W s_in (+ U s_prev)``, then the ΣΔ float step."""

    s_in: PyInPort = LavaPyType(PyInPort.VEC_DENSE, float)
    s_out: PyOutPort = LavaPyType(PyOutPort.VEC_DENSE, float)
    weights: np.ndarray = LavaPyType(np.ndarray, float)
    weight_exp: np.ndarray = LavaPyType(np.ndarray, np.int32)
    num_message_bits: np.ndarray = LavaPyType(np.ndarray, np.int32)
    frame_steps: np.ndarray = LavaPyType(np.ndarray, np.int64)
    frame_offset: np.ndarray = LavaPyType(np.ndarray, np.int64)
    n_frames: np.ndarray = LavaPyType(np.ndarray, np.int64)
    d_sum: np.ndarray = LavaPyType(np.ndarray, float)
    spike_count: np.ndarray = LavaPyType(np.ndarray, np.int64)

    def run_spk(self) -> None:
        a_in = dense_float(self.s_in.recv(), self.weights, int(self.num_message_bits[0]))
        if hasattr(self, "rec_weights"):
            a_in = a_in + dense_float(self.s, self.rec_weights, 0)
        spikes = self.neuron_step(a_in)
        self._record(spikes)
        self.s_out.send(spikes)


class AbstractLpLayerFixed(_LayerModel, AbstractSigmaDeltaFixed):
    """Integer layer: each synapse bit-exact with Lava's ``Dense``, then the ΣΔ integer step."""

    s_in: PyInPort = LavaPyType(PyInPort.VEC_DENSE, np.int32, precision=24)
    s_out: PyOutPort = LavaPyType(PyOutPort.VEC_DENSE, np.int32, precision=1)
    weights: np.ndarray = LavaPyType(np.ndarray, np.int32, precision=8)
    weight_exp: np.ndarray = LavaPyType(np.ndarray, np.int32, precision=5)
    num_message_bits: np.ndarray = LavaPyType(np.ndarray, np.int32, precision=5)
    frame_steps: np.ndarray = LavaPyType(np.ndarray, np.int64)
    frame_offset: np.ndarray = LavaPyType(np.ndarray, np.int64)
    n_frames: np.ndarray = LavaPyType(np.ndarray, np.int64)
    d_sum: np.ndarray = LavaPyType(np.ndarray, np.float64)
    spike_count: np.ndarray = LavaPyType(np.ndarray, np.int64)

    def run_spk(self) -> None:
        exp = int(self.weight_exp[0])
        w = self.derived("weights", lambda: fixed_weights(self.weights))
        a_in = dense_fixed(self.s_in.recv(), w, exp, int(self.num_message_bits[0]))
        if hasattr(self, "rec_weights"):
            u = self.derived("rec_weights", lambda: fixed_weights(self.rec_weights))
            a_in = a_in + dense_fixed(self.s, u, exp, 0)
        spikes = self.neuron_step(a_in)
        self._record(spikes)
        self.s_out.send(spikes)


@implements(proc=LpLinear, protocol=LoihiProtocol)
@requires(CPU)
@tag("floating_pt")
class PyLpLinearModelFloat(AbstractLpLayerFloat):
    """float64 LpLinear."""


@implements(proc=LpLinear, protocol=LoihiProtocol)
@requires(CPU)
@tag("fixed_pt")
class PyLpLinearModelFixed(AbstractLpLayerFixed):
    """Integer LpLinear."""


@implements(proc=LpRNN, protocol=LoihiProtocol)
@requires(CPU)
@tag("floating_pt")
class PyLpRNNModelFloat(AbstractLpLayerFloat):
    """float64 LpRNN."""

    rec_weights: np.ndarray = LavaPyType(np.ndarray, float)


@implements(proc=LpRNN, protocol=LoihiProtocol)
@requires(CPU)
@tag("fixed_pt")
class PyLpRNNModelFixed(AbstractLpLayerFixed):
    """Integer LpRNN."""

    rec_weights: np.ndarray = LavaPyType(np.ndarray, np.int32, precision=8)

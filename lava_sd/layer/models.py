"""Process-model bases of every layer process: one float and one fixed-point base, each a thin
wrapper over ``layer.dynamics`` and the model's ``NeuronSpec``.

A model's ``proc/models.py`` holds one class per tag, e.g.::

    @implements(proc=ALIF, protocol=LoihiProtocol)
    @requires(CPU)
    @tag("fixed_pt")
    class PyALIFModelFixed(LayerModelFixed, neuron=ALIF_NEURON):
        '''Integer ALIF layer.'''

and the base declares the ``LavaPyType`` of every Var of that neuron from the spec (float:
float64, or int64 for integer Vars; fixed: int32 parameters and int64 states with the spec's
bits as precision). Parameters and Lava-ready weights are derived from the Vars once per run and
again after a ``set()`` (``DerivedFromVars``); a step is ``layer.dynamics.advance_*``.
Absolute imports only: Lava's model discovery executes model files as top-level modules.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from lava.magma.core.model.py.model import PyLoihiProcessModel
from lava.magma.core.model.py.ports import PyInPort, PyOutPort
from lava.magma.core.model.py.type import LavaPyType

from lava_sd.layer.dynamics import Synapses, advance_fixed, advance_float
from lava_sd.layer.spec import NeuronSpec, VarSpec
from lava_sd.layer.synapses import fixed_weights
from lava_sd.model_state import DerivedFromVars, OneBlasThread


class _LayerModel(OneBlasThread, DerivedFromVars, PyLoihiProcessModel):
    """What both backends share: the spec, the readout bookkeeping and the Var declarations."""

    NEURON: NeuronSpec
    use_weights: np.ndarray = LavaPyType(np.ndarray, np.int32)
    use_rec: np.ndarray = LavaPyType(np.ndarray, np.int32)
    n_frames: np.ndarray = LavaPyType(np.ndarray, np.int64)
    frame_steps: np.ndarray = LavaPyType(np.ndarray, np.int64)
    frame_offset: np.ndarray = LavaPyType(np.ndarray, np.int64)
    readout_last: np.ndarray = LavaPyType(np.ndarray, np.int64)
    spike_count: np.ndarray = LavaPyType(np.ndarray, np.int64)
    overflow: np.ndarray = LavaPyType(np.ndarray, np.int64)
    overflow_steps: np.ndarray = LavaPyType(np.ndarray, np.int64)
    overflow_first: np.ndarray = LavaPyType(np.ndarray, np.int64)

    def __init_subclass__(cls, neuron: NeuronSpec | None = None, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if neuron is None:
            return
        cls.NEURON = neuron
        for var in neuron.params:
            setattr(cls, var.name, cls.param_type(var))
        for var in neuron.states:
            setattr(cls, var.name, cls.state_type(var))
        cls.s_out = cls.output_type(neuron)

    @staticmethod
    def param_type(var: VarSpec) -> LavaPyType:
        """The ``LavaPyType`` of a parameter Var."""
        raise NotImplementedError

    @staticmethod
    def state_type(var: VarSpec) -> LavaPyType:
        """The ``LavaPyType`` of a state Var."""
        raise NotImplementedError

    @staticmethod
    def output_type(neuron: NeuronSpec) -> LavaPyType:
        """The ``LavaPyType`` of the output port."""
        raise NotImplementedError

    @property
    def READOUT(self) -> str:  # noqa: N802 - the process's class attribute, read through
        """The process's readout, ``"trace"`` or ``"decoded"``."""
        return self.implements_process.READOUT

    def param_values(self) -> dict[str, np.ndarray]:
        """The neuron's parameter Vars by name."""
        return {var.name: getattr(self, var.name) for var in self.NEURON.params}


class LayerModelFloat(_LayerModel):
    """float64 layer: ``layer_step_float`` with the neuron's ``step_float``."""

    a_in: PyInPort = LavaPyType(PyInPort.VEC_DENSE, float)
    weights: np.ndarray = LavaPyType(np.ndarray, float)
    rec_weights: np.ndarray = LavaPyType(np.ndarray, float)
    weight_exp: np.ndarray = LavaPyType(np.ndarray, np.int32)
    rec_weight_exp: np.ndarray = LavaPyType(np.ndarray, np.int32)
    num_message_bits: np.ndarray = LavaPyType(np.ndarray, np.int32)
    readout_decay: np.ndarray = LavaPyType(np.ndarray, float)
    trace: np.ndarray = LavaPyType(np.ndarray, float)
    readout_sum: np.ndarray = LavaPyType(np.ndarray, float)

    @staticmethod
    def param_type(var: VarSpec) -> LavaPyType:
        return LavaPyType(np.ndarray, np.int64 if var.integer else float)

    @staticmethod
    def state_type(var: VarSpec) -> LavaPyType:
        return LavaPyType(np.ndarray, float)

    @staticmethod
    def output_type(neuron: NeuronSpec) -> LavaPyType:
        return LavaPyType(PyOutPort.VEC_DENSE, float)

    def synapses(self) -> Synapses:
        """The float synapses as ``layer_step_float`` takes them."""
        return Synapses(
            self.weights if self.use_weights[0] else None,
            self.rec_weights if self.use_rec[0] else None,
            num_message_bits=int(self.num_message_bits[0]),
        )

    def run_spk(self) -> None:
        params = self.derived("params", lambda: self.NEURON.float_params(self.param_values()))
        synapses = self.derived("synapses", self.synapses)
        self.s_out.send(advance_float(self, self.a_in.recv(), params, synapses))


class LayerModelFixed(_LayerModel):
    """Integer layer: Lava ``Dense`` arithmetic (bit-exact) and the neuron's ``step_fixed``.

    The readout trace is ``decay(trace, k) + k out`` with ``k`` a voltage-style decay (D = k):
    one spike adds ``k``, so a spike train keeps it at most 4096.
    """

    a_in: PyInPort = LavaPyType(PyInPort.VEC_DENSE, np.int32, precision=24)
    weights: np.ndarray = LavaPyType(np.ndarray, np.int32, precision=8)
    rec_weights: np.ndarray = LavaPyType(np.ndarray, np.int32, precision=8)
    weight_exp: np.ndarray = LavaPyType(np.ndarray, np.int32, precision=5)
    rec_weight_exp: np.ndarray = LavaPyType(np.ndarray, np.int32, precision=5)
    num_message_bits: np.ndarray = LavaPyType(np.ndarray, np.int32, precision=5)
    readout_decay: np.ndarray = LavaPyType(np.ndarray, np.int64, precision=13)
    trace: np.ndarray = LavaPyType(np.ndarray, np.int64)
    readout_sum: np.ndarray = LavaPyType(np.ndarray, np.int64)

    @staticmethod
    def param_type(var: VarSpec) -> LavaPyType:
        return LavaPyType(np.ndarray, np.int32, precision=var.bits)

    @staticmethod
    def state_type(var: VarSpec) -> LavaPyType:
        return LavaPyType(np.ndarray, np.int64, precision=var.bits)

    @staticmethod
    def output_type(neuron: NeuronSpec) -> LavaPyType:
        return LavaPyType(PyOutPort.VEC_DENSE, np.int32, precision=neuron.output_bits or 1)

    def synapses(self) -> Synapses:
        """The weights as Lava's ``Dense`` uses them, with their exponents."""
        return Synapses(
            fixed_weights(self.weights) if self.use_weights[0] else None,
            fixed_weights(self.rec_weights) if self.use_rec[0] else None,
            int(self.weight_exp[0]),
            int(self.rec_weight_exp[0]),
            int(self.num_message_bits[0]),
        )

    def run_spk(self) -> None:
        params = self.derived("params", lambda: self.NEURON.fixed_params(self.param_values()))
        synapses = self.derived("synapses", self.synapses)
        self.s_out.send(advance_fixed(self, self.a_in.recv(), params, synapses))

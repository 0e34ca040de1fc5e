"""Lava process models of the ΣΔ neuron: thin wrappers over ``dynamics.step_float/step_fixed``.

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

from lava_sd.model_state import DerivedFromVars, load_state
from lava_sd.neurons.sigma_delta.dynamics import (
    FloatParams,
    SigmaDeltaState,
    fixed_params,
    step_fixed,
    step_float,
)
from lava_sd.neurons.sigma_delta.process import SigmaDelta


class AbstractSigmaDeltaFloat(DerivedFromVars, PyLoihiProcessModel):
    """float64 Vars of a ΣΔ population (``SigmaDeltaNeurons``) and its float step; the parameters
    are gathered once per run and again only after a ``set()``."""

    i_in: np.ndarray = LavaPyType(np.ndarray, float)
    i_ip: np.ndarray = LavaPyType(np.ndarray, float)
    i_fb: np.ndarray = LavaPyType(np.ndarray, float)
    v: np.ndarray = LavaPyType(np.ndarray, float)
    s: np.ndarray = LavaPyType(np.ndarray, float)
    overflow: np.ndarray = LavaPyType(np.ndarray, np.int64)
    du_in: np.ndarray = LavaPyType(np.ndarray, float)
    du_ip: np.ndarray = LavaPyType(np.ndarray, float)
    du_fb: np.ndarray = LavaPyType(np.ndarray, float)
    dv: np.ndarray = LavaPyType(np.ndarray, float)
    w_fb: np.ndarray = LavaPyType(np.ndarray, float)
    vth: np.ndarray = LavaPyType(np.ndarray, float)
    bias_mant: np.ndarray = LavaPyType(np.ndarray, float)
    bias_exp: np.ndarray = LavaPyType(np.ndarray, np.int64)

    def params(self) -> FloatParams:
        """The parameter Vars as ``step_float`` takes them."""
        return FloatParams(
            self.du_in, self.du_ip, self.du_fb, self.dv, self.w_fb, self.vth,
            self.bias_mant * 2.0**self.bias_exp,
        )  # fmt: skip

    def neuron_step(self, a_in: np.ndarray) -> np.ndarray:
        """Advance the neurons by one step with synaptic input ``a_in``; returns the spikes."""
        params = self.derived("neuron_params", self.params)
        state = step_float(load_state(self, SigmaDeltaState), a_in, params)
        _store(self, state)
        return state.s


@implements(proc=SigmaDelta, protocol=LoihiProtocol)
@requires(CPU)
@tag("floating_pt")
class PySigmaDeltaModelFloat(AbstractSigmaDeltaFloat):
    """float64 ΣΔ population; equations in ``dynamics.step_float``."""

    a_in: PyInPort = LavaPyType(PyInPort.VEC_DENSE, float)
    s_out: PyOutPort = LavaPyType(PyOutPort.VEC_DENSE, float)

    def run_spk(self) -> None:
        self.s_out.send(self.neuron_step(self.a_in.recv()))


class AbstractSigmaDeltaFixed(DerivedFromVars, PyLoihiProcessModel):
    """Integer Vars of a ΣΔ population (``SigmaDeltaNeurons``) and its integer step.

    Bit widths (see ``docs/fixed_point.md``): i_in and i_fb 24-bit wrapping, i_ip and v 24-bit
    saturating, du_* 12-bit (D = du + 1), dv 13-bit (D = dv, up to 4096), w_fb 24-bit,
    vth 17-bit, bias 13-bit mantissa + 3-bit exponent. The states are held as int64, the type
    ``step_fixed`` computes in, so a step converts nothing; the parameters are converted once
    (``dynamics.fixed_params``) and again only after a ``set()``.
    """

    i_in: np.ndarray = LavaPyType(np.ndarray, np.int64, precision=24)
    i_ip: np.ndarray = LavaPyType(np.ndarray, np.int64, precision=24)
    i_fb: np.ndarray = LavaPyType(np.ndarray, np.int64, precision=24)
    v: np.ndarray = LavaPyType(np.ndarray, np.int64, precision=24)
    s: np.ndarray = LavaPyType(np.ndarray, np.int64, precision=1)
    overflow: np.ndarray = LavaPyType(np.ndarray, np.int64)
    du_in: np.ndarray = LavaPyType(np.ndarray, np.int32, precision=12)
    du_ip: np.ndarray = LavaPyType(np.ndarray, np.int32, precision=12)
    du_fb: np.ndarray = LavaPyType(np.ndarray, np.int32, precision=12)
    dv: np.ndarray = LavaPyType(np.ndarray, np.int32, precision=13)
    w_fb: np.ndarray = LavaPyType(np.ndarray, np.int32, precision=24)
    vth: np.ndarray = LavaPyType(np.ndarray, np.int32, precision=17)
    bias_mant: np.ndarray = LavaPyType(np.ndarray, np.int32, precision=13)
    bias_exp: np.ndarray = LavaPyType(np.ndarray, np.int32, precision=3)

    def neuron_step(self, a_in: np.ndarray) -> np.ndarray:
        """Advance the neurons by one step with integer input ``a_in``; returns the spikes."""
        params = self.derived(
            "neuron_params",
            lambda: fixed_params(
                *(getattr(self, key) for key in ("du_in", "du_ip", "du_fb", "dv", "w_fb", "vth")),
                self.bias_mant,
                self.bias_exp,
            ),
        )
        state, overflowed = step_fixed(load_state(self, SigmaDeltaState), a_in, params)
        _store(self, state)
        self.overflow += overflowed
        return state.s


@implements(proc=SigmaDelta, protocol=LoihiProtocol)
@requires(CPU)
@tag("fixed_pt")
class PySigmaDeltaModelFixed(AbstractSigmaDeltaFixed):
    """Integer ΣΔ population; equations in ``dynamics.step_fixed``. ``a_in`` up to 24 bits."""

    a_in: PyInPort = LavaPyType(PyInPort.VEC_DENSE, np.int32, precision=24)
    s_out: PyOutPort = LavaPyType(PyOutPort.VEC_DENSE, np.int32, precision=1)

    def run_spk(self) -> None:
        self.s_out.send(self.neuron_step(self.a_in.recv()))


def _store(model: PyLoihiProcessModel, state: SigmaDeltaState) -> None:
    """Bind the new state arrays (each step's own, of the Vars' types) to the model's Vars."""
    for key, value in zip(SigmaDeltaState._fields, state, strict=True):
        setattr(model, key, value)

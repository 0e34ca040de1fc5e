"""Base of the recurrent spiking layer processes (``ALIF``, ``SpikingLSTM``, ``EGRU``).

One process per layer: optional fused input and recurrent synapses (the arithmetic of
``BatchDense`` / Lava's ``Dense``, without their one-step buffer), the neurons of the subclass,
per-sample spike counts and a low-pass trace of the spikes summed for a linear readout.
Only numpy and Lava are imported here: Lava's model discovery executes sibling modules.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import NamedTuple

import numpy as np
from lava.magma.core.process.ports.ports import InPort, OutPort
from lava.magma.core.process.process import AbstractProcess
from lava.magma.core.process.variable import Var

from lava_sd.checks import ParameterError, as_array, check_integer, check_range
from lava_sd.fixed_point import BIAS_EXP_BITS, BIAS_MANT_BITS, DECAY_UNITY, VTH_BITS
from lava_sd.neurons.sigma_delta.process import check_shape

ALL_STEPS = 2**31 - 1
FIXED_HINT = (
    "The fixed_pt model takes integer parameters: map a trained network with "
    "lava_sd.convert_spiking, or convert float parameters with the model's Config.fixed_params()."
)


class ParamRange(NamedTuple):
    """Valid range of one neuron parameter per backend, and what to tell the user otherwise."""

    float_low: float
    float_high: float
    fixed_low: float
    fixed_high: float
    hint: str = ""


_MANT = (1 << (BIAS_MANT_BITS - 1)) - 1
_EXP = (1 << BIAS_EXP_BITS) - 1
THRESHOLD_AND_BIAS = {
    "vth": ParamRange(0, np.inf, 0, (1 << VTH_BITS) - 1, "Threshold; fixed: v > vth << 6."),
    "bias_mant": ParamRange(-np.inf, np.inf, -_MANT - 1, _MANT, "13-bit signed mantissa."),
    "bias_exp": ParamRange(0, _EXP, 0, _EXP, "3-bit exponent: bias = bias_mant << bias_exp."),
}


class SpikingLayer(AbstractProcess):
    """A layer of ``shape = (batch, n)`` or ``(n,)`` spiking neurons, fused synapses, readout.

    Per step::

        a = W a_in (+ U s_prev)     # fixed: each term (. @ Wq.T) << exp, as Lava's Dense;
                                    # without ``weights`` a_in is already weighted: a = a_in
        neuron step(a) -> s_out     # the subclass's equations
        trace <- trace (1 - k) + k s_out     # fixed: decay(trace, k) + k s_out (4096 per spike)
        spike_count += s_out;  trace_sum += trace      # only while t < n_steps[b]

    ``trace_sum / n_steps`` (divided by 4096 in fixed point) times readout weights is the time
    mean of a leaky-integrator readout (no spikes) of the layer: the host applies the weights.

    Subclasses set ``NEURON_PARAMS`` (name -> ``ParamRange``), ``NEURON_STATES`` (names),
    ``GATES`` (weight rows per neuron: 1, or 3 for a GRU) and call ``_setup`` from their
    keyword-only constructor.
    """

    NEURON_PARAMS: Mapping[str, ParamRange] = {}
    NEURON_STATES: tuple[str, ...] = ()
    GATES = 1

    def _setup(
        self,
        shape: Sequence[int],
        neuron: dict[str, object],
        *,
        weights: np.ndarray | None,
        rec_weights: np.ndarray | None,
        weight_exp: int,
        rec_weight_exp: int,
        num_message_bits: int,
        n_steps: int | np.ndarray | None,
        readout_decay: float,
    ) -> None:
        owner = self.owner
        shape = check_shape(owner, shape)
        if len(shape) > 2:
            raise ParameterError(f"{owner}: shape must be (n,) or (batch, n), got {shape}.")
        batch, n = shape[:-1], shape[-1]
        rows = self.GATES * n
        n_in = n
        self.use_weights = Var(shape=(1,), init=int(weights is not None))
        if weights is not None:
            weights = as_array(owner, "weights", weights)
            if weights.ndim != 2 or weights.shape[0] != rows:
                raise ParameterError(
                    f"{owner}: 'weights' must have shape ({rows}, n_in), got {weights.shape}."
                )
            n_in = weights.shape[1]
        self.weights = Var(shape=(rows, n_in), init=0 if weights is None else weights)
        self.use_rec = Var(shape=(1,), init=int(rec_weights is not None))
        if rec_weights is not None:
            rec_weights = as_array(owner, "rec_weights", rec_weights)
            if rec_weights.shape != (rows, n):
                raise ParameterError(
                    f"{owner}: 'rec_weights' must have shape ({rows}, {n}), got "
                    f"{rec_weights.shape}."
                )
        self.rec_weights = Var(shape=(rows, n), init=0 if rec_weights is None else rec_weights)
        self.a_in = InPort(shape=(*batch, n_in))
        self.s_out = OutPort(shape=shape)
        for key, value, low, high in (
            ("weight_exp", weight_exp, -24, 24),
            ("rec_weight_exp", rec_weight_exp, -24, 24),
            ("num_message_bits", num_message_bits, 0, 24),
        ):
            arr = as_array(owner, key, value)
            check_integer(owner, key, arr, "Use an integer.")
            check_range(owner, key, arr, low, high)
            setattr(self, key, Var(shape=(1,), init=int(value)))
        steps_shape = batch or (1,)
        steps = as_array(owner, "n_steps", ALL_STEPS if n_steps is None else n_steps, steps_shape)
        check_integer(owner, "n_steps", steps, "Steps per sample are whole numbers.")
        check_range(owner, "n_steps", steps, 0, ALL_STEPS)
        self.n_steps = Var(shape=steps_shape, init=steps)
        readout = as_array(owner, "readout_decay", readout_decay)
        check_range(owner, "readout_decay", readout, 0, DECAY_UNITY)
        self.readout_decay = Var(shape=(1,), init=float(readout))
        for key in ("trace", "trace_sum", "spike_count", "overflow"):
            setattr(self, key, Var(shape=shape, init=0))
        missing = [key for key in self.NEURON_PARAMS if neuron.get(key) is None]
        if missing:
            raise ParameterError(f"{owner}: missing neuron parameter(s) {missing}.")
        for key in (*self.NEURON_PARAMS, *self.NEURON_STATES):
            setattr(self, key, Var(shape=shape, init=as_array(owner, key, neuron[key], shape)))
        if "s" in self.NEURON_STATES:
            check_range(owner, "s", np.asarray(self.s.init), 0, 1, "Spikes are 0 or 1.")

    @property
    def owner(self) -> str:
        """How this process is named in error messages."""
        return f"{type(self).__name__} '{self.name}'"

    def validate(self, backend: str) -> None:
        """Check every parameter for ``backend`` (``"float"``, ``"fixed"`` or ``"loihi2"``).

        Called by ``lava_sd.run`` in the parent before the simulation starts.

        Raises:
            ParameterError: naming the parameter, the bad value and the valid range.
        """
        owner = self.owner
        fixed = backend != "float"
        for key, (f_low, f_high, i_low, i_high, hint) in self.NEURON_PARAMS.items():
            arr = np.asarray(getattr(self, key).init, dtype=float)
            if fixed:
                check_integer(owner, key, arr, FIXED_HINT)
                check_range(owner, key, arr, i_low, i_high, hint)
            else:
                check_range(owner, key, arr, f_low, f_high, hint)
        readout = float(self.readout_decay.init)
        if fixed:
            check_integer(owner, "readout_decay", np.asarray(readout), "D in [0, 4096].")
            for key in ("weights", "rec_weights"):
                check_integer(owner, key, np.asarray(getattr(self, key).init), FIXED_HINT)
        else:
            check_range(owner, "readout_decay", np.asarray(readout), 0, 1, "A fraction 1/tau.")

"""The event-based GRU (EGRU; Subramoney et al. 2023) as a Lava process: one layer with fused
input and recurrent synapses, sending graded events."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from lava.magma.core.process.variable import Var

from lava_sd.checks import ParameterError, as_array, check_integer, check_range
from lava_sd.fixed_point import STATE_MAX
from lava_sd.layers.spiking.process import ParamRange, SpikingLayer
from lava_sd.neurons.egru.dynamics import ONE

EGRU_PARAMS = {"thr": ParamRange(0, 1, 0, ONE, "Thresholds in [0, 1]; fixed: Q12, [0, 4096].")}


class EGRU(SpikingLayer):
    """A layer of ``n`` EGRU units (SPEC §5), ``shape = (batch, n)`` or ``(n,)``.

    Per step, with gate inputs ``wx = W a_in + bias_x`` and ``ry = R y_prev + bias_r`` (fused
    synapses, 3n rows each: update, reset, candidate)::

        u = sigmoid(wx_u + ry_u);  r = sigmoid(wx_r + ry_r);  g = tanh(wx_g + r ry_g)
        c <- u c + (1 - u) g;  e = H(c - thr);  y = e c;  c <- c - e thr
        s_out = y                            # a graded event carrying c, 0 where silent

    ``sigmoid``/``tanh`` are the piecewise-linear forms of ``lava_sd.neurons.egru.dynamics``.
    ``fixed_pt`` works on the Q12 grid (1.0 = 4096): ``bias_x``, ``bias_r``, ``thr``, ``c`` and
    ``y`` are Q12 integers; the synapses are Lava's ``Dense`` arithmetic with ``weight_exp``.
    ``spike_count`` counts events; the readout trace low-passes ``y``.

    Args:
        shape: ``(batch, n)`` or ``(n,)``.
        weights: ``(3n, n_in)`` input weights (graded input: ``num_message_bits > 0``).
        rec_weights: optional ``(3n, n)`` recurrent weights on the last output ``y``.
        bias_x, bias_r: ``(3n,)`` gate biases (``bias_r`` of the candidate is gated by ``r``).
        thr: per-unit threshold in [0, 1].
        weight_exp, rec_weight_exp, num_message_bits, n_steps, readout_decay: as ``ALIF``.
        c, y: initial state.
        name: process name.
    """

    NEURON_PARAMS = EGRU_PARAMS
    NEURON_STATES = ("c", "y")
    GATES = 3

    def __init__(
        self,
        *,
        shape: Sequence[int],
        weights: np.ndarray,
        rec_weights: np.ndarray | None = None,
        bias_x: float | np.ndarray = 0.0,
        bias_r: float | np.ndarray = 0.0,
        thr: float | np.ndarray = 0.5,
        weight_exp: int = 0,
        rec_weight_exp: int = 0,
        num_message_bits: int = 24,
        n_steps: int | np.ndarray | None = None,
        readout_decay: float = 0.0,
        c: float | np.ndarray = 0.0,
        y: float | np.ndarray = 0.0,
        name: str | None = None,
    ) -> None:
        super().__init__(shape=shape, name=name)
        if weights is None:
            raise ParameterError(f"{self.owner}: 'weights' (3n, n_in) are required.")
        self._setup(
            shape,
            dict(thr=thr, c=c, y=y),
            weights=weights,
            rec_weights=rec_weights,
            weight_exp=weight_exp,
            rec_weight_exp=rec_weight_exp,
            num_message_bits=num_message_bits,
            n_steps=n_steps,
            readout_decay=readout_decay,
        )
        rows = self.GATES * int(shape[-1])
        self.bias_x = Var(shape=(rows,), init=as_array(self.owner, "bias_x", bias_x, (rows,)))
        self.bias_r = Var(shape=(rows,), init=as_array(self.owner, "bias_r", bias_r, (rows,)))

    def validate(self, backend: str) -> None:
        """Parameter checks of ``SpikingLayer.validate`` plus 24-bit integer biases (fixed)."""
        super().validate(backend)
        if backend == "float":
            return
        for key in ("bias_x", "bias_r", "c", "y"):
            arr = np.asarray(getattr(self, key).init, dtype=float)
            check_integer(self.owner, key, arr, "fixed_pt takes Q12 integers (1.0 = 4096).")
            check_range(self.owner, key, arr, -STATE_MAX, STATE_MAX, "24-bit values.")

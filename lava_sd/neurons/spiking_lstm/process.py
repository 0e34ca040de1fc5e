"""The spiking LSTM cell (Rao, Plank, Wild, Maass 2022) as a Lava process: one layer of LIF and
AHP neurons with optional fused input and recurrent synapses."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from lava_sd.fixed_point import DECAY_UNITY, STATE_MAX
from lava_sd.layers.spiking.process import THRESHOLD_AND_BIAS, ParamRange, SpikingLayer

REF_MAX = 255
SPIKING_LSTM_PARAMS = {
    "du": ParamRange(0, 1, 0, DECAY_UNITY - 1, "Current decay: float 1/tau_i, fixed D = du + 1."),
    "da": ParamRange(0, 1, 0, DECAY_UNITY - 1, "AHP decay: float 1/tau_a, fixed D = da + 1."),
    "dv": ParamRange(0, 1, 0, DECAY_UNITY, "Membrane decay: float 1/tau_v, fixed D = dv."),
    "w_ahp": ParamRange(0, np.inf, 0, STATE_MAX, "AHP per spike (>= 0; 0 = LIF neuron)."),
    **THRESHOLD_AND_BIAS,
    "n_ref": ParamRange(0, REF_MAX, 0, REF_MAX, "Refractory steps, an integer in [0, 255]."),
}


class SpikingLSTM(SpikingLayer):
    """A spiking LSTM layer (SPEC §4): LIF neurons and adaptive (AHP) neurons, ``(batch, n)``.

    Per step, with ``a = W a_in (+ U s_prev)`` from the fused synapses (``SpikingLayer``)::

        i   <- i (1 - du) + a
        ahp <- ahp (1 - da) - w_ahp s_prev          # w_ahp = 0 in the regular (LIF) neurons
        v   <- v (1 - dv) + i + ahp + bias;  v <- 0 while refractory
        s    = H(v - vth);  v <- 0 where s;  then n_ref refractory steps

    ``lava_sd.config.spiking_lstm.SpikingLSTMConfig`` gives the parameters of ``n_regular``
    LIF and ``n_adaptive`` AHP neurons for both backends. In ``fixed_pt`` ``i`` and ``ahp`` are
    24-bit wrapping currents (D = du + 1, da + 1), ``v`` a 24-bit saturating voltage (D = dv);
    ``w_ahp`` and ``bias`` are in state units (2**6 per input unit).

    Args:
        shape: ``(batch, n)`` or ``(n,)``.
        du, da, dv: decays (float: fractions 1/tau; fixed: Lava storage).
        w_ahp: AHP increment per spike (>= 0), per neuron.
        vth, bias_mant, bias_exp: threshold and bias as in Lava's LIF.
        n_ref: refractory steps after a spike.
        weights, rec_weights, weight_exp, rec_weight_exp, num_message_bits, n_steps,
            readout_decay: the layer's synapses and readout (see ``lava_sd.ALIF``).
        i, ahp, v, ref, s: initial state (default 0).
        name: process name.

    Ports:
        a_in: input (see ``weights``). s_out: spikes.
    """

    NEURON_PARAMS = SPIKING_LSTM_PARAMS
    NEURON_STATES = ("i", "ahp", "v", "ref", "s")

    def __init__(
        self,
        *,
        shape: Sequence[int],
        du: float | np.ndarray = 1.0,
        da: float | np.ndarray,
        dv: float | np.ndarray,
        w_ahp: float | np.ndarray,
        vth: float | np.ndarray,
        bias_mant: float | np.ndarray = 0.0,
        bias_exp: int | np.ndarray = 0,
        n_ref: int | np.ndarray = 1,
        weights: np.ndarray | None = None,
        rec_weights: np.ndarray | None = None,
        weight_exp: int = 0,
        rec_weight_exp: int = 0,
        num_message_bits: int = 0,
        n_steps: int | np.ndarray | None = None,
        readout_decay: float = 0.0,
        i: float | np.ndarray = 0.0,
        ahp: float | np.ndarray = 0.0,
        v: float | np.ndarray = 0.0,
        ref: int | np.ndarray = 0,
        s: float | np.ndarray = 0.0,
        name: str | None = None,
    ) -> None:
        super().__init__(shape=shape, name=name)
        neuron = dict(
            du=du, da=da, dv=dv, w_ahp=w_ahp, vth=vth, bias_mant=bias_mant, bias_exp=bias_exp,
            n_ref=n_ref, i=i, ahp=ahp, v=v, ref=ref, s=s,
        )  # fmt: skip
        self._setup(
            shape,
            neuron,
            weights=weights,
            rec_weights=rec_weights,
            weight_exp=weight_exp,
            rec_weight_exp=rec_weight_exp,
            num_message_bits=num_message_bits,
            n_steps=n_steps,
            readout_decay=readout_decay,
        )

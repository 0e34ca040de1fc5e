"""The spiking LSTM cell (Rao, Plank, Wild, Maass 2022) as a Lava process: one layer of LIF and
AHP neurons with optional fused input and recurrent synapses."""

from __future__ import annotations

from lava_sd.layer.process import LayerProcess
from lava_sd.models.spiking_lstm.dynamics import SPIKING_LSTM_NEURON


class SpikingLSTM(LayerProcess):
    """A spiking LSTM layer (SPEC §4): LIF neurons and adaptive (AHP) neurons, ``(batch, n)``.

    Per step, with ``a = W a_in (+ U s_prev)`` from the fused synapses (``LayerProcess``)::

        i   <- i (1 - du) + a
        ahp <- ahp (1 - da) - w_ahp s_prev          # w_ahp = 0 in the regular (LIF) neurons
        v   <- v (1 - dv) + i + ahp + bias;  v <- 0 while refractory
        s    = H(v - vth);  v <- 0 where s;  then n_ref refractory steps

    ``lava_sd.models.spiking_lstm.config.SpikingLSTMConfig`` gives the parameters of
    ``n_regular`` LIF and ``n_adaptive`` AHP neurons for both backends. In ``fixed_pt`` ``i``
    and ``ahp`` are 24-bit wrapping currents (D = du + 1, da + 1), ``v`` a 24-bit saturating
    voltage (D = dv); ``w_ahp`` and ``bias`` are in state units (2**6 per input unit).

    Args:
        shape: ``(batch, n)`` or ``(n,)``.
        du, da, dv: decays (float: fractions 1/tau; fixed: Lava storage).
        w_ahp: AHP increment per spike (>= 0), per neuron.
        vth, bias_mant, bias_exp: threshold and bias as in Lava's LIF.
        n_ref: refractory steps after a spike (default 1).
        i, ahp, v, ref, s: initial state (default 0).
        weights, rec_weights, weight_exp, rec_weight_exp, num_message_bits, n_frames,
            frame_steps, frame_offset, readout_decay, name: the layer's synapses and readout
            (``lava_sd.layer.process.LayerProcess``).

    Ports:
        a_in: input (see ``weights``). s_out: spikes.
    """

    NEURON = SPIKING_LSTM_NEURON

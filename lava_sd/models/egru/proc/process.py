"""The event-based GRU (EGRU; Subramoney et al. 2023) as a Lava process: one layer with fused
input and recurrent synapses, sending graded events."""

from __future__ import annotations

from lava_sd.layer.process import LayerProcess
from lava_sd.models.egru.dynamics import EGRU_NEURON


class EGRU(LayerProcess):
    """A layer of ``n`` EGRU units (SPEC §5), ``shape = (batch, n)`` or ``(n,)``.

    Per step, with gate inputs ``wx = W a_in + bias_x`` and ``ry = R y_prev + bias_r`` (fused
    synapses, 3n rows each: update, reset, candidate)::

        u = sigmoid(wx_u + ry_u);  r = sigmoid(wx_r + ry_r);  g = tanh(wx_g + r ry_g)
        c <- u c + (1 - u) g;  e = H(c - thr);  y = e c;  c <- c - e thr
        s_out = y                            # a graded event carrying c, 0 where silent

    ``sigmoid``/``tanh`` are the piecewise-linear forms of ``lava_sd.models.egru.dynamics``.
    ``fixed_pt`` works on the Q12 grid (1.0 = 4096): ``bias_x``, ``bias_r``, ``thr``, ``c`` and
    ``y`` are Q12 integers; the synapses are Lava's ``Dense`` arithmetic with ``weight_exp``.
    ``spike_count`` counts events; the readout trace low-passes ``y``.

    Args:
        shape: ``(batch, n)`` or ``(n,)``.
        weights: ``(3n, n_in)`` input weights (graded input: ``num_message_bits > 0``).
        rec_weights: optional ``(3n, n)`` recurrent weights on the last output ``y``.
        bias_x, bias_r: ``(3n,)`` gate biases (``bias_r`` of the candidate is gated by ``r``).
        thr: per-unit threshold in [0, 1] (default 0.5).
        c, y: initial state.
        weight_exp, rec_weight_exp, num_message_bits, n_frames, frame_steps, frame_offset,
            readout_decay, name: the layer's synapses and readout
            (``lava_sd.layer.process.LayerProcess``).
    """

    NEURON = EGRU_NEURON

"""Lava's current-based LIF neuron as a batched lava_sd layer process."""

from __future__ import annotations

from lava_sd.layer.process import LayerProcess
from lava_sd.models.lif.dynamics import LIF_NEURON


class LIF(LayerProcess):
    """A layer of current-based LIF neurons (SPEC §7), ``shape = (batch, n)`` or ``(n,)``.

    Per step, with ``a = W a_in (+ U s_prev)`` from the fused synapses (``LayerProcess``)::

        u <- u (1 - du) + a
        v <- v (1 - dv) + u + bias  [- s_prev vth]     # reset = 1: subtract the threshold
        s  = H(v - vth);  v <- 0 where s                # reset = 0: Lava's LIF

    With ``reset = 0`` this is ``lava.proc.lif.process.LIF`` with a batch axis: in ``fixed_pt``
    ``u`` wraps at 24 bits (D = du + 1), ``v`` saturates (D = dv), the input enters as ``a << 6``
    and a spike needs ``v > vth << 6``; fed by the same ``Dense`` it equals Lava's LIF bit for
    bit. ``reset = 1`` is snnTorch's ``Leaky`` (subtraction; ``v`` holds the membrane before the
    reset). It is the neuron of NIR's LIF and CubaLIF nodes.

    Args:
        shape: ``(batch, n)`` or ``(n,)``.
        du, dv: decays (float: fractions in [0, 1]; fixed: Lava storage).
        vth, bias_mant, bias_exp: threshold and bias as in Lava's LIF.
        reset: 0 (to zero, default) or 1 (subtract the threshold).
        u, v, s: initial state (default 0).
        weights, rec_weights, weight_exp, rec_weight_exp, num_message_bits, n_frames,
            frame_steps, frame_offset, readout_decay, name: the layer's synapses and readout
            (``lava_sd.layer.process.LayerProcess``).
    """

    NEURON = LIF_NEURON

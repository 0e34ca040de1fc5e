"""The adaptive LIF neuron (SE-adLIF; Baronig, Ferrand, Sabathiel, Legenstein 2024) as a Lava
process: a layer with optional fused input and recurrent synapses."""

from __future__ import annotations

from lava_sd.layer.process import LayerProcess
from lava_sd.models.alif.dynamics import ALIF_NEURON


class ALIF(LayerProcess):
    """A layer of adaptive LIF neurons (SPEC §3), ``shape = (batch, n)`` or ``(n,)``.

    Per step, with ``a = W a_in (+ U s_prev)`` from the fused synapses (``LayerProcess``)::

        i <- i (1 - du) + a                 # synaptic current (du = 1: instantaneous)
        v <- v (1 - dv) + i + bias - w      # membrane: the paper's u
        s  = H(v - vth);  v <- 0 where s
        w <- w (1 - dw) + a_w v + b_w s     # symplectic Euler: the new v, s;
                                            # Euler-forward (symplectic = 0): last step's v, s

    The paper's ``(1 - alpha)`` input factor is folded into the weights and bias and ``w`` is
    scaled by it (``lava_sd.models.alif.config.ALIFConfig`` maps the paper's tau_u, tau_w, a,
    b, q, theta onto these parameters for both backends). In ``fixed_pt`` ``i`` is Lava's
    LIF ``u`` (24-bit, wraps; D = du + 1), ``v`` is Lava's ``v`` (24-bit, saturates; D = dv),
    ``w`` saturates (D = dw), ``a_w`` is a 12-bit fraction ``a_w / 4096`` and ``b_w`` is in
    state units (2**6 per input unit). With ``a_w = b_w = 0`` it is Lava's LIF, bit for bit.

    Args:
        shape: ``(batch, n)`` or ``(n,)``.
        du, dv, dw: decays (float: fractions in [0, 1]; fixed: Lava storage, see above).
        a_w, b_w: adaptation coupling to the membrane and to spikes (>= 0).
        vth: threshold (fixed: ``v > vth << 6``).
        bias_mant, bias_exp: bias ``bias_mant * 2**bias_exp`` (fixed: ``<<``).
        symplectic: 1 for the symplectic-Euler update, 0 for Euler-forward.
        i, v, w, s: initial state (default 0).
        weights, rec_weights, weight_exp, rec_weight_exp, num_message_bits, n_frames,
            frame_steps, frame_offset, readout_decay, name: the layer's synapses and readout
            (``lava_sd.layer.process.LayerProcess``).

    Ports:
        a_in: input (see ``weights``). s_out: spikes ``(batch, n)``.
    """

    NEURON = ALIF_NEURON

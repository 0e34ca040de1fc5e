"""The ΣΔ neuron as a Lava Process (Boeshertz, Indiveri, Nair, Renner 2024): a population, or a
layer with fused synapses (the ΣΔ-lpRNN's layers)."""

from __future__ import annotations

from lava_sd.layer.process import LayerProcess
from lava_sd.models.sigma_delta.dynamics import SIGMA_DELTA


class SigmaDelta(LayerProcess):
    """Population of adaptive ΣΔ spiking neurons (SPEC §1), optionally with fused synapses.

    Per step, sequentially (``s`` on the right is the neuron's own spike of the last step;
    ``a_in`` is the input, or ``W a_in (+ U s)`` with fused ``weights`` / ``rec_weights``)::

        i_in <- i_in (1 - du_in) + a_in                 # synaptic current
        i_ip <- max(0, i_ip (1 - du_ip) + i_in + bias) # second low-pass stage
        i_fb <- i_fb (1 - du_fb) + w_fb s              # negative self-feedback (w_fb <= 0)
        v    <- max(0, v (1 - dv) + i_ip + i_fb)       # rectified membrane
        s_out = H(v - vth);  v <- 0 where s_out

    With ``dv = 1`` (no membrane memory) and ``vth = 0`` the neuron spikes whenever its decoded
    value ``-i_fb`` is below its input ``i_ip``: a first-order ΣΔ modulator whose spike train,
    low-passed with ``du_fb`` and scaled by ``|w_fb|``, decodes the input (see
    ``lava_sd.encode``). The readout is that decoded value, ``-i_fb``, summed at frame ends over
    each sample's own frames (``readout_sum``; see ``lava_sd.layer.process.LayerProcess``).

    Parameters have the same names in both models but different units:

    ================  ===============================  =========================================
    parameter         ``floating_pt``                  ``fixed_pt`` (integers)
    ================  ===============================  =========================================
    du_in/ip/fb       fraction 1/tau in [0, 1]         Lava current storage, D = du + 1, [0, 4095]
    dv                fraction 1/tau in [0, 1]         Lava voltage storage, D = dv, [0, 4096]
    w_fb              value units, <= 0                state units (input << 6), >= -(2**23 - 1)
    vth               value units, >= 0                spike if v > vth << 6, [0, 2**17 - 1]
    bias_mant         value units (bias = m 2**e)      13-bit signed mantissa
    bias_exp          integer in [0, 7]                3-bit exponent; bias = m << e, unshifted
    ================  ===============================  =========================================

    Every parameter is per neuron (broadcast to ``shape``). Give ``shape = (batch, n)`` to hold
    ``batch`` independent populations, so one simulation evaluates many samples.

    Args:
        shape: population shape, ``(n,)`` or ``(batch, n)``.
        du_in, du_ip, du_fb, dv: decays (see table; defaults 1, 1, 1/16, 1).
        w_fb: self-feedback weight (default -1/16).
        vth: threshold (default 0).
        bias_mant, bias_exp: bias (default 0).
        i_in, i_ip, i_fb, v, s: initial state (default 0).
        weights, rec_weights, weight_exp, rec_weight_exp, num_message_bits, n_frames,
            frame_steps, frame_offset, name: the layer's synapses and readout
            (``LayerProcess``).

    Ports:
        a_in: graded synaptic input (``shape``), or the fused synapses' input.
        s_out: binary spikes, ``shape``.

    Vars:
        the parameters, the states, the readout sums and ``overflow``: per neuron, the number of
        steps on which a state wrapped or saturated (always 0 in ``floating_pt``).
    """

    NEURON = SIGMA_DELTA
    READOUT = "decoded"

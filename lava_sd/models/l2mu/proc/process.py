"""The L2MU cell (spiking Legendre Memory Unit) as a batched lava_sd layer process."""

from __future__ import annotations

from lava_sd.layer.process import LayerProcess
from lava_sd.models.l2mu.dynamics import L2MU_NEURON


class L2MU(LayerProcess):
    """A layer of L2MU cells (SPEC §6), ``shape = (batch, n)`` or ``(n,)`` units, with
    ``memory`` input neurons and ``memory * order`` memory neurons inside.

    Per step, with ``[a_u; a_h] = [e_x; W_x] a_in + [e_h; W_h] s_prev`` from the fused synapses
    (``memory + n`` rows; ``LayerProcess``), every population a LIF (``u``, ``v``, ``s``)::

        s_u = LIF_u(a_u + e_m s_m)                          # input population (memory,)
        s_m = LIF_m(Ad s_m + Bd s_u), per memory channel    # memory population (memory order,)
        s   = LIF_h(a_h + W_m s_m)                          # units: the layer's output

        LIF_p: u <- u (1 - du_p) + I;  v <- v (1 - dv_p) + u [- s_prev vth_p];  s = H(v - vth_p)

    ``s_m`` on the right of the first two lines is the last step's. In ``fixed_pt`` each
    population is Lava's LIF (``u`` wraps, ``v`` saturates, input ``<< 6``, spike when
    ``v > vth << 6``) and each internal matrix a Lava ``Dense`` on binary spikes with its own
    exponent. ``spike_count`` and ``overflow`` count the units, then the input and the memory
    population.

    Args:
        shape: ``(batch, n)`` or ``(n,)``.
        memory, order: memory channels ``M`` and Legendre order ``d``.
        du_u, dv_u, vth_u, du_m, dv_m, vth_m, du, dv, vth: the input population's, the memory
            population's and the units' decays and thresholds, one value per population (float:
            fractions in [0, 1]; fixed: Lava storage, ``du = 4095`` for no synaptic memory).
        reset: 1 (subtract the threshold: snnTorch's ``Leaky``, the paper; default) or 0 (to
            zero: Lava's LIF).
        enc_m, ad, ad_rest, bd, w_m: internal matrices ``(M, M d)``, ``(d, d)`` twice (``Ad`` as
            two Dense terms: ``ad + ad_rest``), ``(d, 1)``, ``(n, M d)``; ``enc_m_exp``, ``ad_exp``,
            ``ad_rest_exp``, ``bd_exp``, ``w_m_exp`` their fixed-point exponents.
        u_u, v_u, s_u, u_m, v_m, s_m, u, v, s: initial state (default 0).
        weights, rec_weights, weight_exp, rec_weight_exp, num_message_bits, n_frames,
            frame_steps, frame_offset, readout_decay, name: the layer's synapses (``memory + n``
            rows) and readout (``lava_sd.layer.process.LayerProcess``).
    """

    NEURON = L2MU_NEURON

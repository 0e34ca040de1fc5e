"""The adaptive LIF neuron (SE-adLIF; Baronig, Ferrand, Sabathiel, Legenstein 2024) as a Lava
process: a layer with optional fused input and recurrent synapses."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from lava.magma.core.process.variable import Var

from lava_sd.checks import ParameterError
from lava_sd.fixed_point import DECAY_UNITY, STATE_MAX
from lava_sd.layers.spiking.process import THRESHOLD_AND_BIAS, ParamRange, SpikingLayer

ALIF_PARAMS = {
    "du": ParamRange(0, 1, 0, DECAY_UNITY - 1, "Current decay: float 1/tau, fixed D = du + 1."),
    "dv": ParamRange(0, 1, 0, DECAY_UNITY, "Membrane decay 1 - alpha: float fraction, fixed D."),
    "dw": ParamRange(0, 1, 0, DECAY_UNITY, "Adaptation decay 1 - beta: float fraction, fixed D."),
    "a_w": ParamRange(0, np.inf, 0, DECAY_UNITY, "a_w >= 0 (a in [0, 1]); fixed: 12-bit fraction."),
    "b_w": ParamRange(0, np.inf, 0, STATE_MAX, "b_w >= 0 (b in [0, 2]); fixed: state units."),
    **THRESHOLD_AND_BIAS,
}


class ALIF(SpikingLayer):
    """A layer of adaptive LIF neurons (SPEC §3), ``shape = (batch, n)``.

    Per step, with ``a = W a_in (+ U s_prev)`` from the fused synapses (``SpikingLayer``)::

        i <- i (1 - du) + a                 # synaptic current (du = 1: instantaneous)
        v <- v (1 - dv) + i + bias - w      # membrane: the paper's u
        s  = H(v - vth);  v <- 0 where s
        w <- w (1 - dw) + a_w v + b_w s     # symplectic Euler: the new v, s;
                                            # Euler-forward (symplectic = 0): last step's v, s

    The paper's ``(1 - alpha)`` input factor is folded into the weights and bias and ``w`` is
    scaled by it (``lava_sd.neurons.alif.config.ALIFConfig`` maps the paper's tau_u, tau_w, a,
    b, q, theta onto these parameters for both backends). In ``fixed_pt`` ``i`` is Lava's
    LIF ``u`` (24-bit, wraps; D = du + 1), ``v`` is Lava's ``v`` (24-bit, saturates; D = dv),
    ``w`` saturates (D = dw), ``a_w`` is a 12-bit fraction ``a_w / 4096`` and ``b_w`` is in
    state units (2**6 per input unit). With ``a_w = b_w = 0`` it is Lava's LIF, bit for bit.

    Args:
        shape: ``(batch, n)``.
        du, dv, dw: decays (float: fractions in [0, 1]; fixed: Lava storage, see above).
        a_w, b_w: adaptation coupling to the membrane and to spikes (>= 0).
        vth: threshold (fixed: ``v > vth << 6``).
        bias_mant, bias_exp: bias ``bias_mant * 2**bias_exp`` (fixed: ``<<``).
        symplectic: 1 for the symplectic-Euler update, 0 for Euler-forward.
        weights: optional ``(n, n_in)`` input weights; then ``a_in`` is ``(batch, n_in)`` of
            spikes (``num_message_bits = 0``) or graded values. Without them ``a_in`` is an
            already weighted input ``(batch, n)``, e.g. from Lava's ``Dense``.
        rec_weights: optional ``(n, n)`` recurrent weights on the layer's last spikes.
        weight_exp, rec_weight_exp: fixed-point weight exponents (as Lava's ``Dense``).
        num_message_bits: 0 for binary input spikes, else the graded payload width.
        n_steps: per sample ``(batch,)``, the steps counted in ``spike_count`` and
            ``trace_sum`` (default: every step).
        readout_decay: decay of the readout trace (float fraction; fixed D), 0 disables it.
        i, v, w, s: initial state (default 0).
        name: process name.

    Ports:
        a_in: input (see ``weights``). s_out: spikes ``(batch, n)``.
    """

    NEURON_PARAMS = ALIF_PARAMS
    NEURON_STATES = ("i", "v", "w", "s")

    def __init__(
        self,
        *,
        shape: Sequence[int],
        du: float | np.ndarray = 1.0,
        dv: float | np.ndarray,
        dw: float | np.ndarray,
        a_w: float | np.ndarray,
        b_w: float | np.ndarray,
        vth: float | np.ndarray,
        bias_mant: float | np.ndarray = 0.0,
        bias_exp: int | np.ndarray = 0,
        symplectic: int = 1,
        weights: np.ndarray | None = None,
        rec_weights: np.ndarray | None = None,
        weight_exp: int = 0,
        rec_weight_exp: int = 0,
        num_message_bits: int = 0,
        n_steps: int | np.ndarray | None = None,
        readout_decay: float = 0.0,
        i: float | np.ndarray = 0.0,
        v: float | np.ndarray = 0.0,
        w: float | np.ndarray = 0.0,
        s: float | np.ndarray = 0.0,
        name: str | None = None,
    ) -> None:
        # AbstractProcess.__init__ first: a process that raises before it has run leaves an
        # object whose __del__ fails inside Lava.
        super().__init__(shape=shape, name=name)
        neuron = dict(
            du=du, dv=dv, dw=dw, a_w=a_w, b_w=b_w, vth=vth, bias_mant=bias_mant,
            bias_exp=bias_exp, i=i, v=v, w=w, s=s,
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
        if symplectic not in (0, 1, True, False):
            raise ParameterError(
                f"{self.owner}: 'symplectic' must be 1 (symplectic Euler) or 0 (Euler-forward), "
                f"got {symplectic!r}."
            )
        self.symplectic = Var(shape=(1,), init=int(symplectic))

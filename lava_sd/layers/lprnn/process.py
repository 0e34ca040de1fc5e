"""ΣΔ-lpRNN layers as single Lava processes: fused synapses + ΣΔ neurons (SPEC §2)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from lava.magma.core.process.ports.ports import InPort, OutPort
from lava.magma.core.process.process import AbstractProcess
from lava.magma.core.process.variable import Var

from lava_sd.checks import ParameterError, as_array, check_integer, check_range
from lava_sd.neurons.sigma_delta.process import SigmaDeltaNeurons, check_shape

SYNAPSE_HINT = (
    "The fixed_pt model takes integer weights: map a trained network with lava_sd.convert."
)


class _LpLayer(SigmaDeltaNeurons, AbstractProcess):
    """Shared body of ``LpLinear`` and ``LpRNN``.

    Per step, with the ΣΔ neuron of ``lava_sd.SigmaDelta`` and fused dense synapses (the same
    arithmetic as ``BatchDense`` / Lava's ``Dense``, without its one-step buffer)::

        a_in = W s_in (+ U s_prev)               # fixed: each term (. @ Wq) << weight_exp
        neurons.step(a_in)  -> s_out             # SigmaDelta equations
        at frame ends (t - frame_offset = k * frame_steps - 1, frame k < n_frames[b]):
            d_sum += -i_fb                       # decoded value, summed for the readout
        spike_count += s_out                     # only during a sample's own n_frames * K
                                                 # + frame_offset steps, not its padding

    Args:
        shape: ``(batch, n)``.
        weights: input weights ``(n, n_in)``.
        rec_weights: recurrent weights ``(n, n)`` (LpRNN only).
        weight_exp: exponent of both weight matrices (fixed_pt).
        num_message_bits: 0 for binary input spikes, > 0 for a graded input.
        frame_steps, frame_offset, n_frames: where the decoded value is sampled; ``n_frames``
            per sample, shape ``(batch,)``. ``n_frames = 0`` disables the readout sum.
        neuron parameters: as ``lava_sd.SigmaDelta``.
    """

    def __init__(
        self,
        *,
        shape: Sequence[int],
        weights: np.ndarray,
        rec_weights: np.ndarray | None,
        weight_exp: int = 0,
        num_message_bits: int = 0,
        frame_steps: int = 1,
        frame_offset: int = 0,
        n_frames: int | np.ndarray = 0,
        name: str | None = None,
        **neuron: float | np.ndarray,
    ) -> None:
        super().__init__(shape=shape, name=name)
        owner = self.owner
        shape = check_shape(owner, shape)
        if len(shape) != 2:
            raise ParameterError(f"{owner}: shape must be (batch, n), got {shape}.")
        batch, n = shape
        weights = as_array(owner, "weights", weights)
        if weights.ndim != 2 or weights.shape[0] != n:
            raise ParameterError(
                f"{owner}: 'weights' must have shape ({n}, n_in), got {weights.shape}."
            )
        n_in = weights.shape[1]
        self.s_in = InPort(shape=(batch, n_in))
        self.s_out = OutPort(shape=shape)
        self.weights = Var(shape=weights.shape, init=weights)
        if rec_weights is not None:
            rec_weights = as_array(owner, "rec_weights", rec_weights)
            if rec_weights.shape != (n, n):
                raise ParameterError(
                    f"{owner}: 'rec_weights' must have shape ({n}, {n}), got {rec_weights.shape}."
                )
            self.rec_weights = Var(shape=(n, n), init=rec_weights)
        for key, value, low, high in (
            ("weight_exp", weight_exp, -24, 24),
            ("num_message_bits", num_message_bits, 0, 24),
            ("frame_steps", frame_steps, 1, 2**31 - 1),
            ("frame_offset", frame_offset, 0, 2**31 - 1),
        ):
            arr = as_array(owner, key, value)
            check_integer(owner, key, arr, "Use an integer.")
            check_range(owner, key, arr, low, high)
            setattr(self, key, Var(shape=(1,), init=int(value)))
        frames = as_array(owner, "n_frames", n_frames, (batch,))
        check_integer(owner, "n_frames", frames, "Frames per sample are whole numbers.")
        check_range(owner, "n_frames", frames, 0, 2**31 - 1)
        self.n_frames = Var(shape=(batch,), init=frames)
        self.d_sum = Var(shape=shape, init=0)
        self.spike_count = Var(shape=shape, init=0)
        defaults = dict(i_in=0.0, i_ip=0.0, i_fb=0.0, v=0.0, s=0.0, bias_exp=0)
        required = ("du_in", "du_ip", "du_fb", "dv", "w_fb", "vth", "bias_mant")
        missing = [key for key in required if key not in neuron]
        if missing:
            raise ParameterError(f"{owner}: missing neuron parameter(s) {missing}.")
        self.add_neuron_vars(shape, {**defaults, **neuron})

    def validate(self, backend: str) -> None:
        """Neuron checks (``SigmaDeltaNeurons.validate``) plus integer weights for fixed point."""
        super().validate(backend)
        if backend == "float":
            return
        for key in ("weights", "rec_weights"):
            if hasattr(self, key):
                check_integer(self.owner, key, np.asarray(getattr(self, key).init), SYNAPSE_HINT)


class LpLinear(_LpLayer):
    """Feed-forward ΣΔ-lpRNN layer: input synapses (graded or binary) into ΣΔ neurons.

    See ``_LpLayer`` for the update; ``lava_sd.convert`` chooses every parameter from a trained
    ``lava_sd.torch.LpLinear``.
    """

    def __init__(self, *, shape: Sequence[int], weights: np.ndarray, **kwargs: object) -> None:
        super().__init__(shape=shape, weights=weights, rec_weights=None, **kwargs)


class LpRNN(_LpLayer):
    """Recurrent ΣΔ-lpRNN layer: input and recurrent synapses into ΣΔ neurons.

    See ``_LpLayer`` for the update; the recurrent input is the layer's own spikes of the
    previous step.
    """

    def __init__(
        self,
        *,
        shape: Sequence[int],
        weights: np.ndarray,
        rec_weights: np.ndarray,
        **kwargs: object,
    ) -> None:
        super().__init__(shape=shape, weights=weights, rec_weights=rec_weights, **kwargs)

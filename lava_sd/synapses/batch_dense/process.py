"""A dense synapse with a batch dimension, bit-exact with ``lava.proc.dense.process.Dense``."""

from __future__ import annotations

import numpy as np
from lava.magma.core.process.ports.ports import InPort, OutPort
from lava.magma.core.process.process import AbstractProcess
from lava.magma.core.process.variable import Var
from lava.utils.weightutils import SignMode

from lava_sd.checks import ParameterError, as_array, check_integer, check_range
from lava_sd.layer.process import WEIGHT_LIMITS


class BatchDense(AbstractProcess):
    """Dense synapses applied to ``batch`` independent samples at once.

    Per step (one step of delay, like Lava's ``Dense``)::

        a_out[t] = a_buff;   a_buff = s_in[t] @ W.T                      # floating_pt
        a_out[t] = a_buff;   a_buff = (s_in[t] @ Wq.T) << weight_exp       # fixed_pt

    ``Wq`` is ``W`` clipped to 8 bits by sign mode and truncated to ``num_weight_bits`` exactly as
    ``lava.proc.dense`` does it (mixed-sign weights lose their lowest bit); a negative
    ``weight_exp`` shifts right (floor). With ``num_message_bits = 0`` the input is binary (any
    non-zero counts as 1); otherwise it is a graded payload.

    Lava's ``Dense`` only takes 1-D ports; this process takes ``(batch, n_in)`` and gives
    ``(batch, n_out)``, and for ``batch = 1`` equals ``Dense`` bit for bit in ``fixed_pt``.

    Args:
        weights: (n_out, n_in) matrix; integers for ``fixed_pt``.
        batch: number of independent samples.
        num_message_bits: 0 for binary spikes, else the graded payload width (<= 24).
        weight_exp: weight exponent (fixed_pt only; float weights are used as they are).
        num_weight_bits: weight precision, 1..8.
        sign_mode: Lava ``SignMode``; ``None`` infers it from the weights like ``Dense``.
        clip_weights: fixed point: clip weights beyond the 8-bit mantissa range as Lava's
            ``Dense`` does silently. Default ``False``: such weights are refused before the run
            (no Loihi 2 weight register holds them).
        name: process name.
    """

    def __init__(
        self,
        *,
        weights: np.ndarray,
        batch: int = 1,
        num_message_bits: int = 0,
        weight_exp: int = 0,
        num_weight_bits: int = 8,
        sign_mode: SignMode | None = None,
        clip_weights: bool = False,
        name: str | None = None,
    ) -> None:
        # AbstractProcess.__init__ first: a process that raises before it has run leaves an
        # object whose __del__ fails inside Lava.
        super().__init__(
            weights=weights,
            batch=batch,
            num_weight_bits=num_weight_bits,
            sign_mode=sign_mode,
            name=name,
        )
        owner = f"BatchDense '{self.name}'"
        weights = as_array(owner, "weights", weights)
        if weights.ndim != 2:
            raise ParameterError(
                f"{owner}: 'weights' must be a 2-D (n_out, n_in) matrix, got shape {weights.shape}."
            )
        if weights.size == 0:
            raise ParameterError(f"{owner}: 'weights' is empty (shape {weights.shape}).")
        if int(batch) != batch or batch < 1:
            raise ParameterError(f"{owner}: 'batch' must be a positive integer, got {batch!r}.")
        for key, val, low, high in (
            ("num_message_bits", num_message_bits, 0, 24),
            ("num_weight_bits", num_weight_bits, 1, 8),
            ("weight_exp", weight_exp, -24, 24),
        ):
            arr = as_array(owner, key, val)
            check_integer(owner, key, arr, "Use an integer.")
            check_range(owner, key, arr, low, high)
        n_out, n_in = weights.shape
        self.s_in = InPort(shape=(int(batch), n_in))
        self.a_out = OutPort(shape=(int(batch), n_out))
        self.weights = Var(shape=(n_out, n_in), init=weights)
        self.a_buff = Var(shape=(int(batch), n_out), init=0)
        self.weight_exp = Var(shape=(1,), init=int(weight_exp))
        self.num_message_bits = Var(shape=(1,), init=int(num_message_bits))
        self.clip_weights = bool(clip_weights)

    def validate(self, backend: str) -> None:
        """Check the Vars for ``backend`` before a simulation (called by ``lava_sd.run``)."""
        owner = f"BatchDense '{self.name}'"
        weights = as_array(owner, "weights", self.weights.init)
        if backend != "float":
            check_integer(
                owner,
                "weights",
                weights,
                "Quantize the weights first, e.g. lava.utils.weightutils.optimize_weight_bits, "
                "or run with backend='float'.",
            )
            if not self.clip_weights:
                check_range(
                    owner, "weights", weights, *WEIGHT_LIMITS,
                    "No Loihi 2 weight register holds it (8-bit mantissa): quantize the weights "
                    "(e.g. lava_sd.fixed_point.quantize_weights, with weight_exp) or pass "
                    "clip_weights=True to clip them as Lava's Dense does.",
                )  # fmt: skip

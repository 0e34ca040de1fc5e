"""Batched dense synapse arithmetic: the one place it lives.

Float: ``a = s @ W.T``. Fixed, exactly as ``lava.proc.dense`` (lava-nc 0.10) ``fixed_pt``: weights
clipped to 8 bits by sign mode and truncated to ``num_weight_bits`` (mixed-sign weights lose their
lowest bit), then ``a = (s @ W.T) << weight_exp`` (or ``>> -weight_exp``, flooring). Binary inputs
(``num_message_bits = 0``) count any non-zero spike as 1, like Lava's Dense.
Only numpy and Lava's weight utilities are imported: this module is executed by model discovery.
"""

from __future__ import annotations

import numpy as np
from lava.utils.weightutils import SignMode, clip_weights, determine_sign_mode, truncate_weights


def dense_float(s_in: np.ndarray, weights: np.ndarray, num_message_bits: int) -> np.ndarray:
    """Float synaptic input ``s_in @ W.T`` for a batch ``s_in`` of shape (batch, n_in)."""
    s = s_in if num_message_bits > 0 else (s_in != 0).astype(float)
    return s @ weights.T


def fixed_weights(
    weights: np.ndarray, num_weight_bits: int = 8, sign_mode: SignMode | None = None
) -> np.ndarray:
    """Integer weights as Lava's Dense ``fixed_pt`` model uses them (clip, then truncate)."""
    weights = np.asarray(weights).astype(np.int32)
    mode = sign_mode or determine_sign_mode(weights)
    weights = clip_weights(weights, mode, num_bits=8)
    return np.asarray(truncate_weights(weights, mode, num_weight_bits), dtype=np.int64)


def dense_fixed(
    s_in: np.ndarray, weights: np.ndarray, weight_exp: int, num_message_bits: int
) -> np.ndarray:
    """Integer synaptic input ``(s_in @ W.T) << weight_exp`` with prepared ``fixed_weights``."""
    s = np.asarray(s_in, dtype=np.int64)
    if num_message_bits == 0:
        s = (s != 0).astype(np.int64)
    acc = s @ weights.T
    return acc << weight_exp if weight_exp > 0 else acc >> -weight_exp

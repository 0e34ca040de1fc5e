"""Dense synapse arithmetic, batched: the one place it lives (fused layers and ``BatchDense``).

Float: ``a = s @ W.T``. Fixed, exactly as ``lava.proc.dense`` (lava-nc 0.10) ``fixed_pt``: weights
clipped to 8 bits by sign mode and truncated to ``num_weight_bits`` (mixed-sign weights lose their
lowest bit), then ``a = (s @ W.T) << weight_exp`` (or ``>> -weight_exp``, flooring). Binary inputs
(``num_message_bits = 0``) count any non-zero spike as 1, like Lava's Dense.

The integer product runs on BLAS in float32 or float64 whenever no partial sum can reach
``2**24`` or ``2**53``, below which these types hold every integer exactly: the result then
equals the int64 product bit for bit, at a fraction of the cost of numpy's integer matmul (which
has no BLAS). Binary spikes into fewer than 2**16 inputs always take the float32 path.
``dense_fixed`` takes numpy arrays or torch tensors (``lava_sd.fixed_point.namespace``); torch
multiplies in float32 only while its float32 products are IEEE single precision
(``torch.get_float32_matmul_precision() == "highest"``, no TF32 on a GPU), else in float64.
Only numpy and Lava's weight utilities are imported: this module is executed by model discovery.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from lava.utils.weightutils import SignMode, clip_weights, determine_sign_mode, truncate_weights

from lava_sd.fixed_point import namespace

WEIGHT_MAGNITUDE_MAX = 1 << 8  # clip_weights keeps 8-bit weights in [-256, 255]
# Float types with the magnitude below which each represents every integer exactly.
EXACT_FLOAT_TYPES = ((np.float32, 1 << 24), (np.float64, 1 << 53))


def dense_float(s_in: Any, weights: Any, num_message_bits: int) -> Any:
    """Float synaptic input ``s_in @ W.T`` for a batch ``s_in`` of shape (batch, n_in).

    Binary input (``num_message_bits = 0``) counts any non-zero entry as 1. Works on numpy arrays
    and torch tensors.
    """
    if num_message_bits == 0:
        nonzero = s_in != 0
        s_in = nonzero.astype(float) if isinstance(nonzero, np.ndarray) else nonzero.to(s_in.dtype)
    return s_in @ weights.T


def fixed_weights(
    weights: np.ndarray, num_weight_bits: int = 8, sign_mode: SignMode | None = None
) -> np.ndarray:
    """Integer weights as Lava's Dense ``fixed_pt`` model uses them (clip, then truncate).

    Returned as integer-valued float32 (exact: ``|w| <= 2**8``), the form ``dense_fixed``
    multiplies most often.
    """
    weights = np.asarray(weights).astype(np.int32)
    mode = sign_mode or determine_sign_mode(weights)
    weights = clip_weights(weights, mode, num_bits=8)
    return np.asarray(truncate_weights(weights, mode, num_weight_bits), dtype=np.float32)


def dense_fixed(
    s_in: np.ndarray, weights: np.ndarray, weight_exp: int, num_message_bits: int
) -> np.ndarray:
    """Integer synaptic input ``(s_in @ W.T) << weight_exp`` (int64) with ``fixed_weights``.

    Computed in the narrowest type of float32, float64 and int64 that is exact for
    ``max|s| * 2**8 * n_in``, the largest magnitude a partial sum can reach.
    """
    xp = namespace(s_in)
    s = np.asarray(s_in) if xp is np else s_in
    if num_message_bits == 0:
        s, peak = (s != 0), 1
    elif xp is np:
        peak = int(np.abs(s).max(initial=0))
    else:
        peak = int(s.abs().amax()) if s.numel() else 0
    bound = peak * WEIGHT_MAGNITUDE_MAX * weights.shape[1]
    if xp is np:
        dtype = next((t for t, limit in EXACT_FLOAT_TYPES if bound < limit), np.int64)
        acc = s.astype(dtype) @ weights.astype(dtype, copy=False).T
        acc = acc.astype(np.int64, copy=False)
    else:
        dtype = _torch_exact_type(xp, s.device, bound)
        acc = (s.to(dtype) @ weights.to(dtype).T).to(xp.int64)
    return acc << weight_exp if weight_exp > 0 else acc >> -weight_exp


def _torch_exact_type(torch: Any, device: Any, bound: int) -> Any:
    """The narrowest torch type whose matrix product is exact for partial sums below ``bound``:
    float32 only while torch computes it in IEEE single precision."""
    single = torch.get_float32_matmul_precision() == "highest" and not (
        device.type == "cuda" and torch.backends.cuda.matmul.allow_tf32
    )
    for np_type, limit in EXACT_FLOAT_TYPES:
        dtype = getattr(torch, np.dtype(np_type).name)
        if bound < limit and (single or dtype is torch.float64):
            return dtype
    return torch.int64

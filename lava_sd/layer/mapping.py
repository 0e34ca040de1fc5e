"""What every model's mapping produces and shares: ``LayerMapping`` (one layer's Lava process
arguments and fixed-point report), trained tensors to numpy, and a layer's synapses to Lava
weights (even 8-bit mantissas, one exponent per matrix) with their quantisation report."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from lava_sd.fixed_point import ACT_SHIFT, quantize_weights


@dataclass(frozen=True)
class LayerMapping:
    """One layer: its Lava process arguments for both backends and its fixed-point report.

    Attributes:
        model: registered model name (the layer's process is that model's).
        n_in, n: input width and number of neurons (units).
        recurrent: whether the layer has recurrent synapses.
        float_params, fixed_params: keyword arguments of the process per backend.
        unit: fixed-point state units per value unit.
        readout_unit: fixed-point readout units per float readout unit.
        report: fixed-point facts (exponents, quantisation error, headroom, ...).
    """

    model: str
    n_in: int
    n: int
    recurrent: bool
    float_params: dict[str, Any]
    fixed_params: dict[str, Any]
    unit: float
    readout_unit: float
    report: dict[str, float] = field(default_factory=dict)


def as_numpy(tensor: Any) -> np.ndarray | None:
    """A torch tensor (or ``None``) as a float64 numpy array, detached and on the CPU."""
    return None if tensor is None else tensor.detach().double().cpu().numpy()


def weight_error(target: np.ndarray, mant: np.ndarray, exp: int) -> float:
    """Largest quantisation error of ``mant 2**exp`` against ``target``, relative to the
    largest ``|target|`` (0 for an all-zero matrix)."""
    peak = float(np.abs(target).max(initial=0.0))
    return 0.0 if peak == 0 else float(np.abs(mant * 2.0**exp - target).max()) / peak


def map_synapses(
    weights: np.ndarray,
    rec_weights: np.ndarray | None,
    *,
    gain_float: np.ndarray,
    gain_fixed: np.ndarray,
    unit: float,
    input_scale: float,
) -> tuple[dict[str, Any], dict[str, Any], dict[str, float]]:
    """A spiking layer's synapses for both backends.

    Float: ``gain W`` and ``gain U`` (rows scaled by ``gain_float``). Fixed: the same with
    ``gain_fixed``, in state units before Lava's ``<< 6``: an input ``x`` arrives as
    ``round(x X)`` (``X = input_scale``; spikes: 1), so ``W`` is quantised at scale
    ``unit / (X 2**6)`` and ``U`` at ``unit / 2**6`` (``quantize_weights``).

    Returns:
        ``(float_params, fixed_params, report)`` with ``weights``/``rec_weights`` (and fixed
        ``weight_exp``/``rec_weight_exp``), and the exponents and largest relative weight
        error in the report.
    """
    shift = 2.0**ACT_SHIFT
    target = gain_fixed[:, None] * weights * (unit / (input_scale * shift))
    mant, exp = quantize_weights(gain_fixed[:, None] * weights, unit / (input_scale * shift))
    float_params = {"weights": gain_float[:, None] * weights}
    fixed_params = {"weights": mant, "weight_exp": exp}
    errors = [weight_error(target, mant, exp)]
    if rec_weights is not None:
        rec_target = gain_fixed[:, None] * rec_weights * (unit / shift)
        rec_mant, rec_exp = quantize_weights(gain_fixed[:, None] * rec_weights, unit / shift)
        float_params["rec_weights"] = gain_float[:, None] * rec_weights
        fixed_params.update(rec_weights=rec_mant, rec_weight_exp=rec_exp)
        errors.append(weight_error(rec_target, rec_mant, rec_exp))
    return float_params, fixed_params, {"weight_error": max(errors)}

"""What every model's mapping produces and shares: ``LayerMapping`` (one layer's Lava process
arguments and fixed-point report), trained tensors to numpy, and a layer's synapses to Lava
weights (even mantissas of 8 bits, or of the classifier's ``weight_bits``, one exponent per
matrix) with their quantisation report.

``SynapticMatrix`` is how a model's mapping declares one of its matrices (which tensors of the
torch layer, at what integer scale): its ``matrices(layer, index, settings)`` lists them, its
``map_layers`` quantises them (``quantize_matrix``), and a classifier trained with
``weight_bits`` (``lava_sd.torch.qat``) runs its forward pass on exactly those quantised values,
so Lava fixed point sees the weights that were trained."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import reduce
from typing import Any, NamedTuple

import numpy as np

from lava_sd.fixed_point import ACT_SHIFT, WEIGHT_BITS, quantize_weight_terms


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


@dataclass(frozen=True)
class SynapticMatrix:
    """One weight matrix of a torch layer as its mapping quantises it.

    The matrix is the row-concatenation of the layer's tensors ``parts`` (attribute paths, e.g.
    ``"synapses.weight"``; parameters or buffers); in integer weight units it is
    ``(gain[:, None] * W) * factor`` (``gain``: a per-row factor, e.g. ALIF's folded
    ``1 - alpha``; ``None``: 1), which ``quantize_matrix`` turns into mantissas and one exponent.
    ``terms > 1``: Lava holds it as that many parallel Dense terms of the same synapses, each the
    quantisation of what the terms before it miss (the L2MU's ``Ad``: ``ad`` and ``ad_rest``).
    """

    parts: tuple[str, ...]
    factor: float
    gain: np.ndarray | None = None
    terms: int = 1

    def target(self, values: np.ndarray) -> np.ndarray:
        """The matrix ``values`` in integer weight units (before rounding)."""
        return (values if self.gain is None else self.gain[:, None] * values) * self.factor


class QuantizedMatrix(NamedTuple):
    """A ``SynapticMatrix`` quantised: Lava mantissas and exponent, the values they stand for in
    the torch layer's units (``dequantized``: of all its terms together) and the largest
    relative error; ``rest``: the mantissas and exponent of each further term."""

    mant: np.ndarray
    exp: int
    dequantized: np.ndarray
    error: float
    rest: tuple[tuple[np.ndarray, int], ...] = ()


def matrix_values(layer: Any, matrix: SynapticMatrix) -> np.ndarray:
    """The float64 values of ``matrix`` in the trained torch ``layer`` (its parts stacked)."""
    parts = [as_numpy(reduce(getattr, name.split("."), layer)) for name in matrix.parts]
    return parts[0] if len(parts) == 1 else np.concatenate(parts)


def quantize_matrix(
    values: np.ndarray, matrix: SynapticMatrix, bits: int | None = None
) -> QuantizedMatrix:
    """``values`` (``matrix_values``) as even ``bits``-bit mantissas (8 when ``None``) and one
    exponent at ``matrix``'s scale (``lava_sd.fixed_point.quantize_weights``)::

        mant 2**exp ~ (gain W) factor;   dequantized = mant 2**exp / factor / gain

    With ``matrix.terms > 1`` every further term quantises, at the same width, what the terms
    before it miss (``target - held``, in integer weight units), and ``dequantized`` and the
    error are those of the sum of all terms.
    """
    target = matrix.target(values)
    bits = WEIGHT_BITS if bits is None else bits
    ((mant, exp), *rest), held = quantize_weight_terms(target, matrix.terms, bits)
    dequantized = held / matrix.factor
    if matrix.gain is not None:
        dequantized = dequantized / matrix.gain[:, None]
    error = weight_error(target, held, 0)
    return QuantizedMatrix(mant, exp, dequantized, error, tuple(rest))


def synapse_matrices(
    layer: Any, index: int, settings: Any, unit: float, gain_fixed: np.ndarray | None = None
) -> list[SynapticMatrix]:
    """A spiking layer's input (and, if it has one, recurrent) matrix, the torch tensors
    ``synapses.weight`` and ``synapses.recurrent_weight`` of layer ``index``: ``W`` at
    ``unit / (X 2**6)`` state units per weight unit (the first layer's inputs arrive as
    ``round(x X)``, ``X = settings.input_scale``; spikes: ``X = 1``), ``U`` at ``unit / 2**6``,
    both with the rows scaled by ``gain_fixed``."""
    shift = 2.0**ACT_SHIFT
    input_scale = settings.input_scale if index == 0 else 1
    out = [SynapticMatrix(("synapses.weight",), unit / (input_scale * shift), gain_fixed)]
    if layer.synapses.recurrent_weight is not None:
        out.append(SynapticMatrix(("synapses.recurrent_weight",), unit / shift, gain_fixed))
    return out


def map_synapses(
    layer: Any,
    matrices: list[SynapticMatrix],
    *,
    gain_float: np.ndarray | None = None,
    bits: int | None = None,
) -> tuple[dict[str, Any], dict[str, Any], dict[str, float]]:
    """A layer's input and optional recurrent synapses (``matrices``, e.g.
    ``synapse_matrices``) for both backends.

    Fixed: each matrix quantised (``quantize_matrix``) at ``bits`` (8 when ``None``). Float: the
    trained values with the rows scaled by ``gain_float``, or, when the classifier trained with
    ``bits`` (quantization-aware), the values its forward pass used (``dequantized``).

    Returns:
        ``(float_params, fixed_params, report)`` with ``weights``/``rec_weights`` (and fixed
        ``weight_exp``/``rec_weight_exp``), and the largest relative weight error in the report.
    """
    float_params: dict[str, Any] = {}
    fixed_params: dict[str, Any] = {}
    errors = []
    for key, matrix in zip(("weights", "rec_weights"), matrices, strict=False):
        values = matrix_values(layer, matrix)
        q = quantize_matrix(values, matrix, bits)
        used = values if bits is None else q.dequantized
        float_params[key] = used if gain_float is None else gain_float[:, None] * used
        exp_key = "weight_exp" if key == "weights" else "rec_weight_exp"
        fixed_params.update({key: q.mant, exp_key: q.exp})
        errors.append(q.error)
    return float_params, fixed_params, {"weight_error": max(errors)}

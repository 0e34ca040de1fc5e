"""Quantization-aware training at a chosen weight width, for every registered model.

A ``lava_sd.Classifier(model, ..., weight_bits=b)`` runs each layer's forward pass on its
weights as the model's mapping will quantise them (``lava_sd.models.<model>.mapping.matrices``
declares each matrix and its integer scale; ``lava_sd.layer.mapping.quantize_matrix`` rounds it
to even ``b``-bit mantissas with one power-of-two exponent per matrix), with a straight-through
estimator::

    W_q = dequantize(quantize(W))            # the values Lava fixed point will hold
    W_used = W_q + (W - detach(W))           # forward: W_q exactly; gradient: dL/dW_used

The quantisation is the mapping's own function on the same float64 values, at the default
``convert`` settings (``input_scale`` 32, ``vth`` 1024), so ``convert`` of the trained classifier
gives Lava fixed point exactly the integers the last forward pass used. The layers themselves do
not change: ``torch.func.functional_call`` runs each on the quantised tensors.
"""

from __future__ import annotations

from functools import reduce
from typing import Any

import numpy as np
import torch
from torch.func import functional_call

from lava_sd.fixed_point import DEFAULT_VTH
from lava_sd.layer.mapping import matrix_values, quantize_matrix
from lava_sd.registry import get_model
from lava_sd.torch.convert import DEFAULT_INPUT_SCALE, MappingSettings


def settings_for(model: Any) -> MappingSettings:
    """The mapping settings a classifier trained with ``weight_bits`` is quantised at."""
    return MappingSettings(
        frame_steps=model.frame_steps,
        frame_offset=model.frame_offset,
        input_scale=DEFAULT_INPUT_SCALE,
        vth=DEFAULT_VTH,
        weight_bits=model.weight_bits,
    )


def quantized_tensors(model: Any, index: int) -> dict[str, torch.Tensor]:
    """Layer ``index``'s quantised tensors, by attribute path, with straight-through
    gradients to the trained ones (buffers, e.g. the L2MU's Legendre matrices, get none)."""
    layer = model.layers[index]
    settings = settings_for(model)
    out = {}
    for matrix in get_model(model.model).mapping_module().matrices(layer, index, settings):
        q = quantize_matrix(matrix_values(layer, matrix), matrix, settings.weight_bits)
        parts = [reduce(getattr, name.split("."), layer) for name in matrix.parts]
        rows = np.cumsum([part.shape[0] for part in parts])[:-1]
        split = np.split(q.dequantized, rows)
        for name, part, values in zip(matrix.parts, parts, split, strict=True):
            used = torch.as_tensor(values, dtype=part.dtype, device=part.device)
            out[name] = used + (part - part.detach())
    return out


def run_layer(model: Any, index: int, h: torch.Tensor, frame_steps: int) -> torch.Tensor:
    """Layer ``index`` of ``model`` on ``h`` with its quantised weights."""
    layer = model.layers[index]
    return functional_call(layer, quantized_tensors(model, index), (h, frame_steps))

"""Map trained ``EGRULayer`` torch layers onto ``EGRU`` layer processes.

Float: the torch parameters as they are. Fixed: the Q12 grid (1.0 = 4096) for gate inputs,
biases, thresholds, state and events; weights as even 8-bit mantissas (or of the classifier's
``weight_bits``) with one exponent per matrix, the first layer's at ``4096 / X`` Q12 units per
input unit (inputs ``round(x X)``), recurrent ones at 1 (``y`` is already on the grid). The
readout trace of events on the Q12 grid is ``4096 * 4096`` times the float one.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from lava_sd.fixed_point import DECAY_UNITY, STATE_MAX
from lava_sd.layer.mapping import LayerMapping, SynapticMatrix, as_numpy, map_synapses
from lava_sd.models.egru.dynamics import ONE


def matrices(layer: Any, index: int, settings: Any) -> list[SynapticMatrix]:
    """``W`` (3n, n_in) at ``4096 / X`` (first layer) or 1 Q12 units per weight unit, ``R``
    (3n, n) at 1."""
    out = [SynapticMatrix(("weight",), ONE / settings.input_scale if index == 0 else 1.0)]
    if layer.recurrent_weight is not None:
        out.append(SynapticMatrix(("recurrent_weight",), 1.0))
    return out


def map_layers(model: Any, settings: Any) -> list[LayerMapping]:
    """Every layer of a trained EGRU classifier as ``EGRU`` process parameters."""
    layers = []
    for index, layer in enumerate(model.layers):
        b_x, b_r = as_numpy(layer.bias_x), as_numpy(layer.bias_r)
        thr = as_numpy(layer.threshold())
        float_syn, fixed_syn, report = map_synapses(
            layer, matrices(layer, index, settings), bits=settings.weight_bits
        )
        float_params = dict(bias_x=b_x, bias_r=b_r, thr=thr, **float_syn)
        fixed_params = dict(
            bias_x=np.round(b_x * ONE), bias_r=np.round(b_r * ONE), thr=np.round(thr * ONE),
            **fixed_syn,
        )  # fmt: skip
        layers.append(
            LayerMapping(
                "egru",
                layer.n_in,
                layer.n,
                layer.recurrent_weight is not None,
                float_params,
                fixed_params,
                float(ONE),
                float(DECAY_UNITY * ONE),
                {**report, "headroom": STATE_MAX / ONE},
            )  # fmt: skip
        )
    return layers

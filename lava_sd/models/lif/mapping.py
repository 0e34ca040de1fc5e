"""Map trained ``LIFLayer`` torch layers onto ``LIF`` layer processes.

Float: the torch parameters as they are (decays already on the 1/4096 grid). Fixed: state unit
``U = vth << 6`` per threshold, the bias as ``bias_mant << bias_exp`` in state units, weights as
even 8-bit mantissas with one exponent per matrix (``lava_sd.layer.mapping.map_synapses``).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from lava_sd.fixed_point import DECAY_UNITY, STATE_MAX
from lava_sd.layer.mapping import LayerMapping, as_numpy, map_synapses


def map_layers(model: Any, settings: Any) -> list[LayerMapping]:
    """Every layer of a trained LIF classifier as ``LIF`` process parameters."""
    layers = []
    for index, layer in enumerate(model.layers):
        syn = layer.synapses
        w, b, rec = as_numpy(syn.weight), as_numpy(syn.bias), as_numpy(syn.recurrent_weight)
        config = layer.cell.config
        unit = config.unit(settings.vth)
        ones = np.ones(layer.n)
        float_syn, fixed_syn, report = map_synapses(
            w, rec, gain_float=ones, gain_fixed=ones, unit=unit,
            input_scale=settings.input_scale if index == 0 else 1,
        )  # fmt: skip
        layers.append(
            LayerMapping(
                "lif",
                layer.n_in,
                layer.n,
                rec is not None,
                {**config.float_params(b), **float_syn},
                {**config.fixed_params(settings.vth, bias=b), **fixed_syn},
                unit,
                float(DECAY_UNITY),
                {**report, "headroom": STATE_MAX / unit},
            )  # fmt: skip
        )
    return layers

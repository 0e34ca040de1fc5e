"""Map trained ``ALIFLayer`` torch layers onto ``ALIF`` layer processes.

Float: the torch parameters as they are, folded (``ALIFConfig``: the paper's ``1 - alpha``
multiplies the weights and bias). Fixed: state unit ``U = vth << 6`` per threshold, decays
rounded to 1/4096 per neuron, weights ``(1 - alpha_fixed) W`` as even 8-bit mantissas with one
exponent per matrix (``lava_sd.layer.mapping.map_synapses``).
"""

from __future__ import annotations

from typing import Any

from lava_sd.fixed_point import DECAY_UNITY, STATE_MAX
from lava_sd.layer.mapping import LayerMapping, as_numpy, map_synapses


def map_layers(model: Any, settings: Any) -> list[LayerMapping]:
    """Every layer of a trained ALIF classifier as ``ALIF`` process parameters."""
    layers = []
    for index, layer in enumerate(model.layers):
        syn = layer.synapses
        w, b, rec = as_numpy(syn.weight), as_numpy(syn.bias), as_numpy(syn.recurrent_weight)
        config = layer.cell.config(b)
        unit = config.unit(settings.vth)
        float_syn, fixed_syn, report = map_synapses(
            w, rec, gain_float=config.input_gain("float"), gain_fixed=config.input_gain("fixed"),
            unit=unit, input_scale=settings.input_scale if index == 0 else 1,
        )  # fmt: skip
        n, n_in = w.shape
        layers.append(
            LayerMapping(
                "alif",
                n_in,
                n,
                rec is not None,
                {**config.float_params(), **float_syn},
                {**config.fixed_params(settings.vth), **fixed_syn},
                unit,
                float(DECAY_UNITY),
                {**report, "headroom": STATE_MAX / unit},
            )  # fmt: skip
        )
    return layers

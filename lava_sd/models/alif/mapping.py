"""Map trained ``ALIFLayer`` torch layers onto ``ALIF`` layer processes.

Float: the torch parameters as they are, folded (``ALIFConfig``: the paper's ``1 - alpha``
multiplies the weights and bias). Fixed: state unit ``U = vth << 6`` per threshold, decays
rounded to 1/4096 per neuron, weights ``(1 - alpha_fixed) W`` as even 8-bit mantissas (or of the
classifier's ``weight_bits``) with one exponent per matrix (``lava_sd.layer.mapping``).
"""

from __future__ import annotations

from typing import Any

from lava_sd.fixed_point import DECAY_UNITY, STATE_MAX
from lava_sd.layer.mapping import (
    LayerMapping,
    SynapticMatrix,
    as_numpy,
    map_synapses,
    synapse_matrices,
)


def matrices(layer: Any, index: int, settings: Any) -> list[SynapticMatrix]:
    """The layer's input and recurrent matrices at their state units: rows times the folded
    fixed-point gain ``1 - alpha``."""
    config = layer.cell.config()
    unit = config.unit(settings.vth)
    return synapse_matrices(layer, index, settings, unit, config.input_gain("fixed"))


def map_layers(model: Any, settings: Any) -> list[LayerMapping]:
    """Every layer of a trained ALIF classifier as ``ALIF`` process parameters."""
    layers = []
    for index, layer in enumerate(model.layers):
        syn = layer.synapses
        w, b = as_numpy(syn.weight), as_numpy(syn.bias)
        config = layer.cell.config(b)
        unit = config.unit(settings.vth)
        float_syn, fixed_syn, report = map_synapses(
            layer, matrices(layer, index, settings), gain_float=config.input_gain("float"),
            bits=settings.weight_bits,
        )  # fmt: skip
        n, n_in = w.shape
        layers.append(
            LayerMapping(
                "alif",
                n_in,
                n,
                syn.recurrent_weight is not None,
                {**config.float_params(), **float_syn},
                {**config.fixed_params(settings.vth), **fixed_syn},
                unit,
                float(DECAY_UNITY),
                {**report, "headroom": STATE_MAX / unit},
            )  # fmt: skip
        )
    return layers

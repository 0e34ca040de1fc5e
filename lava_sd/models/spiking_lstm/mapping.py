"""Map trained ``SpikingLSTMLayer`` torch layers onto ``SpikingLSTM`` layer processes.

Float: the torch parameters as they are (the bias is the layer's; the neuron parameters are the
fixed ``SpikingLSTMConfig`` ones, on the 1/4096 grid in both forms). Fixed: state unit
``U = vth << 6`` per threshold, weights as even 8-bit mantissas (or of the classifier's
``weight_bits``) with one exponent per matrix (``lava_sd.layer.mapping``).
"""

from __future__ import annotations

from typing import Any

from lava_sd.checks import ParameterError
from lava_sd.fixed_point import DECAY_UNITY, STATE_MAX
from lava_sd.layer.mapping import (
    LayerMapping,
    SynapticMatrix,
    as_numpy,
    map_synapses,
    synapse_matrices,
)


def matrices(layer: Any, index: int, settings: Any) -> list[SynapticMatrix]:
    """The layer's input and recurrent matrices at the state unit of its threshold."""
    return synapse_matrices(layer, index, settings, layer.cell.config.unit(settings.vth))


def map_layers(model: Any, settings: Any) -> list[LayerMapping]:
    """Every layer of a trained spiking LSTM classifier as ``SpikingLSTM`` process parameters."""
    layers = []
    for index, layer in enumerate(model.layers):
        syn = layer.synapses
        w, b = as_numpy(syn.weight), as_numpy(syn.bias)
        config = layer.cell.config
        if config.tau_i != 1:
            raise ParameterError("convert: the spiking LSTM bias mapping needs tau_i = 1.")
        unit = config.unit(settings.vth)
        float_syn, fixed_syn, report = map_synapses(
            layer, matrices(layer, index, settings), bits=settings.weight_bits
        )
        n, n_in = w.shape
        layers.append(
            LayerMapping(
                "spiking_lstm",
                n_in,
                n,
                syn.recurrent_weight is not None,
                {**config.float_params(), "bias_mant": b, "bias_exp": 0, **float_syn},
                {**config.fixed_params(settings.vth, bias=b), **fixed_syn},
                unit,
                float(DECAY_UNITY),
                {**report, "headroom": STATE_MAX / unit},
            )  # fmt: skip
        )
    return layers

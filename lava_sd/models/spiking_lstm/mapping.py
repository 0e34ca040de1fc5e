"""Map trained ``SpikingLSTMLayer`` torch layers onto ``SpikingLSTM`` layer processes.

Float: the torch parameters as they are (the bias is the layer's; the neuron parameters are the
fixed ``SpikingLSTMConfig`` ones, on the 1/4096 grid in both forms). Fixed: state unit
``U = vth << 6`` per threshold, weights as even 8-bit mantissas with one exponent per matrix
(``lava_sd.layer.mapping.map_synapses``).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from lava_sd.checks import ParameterError
from lava_sd.fixed_point import DECAY_UNITY, STATE_MAX
from lava_sd.layer.mapping import LayerMapping, as_numpy, map_synapses


def map_layers(model: Any, settings: Any) -> list[LayerMapping]:
    """Every layer of a trained spiking LSTM classifier as ``SpikingLSTM`` process parameters."""
    layers = []
    for index, layer in enumerate(model.layers):
        syn = layer.synapses
        w, b, rec = as_numpy(syn.weight), as_numpy(syn.bias), as_numpy(syn.recurrent_weight)
        config = layer.cell.config
        if config.tau_i != 1:
            raise ParameterError("convert: the spiking LSTM bias mapping needs tau_i = 1.")
        unit = config.unit(settings.vth)
        ones = np.ones(config.n)
        float_syn, fixed_syn, report = map_synapses(
            w, rec, gain_float=ones, gain_fixed=ones, unit=unit,
            input_scale=settings.input_scale if index == 0 else 1,
        )  # fmt: skip
        n, n_in = w.shape
        layers.append(
            LayerMapping(
                "spiking_lstm",
                n_in,
                n,
                rec is not None,
                {**config.float_params(), "bias_mant": b, "bias_exp": 0, **float_syn},
                {**config.fixed_params(settings.vth, bias=b), **fixed_syn},
                unit,
                float(DECAY_UNITY),
                {**report, "headroom": STATE_MAX / unit},
            )  # fmt: skip
        )
    return layers

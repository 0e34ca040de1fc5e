"""Map trained ``EGRULayer`` torch layers onto ``EGRU`` layer processes.

Float: the torch parameters as they are. Fixed: the Q12 grid (1.0 = 4096) for gate inputs,
biases, thresholds, state and events; weights as even 8-bit mantissas with one exponent per
matrix, the first layer's at ``4096 / X`` Q12 units per input unit (inputs ``round(x X)``),
recurrent ones at 1 (``y`` is already on the grid). The readout trace of events on the Q12 grid
is ``4096 * 4096`` times the float one.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from lava_sd.fixed_point import DECAY_UNITY, STATE_MAX, quantize_weights
from lava_sd.layer.mapping import LayerMapping, as_numpy, weight_error
from lava_sd.models.egru.dynamics import ONE


def map_layers(model: Any, settings: Any) -> list[LayerMapping]:
    """Every layer of a trained EGRU classifier as ``EGRU`` process parameters."""
    layers = []
    for index, layer in enumerate(model.layers):
        input_gain = ONE / settings.input_scale if index == 0 else 1.0
        w, rec = as_numpy(layer.weight), as_numpy(layer.recurrent_weight)
        b_x, b_r = as_numpy(layer.bias_x), as_numpy(layer.bias_r)
        thr = as_numpy(layer.threshold())
        mant, exp = quantize_weights(w, input_gain)
        errors = [weight_error(w * input_gain, mant, exp)]
        float_params = dict(weights=w, bias_x=b_x, bias_r=b_r, thr=thr)
        fixed_params = dict(
            weights=mant, weight_exp=exp, bias_x=np.round(b_x * ONE),
            bias_r=np.round(b_r * ONE), thr=np.round(thr * ONE),
        )  # fmt: skip
        if rec is not None:
            rec_mant, rec_exp = quantize_weights(rec, 1.0)
            errors.append(weight_error(rec, rec_mant, rec_exp))
            float_params["rec_weights"] = rec
            fixed_params.update(rec_weights=rec_mant, rec_weight_exp=rec_exp)
        report = {"weight_error": max(errors), "headroom": STATE_MAX / ONE}
        layers.append(
            LayerMapping(
                "egru",
                layer.n_in,
                layer.n,
                rec is not None,
                float_params,
                fixed_params,
                float(ONE),
                float(DECAY_UNITY * ONE),
                report,
            )  # fmt: skip
        )
    return layers

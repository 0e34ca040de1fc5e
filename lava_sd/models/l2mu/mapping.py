"""Map trained ``L2MULayer`` torch layers onto ``L2MU`` layer processes.

Float: the torch parameters as they are (``dv_p = 1 - beta_p``, ``vth_p = theta_p``, ``du_p = 1``).
Fixed: every population ``p`` gets the integer threshold ``vth`` and its own state unit
``U_p = (vth << 6) / theta_p``; ``dv_p = round(4096 (1 - beta_p))``, ``du_p = 4095`` (no synaptic
memory); every matrix is quantised to even 8-bit mantissas with one exponent
(``quantize_weights``), ``Ad`` as two such Dense terms (``ad``, and ``ad_rest`` for what the
first one misses), at the unit of the population it feeds: the input and recurrent rows of
the input population and ``e_m`` at ``U_u``, ``Ad`` and ``Bd`` at ``U_m``, the units' rows and
``W_m`` at ``U_h`` (input rows also divided by the input scale ``X``).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from lava_sd.fixed_point import ACT_SHIFT, DECAY_UNITY, STATE_MAX, quantize_weights, state_unit
from lava_sd.layer.mapping import LayerMapping, as_numpy, map_synapses, weight_error
from lava_sd.models.l2mu.dynamics import MATRICES
from lava_sd.models.lif.config import RESETS

SUFFIXES = ("_u", "_m", "")  # input, memory, units: the process's parameter names
FEEDS = {"enc_m": 0, "ad": 1, "ad_rest": 1, "bd": 1, "w_m": 2}  # the population each matrix feeds


def map_layers(model: Any, settings: Any) -> list[LayerMapping]:
    """Every layer of a trained L2MU classifier as ``L2MU`` process parameters."""
    return [_map_layer(index, layer, settings) for index, layer in enumerate(model.layers)]


def _map_layer(index: int, layer: Any, settings: Any) -> LayerMapping:
    beta, theta = as_numpy(layer.decays()), as_numpy(layer.thresholds())
    units = np.array([state_unit("L2MU", settings.vth, t) for t in theta])
    sizes = dict(memory=layer.memory, order=layer.order, reset=RESETS[layer.reset])
    float_params: dict[str, Any] = dict(sizes)
    fixed_params: dict[str, Any] = dict(sizes)
    for i, suffix in enumerate(SUFFIXES):
        float_params.update({f"du{suffix}": 1.0, f"dv{suffix}": 1 - beta[i],
                             f"vth{suffix}": theta[i]})  # fmt: skip
        fixed_params.update({f"du{suffix}": DECAY_UNITY - 1,
                             f"dv{suffix}": int(round(DECAY_UNITY * (1 - beta[i]))),
                             f"vth{suffix}": int(settings.vth)})  # fmt: skip
    row_units = np.concatenate([np.full(layer.memory, units[0]), np.full(layer.n, units[2])])
    float_syn, fixed_syn, report = map_synapses(
        as_numpy(layer.input_weights()), as_numpy(layer.recurrent_weights()),
        gain_float=np.ones(len(row_units)), gain_fixed=row_units, unit=1.0,
        input_scale=settings.input_scale if index == 0 else 1,
    )  # fmt: skip
    float_params.update(float_syn)
    fixed_params.update(fixed_syn)
    errors = [report["weight_error"]]
    for name in MATRICES:
        w = as_numpy(getattr(layer, name))
        scale = units[FEEDS[name]] / 2.0**ACT_SHIFT
        target = w * scale
        if name == "ad_rest":  # the second Dense term of Ad: what the first one misses
            target = as_numpy(layer.ad) * scale - fixed_params["ad"] * 2.0 ** fixed_params["ad_exp"]
        mant, exp = quantize_weights(target, 1.0)
        float_params[name] = w
        fixed_params.update({name: mant, f"{name}_exp": exp})
        if name != "ad_rest":
            report[f"{name}_error"] = weight_error(target, mant, exp)
    ad = as_numpy(layer.ad) * units[1] / 2.0**ACT_SHIFT
    both = fixed_params["ad"] * 2.0 ** fixed_params["ad_exp"]
    both = both + fixed_params["ad_rest"] * 2.0 ** fixed_params["ad_rest_exp"]
    report.update(ad_error=float(np.abs(both - ad).max() / np.abs(ad).max()))
    errors += [report[f"{k}_error"] for k in ("enc_m", "ad", "bd", "w_m")]
    report.update(weight_error=max(errors), headroom=STATE_MAX / units.max())
    return LayerMapping(
        "l2mu", layer.n_in, layer.n, layer.recurrent, float_params, fixed_params,
        float(units[2]), float(DECAY_UNITY), report,
    )  # fmt: skip

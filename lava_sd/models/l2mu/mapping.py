"""Map trained ``L2MULayer`` torch layers onto ``L2MU`` layer processes.

Float: the torch parameters as they are (``dv_p = 1 - beta_p``, ``vth_p = theta_p``, ``du_p = 1``).
Fixed: every population ``p`` gets the integer threshold ``vth`` and its own state unit
``U_p = (vth << 6) / theta_p``; ``dv_p = round(4096 (1 - beta_p))``, ``du_p = 4095`` (no synaptic
memory); every matrix is quantised to even 8-bit mantissas (or of the classifier's
``weight_bits``) with one exponent (``quantize_weights``), ``Ad`` as two such Dense terms
(``ad``, and ``ad_rest`` for what the first one misses), at the unit of the population it
feeds: the input and recurrent rows of the input population and ``e_m`` at ``U_u``, ``Ad`` and
``Bd`` at ``U_m``, the units' rows and ``W_m`` at ``U_h`` (input rows also divided by the input
scale ``X``). ``matrices`` declares them, for the mapping and for quantization-aware training.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from lava_sd.fixed_point import ACT_SHIFT, DECAY_UNITY, STATE_MAX, state_unit
from lava_sd.layer.mapping import (
    LayerMapping,
    SynapticMatrix,
    as_numpy,
    map_synapses,
    matrix_values,
    quantize_matrix,
)
from lava_sd.models.l2mu.dynamics import MATRICES
from lava_sd.models.lif.config import RESETS

SUFFIXES = ("_u", "_m", "")  # input, memory, units: the process's parameter names
FEEDS = {"enc_m": 0, "ad": 1, "ad_rest": 1, "bd": 1, "w_m": 2}  # the population each matrix feeds
DECLARED = ("enc_m", "ad", "bd", "w_m")  # matrices(): ad_rest is the second term of ad


def map_layers(model: Any, settings: Any) -> list[LayerMapping]:
    """Every layer of a trained L2MU classifier as ``L2MU`` process parameters."""
    return [_map_layer(index, layer, settings) for index, layer in enumerate(model.layers)]


def _units(layer: Any, settings: Any) -> np.ndarray:
    """The state unit ``(vth << 6) / theta_p`` of the input, memory and unit populations."""
    return np.array([state_unit("L2MU", settings.vth, t) for t in as_numpy(layer.thresholds())])


def matrices(layer: Any, index: int, settings: Any) -> list[SynapticMatrix]:
    """``[e_x; W_x]`` and ``[e_h; W_h]`` (rows at the units of the input population and the
    units), then ``e_m``, ``Ad`` (two terms: ``ad``, ``ad_rest``), ``Bd``, ``W_m`` at the unit
    of the population each feeds."""
    units = _units(layer, settings)
    rows = np.concatenate([np.full(layer.memory, units[0]), np.full(layer.n, units[2])])
    shift = 2.0**ACT_SHIFT
    x_scale = settings.input_scale if index == 0 else 1
    out = [SynapticMatrix(("enc_x", "w_x"), 1.0 / (x_scale * shift), rows)]
    if layer.recurrent:
        out.append(SynapticMatrix(("enc_h", "w_h"), 1.0 / shift, rows))
    terms = {"ad": 2}  # Ad: two parallel Dense terms, ad and ad_rest (what ad misses)
    return out + [
        SynapticMatrix((name,), units[FEEDS[name]] / shift, terms=terms.get(name, 1))
        for name in DECLARED
    ]


def _map_layer(index: int, layer: Any, settings: Any) -> LayerMapping:
    beta, theta = as_numpy(layer.decays()), as_numpy(layer.thresholds())
    units = _units(layer, settings)
    sizes = dict(memory=layer.memory, order=layer.order, reset=RESETS[layer.reset])
    float_params: dict[str, Any] = dict(sizes)
    fixed_params: dict[str, Any] = dict(sizes)
    for i, suffix in enumerate(SUFFIXES):
        float_params.update({f"du{suffix}": 1.0, f"dv{suffix}": 1 - beta[i],
                             f"vth{suffix}": theta[i]})  # fmt: skip
        fixed_params.update({f"du{suffix}": DECAY_UNITY - 1,
                             f"dv{suffix}": int(round(DECAY_UNITY * (1 - beta[i]))),
                             f"vth{suffix}": int(settings.vth)})  # fmt: skip
    synapses = matrices(layer, index, settings)
    n_syn = 2 if layer.recurrent else 1
    float_syn, fixed_syn, report = map_synapses(layer, synapses[:n_syn], bits=settings.weight_bits)
    float_params.update(float_syn)
    fixed_params.update(fixed_syn)
    errors = [report["weight_error"]]
    quantized = {}
    for name, matrix in zip(DECLARED, synapses[n_syn:], strict=True):
        w = matrix_values(layer, matrix)
        quantized[name] = (w, quantize_matrix(w, matrix, settings.weight_bits))
    for name in MATRICES:
        if name == "ad_rest":  # Ad's second Dense term: what the first misses (float: zero)
            ((mant, exp),) = quantized["ad"][1].rest
            float_params[name] = as_numpy(layer.ad_rest)
            fixed_params.update({name: mant, f"{name}_exp": exp})
            continue
        w, q = quantized[name]
        float_params[name] = w if settings.weight_bits is None else q.dequantized
        fixed_params.update({name: q.mant, f"{name}_exp": q.exp})
        report[f"{name}_error"] = q.error  # Ad's: of both terms together
        errors.append(q.error)
    report.update(weight_error=max(errors), headroom=STATE_MAX / units.max())
    return LayerMapping(
        "l2mu", layer.n_in, layer.n, layer.recurrent, float_params, fixed_params,
        float(units[2]), float(DECAY_UNITY), report,
    )  # fmt: skip

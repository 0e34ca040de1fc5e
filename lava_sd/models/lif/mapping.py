"""Map trained ``LIFLayer`` torch layers onto ``LIF`` layer processes.

Float: the torch parameters as they are (the cell's ``du``, ``dv``, ``vth`` and ``v_bias``,
scalars or per neuron). Fixed: decays rounded to Lava's 1/4096 grid per neuron (``du`` stored
as D - 1, ``dv`` as D), one state unit per layer ``U = (vth << 6) / theta_max`` (``vth`` of
``MappingSettings``; per-neuron thresholds become ``round(vth theta / theta_max)``), the bias
as ``bias_mant << bias_exp`` in state units, weights as even 8-bit mantissas (or of the
classifier's ``weight_bits``) with one exponent per matrix (``lava_sd.layer.mapping``).

The trained bias ``b`` of the torch layer enters Lava's ``v`` together with ``v_bias``, as it
enters torch's ``v``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from lava_sd.fixed_point import DECAY_UNITY, STATE_MAX, split_mant_exp, state_unit
from lava_sd.layer.mapping import (
    LayerMapping,
    SynapticMatrix,
    as_numpy,
    map_synapses,
    synapse_matrices,
)
from lava_sd.models.lif.config import RESETS


def _unit(index: int, layer: Any, settings: Any) -> float:
    """The layer's state unit: ``vth << 6`` per largest threshold."""
    return state_unit(f"LIF layer {index}", settings.vth, float(np.max(as_numpy(layer.cell.vth))))


def matrices(layer: Any, index: int, settings: Any) -> list[SynapticMatrix]:
    """The layer's input and recurrent matrices at its state unit (``_unit``)."""
    return synapse_matrices(layer, index, settings, _unit(index, layer, settings))


def map_layers(model: Any, settings: Any) -> list[LayerMapping]:
    """Every layer of a trained LIF classifier as ``LIF`` process parameters."""
    layers = []
    for index, layer in enumerate(model.layers):
        syn, cell = layer.synapses, layer.cell
        b, rec = as_numpy(syn.bias), as_numpy(syn.recurrent_weight)
        du, dv, theta, v_bias = (as_numpy(getattr(cell, key)) for key in cell.NEURON_BUFFERS)
        theta_max = float(np.max(theta))
        unit = _unit(index, layer, settings)
        vth = np.maximum(np.round(settings.vth * theta / theta_max), 1).astype(np.int64)
        d_u = np.clip(np.round(du * DECAY_UNITY), 1, DECAY_UNITY).astype(np.int64)
        d_v = np.clip(np.round(dv * DECAY_UNITY), 0, DECAY_UNITY).astype(np.int64)
        bias = b + v_bias
        bias_mant, bias_exp = split_mant_exp(np.round(bias * unit))
        float_syn, fixed_syn, report = map_synapses(
            layer, matrices(layer, index, settings), bits=settings.weight_bits
        )
        reset = RESETS[cell.config.reset]
        layers.append(
            LayerMapping(
                "lif",
                layer.n_in,
                layer.n,
                rec is not None,
                {
                    "du": du,
                    "dv": dv,
                    "vth": theta,
                    "bias_mant": bias,
                    "bias_exp": 0,
                    "reset": reset,
                    **float_syn,
                },
                {
                    "du": d_u - 1,
                    "dv": d_v,
                    "vth": vth,
                    "bias_mant": bias_mant,
                    "bias_exp": bias_exp,
                    "reset": reset,
                    **fixed_syn,
                },
                unit,
                float(DECAY_UNITY),
                {
                    **report,
                    "headroom": STATE_MAX / unit,
                    "decay_error": _largest(
                        np.abs(d_u / DECAY_UNITY - du), np.abs(d_v / DECAY_UNITY - dv)
                    ),
                    "vth_error": _largest(np.abs(vth * theta_max / settings.vth - theta) / theta),
                    "bias_error": _largest(np.abs((bias_mant << bias_exp) / unit - bias)),
                },
            )  # fmt: skip
        )
    return layers


def _largest(*errors: np.ndarray) -> float:
    """The largest entry of any of ``errors`` (0 for none)."""
    return float(max(np.max(e, initial=0.0) for e in errors))

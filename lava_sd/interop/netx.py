"""Export a lava_sd network as a lava-dl netx hdf5 file (``lava.lib.dl.netx.hdf5.Network``).

netx (lava-dl 0.6) loads ``dense`` and ``dense_rec`` layers of ``CUBA`` neurons, Lava's
``LIF`` (reset to zero) behind Lava's ``Dense`` synapses::

    layer/<i>/type     "dense" | "dense_rec"
    layer/<i>/shape    [n]
    layer/<i>/weight   integer weights (n, n_in); weight_rec (n, n) for dense_rec
    layer/<i>/bias     integer bias: bias_mant, with netx's fixed bias_exp = 6
    layer/<i>/neuron   type "CUBA", iDecay = du + 1, vDecay = dv, vThMant = vth, refDelay 1

The file holds a network's own fixed-point parameters, so netx runs the same integer arithmetic
as lava_sd's ``fixed`` backend when three conditions hold, which ``export_hdf5`` checks:

- every effective weight ``mantissa 2**weight_exp`` is an integer in [-256, 254] (netx
  rescales integer weights to 8 bits itself: ``lava.lib.dl.netx.utils.optimize_weight_bits``);
  a network quantised at a large threshold ``vth`` has larger integer weights: convert (or
  ``from_nir``) it with the smaller ``vth`` the error message suggests;
- the bias is a multiple of 2**6 state units (netx fixes ``bias_exp = 6``);
- decays and thresholds are one value per layer (netx's neuron parameters are scalars), and
  the neurons reset to zero.

Timing: every netx layer is a ``Dense`` synapse process (one step of delay, Lava's) in front of
its neurons, whereas lava_sd's synapses are fused into the layer; layer ``l`` of the netx
network (counting from 1) therefore fires ``l`` steps after lava_sd's layer ``l`` on the same
input. Load the file with ``input_message_bits=24`` for lava_sd's graded input (``round(x X)``)
or 0 for binary spikes; netx has no batch axis and runs fixed point only.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from lava_sd.checks import ParameterError

__all__ = ["export_hdf5"]

NETX_BIAS_EXP = 6
NETX_WEIGHT_RANGE = (-256, 254)  # integer weights netx's optimize_weight_bits keeps exactly
NETX_BIAS_MANT_MAX = (1 << 12) - 1  # Lava LIF bias_mant: 13-bit signed


def _scalar(index: int, name: str, value: Any) -> int:
    arr = np.asarray(value).reshape(-1)
    if not np.all(arr == arr[0]):
        raise ParameterError(
            f"export_hdf5: layer {index}: '{name}' differs between neurons; netx's CUBA neuron "
            "takes one value per layer."
        )
    return int(arr[0])


def _effective(index: int, key: str, mant: Any, exp: int, vth: int) -> np.ndarray:
    """Integer weights ``mant 2**exp`` netx reproduces exactly, or a ParameterError."""
    value = np.asarray(mant, dtype=np.float64) * 2.0**exp
    low, high = NETX_WEIGHT_RANGE
    peak = float(np.abs(value).max(initial=0.0))
    if np.any(value != np.round(value)):
        need = int(np.ceil(vth * 64 / max(peak, 1e-300)))
        raise ParameterError(
            f"export_hdf5: layer {index}: {key} are fractions of an integer (mantissa << "
            f"{exp}); netx stores integer weights. Quantise the network with a larger threshold, "
            f"about vth = {need} or more (convert(..., vth=...) or from_nir(..., vth=...); for "
            "the first layer also input_scale=1 with binary inputs)."
        )
    if value.min(initial=0) < low or value.max(initial=0) > high:
        fit = max(1, int(vth * high / peak))
        raise ParameterError(
            f"export_hdf5: layer {index}: {key} reach {peak:.0f} as integers, beyond the "
            f"[{low}, {high}] netx keeps exactly. Quantise the network with a threshold of at "
            f"most vth = {fit} (convert(..., vth={fit}) or from_nir(..., vth={fit}))."
        )
    return value.astype(np.int64)


def _layer(index: int, layer: Any) -> dict[str, Any]:
    """One layer's netx description, checked."""
    p = layer.fixed_params
    if layer.model not in ("lif", "alif"):
        raise ParameterError(
            f"export_hdf5: layer {index} is a '{layer.model}' layer; netx loads CUBA (LIF) "
            "neurons in dense layers: export lif networks (or alif with its adaptation off)."
        )
    if layer.model == "alif" and (np.any(np.asarray(p["a_w"])) or np.any(np.asarray(p["b_w"]))):
        raise ParameterError(
            f"export_hdf5: layer {index} is an alif layer with its adaptation on; netx's CUBA "
            "neuron has no adaptation."
        )
    if int(np.asarray(p.get("reset", 0)).reshape(-1)[0]) != 0:
        raise ParameterError(
            f"export_hdf5: layer {index} resets by subtraction; netx's CUBA neuron resets to 0."
        )
    vth = _scalar(index, "vth", p["vth"])
    out = {
        "type": "dense_rec" if layer.recurrent else "dense",
        "shape": np.array([layer.n]),
        "weight": _effective(index, "weights", p["weights"], p.get("weight_exp", 0), vth),
        "neuron": {
            "type": "CUBA", "iDecay": _scalar(index, "du", p.get("du", 4095)) + 1,
            "vDecay": _scalar(index, "dv", p["dv"]), "vThMant": vth, "refDelay": 1,
            "gradedSpike": False,
        },
    }  # fmt: skip
    if layer.recurrent:
        rec = _effective(index, "recurrent weights", p["rec_weights"], p["rec_weight_exp"], vth)
        out["weight_rec"] = rec
    bias = np.broadcast_to(
        np.left_shift(np.asarray(p["bias_mant"], np.int64), np.asarray(p["bias_exp"], np.int64)),
        (layer.n,),
    )
    if np.any(bias):
        mant = bias >> NETX_BIAS_EXP
        if np.any(mant << NETX_BIAS_EXP != bias) or np.abs(mant).max() > NETX_BIAS_MANT_MAX:
            raise ParameterError(
                f"export_hdf5: layer {index}: its bias ({int(np.abs(bias).max())} state units at "
                f"most) is not a 13-bit multiple of 2**{NETX_BIAS_EXP}, the only bias netx "
                "loads (bias_exp = 6); quantise it so, or leave the bias out."
            )
        out["bias"] = mant
    return out


def export_hdf5(network: Any, path: str | Path) -> Path:
    """Write ``network``'s fixed-point layers as a netx hdf5 file.

    a_l = W_l s_{l-1} (Lava Dense, one step of delay);  u, v: Lava LIF (du = iDecay - 1,
    dv = vDecay, vth = vThMant, bias = bias << 6), reset to zero.

    Args:
        network: a ``lava_sd.Network`` of ``lif`` (or adaptation-free ``alif``) layers.
        path: the ``.net`` / ``.h5`` file to write.

    Returns:
        The path written. Load it with ``lava.lib.dl.netx.hdf5.Network(path,
        input_message_bits=24)`` (lava_sd's graded input) and run it in fixed point; layer ``l``
        fires ``l`` steps later than in lava_sd (module docstring). The host readout is not
        part of the file.

    Raises:
        ParameterError: a layer netx cannot load exactly (the message says why and what to do).
    """
    import h5py

    if not (hasattr(network, "layers") and hasattr(network, "readout_weight")):
        raise ParameterError(
            f"export_hdf5: expected a lava_sd.Network, got {type(network).__name__}; convert a "
            "Classifier first (lava_sd.convert)."
        )
    layers = [_layer(i, layer) for i, layer in enumerate(network.layers)]
    path = Path(path)
    with h5py.File(path, "w") as f:
        for i, layer in enumerate(layers):
            group = f.create_group(f"layer/{i}")
            group.create_dataset("type", (1,), "S10", [layer["type"].encode("ascii")])
            for key in ("shape", "weight", "weight_rec", "bias"):
                if key in layer:
                    group.create_dataset(key, data=layer[key])
            for key, value in layer["neuron"].items():
                if key == "type":
                    group.create_dataset("neuron/type", (1,), "S10", [value.encode("ascii")])
                else:
                    group.create_dataset(f"neuron/{key}", data=value)
    return path

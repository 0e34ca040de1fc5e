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
  the integer size of a layer's weights scales with its threshold unit ``vth``: the error lists
  the ``vth`` that fit each layer (``from_nir(..., vth=[...])`` takes one per layer);
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


def _weights(
    key: str, mant: Any, exp: int, vth: int
) -> tuple[np.ndarray | None, tuple[float, float]]:
    """Integer weights ``mant 2**exp`` if netx keeps them exactly (else ``None``), and the
    thresholds ``vth`` at which they would: quantisation (``quantize_weights``) gives even
    mantissas and the smallest exponent that fits 254, so the weights are integers in
    [-256, 254] when their largest magnitude lies in (63.5, 254], and it scales with vth."""
    value = np.asarray(mant, dtype=np.float64) * 2.0**exp
    low, high = NETX_WEIGHT_RANGE
    peak = float(np.abs(value).max(initial=0.0))
    window = (0.0, np.inf) if peak == 0 else (63.5 * vth / peak, 254 * vth / peak)
    exact = np.all(value == np.round(value)) and low <= value.min(initial=0)
    if exact and value.max(initial=0) <= high:
        return value.astype(np.int64), window
    return None, window


def _advice(windows: list[tuple[float, float]], vth: list[int]) -> str:
    """Which thresholds make every layer's weights fit netx (or why none does)."""
    parts, choice = [], []
    for i, (lo, hi) in enumerate(windows):
        first, last = int(np.floor(lo)) + 1, int(np.floor(min(hi, (1 << 17) - 1)))
        if first > last:
            hint = " at this input_scale" if i == 0 else ""
            parts.append(f"layer {i}: none (its input and recurrent weights differ too much{hint})")
            choice.append(None)
        else:
            parts.append(f"layer {i}: {first}..{last} (now {vth[i]})")
            choice.append(int(round(np.sqrt(first * last))))
    advice = "vth that fit, per layer: " + "; ".join(parts) + "."
    if None not in choice:
        advice += f" E.g. from_nir(..., vth={choice}) (a list: one per layer)."
    return advice


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
    weight, window = _weights("weights", p["weights"], p.get("weight_exp", 0), vth)
    out = {
        "type": "dense_rec" if layer.recurrent else "dense",
        "shape": np.array([layer.n]),
        "weight": weight,
        "window": window,
        "neuron": {
            "type": "CUBA", "iDecay": _scalar(index, "du", p.get("du", 4095)) + 1,
            "vDecay": _scalar(index, "dv", p["dv"]), "vThMant": vth, "refDelay": 1,
            "gradedSpike": False,
        },
    }  # fmt: skip
    if layer.recurrent:
        rec, rec_window = _weights("rec", p["rec_weights"], p["rec_weight_exp"], vth)
        out["weight_rec"] = rec
        out["window"] = (max(window[0], rec_window[0]), min(window[1], rec_window[1]))
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
    bad = [
        i
        for i, layer in enumerate(layers)
        if layer["weight"] is None or ("weight_rec" in layer and layer["weight_rec"] is None)
    ]
    if bad:
        vth = [int(layer["neuron"]["vThMant"]) for layer in layers]
        raise ParameterError(
            f"export_hdf5: the weights of layer(s) {bad} are not integers in "
            f"[{NETX_WEIGHT_RANGE[0]}, {NETX_WEIGHT_RANGE[1]}] (mantissa << weight_exp), which "
            "netx stores and rescales to 8 bits itself; the weights' integer size scales with "
            f"the threshold unit vth. {_advice([layer['window'] for layer in layers], vth)} With "
            "graded inputs the first layer also depends on input_scale (binary: input_scale=1)."
        )
    path = Path(path)
    with h5py.File(path, "w") as f:
        for i, layer in enumerate(layers):
            group = f.create_group(f"layer/{i}")
            group.create_dataset("type", (1,), "S10", [layer["type"].encode("ascii")])
            for key in ("shape", "weight", "weight_rec", "bias"):  # not "window"
                if key in layer:
                    group.create_dataset(key, data=layer[key])
            for key, value in layer["neuron"].items():
                if key == "type":
                    group.create_dataset("neuron/type", (1,), "S10", [value.encode("ascii")])
                else:
                    group.create_dataset(f"neuron/{key}", data=value)
    return path
